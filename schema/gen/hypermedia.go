package main

import (
	"strings"

	"github.com/ovcompat/ovcompat/schema"
)

// addHypermedia sets each resource type's link rels and actions: its link
// members (wire name without underscores), plus the locator segments and
// action names of every service whose Get returns the type.
func (g *generator) addHypermedia(f *schema.File) {
	rels := map[string]map[string]bool{}
	acts := map[string]map[string]bool{}
	add := func(m map[string]map[string]bool, t, v string) {
		if m[t] == nil {
			m[t] = map[string]bool{}
		}
		m[t][v] = true
	}
	getType := map[string]string{} // service -> type its Get returns
	for _, r := range f.Routes {
		if r.Operation == "Get" && r.Output != nil {
			getType[r.Service] = r.Output.Type
		}
	}
	for _, r := range f.Routes {
		t, ok := getType[r.Service]
		if !ok || r.Kind != "Action" {
			continue
		}
		add(acts, t, r.Path[strings.LastIndexByte(r.Path, '/')+1:])
	}
	searchable := map[string]bool{} // services whose List takes a search
	for _, r := range f.Routes {
		for _, p := range r.Params {
			if r.Kind == "List" && p.Name == "search" {
				searchable[r.Service] = true
			}
		}
	}
	for svc, t := range getType {
		for _, l := range g.locators(svc) {
			if !l.ByID {
				add(rels, t, l.Segment)
				// Engines also link a search form of searchable
				// sub-collections ("users/search" on a domain).
				if searchable[l.Service] {
					add(rels, t, l.Segment+"/search")
				}
			}
		}
	}
	// The API root links every top-level collection, and a search form of
	// those that take a search parameter ("vms/search").
	for _, r := range f.Routes {
		if r.Kind == "List" && strings.Count(r.Path, "/") == 1 {
			add(rels, "Api", strings.TrimPrefix(r.Path, "/"))
			for _, p := range r.Params {
				if p.Name == "search" {
					add(rels, "Api", strings.TrimPrefix(r.Path, "/")+"/search")
				}
			}
		}
	}
	for tn := range g.types {
		for x := tn; x != ""; {
			t := g.types[x]
			for _, m := range t.Members {
				if m.Link {
					add(rels, xsdTypeName(tn), strings.ReplaceAll(m.XML, "_", ""))
				}
			}
			if len(t.Bases) == 0 {
				break
			}
			x = t.Bases[0]
		}
	}
	for i := range f.Types {
		d := &f.Types[i]
		if d.Model == "" || d.Simple {
			continue
		}
		d.Rels = sortedKeys(rels[d.Name])
		d.Actions = sortedKeys(acts[d.Name])
	}
}
