// Package redact removes secrets from HTTP exchanges before they are
// logged, recorded or shown: credentials in headers (Authorization,
// Proxy-Authorization, Cookie, Set-Cookie), the SSO token request and
// response, and every XML element or attribute, JSON field, form field or
// query parameter named like a password or a token.
//
// Redaction is deterministic: a secret value becomes Mask, everything else
// is left byte for byte as it was, so a redacted recording diffs cleanly
// against another. It fails closed: a body cut short inside a secret, or
// too malformed to tell where a secret ends, loses everything from the
// secret to its end rather than risk a leak.
package redact

import (
	"bytes"
	"net/http"
	"strings"
)

// Mask replaces every secret value.
const Mask = "REDACTED"

// IsSecretName reports whether an element, attribute, field, parameter or
// header name names a secret: it holds "password", "passwd", "passphrase"
// or "secret", ends with "token" (token, access_token, id_token,
// refresh_token) or is "private_key". Case, '_', '-' and '.' are ignored,
// and a namespace prefix ("ns:password") is dropped.
func IsSecretName(name string) bool {
	if i := strings.LastIndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	var buf [64]byte
	n := buf[:0]
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '_' || c == '-' || c == '.':
			continue
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		n = append(n, c)
	}
	s := string(n)
	for _, w := range [...]string{"password", "passwd", "passphrase", "secret"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return strings.HasSuffix(s, "token") || s == "privatekey"
}

// secretHeaders hold credentials whatever their value looks like.
var secretHeaders = map[string]bool{
	"Authorization":       true,
	"Proxy-Authorization": true,
	"Cookie":              true,
	"Set-Cookie":          true,
}

// IsSecretHeader reports whether a header's value is a credential:
// Authorization, Proxy-Authorization, Cookie, Set-Cookie, or a header
// named like a secret (X-Auth-Token).
func IsSecretHeader(name string) bool {
	return secretHeaders[http.CanonicalHeaderKey(name)] || IsSecretName(name)
}

// Header returns a copy of h with secret values replaced. Authorization
// keeps its scheme ("Bearer REDACTED"), cookies keep their names and
// Set-Cookie its attributes ("JSESSIONID=REDACTED; Path=/; HttpOnly"), so
// a recording still shows that a session was set up, never its key.
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

// isToken reports whether s is a non-empty RFC 7230 token.
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

// Kind is how a body is written, as far as redaction cares.
type Kind uint8

// Kinds of body.
const (
	Unknown Kind = iota
	XMLBody
	JSONBody
	FormBody
)

// KindOf decides how to read a body: from its Content-Type, else from its
// first bytes.
func KindOf(contentType string, body []byte) Kind {
	mt, _, _ := strings.Cut(strings.ToLower(contentType), ";")
	mt = strings.TrimSpace(mt)
	switch {
	case mt == "application/x-www-form-urlencoded":
		return FormBody
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		return JSONBody
	case strings.HasSuffix(mt, "/xml") || strings.HasSuffix(mt, "+xml") || mt == "text/html":
		return XMLBody
	}
	b := bytes.TrimLeft(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(b) > 0 {
		switch b[0] {
		case '<':
			return XMLBody
		case '{', '[':
			return JSONBody
		}
	}
	return Unknown
}

// Body redacts a body of the given Content-Type (which may be empty or
// wrong: the body's first bytes then decide). A body that is neither XML
// nor JSON is read as a form (password=...), which leaves text without
// such fields unchanged. The result shares no memory with body when
// anything was redacted; otherwise it is body itself.
func Body(contentType string, body []byte) []byte {
	switch KindOf(contentType, body) {
	case XMLBody:
		return XML(body)
	case JSONBody:
		return JSON(body)
	}
	return Form(body)
}

// Query redacts the secret parameters of a URL query string or of an
// application/x-www-form-urlencoded body, keeping every other byte.
func Query(raw string) string {
	return string(Form([]byte(raw)))
}

// Form redacts the secret fields of an application/x-www-form-urlencoded
// body (the SSO token request's password=), keeping every other byte.
func Form(body []byte) []byte {
	if bytes.IndexByte(body, '=') < 0 {
		return body
	}
	var out []byte
	start := 0
	for start <= len(body) {
		end := bytes.IndexByte(body[start:], '&')
		if end < 0 {
			end = len(body)
		} else {
			end += start
		}
		pair := body[start:end]
		if eq := bytes.IndexByte(pair, '='); eq >= 0 && IsSecretName(unescapeName(pair[:eq])) {
			if out == nil {
				out = append(make([]byte, 0, len(body)), body[:start]...)
			}
			out = append(out, pair[:eq+1]...)
			out = append(out, Mask...)
		} else if out != nil {
			out = append(out, pair...)
		}
		if end < len(body) && out != nil {
			out = append(out, body[end])
		}
		start = end + 1
	}
	if out == nil {
		return body
	}
	return out
}

// unescapeName decodes %XX and '+' in a form field name; a bad escape is
// kept as it is (the name then simply does not match).
func unescapeName(b []byte) string {
	if bytes.IndexAny(b, "%+") < 0 {
		return string(b)
	}
	var s strings.Builder
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == '+':
			s.WriteByte(' ')
		case c == '%' && i+2 < len(b) && isHex(b[i+1]) && isHex(b[i+2]):
			s.WriteByte(unhex(b[i+1])<<4 | unhex(b[i+2]))
			i += 2
		default:
			s.WriteByte(c)
		}
	}
	return s.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}
