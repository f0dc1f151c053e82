package rules

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/ovcompat/ovcompat/internal/media"
	"github.com/ovcompat/ovcompat/schema"
)

// successStatus lists the 2xx statuses each kind of operation may return.
var successStatus = [...][]int{
	schema.Get:    {200},
	schema.List:   {200},
	schema.Add:    {201, 202},
	schema.Update: {200, 202},
	schema.Remove: {200},
	schema.Action: {200, 202},
}

// checkStatus reports a success status the operation does not return.
// Errors (4xx, 5xx) are any operation's to return; redirects come from the
// web server in front of the API.
func checkStatus(x *Context) {
	st := x.Ex.Status
	if !responded(x) || x.Route == nil || st < 200 || st > 299 {
		return
	}
	kind := x.Route.Kind
	if answersAction(x.Route) {
		kind = schema.Action // performAction: 200, or 202 when the client does not wait
	}
	var allowed []int
	if int(kind) < len(successStatus) {
		allowed = successStatus[kind]
	}
	for _, a := range allowed {
		if st == a {
			return
		}
	}
	want := make([]string, len(allowed))
	for i, a := range allowed {
		want[i] = fmt.Sprint(a)
	}
	x.Report(RuleStatus, "status", fmt.Sprintf("status %d: %s %s returns %s", st, x.Route.Kind, x.Route.Path, strings.Join(want, " or ")))
}

// webServerPage reports whether an error response is one of the pages the
// engine's web server writes itself: the 401 page, an empty or HTML 404,
// an empty 405, and the proxy errors (502, 503, 504) of the web server.
func webServerPage(x *Context) bool {
	switch st, rep := x.Ex.Status, x.Resp.Rep; {
	case st == 401 && (rep == None || rep == HTML):
		return true
	case st == 404 && (rep == None || rep == HTML):
		return true
	case st == 405 && rep == None:
		return true
	case (st == 502 || st == 503 || st == 504) && (rep == None || rep == HTML):
		return true
	}
	return false
}

// checkErrorFault reports error responses without a fault. A body with
// another root is schema.wrong-root's; this rule covers error responses
// with no API document at all, and failed actions without <fault>.
func checkErrorFault(x *Context) {
	st := x.Ex.Status
	if !responded(x) || st < 400 || x.Ex.Method == "HEAD" || webServerPage(x) {
		return
	}
	switch rep := x.Resp.Rep; rep {
	case None, HTML, Other:
		what := "no body"
		if rep != None {
			what = "a " + rep.String() + " body"
		}
		x.Report(RuleErrorFault, "/", fmt.Sprintf("error response (status %d) has %s instead of a <fault>", st, what))
	default:
		if x.Resp.Root == "action" && !x.Resp.Facts.Fault {
			x.Report(RuleErrorFault, "/action", fmt.Sprintf("failed action (status %d) carries no <fault>", st))
		}
	}
}

// checkLocation reports a 201 without a Location, or whose Location is not
// the created resource.
func checkLocation(x *Context) {
	if !responded(x) || x.Ex.Status != 201 {
		return
	}
	loc := x.Ex.ResponseHeader.Get("Location")
	if loc == "" {
		x.Report(RuleLocation, "header:Location", "a 201 Created response has no Location header")
		return
	}
	u, err := url.Parse(loc)
	if err != nil {
		x.Report(RuleLocation, "header:Location", "the Location header is not a URL")
		return
	}
	href, where := respHref(x)
	if href != "" {
		if !samePath(u.Path, hrefPath(href)) {
			x.Report(RuleLocation, "header:Location", "the Location path differs from the created resource's href ("+where+")")
		}
		return
	}
	// Without an href in the body, the new resource is at least below the
	// collection it was added to.
	if _, _, rel, ok := Locate(u.Path, ""); ok && x.Route != nil && x.Route.Kind == schema.Add {
		coll := strings.TrimSuffix(stripMatrix(x.Rel), "/")
		if !strings.HasPrefix(strings.ToLower(rel), strings.ToLower(coll)+"/") {
			x.Report(RuleLocation, "header:Location", "the Location is not below the collection the resource was added to")
		}
	}
}

// checkAccept reports a response whose media type the request's Accept
// did not ask for.
func checkAccept(x *Context) {
	ex := x.Ex
	accept := strings.Join(ex.RequestHeader.Values("Accept"), ",")
	ctype := ex.ResponseHeader.Get("Content-Type")
	if !responded(x) || strings.TrimSpace(accept) == "" || ctype == "" || len(ex.ResponseBody) == 0 || webServerPage(x) {
		return
	}
	mt := media.Type(ctype)
	if !Accepts(accept, mt) {
		x.Report(RuleAccept, "header:Content-Type", fmt.Sprintf("the response is %s, which the request's Accept does not include",
			schema.ASCIISafe(mt, 64)))
	}
}

// Accepts reports whether an Accept header value admits media type mt
// (lower case, without parameters). Ranges with q=0 exclude.
func Accepts(accept, mt string) bool {
	typ, _, _ := strings.Cut(mt, "/")
	for _, r := range strings.Split(accept, ",") {
		rng, params, _ := strings.Cut(r, ";")
		rng = strings.ToLower(strings.TrimSpace(rng))
		if rng == "" || qZero(params) {
			continue
		}
		if rng == "*/*" || rng == mt || rng == typ+"/*" {
			return true
		}
	}
	return false
}

// qZero reports whether media range parameters hold q=0.
func qZero(params string) bool {
	for _, p := range strings.Split(params, ";") {
		k, v, ok := strings.Cut(p, "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
			v = strings.TrimRight(strings.TrimSpace(v), "0")
			return v == "" || v == "0." || v == "."
		}
	}
	return false
}

// checkSelfHref reports a single resource whose href is not the path it
// was fetched from.
func checkSelfHref(x *Context) {
	if !responded(x) || x.Ex.Status != 200 || x.Route == nil || x.Route.Kind != schema.Get {
		return
	}
	href, where := respHref(x)
	if href == "" {
		return
	}
	_, _, rel, ok := Locate(hrefPath(href), "")
	if !ok {
		x.Report(RuleSelfHref, where, "the resource's href is not below an API base path")
		return
	}
	if !samePath(stripMatrix(rel), stripMatrix(x.Rel)) {
		x.Report(RuleSelfHref, where, "the resource's href, after the base path, is not the path it was fetched from")
	}
}

// respHref returns the response document's own href and where it is.
func respHref(x *Context) (href, where string) {
	if !x.Resp.Read || !x.Resp.Facts.HasHref {
		return "", ""
	}
	return x.Resp.Facts.Href, "/" + x.Resp.Root + "/@href"
}

// hrefPath returns the path of an href, which may be an absolute URL.
func hrefPath(href string) string {
	if u, err := url.Parse(href); err == nil && u.Path != "" {
		return u.Path
	}
	p, _, _ := strings.Cut(href, "?")
	return p
}

// samePath compares two paths ignoring a trailing slash, escaping and the
// case of ids (UUIDs are case-insensitive; literal segments are lower case).
func samePath(a, b string) bool {
	norm := func(p string) string {
		if u, err := url.PathUnescape(p); err == nil {
			p = u
		}
		return strings.ToLower(strings.TrimSuffix(p, "/"))
	}
	return norm(a) == norm(b)
}

// stripMatrix removes matrix parameters (";max=10") from every segment.
func stripMatrix(p string) string {
	if !strings.Contains(p, ";") {
		return p
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i], _, _ = strings.Cut(s, ";")
	}
	return strings.Join(segs, "/")
}
