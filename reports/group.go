package reports

import "sort"

// RuleCount is how often one rule was violated in a run.
type RuleCount struct {
	Rule string
	// Severity is the worst severity the rule was reported with.
	Severity Severity
	Count    int
	// By counts the rule's violations per severity (a severity override
	// can report one rule at several).
	By SeverityCounts
}

// ViolationsByRule counts violations per rule, most frequent first, then
// by rule ID.
func (r *Results) ViolationsByRule() []RuleCount {
	idx := map[string]int{}
	var out []RuleCount
	r.eachViolation(func(_ *Scenario, _ *Step, v *Violation) {
		k, ok := idx[v.Rule]
		if !ok {
			k = len(out)
			idx[v.Rule] = k
			out = append(out, RuleCount{Rule: v.Rule, Severity: v.Severity})
		}
		out[k].Count++
		out[k].By.add(v.Severity)
		if v.Severity.rank() > out[k].Severity.rank() {
			out[k].Severity = v.Severity
		}
	})
	sort.Slice(out, func(a, b int) bool {
		if out[a].Count != out[b].Count {
			return out[a].Count > out[b].Count
		}
		return out[a].Rule < out[b].Rule
	})
	return out
}

func (r *Results) eachViolation(f func(*Scenario, *Step, *Violation)) {
	for i := range r.Scenarios {
		sc := &r.Scenarios[i]
		for j := range sc.Steps {
			st := &sc.Steps[j]
			for k := range st.Violations {
				f(sc, st, &st.Violations[k])
			}
		}
	}
}

// RuleGroup gathers the violations of one rule, per route: the live
// violations page of the proxy and the report's "by rule" section.
type RuleGroup struct {
	Rule     string
	Severity Severity // the worst seen
	Count    int
	Routes   []RouteGroup
}

// RouteGroup gathers one rule's violations on one route ("METHOD
// template"), per distinct location and reason.
type RouteGroup struct {
	Route    string
	Count    int
	Findings []FindingCount
}

// FindingCount is a distinct location and reason, how often it was seen, and
// the first exchange it was seen in.
type FindingCount struct {
	Location string
	Reason   string
	Severity Severity
	Count    int
	// Scenario, Step and Path name the first exchange where it was seen.
	Scenario string
	Step     int
	Path     string
}

// GroupByRule groups r's violations by rule, then route, then location and
// reason. Rules come worst severity first, then most frequent, then by ID;
// routes most frequent first, then by name; findings by location and reason.
func (r *Results) GroupByRule() []RuleGroup {
	type key struct{ rule, route, loc, reason string }
	var groups []RuleGroup
	ruleIdx := map[string]int{}
	routeIdx := map[[2]string]int{}
	findIdx := map[key]int{}
	r.eachViolation(func(sc *Scenario, st *Step, v *Violation) {
		gi, ok := ruleIdx[v.Rule]
		if !ok {
			gi = len(groups)
			ruleIdx[v.Rule] = gi
			groups = append(groups, RuleGroup{Rule: v.Rule, Severity: v.Severity})
		}
		g := &groups[gi]
		g.Count++
		if v.Severity.rank() > g.Severity.rank() {
			g.Severity = v.Severity
		}
		route := st.RouteKey()
		ri, ok := routeIdx[[2]string{v.Rule, route}]
		if !ok {
			ri = len(g.Routes)
			routeIdx[[2]string{v.Rule, route}] = ri
			g.Routes = append(g.Routes, RouteGroup{Route: route})
		}
		rg := &g.Routes[ri]
		rg.Count++
		k := key{v.Rule, route, v.Location, v.Reason}
		fi, ok := findIdx[k]
		if !ok {
			fi = len(rg.Findings)
			findIdx[k] = fi
			rg.Findings = append(rg.Findings, FindingCount{Location: v.Location, Reason: v.Reason, Severity: v.Severity, Scenario: sc.Name, Step: st.Index, Path: st.Path})
		}
		rg.Findings[fi].Count++
	})
	for gi := range groups {
		g := &groups[gi]
		sort.Slice(g.Routes, func(a, b int) bool {
			if g.Routes[a].Count != g.Routes[b].Count {
				return g.Routes[a].Count > g.Routes[b].Count
			}
			return g.Routes[a].Route < g.Routes[b].Route
		})
		for ri := range g.Routes {
			fs := g.Routes[ri].Findings
			sort.Slice(fs, func(a, b int) bool {
				if fs[a].Location != fs[b].Location {
					return fs[a].Location < fs[b].Location
				}
				return fs[a].Reason < fs[b].Reason
			})
		}
	}
	sort.Slice(groups, func(a, b int) bool {
		ga, gb := groups[a], groups[b]
		if ga.Severity.rank() != gb.Severity.rank() {
			return ga.Severity.rank() > gb.Severity.rank()
		}
		if ga.Count != gb.Count {
			return ga.Count > gb.Count
		}
		return ga.Rule < gb.Rule
	})
	return groups
}
