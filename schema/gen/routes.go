package main

import (
	"fmt"
	"strings"

	"github.com/ovcompat/ovcompat/schema"
	"github.com/ovcompat/ovcompat/schema/gen/metamodel"
)

// served is a service reached by walking the service tree from the root:
// the path template it answers at, and whether it or a service above it
// is deprecated.
type served struct {
	svc        *metamodel.Service
	path       string
	deprecated bool
}

// tree walks the service tree from the root service, depth first: each
// service, then its locators (its own, then its bases'). A by-id locator
// vm(String id) adds the segment {vm_id}, others their lower-cased name.
// A service met again below itself would loop; it is not descended into.
func (g *generator) tree() ([]served, error) {
	var root *metamodel.Service
	for _, n := range sortedKeys(g.m.Services) {
		if g.m.Services[n].Root {
			if root != nil {
				return nil, fmt.Errorf("two root services: %s and %s", root.Name, n)
			}
			root = g.m.Services[n]
		}
	}
	if root == nil {
		return nil, fmt.Errorf("no @Root service")
	}
	var out []served
	onPath := map[string]bool{}
	var walk func(s *metamodel.Service, path string, deprecated bool) error
	walk = func(s *metamodel.Service, path string, deprecated bool) error {
		deprecated = deprecated || s.Deprecated
		out = append(out, served{svc: s, path: path, deprecated: deprecated})
		onPath[s.Name] = true
		defer delete(onPath, s.Name)
		for _, l := range g.locators(s.Name) {
			sub := g.m.Services[l.Service]
			if sub == nil {
				return fmt.Errorf("%s.%s locates unknown service %s", s.Name, l.Name, l.Service)
			}
			if onPath[sub.Name] {
				continue
			}
			seg := l.Segment
			if l.ByID {
				seg = "{" + strings.Join(metamodel.Words(l.Name), "_") + "_id}"
			}
			if err := walk(sub, path+"/"+seg, deprecated); err != nil {
				return err
			}
		}
		return nil
	}
	return out, walk(root, "", false)
}

// methods returns a service's methods: its own, in source order, then
// those of its bases that it does not redefine.
func (g *generator) methods(svc string) []*metamodel.Method {
	s := g.m.Services[svc]
	if s == nil {
		return nil
	}
	out := append([]*metamodel.Method(nil), s.Methods...)
	for _, b := range s.Bases {
		for _, m := range g.methods(b) {
			if s.Method(m.Name) == nil {
				out = append(out, m)
			}
		}
	}
	return out
}

// locators returns a service's locators, its bases' included.
func (g *generator) locators(svc string) []metamodel.Locator {
	s := g.m.Services[svc]
	if s == nil {
		return nil
	}
	out := append([]metamodel.Locator(nil), s.Locators...)
	for _, b := range s.Bases {
		out = append(out, g.locators(b)...)
	}
	return out
}

// httpMethod is the HTTP method of a model method: Get and List are GET,
// Add POST, Update PUT, Remove DELETE, any other (an action) a POST to
// the action's lower-cased name below the service.
func httpMethod(op string) (method, suffix string) {
	switch op {
	case "Get", "List":
		return "GET", ""
	case "Add":
		return "POST", ""
	case "Update":
		return "PUT", ""
	case "Remove":
		return "DELETE", ""
	}
	return "POST", "/" + strings.ToLower(op)
}

// addRoutes adds a route for every method of every service of the tree.
func (g *generator) addRoutes(f *schema.File) error {
	services, err := g.tree()
	if err != nil {
		return err
	}
	for _, s := range services {
		for _, md := range g.methods(s.svc.Name) {
			method, suffix := httpMethod(md.Name)
			path := s.path + suffix
			if path == "" {
				path = "/"
			}
			r, err := g.route(method, path, s.svc.Name, md)
			if err != nil {
				return err
			}
			r.Deprecated = s.deprecated || md.Deprecated
			f.Routes = append(f.Routes, r)
		}
	}
	return nil
}

func (g *generator) route(method, path, svc string, md *metamodel.Method) (schema.RouteDef, error) {
	op := md.Name
	r := schema.RouteDef{Method: method, Path: path, Service: svc, Operation: op}
	kind := op
	if !isStandard(op) {
		kind = "Action"
	}
	r.Kind = kind
	var structIn, out *metamodel.Param
	var actionParams, deprecatedParams []string
	for i := range md.Params {
		p := &md.Params[i]
		in := p.Dir == "in" || p.Dir == "inout"
		if p.Dir == "out" || p.Dir == "inout" {
			out = p
		}
		if in && g.isStruct(p.Type) && structIn == nil {
			structIn = p
		}
		if in {
			actionParams = append(actionParams, p.XML)
			if p.Deprecated {
				deprecatedParams = append(deprecatedParams, p.XML)
			}
		}
		if kind != "Action" && p.Dir == "in" && !g.isStruct(p.Type) && !p.List {
			typ := primitives[p.Type]
			if typ == "" {
				typ = "xs:string" // enums travel as their value
			}
			addParam(&r, schema.ParamDef{Name: p.XML, Context: "query", Type: typ, Deprecated: p.Deprecated})
		}
	}
	for _, e := range md.Extends {
		if strings.HasSuffix(e, "Follow") {
			addParam(&r, schema.ParamDef{Name: "follow", Context: "query", Type: "xs:string"})
		}
	}
	body := func(p *metamodel.Param, list bool) *schema.BodyDef {
		if list {
			return &schema.BodyDef{Element: pluralTag(p.Type), Type: pluralTypeName(p.Type)}
		}
		return &schema.BodyDef{Element: typeTag(p.Type), Type: xsdTypeName(p.Type)}
	}
	action := func() *schema.BodyDef {
		return &schema.BodyDef{Element: "action", Type: "Action", Params: actionParams, DeprecatedParams: deprecatedParams}
	}
	switch kind {
	case "Get", "List":
		if out == nil || !g.isStruct(out.Type) {
			return r, fmt.Errorf("%s %s: %s has no struct output", method, path, op)
		}
		r.Output = body(out, kind == "List")
	case "Add", "Update":
		if structIn == nil {
			return r, fmt.Errorf("%s %s: %s has no struct input", method, path, op)
		}
		r.Input = body(structIn, structIn.List)
		r.Output = body(structIn, structIn.List)
	case "Remove":
		if structIn != nil {
			// A few removes take their parameters in an <action> body.
			r.Input = action()
		}
	case "Action":
		r.Input = action()
		r.Output = &schema.BodyDef{Element: "action", Type: "Action"}
	}
	if kind == "List" || kind == "Add" {
		for _, l := range g.locators(svc) {
			if l.ByID {
				r.Item = l.Service
			}
		}
	}
	return r, nil
}
