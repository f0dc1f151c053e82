// Package media decides how a body is written (XML, JSON, an HTML page, a
// form) from its Content-Type and its first bytes: the one decision the
// checker, the redactor, the simulator and the scenario reader share, so
// that a body is read the same way wherever it goes. It imports nothing of
// ovcompat's.
package media

import (
	"bytes"
	"mime"
	"strings"
)

// Rep is how a body is written.
type Rep uint8

// Representations.
const (
	None Rep = iota // no body, or white space only
	XML
	JSON
	HTML // a web page (the engine's web server answers some errors so)
	Form // application/x-www-form-urlencoded (the SSO token request)
	Other
)

func (r Rep) String() string {
	return [...]string{"none", "XML", "JSON", "HTML", "form", "other"}[r]
}

// Type returns the media type of a Content-Type or Accept value,
// lower-cased and without parameters such as charset.
func Type(v string) string {
	if v == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(v)
	if err != nil {
		mt, _, _ = strings.Cut(v, ";")
		mt = strings.ToLower(strings.TrimSpace(mt))
	}
	return mt
}

// Declared returns the representation a Content-Type names.
func Declared(contentType string) Rep {
	switch mt := Type(contentType); {
	case mt == "":
		return None
	case mt == "application/xml" || mt == "text/xml" || strings.HasSuffix(mt, "+xml") && mt != "application/xhtml+xml":
		return XML
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		return JSON
	case mt == "text/html" || mt == "application/xhtml+xml":
		return HTML
	case mt == "application/x-www-form-urlencoded":
		return Form
	}
	return Other
}

// Sniff returns the representation a body's first bytes show: a '<' starts
// XML (an HTML page when it opens with <!DOCTYPE html or <html), a '{' or a
// '[' that opens a JSON array starts JSON ("[virt-viewer]", an INI section,
// does not).
func Sniff(body []byte) Rep {
	b := trimSpace(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))
	switch {
	case len(b) == 0:
		return None
	case b[0] == '<':
		head := bytes.ToLower(b[:min(len(b), 256)])
		if bytes.HasPrefix(head, []byte("<!doctype html")) || bytes.HasPrefix(head, []byte("<html")) {
			return HTML
		}
		return XML
	case b[0] == '{' || b[0] == '[' && jsonArray(trimSpace(b[1:])):
		return JSON
	}
	return Other
}

// Of decides how to read a body: as what its bytes show when they show XML,
// JSON or a page, else as what its Content-Type declares.
func Of(contentType string, body []byte) Rep {
	if r := Sniff(body); r == XML || r == JSON || r == HTML {
		return r
	}
	if len(trimSpace(body)) == 0 {
		return None
	}
	return Declared(contentType)
}

func trimSpace(b []byte) []byte { return bytes.TrimLeft(b, " \t\r\n") }

// jsonArray reports whether what follows a '[' starts a JSON array's first
// item, rather than an INI section's name.
func jsonArray(b []byte) bool {
	if len(b) == 0 || bytes.IndexByte([]byte(`{["]-0123456789`), b[0]) >= 0 {
		return true
	}
	for _, lit := range [...]string{"true", "false", "null"} {
		if rest, ok := bytes.CutPrefix(b, []byte(lit)); ok && (len(rest) == 0 || !nameByte(rest[0])) {
			return true
		}
	}
	return false
}

func nameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-' || c == '.'
}
