// Package rules is the catalogue of checks ovcompat applies to an HTTP
// exchange with an oVirt engine: schema conformance of the bodies and the
// REST principles of the oVirt API. Each rule has a stable ID, a severity
// and a one-line rationale; the proxy, the replayer and `ovcompat validate`
// all check through a Checker, so a finding means the same everywhere.
package rules

import (
	"net/http"

	"github.com/ovcompat/ovcompat/internal/media"
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

// Representation is how a body is written, as package media decides it
// for every package that reads bodies.
type Representation = media.Rep

// Representations.
const (
	None  = media.None
	XML   = media.XML
	JSON  = media.JSON
	HTML  = media.HTML
	Form  = media.Form
	Other = media.Other
)
