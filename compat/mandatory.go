package compat

import (
	"slices"
	"strings"

	"github.com/ovcompat/ovcompat/reports"
	"github.com/ovcompat/ovcompat/schema"
)

// mandatorySets returns, per signature of a route, the body fields it
// makes mandatory, as wire paths ("vm.cluster.@id|name"), sorted; a route
// without signatures requires nothing, which is one empty set. Fields the
// model does not resolve, or deprecated ones, are never mandatory (see
// Route.SignaturePath).
func mandatorySets(r *schema.Route) [][]string {
	if len(r.Signatures) == 0 || r.Input == nil {
		return [][]string{{}}
	}
	var out [][]string
	for _, s := range r.Signatures {
		set := []string{}
		for _, p := range s.Mandatory {
			if segs, ok := r.SignaturePath(p); ok {
				set = append(set, wirePath(r, segs))
			}
		}
		slices.Sort(set)
		out = append(out, slices.Compact(set))
	}
	return out
}

// wirePath writes a signature path below the body: the body's element
// first, except for an action, whose paths start with a parameter.
func wirePath(r *schema.Route, segs []string) string {
	p := strings.Join(segs, ".")
	if r.Input.Element == "action" {
		return p
	}
	return r.Input.Element + "." + p
}

// required returns the fields that a body holding exactly what one
// signature of from asked for must add to satisfy a signature of to: for
// each signature of from, the fewest fields missing from a signature of
// to (none when one asks no more), sorted, without repeats.
func required(from, to [][]string) []string {
	var out []string
	for _, have := range from {
		var best []string
		for i, want := range to {
			var missing []string
			for _, f := range want {
				if !slices.Contains(have, f) {
					missing = append(missing, f)
				}
			}
			if i == 0 || len(missing) < len(best) {
				best = missing
			}
		}
		out = append(out, best...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// mandatoryChanges reports the body fields a route now requires of some
// client that sent what it required before, and those it no longer does.
func (c *comparer) mandatoryChanges(ra, rb *schema.Route, add func(kind string, grade reports.Grade, p param, wire, reason, base, next string)) {
	if ra.Input == nil || rb.Input == nil {
		return
	}
	sa, sb := mandatorySets(ra), mandatorySets(rb)
	for _, f := range required(sa, sb) {
		add(BecameMandatory, reports.Breaking, param{name: f, in: ParamBody}, rb.String()+" parameter "+f,
			"the body field became mandatory: a request without it is refused (400)", "optional", "mandatory")
	}
	for _, f := range required(sb, sa) {
		add(BecameOptional, reports.GradeInfo, param{name: f, in: ParamBody}, rb.String()+" parameter "+f,
			"the body field is no longer mandatory", "mandatory", "optional")
	}
}
