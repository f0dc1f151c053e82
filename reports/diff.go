package reports

import (
	"fmt"
	"sort"
	"strconv"
)

// The kinds of change Compare finds between two runs, besides the kinds of
// the replay's own differences (a difference from the recording that is new
// in the second run keeps its kind and grade, "element-removed" for
// example).
const (
	KindViolationAdded     = "violation-added"     // graded by severity: error is breaking
	KindViolationRemoved   = "violation-removed"   // info
	KindDifferenceResolved = "difference-resolved" // info: a difference from the recording is gone
	KindOutcomeWorse       = "outcome-worse"       // fail or error: breaking; warn or now skipped: warning
	KindOutcomeBetter      = "outcome-better"      // info
	KindStatusChanged      = "status-changed"      // another class: breaking; same class: warning
	KindHarnessError       = "harness-error"       // breaking: a run that broke vouches for nothing
	KindScenarioMissing    = "scenario-missing"    // warning: ran before, not now
	KindScenarioAdded      = "scenario-added"      // info
	KindStepMissing        = "step-missing"        // warning
	KindStepAdded          = "step-added"          // info
	KindComparisonSkipped  = "comparison-skipped"  // warning: a comparison made before is now skipped
	KindComparisonResumed  = "comparison-resumed"  // info
	KindRouteUncovered     = "route-uncovered"     // warning: a route exercised before is not now
	KindEngineChanged      = "engine-changed"      // info
)

// ChangeKinds lists the kinds of change Compare finds itself; a difference
// from the recording keeps its own kind (the replay's DifferenceKinds).
func ChangeKinds() []string {
	return []string{KindViolationAdded, KindViolationRemoved, KindDifferenceResolved, KindOutcomeWorse, KindOutcomeBetter,
		KindStatusChanged, KindHarnessError, KindScenarioMissing, KindScenarioAdded, KindStepMissing, KindStepAdded,
		KindComparisonSkipped, KindComparisonResumed, KindRouteUncovered, KindEngineChanged}
}

// Change is one graded change from the base run to the new one.
type Change struct {
	Kind  string `json:"kind"`
	Grade Grade  `json:"grade"`
	// Rule is set for violation changes: baselines match on it.
	Rule     string `json:"rule,omitempty"`
	Scenario string `json:"scenario,omitempty"`
	// Step is the step's index, from 0 as in results.json (the text and
	// Markdown renderings show it from 1); nil for changes of a scenario or
	// the run.
	Step     *int   `json:"step,omitempty"`
	StepName string `json:"step_name,omitempty"`
	// Route is "METHOD template" (see Step.RouteKey).
	Route    string `json:"route,omitempty"`
	Location string `json:"location,omitempty"`
	Reason   string `json:"reason"`
	Base     string `json:"base,omitempty"`
	New      string `json:"new,omitempty"`
	// Accepted is set when a baseline entry matches; AcceptedReason is that
	// entry's reason. Accepted changes never fail a gate.
	Accepted       bool   `json:"accepted,omitempty"`
	AcceptedReason string `json:"accepted_reason,omitempty"`
	// AcceptedLine is the accepting entry's line in the baseline file.
	AcceptedLine int `json:"accepted_line,omitempty"`
	acceptedBy   *Accepted
}

// Diff is the comparison of two runs.
type Diff struct {
	Base Run `json:"base"`
	New  Run `json:"new"`
	// Changes sorted worst grade first, then by scenario, step, kind, rule
	// and location. Accepted changes are included and marked.
	Changes []Change `json:"changes"`
	// Unused lists baseline entries that matched no change: candidates for
	// removal from the baseline.
	Unused []Accepted `json:"unused_baseline,omitempty"`
}

// Compare grades every change from base to next. Steps are matched by
// scenario name, step index, method and step name; violations by rule and
// location; differences from the recording by kind and location. A step
// whose outcome got worse is reported as outcome-worse only when no new
// finding of at least that grade explains it. Baseline entries mark the
// changes they match as accepted.
func Compare(base, next *Results, baseline Baseline) *Diff {
	d := &Diff{Base: base.Run, New: next.Run}
	c := &comparer{d: d}
	if be, ne := engineOf(base.Run), engineOf(next.Run); be != ne && be != "" && ne != "" {
		c.add(Change{Kind: KindEngineChanged, Grade: GradeInfo, Reason: "the engine's product or version changed", Base: be, New: ne})
	}
	// A scenario left out by a run's selection did not run in it.
	baseScen := map[string]*Scenario{}
	for i := range base.Scenarios {
		if base.Scenarios[i].LeftOut == "" {
			baseScen[base.Scenarios[i].Name] = &base.Scenarios[i]
		}
	}
	seen := map[string]bool{}
	for i := range next.Scenarios {
		ns := &next.Scenarios[i]
		if ns.LeftOut != "" {
			continue
		}
		seen[ns.Name] = true
		bs, ok := baseScen[ns.Name]
		if !ok {
			c.add(Change{Kind: KindScenarioAdded, Grade: GradeInfo, Scenario: ns.Name, Reason: "scenario ran only in the new run"})
			continue
		}
		c.scenario(bs, ns)
	}
	for i := range base.Scenarios {
		if bs := &base.Scenarios[i]; bs.LeftOut == "" && !seen[bs.Name] {
			c.add(Change{Kind: KindScenarioMissing, Grade: GradeWarn, Scenario: bs.Name, Reason: "scenario ran in the base run, not in the new one"})
		}
	}
	c.coverage(base.Coverage, next.Coverage)
	d.Unused = baseline.apply(d.Changes)
	sortChanges(d.Changes)
	return d
}

func engineOf(r Run) string {
	if r.Product == "" {
		return r.EngineVersion
	}
	if r.EngineVersion == "" {
		return r.Product
	}
	return r.Product + " " + r.EngineVersion
}

type comparer struct{ d *Diff }

func (c *comparer) add(ch Change) { c.d.Changes = append(c.d.Changes, ch) }

type stepKey struct {
	index        int
	method, name string
}

func (c *comparer) scenario(bs, ns *Scenario) {
	if ns.Error != "" && bs.Error == "" {
		c.add(Change{Kind: KindHarnessError, Grade: Breaking, Scenario: ns.Name, Reason: "the scenario broke in the new run: " + ns.Error})
	}
	baseSteps := map[stepKey]*Step{}
	for j := range bs.Steps {
		st := &bs.Steps[j]
		baseSteps[stepKey{st.Index, st.Method, st.Name}] = st
	}
	seen := map[stepKey]bool{}
	for j := range ns.Steps {
		nst := &ns.Steps[j]
		k := stepKey{nst.Index, nst.Method, nst.Name}
		seen[k] = true
		bst, ok := baseSteps[k]
		at := c.at(ns, nst)
		if !ok {
			at.Kind, at.Grade, at.Reason = KindStepAdded, GradeInfo, "step ran only in the new run"
			c.add(at)
			continue
		}
		c.step(ns, bst, nst)
	}
	for j := range bs.Steps {
		bst := &bs.Steps[j]
		if !seen[stepKey{bst.Index, bst.Method, bst.Name}] {
			at := c.at(bs, bst)
			at.Kind, at.Grade, at.Reason = KindStepMissing, GradeWarn, "step ran in the base run, not in the new one"
			c.add(at)
		}
	}
}

// at returns a change located at a step.
func (c *comparer) at(sc *Scenario, st *Step) Change {
	i := st.Index
	return Change{Scenario: sc.Name, Step: &i, StepName: st.Name, Route: st.RouteKey()}
}

func (c *comparer) step(sc *Scenario, b, n *Step) {
	worst := gradeAbsent
	add := func(ch Change) {
		if ch.Grade.rank() > worst.rank() {
			worst = ch.Grade
		}
		c.add(ch)
	}
	at := func(kind string, g Grade, loc, reason string) Change {
		ch := c.at(sc, n)
		ch.Kind, ch.Grade, ch.Location, ch.Reason = kind, g, loc, reason
		return ch
	}
	if n.Error != "" && b.Error == "" {
		ch := at(KindHarnessError, Breaking, "", "the step broke in the new run: "+n.Error)
		add(ch)
	}
	if b.Status != 0 && n.Status != 0 && b.Status != n.Status {
		g := GradeWarn
		if b.Status/100 != n.Status/100 {
			g = Breaking
		}
		ch := at(KindStatusChanged, g, "status", "the response status changed")
		ch.Base, ch.New = strconv.Itoa(b.Status), strconv.Itoa(n.Status)
		add(ch)
	}
	for _, ch := range c.violations(sc, b, n) {
		add(ch)
	}
	for _, ch := range c.differences(sc, b, n) {
		add(ch)
	}
	for _, ch := range c.skipped(sc, b, n) {
		add(ch)
	}
	switch bo, no := b.Outcome, n.Outcome; {
	case no == bo:
	case no == Skip:
		ch := at(KindOutcomeWorse, GradeWarn, "", "the step ran in the base run and was skipped in the new one")
		ch.Base, ch.New = string(bo), string(no)
		if n.SkipReason != "" {
			ch.Reason += ": " + n.SkipReason
		}
		c.add(ch)
	case no.rank() > bo.rank():
		g := GradeWarn
		if no == Fail || no == Error {
			g = Breaking
		}
		if worst.rank() < g.rank() {
			ch := at(KindOutcomeWorse, g, "", fmt.Sprintf("the step's outcome went from %s to %s", bo, no))
			ch.Base, ch.New = string(bo), string(no)
			c.add(ch)
		}
	case bo != Skip:
		ch := at(KindOutcomeBetter, GradeInfo, "", fmt.Sprintf("the step's outcome went from %s to %s", bo, no))
		ch.Base, ch.New = string(bo), string(no)
		c.add(ch)
	}
}

func severityGrade(s Severity) Grade {
	switch s {
	case SeverityError:
		return Breaking
	case SeverityWarning:
		return GradeWarn
	}
	return GradeInfo
}

// ranked is a severity or a grade: what a finding is reported with.
type ranked interface {
	comparable
	rank() int
}

// findingKey matches a finding across runs: its rule (violations) or kind
// (differences), and its location.
type findingKey struct{ id, loc string }

// matchFindings pairs the findings of a step in the base and the new run by
// key. added is called for each key of the new run that the base run lacks
// or reported milder, with the worst level the base run reported it with
// (had is false when it did not report it); removed for each key of the
// base run that the new run lacks. Each key is reported once, for its first
// finding.
func matchFindings[T any, L ranked](base, next []T, key func(T) (findingKey, L), added func(f T, was L, had bool), removed func(T)) {
	baseWorst := map[findingKey]L{}
	for _, f := range base {
		k, l := key(f)
		if l.rank() > baseWorst[k].rank() {
			baseWorst[k] = l
		}
	}
	seen := map[findingKey]bool{}
	for _, f := range next {
		k, l := key(f)
		if seen[k] {
			continue
		}
		seen[k] = true
		if was, had := baseWorst[k]; !had || was.rank() < l.rank() {
			added(f, was, had)
		}
	}
	for _, f := range base {
		if k, _ := key(f); !seen[k] {
			seen[k] = true
			removed(f)
		}
	}
}

func (c *comparer) violations(sc *Scenario, b, n *Step) []Change {
	var out []Change
	matchFindings(b.Violations, n.Violations, func(v Violation) (findingKey, Severity) { return findingKey{v.Rule, v.Location}, v.Severity },
		func(v Violation, was Severity, had bool) {
			ch := c.at(sc, n)
			ch.Kind, ch.Grade, ch.Rule, ch.Location, ch.Reason = KindViolationAdded, severityGrade(v.Severity), v.Rule, v.Location, v.Reason
			ch.New = string(v.Severity)
			if had {
				ch.Base = string(was)
			}
			out = append(out, ch)
		},
		func(v Violation) {
			ch := c.at(sc, n)
			ch.Kind, ch.Grade, ch.Rule, ch.Location, ch.Reason = KindViolationRemoved, GradeInfo, v.Rule, v.Location, "violation no longer reported: "+v.Reason
			ch.Base = string(v.Severity)
			out = append(out, ch)
		})
	return out
}

func (c *comparer) differences(sc *Scenario, b, n *Step) []Change {
	var out []Change
	matchFindings(b.Differences, n.Differences, func(d Difference) (findingKey, Grade) { return findingKey{d.Kind, d.Location}, d.Grade },
		func(d Difference, was Grade, had bool) {
			ch := c.at(sc, n)
			ch.Kind, ch.Grade, ch.Location, ch.Reason, ch.Base, ch.New = d.Kind, d.Grade, d.Location, d.Reason, d.Base, d.New
			if had {
				ch.Reason += fmt.Sprintf(" (graded %s in the base run)", was)
			}
			out = append(out, ch)
		},
		func(d Difference) {
			ch := c.at(sc, n)
			ch.Kind, ch.Grade, ch.Location = KindDifferenceResolved, GradeInfo, d.Location
			ch.Reason = fmt.Sprintf("%s difference %s no longer seen: %s", d.Grade, d.Kind, d.Reason)
			out = append(out, ch)
		})
	return out
}

func (c *comparer) skipped(sc *Scenario, b, n *Step) []Change {
	baseS, newS := map[string]bool{}, map[string]bool{}
	for _, s := range b.Skipped {
		baseS[s.Location] = true
	}
	var out []Change
	for _, s := range n.Skipped {
		newS[s.Location] = true
		if !baseS[s.Location] && (b.Outcome != Skip) {
			ch := c.at(sc, n)
			ch.Kind, ch.Grade, ch.Location, ch.Reason = KindComparisonSkipped, GradeWarn, s.Location, "comparison made in the base run is now skipped: "+s.Why
			out = append(out, ch)
		}
	}
	for _, s := range b.Skipped {
		if !newS[s.Location] && n.Outcome != Skip {
			ch := c.at(sc, n)
			ch.Kind, ch.Grade, ch.Location, ch.Reason = KindComparisonResumed, GradeInfo, s.Location, "comparison skipped in the base run is not skipped in the new one"
			out = append(out, ch)
			newS[s.Location] = true
		}
	}
	return out
}

func (c *comparer) coverage(b, n *Coverage) {
	if b == nil || n == nil {
		return
	}
	now := map[string]bool{}
	for _, rc := range n.Resources {
		for _, r := range rc.Exercised {
			now[r] = true
		}
	}
	for _, rc := range b.Resources {
		for _, r := range rc.Exercised {
			if !now[r] {
				c.add(Change{Kind: KindRouteUncovered, Grade: GradeWarn, Route: r, Reason: "route exercised in the base run is not exercised in the new one"})
			}
		}
	}
}

func sortChanges(cs []Change) {
	step := func(c Change) int {
		if c.Step == nil {
			return -1
		}
		return *c.Step
	}
	sort.SliceStable(cs, func(a, b int) bool {
		x, y := cs[a], cs[b]
		switch {
		case x.Grade.rank() != y.Grade.rank():
			return x.Grade.rank() > y.Grade.rank()
		case x.Scenario != y.Scenario:
			return x.Scenario < y.Scenario
		case step(x) != step(y):
			return step(x) < step(y)
		case x.Kind != y.Kind:
			return x.Kind < y.Kind
		case x.Rule != y.Rule:
			return x.Rule < y.Rule
		case x.Accepted != y.Accepted:
			return !x.Accepted
		case x.Route != y.Route:
			return x.Route < y.Route
		}
		return x.Location < y.Location
	})
}

// Failing returns the changes that fail a gate at threshold: those not
// accepted whose grade is threshold or worse.
func (d *Diff) Failing(threshold Grade) []Change {
	var out []Change
	for _, c := range d.Changes {
		if !c.Accepted && c.Grade.AtLeast(threshold) {
			out = append(out, c)
		}
	}
	return out
}

// Counts counts the changes not accepted, by grade, and the accepted ones.
func (d *Diff) Counts() (GradeCounts, int) {
	var g GradeCounts
	accepted := 0
	for _, c := range d.Changes {
		if c.Accepted {
			accepted++
			continue
		}
		g.add(c.Grade)
	}
	return g, accepted
}

// KindCount counts the changes of one kind (and rule, for violations) and
// grade.
type KindCount struct {
	Kind     string `json:"kind"`
	Rule     string `json:"rule,omitempty"`
	Grade    Grade  `json:"grade"`
	Count    int    `json:"count"`
	Accepted int    `json:"accepted"`
}

// ByKind counts the changes per kind, rule and grade: worst grade first,
// then most frequent, then by kind and rule.
func (d *Diff) ByKind() []KindCount {
	type key struct {
		kind, rule string
		grade      Grade
	}
	idx := map[key]int{}
	var out []KindCount
	for _, c := range d.Changes {
		k := key{c.Kind, c.Rule, c.Grade}
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, KindCount{Kind: c.Kind, Rule: c.Rule, Grade: c.Grade})
		}
		out[i].Count++
		if c.Accepted {
			out[i].Accepted++
		}
	}
	sort.Slice(out, func(a, b int) bool {
		x, y := out[a], out[b]
		return worseFirst(x.Grade, x.Count, x.Kind, x.Rule, y.Grade, y.Count, y.Kind, y.Rule)
	})
	return out
}

// worseFirst orders counts of findings: worst grade first, then the most
// frequent, then by kind and rule.
func worseFirst(g1 Grade, n1 int, kind1, rule1 string, g2 Grade, n2 int, kind2, rule2 string) bool {
	switch {
	case g1.rank() != g2.rank():
		return g1.rank() > g2.rank()
	case n1 != n2:
		return n1 > n2
	case kind1 != kind2:
		return kind1 < kind2
	}
	return rule1 < rule2
}
