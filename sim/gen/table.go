package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/ovcompat/ovcompat/schema"
)

// entry is one member a real engine always writes in objects of a type.
type entry struct {
	typ, path string
	// value is what the simulator writes when nothing set the member: the
	// backend's initial value, else the commonest recorded one, else a
	// neutral one; "@now" for a time, "" for a structure or a list.
	value    string
	evidence []string
	// initial is the backend's initial value, a Java literal, if known.
	initial string
	// whole marks members written whatever their parent (the mapper sets
	// them unconditionally), as opposed to whenever their parent is.
	whole bool
}

// minObjects is how many recorded objects of a type (with the member's
// parent) it takes for their presence statistics to count.
const minObjects = 3

// build combines the traffic's presence statistics and the mappers'
// unconditional writes into the table.
func build(m *schema.Model, p *presence, mp *mappers, backend map[string]backendField) ([]*entry, []string) {
	table := map[string]map[string]*entry{}
	get := func(typ, path string) *entry {
		if table[typ] == nil {
			table[typ] = map[string]*entry{}
		}
		e := table[typ][path]
		if e == nil {
			e = &entry{typ: typ, path: path}
			table[typ][path] = e
		}
		return e
	}
	for _, typ := range slices.Sorted(maps.Keys(p.present)) {
		for _, path := range slices.Sorted(maps.Keys(p.present[typ])) {
			n := p.present[typ][path]
			if parents := p.parents[typ][path]; n == parents && parents >= minObjects && keep(m, typ, path) {
				get(typ, path).evidence = append(get(typ, path).evidence, fmt.Sprintf("traffic: in all %d recorded objects with its parent", n))
			}
		}
	}
	var undecided []string
	mapped := mp.mapped()
	var add func(typ, prefix string, ws map[string][]write, depth int)
	add = func(typ, prefix string, ws map[string][]write, depth int) {
		for _, path := range slices.Sorted(maps.Keys(ws)) {
			w := ws[path][0]
			full := join(prefix, path)
			if !keep(m, typ, full) {
				continue
			}
			why, initial := "reached by its getter", ""
			if !w.implied {
				why, initial = classify(w, backend)
			}
			if why == "" {
				undecided = append(undecided, fmt.Sprintf("%s %s = %s [%s:%d]", typ, full, text(w.arg), w.file, w.line))
				continue
			}
			e := get(typ, full)
			e.whole = true
			e.initial = initial
			e.evidence = append(e.evidence, fmt.Sprintf("mapper %s:%d `%s`: %s", w.file, w.line, w.src, why))
			if why == "a mapper of the whole entity" && depth < 3 {
				if t := elemType(m, typ, full); t != nil && mapped[t.Name] != nil {
					add(typ, full, mapped[t.Name], depth+1)
				}
			}
		}
	}
	for _, typ := range slices.Sorted(maps.Keys(mapped)) {
		add(typ, "", mapped[typ], 0)
	}
	var out []*entry
	for _, typ := range slices.Sorted(maps.Keys(table)) {
		for _, path := range slices.Sorted(maps.Keys(table[typ])) {
			e := table[typ][path]
			if !strings.Contains(path, ".") {
				e.whole = true // its parent is the object
			}
			if e.whole {
				// Its parents exist whenever it is written.
				for p := path; strings.Contains(p, "."); {
					p = p[:strings.LastIndexByte(p, '.')]
					if pe := get(typ, p); !pe.whole {
						pe.whole = true
						pe.evidence = append(pe.evidence, "parent of "+path)
					}
				}
			}
		}
	}
	stored := storedTypes(m)
	for typ, paths := range table {
		if !stored[typ] {
			continue // written only inside other objects, where their table says
		}
		for path, e := range paths {
			e.value = defaultValue(m, p, typ, path, e)
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].typ != out[j].typ {
			return out[i].typ < out[j].typ
		}
		return out[i].path < out[j].path
	})
	sort.Strings(undecided)
	return out, undecided
}

// elemType returns the type of member path of type typ.
func elemType(m *schema.Model, typ, path string) *schema.Type {
	t := m.Type(typ)
	for _, seg := range strings.Split(path, ".") {
		if t == nil {
			return nil
		}
		e := t.Elem(seg)
		if e == nil {
			return nil
		}
		t = e.Type
	}
	return t
}

// keep reports whether a member belongs in the table: a value or a
// structure, not a reference to another object (written when the object
// refers to one), nor below a list.
func keep(m *schema.Model, typ, path string) bool {
	t := m.Type(typ)
	if t == nil {
		return false
	}
	for _, seg := range strings.Split(path, ".") {
		if t == nil || t.Item != nil {
			return false
		}
		e := t.Elem(seg)
		if e == nil || e.Link || e.Deprecated || e.Type.Resource {
			return false
		}
		t = e.Type
	}
	return true
}

// defaultValue picks what the simulator writes for a member nothing set.
func defaultValue(m *schema.Model, p *presence, typ, path string, e *entry) string {
	t := elemType(m, typ, path)
	if t == nil || !t.Simple || t.Item != nil {
		return ""
	}
	if uq, err := strconv.Unquote(e.initial); err == nil {
		return uq
	}
	if _, err := strconv.Atoi(e.initial); err == nil && !t.IsEnum() && t.Scalar != schema.String && t.Scalar != schema.Boolean {
		return e.initial
	}
	if t.Scalar == schema.DateTime {
		return "@now"
	}
	// The commonest recorded value, when it is the value of most recorded
	// objects (of nearly all, for free text: a setting such as a time
	// zone, not a name or an id).
	best, n, total := "", 0, 0
	for v, k := range p.values[typ][path] {
		total += k
		if k > n || (k == n && v < best) {
			best, n = v, k
		}
	}
	share := 2 // more than half
	if t.Scalar == schema.String && !t.IsEnum() {
		share = 5 // more than four in five
	}
	if n >= 2 && share*n > (share-1)*total {
		return best
	}
	switch {
	case t.IsEnum():
		return t.Enum[0]
	case t.Scalar == schema.Boolean:
		return "false"
	case t.Scalar == schema.String:
		return ""
	}
	return "0"
}

// writeTable writes the table as TSV.
func writeTable(w io.Writer, entries []*entry) error {
	fmt.Fprintln(w, "# The members a real oVirt engine always writes, per type, with the evidence of")
	fmt.Fprintln(w, "# each. Generated by `make sim-always` (go run ./sim/gen) from the recorded traffic")
	fmt.Fprintln(w, "# and the engine's mappers in ../shared/ovirt (oVirt/ovirt-engine and ManageIQ")
	fmt.Fprintln(w, "# cassettes, Apache-2.0) and sim/gen/backend.tsv; do not edit.")
	fmt.Fprintln(w, "# Columns: type, member path, when (always: whatever its parent; with-parent:")
	fmt.Fprintln(w, "# whenever its parent is written), default value, evidence.")
	for _, e := range entries {
		when := "with-parent"
		if e.whole {
			when = "always"
		}
		ev := strings.Join(e.evidence, "; ")
		ev = strings.NewReplacer("\t", " ", "\n", " ").Replace(ev)
		if _, err := fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", e.typ, e.path, when, strconv.Quote(e.value), ev); err != nil {
			return err
		}
	}
	return nil
}

// storedTypes are the types of the items of the model's collections: the
// objects the simulator stores and renders.
func storedTypes(m *schema.Model) map[string]bool {
	out := map[string]bool{}
	for _, r := range m.Routes().All() {
		if r.Kind == schema.List && r.Output != nil && r.Output.Type.Item != nil {
			out[r.Output.Type.Item.Type.Name] = true
		}
	}
	return out
}
