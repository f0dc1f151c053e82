package reports

import (
	"sort"
	"strings"
)

// Totals counts a run's results. The HTML, Markdown and JUnit reports show
// exactly these numbers.
type Totals struct {
	// Outcome is the run's outcome: the worst scenario outcome.
	Outcome     Outcome        `json:"outcome"`
	Scenarios   OutcomeCounts  `json:"scenarios"`
	Steps       OutcomeCounts  `json:"steps"`
	Violations  SeverityCounts `json:"violations"`
	Differences GradeCounts    `json:"differences"`
	// SkippedComparisons counts every comparison skipped because a value
	// varies by nature.
	SkippedComparisons int `json:"skipped_comparisons"`
	// Routes exercised and in the model; zero when coverage is unknown.
	RoutesExercised int `json:"routes_exercised"`
	RoutesTotal     int `json:"routes_total"`
	// LeftOut counts the scenarios the run's selection left out; they are
	// in none of the counts above.
	LeftOut int `json:"left_out"`
}

// OutcomeCounts counts outcomes.
type OutcomeCounts struct {
	Pass  int `json:"pass"`
	Warn  int `json:"warn"`
	Fail  int `json:"fail"`
	Error int `json:"error"`
	Skip  int `json:"skip"`
}

// Add counts one outcome; an unknown outcome counts as error, so that it
// is never hidden.
func (c *OutcomeCounts) Add(o Outcome) {
	p := c.slot(o)
	if p == nil {
		p = &c.Error
	}
	*p++
}

// Of returns the count of one outcome.
func (c OutcomeCounts) Of(o Outcome) int {
	if p := c.slot(o); p != nil {
		return *p
	}
	return 0
}

// slot is the counter of one outcome; nil for an unknown outcome.
func (c *OutcomeCounts) slot(o Outcome) *int {
	switch o {
	case Pass:
		return &c.Pass
	case Warn:
		return &c.Warn
	case Fail:
		return &c.Fail
	case Error:
		return &c.Error
	case Skip:
		return &c.Skip
	}
	return nil
}

// Total is the sum of all counts.
func (c OutcomeCounts) Total() int { return c.Pass + c.Warn + c.Fail + c.Error + c.Skip }

// SeverityCounts counts violations by severity.
type SeverityCounts struct {
	Error   int `json:"error"`
	Warning int `json:"warning"`
	Info    int `json:"info"`
}

// Of returns the count of one severity.
func (c SeverityCounts) Of(s Severity) int { return *c.slot(s) }

// Total is the sum of all counts.
func (c SeverityCounts) Total() int { return c.Error + c.Warning + c.Info }

func (c *SeverityCounts) add(s Severity) { *c.slot(s)++ }

// slot is the counter of one severity; an unknown severity counts as info.
func (c *SeverityCounts) slot(s Severity) *int {
	switch s {
	case SeverityError:
		return &c.Error
	case SeverityWarning:
		return &c.Warning
	}
	return &c.Info
}

// GradeCounts counts differences by grade.
type GradeCounts struct {
	Breaking int `json:"breaking"`
	Warning  int `json:"warning"`
	Info     int `json:"info"`
}

// Of returns the count of one grade.
func (c GradeCounts) Of(g Grade) int { return *c.slot(g) }

// Total is the sum of all counts.
func (c GradeCounts) Total() int { return c.Breaking + c.Warning + c.Info }

func (c *GradeCounts) add(g Grade) { *c.slot(g)++ }

// slot is the counter of one grade; an unknown grade counts as info.
func (c *GradeCounts) slot(g Grade) *int {
	switch g {
	case Breaking:
		return &c.Breaking
	case GradeWarn:
		return &c.Warning
	}
	return &c.Info
}

// Count computes the totals of r.
func (r *Results) Count() Totals {
	var t Totals
	outcomes := make([]Outcome, 0, len(r.Scenarios))
	for i := range r.Scenarios {
		sc := &r.Scenarios[i]
		if sc.LeftOut != "" {
			t.LeftOut++
			continue
		}
		t.Scenarios.Add(sc.Outcome)
		o := sc.Outcome
		if !o.Valid() { // counted as error by Add: the run's outcome agrees
			o = Error
		}
		outcomes = append(outcomes, o)
		for j := range sc.Steps {
			st := &sc.Steps[j]
			t.Steps.Add(st.Outcome)
			for _, v := range st.Violations {
				t.Violations.add(v.Severity)
			}
			for _, d := range st.Differences {
				t.Differences.add(d.Grade)
			}
			t.SkippedComparisons += len(st.Skipped)
		}
	}
	t.Outcome = Worst(outcomes...)
	if r.Coverage != nil {
		for _, rc := range r.Coverage.Resources {
			t.RoutesExercised += len(rc.Exercised)
			t.RoutesTotal += rc.Routes
		}
	}
	return t
}

// Settle fills the outcomes a producer left empty: a step's from its
// findings (Judge), a scenario's from its steps and its own harness error
// (see Scenario.Settle).
func (r *Results) Settle() {
	for i := range r.Scenarios {
		r.Scenarios[i].Settle()
	}
}

// Settle fills the outcomes a producer left empty, of a scenario as it
// finishes: a step's from its findings (Judge), the scenario's from its
// steps and its own harness error. Outcomes already set are kept, except
// that a scenario never ends better than its worst step nor better than
// error when it has a harness error; one left out is skipped.
func (sc *Scenario) Settle() {
	if sc.LeftOut != "" {
		sc.Outcome = Skip
		return
	}
	o := Outcome("")
	for j := range sc.Steps {
		st := &sc.Steps[j]
		if st.Outcome == "" {
			st.Outcome = Judge(st.Violations, st.Differences, st.Error)
		}
		o = o.Worse(st.Outcome)
	}
	if sc.Error != "" {
		o = o.Worse(Error)
	}
	if o == "" {
		o = Skip
	}
	sc.Outcome = sc.Outcome.Worse(o)
}

// ResourceOf names the resource a route or path belongs to: its first
// segment ("/vms/{vm_id}/start" is "vms"), "/" for the API root. Coverage
// and the per-resource charts group by it.
func ResourceOf(route string) string {
	if i := strings.IndexByte(route, ' '); i >= 0 { // "METHOD /path"
		route = route[i+1:]
	}
	// A concrete path (a step without a known route) starts with the
	// API's base path: /ovirt-engine/api, /api, then /v3 or /v4.
	for _, base := range []string{"/ovirt-engine/api", "/api", "/v4", "/v3"} {
		if rest, ok := strings.CutPrefix(route, base); ok && (rest == "" || strings.ContainsAny(rest[:1], "/;?")) {
			route = rest
		}
	}
	if i := strings.IndexAny(route, "?;"); i >= 0 {
		route = route[:i]
	}
	route = strings.TrimPrefix(route, "/")
	if i := strings.IndexByte(route, '/'); i >= 0 {
		route = route[:i]
	}
	if route == "" {
		return "/"
	}
	return route
}

// ResourceOutcomes counts step outcomes per resource (see ResourceOf).
type ResourceOutcomes struct {
	Resource string
	Steps    OutcomeCounts
}

// ByResource counts step outcomes per resource, sorted by resource.
func (r *Results) ByResource() []ResourceOutcomes {
	idx := map[string]int{}
	var out []ResourceOutcomes
	for i := range r.Scenarios {
		for j := range r.Scenarios[i].Steps {
			st := &r.Scenarios[i].Steps[j]
			res := ResourceOf(st.Route)
			if st.Route == "" {
				res = ResourceOf(st.Path)
			}
			k, ok := idx[res]
			if !ok {
				k = len(out)
				idx[res] = k
				out = append(out, ResourceOutcomes{Resource: res})
			}
			out[k].Steps.Add(st.Outcome)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Resource < out[b].Resource })
	return out
}

// LeftOut returns the scenarios the run's selection left out.
func (r *Results) LeftOut() []*Scenario {
	var out []*Scenario
	for i := range r.Scenarios {
		if r.Scenarios[i].LeftOut != "" {
			out = append(out, &r.Scenarios[i])
		}
	}
	return out
}

// LeftOutReasons counts the scenarios left out by each reason, sorted by
// reason.
func (r *Results) LeftOutReasons() []ReasonCount {
	n := map[string]int{}
	for _, sc := range r.LeftOut() {
		n[sc.LeftOut]++
	}
	out := make([]ReasonCount, 0, len(n))
	for why, c := range n {
		out = append(out, ReasonCount{Reason: why, Count: c})
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Reason < out[b].Reason })
	return out
}

// ReasonCount is a reason and how many it holds for.
type ReasonCount struct {
	Reason string
	Count  int
}
