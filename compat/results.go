package compat

import (
	"fmt"
	"strings"
	"time"

	"github.com/ovcompat/ovcompat/reports"
)

// Meta is what a Results says about the run that made it.
type Meta struct {
	ToolVersion string
	// Now stamps the results (Started and Finished): the caller's clock,
	// so that output is reproducible.
	Now time.Time
}

// Results turns the diff into the neutral result model every judging
// command writes (results.json with "kind": "schema-diff", the HTML,
// Markdown and JUnit reports): one scenario per group (a service, a type),
// one step per change, carrying the change as a graded difference at its
// wire name. A breaking change fails its step, a warning warns, an info
// passes.
func (d *Diff) Results(meta Meta) *reports.Results {
	r := &reports.Results{Version: reports.Version, Run: reports.Run{
		Kind: "schema-diff", Target: d.From + " → " + d.To, ToolVersion: meta.ToolVersion,
		ModelVersion: d.From + " → " + d.To, Started: meta.Now, Finished: meta.Now, ReadOnly: true,
		Notes: d.notes(),
	}}
	r.Scenarios = groupScenarios(d.Changes, func(c Change) (string, []string) { return c.Group, nil })
	r.Settle()
	return r
}

func (d *Diff) notes() []string {
	if d.Mandatory {
		return []string{"mandatory body fields compared: both releases take them from the model's @InputDetail"}
	}
	return []string{"mandatory body fields not compared: a release takes them from rsdl_metadata.yaml (4.0, 4.1) or is not embedded, and the two sources differ where the API does not"}
}

// groupScenarios turns changes, in order, into one scenario per group.
func groupScenarios(cs []Change, group func(Change) (string, []string)) []reports.Scenario {
	var out []reports.Scenario
	at := map[string]int{}
	for _, c := range cs {
		name, labels := group(c)
		i, ok := at[name]
		if !ok {
			i = len(out)
			at[name] = i
			out = append(out, reports.Scenario{Name: name, Labels: labels, Steps: []reports.Step{}})
		}
		sc := &out[i]
		sc.Steps = append(sc.Steps, c.step(len(sc.Steps)))
	}
	return out
}

// step is a change as a step: the route it is about, or its wire name.
func (c Change) step(index int) reports.Step {
	d := reports.Difference{Kind: c.Kind, Grade: c.Grade, Location: c.Wire, Reason: c.Reason, Base: c.Base, New: c.New}
	st := reports.Step{Index: index, Name: c.Subject + " " + c.Wire, Method: c.Method, Path: c.Route, Route: c.Route,
		Differences: []reports.Difference{d}}
	if st.Path == "" {
		st.Path = c.Wire
	}
	st.Outcome = reports.Judge(nil, st.Differences, "")
	return st
}

// Results turns the report into the neutral result model (results.json
// with "kind": "compat", the HTML, Markdown and JUnit reports): one
// scenario per client, one step per route it used, carrying the changes
// that touch what it did there as graded differences; a request to a path
// of no route of release A is a skipped step, saying so.
func (r *Report) Results(meta Meta) *reports.Results {
	d := r.Diff
	res := &reports.Results{Version: reports.Version, Run: reports.Run{
		Kind: "compat", Target: d.From + " → " + d.To, ToolVersion: meta.ToolVersion,
		ModelVersion: d.From + " → " + d.To, Started: meta.Now, Finished: meta.Now, ReadOnly: true,
		Notes: d.notes(),
	}}
	for _, c := range r.Clients {
		sc := reports.Scenario{Name: "client " + c.Client, Steps: []reports.Step{}}
		for _, rr := range c.Routes {
			st := reports.Step{Index: len(sc.Steps), Name: plural(rr.Requests, "request", "requests"), Method: rr.Method,
				Path: rr.Route, Route: rr.Route}
			for _, a := range rr.Affected {
				where := a.Wire
				if a.Where != "" {
					where = a.Where
				}
				st.Differences = append(st.Differences, reports.Difference{Kind: a.Kind, Grade: a.Grade, Location: where,
					Reason: a.Reason + "; the client " + a.How, Base: a.Base, New: a.New})
			}
			st.Outcome = reports.Judge(nil, st.Differences, "")
			sc.Steps = append(sc.Steps, st)
		}
		for _, key := range sortedKeys(c.Outside) {
			method, path, _ := strings.Cut(key, " ")
			sc.Steps = append(sc.Steps, reports.Step{Index: len(sc.Steps), Name: plural(c.Outside[key], "request", "requests"),
				Method: method, Path: path, Outcome: reports.Skip, SkipReason: "no route of " + d.From + " has this path"})
		}
		if c.Skipped > 0 {
			res.Run.Notes = append(res.Run.Notes, fmt.Sprintf("client %s: %s not to API v4 (v3, or outside /ovirt-engine/api) left out",
				c.Client, plural(c.Skipped, "request", "requests")))
		}
		res.Scenarios = append(res.Scenarios, sc)
	}
	res.Settle()
	return res
}
