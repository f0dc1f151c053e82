package compat

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/har"
	"github.com/ovcompat/ovcompat/reports"
	"github.com/ovcompat/ovcompat/schema"
)

const vmXML = `<vm id="1" href="/ovirt-engine/api/vms/1"><name>a</name><memory>1024</memory><status>up</status>` +
	`<display><mode>a</mode></display><link rel="nics" href="/ovirt-engine/api/vms/1/nics"/></vm>`

// verdicts checks exchanges recorded with a, upgraded to b, and writes
// each client's routes as "client METHOD route outcome [kinds]".
func verdicts(t *testing.T, a, b *schema.Model, exs []Exchange, mandatory bool) []string {
	t.Helper()
	rep := check(a, b, Use(a, exs), compare(a, b, mandatory))
	var out []string
	for _, sc := range rep.Results(Meta{}).Scenarios {
		for _, st := range sc.Steps {
			var kinds []string
			for _, d := range st.Differences {
				kinds = append(kinds, d.Kind)
			}
			out = append(out, strings.TrimSpace(sc.Name+" "+st.Method+" "+st.Path+" "+string(st.Outcome)+" "+strings.Join(kinds, ",")))
		}
	}
	return out
}

// TestCheckClients: what each client used, held against what changes. A
// client that reads a removed member fails on the route it read it on; one
// that never met it passes; a new value of an enum a client reads warns.
func TestCheckClients(t *testing.T) {
	r := base()
	a := r.model(t)
	r.vmElems = slices.Delete(r.vmElems, 1, 2) // memory goes
	r.status = append(r.status, "paused")
	r.startParams = []string{"async"} // pause goes
	r.listParams = nil                // search goes
	b := r.model(t)
	exs := []Exchange{
		{Client: "portal/1.0", Method: "GET", URL: "/ovirt-engine/api/vms/1", Status: 200, RspType: "application/xml", RspBody: []byte(vmXML)},
		{Client: "portal/1.0", Method: "GET", URL: "/ovirt-engine/api/vms?search=name%3Da", Status: 200, RspType: "application/xml", RspBody: []byte("<vms/>")},
		{Client: "portal/1.0", Method: "GET", URL: "/ovirt-engine/api/nowhere", Status: 404},
		{Client: "portal/1.0", Method: "GET", URL: "/api/vms", Version: "3", Status: 200},
		{Client: "ansible/2.9", Method: "POST", URL: "/ovirt-engine/api/vms/1/start", ReqType: "application/xml", ReqBody: []byte("<action><pause>true</pause></action>"), Status: 200},
		{Client: "ansible/2.9", Method: "GET", URL: "/ovirt-engine/api/hosts", Status: 200, RspType: "application/xml", RspBody: []byte(`<hosts><host id="h"/></hosts>`)},
		{Client: "json/1", Method: "GET", URL: "/ovirt-engine/api/vms/1", Status: 200, RspType: "application/json", RspBody: []byte(`{"id": "1", "name": "a"}`)},
	}
	got := verdicts(t, a, b, exs, true)
	want := []string{
		"client ansible/2.9 GET /hosts pass",
		"client ansible/2.9 POST /vms/{vm_id}/start fail parameter-removed",
		"client json/1 GET /vms/{vm_id} pass",
		"client portal/1.0 GET /vms fail parameter-removed",
		"client portal/1.0 GET /vms/{vm_id} fail member-removed,enum-value-added",
		"client portal/1.0 GET /nowhere skip",
	}
	if !slices.Equal(got, want) {
		t.Errorf("\n got  %q\n want %q", got, want)
	}
	res := Check(a, b, Use(a, exs)).Results(Meta{ToolVersion: "test"})
	if res.Run.Kind != "compat" || !slices.ContainsFunc(res.Run.Notes, func(n string) bool { return strings.Contains(n, "portal/1.0: 1 request not to API v4") }) {
		t.Errorf("run %+v", res.Run)
	}
}

// TestCheckMandatory: a field that becomes mandatory fails the clients
// whose recorded requests lack it, and only them.
func TestCheckMandatory(t *testing.T) {
	r := base()
	a := r.model(t)
	r.addMandatory = []string{"vm.name", "vm.memory"}
	b := r.model(t)
	post := func(client, body string) Exchange {
		return Exchange{Client: client, Method: "POST", URL: "/ovirt-engine/api/vms", ReqType: "application/xml", ReqBody: []byte(body), Status: 201}
	}
	got := verdicts(t, a, b, []Exchange{post("old/1", "<vm><name>a</name></vm>"), post("new/1", "<vm><name>a</name><memory>1</memory></vm>")}, true)
	want := []string{"client new/1 POST /vms pass", "client old/1 POST /vms fail parameter-became-mandatory"}
	if !slices.Equal(got, want) {
		t.Errorf("\n got  %q\n want %q", got, want)
	}
}

// TestReadRecordings reads a HAR file and the bundled scenarios (recorded
// through the proxy), each request with its client.
func TestReadRecordings(t *testing.T) {
	f := &har.File{Log: har.Log{Version: "1.2", Creator: har.Creator{Name: "test", Version: "1"}, Entries: []har.Entry{{
		Request: har.Request{Method: "GET", URL: "https://engine.example.com/ovirt-engine/api/vms/1", HTTPVersion: "HTTP/1.1",
			Headers: []har.Header{{Name: "User-Agent", Value: "portal/1.0"}}},
		Response: har.Response{Status: 200, HTTPVersion: "HTTP/1.1", Headers: []har.Header{{Name: "Content-Type", Value: "application/xml"}},
			Content: har.Content{MimeType: "application/xml", Text: vmXML, Size: int64(len(vmXML))}},
	}}}}
	var buf bytes.Buffer
	if err := har.Write(&buf, f); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "s.har"), buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	exs, err := ReadRecordings([]string{dir, "../fixtures/scenarios/vms-crud.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	if len(exs) < 5 || exs[0].Client != "portal/1.0" || exs[0].URL != "/ovirt-engine/api/vms/1" || string(exs[0].RspBody) != vmXML {
		t.Fatalf("%d exchanges, first %+v", len(exs), exs[0])
	}
	m, err := schema.V4()
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range Use(m, exs) {
		if len(u.Outside) != 0 {
			t.Errorf("%s: requests outside the model: %v", u.Client, u.Outside)
		}
		if u.Client == NoUserAgent && u.Routes["DELETE /vms/{vm_id}"] == nil {
			t.Errorf("the scenario's DELETE of its VM ({{vm.id}} in the path) is not read: %v", u.Routes)
		}
	}
	if _, err := ReadRecordings([]string{filepath.Join(dir, "none")}); err == nil {
		t.Error("a missing path is no error")
	}
}

// TestCheckRealTraffic holds real engine traffic (ManageIQ's recordings
// of 4.2/4.3 engines, ../shared/ovirt/traffic's v4 sessions, a copy of
// which is in fixtures/scenarios/recorded) against the upgrade from 4.3 to
// 4.4: 4.4 deprecates Display's single_qxl_pci
// (types/Display.java: "@Deprecated Boolean singleQxlPci();"), which
// those VMs carry.
func TestCheckRealTraffic(t *testing.T) {
	exs, err := ReadRecordings([]string{"../fixtures/scenarios/recorded"})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := schema.LoadRelease("4.3")
	b, _ := schema.LoadRelease("4.4")
	res := Check(a, b, Use(a, exs)).Results(Meta{})
	found := false
	for _, sc := range res.Scenarios {
		for _, st := range sc.Steps {
			for _, d := range st.Differences {
				found = found || d.Location == "vm.display.single_qxl_pci" && d.Grade == reports.GradeWarn
			}
		}
	}
	if !found {
		t.Error("no client reads vm.display.single_qxl_pci, deprecated in 4.4")
	}
}

// FuzzUse: no recorded body makes reading what a client used panic.
func FuzzUse(f *testing.F) {
	f.Add("GET", "/ovirt-engine/api/vms/1", "application/xml", []byte(vmXML))
	f.Add("POST", "/ovirt-engine/api/vms/1/start", "application/json", []byte(`{"pause": "true"}`))
	f.Add("GET", "/ovirt-engine/api/vms;max=1", "application/xml", []byte(`<vms><vm><status>up</status></vm></vms>`))
	m, err := schema.V4()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, method, url, contentType string, body []byte) {
		exs := []Exchange{{Client: "c", Method: method, URL: url, ReqType: contentType, ReqBody: body,
			Status: 200, RspType: contentType, RspBody: body}}
		for _, u := range Use(m, exs) {
			for _, ru := range u.Routes {
				if ru.Requests != 1 {
					t.Fatalf("%d requests", ru.Requests)
				}
			}
		}
	})
}
