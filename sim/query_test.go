package sim

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/schema"
)

func TestSearch(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1})
	c := newClient(t, e, srv)
	names := func(query string) []string {
		t.Helper()
		var out []string
		for _, it := range items(t, c.must(200, "GET", "/vms?"+query, "")) {
			out = append(out, textOf(it, "name"))
		}
		return out
	}
	q := func(s string) string { return "search=" + url.QueryEscape(s) }
	for _, tc := range []struct{ query, want string }{
		{q("name=web*"), "web-01,web-02,web-03"},
		{q("Vms: name=web*"), "web-01,web-02,web-03"},
		{q("name=WEB*"), "web-01,web-02,web-03"},
		{q("name=WEB*") + "&case_sensitive=true", ""},
		{q("name=*-0* and status=up and cluster=Default"), "web-01,web-02,db-01,mail-01"},
		{q("status=down or name=mail*"), "web-03,db-02,app-03,mail-01,test-01"},
		{q("status!=up"), "web-03,db-02,app-03,test-01"},
		{q("cluster.name=Production"), "app-01,app-02,app-03"},
		{q("name=*e* sortby name desc"), "web-03,web-02,web-01,test-01"},
		{q("sortby name page 2") + "&max=3", "db-01,db-02,mail-01"},
		{q("sortby name page 9") + "&max=3", ""},
		{"max=2", "web-01,web-02"},
		{q("host=host3"), "app-01,app-02"},
	} {
		if got := strings.Join(names(tc.query), ","); got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.query, got, tc.want)
		}
	}
	for _, bad := range []string{"name=", "name web", "and name=x", "name=x or", "sortby", "page x", `name="x`} {
		if resp, _ := c.do("GET", "/vms?"+q(bad), ""); resp.StatusCode != 400 {
			t.Errorf("search %q: status %d, want 400", bad, resp.StatusCode)
		}
	}
}

func TestFollow(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1})
	c := newClient(t, e, srv)
	m := e.Model()
	body := c.must(200, "GET", "/vms?follow=nics,disk_attachments.disk,cluster.data_center", "")
	validXML(t, m, m.Routes().Find("GET", "/vms"), 200, body)
	for _, vm := range items(t, body) {
		if childOf(vm, "nics") == nil || len(childOf(vm, "nics").ChildElements()) == 0 {
			t.Errorf("%s: nics not followed", textOf(vm, "name"))
		}
		att := childOf(childOf(vm, "disk_attachments"), "disk_attachment")
		if textOf(childOf(att, "disk"), "name") == "" {
			t.Errorf("%s: disk_attachments.disk not followed", textOf(vm, "name"))
		}
		if textOf(childOf(childOf(vm, "cluster"), "data_center"), "name") != "Default" {
			t.Errorf("%s: cluster.data_center not followed", textOf(vm, "name"))
		}
	}
}

func TestRepresentations(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1})
	m := e.Model()
	c := newClient(t, e, srv)
	c.json = true
	resp, body := c.do("GET", "/vms", "")
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("Accept JSON answered %q", resp.Header.Get("Content-Type"))
	}
	var list map[string][]map[string]any
	if err := json.Unmarshal(body, &list); err != nil || len(list["vm"]) != 10 {
		t.Fatalf("JSON list of VMs: %v, %d items", err, len(list["vm"]))
	}
	res := m.ValidateJSON(body, schema.Target{Route: m.Routes().Find("GET", "/vms")}, schema.Limits{})
	if len(res.Violations) > 0 {
		t.Errorf("JSON list: %v", res.Violations)
	}
	// /v4 prefix: hrefs keep it, so a resource's href is where it was read.
	x := newClient(t, e, srv)
	v4 := string(x.must(200, "GET", "/v4/vms", ""))
	if !strings.Contains(v4, `href="/ovirt-engine/api/v4/vms/`) {
		t.Errorf("/v4 hrefs: %s", clipBody([]byte(v4)))
	}
	root := x.must(200, "GET", "/", "")
	validXML(t, m, m.Routes().Find("GET", "/"), 200, root)
	for _, want := range []string{`rel="vms/search"`, `href="/ovirt-engine/api/vms?search={query}"`, "<blank_template ", "<product_info>", "<authenticated_user "} {
		if !strings.Contains(string(root), want) {
			t.Errorf("API root lacks %s", want)
		}
	}
	for q, root := range map[string]string{"schema": "<xs:schema", "rsdl": "<rsdl"} {
		if d := string(x.must(200, "GET", "/?"+q, "")); !strings.Contains(d, root) {
			t.Errorf("?%s: %s", q, clipBody([]byte(d)))
		}
	}
}

// TestDescribesItself loads a model from the engine's own ?schema and
// ?rsdl, as --schema-from does, and serves the same routes with it.
func TestDescribesItself(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1})
	c := newClient(t, e, srv)
	xsd, rsdl := c.must(200, "GET", "/?schema", ""), c.must(200, "GET", "/?rsdl", "")
	m, err := schema.LoadEngine(xsd, rsdl, srv.URL)
	if err != nil {
		t.Fatalf("load the engine's own description: %v", err)
	}
	if got, want := m.Routes().Len(), e.Model().Routes().Len(); got != want {
		t.Errorf("the description has %d routes, the engine %d", got, want)
	}
	vms := c.must(200, "GET", "/vms", "")
	if res := m.ValidateXML(vms, schema.Target{Route: m.Routes().Find("GET", "/vms")}, schema.Limits{}); len(res.Violations) > 0 {
		t.Errorf("GET /vms against the engine's own description: %v", res.Violations[0])
	}
}

// TestFollowOtherItemType: following a link whose collection lists items
// of another type than the member holds (an external host provider's
// hosts are external hosts; the member's items are hosts) inlines nothing
// rather than items the member cannot hold.
func TestFollowOtherItemType(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1})
	c := newClient(t, e, srv)
	p := firstID(t, c, "/externalhostproviders")
	body := c.must(200, "GET", "/externalhostproviders/"+p+"?follow=hosts", "")
	validXML(t, e.Model(), e.Model().Routes().Find("GET", "/externalhostproviders/"+p), 200, body)
}
