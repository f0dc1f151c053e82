// Package verdict turns what the rules found on one exchange into the
// reports package's values: violations in the shape every output shares,
// and the redacted-later transcript attached to a step that did not pass.
// The replayer and the crawler both judge exchanges; this is the one place
// that says how a judgement is written down.
package verdict

import (
	"maps"
	"net/http"
	"slices"

	"github.com/ovcompat/ovcompat/har"
	"github.com/ovcompat/ovcompat/reports"
	"github.com/ovcompat/ovcompat/schema"
)

// Violation converts one finding.
func Violation(v schema.Violation) reports.Violation {
	return reports.Violation{Rule: v.Rule, Severity: reports.Severity(v.Severity.String()), Location: v.Location,
		Line: v.Line, Column: v.Column, Reason: v.Reason}
}

// Violations converts findings, nil for none.
func Violations(vs []schema.Violation) []reports.Violation {
	if len(vs) == 0 {
		return nil
	}
	out := make([]reports.Violation, 0, len(vs))
	for _, v := range vs {
		out = append(out, Violation(v))
	}
	return out
}

// MaxTranscript bounds each body in a transcript.
const MaxTranscript = 64 << 10

// Transcript is the exchange as a report shows it: headers sorted, bodies
// cut at MaxTranscript. The renderers redact it before showing it.
func Transcript(ex *har.Exchange) *reports.Transcript {
	if ex == nil {
		return nil
	}
	u := ex.Path
	if ex.RawQuery != "" {
		u += "?" + ex.RawQuery
	}
	req := reports.Message{Method: ex.Method, URL: u, Headers: headers(ex.RequestHeader)}
	req.Body, req.Truncated = clip(ex.RequestBody)
	resp := reports.Message{Status: ex.Status, Headers: headers(ex.ResponseHeader)}
	resp.Body, resp.Truncated = clip(ex.ResponseBody)
	return &reports.Transcript{Request: req, Response: resp}
}

// Recorded is a step's recorded response as a transcript shows it, beside
// the received one: its headers in the order recorded, its body cut at
// MaxTranscript.
func Recorded(status int, header []reports.Header, body string) *reports.Message {
	m := &reports.Message{Status: status, Headers: header}
	m.Body, m.Truncated = clip([]byte(body))
	return m
}

func clip(b []byte) (string, bool) {
	if len(b) > MaxTranscript {
		return string(b[:MaxTranscript]), true
	}
	return string(b), false
}

func headers(h http.Header) []reports.Header {
	var out []reports.Header
	for _, k := range slices.Sorted(maps.Keys(h)) {
		for _, v := range h[k] {
			out = append(out, reports.Header{Name: k, Value: v})
		}
	}
	return out
}
