package rules

import (
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/schema"
)

// RSDL rule IDs: checks of requests against what the engine's RSDL (or
// the embedded model's RSDL metadata) documents for each route.
const (
	RuleRequiredHeader = "rsdl.required-header"
	RuleRequiredParam  = "rsdl.required-param"
	RuleParamType      = "rsdl.param-type"
	RuleUnknownParam   = "rsdl.unknown-param"
	RuleMandatoryBody  = "rsdl.mandatory-body"
)

// rsdlRules returns the request checks the RSDL documents.
func rsdlRules() []Rule {
	return []Rule{
		{ID: RuleRequiredHeader, Severity: schema.Error, Request: true, Check: checkRequiredHeaders,
			Rationale: "the RSDL marks the header required for this route; the engine refuses or misreads requests without it"},
		{ID: RuleRequiredParam, Severity: schema.Error, Request: true, Check: checkRequiredParams,
			Rationale: "the RSDL marks the URL parameter required for this route"},
		{ID: RuleParamType, Severity: schema.Error, Request: true, Check: checkParamTypes,
			Rationale: "a URL parameter's value has the type the RSDL gives it (xs:int, xs:boolean...), or the engine answers 400"},
		{ID: RuleUnknownParam, Severity: schema.Warning, Request: true, Check: checkUnknownParams,
			Rationale: "the engine silently ignores URL parameters a route does not take: a typo (;mxa=10) changes nothing and goes unnoticed"},
		{ID: RuleMandatoryBody, Severity: schema.Error, Request: true, Check: checkMandatoryBody,
			Rationale: "the body holds the parameters one of the route's RSDL signatures requires (vm.name, vm.cluster.id|name...)"},
	}
}

// checkRequiredHeaders reports required headers the request lacks.
// Content-Type is left to rest.missing-content-type: RSDLs mark it
// required even on DELETEs that carry no body, where it means nothing.
func checkRequiredHeaders(x *Context) {
	if x.Route == nil {
		return
	}
	for _, h := range x.Route.Headers {
		if !h.Required || strings.EqualFold(h.Name, "Content-Type") {
			continue
		}
		if x.Ex.RequestHeader.Get(h.Name) == "" {
			x.Report(RuleRequiredHeader, "request:header:"+h.Name, fmt.Sprintf("%s requires the header %s", x.Route, h.Name))
		}
	}
}

// urlParam is one query or matrix parameter of a request.
type urlParam struct {
	context, name, value string
}

// urlParams returns the request's query and matrix parameters, sorted, so
// that findings come in a stable order. A query that does not decode
// yields none (rest rules report broken URLs). They are read once per
// check, for all the rsdl rules that look at them.
func urlParams(x *Context) []urlParam {
	if !x.paramsRead {
		x.params, x.paramsRead = readURLParams(x), true
	}
	return x.params
}

func readURLParams(x *Context) []urlParam {
	var out []urlParam
	if q, err := url.ParseQuery(x.Ex.RawQuery); err == nil {
		for k, vs := range q {
			for _, v := range vs {
				out = append(out, urlParam{"query", k, v})
			}
		}
	}
	for k, v := range x.Match.Matrix {
		if k, err := url.PathUnescape(k); err == nil {
			v, _ = url.PathUnescape(v)
			out = append(out, urlParam{"matrix", k, v})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].name != out[j].name {
			return out[i].name < out[j].name
		}
		return out[i].context < out[j].context
	})
	return out
}

// checkRequiredParams reports required URL parameters the request lacks,
// in either context: engines read both.
func checkRequiredParams(x *Context) {
	if x.Route == nil {
		return
	}
	have := map[string]bool{}
	for _, p := range urlParams(x) {
		have[p.name] = true
	}
	for _, p := range x.Route.Params {
		if p.Required && !have[p.Name] {
			x.Report(RuleRequiredParam, "request:"+p.Context+":"+p.Name,
				fmt.Sprintf("%s requires the %s parameter %s (%s)", x.Route, p.Context, p.Name, p.Type))
		}
	}
}

// checkParamTypes reports parameter values that are not of their type.
// An empty value is left alone: engines read a bare ";force" as true.
func checkParamTypes(x *Context) {
	if x.Route == nil {
		return
	}
	for _, p := range urlParams(x) {
		d := x.Route.Param(p.name)
		if d == nil || p.value == "" || schema.CheckScalar(d.Type, p.value, true) {
			continue
		}
		x.Report(RuleParamType, "request:"+p.context+":"+schema.ASCIISafe(p.name, 64),
			fmt.Sprintf("the %s parameter %s is not a valid %s", p.context, schema.ASCIISafe(p.name, 64), d.Type))
	}
}

// everywhere are the URL parameters engines honour whether or not the RSDL
// lists them for the route: all_content and follow on every GET, and
// correlation_id on every request, which the engine's CurrentFilter reads
// before any route (when no Correlation-Id header is sent) and tags the
// request's commands and jobs with:
//
//	String correlationId = filterCorrelationIdCharacters(request.getHeader(CORRELATION_ID_HEADER));
//	if (StringUtils.isEmpty(correlationId)) {
//	    correlationId = filterCorrelationIdCharacters(request.getParameter(CORRELATION_ID_PARAM));
//
// (backend/manager/modules/restapi/jaxrs/.../invocation/CurrentFilter.java).
func everywhere(method, name string) bool {
	return name == "correlation_id" || (method == "GET" || method == "HEAD") && (name == "all_content" || name == "follow")
}

// checkUnknownParams warns of URL parameters the route does not take.
func checkUnknownParams(x *Context) {
	if x.Route == nil {
		return
	}
	seen := map[string]bool{}
	for _, p := range urlParams(x) {
		if seen[p.name] || x.Route.Param(p.name) != nil || everywhere(x.Ex.Method, p.name) {
			continue
		}
		seen[p.name] = true
		x.Report(RuleUnknownParam, "request:"+p.context+":"+schema.ASCIISafe(p.name, 64),
			fmt.Sprintf("%s takes no parameter %s (it takes: %s); the engine ignores it", x.Route, schema.ASCIISafe(p.name, 64), paramNames(x.Route)))
	}
}

func paramNames(r *schema.Route) string {
	if len(r.Params) == 0 {
		return "none"
	}
	names := make([]string, len(r.Params))
	for i, p := range r.Params {
		names[i] = p.Name
	}
	return strings.Join(names, ", ")
}

// checkMandatoryBody reports the body parameters that the closest of the
// route's signatures requires and the request lacks. An add or update
// without any body is left to rest.missing-body.
func checkMandatoryBody(x *Context) {
	r := x.Route
	if r == nil || r.Input == nil || len(r.Signatures) == 0 || x.Ex.RequestTruncated {
		return
	}
	root, ok := requestRoot(x)
	if !ok {
		return
	}
	for _, p := range r.MissingMandatory(root) {
		x.Report(RuleMandatoryBody, "request:/"+strings.ReplaceAll(strings.ReplaceAll(p, "[]", ""), ".", "/"),
			fmt.Sprintf("%s requires %s in the body (RSDL signature), and the request lacks it", r, p))
	}
}

// requestRoot returns the request body's root element (nil when there is
// no body), and false when the rule has nothing to check: a body that is
// neither readable XML nor JSON, whose root is not the route's, or an add
// or update without a body.
func requestRoot(x *Context) (*etree.Element, bool) {
	r := x.Route
	switch {
	case len(x.Ex.RequestBody) == 0:
		return nil, r.Kind != schema.Add && r.Kind != schema.Update
	case x.Req.Rep == XML && x.Req.Read:
		doc, err := schema.ParseXML(x.Ex.RequestBody, x.lim)
		if err != nil {
			return nil, false
		}
		root := doc.Root()
		return root, root.Tag == r.Input.Element && root.Space == ""
	case x.reqJSON != nil:
		root, err := x.Model.FromJSON(x.reqJSON, r.Input.Element, r.Input.Type)
		return root, err == nil
	}
	return nil, false
}
