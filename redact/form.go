package redact

import (
	"bytes"
	"strings"
)

// Form redacts the secret fields (IsSecretParam) of an
// application/x-www-form-urlencoded body or a query string (the SSO token
// request's password=, client_secret=, code=), and the secret lines of an
// INI file (a remote-viewer .vv file's password=), keeping every other
// byte. Pairs are found between '&', ';' and line ends; a secret value
// runs to the next '&' or line end, since a ';' may be part of it.
func Form(body []byte) []byte {
	if bytes.IndexByte(body, '=') < 0 {
		return body
	}
	w := &rewriter{src: body}
	for start := 0; start < len(body); {
		end := indexAny(body, start, "&;\n\r")
		eq := bytes.IndexByte(body[start:end], '=')
		if eq < 0 || !secretParamName(body[start:start+eq]) {
			start = end + 1
			continue
		}
		v := start + eq + 1
		vEnd := indexAny(body, v, "&\n\r")
		if string(body[v:vEnd]) != Mask {
			w.replace(v, vEnd, Mask)
		}
		start = vEnd + 1
	}
	return w.result()
}

// Query redacts the secret parameters of a URL query string.
func Query(raw string) string { return str(raw, Form) }

// str applies a redaction of bytes to a string, without a copy when
// nothing is redacted.
func str(s string, f func([]byte) []byte) string {
	b := []byte(s)
	out := f(b)
	if len(out) == len(b) && (len(b) == 0 || &out[0] == &b[0]) {
		return s
	}
	return string(out)
}

// indexAny returns the index of the first of chars in b from i, or len(b).
func indexAny(b []byte, i int, chars string) int {
	if j := bytes.IndexAny(b[i:], chars); j >= 0 {
		return i + j
	}
	return len(b)
}

// secretParamName decodes a form field's or parameter's name (%XX, '+',
// spaces around it as an INI file has them) and judges it.
func secretParamName(raw []byte) bool {
	var buf [64]byte
	return isSecretParam(normalize(buf[:], bytes.TrimSpace(unescape(raw))))
}

// unescape decodes %XX and '+'; a bad escape is kept as it is (the name
// then simply does not match).
func unescape(b []byte) []byte {
	if bytes.IndexAny(b, "%+") < 0 {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		switch c := b[i]; {
		case c == '+':
			out = append(out, ' ')
		case c == '%' && i+2 < len(b) && isHex(b[i+1]) && isHex(b[i+2]):
			out = append(out, unhex(b[i+1])<<4|unhex(b[i+2]))
			i += 2
		default:
			out = append(out, c)
		}
	}
	return out
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

// Path redacts the secret matrix parameters of a URL path
// (/ovirt-engine/api;jsessionid=...), each to the next '/'.
func Path(p string) string { return str(p, path) }

func path(p []byte) []byte {
	if bytes.IndexByte(p, ';') < 0 {
		return p
	}
	w := &rewriter{src: p}
	for i := 0; i < len(p); {
		semi := indexAny(p, i, ";")
		if semi == len(p) {
			break
		}
		end := indexAny(p, semi+1, ";/")
		eq := bytes.IndexByte(p[semi+1:end], '=')
		if eq < 0 || !secretParamName(p[semi+1:semi+1+eq]) {
			i = end
			continue
		}
		v := semi + 1 + eq + 1
		vEnd := indexAny(p, v, "/")
		if string(p[v:vEnd]) != Mask {
			w.replace(v, vEnd, Mask)
		}
		i = vEnd
	}
	return w.result()
}

// URL redacts a URL, absolute or not: its credentials
// (https://REDACTED@host/), its path's secret matrix parameters, and the
// secret parameters of its query and fragment (#access_token=...).
func URL(raw string) string {
	rest, out := raw, ""
	if i := strings.Index(rest, "://"); i > 0 && !strings.ContainsAny(rest[:i], "/?#") {
		auth := rest[i+3:]
		if e := strings.IndexAny(auth, "/?#"); e >= 0 {
			auth = auth[:e]
		}
		out, rest = rest[:i+3], rest[i+3+len(auth):]
		if at := strings.LastIndexByte(auth, '@'); at >= 0 {
			auth = Mask + auth[at:]
		}
		out += auth
	}
	p, q, frag := rest, "", ""
	if i := strings.IndexByte(p, '#'); i >= 0 {
		p, frag = p[:i], p[i:]
	}
	if i := strings.IndexByte(p, '?'); i >= 0 {
		p, q = p[:i], p[i:]
	}
	red := out + Path(p) + param(q) + param(frag)
	if red == raw {
		return raw
	}
	return red
}

// param redacts a query or fragment with its leading '?' or '#'.
func param(s string) string {
	if s == "" {
		return s
	}
	return s[:1] + Query(s[1:])
}

// Text redacts free text, such as a log message or an error that quotes
// a request: every URL in it (see URL), and every name=value pair with a
// secret name.
func Text(s string) string {
	if !strings.ContainsAny(s, "=@") {
		return s
	}
	var b strings.Builder
	changed := false
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && !isTextDelim(s[j]) {
			j++
		}
		run := s[i:j]
		red := run
		if strings.Contains(run, "://") || strings.ContainsAny(run, "?#") || strings.HasPrefix(run, "/") {
			red = URL(run)
		} else if strings.Contains(run, "=") {
			red = Query(run)
		}
		changed = changed || red != run
		b.WriteString(red)
		if j < len(s) {
			b.WriteByte(s[j])
		}
		i = j + 1
	}
	if !changed {
		return s
	}
	return b.String()
}

// isTextDelim ends a run of free text that Text reads as a URL or a pair.
func isTextDelim(c byte) bool {
	return isSpace(c) || strings.IndexByte("\"'`<>", c) >= 0
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func skipSpace(b []byte, k int) int {
	for k < len(b) && isSpace(b[k]) {
		k++
	}
	return k
}
