package sim

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ovcompat/ovcompat/schema"
)

// meta is what the engine derives once from the route table: which routes
// sit below which, the links and actions of each resource route, and where
// each type's objects live.
type meta struct {
	m *schema.Model
	// byPath holds every route by method and template.
	byPath map[string]map[string]*schema.Route
	// hyper holds the links and actions of each Get route.
	hyper map[*schema.Route]*hyper
	// rootSeg maps a type to the top-level collection its objects live in.
	rootSeg map[*schema.Type]string
	// roots are the top-level collections, in route order.
	roots []string
	// mirrors maps a Get route and an item type to the sub-collection
	// below it that lists objects of that type referring to it.
	mirrors map[*schema.Route]map[*schema.Type]string
	// always holds, per type, the members a real engine always writes
	// (always.tsv).
	always map[*schema.Type][]alwaysMember
	// groups are the engine's action groups (a role's permits).
	groups actionGroups
	// options are the engine's configuration values /options answers.
	options map[string]*systemOption
}

// hyper is the hypermedia of a resource route: its sub-collections
// (<link rel>) and its actions, in route order, each known to the model.
type hyper struct {
	links   []string
	actions []string
	// search lists the links that have a "/search" form (the API root).
	search map[string]bool
}

// buildMeta reads the route table.
func buildMeta(m *schema.Model) (*meta, error) {
	mt := &meta{
		m:       m,
		byPath:  map[string]map[string]*schema.Route{},
		hyper:   map[*schema.Route]*hyper{},
		rootSeg: map[*schema.Type]string{},
		mirrors: map[*schema.Route]map[*schema.Type]string{},
	}
	var err error
	if mt.always, err = readAlways(m, alwaysTSV); err != nil {
		return nil, err
	}
	if mt.groups, err = readActionGroups(actionGroupsTSV); err != nil {
		return nil, err
	}
	if mt.options, err = readOptions(optionsTSV); err != nil {
		return nil, err
	}
	routes := m.Routes().All()
	if len(routes) == 0 {
		return nil, fmt.Errorf("sim: the model has no routes")
	}
	for _, r := range routes {
		if mt.byPath[r.Path] == nil {
			mt.byPath[r.Path] = map[string]*schema.Route{}
		}
		if _, dup := mt.byPath[r.Path][r.Method]; !dup {
			mt.byPath[r.Path][r.Method] = r
		}
	}
	for _, r := range routes {
		parent, seg := splitLast(r.Path)
		get := mt.route("GET", parent)
		if get == nil || get.Kind != schema.Get || get.Output == nil {
			continue
		}
		h := mt.hyperOf(get)
		t := get.Output.Type
		switch {
		case r.Kind == schema.Action && t.HasAction(seg) && !slices.Contains(h.actions, seg):
			h.actions = append(h.actions, seg)
		case r.Kind == schema.List && t.HasRel(seg) && !slices.Contains(h.links, seg):
			h.links = append(h.links, seg)
			if r.Param("search") != nil && t.HasRel(seg+"/search") {
				if h.search == nil {
					h.search = map[string]bool{}
				}
				h.search[seg] = true
			}
		}
		if r.Kind == schema.List && mt.route("POST", r.Path) != nil {
			if it := itemType(r); it != nil {
				mm := mt.mirrors[get]
				if mm == nil {
					mm = map[*schema.Type]string{}
					mt.mirrors[get] = mm
				}
				if old, dup := mm[it]; dup && old != seg {
					mm[it] = "" // ambiguous: no automatic mirror
				} else {
					mm[it] = seg
				}
			}
		}
	}
	for _, r := range routes {
		segs := splitPath(r.Path)
		if (r.Kind != schema.List && r.Kind != schema.Add) || len(segs) != 1 || slices.Contains(mt.roots, segs[0]) {
			continue
		}
		mt.roots = append(mt.roots, segs[0])
		it := itemType(r)
		if it == nil || it.Name == "Permission" {
			// /permissions holds the system's permissions only; an
			// object's permissions live below the object.
			continue
		}
		if _, dup := mt.rootSeg[it]; !dup {
			mt.rootSeg[it] = segs[0]
		}
	}
	return mt, nil
}

func (mt *meta) hyperOf(get *schema.Route) *hyper {
	h := mt.hyper[get]
	if h == nil {
		h = &hyper{}
		mt.hyper[get] = h
	}
	return h
}

// route returns the route of method at template, or nil.
func (mt *meta) route(method, template string) *schema.Route {
	return mt.byPath[template][method]
}

// itemRoute returns the Get route of the items of collection route c (a
// List or Add), or nil when items cannot be read one by one.
func (mt *meta) itemRoute(c *schema.Route) *schema.Route {
	m := mt.m.Routes().Lookup("GET", c.Path+"/x")
	if m.Route != nil && m.Route.Kind == schema.Get {
		return m.Route
	}
	return nil
}

// subRoute returns the List route of sub-collection seg below Get route
// get (which may be nil), or nil.
func (mt *meta) subRoute(get *schema.Route, seg string) *schema.Route {
	if get == nil {
		return nil
	}
	r := mt.route("GET", get.Path+"/"+seg)
	if r != nil && r.Kind == schema.List {
		return r
	}
	return nil
}

// itemType returns the type of the items a List or Add route handles.
func itemType(r *schema.Route) *schema.Type {
	switch {
	case r.Kind == schema.List && r.Output != nil && r.Output.Type.Item != nil:
		return r.Output.Type.Item.Type
	case r.Kind == schema.Add && r.Input != nil:
		return r.Input.Type
	}
	return nil
}

// itemTag returns the element name of the items of List route r.
func itemTag(r *schema.Route) string {
	if r.Output != nil && r.Output.Type.Item != nil {
		return r.Output.Type.Item.Name
	}
	return ""
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// splitLast splits "/a/b/c" into "/a/b" and "c", and "/a" into "/" and "a".
func splitLast(p string) (string, string) {
	i := strings.LastIndexByte(p, '/')
	switch {
	case i < 0:
		return "/", p
	case i == 0:
		return "/", p[1:]
	}
	return p[:i], p[i+1:]
}
