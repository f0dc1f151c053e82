package reports

import (
	"sort"
	"strings"
)

// KindViolation is the kind under which FindingGroups counts a run's
// violations (their rule tells them apart); a difference from the recording
// and a change of a diff keep their own kind.
const KindViolation = "violation"

// FindingGroup gathers the findings of one kind (and rule, for violations)
// and grade: how many, on how many routes and in how many steps, and where,
// by route and location pattern. One injected fault that removes a link
// from every response reads as one group, not as a thousand lines.
type FindingGroup struct {
	Kind  string `json:"kind"`
	Rule  string `json:"rule,omitempty"`
	Grade Grade  `json:"grade"`
	Count int    `json:"count"`
	// Routes and Steps count the distinct routes and steps it was seen on.
	Routes int `json:"routes"`
	Steps  int `json:"steps"`
	// Places, most frequent first.
	Places []Place `json:"places"`
}

// Place is where the findings of a group were seen: a route ("METHOD
// template") and a location pattern (list positions and predicates shown
// as [*], see LocationPattern), with the first finding's reason and step.
type Place struct {
	Route    string `json:"route,omitempty"`
	Location string `json:"location,omitempty"`
	Count    int    `json:"count"`
	Steps    int    `json:"steps"`
	Reason   string `json:"reason"`
	// Scenario and Step (from 0, nil for a change of a scenario or the
	// run) name the first step it was seen in.
	Scenario string `json:"scenario,omitempty"`
	Step     *int   `json:"step,omitempty"`
}

// Title names the group for people: its kind, and its rule if any
// ("link-removed", "violation-added schema.unknown-element").
func (g *FindingGroup) Title() string {
	switch {
	case g.Rule == "":
		return g.Kind
	case g.Kind == KindViolation:
		return g.Rule
	}
	return g.Kind + " " + g.Rule
}

// LocationPattern generalises a location so that the same place in every
// item of a list, or every link of a resource, reads as one: each bracketed
// part (a list position, a predicate) becomes [*]:
// /vms/vm[3]/link[@rel='nics'] -> /vms/vm[*]/link[*].
func LocationPattern(loc string) string {
	if !strings.Contains(loc, "[") {
		return loc
	}
	var b strings.Builder
	depth := 0
	for _, r := range loc {
		switch {
		case r == '[':
			if depth == 0 {
				b.WriteString("[*]")
			}
			depth++
		case r == ']' && depth > 0:
			depth--
		case depth == 0:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// finding is one finding to group.
type finding struct {
	kind, rule      string
	grade           Grade
	route, location string
	reason          string
	scenario        string
	step            *int
}

// FindingGroups groups the run's violations (kind "violation", graded by
// severity: error is breaking) and differences from the recording, worst
// grade first, then the most frequent.
func (r *Results) FindingGroups() []FindingGroup {
	var fs []finding
	for i := range r.Scenarios {
		sc := &r.Scenarios[i]
		for j := range sc.Steps {
			st := &sc.Steps[j]
			idx := st.Index
			for _, v := range st.Violations {
				fs = append(fs, finding{KindViolation, v.Rule, severityGrade(v.Severity), st.RouteKey(), LocationPattern(v.Location), v.Reason, sc.Name, &idx})
			}
			for _, d := range st.Differences {
				fs = append(fs, finding{d.Kind, "", d.Grade, st.RouteKey(), LocationPattern(d.Location), d.Reason, sc.Name, &idx})
			}
		}
	}
	return groupFindings(fs)
}

// Groups groups the diff's changes, accepted ones or the others, like
// Results.FindingGroups.
func (d *Diff) Groups(accepted bool) []FindingGroup {
	var fs []finding
	for _, c := range d.Changes {
		if c.Accepted == accepted {
			fs = append(fs, changeFinding(c))
		}
	}
	return groupFindings(fs)
}

func changeFinding(c Change) finding {
	return finding{c.Kind, c.Rule, c.Grade, c.Route, LocationPattern(c.Location), c.Reason, c.Scenario, c.Step}
}

type stepID struct {
	scenario string
	step     int
}

func (f *finding) stepID() (stepID, bool) {
	if f.step == nil {
		return stepID{}, false
	}
	return stepID{f.scenario, *f.step}, true
}

// groupFindings groups by kind, rule and grade, then by route and location
// pattern.
func groupFindings(fs []finding) []FindingGroup {
	type gkey struct {
		kind, rule string
		grade      Grade
	}
	type pkey struct {
		g               int
		route, location string
	}
	var groups []FindingGroup
	gidx := map[gkey]int{}
	pidx := map[pkey]int{}
	gRoutes := map[int]map[string]bool{}
	gSteps := map[int]map[stepID]bool{}
	pSteps := map[pkey]map[stepID]bool{}
	for i := range fs {
		f := &fs[i]
		gk := gkey{f.kind, f.rule, f.grade}
		gi, ok := gidx[gk]
		if !ok {
			gi = len(groups)
			gidx[gk] = gi
			groups = append(groups, FindingGroup{Kind: f.kind, Rule: f.rule, Grade: f.grade})
			gRoutes[gi], gSteps[gi] = map[string]bool{}, map[stepID]bool{}
		}
		g := &groups[gi]
		g.Count++
		if f.route != "" {
			gRoutes[gi][f.route] = true
		}
		pk := pkey{gi, f.route, f.location}
		pi, ok := pidx[pk]
		if !ok {
			pi = len(g.Places)
			pidx[pk] = pi
			g.Places = append(g.Places, Place{Route: f.route, Location: f.location, Reason: f.reason, Scenario: f.scenario, Step: f.step})
			pSteps[pk] = map[stepID]bool{}
		}
		g.Places[pi].Count++
		if id, ok := f.stepID(); ok {
			gSteps[gi][id] = true
			pSteps[pk][id] = true
		}
	}
	for gi := range groups {
		g := &groups[gi]
		g.Routes, g.Steps = len(gRoutes[gi]), len(gSteps[gi])
		for pi := range g.Places {
			p := &g.Places[pi]
			p.Steps = len(pSteps[pkey{gi, p.Route, p.Location}])
		}
		sort.SliceStable(g.Places, func(a, b int) bool {
			x, y := g.Places[a], g.Places[b]
			switch {
			case x.Count != y.Count:
				return x.Count > y.Count
			case x.Route != y.Route:
				return x.Route < y.Route
			}
			return x.Location < y.Location
		})
	}
	sort.SliceStable(groups, func(a, b int) bool {
		x, y := groups[a], groups[b]
		return worseFirst(x.Grade, x.Count, x.Kind, x.Rule, y.Grade, y.Count, y.Kind, y.Rule)
	})
	return groups
}

// AcceptedGroup is what one baseline entry accepted.
type AcceptedGroup struct {
	Entry  Accepted `json:"entry"`
	Count  int      `json:"count"`
	Routes int      `json:"routes"`
	Steps  int      `json:"steps"`
	// Grades counts the accepted changes by grade.
	Grades GradeCounts `json:"grades"`
}

// AcceptedByEntry summarises the accepted changes by the baseline entry
// that accepted them, in baseline order; entries that matched nothing are
// in d.Unused, not here.
func (d *Diff) AcceptedByEntry() []AcceptedGroup {
	var out []AcceptedGroup
	idx := map[*Accepted]int{}
	routes := map[int]map[string]bool{}
	steps := map[int]map[stepID]bool{}
	for _, c := range d.Changes {
		if !c.Accepted {
			continue
		}
		i, ok := idx[c.acceptedBy]
		if !ok {
			i = len(out)
			idx[c.acceptedBy] = i
			entry := Accepted{Line: c.AcceptedLine, Reason: c.AcceptedReason}
			if c.acceptedBy != nil {
				entry = *c.acceptedBy
			}
			out = append(out, AcceptedGroup{Entry: entry})
			routes[i], steps[i] = map[string]bool{}, map[stepID]bool{}
		}
		g := &out[i]
		g.Count++
		g.Grades.add(c.Grade)
		if c.Route != "" {
			routes[i][c.Route] = true
		}
		f := changeFinding(c)
		if id, ok := f.stepID(); ok {
			steps[i][id] = true
		}
	}
	for i := range out {
		out[i].Routes, out[i].Steps = len(routes[i]), len(steps[i])
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Entry.Line < out[b].Entry.Line })
	return out
}
