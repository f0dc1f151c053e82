package generate

import (
	"net/http"
	"slices"
	"strings"

	"github.com/ovcompat/ovcompat/schema"
)

// index finds the model's routes by template and method, the item
// template below a collection, and the lists that hold each type.
type index struct {
	m      *schema.Model
	routes map[string]map[string]*schema.Route
	// order is every template once, in the model's order.
	order []string
	// lists maps an item type to the List templates that hold it, fewest
	// parameters first.
	lists map[*schema.Type][]string
}

func newIndex(m *schema.Model) *index {
	ix := &index{m: m, routes: map[string]map[string]*schema.Route{}, lists: map[*schema.Type][]string{}}
	for _, r := range m.Routes().All() {
		if ix.routes[r.Path] == nil {
			ix.routes[r.Path] = map[string]*schema.Route{}
			ix.order = append(ix.order, r.Path)
		}
		ix.routes[r.Path][r.Method] = r
		if t := itemType(r); r.Kind == schema.List && t != nil {
			ix.lists[t] = append(ix.lists[t], r.Path)
		}
	}
	for _, ls := range ix.lists {
		slices.SortStableFunc(ls, func(a, b string) int { return params(a) - params(b) })
	}
	return ix
}

// itemType is the type of the items a List route answers, or nil.
func itemType(r *schema.Route) *schema.Type {
	if r.Output == nil || r.Output.Type == nil || r.Output.Type.Item == nil {
		return nil
	}
	return r.Output.Type.Item.Type
}

// get returns the route of method at template, or nil.
func (ix *index) get(method, tmpl string) *schema.Route { return ix.routes[tmpl][method] }

// item returns the item template below a collection ("/vms" ->
// "/vms/{vm_id}"), or "".
func (ix *index) item(collection string) string {
	for _, t := range ix.order {
		if rest, ok := strings.CutPrefix(t, collection+"/"); ok && isParam(rest) {
			return t
		}
	}
	return ""
}

// actions returns the action routes directly below an item template.
func (ix *index) actions(item string) []*schema.Route {
	var out []*schema.Route
	for _, t := range ix.order {
		rest, ok := strings.CutPrefix(t, item+"/")
		if !ok || strings.Contains(rest, "/") {
			continue
		}
		if r := ix.get(http.MethodPost, t); r != nil && r.Kind == schema.Action {
			out = append(out, r)
		}
	}
	return out
}

// methods lists the methods a template takes, sorted.
func (ix *index) methods(tmpl string) []string {
	var out []string
	for m := range ix.routes[tmpl] {
		out = append(out, m)
	}
	slices.Sort(out)
	return out
}

func segments(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

func isParam(seg string) bool { return strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") }

func params(p string) int {
	n := 0
	for _, s := range segments(p) {
		if isParam(s) {
			n++
		}
	}
	return n
}

// parentOf drops a template's last segment.
func parentOf(p string) string {
	if i := strings.LastIndexByte(p, '/'); i > 0 {
		return p[:i]
	}
	return "/"
}

// varBase names the variable of a template parameter: {vm_id} -> vm,
// {data_center_id} -> data_center.
func varBase(seg string) string {
	return strings.TrimSuffix(strings.Trim(seg, "{}"), "_id")
}

// slug turns a template into a name: /vms/{vm_id}/nics -> vms-nics.
func slug(p string) string {
	var parts []string
	for _, s := range segments(p) {
		if !isParam(s) {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return "api"
	}
	return strings.Join(parts, "-")
}
