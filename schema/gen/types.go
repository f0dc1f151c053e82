package main

import (
	"sort"
	"strings"

	"github.com/ovcompat/ovcompat/schema"
	"github.com/ovcompat/ovcompat/schema/gen/metamodel"
)

type generator struct {
	m *metamodel.Model
	// types holds the model's struct types plus the three the XSD
	// generator adds (Fault, GracePeriod, Action).
	types map[string]*metamodel.Struct
}

func newGenerator(m *metamodel.Model) *generator {
	g := &generator{m: m, types: map[string]*metamodel.Struct{}}
	for n, t := range m.Types {
		g.types[n] = t
	}
	g.types["Fault"] = &metamodel.Struct{Name: "Fault", Members: []metamodel.Member{
		{Name: "reason", XML: "reason", Type: "String"},
		{Name: "detail", XML: "detail", Type: "String"},
	}}
	g.types["GracePeriod"] = &metamodel.Struct{Name: "GracePeriod", Members: []metamodel.Member{{Name: "expiry", XML: "expiry", Type: "Integer"}}}
	action := &metamodel.Struct{Name: "Action", Bases: []string{"Identified"}, Members: []metamodel.Member{
		{Name: "status", XML: "status", Type: "String"},
		{Name: "fault", XML: "fault", Type: "Fault"},
		{Name: "gracePeriod", XML: "grace_period", Type: "GracePeriod"},
		{Name: "job", XML: "job", Type: "Job"},
	}}
	seen := map[string]bool{"status": true, "fault": true, "grace_period": true, "job": true}
	for _, sn := range sortedKeys(m.Services) {
		s := m.Services[sn]
		methods := append([]*metamodel.Method(nil), s.Methods...)
		sort.Slice(methods, func(i, j int) bool { return methods[i].Name < methods[j].Name })
		for _, md := range methods {
			if isStandard(md.Name) {
				continue
			}
			for _, p := range md.Params {
				if seen[p.XML] {
					continue
				}
				seen[p.XML] = true
				action.Members = append(action.Members, metamodel.Member{Name: p.Name, XML: p.XML, Type: p.Type, List: p.List})
			}
		}
	}
	g.types["Action"] = action
	return g
}

func isStandard(method string) bool {
	switch method {
	case "Get", "List", "Add", "Update", "Remove":
		return true
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string { return metamodel.SortedKeys(m) }

// isRoot reports whether a type extends Identified (or is Api): such types
// extend BaseResource in the XSD and their collections BaseResources.
func (g *generator) isRoot(name string) bool {
	if name == "Api" {
		return true
	}
	for n := name; n != ""; {
		t, ok := g.types[n]
		if !ok || len(t.Bases) == 0 {
			return false
		}
		if t.Bases[0] == "Identified" {
			return true
		}
		n = t.Bases[0]
	}
	return false
}

func (g *generator) isStruct(name string) bool { _, ok := g.types[name]; return ok }

// typeTag is the element name of a struct type ("host_nic").
func typeTag(model string) string { return tag(words(model)) }

// pluralTag is the element name of a struct type's collection ("host_nics").
func pluralTag(model string) string { return tag(plural(words(model))) }

// pluralTypeName is the XSD name of a struct type's collection ("HostNics").
func pluralTypeName(model string) string { return camel(plural(words(model))) }

// memberXSDType returns the XSD type of a non-list member.
func (g *generator) memberXSDType(owner string, m metamodel.Member) string {
	if x, ok := memberTypeExceptions[[2]string{snake(words(owner)), m.XML}]; ok {
		return x
	}
	if p, ok := primitives[m.Type]; ok {
		return p
	}
	return xsdTypeName(m.Type)
}

// addTypes writes the model's enums and structs, their collections and
// global elements into f, by the metamodel's schema generator's rules.
func (g *generator) addTypes(f *schema.File) {
	// The generator writes <actions> as a list of <link> elements.
	f.Types = append(f.Types, schema.TypeDef{Name: "Actions", Item: "link",
		Elems: []schema.ElemDef{{Name: "link", Max: schema.Unbounded}}})
	for _, en := range sortedKeys(g.m.Enums) {
		e := g.m.Enums[en]
		d := schema.TypeDef{Name: en, Model: en, Simple: true, Base: "xs:string", Deprecated: e.Deprecated}
		for _, v := range e.Values {
			d.Enum = append(d.Enum, v.Value)
			if v.Deprecated {
				d.DeprecatedValues = append(d.DeprecatedValues, v.Value)
			}
		}
		f.Types = append(f.Types, d)
	}
	for _, tn := range sortedKeys(g.types) {
		if tn == "Identified" {
			continue
		}
		t := g.types[tn]
		name := xsdTypeName(tn)
		d := schema.TypeDef{Name: name, Model: tn, Deprecated: t.Deprecated}
		switch {
		case len(t.Bases) > 0 && t.Bases[0] != "Identified":
			d.Base = xsdTypeName(t.Bases[0])
		case g.isRoot(tn):
			d.Base = "BaseResource"
		}
		d.Elems, d.Attrs = g.members(f, tn, t)
		f.Types = append(f.Types, d)
		f.Elements = append(f.Elements, schema.ElementDecl{Name: typeTag(tn), Type: name})
		if tn == "Action" {
			continue
		}
		coll := schema.TypeDef{Name: pluralTypeName(tn), Item: typeTag(tn),
			Elems: []schema.ElemDef{{Name: typeTag(tn), Max: schema.Unbounded}}}
		if g.isRoot(tn) {
			coll.Base = "BaseResources"
		}
		f.Types = append(f.Types, coll)
		f.Elements = append(f.Elements, schema.ElementDecl{Name: pluralTag(tn), Type: coll.Name})
	}
	sort.Slice(f.Elements, func(i, j int) bool { return f.Elements[i].Name < f.Elements[j].Name })
}

// members returns a struct's own elements, in the generator's order (its
// non-link members by name, then its links by name), and its attributes.
func (g *generator) members(f *schema.File, owner string, t *metamodel.Struct) ([]schema.ElemDef, []schema.AttrDef) {
	var attrs []schema.AttrDef
	var plain, links []metamodel.Member
	for _, m := range t.Members {
		switch {
		case attributeMembers[m.XML]:
			attrs = append(attrs, schema.AttrDef{Name: m.XML, Type: g.memberXSDType(owner, m)})
		case m.Link:
			links = append(links, m)
		default:
			plain = append(plain, m)
		}
	}
	byName := func(ms []metamodel.Member) {
		sort.SliceStable(ms, func(i, j int) bool {
			return lessWords(strings.Split(ms[i].XML, "_"), strings.Split(ms[j].XML, "_"))
		})
	}
	byName(plain)
	byName(links)
	var out []schema.ElemDef
	for _, m := range append(plain, links...) {
		e := schema.ElemDef{Name: tag(strings.Split(m.XML, "_")), Max: 1, Link: m.Link, Deprecated: m.Deprecated}
		switch {
		case !m.List:
			e.Type = g.memberXSDType(owner, m)
		case g.isStruct(m.Type):
			e.Type = pluralTypeName(m.Type)
		default:
			// A list of primitives or enums: a wrapper named like the
			// member holding elements named like its singular.
			item := tag(singular(strings.Split(m.XML, "_")))
			wrapper := xsdTypeName(owner) + "." + e.Name
			itemType := g.memberXSDType(owner, m)
			f.Types = append(f.Types, schema.TypeDef{Name: wrapper, Anonymous: true, Item: item,
				Elems: []schema.ElemDef{{Name: item, Type: itemType, Max: schema.Unbounded}}})
			e.Type = wrapper
		}
		out = append(out, e)
	}
	return out, attrs
}
