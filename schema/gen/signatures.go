package main

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ovcompat/ovcompat/schema"
	"github.com/ovcompat/ovcompat/schema/gen/metamodel"
)

// addModelSignatures sets each route's signatures from its method's
// @InputDetail: one signature per nested signature interface (each with
// the method's own clauses too), or one for the method alone. A clause
// naming a URL parameter rather than the body is not a body field.
func (g *generator) addModelSignatures(f *schema.File) error {
	for i := range f.Routes {
		r := &f.Routes[i]
		md := g.method(r.Service, r.Operation)
		if md == nil || r.Input == nil {
			continue
		}
		var details [][]*metamodel.Detail
		switch {
		case len(md.Signatures) > 0:
			for _, s := range md.Signatures {
				details = append(details, []*metamodel.Detail{md.Detail, s.Detail})
			}
		case md.Detail != nil:
			details = [][]*metamodel.Detail{{md.Detail}}
		}
		for _, ds := range details {
			var sig schema.SignatureDef
			for _, d := range ds {
				if d == nil {
					continue
				}
				for _, c := range d.Clauses {
					p, ok, err := g.clausePath(r, md, c)
					if err != nil {
						return fmt.Errorf("%s %s: input detail: %w", r.Method, r.Path, err)
					}
					switch {
					case !ok:
					case c.Mandatory:
						sig.Mandatory = append(sig.Mandatory, p)
					default:
						sig.Optional = append(sig.Optional, p)
					}
				}
			}
			if len(sig.Mandatory)+len(sig.Optional) == 0 {
				continue
			}
			sort.Strings(sig.Mandatory)
			sort.Strings(sig.Optional)
			r.Signatures = append(r.Signatures, sig)
		}
	}
	return nil
}

// method finds a service's method, looking through its base services.
func (g *generator) method(svc, op string) *metamodel.Method {
	for _, m := range g.methods(svc) {
		if m.Name == op {
			return m
		}
	}
	return nil
}

// clausePath writes a clause as a signature path of the route's body:
// the alternatives of an or(...) differ in their last member only, and
// are joined there ("storage_domain.id|name"). ok is false for a clause
// on a URL parameter.
func (g *generator) clausePath(r *schema.RouteDef, md *metamodel.Method, c metamodel.Clause) (string, bool, error) {
	var prefix []string
	var last []string
	for i, alt := range c.Alternatives {
		segs, ok, err := g.pathSegs(r, md, alt)
		if err != nil || !ok {
			return "", ok, err
		}
		if i > 0 && strings.Join(segs[:len(segs)-1], ".") != strings.Join(prefix, ".") {
			return "", false, fmt.Errorf("or(...) of %s and %s: alternatives differ before their last member", c.Alternatives[0], alt)
		}
		prefix = segs[:len(segs)-1]
		last = append(last, segs[len(segs)-1])
	}
	return strings.Join(append(append([]string(nil), prefix...), strings.Join(last, "|")), "."), true, nil
}

// pathSegs turns a model path into the element names it crosses: the
// body's root (or, in an action, the parameter's element), each member's
// element, and for a [COLLECTION] step the list's item element marked [].
func (g *generator) pathSegs(r *schema.RouteDef, md *metamodel.Method, path metamodel.Path) ([]string, bool, error) {
	p := md.Param(path[0].Name)
	if p == nil {
		return nil, false, fmt.Errorf("%s names no parameter of %s", path, md.Name)
	}
	var segs []string
	if r.Input.Element == "action" {
		segs = append(segs, wireTag(p.XML))
	} else {
		if !g.isStruct(p.Type) || p.Dir == "out" {
			return nil, false, nil // a URL parameter
		}
		segs = append(segs, r.Input.Element)
	}
	cur := p.Member
	for i, step := range path {
		if i > 0 {
			m := g.member(cur.Type, step.Name)
			if m == nil {
				return nil, false, fmt.Errorf("%s: %s has no member %s", path, cur.Type, step.Name)
			}
			cur = *m
			segs = append(segs, wireTag(cur.XML))
		}
		if cur.List && (step.Each || i < len(path)-1) {
			item := typeTag(cur.Type)
			if !g.isStruct(cur.Type) {
				item = tag(singular(strings.Split(cur.XML, "_")))
			}
			if step.Each {
				item += "[]"
			}
			segs = append(segs, item)
		}
	}
	return segs, true, nil
}

// wireTag is the element (or attribute) name of a member's wire name.
func wireTag(xml string) string {
	if attributeMembers[xml] {
		return xml
	}
	return tag(strings.Split(xml, "_"))
}

// member finds a struct's member, looking through its bases.
func (g *generator) member(typ, name string) *metamodel.Member {
	for t := g.types[typ]; t != nil; {
		for i := range t.Members {
			if t.Members[i].Name == name {
				return &t.Members[i]
			}
		}
		if len(t.Bases) == 0 {
			return nil
		}
		t = g.types[t.Bases[0]]
	}
	return nil
}
