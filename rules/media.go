// Package rules is the catalogue of checks ovcompat applies to an HTTP
// exchange with an oVirt engine: schema conformance of the bodies and the
// REST principles of the oVirt API. Each rule has a stable ID, a severity
// and a one-line rationale; the proxy, the replayer and `ovcompat validate`
// all check through a Checker, so a finding means the same everywhere.
package rules

import "github.com/ovcompat/ovcompat/internal/media"

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
