package schema_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/internal/sharedtest"
	"github.com/ovcompat/ovcompat/rules"
	"github.com/ovcompat/ovcompat/schema"
	"github.com/ovcompat/ovcompat/validate"
)

// roundTrip writes m as XSD and RSDL and loads the two back.
func roundTrip(t testing.TB, m *schema.Model) *schema.Model {
	t.Helper()
	var xsd, rsdl bytes.Buffer
	if err := m.WriteXSD(&xsd); err != nil {
		t.Fatal(err)
	}
	if err := m.WriteRSDL(&rsdl); err != nil {
		t.Fatal(err)
	}
	back, err := schema.LoadEngine(xsd.Bytes(), rsdl.Bytes(), "round trip")
	if err != nil {
		t.Fatal(err)
	}
	return back
}

// TestRoundTripModel: the embedded model written as XSD and RSDL and read
// back has the same types, elements and routes.
func TestRoundTripModel(t *testing.T) {
	m, err := schema.V4()
	if err != nil {
		t.Fatal(err)
	}
	back := roundTrip(t, m)
	if back.API != 4 || back.Version != "4.6" || back.BasePath != m.BasePath {
		t.Errorf("read back v%d %q %q", back.API, back.Version, back.BasePath)
	}
	for _, tp := range m.Types() {
		bt := back.Type(tp.Name)
		if bt == nil {
			t.Errorf("type %s lost", tp.Name)
			continue
		}
		if got, want := describe(bt), describe(tp); got != want {
			t.Errorf("type %s:\n got %s\nwant %s", tp.Name, got, want)
		}
		// The RSDL carries no hypermedia: it is derived from the routes
		// and the members, a superset of the model's but for the rels of
		// services without a route of their own and of links to what is
		// not a resource, which the XSD cannot tell from other members.
		for _, r := range tp.Rels {
			if !bt.HasRel(r) && !lostRel[tp.Name+" "+r] {
				t.Errorf("type %s: rel %s lost", tp.Name, r)
			}
		}
		for _, a := range tp.Actions {
			if !bt.HasAction(a) {
				t.Errorf("type %s: action %s lost", tp.Name, a)
			}
		}
	}
	if !slices.Equal(back.Elements(), m.Elements()) {
		t.Errorf("elements differ")
	}
	if back.Routes().Len() != m.Routes().Len() {
		t.Errorf("%d routes read back, want %d", back.Routes().Len(), m.Routes().Len())
	}
	for _, r := range m.Routes().All() {
		br := back.Routes().Find(r.Method, r.Path)
		if br == nil {
			t.Errorf("route %s lost", r)
			continue
		}
		if got, want := describeRoute(br), describeRoute(r); got != want {
			t.Errorf("route %s:\n got %s\nwant %s", r, got, want)
		}
		if r.Input != nil {
			for _, p := range r.Input.Params {
				if !br.Input.HasParam(p) && r.Input.Type.Elem(p) != nil {
					t.Errorf("route %s: action parameter %s lost", r, p)
				}
			}
		}
	}
}

// lostRel are the rels the round trip cannot give back (see above).
var lostRel = map[string]bool{"Api options": true, "Vm dynamiccpu": true, "Snapshot dynamiccpu": true, "Snapshot numanodes": true}

func describe(tp *schema.Type) string {
	s := fmt.Sprintf("simple=%v scalar=%v enum=%v text=%v resource=%v", tp.Simple, tp.Scalar, tp.Enum, tp.Text, tp.Resource)
	if tp.Base != nil {
		s += " base=" + tp.Base.Name
	}
	if tp.Item != nil {
		s += " item=" + tp.Item.Name
	}
	for _, e := range tp.Elems {
		s += fmt.Sprintf(" <%s %d..%d simple=%v %v>", e.Name, e.Min, e.Max, e.Type.Simple, e.Type.Scalar)
	}
	for _, a := range tp.Attrs {
		s += fmt.Sprintf(" @%s:%v:%v", a.Name, a.Type.Scalar, a.Required)
	}
	return s
}

func describeRoute(r *schema.Route) string {
	// Signatures without mandatory parameters constrain nothing: none and
	// one such are the same.
	sigs := r.Signatures
	if !slices.ContainsFunc(sigs, func(s schema.Signature) bool { return len(s.Mandatory) > 0 }) {
		sigs = nil
	}
	// The RSDL has no place for a parameter's deprecation.
	params := slices.Clone(r.Params)
	for i := range params {
		params[i].Deprecated = false
	}
	s := fmt.Sprintf("%s params=%v headers=%v sigs=%d", r.Kind, params, r.Headers, len(sigs))
	for _, b := range []*schema.Body{r.Input, r.Output} {
		if b == nil {
			s += " -"
			continue
		}
		// Action parameters: the RSDL's signatures may name more than the
		// model's in-parameters (checked apart).
		s += fmt.Sprintf(" <%s>:%s", b.Element, b.Type.Name)
	}
	for _, sg := range sigs {
		s += fmt.Sprintf(" %v", sg.Mandatory)
	}
	return s
}

// TestRoundTripVerdicts is the acceptance test of the XSD and RSDL
// writers: the embedded v4 model, written and read back, gives the same
// verdict on every exchange of the recorded traffic.
func TestRoundTripVerdicts(t *testing.T) {
	dir := sharedtest.Dir(t)
	m, err := schema.V4()
	if err != nil {
		t.Fatal(err)
	}
	verdicts := func(m *schema.Model) []string {
		c, err := rules.New(rules.Options{Models: []*schema.Model{m}})
		if err != nil {
			t.Fatal(err)
		}
		files, _ := filepath.Glob(filepath.Join(dir, "traffic", "*.har"))
		var out []string
		err = validate.Run(context.Background(), validate.Config{Paths: files, Checker: c}, func(r validate.Record) {
			out = append(out, fmt.Sprintf("%s#%d %s ok=%v skipped=%q %v", filepath.Base(r.File), *r.Entry, r.Route, r.OK, r.Skipped, r.Violations))
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	want, got := verdicts(m), verdicts(roundTrip(t, m))
	if len(want) < 700 || len(got) != len(want) {
		t.Fatalf("%d verdicts read back, want %d (at least 700)", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("verdict differs:\n got %s\nwant %s", got[i], want[i])
		}
	}
}

// TestLoadV4SchemaAlone: an engine's v4 XSD without its RSDL takes the
// embedded model's routes and hypermedia, less the routes of the types it
// lacks (an older engine).
func TestLoadV4SchemaAlone(t *testing.T) {
	m, err := schema.V4()
	if err != nil {
		t.Fatal(err)
	}
	var xsd bytes.Buffer
	if err := m.WriteXSD(&xsd); err != nil {
		t.Fatal(err)
	}
	back, err := schema.LoadEngine(xsd.Bytes(), nil, "xsd only")
	if err != nil {
		t.Fatal(err)
	}
	if back.API != 4 || back.Version != "4" || back.Routes().Len() != m.Routes().Len() || !back.Type("Vm").HasRel("nics") {
		t.Errorf("v%d %q, %d routes, Vm rels %v", back.API, back.Version, back.Routes().Len(), back.Type("Vm").Rels)
	}
	// An engine whose XSD names the collection of backups otherwise has
	// no route listing backups; the others stay.
	older := strings.ReplaceAll(xsd.String(), `"Backups"`, `"BackupList"`)
	back, err = schema.LoadEngine([]byte(older), nil, "older")
	if err != nil {
		t.Fatal(err)
	}
	if back.Routes().Lookup("GET", "/vms/1/backups").Route != nil || back.Routes().Lookup("GET", "/vms/1").Route == nil {
		t.Errorf("routes of the types the XSD lacks should go, the others stay")
	}
}
