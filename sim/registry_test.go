package sim

import (
	"slices"
	"testing"

	"github.com/ovcompat/ovcompat/schema"
)

// TestRegistryMatchesModel checks every registry entry against the model:
// its service is a collection's, mounted under its segment with items of
// its type; what only a top-level collection can be (named, created by
// users, counted in the summary) is said of top-level ones; and each hook
// has a route that runs it.
func TestRegistryMatchesModel(t *testing.T) {
	e, err := New(Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	m := e.Model()
	summary := m.Type("Api").Elem("summary").Type
	for _, family := range resources(e) {
		for _, res := range family {
			t.Run(res.service, func(t *testing.T) {
				var colls, items []*schema.Route
				for _, r := range m.Routes().All() {
					switch {
					case r.Service == res.service && (r.Kind == schema.List || r.Kind == schema.Add):
						colls = append(colls, r)
					case len(colls) > 0 && r.Service == colls[0].Item:
						items = append(items, r)
					}
				}
				if len(colls) == 0 {
					t.Fatalf("no collection of the model has service %s", res.service)
				}
				top := false
				for _, r := range colls {
					segs := splitPath(r.Path)
					if segs[len(segs)-1] != res.seg {
						t.Errorf("%s: segment %s, the entry says %s", r, segs[len(segs)-1], res.seg)
					}
					if it := itemType(r); it == nil || it.Name != res.typ {
						t.Errorf("%s: items of type %v, the entry says %s", r, it, res.typ)
					}
					top = top || len(segs) == 1
				}
				if !top && (res.named || res.userCreatable || res.summary != nil) {
					t.Error("named, userCreatable and summary apply to top-level collections only")
				}
				if res.summary != nil && summary.Elem(res.summary.tag) == nil {
					t.Errorf("the API summary has no %s", res.summary.tag)
				}
				has := func(k schema.Kind, name string) bool {
					return slices.ContainsFunc(append(colls, items...), func(r *schema.Route) bool {
						_, last := splitLast(r.Path)
						return r.Kind == k && (name == "" || last == name)
					})
				}
				for _, hook := range []struct {
					set  bool
					kind schema.Kind
				}{
					{res.prepare != nil || res.after != nil || res.attach != nil, schema.Add},
					{res.update != nil, schema.Update},
					{res.remove != nil, schema.Remove},
				} {
					if hook.set && !has(hook.kind, "") {
						t.Errorf("a hook for %s, but the collection has no such route", hook.kind)
					}
				}
				for name := range res.actions {
					if !has(schema.Action, name) {
						t.Errorf("a hook for action %s, which the items do not have", name)
					}
				}
			})
		}
	}
}
