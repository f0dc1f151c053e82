package compat

import (
	"cmp"
	"slices"
	"strings"

	"github.com/ovcompat/ovcompat/schema"
)

// places names where a type appears on the wire: the shortest element
// path from a document a route answers ("vm.display" for Display), found
// breadth first from the documents answered at the most routes.
type places struct {
	m     *schema.Model
	paths map[*schema.Type][]string // shortest first, at most maxPlaces
	order map[*schema.Type]int      // when each type was first met
}

const maxPlaces = 4

func newPlaces(m *schema.Model) *places {
	p := &places{m: m, paths: map[*schema.Type][]string{}, order: map[*schema.Type]int{}}
	count := map[string]int{}
	roots := map[string]*schema.Type{}
	for _, r := range m.Routes().All() {
		if r.Output != nil && r.Output.Type.Item == nil && r.Output.Element != "action" {
			count[r.Output.Element]++
			roots[r.Output.Element] = r.Output.Type
		}
	}
	names := sortedKeys(roots)
	slices.SortStableFunc(names, func(a, b string) int { return cmp.Compare(count[b], count[a]) })
	type item struct {
		t    *schema.Type
		path string
	}
	var queue []item
	for _, n := range names {
		queue = append(queue, item{roots[n], n})
	}
	expanded := map[*schema.Type]bool{}
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		if len(p.paths[it.t]) >= maxPlaces {
			continue
		}
		if len(p.paths[it.t]) == 0 {
			p.order[it.t] = len(p.order)
		}
		p.paths[it.t] = append(p.paths[it.t], it.path)
		if expanded[it.t] {
			continue
		}
		expanded[it.t] = true
		for _, e := range it.t.Elems {
			if e.Link || e.Type.Simple && !e.Type.IsEnum() || e.Name == "actions" || e.Name == "link" {
				continue
			}
			if e.Type.Item != nil && e.Type.Model == "" { // a list: its items
				queue = append(queue, item{e.Type.Item.Type, it.path + "." + e.Name + "." + e.Type.Item.Name})
				continue
			}
			queue = append(queue, item{e.Type, it.path + "." + e.Name})
		}
	}
	return p
}

// of names a type by its first place, else the first place of the type
// derived from it met first (VmBase is met as vm), else its global
// element, else its name.
func (p *places) of(t *schema.Type) string {
	if ps := p.paths[t]; len(ps) > 0 {
		return ps[0]
	}
	var first *schema.Type
	for _, d := range p.m.Types() {
		if d != t && d.Extends(t) && len(p.paths[d]) > 0 && (first == nil || p.order[d] < p.order[first]) {
			first = d
		}
	}
	if first != nil {
		return p.paths[first][0]
	}
	if el := p.m.ElementOf(t); el != "" {
		return el
	}
	return t.Name
}

// member names a member of a type: "vm.display.video_type".
func (p *places) member(t *schema.Type, name string) string { return p.of(t) + "." + name }

// where lists a type's places for people: "vm.display, template.display
// and 2 more", or "in no document" when nothing answers it.
func (p *places) where(t *schema.Type) string {
	ps := p.paths[t]
	switch {
	case len(ps) == 0:
		return "in no document a route answers"
	case len(ps) == 1:
		return "at " + ps[0]
	}
	return "at " + strings.Join(ps, ", ")
}
