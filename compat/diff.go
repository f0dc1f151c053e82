package compat

import (
	"fmt"
	"slices"

	"github.com/ovcompat/ovcompat/reports"
	"github.com/ovcompat/ovcompat/schema"
)

// Diff is every change between two releases of the model.
type Diff struct {
	// From and To describe the two models (Model.Describe).
	From, To string
	// Mandatory is set when what a request body must hold was compared:
	// both releases take it from the model's @InputDetail (4.2 and
	// later); between an RSDL-described release and a model-described one
	// the two sources would differ where the API did not.
	Mandatory bool
	// Changes sorted by group, worst grade first.
	Changes []Change
}

// Compare grades every change from model a to model b for clients. Types
// and routes are matched by name; members by element or attribute name in
// the type's effective sequence, a change being listed once, on the type
// that declares the member; routes by method and path template, grouped
// by their service; parameters by name.
func Compare(a, b *schema.Model) *Diff { return compare(a, b, mandatoryComparable(a, b)) }

// compare compares, comparing mandatory body fields when mandatory is set.
func compare(a, b *schema.Model, mandatory bool) *Diff {
	c := &comparer{a: a, b: b, placesA: newPlaces(a), placesB: newPlaces(b), readB: readTypes(b), mandatory: mandatory}
	d := &Diff{From: a.Describe(), To: b.Describe(), Mandatory: mandatory}
	c.types()
	c.routes()
	d.Changes = c.out
	sortChanges(d.Changes)
	return d
}

// mandatoryComparable reports whether both models are embedded releases
// whose signatures come from the model.
func mandatoryComparable(a, b *schema.Model) bool {
	h, err := schema.EmbeddedHistory()
	return err == nil && h.SignatureSource(a.Release.Model) == schema.SignaturesModel &&
		h.SignatureSource(b.Release.Model) == schema.SignaturesModel
}

type comparer struct {
	a, b             *schema.Model
	placesA, placesB *places
	readB            map[*schema.Type]bool
	mandatory        bool
	out              []Change
}

func (c *comparer) add(ch Change) { c.out = append(c.out, ch) }

// Counts returns how many changes there are of each grade.
func (d *Diff) Counts() reports.GradeCounts {
	var g reports.GradeCounts
	for _, ch := range d.Changes {
		switch ch.Grade {
		case reports.Breaking:
			g.Breaking++
		case reports.GradeWarn:
			g.Warning++
		default:
			g.Info++
		}
	}
	return g
}

// Failing returns the changes at or above threshold.
func (d *Diff) Failing(threshold reports.Grade) []Change {
	var out []Change
	for _, ch := range d.Changes {
		if ch.Grade.AtLeast(threshold) {
			out = append(out, ch)
		}
	}
	return out
}

// deprecation returns the change of deprecation between two sides, if any.
func deprecation(was, is bool) (kind string, grade reports.Grade, ok bool) {
	switch {
	case !was && is:
		return Deprecated, reports.GradeWarn, true
	case was && !is:
		return DeprecationRemoved, reports.GradeInfo, true
	}
	return "", "", false
}

// readTypes returns the types clients read: every type reachable from
// what some route of m answers.
func readTypes(m *schema.Model) map[*schema.Type]bool {
	seen := map[*schema.Type]bool{}
	var visit func(t *schema.Type)
	visit = func(t *schema.Type) {
		if t == nil || seen[t] {
			return
		}
		seen[t] = true
		for _, e := range t.Elems {
			visit(e.Type)
		}
		for _, at := range t.Attrs {
			visit(at.Type)
		}
	}
	for _, r := range m.Routes().All() {
		// An action answers <action>, whose type holds the parameters of
		// every action: what one answers is not told apart.
		if r.Output != nil && r.Output.Element != "action" {
			visit(r.Output.Type)
		}
	}
	return seen
}

// typeName names a type for Base and New: its model name, or its XSD name.
func typeName(t *schema.Type) string {
	if t == nil {
		return "-"
	}
	if t.Item != nil && t.Model == "" {
		return "list of " + typeName(t.Item.Type)
	}
	return t.Name
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
