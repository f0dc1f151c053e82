package validate_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ovcompat/ovcompat/har"
	"github.com/ovcompat/ovcompat/rules"
	"github.com/ovcompat/ovcompat/schema"
	"github.com/ovcompat/ovcompat/validate"
)

func checker(t *testing.T) *rules.Checker {
	t.Helper()
	c, err := rules.New(rules.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func entry(method, url string, reqHeaders []har.Header, status int, ctype, body string) har.Entry {
	var e har.Entry
	e.Request = har.Request{Method: method, URL: url, Headers: reqHeaders}
	e.Response = har.Response{Status: status, Content: har.Content{MimeType: ctype, Text: body}}
	if ctype != "" {
		e.Response.Headers = []har.Header{{Name: "Content-Type", Value: ctype}}
	}
	return e
}

func writeHAR(t *testing.T, entries ...har.Entry) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "rec.har")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := har.Write(f, &har.File{Log: har.Log{Version: "1.2", Entries: entries}}); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestHAREntries(t *testing.T) {
	hosts, err := os.ReadFile("../fixtures/bodies/v4/hosts.xml")
	if err != nil {
		t.Fatal(err)
	}
	v4 := []har.Header{{Name: "Version", Value: "4"}, {Name: "Accept", Value: "application/xml"}}
	v3 := []har.Header{{Name: "Version", Value: "3"}}
	path := writeHAR(t,
		entry("GET", "https://engine/ovirt-engine/api/hosts", v4, 200, "application/xml;charset=UTF-8", string(hosts)),
		entry("GET", "https://engine/ovirt-engine/api/hosts", v4, 200, "application/json", string(hosts)),
		entry("GET", "https://engine/ovirt-engine/api", nil, 401, "text/html;charset=UTF-8", "<html><head><title>Error</title></head><body>Unauthorized</body></html>"),
		entry("GET", "https://engine/ovirt-engine/api/vms/123", v4, 404, "", ""),
		entry("GET", "https://engine/ovirt-engine/api/hosts", v3, 200, "application/xml", string(hosts)),
		entry("POST", "https://engine:35357/v2.0/tokens", nil, 200, "application/json", `{"access":{}}`),
		entry("GET", "https://engine/ovirt-engine/api/vms", v4, 200, "application/xml", string(hosts)),
	)
	var recs []validate.Record
	err = validate.Run(context.Background(), validate.Config{Paths: []string{path}, Checker: checker(t)}, func(r validate.Record) { recs = append(recs, r) })
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 7 {
		t.Fatalf("want 7 records, got %d", len(recs))
	}
	has := func(r validate.Record, rule string) bool {
		return slices.ContainsFunc(r.Violations, func(v schema.Violation) bool { return v.Rule == rule })
	}
	tcs := []struct {
		name    string
		ok      bool
		skipped bool
		rule    string
	}{
		{"valid hosts", true, false, ""},
		{"XML labelled JSON", false, false, rules.RuleContentType},
		{"HTML 401 from the web server", true, false, ""},
		{"empty 404", true, false, ""},
		{"v3 without a v3 schema", true, true, ""},
		{"outside the API", true, true, ""},
		{"hosts where vms are expected", false, false, schema.RuleWrongRoot},
	}
	for i, tc := range tcs {
		r := recs[i]
		if *r.Entry != i || r.File != path {
			t.Errorf("%s: record %d names entry %d of %s", tc.name, i, *r.Entry, r.File)
		}
		if r.OK != tc.ok || (r.Skipped != "") != tc.skipped {
			t.Errorf("%s: ok=%v skipped=%q, want ok=%v skipped=%v (%v)", tc.name, r.OK, r.Skipped, tc.ok, tc.skipped, r.Violations)
		}
		if tc.rule != "" && !has(r, tc.rule) {
			t.Errorf("%s: want %s, got %v", tc.name, tc.rule, r.Violations)
		}
	}
	if recs[0].Route != "GET /hosts" {
		t.Errorf("route = %q", recs[0].Route)
	}
}

func TestBareBodies(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.xml", `<vm id="1" href="/ovirt-engine/api/vms/1"><name>a</name></vm>`)
	bad := write("bad.xml", `<vm><memory>x</memory></vm>`)
	binary := write("blob.xml", "\x00\x01\x02\xff")
	json := write("vm.json", `{"name":"a"}`)
	run := func(cfg validate.Config) ([]validate.Record, error) {
		cfg.Checker = checker(t)
		var recs []validate.Record
		err := validate.Run(context.Background(), cfg, func(r validate.Record) { recs = append(recs, r) })
		return recs, err
	}
	recs, err := run(validate.Config{Paths: []string{good, bad, binary}})
	if err != nil {
		t.Fatal(err)
	}
	if !recs[0].OK || recs[1].OK || recs[2].OK || recs[2].Violations[0].Rule != schema.RuleMalformed {
		t.Errorf("verdicts: %+v", recs)
	}
	if _, err := run(validate.Config{Paths: []string{json}}); !errors.Is(err, validate.ErrUsage) {
		t.Errorf("JSON without --type: want a usage error, got %v", err)
	}
	if recs, err := run(validate.Config{Paths: []string{json}, Type: "Vm"}); err != nil || len(recs) != 1 {
		t.Errorf("JSON with --type: %v %v", recs, err)
	}
	if _, err := run(validate.Config{Paths: []string{good}, Type: "Starship"}); !errors.Is(err, validate.ErrUsage) {
		t.Errorf("unknown --type: want a usage error, got %v", err)
	}
	if _, err := run(validate.Config{Paths: []string{filepath.Join(dir, "missing.xml")}}); !errors.Is(err, validate.ErrUsage) {
		t.Errorf("missing file: want a usage error, got %v", err)
	}
	recs, err = run(validate.Config{Paths: []string{good}, Route: "GET /hosts/{host_id}"})
	if err != nil || recs[0].OK || recs[0].Violations[0].Rule != schema.RuleWrongRoot {
		t.Errorf("--route mismatch: %+v %v", recs, err)
	}
	// An iSCSI bond's Add answers performAction's <action>
	// (BackendIscsiBondNetworksResource.java:40, BackendResource.java:178-194).
	action := write("action.xml", "<action><status>complete</status></action>")
	bondAdd := "POST /datacenters/{data_center_id}/iscsibonds/{iscsi_bond_id}/networks"
	if recs, err := run(validate.Config{Paths: []string{action}, Route: bondAdd}); err != nil || !recs[0].OK {
		t.Errorf("--route %s, the engine's answer: %+v %v", bondAdd, recs, err)
	}
	if recs, err := run(validate.Config{Paths: []string{action}, Route: "POST /networks"}); err != nil || recs[0].OK {
		t.Errorf("--route POST /networks, an <action>: %+v %v", recs, err)
	}
	if err := os.Remove(action); err != nil {
		t.Fatal(err)
	}
	recs, err = run(validate.Config{Paths: []string{dir}, Type: "Vm"})
	if err != nil || len(recs) != 4 {
		t.Errorf("folder: %d records, %v", len(recs), err)
	}
}

// TestFilesReadIntoOneBuffer: bodies of different sizes, read one after
// the other into the reused buffer, each get their own verdict. Over
// --max-body, a JSON body (held whole to be validated) is reported as
// schema.limit without being read, and an XML body is validated as it
// streams, never held.
func TestFilesReadIntoOneBuffer(t *testing.T) {
	dir := t.TempDir()
	bodies := map[string]string{
		"a-large.xml": "<vm><name>web</name><memory>1024</memory><bogus/></vm>",
		"b-small.xml": "<vm><name>x</name></vm>",
		"c-large.xml": "<vm><name>db</name><description>" + string(slices.Repeat([]byte("d"), 5000)) + "</description><memory>lots</memory></vm>",
		"d-huge.json": `{"name":"` + string(slices.Repeat([]byte("n"), 20000)) + `"}`,
		"e-huge.xml":  "<vm><name>" + string(slices.Repeat([]byte("n"), 20000)) + "</name><memory>x</memory></vm>",
	}
	for n, b := range bodies {
		if err := os.WriteFile(filepath.Join(dir, n), []byte(b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var got []validate.Record
	err := validate.Run(context.Background(), validate.Config{Paths: []string{dir}, Checker: checker(t), Limits: schema.Limits{MaxBytes: 10000}, Type: "Vm"},
		func(r validate.Record) { got = append(got, r) })
	if err != nil {
		t.Fatal(err)
	}
	rulesOf := func(r validate.Record) []string {
		var out []string
		for _, v := range r.Violations {
			out = append(out, v.Rule+" "+v.Location)
		}
		return out
	}
	want := [][]string{
		{"schema.unknown-element /vm/bogus"},
		nil,
		{"schema.invalid-value /vm/memory"},
		{"schema.limit /"},                  // JSON must be held whole to be validated
		{"schema.invalid-value /vm/memory"}, // XML is validated as it streams, whatever its size
	}
	if len(got) != len(want) {
		t.Fatalf("got %d records, want %d", len(got), len(want))
	}
	for i, r := range got {
		if !slices.Equal(rulesOf(r), want[i]) {
			t.Errorf("%s: got %v, want %v", r.File, rulesOf(r), want[i])
		}
	}
}
