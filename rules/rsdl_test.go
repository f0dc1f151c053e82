package rules_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/har"
	"github.com/ovcompat/ovcompat/internal/sharedtest"
	"github.com/ovcompat/ovcompat/rules"
	"github.com/ovcompat/ovcompat/schema"
)

// rsdlModel is a small v4 model with what RSDLs document: URL parameters
// with types and requiredness, required headers, and body signatures.
func rsdlModel(t *testing.T) *schema.Model {
	t.Helper()
	res := []schema.AttrDef{{Name: "id", Type: "xs:string"}, {Name: "href", Type: "xs:string"}}
	f := &schema.File{Format: schema.FileFormat, API: 4, BasePath: "/ovirt-engine/api",
		Types: []schema.TypeDef{
			{Name: "Ref", Attrs: res, Elems: []schema.ElemDef{{Name: "name", Type: "xs:string", Max: 1}}},
			{Name: "Disks", Item: "disk", Elems: []schema.ElemDef{{Name: "disk", Type: "Ref", Max: schema.Unbounded}}},
			{Name: "Vm", Attrs: res, Elems: []schema.ElemDef{
				{Name: "name", Type: "xs:string", Max: 1}, {Name: "cluster", Type: "Ref", Max: 1},
				{Name: "template", Type: "Ref", Max: 1}, {Name: "disks", Type: "Disks", Max: 1}}},
			{Name: "Vms", Item: "vm", Elems: []schema.ElemDef{{Name: "vm", Type: "Vm", Max: schema.Unbounded}}},
			{Name: "Action", Elems: []schema.ElemDef{{Name: "async", Type: "xs:boolean", Max: 1},
				{Name: "host", Type: "Ref", Max: 1}, {Name: "status", Type: "xs:string", Max: 1}}},
		},
		Elements: []schema.ElementDecl{{Name: "vm", Type: "Vm"}, {Name: "vms", Type: "Vms"}, {Name: "action", Type: "Action"}},
		Routes: []schema.RouteDef{
			{Method: "GET", Path: "/vms", Operation: "List", Kind: "List", Output: &schema.BodyDef{Element: "vms", Type: "Vms"},
				Params: []schema.ParamDef{{Name: "max", Context: "matrix", Type: "xs:int"}, {Name: "search", Context: "query", Type: "xs:string"},
					{Name: "case_sensitive", Context: "matrix", Type: "xs:boolean"}}},
			{Method: "POST", Path: "/vms", Operation: "Add", Kind: "Add", Input: &schema.BodyDef{Element: "vm", Type: "Vm"},
				Output:  &schema.BodyDef{Element: "vm", Type: "Vm"},
				Headers: []schema.Header{{Name: "Content-Type", Required: true}},
				Signatures: []schema.SignatureDef{
					{Mandatory: []string{"vm.cluster.id|name", "vm.disks.disk[].id", "vm.name"}, Optional: []string{"vm.disks.disk"}},
					{Mandatory: []string{"vm.template.id|name"}}}},
			{Method: "DELETE", Path: "/vms/{vm_id}", Operation: "Remove", Kind: "Remove",
				Params: []schema.ParamDef{{Name: "force", Context: "matrix", Type: "xs:boolean", Required: true}}},
			{Method: "POST", Path: "/vms/{vm_id}/migrate", Operation: "migrate", Kind: "Action",
				Input:      &schema.BodyDef{Element: "action", Type: "Action", Params: []string{"async", "host"}},
				Output:     &schema.BodyDef{Element: "action", Type: "Action"},
				Headers:    []schema.Header{{Name: "Correlation-Id", Required: true}},
				Signatures: []schema.SignatureDef{{Mandatory: []string{"action.host.id|name"}}}},
		}}
	m, err := schema.Build(f)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestRSDLRules(t *testing.T) {
	c, err := rules.New(rules.Options{Models: []*schema.Model{rsdlModel(t)}})
	if err != nil {
		t.Fatal(err)
	}
	const secret = "s3cret-Value"
	xml := http.Header{"Content-Type": {"application/xml"}, "Correlation-Id": {"c1"}}
	for _, tc := range []struct {
		name, method, path, query string
		header                    http.Header
		body                      string
		want                      []string // rsdl.* findings, sorted
	}{
		{"typed matrix parameter", "GET", "/vms;max=10", "search=name%3Dweb*", nil, "", nil},
		{"bad int in the matrix", "GET", "/vms;max=ten", "", nil, "", []string{rules.RuleParamType}},
		{"bad int in the query", "GET", "/vms", "max=" + secret, nil, "", []string{rules.RuleParamType}},
		{"bad boolean", "GET", "/vms;case_sensitive=maybe", "", nil, "", []string{rules.RuleParamType}},
		{"bare boolean", "GET", "/vms;case_sensitive", "", nil, "", nil},
		{"typo in a parameter", "GET", "/vms;mxa=10", "", nil, "", []string{rules.RuleUnknownParam}},
		{"parameters every GET takes", "GET", "/vms", "follow=disks&all_content=true", nil, "", nil},
		{"correlation_id on a write", "POST", "/vms/1/migrate", "correlation_id=c1", xml, `<action><host id="h"/></action>`, nil},
		{"correlation_id on a read", "GET", "/vms", "correlation_id=c1", nil, "", nil},
		{"required parameter missing", "DELETE", "/vms/1", "", nil, "", []string{rules.RuleRequiredParam}},
		{"required parameter given", "DELETE", "/vms/1;force=true", "", nil, "", nil},
		{"required parameter in the query", "DELETE", "/vms/1", "force=true", nil, "", nil},
		{"first signature", "POST", "/vms", "", xml, `<vm><name>web</name><cluster id="c1"/><disks><disk id="d"/></disks></vm>`, nil},
		{"a list the signature needs", "POST", "/vms", "", xml, `<vm><name>web</name><cluster id="c1"/></vm>`, []string{rules.RuleMandatoryBody}},
		{"second signature", "POST", "/vms", "", xml, `<vm><template><name>Blank</name></template></vm>`, nil},
		{"mandatory missing", "POST", "/vms", "", xml, `<vm><cluster id="c1"/></vm>`, []string{rules.RuleMandatoryBody}},
		{"each item needs an id", "POST", "/vms", "", xml, `<vm><name>w</name><cluster id="c"/><disks><disk id="d"/><disk><name>x</name></disk></disks></vm>`,
			[]string{rules.RuleMandatoryBody}},
		{"items with ids", "POST", "/vms", "", xml, `<vm><name>w</name><cluster><name>c</name></cluster><disks><disk id="d"/></disks></vm>`, nil},
		{"JSON body", "POST", "/vms", "", http.Header{"Content-Type": {"application/json"}}, `{"name":"web","cluster":{"id":"c1"},"disks":{"disk":[{"id":"d"}]}}`, nil},
		{"JSON body missing a field", "POST", "/vms", "", http.Header{"Content-Type": {"application/json"}}, `{"cluster":{"name":"c1"}}`,
			[]string{rules.RuleMandatoryBody}},
		{"add without a body is rest.missing-body's", "POST", "/vms", "", xml, "", nil},
		{"action without its mandatory body", "POST", "/vms/1/migrate", "", xml, "", []string{rules.RuleMandatoryBody}},
		{"action with it", "POST", "/vms/1/migrate", "", xml, `<action><host id="h"/></action>`, nil},
		{"required header missing", "POST", "/vms/1/migrate", "", http.Header{"Content-Type": {"application/xml"}}, `<action><host id="h"/></action>`,
			[]string{rules.RuleRequiredHeader}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := tc.header
			if h == nil {
				h = http.Header{}
			}
			ex := &har.Exchange{Method: tc.method, Path: "/ovirt-engine/api" + tc.path, RawQuery: tc.query,
				RequestHeader: h, RequestBody: []byte(tc.body), NoResponse: true}
			res := c.CheckRequest(ex)
			var got []string
			for _, v := range res.Violations {
				if strings.HasPrefix(v.Rule, "rsdl.") {
					got = append(got, v.Rule)
					if v.Location == "" || v.Reason == "" || strings.Contains(v.Reason, secret) || strings.Contains(v.Location, secret) {
						t.Errorf("violation without place or reason, or echoing a value: %+v", v)
					}
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v (all: %v)", got, tc.want, res.Violations)
			}
		})
	}
}

func TestRSDLRulesInCatalogue(t *testing.T) {
	cat := rules.Default()
	for id, sev := range map[string]schema.Severity{
		rules.RuleRequiredHeader: schema.Error, rules.RuleRequiredParam: schema.Error, rules.RuleParamType: schema.Error,
		rules.RuleUnknownParam: schema.Warning, rules.RuleMandatoryBody: schema.Error,
	} {
		r, ok := cat.Rule(id)
		if !ok || r.Severity != sev || !r.Request || r.Rationale == "" {
			t.Errorf("%s: %+v", id, r)
		}
	}
}

// TestV3TrafficAcceptance is the engine-schema issue's acceptance: every v3
// exchange of the recorded traffic validates against the engine's own v3
// XSD and RSDL with no error and none skipped; and no RSDL rule fires on
// any real exchange, v3 or v4.
type namedExchange struct {
	name string
	ex   *har.Exchange
}

// trafficExchanges reads every exchange of the recorded traffic.
func trafficExchanges(t *testing.T, dir string) []namedExchange {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "traffic", "*.har"))
	var out []namedExchange
	for _, f := range files {
		h, err := har.Parse(mustRead(t, f))
		if err != nil {
			t.Fatal(err)
		}
		for i, e := range h.Log.Entries {
			path, query, err := e.Request.Path()
			if err != nil {
				t.Fatal(err)
			}
			body, err := e.Response.Content.Body()
			if err != nil {
				t.Fatal(err)
			}
			ex := &har.Exchange{Method: e.Request.Method, Path: path, RawQuery: query, RequestHeader: header(e.Request.Headers),
				Status: e.Response.Status, ResponseHeader: header(e.Response.Headers), ResponseBody: body}
			if e.Request.PostData != nil {
				ex.RequestBody = []byte(e.Request.PostData.Text)
			}
			if ex.ResponseHeader.Get("Content-Type") == "" && e.Response.Content.MimeType != "" {
				ex.ResponseHeader.Set("Content-Type", e.Response.Content.MimeType)
			}
			out = append(out, namedExchange{fmt.Sprintf("%s entry %d", filepath.Base(f), i), ex})
		}
	}
	return out
}

func header(hs []har.Header) http.Header {
	h := http.Header{}
	for _, x := range hs {
		h.Add(x.Name, x.Value)
	}
	return h
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestV3TrafficAcceptance(t *testing.T) {
	dir := sharedtest.Dir(t)
	v3, err := schema.LoadEngine(mustRead(t, filepath.Join(dir, "v3", "api.xsd")), mustRead(t, filepath.Join(dir, "v3", "rsdl.xml")), "v3")
	if err != nil {
		t.Fatal(err)
	}
	v4, err := schema.V4()
	if err != nil {
		t.Fatal(err)
	}
	c, err := rules.New(rules.Options{Models: []*schema.Model{v3, v4}})
	if err != nil {
		t.Fatal(err)
	}
	var n3, n4 int
	for _, ex := range trafficExchanges(t, dir) {
		res := c.Check(ex.ex)
		switch res.API {
		case 3:
			n3++
			if res.Skipped != "" || !res.OK() {
				t.Errorf("%s %s %s: skipped %q, %v", ex.name, ex.ex.Method, ex.ex.Path, res.Skipped, res.Violations)
			}
		case 4:
			n4++
		}
		for _, v := range res.Violations {
			if strings.HasPrefix(v.Rule, "rsdl.") {
				t.Errorf("%s %s %s: %v", ex.name, ex.ex.Method, ex.ex.Path, v)
			}
		}
	}
	if n3 != 28 || n4 < 700 {
		t.Errorf("%d v3 and %d v4 exchanges; the traffic has 28 and 734", n3, n4)
	}
}
