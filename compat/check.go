package compat

import (
	"fmt"
	"slices"
	"sort"

	"github.com/ovcompat/ovcompat/reports"
	"github.com/ovcompat/ovcompat/schema"
)

// Report is what changes from release A to release B for each client, as
// its recordings show what it uses.
type Report struct {
	Diff    *Diff
	Clients []ClientReport
}

// ClientReport is one client's verdict: each route it used, with the
// changes that touch what it used there.
type ClientReport struct {
	Client string
	Routes []RouteReport
	// Outside lists requests to paths model A has no route for ("METHOD
	// path" and how many); Skipped counts requests not of API v4.
	Outside map[string]int
	Skipped int
}

// RouteReport is one route a client used.
type RouteReport struct {
	Method, Route string
	Requests      int
	Affected      []Affected
}

// Affected is a change that touches what a client used, and how.
type Affected struct {
	Change
	// How says what the client did that the change touches ("reads it in
	// responses", "sends it").
	How string
	// Where is where the client met a member that changed, when that is
	// not the change's own wire name (a member of VmBase read in a <vm>).
	Where string
}

// Check holds what each client used (read against a, the release it was
// recorded with) against the breaking and warning changes from a to b.
// Information (what b adds) touches no client and is left out.
func Check(a, b *schema.Model, usages []*Usage) *Report { return check(a, b, usages, Compare(a, b)) }

func check(a, b *schema.Model, usages []*Usage, d *Diff) *Report {
	rep := &Report{Diff: d}
	pa := newPlaces(a)
	for _, u := range usages {
		cr := ClientReport{Client: u.Client, Outside: u.Outside, Skipped: u.Skipped}
		keys := make([]string, 0, len(u.Routes))
		for k := range u.Routes {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			ru := u.Routes[k]
			rr := RouteReport{Method: ru.Method, Route: ru.Route, Requests: ru.Requests}
			for _, ch := range d.Changes {
				if ch.Grade == reports.GradeInfo {
					continue
				}
				if how, met, ok := affects(a, b, ch, ru); ok {
					af := Affected{Change: ch, How: how}
					if met != nil && ch.Member != "" && !met.IsEnum() {
						af.Where = pa.member(met, ch.Member)
					}
					rr.Affected = append(rr.Affected, af)
				}
			}
			cr.Routes = append(cr.Routes, rr)
		}
		rep.Clients = append(rep.Clients, cr)
	}
	return rep
}

// affects says whether a change touches what a client did on a route,
// how, and for a member, the type the client met it in.
func affects(a, b *schema.Model, ch Change, ru *RouteUsage) (string, *schema.Type, bool) {
	key := ru.Method + " " + ru.Route
	switch {
	case len(ch.Routes) > 0:
		return "calls it", nil, slices.Contains(ch.Routes, key)
	case ch.Route != "":
		if ch.Method+" "+ch.Route != key {
			return "", nil, false
		}
		how, ok := affectsRoute(b, ch, ru)
		return how, nil, ok
	case ch.Type != "":
		return affectsType(a.Type(ch.Type), ch, ru)
	}
	return "", nil, false
}

// affectsRoute: a change of a route the client called.
func affectsRoute(b *schema.Model, ch Change, ru *RouteUsage) (string, bool) {
	switch ch.ParamIn {
	case "":
		return "calls it", true
	case ParamURL:
		sent := ru.Params[ch.Param]
		if ch.Kind == BecameMandatory {
			return "does not send it", !sent
		}
		return "sends it", sent
	case ParamAction:
		for m := range ru.Sent {
			if m.t.Name == actionType && m.name == ch.Param {
				return "sends it", true
			}
		}
	case ParamBody:
		rb := b.Routes().Find(ch.Method, ch.Route)
		if rb == nil {
			return "", false
		}
		n := 0
		for _, body := range ru.Bodies {
			if len(rb.MissingMandatory(body)) > 0 {
				n++
			}
		}
		if n > 0 {
			return fmt.Sprintf("%d of %d recorded requests lack it", n, len(ru.Bodies)), true
		}
	}
	return "", false
}

// affectsType: a change of a type whose members (or values) the client
// read or sent, met in the type or a type derived from it (returned).
func affectsType(t *schema.Type, ch Change, ru *RouteUsage) (string, *schema.Type, bool) {
	if t == nil {
		return "", nil, false
	}
	switch {
	case ch.Kind == EnumValueAdded:
		return "reads the enum in responses", t, ru.EnumsRead[t.Name]
	case t.IsEnum() && ch.Member != "": // a value removed or deprecated
		return "reads or sends the value", t, ru.Values[member{t, ch.Member}]
	case ch.Member == "": // the type itself: removed, deprecated, its form
		for u := range ru.Types {
			if u.Extends(t) {
				return "reads or sends the type", u, true
			}
		}
		return "", nil, false
	}
	var read, sent *schema.Type
	for m := range ru.Read {
		if m.name == ch.Member && m.t.Extends(t) && (read == nil || m.t.Name < read.Name) {
			read = m.t
		}
	}
	for m := range ru.Sent {
		if m.name == ch.Member && m.t.Extends(t) && (sent == nil || m.t.Name < sent.Name) {
			sent = m.t
		}
	}
	switch {
	case read != nil && sent != nil:
		return "reads it in responses and sends it", read, true
	case read != nil:
		return "reads it in responses", read, true
	case sent != nil:
		return "sends it", sent, true
	}
	return "", nil, false
}
