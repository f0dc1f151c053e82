package rules

import (
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/har"
	"github.com/ovcompat/ovcompat/schema"
)

// TestCatalogueGradesBodyFindings: the catalogue alone says how severe a
// validator's finding is (issue 14, "one center for the rules"). A
// catalogue that makes schema.element-order an error is obeyed, and the
// note that validation stopped after MaxViolations is schema.limit at the
// catalogue's severity (it used to be Info in schema and Error in the
// catalogue).
func TestCatalogueGradesBodyFindings(t *testing.T) {
	var stricter []Rule
	for _, r := range schemaRules() {
		if r.ID == schema.RuleElementOrder {
			r.Severity = schema.Error
		}
		stricter = append(stricter, r)
	}
	cat, err := NewCatalogue(stricter, restRules(), rsdlRules())
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Options{Catalogue: cat, Limits: schema.Limits{MaxViolations: 2}})
	if err != nil {
		t.Fatal(err)
	}
	grade := func(body string) map[string]schema.Severity {
		ex := exchange("GET", "/ovirt-engine/api/vms/123", 200, "application/xml", []byte(body))
		got := map[string]schema.Severity{}
		for _, v := range c.Check(ex).Violations {
			got[v.Rule] = v.Severity
		}
		return got
	}
	// Identified's sequence is name, description, comment.
	if got := grade(`<vm href="/ovirt-engine/api/vms/123" id="123"><comment>c</comment><name>n</name></vm>`); got[schema.RuleElementOrder] != schema.Error {
		t.Errorf("element order under a catalogue that makes it an error: %v", got)
	}
	got := grade(`<vm href="/ovirt-engine/api/vms/123" id="123"><a/><b/><c/><d/></vm>`)
	if sev, ok := got[schema.RuleLimit]; !ok || sev != schema.Error {
		t.Errorf("validation stopped after 2 findings: want schema.limit graded error, got %v", got)
	}
	for _, r := range schema.Rules() {
		if cr, ok := Default().Rule(r.ID); !ok || cr.Severity != r.Severity || cr.Rationale != r.Rationale {
			t.Errorf("%s: the default catalogue says %+v, the validators' table %+v", r.ID, cr, r)
		}
	}
}

// TestJSONOffTheRoutes: a JSON body names no type, so off the model's
// routes nothing checks it: the exchange gets rest.unknown-route and no
// schema finding (XML is still checked by its root element).
func TestJSONOffTheRoutes(t *testing.T) {
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	ex := &har.Exchange{Method: "GET", Path: "/ovirt-engine/api/nosuchthings", RequestHeader: http.Header{"Version": {"4"}}, Status: 200,
		ResponseHeader: http.Header{"Content-Type": {"application/json"}}, ResponseBody: []byte(`{"name":"x"}`)}
	var rules []string
	for _, v := range c.Check(ex).Violations {
		rules = append(rules, v.Rule)
	}
	if len(rules) != 1 || rules[0] != RuleUnknownRoute {
		t.Errorf("JSON off the routes: %v, want only %s", rules, RuleUnknownRoute)
	}
}

// TestTreeXMLAgrees: the tree validator kept for benchmarks (TreeXML) and
// the streaming one give an exchange the same findings, on the real engine
// bodies of fixtures/bodies and on a broken one.
func TestTreeXMLAgrees(t *testing.T) {
	stream, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	tree, err := New(Options{TreeXML: true})
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("../fixtures/bodies/v4/*.xml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixture bodies: %v", err)
	}
	bodies := map[string][]byte{"broken": []byte(`<vms><vm id="1"><nosuch/><name>a</name><name>b</name></vm>`)}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		bodies["/"+strings.TrimSuffix(filepath.Base(f), ".xml")] = data
	}
	for path, data := range bodies {
		ex := exchange("GET", "/ovirt-engine/api"+path, 200, "application/xml", data)
		s, w := stream.Check(ex), tree.Check(ex)
		if !reflect.DeepEqual(s.Violations, w.Violations) {
			t.Errorf("%s: streaming %v, tree %v", path, s.Violations, w.Violations)
		}
	}
}
