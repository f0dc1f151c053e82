package redact

import (
	"net/http"
	"strings"
)

// IsSecretHeader reports whether a header's whole value is a credential:
// Authorization, Proxy-Authorization, Cookie, Set-Cookie, or a header
// named like a secret (X-Auth-Token, X-API-Key).
func IsSecretHeader(name string) bool {
	switch http.CanonicalHeaderKey(name) {
	case "Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie":
		return true
	}
	return IsSecretName(name)
}

// isURLHeader reports whether a header's value is a URL, whose secret
// parameters are redacted (the SSO's redirect to ?code=...).
func isURLHeader(name string) bool {
	switch http.CanonicalHeaderKey(name) {
	case "Location", "Content-Location", "Referer", "Origin":
		return true
	}
	return false
}

// Header returns a copy of h with secret values replaced. Authorization
// keeps its scheme ("Bearer REDACTED"), cookies keep their names and
// Set-Cookie its attributes ("JSESSIONID=REDACTED; Path=/; HttpOnly"), so
// a recording still shows that a session was set up, never its key; a URL
// (Location) keeps all but its secret parameters and credentials.
func Header(h http.Header) http.Header {
	if h == nil {
		return nil
	}
	out := make(http.Header, len(h))
	for k, vs := range h {
		cp := make([]string, len(vs))
		for i, v := range vs {
			cp[i] = HeaderValue(k, v)
		}
		out[k] = cp
	}
	return out
}

// HeaderValue redacts one value of header name.
func HeaderValue(name, value string) string {
	if isURLHeader(name) {
		return URL(value)
	}
	if !IsSecretHeader(name) {
		return value
	}
	switch http.CanonicalHeaderKey(name) {
	case "Authorization", "Proxy-Authorization":
		if scheme, _, ok := strings.Cut(strings.TrimSpace(value), " "); ok && isToken(scheme) {
			return scheme + " " + Mask
		}
	case "Cookie":
		return cookies(value, false)
	case "Set-Cookie":
		return cookies(value, true)
	}
	return Mask
}

// cookies masks the value of every name=value pair of a Cookie header, or
// of the first pair only (Set-Cookie, whose other pairs are attributes).
func cookies(v string, firstOnly bool) string {
	parts := strings.Split(v, ";")
	for i, p := range parts {
		if firstOnly && i > 0 {
			break
		}
		lead := len(p) - len(strings.TrimLeft(p, " "))
		name, _, ok := strings.Cut(p[lead:], "=")
		if !ok || !isToken(strings.TrimSpace(name)) {
			parts[i] = p[:lead] + Mask
			continue
		}
		parts[i] = p[:lead] + name + "=" + Mask
	}
	return strings.Join(parts, ";")
}

// isToken reports whether s is a non-empty RFC 9110 token.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`()<>@,;:\"/[]?={}`, c) >= 0 {
			return false
		}
	}
	return true
}
