// Package generate writes scenarios from the model, for every operation
// of the API: for each collection with an Add, an object created with a
// minimal valid body (the mandatory members from the schema package's
// signature functions, the one source of "mandatory"; objects it refers to
// found by name or at run time), read, listed, searched, updated, put
// through its actions with polling until it settles, and removed, with a
// cleanup that always runs; and for each resource the negative checks of
// Schemathesis's catalogue: unknown ids (404), a method a path lacks (405
// with Allow), malformed bodies and missing mandatory members (400 with a
// fault), no credentials (401), a user with Filter: true.
//
// The scenarios are in the usual format, labelled source: generated;
// those that need real infrastructure or disturb it (adding hosts or
// storage, fencing, migrating...) carry impact: infrastructure and run
// only when asked for. Generation reads the model alone: it never talks to
// an engine.
package generate

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/ovcompat/ovcompat/scenario"
	"github.com/ovcompat/ovcompat/schema"
)

// Options configure Generate.
type Options struct {
	// Model is the API model; the embedded v4 model when nil.
	Model *schema.Model
	// Resources limits the scenarios to these top-level collections
	// ("vms", "clusters"); all when empty.
	Resources []string
}

// Result is what Generate made.
type Result struct {
	Scenarios []*scenario.Scenario
	// Exercised lists the routes of the resources asked for that the
	// scenarios send requests to ("METHOD template"), sorted; Routes
	// counts the model's of those resources.
	Exercised []string
	Routes    int
	// Gaps says why routes are exercised less than fully (no minimal
	// body, no object to act on), sorted by route.
	Gaps []Gap
}

// Gap is a route the scenarios exercise less than fully, and why.
type Gap struct {
	Route string
	Why   string
}

// ErrNoResource is the error of a Resources entry the model lacks.
var ErrNoResource = errors.New("no such resource in the model")

type generator struct {
	ix   *index
	gaps map[string]string
}

// Generate builds the scenarios.
func Generate(o Options) (*Result, error) {
	m := o.Model
	if m == nil {
		var err error
		if m, err = schema.V4(); err != nil {
			return nil, fmt.Errorf("generate: %w", err)
		}
	}
	g := &generator{ix: newIndex(m), gaps: map[string]string{}}
	resources, err := g.resources(o.Resources)
	if err != nil {
		return nil, err
	}
	res := &Result{}
	exercised := map[string]bool{}
	keep := func(sc *scenario.Scenario) {
		res.Scenarios = append(res.Scenarios, sc)
		for _, st := range append(append([]scenario.Step(nil), sc.Steps...), sc.Cleanup...) {
			// Steps that find or make what a scenario needs elsewhere
			// (GET /clusters) count for their own resource's routes.
			if k := g.routeOf(st); k != "" && slices.Contains(resources, resourceOf(k[strings.IndexByte(k, ' ')+1:])) {
				exercised[k] = true
			}
		}
	}
	for _, r := range m.Routes().All() {
		if !slices.Contains(resources, resourceOf(r.Path)) {
			continue
		}
		res.Routes++
		if r.Kind != schema.Add {
			continue
		}
		for _, infra := range []bool{infrastructure(r), true} {
			if infra && !infrastructure(r) && !g.hasInfraActions(r) {
				continue
			}
			sc, err := g.crud(r, infra)
			if err != nil {
				g.gap(r, err.Error())
				break
			}
			keep(sc)
			if infrastructure(r) {
				break
			}
		}
	}
	for _, rs := range resources {
		if sc := g.collectionActions(rs); sc != nil {
			keep(sc)
		}
		if sc := g.checks(rs); sc != nil {
			keep(sc)
		}
	}
	for k := range exercised {
		res.Exercised = append(res.Exercised, k)
	}
	slices.Sort(res.Exercised)
	for route, why := range g.gaps {
		res.Gaps = append(res.Gaps, Gap{Route: route, Why: why})
	}
	slices.SortFunc(res.Gaps, func(a, b Gap) int {
		if a.Route < b.Route {
			return -1
		}
		if a.Route > b.Route {
			return 1
		}
		return 0
	})
	return res, nil
}

// resources checks the resources asked for, or lists every one.
func (g *generator) resources(asked []string) ([]string, error) {
	var all []string
	for _, t := range g.ix.order {
		if rs := resourceOf(t); !slices.Contains(all, rs) {
			all = append(all, rs)
		}
	}
	if len(asked) == 0 {
		return all, nil
	}
	for _, a := range asked {
		if !slices.Contains(all, a) {
			return nil, fmt.Errorf("generate: resource %q: %w", a, ErrNoResource)
		}
	}
	return asked, nil
}

// hasInfraActions reports whether the item of an Add's collection has
// actions of impact infrastructure.
func (g *generator) hasInfraActions(add *schema.Route) bool {
	item := g.ix.item(add.Path)
	if item == "" {
		return false
	}
	for _, a := range g.ix.actions(item) {
		if infrastructure(a) {
			return true
		}
	}
	return false
}

// gap notes why a route is exercised less than fully (the first reason).
func (g *generator) gap(r *schema.Route, why string) {
	if _, ok := g.gaps[r.String()]; !ok {
		g.gaps[r.String()] = why
	}
}

// routeOf finds the route a step sends to, "" when none.
func (g *generator) routeOf(st scenario.Step) string {
	rel, ok := cutBase(st.Request.Path, g.ix.m.BasePath)
	if !ok {
		return ""
	}
	m := g.ix.m.Routes().Lookup(st.Request.Method, rel)
	if m.Route == nil || st.Request.Method == http.MethodHead {
		return ""
	}
	return m.Route.String()
}

// cutBase returns a path below the API's base path, its variables given
// a value a template parameter takes.
func cutBase(p, base string) (string, bool) {
	rel, ok := strings.CutPrefix(p, base)
	if !ok {
		return "", false
	}
	for _, v := range scenario.References(rel) {
		rel = strings.ReplaceAll(rel, "{{"+v+"}}", "x")
	}
	if rel == "" {
		rel = "/"
	}
	return rel, true
}
