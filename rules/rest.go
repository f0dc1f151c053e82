package rules

import (
	"fmt"
	"strings"

	"github.com/ovcompat/ovcompat/schema"
)

// REST rule IDs.
const (
	RuleContentType        = "rest.content-type"
	RuleUnknownRoute       = "rest.unknown-route"
	RuleMethodNotAllowed   = "rest.method-not-allowed"
	RuleMissingContentType = "rest.missing-content-type"
	RuleMissingBody        = "rest.missing-body"
	RuleUnexpectedBody     = "rest.unexpected-body"
	RuleVersion            = "rest.version"
	RuleStatus             = "rest.status"
	RuleErrorFault         = "rest.error-fault"
	RuleLocation           = "rest.location-on-create"
	RuleAccept             = "rest.accept"
	RuleSelfHref           = "rest.self-href"
	RuleSession            = "rest.session"
	RuleCacheHeaders       = "rest.cache-headers"
)

// restRules returns the REST principles of the oVirt API as rules. Link
// rels and actions (hypermedia) are checked by the schema validator
// (schema.unknown-rel, schema.unknown-action), and a request body's
// validity for the route's input by the schema rules on the request.
func restRules() []Rule {
	return []Rule{
		{ID: RuleContentType, Severity: schema.Error, Request: true,
			Rationale: "a body is what its Content-Type says, or clients parse it with the wrong decoder"},
		{ID: RuleUnknownRoute, Severity: schema.Error, Request: true, Check: checkRoute,
			Rationale: "uniform interface: every path is a route of the API model"},
		{ID: RuleMethodNotAllowed, Severity: schema.Error, Request: true,
			Rationale: "uniform interface: a route takes only the methods its service defines (HEAD counts as GET)"},
		{ID: RuleMissingContentType, Severity: schema.Error, Request: true, Check: checkMissingContentType,
			Rationale: "a body without a Content-Type leaves the reader guessing between XML and JSON"},
		{ID: RuleMissingBody, Severity: schema.Error, Request: true, Check: checkMissingBody,
			Rationale: "an add or an update sends the resource it adds or changes; the engine answers an empty one with 400"},
		{ID: RuleUnexpectedBody, Severity: schema.Error, Request: true, Check: checkUnexpectedBody,
			Rationale: "GET and HEAD carry no body, and a DELETE only where the route takes parameters; intermediaries drop such bodies (a stray Content-Type alone is fine)"},
		{ID: RuleVersion, Severity: schema.Error, Request: true, Check: checkVersion,
			Rationale: "the Version header or the /v3, /v4 path prefix names a version the engine serves, and the two agree"},
		{ID: RuleStatus, Severity: schema.Error, Check: checkStatus,
			Rationale: "a success status is one the operation may return: Get/List 200, Add 201 or 202, Update 200 or 202, action 200 or 202, Remove 200"},
		{ID: RuleErrorFault, Severity: schema.Warning, Check: checkErrorFault,
			Rationale: "an error response explains itself with a <fault> (a failed action with <action><fault>); only an empty 404 and the web server's 401 page come without one"},
		{ID: RuleLocation, Severity: schema.Error, Check: checkLocation,
			Rationale: "a 201 names the created resource in Location, whose path is the resource's href, so clients can follow it"},
		{ID: RuleAccept, Severity: schema.Error, Check: checkAccept,
			Rationale: "content negotiation: the response's media type is one the client's Accept asked for (charset and other parameters aside)"},
		{ID: RuleSelfHref, Severity: schema.Error, Check: checkSelfHref,
			Rationale: "hypermedia: a single resource's href, after the base path, is the path it was fetched from"},
		{ID: RuleSession, Severity: schema.Warning, Check: checkSession,
			Rationale: "statelessness: the engine opens a session (Set-Cookie JSESSIONID) only when the client sent Prefer: persistent-auth"},
		{ID: RuleCacheHeaders, Severity: schema.Warning, Check: checkCacheHeaders,
			Rationale: "Cache-Control, Pragma and Expires agree, so no cache keeps what the engine said not to keep"},
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

// responded reports whether the exchange holds a response to check.
func responded(x *Context) bool { return !x.Ex.NoResponse && x.Ex.Status > 0 }
