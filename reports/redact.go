package reports

import (
	"bytes"
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
)

// Redacted replaces every secret in a transcript.
const Redacted = "REDACTED"

// The redaction here is private to reports on purpose: reports imports
// nothing else of ovcompat, and renderers redact again whatever the producer
// did, so that no report ever shows a secret even when a producer forgot.

// Sensitive reports whether a header, element, attribute or field of that
// name holds a secret (Authorization, Cookie, Set-Cookie, <password>,
// root_password, access_token, X-Auth-Token, ...).
func Sensitive(name string) bool {
	if i := strings.LastIndexByte(name, ':'); i >= 0 { // XML prefix
		name = name[i+1:]
	}
	n := strings.Map(func(r rune) rune {
		switch r {
		case '-', '_', '.':
			return -1
		}
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, name)
	// The parts of a name that mark its value as secret, compared in lower
	// case with '-', '_' and '.' removed.
	for _, w := range [...]string{
		"password", "passwd", "passphrase", "secret", "token", "ticket",
		"privatekey", "authorization", "cookie", "credential", "apikey", "sessionid",
	} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

// RedactTranscript redacts both messages of t.
func RedactTranscript(t Transcript) Transcript {
	return Transcript{Request: RedactMessage(t.Request), Response: RedactMessage(t.Response)}
}

// RedactMessage returns m with secrets replaced: Authorization (its scheme
// kept), Cookie and Set-Cookie values (cookie names kept), every header
// named like a secret, credentials and secret query parameters in the URL,
// and secret elements, attributes and fields in XML, JSON and form bodies.
func RedactMessage(m Message) Message {
	out := m
	contentType := ""
	if m.Headers != nil {
		out.Headers = make([]Header, len(m.Headers))
		for i, h := range m.Headers {
			out.Headers[i] = Header{Name: h.Name, Value: redactHeader(h.Name, h.Value)}
			if strings.EqualFold(h.Name, "Content-Type") {
				contentType = strings.ToLower(h.Value)
			}
		}
	}
	out.URL = redactURL(m.URL)
	out.Body = RedactBody(contentType, m.Body)
	return out
}

func redactHeader(name, value string) string {
	switch strings.ToLower(name) {
	case "authorization", "proxy-authorization":
		if scheme, _, ok := strings.Cut(strings.TrimSpace(value), " "); ok {
			return scheme + " " + Redacted
		}
		return Redacted
	case "cookie":
		return redactCookies(value, true)
	case "set-cookie":
		return redactCookies(value, false)
	}
	if Sensitive(name) {
		return Redacted
	}
	return value
}

// redactCookies replaces the cookie values of a Cookie header (all pairs)
// or a Set-Cookie header (the first pair; the attributes are kept), and keeps
// the cookie names.
func redactCookies(v string, all bool) string {
	parts := strings.Split(v, ";")
	for i, p := range parts {
		if !all && i > 0 {
			break
		}
		lead := p[:len(p)-len(strings.TrimLeft(p, " "))]
		name, _, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok {
			parts[i] = lead + Redacted
			continue
		}
		parts[i] = lead + name + "=" + Redacted
	}
	return strings.Join(parts, ";")
}

func redactURL(raw string) string {
	if raw == "" {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		if base, q, ok := strings.Cut(raw, "?"); ok {
			return base + "?" + redactForm(q)
		}
		return raw
	}
	if u.RawQuery != "" {
		u.RawQuery = redactForm(u.RawQuery)
	}
	if u.User == nil {
		return u.String()
	}
	// Built by hand: url.URL.String would escape the marker.
	u.User = nil
	scheme, rest, _ := strings.Cut(u.String(), "//")
	return scheme + "//" + Redacted + "@" + rest
}

// formPair is one name=value pair of a form body or a query string.
var formPair = regexp.MustCompile(`(^|[&;])([^&;=]*)=([^&;]*)`)

func redactForm(q string) string {
	return formPair.ReplaceAllStringFunc(q, func(m string) string {
		sub := formPair.FindStringSubmatch(m)
		name, err := url.QueryUnescape(sub[2])
		if err != nil {
			name = sub[2]
		}
		if !Sensitive(name) {
			return m
		}
		return sub[1] + sub[2] + "=" + Redacted
	})
}

// RedactBody replaces secrets in a body: in JSON the values of fields named
// like a secret (whole objects included), in XML the content of elements and
// the values of attributes named like one, in form bodies the values of
// fields. contentType (may be empty) helps choose; a body that is none of
// these is returned as it is.
func RedactBody(contentType, body string) string {
	trim := strings.TrimSpace(body)
	if trim == "" {
		return body
	}
	switch {
	case strings.Contains(contentType, "json") || trim[0] == '{' || trim[0] == '[':
		if out, ok := redactJSON(body); ok {
			return out
		}
		return redactJSONText(body)
	case strings.Contains(contentType, "xml") || trim[0] == '<':
		return redactXML(body)
	case strings.Contains(contentType, "x-www-form-urlencoded") || !strings.ContainsAny(trim, " \n<>{}"):
		return redactForm(trim)
	}
	return body
}

func redactJSON(body string) (string, bool) {
	dec := json.NewDecoder(strings.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return "", false
	}
	if !walkJSON(v) {
		return body, true
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return "", false
	}
	return strings.TrimSuffix(buf.String(), "\n"), true
}

// walkJSON redacts secret fields in place and reports whether it changed
// anything.
func walkJSON(v any) bool {
	changed := false
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if Sensitive(k) {
				x[k] = Redacted
				changed = true
				continue
			}
			changed = walkJSON(e) || changed
		}
	case []any:
		for _, e := range x {
			changed = walkJSON(e) || changed
		}
	}
	return changed
}

// jsonField matches a "name": value pair whose value is a string or a
// scalar, for JSON that does not parse (truncated bodies).
var jsonField = regexp.MustCompile(`"((?:[^"\\]|\\.)*)"(\s*:\s*)("(?:[^"\\]|\\.)*"?|[^,}\]\s]+)`)

func redactJSONText(body string) string {
	return jsonField.ReplaceAllStringFunc(body, func(m string) string {
		sub := jsonField.FindStringSubmatch(m)
		if !Sensitive(sub[1]) {
			return m
		}
		return `"` + sub[1] + `"` + sub[2] + `"` + Redacted + `"`
	})
}

var (
	xmlStartTag = regexp.MustCompile(`<([A-Za-z_][\w.:-]*)((?:\s[^<>]*?)?)(/?)>`)
	xmlAttr     = regexp.MustCompile(`([A-Za-z_][\w.:-]*)(\s*=\s*)("[^"]*"|'[^']*')`)
)

// redactXML empties secret elements (children included) and secret
// attribute values. It works on the text, so that a transcript keeps its
// formatting and a truncated body is still redacted; an unclosed secret
// element is redacted to the end of the body.
func redactXML(body string) string {
	var b strings.Builder
	pos := 0
	for pos < len(body) {
		loc := xmlStartTag.FindStringSubmatchIndex(body[pos:])
		if loc == nil {
			break
		}
		for i := range loc {
			loc[i] += pos
		}
		name, attrs, selfClosing := body[loc[2]:loc[3]], body[loc[4]:loc[5]], loc[7] > loc[6]
		b.WriteString(body[pos:loc[0]])
		b.WriteString("<" + name + redactAttrs(attrs) + body[loc[6]:loc[7]] + ">")
		pos = loc[1]
		if selfClosing || !Sensitive(name) {
			continue
		}
		end := strings.Index(body[pos:], "</"+name)
		b.WriteString(Redacted)
		if end < 0 {
			return b.String()
		}
		pos += end
	}
	b.WriteString(body[pos:])
	return b.String()
}

func redactAttrs(attrs string) string {
	if attrs == "" {
		return attrs
	}
	return xmlAttr.ReplaceAllStringFunc(attrs, func(m string) string {
		sub := xmlAttr.FindStringSubmatch(m)
		if !Sensitive(sub[1]) {
			return m
		}
		q := sub[3][:1]
		return sub[1] + sub[2] + q + Redacted + q
	})
}
