package crawl

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/ovcompat/ovcompat/har"
	"github.com/ovcompat/ovcompat/internal/media"
	"github.com/ovcompat/ovcompat/internal/verdict"
	"github.com/ovcompat/ovcompat/reports"
	"github.com/ovcompat/ovcompat/rules"
	"github.com/ovcompat/ovcompat/scenario"
	"github.com/ovcompat/ovcompat/schema"
)

// Result is what a crawl found: the results (results.json's model) and
// the exchanges, for Scenarios.
type Result struct {
	// Results has one scenario per resource, one step per request, and
	// the coverage with the reach of every GET route.
	Results   *reports.Results
	model     *schema.Model
	resources []*resource
}

// judge checks one exchange and makes its step.
func (c *Crawler) judge(it *item, ans answer) reports.Step {
	name := it.v.String() + " " + it.route.Path
	if it.how != "" {
		name += " (" + it.how + ")"
	}
	path := pathOf(it.rel)
	if path == "" {
		path = "/"
	}
	st := reports.Step{Name: name, Method: it.v.String(), Path: path, Route: it.route.Path, Duration: reports.Duration(ans.took)}
	if ans.err != nil {
		st.Error, st.Outcome = ans.err.Error(), reports.Error
		return st
	}
	res := c.o.Checker.Check(ans.ex)
	st.Status = ans.ex.Status
	st.Violations = verdict.Violations(res.Violations)
	if ans.ex.Status < 400 && (media.Sniff(ans.ex.ResponseBody) == rules.HTML || media.Declared(ans.ex.ResponseHeader.Get("Content-Type")) == rules.HTML) {
		st.Error = fmt.Sprintf("the engine answered an HTML page (status %d) instead of an API document", ans.ex.Status)
	}
	st.Outcome = reports.Judge(st.Violations, nil, st.Error)
	if st.Outcome != reports.Pass {
		st.Transcript = verdict.Transcript(ans.ex)
	}
	return st
}

// result builds the crawl's results: a scenario per resource, sorted, the
// steps in the order they were sent.
func (c *Crawler) result(started time.Time) *Result {
	out := &Result{model: c.model, resources: c.sent()}
	res := &reports.Results{Version: reports.Version, Run: reports.Run{Kind: "crawl", Target: c.o.Target,
		Product: c.product.name, EngineVersion: c.product.version, ToolVersion: c.o.ToolVersion,
		ModelVersion: c.model.Describe(), Started: started, ReadOnly: true}}
	for _, r := range out.resources {
		res.Scenarios = append(res.Scenarios, r.scenario())
	}
	all := make([]string, 0, c.model.Routes().Len())
	for _, r := range c.model.Routes().All() {
		all = append(all, r.String())
	}
	res.Coverage = reports.NewCoverage(all, res.Exercised())
	c.addReach(res.Coverage)
	reached, total := res.Coverage.Reached()
	pace := "unpaced"
	if c.o.Rate > 0 {
		pace = fmt.Sprintf("at most %g a second", c.o.Rate)
	}
	res.Run.Notes = append(res.Run.Notes, fmt.Sprintf("%d requests (GET and HEAD only) of a budget of %d, %s, %d items of each list; %d of %d GET routes reached",
		c.r.sent, c.o.MaxRequests, pace, c.o.PerCollection, reached, total))
	if note := c.unfollowedNote(); note != "" {
		res.Run.Notes = append(res.Run.Notes, note)
	}
	if c.o.Filter {
		res.Run.Notes = append(res.Run.Notes, "every request sent Filter: true (what the user may see)")
	}
	res.Run.Finished = c.o.Clock().UTC()
	out.Results = res
	return out
}

// scenarioName names the scenario of a resource's requests.
func scenarioName(resource string) string {
	if resource == "/" {
		return "crawl-entry-point"
	}
	return "crawl-" + resource
}

// resourceLabel is a resource as a label names it: "api" for the root.
func resourceLabel(resource string) string {
	if resource == "/" {
		return "api"
	}
	return resource
}

// addReach says, for every GET route of the model, whether the crawl
// reached it and why not.
func (c *Crawler) addReach(cov *reports.Coverage) {
	memo := map[*schema.Route]reports.RouteReach{}
	byRes := map[string][]reports.RouteReach{}
	for _, r := range c.getByPath {
		rr := c.reach(r, memo)
		res := reports.ResourceOf(r.Path)
		byRes[res] = append(byRes[res], rr)
	}
	for i := range cov.Resources {
		rs := byRes[cov.Resources[i].Resource]
		slices.SortFunc(rs, func(a, b reports.RouteReach) int { return strings.Compare(a.Route, b.Route) })
		cov.Resources[i].Reach = rs
	}
}

// reach says whether r was reached, and if not, why not: from its own
// attempts when there were any, else from its parent's fate.
func (c *Crawler) reach(r *schema.Route, memo map[*schema.Route]reports.RouteReach) reports.RouteReach {
	if got, ok := memo[r]; ok {
		return got
	}
	out := reports.RouteReach{Route: r.String()}
	st := c.routes[r]
	switch {
	case st != nil && st.ok > 0:
		out.Reached = true
		if c.onlyFromModel(r) {
			out.Detail = "nothing linked to it: reached from the model's template"
		}
	case st != nil && st.queued > 0:
		out.Why = reports.BudgetSpent
		out.Detail = fmt.Sprintf("%d requests were waiting when the budget of %d requests ran out", st.queued, c.o.MaxRequests)
		if c.interrupted {
			out.Detail = fmt.Sprintf("%d requests were waiting when the crawl was interrupted", st.queued)
		}
	case st != nil && st.sent > 0:
		out.Why, out.Detail = answered(st)
	default:
		out.Why, out.Detail = c.untried(r, memo)
	}
	memo[r] = out
	return out
}

// answered gives the reason of a route that was tried and never answered
// 2xx, from its last answer.
func answered(st *routeState) (reports.Unreached, string) {
	switch s := st.lastStatus; {
	case s == http.StatusUnauthorized || s == http.StatusForbidden:
		return reports.NotPermitted, fmt.Sprintf("status %d on %s", s, st.lastPath)
	case s == http.StatusNotFound:
		return reports.NotFound, "404 on " + st.lastPath
	case s != 0:
		return reports.Failed, fmt.Sprintf("status %d on %s", s, st.lastPath)
	}
	return reports.Failed, schema.ASCIISafe(st.lastErr, 200)
}

// untried gives the reason of a route no request tried.
func (c *Crawler) untried(r *schema.Route, memo map[*schema.Route]reports.RouteReach) (reports.Unreached, string) {
	p := c.parent(r)
	if p == nil {
		return reports.Unlinked, "nothing links to it, and the model names no value for its parameters"
	}
	pr := c.reach(p, memo)
	switch {
	case !pr.Reached:
		return pr.Why, "below " + pr.Route + ", not reached (" + string(pr.Why) + ")"
	case p.Kind == schema.List && c.routes[p].items == 0 && strings.HasPrefix(r.Path, p.Path+"/{") && len(templateSegments(r.Path)) == len(templateSegments(p.Path))+1:
		return c.emptyLists(p, pr.Route)
	}
	return reports.Unlinked, "no answer of " + pr.Route + " linked to it, and the model names no value for its parameters"
}

// emptyLists gives the reason of an item route whose list p was read and
// always empty: no object, or the budget, when more lists of p (of spare
// items) were waiting as it ran out.
func (c *Crawler) emptyLists(p *schema.Route, name string) (reports.Unreached, string) {
	st := c.routes[p]
	read := fmt.Sprintf("the %s of %s read were all empty", count(st.lists, "list"), name)
	if st.lists == 1 {
		read = "the one list of " + name + " read was empty"
	}
	if st.spare > 0 && c.r.sent >= c.o.MaxRequests {
		return reports.BudgetSpent, fmt.Sprintf("%s, and %s more waited when the budget of %d requests ran out", read, count(st.spare, "list"), c.o.MaxRequests)
	}
	return reports.NoObject, read
}

// count says "1 list", "2 lists".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// onlyFromModel reports whether every request of r that answered came
// from the model rather than a link.
func (c *Crawler) onlyFromModel(r *schema.Route) bool {
	for _, v := range c.visits {
		if v.it.route == r && v.it.how != byModel && v.ans.ex != nil && v.ans.ex.Status/100 == 2 {
			return false
		}
	}
	return true
}

// Scenarios turns the crawl's exchanges into scenarios, one per resource
// (crawl-vms...), labelled source: crawled. They hold the engine's ids:
// replayed against the same engine (after an upgrade, say), they check
// that it still answers as it did.
func (r *Result) Scenarios() ([]*scenario.Scenario, error) {
	var out []*scenario.Scenario
	for _, g := range r.resources {
		var exs []har.Exchange
		for _, v := range g.visits {
			ex := v.ans.ex
			if ex == nil {
				continue
			}
			exs = append(exs, har.Exchange{Method: ex.Method, Path: ex.Path, RawQuery: ex.RawQuery, RequestHeader: ex.RequestHeader,
				Status: ex.Status, ResponseHeader: ex.ResponseHeader, ResponseBody: ex.ResponseBody})
		}
		if len(exs) == 0 {
			continue
		}
		res := resourceLabel(g.name)
		sc, err := scenario.Build(exs, scenario.BuildOptions{Name: scenarioName(g.name), Model: r.model, NoCleanup: true,
			Description: "What ovcompat crawl read of " + res + " by following the engine's links (GET and HEAD only).",
			Labels:      scenario.Labels{Resource: []string{res}, Feature: []string{"crawl"}, API: "v4", Source: scenario.SourceCrawled}})
		if err != nil {
			return nil, fmt.Errorf("crawl: %w", err)
		}
		out = append(out, sc)
	}
	return out, nil
}

// WriteScenarios writes Scenarios into dir and returns the files' paths.
func (r *Result) WriteScenarios(dir string) ([]string, error) {
	scs, err := r.Scenarios()
	if err != nil {
		return nil, err
	}
	var paths []string
	for _, sc := range scs {
		p, err := scenario.WriteFile(dir, sc)
		if err != nil {
			return paths, fmt.Errorf("crawl: %w", err)
		}
		paths = append(paths, p)
	}
	return paths, nil
}
