package rules

import (
	"fmt"
	"strings"

	"github.com/ovcompat/ovcompat/schema"
)

// REST rule IDs.
const (
	RuleContentType      = "rest.content-type"
	RuleUnknownRoute     = "rest.unknown-route"
	RuleMethodNotAllowed = "rest.method-not-allowed"
)

// restRules returns the REST principles of the oVirt API as rules.
func restRules() []Rule {
	return []Rule{
		{ID: RuleContentType, Severity: schema.Error, Request: true,
			Rationale: "a body is what its Content-Type says, or clients parse it with the wrong decoder"},
		{ID: RuleUnknownRoute, Severity: schema.Error, Request: true, Check: checkRoute,
			Rationale: "uniform interface: every path is a route of the API model"},
		{ID: RuleMethodNotAllowed, Severity: schema.Error, Request: true,
			Rationale: "uniform interface: a route takes only the methods its service defines (HEAD counts as GET)"},
	}
}

// checkRoute reports paths that are not routes and methods a route lacks.
func checkRoute(x *Context) {
	if x.Route != nil {
		return
	}
	if len(x.Match.Allowed) > 0 {
		x.Report(RuleMethodNotAllowed, "method", fmt.Sprintf("%s is not a method of this route (it takes %s)",
			schema.ASCIISafe(x.Ex.Method, 16), strings.Join(x.Match.Allowed, ", ")))
		return
	}
	x.Report(RuleUnknownRoute, "path", fmt.Sprintf("no route of the v%d API matches this path", x.API))
}
