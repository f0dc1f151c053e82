package scenario

import (
	"github.com/ovcompat/ovcompat/redact"

	"github.com/ovcompat/ovcompat/har"
)

// redacted returns ex with its secrets masked by package redact: whoever
// hands exchanges to Build (the recorder, the HAR import, the crawler, a
// generator), a scenario written to disk never holds a secret. Redacting
// what is already redacted changes nothing.
func redacted(ex *har.Exchange) *har.Exchange {
	out := *ex
	out.Path, out.RawQuery = redact.Path(ex.Path), redact.Query(ex.RawQuery)
	out.RequestHeader, out.ResponseHeader = redact.Header(ex.RequestHeader), redact.Header(ex.ResponseHeader)
	out.RequestBody = redact.Body(ex.RequestHeader.Get("Content-Type"), ex.RequestBody)
	out.ResponseBody = redact.Body(ex.ResponseHeader.Get("Content-Type"), ex.ResponseBody)
	return &out
}
