package crawl

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ovcompat/ovcompat/reports"
	"github.com/ovcompat/ovcompat/scenario"
	"github.com/ovcompat/ovcompat/schema"
)

// Scenarios finish as the crawl goes. The requests of one resource (vms,
// clusters, the entry point) are one scenario of the results. A resource
// is finished once every GET route of it has answered 2xx and no request
// of it waits: what could still come of it are links, in answers of other
// resources, to more objects of routes already reached. From then on the
// crawl does not follow those (it counts them, for the run's notes), so
// that a finished scenario is final, and Options.ScenarioDone hears of it
// at once. A resource with a route not reached finishes when the crawl
// ends, as every resource does that has not finished before: a later
// answer might still lead to that route.

// resource is one resource of the model's GET routes: its requests, in
// the order they were sent, and what may still come of it.
type resource struct {
	name   string
	visits []*visit
	// unreached counts its GET routes that no request reached yet,
	// queued its requests waiting.
	unreached, queued int
	done              bool
}

// resources groups the model's GET routes by resource.
func resources(byPath map[string]*schema.Route) map[string]*resource {
	out := map[string]*resource{}
	for path := range byPath {
		name := reports.ResourceOf(path)
		if out[name] == nil {
			out[name] = &resource{name: name}
		}
		out[name].unreached++
	}
	return out
}

// settle finishes a resource when nothing more of it can come.
func (c *Crawler) settle(res *resource) {
	if res.done || res.unreached > 0 || res.queued > 0 || len(res.visits) == 0 {
		return
	}
	c.finish(res)
}

// finishRest finishes, in the order of their names, the resources that
// had requests and had not finished: the crawl has ended.
func (c *Crawler) finishRest() {
	for _, res := range c.sent() {
		if !res.done {
			c.finish(res)
		}
	}
}

func (c *Crawler) finish(res *resource) {
	res.done = true
	c.finished++
	if f := c.o.ScenarioDone; f != nil {
		f(res.scenario())
	}
}

// sent lists the resources that had requests, in the order of their names.
func (c *Crawler) sent() []*resource {
	var out []*resource
	for _, res := range c.resources {
		if len(res.visits) > 0 {
			out = append(out, res)
		}
	}
	slices.SortFunc(out, func(a, b *resource) int { return strings.Compare(a.name, b.name) })
	return out
}

// scenario is the resource's scenario of the results: one step per
// request, in the order they were sent.
func (res *resource) scenario() reports.Scenario {
	sc := reports.Scenario{Name: scenarioName(res.name),
		Labels: []string{"feature:crawl", "resource:" + resourceLabel(res.name), "source:" + scenario.SourceCrawled}}
	for i, v := range res.visits {
		st := v.step
		st.Index = i
		sc.Steps = append(sc.Steps, st)
		sc.Duration += st.Duration
	}
	sc.Settle()
	return sc
}

// unfollowedNote says how many links to finished resources were not
// followed, or "" when none.
func (c *Crawler) unfollowedNote() string {
	if c.unfollowed == 0 {
		return ""
	}
	return fmt.Sprintf("%s to more objects of resources whose GET routes were all reached, found after their scenario finished, not followed",
		count(c.unfollowed, "link"))
}
