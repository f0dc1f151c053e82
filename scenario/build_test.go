package scenario

import (
	"github.com/ovcompat/ovcompat/har"
	"net/http"
	"strings"
	"testing"
)

func xmlHeader(extra ...string) http.Header {
	h := http.Header{"Content-Type": {"application/xml"}, "Date": {"Mon, 01 Jan 2024 00:00:00 GMT"}}
	for i := 0; i+1 < len(extra); i += 2 {
		h.Set(extra[i], extra[i+1])
	}
	return h
}

const (
	vmID   = "1f6e2ad4-0000-4000-8000-000000000001"
	diskID = "2a7c9e11-0000-4000-8000-000000000002"
	seedID = "3b8daf22-0000-4000-8000-000000000003"
)

func vmBody(id, status string) []byte {
	return []byte(`<vm href="/ovirt-engine/api/vms/` + id + `" id="` + id + `"><name>lc</name><status>` + status + `</status></vm>`)
}

func lifecycleExchanges() []har.Exchange {
	api := "/ovirt-engine/api"
	return []har.Exchange{
		{Method: "POST", Path: "/ovirt-engine/sso/oauth/token", RequestBody: []byte("grant_type=password&password=REDACTED"), Status: 200},
		{Method: "GET", Path: api + "/vms", RawQuery: "search=name%3Dweb%2A", RequestHeader: http.Header{"Authorization": {"Bearer REDACTED"}, "Accept": {"application/xml"}},
			Status: 200, ResponseHeader: xmlHeader(), ResponseBody: []byte(`<vms><vm id="` + seedID + `"><name>web1</name></vm><vm id="x"><name>web2</name></vm></vms>`)},
		{Method: "GET", Path: api + "/vms/" + seedID, RequestHeader: http.Header{"Authorization": {"Basic REDACTED"}},
			Status: 200, ResponseHeader: xmlHeader(), ResponseBody: vmBody(seedID, "up")},
		{Method: "POST", Path: api + "/vms", RequestHeader: http.Header{"Content-Type": {"application/xml"}, "Cookie": {"JSESSIONID=REDACTED"}},
			RequestBody: []byte(`<vm><name>lc</name></vm>`), Status: 201,
			ResponseHeader: xmlHeader("Location", "https://engine"+api+"/vms/"+vmID, "Set-Cookie", "JSESSIONID=REDACTED"), ResponseBody: vmBody(vmID, "down")},
		{Method: "POST", Path: api + "/vms/" + vmID + "/diskattachments", RequestBody: []byte(`<disk_attachment><disk><name>d</name></disk></disk_attachment>`), Status: 201,
			ResponseHeader: xmlHeader("Location", "https://engine"+api+"/vms/"+vmID+"/diskattachments/"+diskID), ResponseBody: []byte(`<disk_attachment href="x"><bootable>false</bootable></disk_attachment>`)},
		{Method: "POST", Path: api + "/vms/" + vmID + "/start", RequestBody: []byte(`<action/>`), Status: 200, ResponseHeader: xmlHeader(), ResponseBody: []byte(`<action><status>complete</status></action>`)},
		{Method: "GET", Path: api + "/vms/" + vmID, Status: 200, ResponseHeader: xmlHeader(), ResponseBody: vmBody(vmID, "powering_up")},
		{Method: "GET", Path: api + "/vms/" + vmID, Status: 200, ResponseHeader: xmlHeader(), ResponseBody: vmBody(vmID, "powering_up")},
		{Method: "GET", Path: api + "/vms/" + vmID, Status: 200, ResponseHeader: xmlHeader(), ResponseBody: vmBody(vmID, "up")},
		{Method: "PUT", Path: api + "/vms/" + vmID, RequestBody: []byte(`<vm><description>about ` + vmID + `</description></vm>`), Status: 200, ResponseHeader: xmlHeader(), ResponseBody: vmBody(vmID, "up")},
		{Method: "GET", Path: api + "/vms/" + vmID + "/diskattachments/" + diskID, Status: 200, ResponseHeader: xmlHeader(), ResponseBody: []byte(`<disk_attachment/>`)},
		{Method: "DELETE", Path: api + "/vms/" + vmID + "/diskattachments/" + diskID, Status: 200},
		{Method: "GET", Path: api, Status: 401, ResponseHeader: http.Header{"Content-Type": {"text/html"}, "Www-Authenticate": {`Basic realm="RESTAPI"`}}, ResponseBody: []byte("<html>401</html>")},
		{Method: "POST", Path: "/ovirt-engine/services/sso-logout", Status: 200},
	}
}

func TestBuild(t *testing.T) {
	sc, err := Build(lifecycleExchanges(), BuildOptions{Name: "recorded", Labels: Labels{Source: SourceSimulator, Feature: []string{"crud"}}})
	if err != nil {
		t.Fatal(err)
	}
	out, err := Marshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	if _, err := Parse("built.yaml", out); err != nil {
		t.Fatalf("built scenario does not parse: %v\n%s", err, text)
	}
	for _, secret := range []string{"REDACTED", "Authorization", "Cookie", "sso", "Date:"} {
		if strings.Contains(text, secret) {
			t.Errorf("scenario holds %q:\n%s", secret, text)
		}
	}
	if len(sc.Steps) != 10 {
		t.Fatalf("%d steps, want 10 (SSO left out, polling collapsed):\n%s", len(sc.Steps), text)
	}
	checks := []struct {
		step int
		want string
		got  func(*Step) string
	}{
		{0, "GET /vms", func(s *Step) string { return s.Name }},
		{0, `vm[name="web1"]/@id`, func(s *Step) string { return capArg(s, "vm.id") }},
		{1, "/ovirt-engine/api/vms/{{vm.id}}", func(s *Step) string { return s.Request.Path }},
		{1, AuthBasic, func(s *Step) string { return s.Auth }},
		{2, "id", func(s *Step) string { return capFrom(s, "vm2.id") }},
		{3, "location", func(s *Step) string { return capFrom(s, "attachment.id") }},
		{3, "/ovirt-engine/api/vms/{{vm2.id}}/diskattachments", func(s *Step) string { return s.Request.Path }},
		{4, "/ovirt-engine/api/vms/{{vm2.id}}/start", func(s *Step) string { return s.Request.Path }},
		{5, "status=up", func(s *Step) string { return s.Poll.Path + "=" + strings.Join(s.Poll.Values, ",") }},
		{6, "<vm><description>about {{vm2.id}}</description></vm>", func(s *Step) string { return s.Request.Body }},
		{8, "/ovirt-engine/api/vms/{{vm2.id}}/diskattachments/{{attachment.id}}", func(s *Step) string { return s.Request.Path }},
		{9, AuthNone, func(s *Step) string { return s.Auth }},
		{9, `Basic realm="RESTAPI"`, func(s *Step) string { return Get(s.Response.Header, "WWW-Authenticate") }},
	}
	for _, c := range checks {
		if got := c.got(&sc.Steps[c.step]); got != c.want {
			t.Errorf("step %d: %q, want %q", c.step+1, got, c.want)
		}
	}
	// What was created is removed, newest first.
	if len(sc.Cleanup) != 2 || sc.Cleanup[1].Request.Method != "DELETE" || sc.Cleanup[1].Request.Path != "/ovirt-engine/api/vms/{{vm2.id}}" ||
		sc.Cleanup[0].Request.Path != "/ovirt-engine/api/vms/{{vm2.id}}/diskattachments/{{attachment.id}}" {
		t.Errorf("cleanup %+v", sc.Cleanup)
	}
	if sc.Labels.API != "v4" || strings.Join(sc.Labels.Resource, ",") != "vms" {
		t.Errorf("labels %+v", sc.Labels)
	}
	if q := sc.Steps[0].Request.Query; len(q) != 1 || q[0] != (Pair{"search", "name=web*"}) {
		t.Errorf("query %v", q)
	}
}

func capOf(s *Step, v string) *Capture {
	for i := range s.Captures {
		if s.Captures[i].Var == v {
			return &s.Captures[i]
		}
	}
	return nil
}

func capArg(s *Step, v string) string {
	if c := capOf(s, v); c != nil {
		return c.Arg
	}
	return ""
}

func capFrom(s *Step, v string) string {
	if c := capOf(s, v); c != nil {
		return c.From.String()
	}
	return ""
}

func TestBuildEmpty(t *testing.T) {
	if _, err := Build(nil, BuildOptions{Name: "x"}); err == nil {
		t.Error("no exchanges built a scenario")
	}
	if _, err := Build(lifecycleExchanges(), BuildOptions{}); err == nil {
		t.Error("no name built a scenario")
	}
}

func TestBuildCapturesIDsInBodies(t *testing.T) {
	api := "/ovirt-engine/api"
	att := "4c9e0b33-0000-4000-8000-000000000004"
	exs := []har.Exchange{
		{Method: "GET", Path: api + "/hosts/" + seedID + "/networkattachments", Status: 200, ResponseHeader: xmlHeader(),
			ResponseBody: []byte(`<network_attachments><network_attachment id="m"><network id="mgmt"/></network_attachment><network_attachment id="` + att + `"><network id="vmnet"/></network_attachment></network_attachments>`)},
		{Method: "POST", Path: api + "/hosts/" + seedID + "/setupnetworks", Status: 200, ResponseHeader: xmlHeader(),
			RequestBody:  []byte(`<action><removed_network_attachments><network_attachment id="` + att + `"/></removed_network_attachments></action>`),
			ResponseBody: []byte(`<action><status>complete</status></action>`)},
	}
	sc, err := Build(exs, BuildOptions{Name: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if c := capOf(&sc.Steps[0], "network_attachment.id"); c == nil || c.Arg != `network_attachment[network/@id="vmnet"]/@id` {
		t.Errorf("captures %+v", sc.Steps[0].Captures)
	}
	if want := `<network_attachment id="{{network_attachment.id}}"/>`; !strings.Contains(sc.Steps[1].Request.Body, want) {
		t.Errorf("body %s", sc.Steps[1].Request.Body)
	}
}

// TestBuildRedacts: exchanges handed over in clear (as a crawler reads
// them) make a scenario without a secret: the model's secret members in
// XML and JSON (an image transfer's proxy_url, a Ceph key's value), a
// session id in the path, credentials in headers.
func TestBuildRedacts(t *testing.T) {
	api := "/ovirt-engine/api"
	exs := []har.Exchange{
		{Method: "GET", Path: api + ";jsessionid=SECRET-1/imagetransfers/t1", RequestHeader: http.Header{"Authorization": {"Bearer SECRET-2"}},
			Status: 200, ResponseHeader: xmlHeader(), ResponseBody: []byte(`<image_transfer id="t1"><phase>transferring</phase>` +
				`<proxy_url>https://engine:54323/images/SECRET-3</proxy_url></image_transfer>`)},
		{Method: "GET", Path: api + "/openstackvolumeproviders/p1/authenticationkeys/k1", RawQuery: "access_token=SECRET-4",
			Status: 200, ResponseHeader: http.Header{"Content-Type": {"application/json"}},
			ResponseBody: []byte(`{"id":"k1","uuid":"u1","value":"SECRET-5","usage_type":"ceph"}`)},
	}
	sc, err := Build(exs, BuildOptions{Name: "crawled", NoCleanup: true})
	if err != nil {
		t.Fatal(err)
	}
	out, err := Marshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "SECRET-") || !strings.Contains(string(out), "transferring") || !strings.Contains(string(out), "ceph") {
		t.Errorf("the scenario holds a secret or lost the rest:\n%s", out)
	}
	if string(exs[0].ResponseBody) == "" || !strings.Contains(string(exs[0].ResponseBody), "SECRET-3") {
		t.Error("Build changed its input")
	}
}
