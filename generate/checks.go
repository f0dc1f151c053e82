package generate

import (
	"net/http"
	"slices"
	"strings"

	"github.com/ovcompat/ovcompat/scenario"
	"github.com/ovcompat/ovcompat/schema"
)

// checks builds the negative checks of one resource (the routes below a
// top-level segment), Schemathesis-style, none of which changes anything:
// every route with a parameter, sent with ids no engine has, answers 404;
// every path answers a method it lacks with 405 and Allow; every
// top-level list refuses a request without credentials with 401, and
// shows a user who is no administrator, with Filter: true, what it may
// see (200).
func (g *generator) checks(resource string) *scenario.Scenario {
	f := newFlow(g.ix)
	f.offline = true
	for _, tmpl := range g.ix.order {
		if resourceOf(tmpl) != resource {
			continue
		}
		g.unknownIDs(f, tmpl)
		g.missingMethod(f, tmpl)
		if list := g.ix.get(http.MethodGet, tmpl); list != nil && list.Kind == schema.List && params(tmpl) == 0 {
			g.access(f, list)
		}
	}
	if len(f.steps) == 0 {
		return nil
	}
	f.infra = false // nothing here changes anything
	return f.scenario("gen-"+resource+"-checks", "Generated from the model: negative checks of every route below /"+resource+
		": unknown ids answer 404, a method a path lacks 405 with Allow, a request without credentials 401, a user with Filter: true sees what it may.",
		scenario.Labels{Resource: []string{resource}, Feature: []string{"negative"}})
}

// unknownIDs sends every route of a template with parameters, every id
// one no engine has, and expects 404. A body the route needs is a valid
// one, so that the engine does not refuse it first.
func (g *generator) unknownIDs(f *flow, tmpl string) {
	if params(tmpl) == 0 {
		return
	}
	path := unknownPath(tmpl)
	for _, m := range g.ix.methods(tmpl) {
		r := g.ix.get(m, tmpl)
		body, err := f.body(r, objectName(tmpl))
		if err != nil {
			g.gap(r, "no 404 check: "+err.Error())
			continue
		}
		f.step(r, scenario.Step{Name: "unknown id: " + r.String() + " is 404", Request: f.request(m, path, body),
			Response: &scenario.Response{Status: http.StatusNotFound}})
	}
}

// missingMethod sends a method the path lacks and expects 405 with Allow.
func (g *generator) missingMethod(f *flow, tmpl string) {
	have := g.ix.methods(tmpl)
	for _, m := range []string{http.MethodPut, http.MethodDelete, http.MethodPost, http.MethodGet} {
		if slices.Contains(have, m) {
			continue
		}
		f.step(nil, scenario.Step{Name: m + " " + tmpl + " is not a route: 405 with Allow", Request: f.request(m, unknownPath(tmpl), ""),
			Response: &scenario.Response{Status: http.StatusMethodNotAllowed, Header: []scenario.Pair{{Name: "Allow", Value: strings.Join(have, ", ")}}}})
		return
	}
}

// access checks a top-level list without credentials (401, as the
// engine's web server answers) and as a user who is no administrator with
// Filter: true (200: what the user may see).
func (g *generator) access(f *flow, list *schema.Route) {
	req := f.request(http.MethodGet, list.Path, "")
	f.step(list, scenario.Step{Name: "without credentials: 401", Auth: scenario.AuthNone, Request: req,
		Response: &scenario.Response{Status: http.StatusUnauthorized, Header: []scenario.Pair{{Name: "WWW-Authenticate", Value: `Basic realm="RESTAPI"`}}}})
	req = f.request(http.MethodGet, list.Path, "")
	req.Header = append(req.Header, scenario.Pair{Name: "Filter", Value: "true"})
	f.step(list, scenario.Step{Name: "as a user with Filter: true: what it may see", Role: "user", Request: req,
		Response: &scenario.Response{Status: http.StatusOK}})
}

// unknownPath is a template with every parameter an id no engine has.
func unknownPath(tmpl string) string {
	segs := segments(tmpl)
	for i, s := range segs {
		if isParam(s) {
			segs[i] = unknownID
		}
	}
	return "/" + strings.Join(segs, "/")
}
