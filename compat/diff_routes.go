package compat

import (
	"slices"
	"strings"

	"github.com/ovcompat/ovcompat/reports"
	"github.com/ovcompat/ovcompat/schema"
)

// byService groups a model's routes by service, then by operation.
func byService(m *schema.Model) map[string]map[string][]*schema.Route {
	out := map[string]map[string][]*schema.Route{}
	for _, r := range m.Routes().All() {
		svc := serviceOf(r)
		if out[svc] == nil {
			out[svc] = map[string][]*schema.Route{}
		}
		out[svc][r.Operation] = append(out[svc][r.Operation], r)
	}
	return out
}

func routeNames(rs []*schema.Route) string {
	var names []string
	for i, r := range rs {
		if i == 3 {
			names = append(names, "and "+plural(len(rs)-i, "more", "more"))
			break
		}
		names = append(names, r.String())
	}
	return strings.Join(names, ", ")
}

func routeKeys(rs []*schema.Route) []string {
	out := make([]string, 0, len(rs))
	for _, r := range rs {
		out = append(out, r.String())
	}
	return out
}

func allRoutes(ops map[string][]*schema.Route) []*schema.Route {
	var out []*schema.Route
	for _, op := range sortedKeys(ops) {
		out = append(out, ops[op]...)
	}
	return out
}

// routes compares the two route tables. Routes are matched by method and
// path template, whatever service serves them (4.6 serves a cluster's
// networks with ClusterNetworksService where 4.0 had
// AssignedNetworksService: no client sees it). What is gone is listed by
// the largest whole it belongs to: a service none of whose routes is left
// and whose name is gone, an operation of a service that no longer has it,
// else the single route; what is new likewise.
func (c *comparer) routes() {
	var gone, added []*schema.Route
	for _, r := range c.a.Routes().All() {
		if rb := c.b.Routes().Find(r.Method, r.Path); rb != nil {
			c.routeChanges("service "+serviceOf(rb), r, rb)
		} else {
			gone = append(gone, r)
		}
	}
	for _, r := range c.b.Routes().All() {
		if c.a.Routes().Find(r.Method, r.Path) == nil {
			added = append(added, r)
		}
	}
	c.wholes(gone, byService(c.a), byService(c.b), true)
	c.wholes(added, byService(c.b), byService(c.a), false)
}

func serviceOf(r *schema.Route) string {
	if r.Service == "" {
		return "(no service)"
	}
	return r.Service
}

// wholes lists routes present on one side only (in, whose services are
// mine) by service, operation or route, as the other side (theirs) lacks
// them: removed when gone is set, else added.
func (c *comparer) wholes(rs []*schema.Route, mine, theirs map[string]map[string][]*schema.Route, gone bool) {
	left := map[string]map[string][]*schema.Route{}
	for _, r := range rs {
		svc := serviceOf(r)
		if left[svc] == nil {
			left[svc] = map[string][]*schema.Route{}
		}
		left[svc][r.Operation] = append(left[svc][r.Operation], r)
	}
	grade, verb := reports.Breaking, "is gone"
	if !gone {
		grade, verb = reports.GradeInfo, "is new"
	}
	for _, svc := range sortedKeys(left) {
		group := "service " + svc
		if theirs[svc] == nil && len(allRoutes(left[svc])) == len(allRoutes(mine[svc])) {
			kind := ServiceRemoved
			if !gone {
				kind = ServiceAdded
			}
			rs := allRoutes(left[svc])
			c.add(Change{Kind: kind, Grade: grade, Group: group, Subject: "service", Wire: svc, Routes: routeKeys(rs),
				Reason: "the service " + verb + ": " + plural(len(rs), "route", "routes") + ", " + routeNames(rs)})
			continue
		}
		for _, op := range sortedKeys(left[svc]) {
			rs := left[svc][op]
			subject, removed, addedKind := methodKinds(rs[0])
			if theirs[svc][op] == nil && len(rs) == len(mine[svc][op]) {
				kind := removed
				if !gone {
					kind = addedKind
				}
				c.add(Change{Kind: kind, Grade: grade, Group: group, Subject: subject, Wire: rs[0].String(), Routes: routeKeys(rs),
					Method: rs[0].Method, Route: rs[0].Path, Reason: "the " + subject + " " + op + " " + verb + ": " + routeNames(rs)})
				continue
			}
			for _, r := range rs {
				kind, reason := RouteRemoved, "the route is gone"
				if !gone {
					kind, reason = RouteAdded, "a new route"
				}
				c.add(Change{Kind: kind, Grade: grade, Group: group, Subject: "route", Wire: r.String(),
					Method: r.Method, Route: r.Path, Reason: reason})
			}
		}
	}
}

func methodKinds(r *schema.Route) (subject, removed, added string) {
	if r.IsAction() {
		return "action", ActionRemoved, ActionAdded
	}
	return "method", MethodRemoved, MethodAdded
}

// routeChanges compares one route present in both models.
func (c *comparer) routeChanges(group string, ra, rb *schema.Route) {
	add := func(kind string, grade reports.Grade, p param, wire, reason, base, next string) {
		subject := "parameter"
		if p.name == "" {
			subject = p.in // "method", "action" or "body"
		}
		c.add(Change{Kind: kind, Grade: grade, Group: group, Subject: subject, Wire: wire, Method: rb.Method,
			Route: rb.Path, Param: p.name, ParamIn: p.paramIn(), Reason: reason, Base: base, New: next})
	}
	subject, _, _ := methodKinds(rb)
	if kind, grade, ok := deprecation(ra.Deprecated, rb.Deprecated); ok {
		add(kind, grade, param{in: subject}, rb.String(), "the "+subject+" "+kindWord(kind), "", "")
	}
	for _, b := range [][2]*schema.Body{{ra.Input, rb.Input}, {ra.Output, rb.Output}} {
		if bodyName(b[0]) != bodyName(b[1]) {
			add(BodyChanged, reports.Breaking, param{in: "body"}, rb.String(), "the route takes or answers another document",
				bodyName(b[0]), bodyName(b[1]))
		}
	}
	for _, pa := range ra.Params {
		p := param{name: pa.Name, in: ParamURL}
		wire := rb.String() + " parameter " + pa.Name
		pb := rb.Param(pa.Name)
		switch {
		case pb == nil:
			add(ParameterRemoved, reports.Breaking, p, wire, "the URL parameter is gone", pa.Type.String(), "")
		case pa.Type != pb.Type:
			add(ParameterType, reports.Breaking, p, wire, "the URL parameter's type changed", pa.Type.String(), pb.Type.String())
		case !pa.Required && pb.Required:
			add(BecameMandatory, reports.Breaking, p, wire, "the URL parameter became required", "optional", "required")
		}
		if pb != nil {
			if kind, grade, ok := deprecation(pa.Deprecated, pb.Deprecated); ok {
				add(kind, grade, p, wire, "the URL parameter "+kindWord(kind), "", "")
			}
		}
	}
	for _, pb := range rb.Params {
		if ra.Param(pb.Name) == nil {
			grade, reason := reports.GradeInfo, "a new URL parameter"
			if pb.Required {
				grade, reason = reports.Breaking, "a new URL parameter, required"
			}
			add(ParameterAdded, grade, param{name: pb.Name, in: ParamURL}, rb.String()+" parameter "+pb.Name, reason, "", pb.Type.String())
		}
	}
	c.actionParams(ra, rb, add)
	if c.mandatory {
		c.mandatoryChanges(ra, rb, add)
	}
}

func bodyName(b *schema.Body) string {
	if b == nil {
		return "none"
	}
	return "<" + b.Element + "> " + typeName(b.Type)
}

// param names a parameter of a change: its name and where it goes; a
// change of the route itself has no name, and in says what it is about.
type param struct{ name, in string }

func (p param) paramIn() string {
	if p.name == "" {
		return ""
	}
	return p.in
}

// actionParams compares the parameters of an action's <action> body.
func (c *comparer) actionParams(ra, rb *schema.Route, add func(kind string, grade reports.Grade, p param, wire, reason, base, next string)) {
	if ra.Input == nil || rb.Input == nil || ra.Input.Element != "action" || rb.Input.Element != "action" {
		return
	}
	for _, p := range ra.Input.Params {
		wire := rb.String() + " parameter " + p
		ap := param{name: p, in: ParamAction}
		if !rb.Input.HasParam(p) {
			add(ParameterRemoved, reports.Breaking, ap, wire, "the action's parameter is gone", p, "")
			continue
		}
		if kind, grade, ok := deprecation(slices.Contains(ra.Input.DeprecatedParams, p), slices.Contains(rb.Input.DeprecatedParams, p)); ok {
			add(kind, grade, ap, wire, "the action's parameter "+kindWord(kind), "", "")
		}
	}
	for _, p := range rb.Input.Params {
		if !ra.Input.HasParam(p) {
			add(ParameterAdded, reports.GradeInfo, param{name: p, in: ParamAction}, rb.String()+" parameter "+p, "a new parameter of the action", "", p)
		}
	}
}
