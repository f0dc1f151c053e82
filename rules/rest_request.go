package rules

import (
	"fmt"
	"strings"

	"github.com/ovcompat/ovcompat/schema"
)

// checkMissingContentType reports bodies sent without a Content-Type.
func checkMissingContentType(x *Context) {
	ex := x.Ex
	if len(ex.RequestBody) > 0 && ex.RequestHeader.Get("Content-Type") == "" {
		x.Report(RuleMissingContentType, "request:header:Content-Type", "the request has a body but no Content-Type")
	}
	if responded(x) && len(ex.ResponseBody) > 0 && ex.ResponseHeader.Get("Content-Type") == "" && ex.Method != "HEAD" {
		x.Report(RuleMissingContentType, "header:Content-Type", fmt.Sprintf("the response (status %d) has a body but no Content-Type", ex.Status))
	}
}

// checkMissingBody reports adds and updates sent without a body.
func checkMissingBody(x *Context) {
	r := x.Route
	if r == nil || r.Input == nil || len(x.Ex.RequestBody) > 0 || x.Ex.RequestTruncated {
		return
	}
	if r.Kind == schema.Add || r.Kind == schema.Update {
		x.Report(RuleMissingBody, "request:body", fmt.Sprintf("%s %s takes a <%s> body, but the request has none",
			r.Kind, r.Path, r.Input.Element))
	}
}

// checkUnexpectedBody reports bodies on GET and HEAD, and on a DELETE
// whose route takes no parameters.
func checkUnexpectedBody(x *Context) {
	ex := x.Ex
	if len(ex.RequestBody) == 0 {
		return
	}
	switch ex.Method {
	case "GET", "HEAD":
		x.Report(RuleUnexpectedBody, "request:body", fmt.Sprintf("a %s request carries a body", ex.Method))
	case "DELETE":
		if r := x.Route; r != nil && len(r.Params) == 0 && r.Input == nil {
			x.Report(RuleUnexpectedBody, "request:body", "a DELETE carries a body, but this route takes no parameters")
		}
	}
}

// checkVersion reports a Version header naming no API version, or one
// that contradicts the path's /v3 or /v4 prefix.
func checkVersion(x *Context) {
	vs := x.Ex.RequestHeader.Values("Version")
	if len(vs) == 0 {
		return
	}
	v := strings.TrimSpace(vs[0])
	if v != "3" && v != "4" {
		x.Report(RuleVersion, "request:header:Version", "the Version header names no API version (3 or 4)")
		return
	}
	for _, p := range [...]string{"/v3", "/v4"} {
		if strings.HasSuffix(x.Base, p) && p[2:] != v {
			x.Report(RuleVersion, "request:header:Version", fmt.Sprintf("Version %s contradicts the path prefix %s; the path wins", v, p))
		}
	}
}
