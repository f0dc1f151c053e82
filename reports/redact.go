package reports

import (
	"strings"

	"github.com/ovcompat/ovcompat/redact"
)

// Redacted replaces every secret in a transcript.
const Redacted = redact.Mask

// Renderers redact again whatever the producer did, with the one redactor
// (package redact), so that no report ever shows a secret even when a
// producer forgot.

// RedactTranscript redacts every message of t.
func RedactTranscript(t Transcript) Transcript {
	out := Transcript{Request: RedactMessage(t.Request), Response: RedactMessage(t.Response)}
	if t.Recorded != nil {
		rec := RedactMessage(*t.Recorded)
		out.Recorded = &rec
	}
	return out
}

// RedactMessage returns m with its secrets replaced (see package redact):
// credentials in headers and in the URL, secret URL parameters, secret
// members of XML, JSON and form bodies. m itself is not changed.
func RedactMessage(m Message) Message {
	out := m
	contentType := ""
	if m.Headers != nil {
		out.Headers = make([]Header, len(m.Headers))
		for i, h := range m.Headers {
			out.Headers[i] = Header{Name: h.Name, Value: redact.HeaderValue(h.Name, h.Value)}
			if strings.EqualFold(h.Name, "Content-Type") {
				contentType = h.Value
			}
		}
	}
	out.URL = redact.URL(m.URL)
	out.Body = string(redact.Body(contentType, []byte(m.Body)))
	return out
}
