package schema_test

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/har"
	"github.com/ovcompat/ovcompat/internal/media"
	"github.com/ovcompat/ovcompat/internal/sharedtest"
	"github.com/ovcompat/ovcompat/rules"
	"github.com/ovcompat/ovcompat/schema"
)

// v3Model loads the real v3 XSD and RSDL.
func v3Model(t testing.TB) *schema.Model {
	t.Helper()
	dir := sharedtest.Dir(t)
	m, err := schema.LoadEngine(mustRead(t, filepath.Join(dir, "v3", "api.xsd")), mustRead(t, filepath.Join(dir, "v3", "rsdl.xml")), "v3")
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// v3Body is a response body of a v3 exchange of the recorded traffic.
type v3Body struct {
	name   string
	data   []byte
	target schema.Target
}

func v3Bodies(t *testing.T, m *schema.Model) []v3Body {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(sharedtest.Dir(t), "traffic", "*.har"))
	var out []v3Body
	for _, f := range files {
		fh, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		h, err := har.Read(fh)
		fh.Close()
		if err != nil {
			t.Fatal(err)
		}
		for i, e := range h.Log.Entries {
			path, _, err := e.Request.Path()
			if err != nil {
				t.Fatal(err)
			}
			api, _, rel, ok := rules.Locate(path, har.Get(e.Request.Headers, "Version"))
			body, _ := e.Response.Content.Body()
			if !ok || api != 3 || media.Sniff(body) != rules.XML {
				continue
			}
			r := m.Routes().Lookup(e.Request.Method, rel).Route
			if r == nil {
				t.Fatalf("%s entry %d: no v3 route for %s %s", filepath.Base(f), i, e.Request.Method, rel)
			}
			out = append(out, v3Body{name: filepath.Base(f) + "#" + strconv.Itoa(i) + " " + rel, data: body,
				target: schema.Target{Route: r, Status: e.Response.Status}})
		}
	}
	if len(out) < 20 {
		t.Fatalf("only %d v3 response bodies in the traffic", len(out))
	}
	return out
}

// TestV3TrafficBodies: every v3 response of the recorded traffic is valid
// against the engine's own v3 XSD and RSDL.
func TestV3TrafficBodies(t *testing.T) {
	m := v3Model(t)
	for _, b := range v3Bodies(t, m) {
		if res := m.ValidateXML(b.data, b.target, schema.Limits{}); len(res.Violations) > 0 {
			t.Errorf("%s: %v", b.name, res.Violations)
		}
	}
}

// TestV3Mutations: the mutations of the validator's suite, applied to
// the real v3 responses, are caught against the v3 model.
func TestV3Mutations(t *testing.T) {
	m := v3Model(t)
	caught := map[string]int{}
	for _, b := range v3Bodies(t, m) {
		for _, mu := range v3Mutations(m) {
			doc := etree.NewDocument()
			if err := doc.ReadFromBytes(b.data); err != nil {
				t.Fatal(err)
			}
			// An empty collection (<clusters/>, a last page) has nothing
			// to mutate.
			if len(doc.Root().ChildElements()) == 0 || !mu.apply(doc) {
				continue
			}
			out, _ := doc.WriteToBytes()
			res := m.ValidateXML(out, b.target, schema.Limits{})
			if !slices.ContainsFunc(res.Violations, func(v schema.Violation) bool { return v.Rule == mu.rule }) {
				t.Errorf("%s / %s: want %s, got %v", b.name, mu.name, mu.rule, res.Violations)
				continue
			}
			caught[mu.name]++
		}
	}
	for _, mu := range v3Mutations(m) {
		// The v3 schema has four enums (statistics and RSDL types), none
		// of which the recorded v3 answers use: TestV3EnumMutation.
		if caught[mu.name] == 0 && mu.rule != schema.RuleUnknownEnum {
			t.Errorf("mutation %q was never applied and caught", mu.name)
		}
	}
}

// v3Mutations are the validator suite's mutations, with the list-wrapper
// one finding its wrapper by the types of the walk (v3 has global elements
// whose type differs from the member of the same name: <error_handling>).
func v3Mutations(m *schema.Model) []mutation {
	ms := mutations(m)
	for i := range ms {
		switch ms[i].rule {
		case schema.RuleWrongItem:
			ms[i].apply = func(doc *etree.Document) bool {
				e := typedDeep(m, doc, func(e *etree.Element, t *schema.Type) bool { return t.Item != nil && len(e.ChildElements()) > 0 })
				if e == nil {
					return false
				}
				e.CreateElement("bogus_item")
				return true
			}
		}
	}
	return ms
}

// typedDeep returns the first element (document order) whose type, as the
// validator sees it, pred accepts.
func typedDeep(m *schema.Model, doc *etree.Document, pred func(*etree.Element, *schema.Type) bool) *etree.Element {
	var walk func(e *etree.Element, t *schema.Type) *etree.Element
	walk = func(e *etree.Element, t *schema.Type) *etree.Element {
		if t == nil || t.Simple {
			return nil
		}
		if pred(e, t) {
			return e
		}
		for _, c := range e.ChildElements() {
			if el := t.Elem(c.Tag); el != nil {
				if f := walk(c, el.Type); f != nil {
					return f
				}
			}
		}
		return nil
	}
	return walk(doc.Root(), m.Element(doc.Root().Tag))
}

// TestV3EnumMutation: a v3 statistic with an unknown enum value.
func TestV3EnumMutation(t *testing.T) {
	m := v3Model(t)
	r := m.Routes().Lookup("GET", "/vms/1/statistics").Route
	if r == nil {
		t.Fatal("no route for a VM's statistics")
	}
	ok := `<statistics><statistic href="/api/vms/1/statistics/2" id="2"><name>memory.used</name>
<values type="INTEGER"><value><datum>1</datum></value></values><type>GAUGE</type><unit>BYTES</unit></statistic></statistics>`
	if res := m.ValidateXML([]byte(ok), schema.Target{Route: r, Status: 200}, schema.Limits{}); len(res.Violations) > 0 {
		t.Fatalf("valid statistic: %v", res.Violations)
	}
	for _, bad := range []struct{ from, to string }{{"GAUGE", "GAUGUE"}, {"BYTES", "bytes"}, {`type="INTEGER"`, `type="INT"`}} {
		doc := []byte(strings.Replace(ok, bad.from, bad.to, 1))
		res := m.ValidateXML(doc, schema.Target{Route: r, Status: 200}, schema.Limits{})
		if !slices.ContainsFunc(res.Violations, func(v schema.Violation) bool { return v.Rule == schema.RuleUnknownEnum }) {
			t.Errorf("%s -> %s: want %s, got %v", bad.from, bad.to, schema.RuleUnknownEnum, res.Violations)
		}
	}
}

// TestV3TruncatedAndWrongRoot: truncated v3 answers and answers with the
// wrong root element are caught.
func TestV3TruncatedAndWrongRoot(t *testing.T) {
	m := v3Model(t)
	bodies := v3Bodies(t, m)
	for _, b := range bodies {
		res := m.ValidateXML(b.data[:len(b.data)*2/3], b.target, schema.Limits{})
		if len(res.Violations) != 1 || res.Violations[0].Rule != schema.RuleMalformed {
			t.Errorf("%s truncated: %v", b.name, res.Violations)
		}
	}
	// A VM where the route answers a cluster, a fault for a 200.
	vm := slices.IndexFunc(bodies, func(b v3Body) bool { return b.target.Route.Path == "/vms/{vm_id}" })
	cl := m.Routes().Lookup("GET", "/clusters/1").Route
	if vm < 0 || cl == nil {
		t.Fatal("no VM body or cluster route")
	}
	for _, target := range []schema.Target{{Route: cl, Status: 200}, {Route: bodies[vm].target.Route, Status: 404}} {
		res := m.ValidateXML(bodies[vm].data, target, schema.Limits{})
		if len(res.Violations) == 0 || res.Violations[0].Rule != schema.RuleWrongRoot {
			t.Errorf("%s as %s %d: want %s, got %v", bodies[vm].name, target.Route, target.Status, schema.RuleWrongRoot, res.Violations)
		}
	}
}
