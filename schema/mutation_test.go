package schema_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/schema"
)

// mutation changes one thing in a real document; the validator must then
// report rule (and, for a good document, nothing else of severity error).
type mutation struct {
	name string
	rule string
	// apply changes doc and reports whether it found something to change.
	apply func(doc *etree.Document) bool
}

// firstDeep returns the first element (document order) that pred accepts.
func firstDeep(e *etree.Element, pred func(*etree.Element) bool) *etree.Element {
	if pred(e) {
		return e
	}
	for _, c := range e.ChildElements() {
		if f := firstDeep(c, pred); f != nil {
			return f
		}
	}
	return nil
}

// scalarOf finds an element of the given scalar whose parent's type is
// known, by walking the document with the model.
func scalarOf(m *schema.Model, doc *etree.Document, want func(*schema.Type) bool) *etree.Element {
	var found *etree.Element
	var walk func(e *etree.Element, t *schema.Type)
	walk = func(e *etree.Element, t *schema.Type) {
		if found != nil || t == nil {
			return
		}
		if t.Simple {
			if want(t) {
				found = e
			}
			return
		}
		for _, c := range e.ChildElements() {
			if el := t.Elem(c.Tag); el != nil {
				walk(c, el.Type)
			}
		}
	}
	walk(doc.Root(), m.Element(doc.Root().Tag))
	return found
}

func mutations(m *schema.Model) []mutation {
	isScalar := func(s schema.Scalar) func(*schema.Type) bool {
		return func(t *schema.Type) bool { return !t.IsEnum() && t.Scalar == s }
	}
	setText := func(pred func(*schema.Type) bool, v string) func(*etree.Document) bool {
		return func(doc *etree.Document) bool {
			e := scalarOf(m, doc, pred)
			if e == nil {
				return false
			}
			e.SetText(v)
			return true
		}
	}
	return []mutation{
		{"unknown element", schema.RuleUnknownElement, func(doc *etree.Document) bool {
			e := doc.Root()
			if m.Element(e.Tag).Item != nil {
				e = e.ChildElements()[0] // an item of a collection
			}
			e.CreateElement("flux_capacitor").SetText("1.21")
			return true
		}},
		{"bad integer", schema.RuleInvalidValue, setText(isScalar(schema.Int), "twelve")},
		{"integer out of range", schema.RuleInvalidValue, setText(isScalar(schema.Int), "2147483648")},
		{"bad long", schema.RuleInvalidValue, setText(isScalar(schema.Long), "9223372036854775808")},
		{"bad boolean", schema.RuleInvalidValue, setText(isScalar(schema.Boolean), "yes")},
		{"bad date", schema.RuleInvalidValue, setText(isScalar(schema.DateTime), "2018-02-30 10:00")},
		{"bad enum", schema.RuleUnknownEnum, setText(func(t *schema.Type) bool { return t.IsEnum() }, "bogus_value")},
		{"repeated single element", schema.RuleRepeatedElement, func(doc *etree.Document) bool {
			e := firstDeep(doc.Root(), func(e *etree.Element) bool { return e.Tag == "name" })
			if e == nil {
				return false
			}
			e.Parent().InsertChildAt(e.Index()+1, e.Copy())
			return true
		}},
		{"link without href", schema.RuleLinkHref, func(doc *etree.Document) bool {
			e := firstDeep(doc.Root(), func(e *etree.Element) bool { return e.Tag == "link" && e.SelectAttr("rel") != nil })
			if e == nil {
				return false
			}
			e.RemoveAttr("href")
			return true
		}},
		{"unknown link rel", schema.RuleUnknownRel, func(doc *etree.Document) bool {
			e := firstDeep(doc.Root(), func(e *etree.Element) bool {
				return e.Tag == "link" && e.SelectAttr("rel") != nil && e.Parent().Tag != "actions"
			})
			if e == nil {
				return false
			}
			e.CreateAttr("rel", "wormholes")
			return true
		}},
		{"unknown action", schema.RuleUnknownAction, func(doc *etree.Document) bool {
			e := firstDeep(doc.Root(), func(e *etree.Element) bool { return e.Tag == "actions" })
			if e == nil {
				return false
			}
			l := e.CreateElement("link")
			l.CreateAttr("href", "/ovirt-engine/api/x/teleport")
			l.CreateAttr("rel", "teleport")
			return true
		}},
		{"href not ending with id", schema.RuleHrefID, func(doc *etree.Document) bool {
			e := firstDeep(doc.Root(), func(e *etree.Element) bool { return e.SelectAttr("id") != nil && e.SelectAttr("href") != nil })
			if e == nil {
				return false
			}
			e.CreateAttr("href", e.SelectAttrValue("href", "")+"x")
			return true
		}},
		{"wrong item in a list wrapper", schema.RuleWrongItem, func(doc *etree.Document) bool {
			e := firstDeep(doc.Root(), func(e *etree.Element) bool {
				t := m.Element(e.Tag)
				return e.Parent() != nil && e.Parent().Tag != "" && t != nil && t.Item != nil && len(e.ChildElements()) > 0
			})
			if e == nil {
				// a collection root holds items too
				e = doc.Root()
			}
			e.CreateElement("bogus_item")
			return true
		}},
		{"unknown attribute", schema.RuleUnknownAttribute, func(doc *etree.Document) bool {
			doc.Root().ChildElements()[0].CreateAttr("colour", "blue")
			return true
		}},
		{"text in a structured element", schema.RuleUnexpectedText, func(doc *etree.Document) bool {
			doc.Root().CreateText("stray text")
			return true
		}},
	}
}

// TestMutationsOfRealResponses applies every mutation to every real
// response in fixtures/bodies/v4 and checks the rule it must trigger.
func TestMutationsOfRealResponses(t *testing.T) {
	m, err := schema.V4()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("../fixtures/bodies/v4/*.xml")
	if len(files) == 0 {
		t.Fatal("no fixture bodies")
	}
	caught := map[string]int{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if res := m.ValidateXML(data, schema.Target{}, schema.Limits{}); !res.OK() {
			t.Fatalf("%s: the unmutated body must validate: %v", f, res.Violations)
		}
		for _, mu := range mutations(m) {
			t.Run(filepath.Base(f)+"/"+mu.name, func(t *testing.T) {
				doc := etree.NewDocument()
				if err := doc.ReadFromBytes(data); err != nil {
					t.Fatal(err)
				}
				if !mu.apply(doc) {
					t.Skipf("nothing to mutate in %s", f)
				}
				out, _ := doc.WriteToBytes()
				res := m.ValidateXML(out, schema.Target{}, schema.Limits{})
				if !slices.ContainsFunc(res.Violations, func(v schema.Violation) bool { return v.Rule == mu.rule }) {
					t.Fatalf("want %s, got %v", mu.rule, res.Violations)
				}
				for _, v := range res.Violations {
					if v.Location == "" || v.Reason == "" || v.Line == 0 && v.Rule != schema.RuleLimit {
						t.Errorf("violation without location, line or reason: %+v", v)
					}
				}
				caught[mu.name]++
			})
		}
	}
	for _, mu := range mutations(m) {
		if caught[mu.name] == 0 {
			t.Errorf("mutation %q was never applied and caught", mu.name)
		}
	}
}

func TestTruncatedXML(t *testing.T) {
	m, _ := schema.V4()
	data, err := os.ReadFile("../fixtures/bodies/v4/vm.xml")
	if err != nil {
		t.Fatal(err)
	}
	for _, cut := range []int{len(data) / 3, len(data) / 2, len(data) - 10} {
		res := m.ValidateXML(data[:cut], schema.Target{}, schema.Limits{})
		if len(res.Violations) != 1 || res.Violations[0].Rule != schema.RuleMalformed {
			t.Errorf("cut at %d: want one %s, got %v", cut, schema.RuleMalformed, res.Violations)
		}
	}
}

func TestWrongRootForRoute(t *testing.T) {
	m, _ := schema.V4()
	data, _ := os.ReadFile("../fixtures/bodies/v4/hosts.xml")
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/vms", 200},            // a list of hosts where vms are expected
		{"GET", "/hosts/123", 200},      // a collection where one host is expected
		{"GET", "/hosts", 409},          // an error status expects a fault
		{"POST", "/vms/123/start", 200}, // an action answers <action>
	} {
		r := m.Routes().Lookup(tc.method, tc.path).Route
		if r == nil {
			t.Fatalf("%s %s: no route", tc.method, tc.path)
		}
		res := m.ValidateXML(data, schema.Target{Route: r, Status: tc.status}, schema.Limits{})
		if len(res.Violations) == 0 || res.Violations[0].Rule != schema.RuleWrongRoot {
			t.Errorf("%s %s %d: want %s first, got %v", tc.method, tc.path, tc.status, schema.RuleWrongRoot, res.Violations)
		}
	}
	r := m.Routes().Lookup("GET", "/hosts").Route
	if res := m.ValidateXML(data, schema.Target{Route: r, Status: 200}, schema.Limits{}); !res.OK() {
		t.Errorf("the right route must pass: %v", res.Violations)
	}
}

// TestRequestBodies checks request bodies against their route's input.
func TestRequestBodies(t *testing.T) {
	m, _ := schema.V4()
	tcs := []struct {
		name, method, path, body, rule string
	}{
		{"valid add", "POST", "/vms", `<vm><name>web1</name><memory>1073741824</memory><cluster id="c1"/><template><name>Blank</name></template></vm>`, ""},
		{"valid action", "POST", "/vms/1/start", `<action><async>true</async><vm><stateless>true</stateless></vm></action>`, ""},
		{"valid empty action", "POST", "/vms/1/stop", `<action/>`, ""},
		{"valid setupnetworks", "POST", "/hosts/1/setupnetworks", `<action><modified_bonds><host_nic><name>bond0</name></host_nic></modified_bonds></action>`, ""},
		{"wrong body type", "POST", "/vms", `<host><name>h</name></host>`, schema.RuleWrongRoot},
		{"action body for an add", "POST", "/vms", `<action/>`, schema.RuleWrongRoot},
		{"bad scalar", "POST", "/vms", `<vm><name>w</name><memory>lots</memory></vm>`, schema.RuleInvalidValue},
		{"bad boolean in action", "POST", "/vms/1/start", `<action><async>sometimes</async></action>`, schema.RuleInvalidValue},
		{"parameter unknown to the action", "POST", "/vms/1/start", `<action><force>true</force></action>`, schema.RuleUnknownParameter},
		{"element unknown to every action", "POST", "/vms/1/start", `<action><warp_speed>9</warp_speed></action>`, schema.RuleUnknownElement},
		{"wrong item in a list wrapper", "POST", "/hosts/1/setupnetworks", `<action><modified_bonds><network><name>n</name></network></modified_bonds></action>`, schema.RuleWrongItem},
		{"update with unknown element", "PUT", "/vms/1", `<vm><colour>red</colour></vm>`, schema.RuleUnknownElement},
		{"any element order in a request", "POST", "/vms", `<vm><template id="t"/><name>w</name><cluster id="c"/><memory>1</memory></vm>`, ""},
	}
	for _, tc := range tcs {
		t.Run(tc.name, func(t *testing.T) {
			r := m.Routes().Lookup(tc.method, tc.path).Route
			if r == nil {
				t.Fatalf("no route %s %s", tc.method, tc.path)
			}
			res := m.ValidateXML([]byte(tc.body), schema.Target{Route: r, Direction: schema.Request}, schema.Limits{})
			if tc.rule == "" {
				if len(res.Violations) > 0 {
					t.Fatalf("want no violations, got %v", res.Violations)
				}
				return
			}
			if !slices.ContainsFunc(res.Violations, func(v schema.Violation) bool { return v.Rule == tc.rule }) {
				t.Fatalf("want %s, got %v", tc.rule, res.Violations)
			}
		})
	}
}

// TestReasonsNeverEchoValues: a value from the body never appears in a
// reason, so secrets cannot leak through violations.
func TestReasonsNeverEchoValues(t *testing.T) {
	m, _ := schema.V4()
	secret := "s3cr3t-Value-42"
	body := `<vm><name>x</name><memory>` + secret + `</memory><status>` + secret + `</status><bogus>` + secret + `</bogus></vm>`
	res := m.ValidateXML([]byte(body), schema.Target{}, schema.Limits{})
	if len(res.Violations) < 3 {
		t.Fatalf("want three violations, got %v", res.Violations)
	}
	for _, v := range res.Violations {
		if strings.Contains(v.Reason, secret) || strings.Contains(v.Location, secret) {
			t.Errorf("violation echoes a value: %+v", v)
		}
	}
}
