package rules

import (
	"net/http"
	"os"
	"slices"
	"testing"

	"github.com/ovcompat/ovcompat/har"
	"github.com/ovcompat/ovcompat/schema"
)

func TestLocate(t *testing.T) {
	tcs := []struct {
		path, version string
		api           int
		base, rel     string
		ok            bool
	}{
		{"/ovirt-engine/api", "", 4, "/ovirt-engine/api", "/", true},
		{"/ovirt-engine/api/vms/1", "4", 4, "/ovirt-engine/api", "/vms/1", true},
		{"/ovirt-engine/api/vms", "3", 3, "/ovirt-engine/api", "/vms", true},
		{"/ovirt-engine/api/v4/vms", "3", 4, "/ovirt-engine/api/v4", "/vms", true},
		{"/ovirt-engine/api/v3/vms", "", 3, "/ovirt-engine/api/v3", "/vms", true},
		{"/api/vms;max=1", "", 3, "/api", "/vms;max=1", true},
		{"/ovirt-engine/api;max=1", "", 4, "/ovirt-engine/api", ";max=1", true},
		{"/ovirt-engine/apis", "", 0, "", "", false},
		{"/ovirt-engine/sso/oauth/token", "", 0, "", "", false},
		{"/", "", 0, "", "", false},
	}
	for _, tc := range tcs {
		api, base, rel, ok := Locate(tc.path, tc.version)
		if api != tc.api || base != tc.base || rel != tc.rel || ok != tc.ok {
			t.Errorf("Locate(%q, %q) = %d %q %q %v", tc.path, tc.version, api, base, rel, ok)
		}
	}
}

func exchange(method, path string, status int, ctype string, body []byte) *har.Exchange {
	return &har.Exchange{Method: method, Path: path, RequestHeader: http.Header{"Version": {"4"}}, Status: status,
		ResponseHeader: http.Header{"Content-Type": {ctype}}, ResponseBody: body}
}

func TestCheck(t *testing.T) {
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	hosts, err := os.ReadFile("../fixtures/bodies/v4/hosts.xml")
	if err != nil {
		t.Fatal(err)
	}
	has := func(r Result, rule string) bool {
		return slices.ContainsFunc(r.Violations, func(v schema.Violation) bool { return v.Rule == rule })
	}
	if r := c.Check(exchange("GET", "/ovirt-engine/api/hosts", 200, "application/xml", hosts)); !r.OK() || r.RouteName() != "GET /hosts" {
		t.Errorf("valid exchange: %+v", r)
	}
	if r := c.Check(exchange("GET", "/ovirt-engine/api/hosts", 200, "application/json", hosts)); !has(r, RuleContentType) {
		t.Errorf("XML labelled JSON: %v", r.Violations)
	}
	if r := c.Check(exchange("GET", "/ovirt-engine/api/starships", 404, "", nil)); !has(r, RuleUnknownRoute) {
		t.Errorf("unknown route: %v", r.Violations)
	}
	if r := c.Check(exchange("PATCH", "/ovirt-engine/api/vms/1", 405, "", nil)); !has(r, RuleMethodNotAllowed) {
		t.Errorf("method not allowed: %v", r.Violations)
	}
	if r := c.Check(exchange("GET", "/ovirt-engine/api", 401, "text/html", []byte("<html><body>Unauthorized</body></html>"))); !r.OK() || r.Skipped != "" {
		t.Errorf("HTML 401: %+v", r)
	}
	ex := exchange("GET", "/ovirt-engine/api/hosts", 200, "application/xml", hosts)
	ex.RequestHeader.Set("Version", "3")
	if r := c.Check(ex); r.Skipped == "" || r.API != 3 {
		t.Errorf("v3 without a model: %+v", r)
	}
	req := &har.Exchange{Method: "POST", Path: "/ovirt-engine/api/vms/1/start", RequestHeader: http.Header{"Content-Type": {"application/xml"}},
		RequestBody: []byte(`<action><force>true</force></action>`), NoResponse: true}
	if r := c.CheckRequest(req); !has(r, schema.RuleUnknownParameter) || r.Violations[0].Location[:8] != "request:" {
		t.Errorf("request check: %v", r.Violations)
	}
}

func TestOverrides(t *testing.T) {
	cat := Default()
	if _, err := cat.ParseOverrides([]string{"schema.nope"}, nil); err == nil {
		t.Error("unknown rule must fail")
	}
	if _, err := cat.ParseOverrides(nil, []string{"schema.element-order"}); err == nil {
		t.Error("--severity without a level must fail")
	}
	o, err := cat.ParseOverrides([]string{"schema.href-id,schema.unknown-rel"}, []string{"schema.element-order=error"})
	if err != nil {
		t.Fatal(err)
	}
	out := o.Apply([]schema.Violation{{Rule: "schema.href-id"}, {Rule: "schema.element-order", Severity: schema.Warning}, {Rule: "schema.unknown-rel"}})
	if len(out) != 1 || out[0].Severity != schema.Error {
		t.Errorf("Apply: %v", out)
	}
	for _, r := range cat.Rules() {
		if r.ID == "" || r.Rationale == "" {
			t.Errorf("rule without ID or rationale: %+v", r)
		}
	}
}

// TestLimitWithoutBytes: a body over the limit is reported as schema.limit
// even when none of its bytes is at hand (the proxy's observe mode drops
// its copy once the body outgrows the limit), unless its Content-Type says
// it is no API document (issue 16 item 4).
func TestLimitWithoutBytes(t *testing.T) {
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		ctype string
		want  bool
	}{{"application/xml", true}, {"application/json", true}, {"", true}, {"text/html", false}, {"application/octet-stream", false}} {
		req := &har.Exchange{Method: "POST", Path: "/ovirt-engine/api/vms", RequestHeader: http.Header{"Content-Type": {tc.ctype}},
			RequestTruncated: true, NoResponse: true}
		resp := exchange("GET", "/ovirt-engine/api/vms", 200, tc.ctype, nil)
		resp.ResponseTruncated = true
		for _, ex := range []*har.Exchange{req, resp} {
			var found []string
			for _, v := range c.Check(ex).Violations {
				if v.Rule == schema.RuleLimit {
					found = append(found, v.Location)
				}
			}
			if got := len(found) == 1; got != tc.want {
				t.Errorf("%s %q truncated, no bytes: schema.limit at %v, want reported=%v", ex.Method, tc.ctype, found, tc.want)
			}
		}
	}
}
