package rules

import (
	"net/http"
	"strconv"
	"strings"
)

// checkSession reports a session cookie the client did not ask for.
func checkSession(x *Context) {
	ex := x.Ex
	if !responded(x) {
		return
	}
	for _, p := range ex.RequestHeader.Values("Prefer") {
		if strings.Contains(strings.ToLower(p), "persistent-auth") {
			return
		}
	}
	for _, c := range (&http.Request{Header: ex.RequestHeader}).Cookies() {
		if strings.EqualFold(c.Name, "JSESSIONID") {
			return // a session the client already holds
		}
	}
	for _, sc := range ex.ResponseHeader.Values("Set-Cookie") {
		name, _, _ := strings.Cut(sc, "=")
		if strings.EqualFold(strings.TrimSpace(name), "JSESSIONID") {
			x.Report(RuleSession, "header:Set-Cookie", "the engine opened a session (JSESSIONID) without Prefer: persistent-auth")
			return
		}
	}
}

// checkCacheHeaders reports caching headers that contradict each other.
func checkCacheHeaders(x *Context) {
	if !responded(x) {
		return
	}
	h := x.Ex.ResponseHeader
	cc := cacheDirectives(h.Values("Cache-Control"))
	noCache := cc["no-cache"] || cc["no-store"]
	maxAge, hasMaxAge := cacheMaxAge(h.Values("Cache-Control"))
	fresh := cc["public"] || hasMaxAge && maxAge > 0
	switch {
	case noCache && fresh:
		x.Report(RuleCacheHeaders, "header:Cache-Control", "Cache-Control says both not to cache (no-cache or no-store) and to cache (public or max-age > 0)")
	case fresh && pragmaNoCache(h):
		x.Report(RuleCacheHeaders, "header:Pragma", "Pragma: no-cache contradicts Cache-Control public or max-age > 0")
	}
	if exp := h.Get("Expires"); exp != "" && (noCache || hasMaxAge && maxAge == 0) {
		t, err := http.ParseTime(exp)
		d, derr := http.ParseTime(h.Get("Date"))
		if err == nil && derr == nil && t.After(d) {
			x.Report(RuleCacheHeaders, "header:Expires", "Expires lies in the future, but Cache-Control says not to cache")
		}
	}
}

func cacheDirectives(vs []string) map[string]bool {
	m := map[string]bool{}
	for _, v := range vs {
		for _, d := range strings.Split(v, ",") {
			k, _, _ := strings.Cut(d, "=")
			m[strings.ToLower(strings.TrimSpace(k))] = true
		}
	}
	return m
}

func cacheMaxAge(vs []string) (int, bool) {
	for _, v := range vs {
		for _, d := range strings.Split(v, ",") {
			k, val, ok := strings.Cut(d, "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "max-age") {
				n, err := strconv.Atoi(strings.Trim(strings.TrimSpace(val), `"`))
				return n, err == nil
			}
		}
	}
	return 0, false
}

func pragmaNoCache(h http.Header) bool {
	for _, v := range h.Values("Pragma") {
		if strings.Contains(strings.ToLower(v), "no-cache") {
			return true
		}
	}
	return false
}
