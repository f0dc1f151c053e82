package crawl

import (
	"net/url"
	"strings"

	"github.com/ovcompat/ovcompat/schema"
)

// documented is a value the model's documentation gives for a parameter of
// a route that nothing in the API lists, with where it says so.
type documented struct {
	route, param, value, evidence string
}

// documentedValues lists the parameter values the crawl may use to reach
// routes that nothing links to and no list enumerates.
func documentedValues() []documented {
	return []documented{
		// Configuration options have no list: the engine answers a GET of
		// one it knows by name.
		{"/options/{option_id}", "option_id", "MigrationPolicies",
			"ovirt-engine-api-model services/SystemOptionService.java: GET /ovirt-engine/api/options/MigrationPolicies"},
	}
}

// valueOf returns the documented value of param in route, if any.
func valueOf(route, param string) (string, bool) {
	for _, d := range documentedValues() {
		if d.route == route && d.param == param {
			return d.value, true
		}
	}
	return "", false
}

// seed queues, for each GET route no request has tried, a path built from
// the model: the concrete path at which the longest prefix of its template
// answered, then the template's remaining segments, each parameter given
// a documented value. Each route is tried once. It reports whether it
// queued anything.
func (c *Crawler) seed() bool {
	queued := false
	for _, r := range c.model.Routes().All() {
		if st := c.routes[r]; c.getByPath[r.Path] != r || st != nil && st.queued+st.sent > 0 || c.seeded[r] {
			continue
		}
		c.seeded[r] = true
		if rel, ok := c.fromModel(r); ok {
			c.push(&item{v: get, rel: rel, route: r, how: byModel})
			queued = true
		}
	}
	return queued
}

// fromModel builds a path for r from the longest prefix of its template
// that some GET answered.
func (c *Crawler) fromModel(r *schema.Route) (string, bool) {
	segs := templateSegments(r.Path)
	for k := len(segs) - 1; k >= 0; k-- {
		p := c.getByPath["/"+strings.Join(segs[:k], "/")]
		if p == nil {
			continue
		}
		rel, ok := c.concrete[p]
		if !ok {
			continue
		}
		for _, seg := range segs[k:] {
			if name, param := strings.CutPrefix(seg, "{"); param {
				v, ok := valueOf(r.Path, strings.TrimSuffix(name, "}"))
				if !ok {
					return "", false
				}
				seg = url.PathEscape(v)
			}
			rel += "/" + seg
		}
		return rel, true
	}
	return "", false
}

// parent returns the GET route of the longest proper prefix of r's
// template, or nil.
func (c *Crawler) parent(r *schema.Route) *schema.Route {
	segs := templateSegments(r.Path)
	for k := len(segs) - 1; k >= 0; k-- {
		if p := c.getByPath["/"+strings.Join(segs[:k], "/")]; p != nil {
			return p
		}
	}
	return nil
}

func templateSegments(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}
