// Package rules is the catalogue of checks ovcompat applies to an HTTP
// exchange with an oVirt engine: schema conformance of the bodies and the
// REST principles of the oVirt API. Each rule has a stable ID, a severity
// and a one-line rationale; the proxy, the replayer and `ovcompat validate`
// all check through a Checker, so a finding means the same everywhere.
package rules

import (
	"bytes"
	"mime"
	"net/http"
	"strings"
)

// Exchange is one request and its response, as the proxy saw it, as a
// scenario recorded it, or as a HAR entry holds it.
type Exchange struct {
	Method string
	// Path is the URL path as sent (escaped), matrix parameters included.
	Path string
	// RawQuery is the query string, without '?'.
	RawQuery       string
	RequestHeader  http.Header
	RequestBody    []byte
	Status         int
	ResponseHeader http.Header
	ResponseBody   []byte
	// RequestTruncated and ResponseTruncated say that a body was larger
	// than the checker's limit and only its start (or none of it) is here.
	RequestTruncated, ResponseTruncated bool
	// NoResponse is set when only the request is known (enforce mode
	// checks requests before they reach the engine).
	NoResponse bool
}

// Representation is how a body is written.
type Representation uint8

// Representations.
const (
	None Representation = iota
	XML
	JSON
	HTML
	Other
)

func (r Representation) String() string {
	return [...]string{"none", "XML", "JSON", "HTML", "other"}[r]
}

// MediaType returns the media type of a Content-Type or Accept value,
// lower-cased and without parameters such as charset.
func MediaType(v string) string {
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
func Declared(contentType string) Representation {
	switch mt := MediaType(contentType); {
	case mt == "":
		return None
	case mt == "application/xml" || mt == "text/xml" || strings.HasSuffix(mt, "+xml"):
		return XML
	case mt == "application/json" || strings.HasSuffix(mt, "+json"):
		return JSON
	case mt == "text/html" || mt == "application/xhtml+xml":
		return HTML
	}
	return Other
}

// Sniff guesses the representation of a body from its first bytes.
func Sniff(body []byte) Representation {
	b := bytes.TrimLeft(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(b) == 0 {
		return None
	}
	switch b[0] {
	case '{', '[':
		return JSON
	case '<':
		head := b[:min(len(b), 256)]
		lower := bytes.ToLower(head)
		if bytes.HasPrefix(lower, []byte("<!doctype html")) || bytes.HasPrefix(lower, []byte("<html")) {
			return HTML
		}
		return XML
	}
	return Other
}
