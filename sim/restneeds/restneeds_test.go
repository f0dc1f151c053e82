package restneeds_test

import (
	"testing"

	"github.com/ovcompat/ovcompat/schema"
	"github.com/ovcompat/ovcompat/sim/restneeds"
)

// TestTableMatchesModel: every need names a route of the model by service
// and operation, a member its body can hold (schema's signature path), a
// check and its evidence, and needs only what the route's signatures do
// not already require of every body; an Unchecked member is one that a
// signature does require.
func TestTableMatchesModel(t *testing.T) {
	m, err := schema.V4()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range restneeds.Table() {
		var route *schema.Route
		for _, r := range m.Routes().All() {
			if r.Service == n.Service && r.Operation == n.Operation && r.Input != nil {
				route = r
			}
		}
		switch {
		case route == nil:
			t.Errorf("%s.%s: no route of the model takes a body there", n.Service, n.Operation)
			continue
		case n.Evidence == "" || (n.Check != restneeds.Validated && n.Check != restneeds.Used && n.Check != restneeds.Unchecked):
			t.Errorf("%s.%s %s: no evidence, or no check", n.Service, n.Operation, n.Path)
		}
		if _, ok := route.SignaturePath(n.Path); !ok {
			t.Errorf("%s.%s: %s is no member of %s", n.Service, n.Operation, n.Path, route)
		}
		required := false
		for _, sig := range route.Signatures {
			for _, p := range sig.Mandatory {
				required = required || p == n.Path
				if p == n.Path && len(route.Signatures) == 1 && n.Check != restneeds.Unchecked {
					t.Errorf("%s.%s: the signature of %s requires %s now: take it off the table", n.Service, n.Operation, route, p)
				}
			}
		}
		if n.Check == restneeds.Unchecked && !required {
			t.Errorf("%s.%s: no signature of %s requires %s: an unchecked need has nothing to leave out", n.Service, n.Operation, route, n.Path)
		}
		if got := restneeds.Of(n.Service, n.Operation); len(got) == 0 {
			t.Errorf("Of(%s, %s) finds nothing", n.Service, n.Operation)
		}
	}
}

// TestOverridesMatchModel: every override names routes of the model,
// mounted below its collection and elsewhere too (else the table's entry
// would simply not be), with its evidence; At leaves their needs out there
// only, and AnswersAction holds there only, for the overrides that say so.
func TestOverridesMatchModel(t *testing.T) {
	m, err := schema.V4()
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range restneeds.Overrides() {
		below, elsewhere := 0, 0
		for _, r := range m.Routes().All() {
			if r.Service != o.Service || r.Operation != o.Operation {
				continue
			}
			if got := restneeds.AnswersAction(r.Service, r.Operation, r.Path); got != (o.Action && restneeds.Overridden(r.Service, r.Operation, r.Path)) {
				t.Errorf("AnswersAction(%s) = %v", r, got)
			}
			if restneeds.Overridden(r.Service, r.Operation, r.Path) {
				below++
				if got := restneeds.At(r.Service, r.Operation, r.Path); got != nil {
					t.Errorf("At(%s) = %v, want nothing", r, got)
				}
				continue
			}
			elsewhere++
			if got, want := len(restneeds.At(r.Service, r.Operation, r.Path)), len(restneeds.Of(r.Service, r.Operation)); got != want {
				t.Errorf("At(%s) has %d needs, Of %d", r, got, want)
			}
		}
		if below == 0 || elsewhere == 0 || o.Evidence == "" {
			t.Errorf("%s.%s below %s: %d routes below, %d elsewhere, evidence %q", o.Service, o.Operation, o.Below, below, elsewhere, o.Evidence)
		}
	}
}
