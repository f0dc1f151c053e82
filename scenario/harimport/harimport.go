// Package harimport turns HAR 1.2 recordings (browsers', proxies', the
// ovcompat proxy's --record) into the exchanges scenario.Build makes
// scenarios of, redacting every secret on the way with package redact:
// credentials, cookies, the SSO exchange, the model's secret members and
// every field or parameter named like a secret.
package harimport

import (
	"fmt"
	"os"

	"github.com/ovcompat/ovcompat/har"
	"github.com/ovcompat/ovcompat/redact"
)

// ReadFile reads a HAR file's exchanges.
func ReadFile(path string) ([]har.Exchange, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("harimport: %w", err)
	}
	defer fh.Close()
	h, err := har.Read(fh)
	if err != nil {
		return nil, fmt.Errorf("harimport: %s: %w", path, err)
	}
	exs, err := Exchanges(h)
	if err != nil {
		return nil, fmt.Errorf("harimport: %s: %w", path, err)
	}
	return exs, nil
}

// Exchanges converts the entries of a HAR log, in order, redacted.
func Exchanges(h *har.File) ([]har.Exchange, error) {
	out := make([]har.Exchange, 0, len(h.Log.Entries))
	for i := range h.Log.Entries {
		ex, err := exchange(&h.Log.Entries[i])
		if err != nil {
			return nil, fmt.Errorf("entry %d: %w", i, err)
		}
		out = append(out, ex)
	}
	return out, nil
}

func exchange(e *har.Entry) (har.Exchange, error) {
	ex, err := e.Exchange()
	if err != nil {
		return har.Exchange{}, err
	}
	ex.Path, ex.RawQuery = redact.Path(ex.Path), redact.Query(ex.RawQuery)
	ex.RequestBody = redact.Body(ex.RequestHeader.Get("Content-Type"), ex.RequestBody)
	ex.ResponseBody = redact.Body(ex.ResponseHeader.Get("Content-Type"), ex.ResponseBody)
	ex.RequestHeader, ex.ResponseHeader = redact.Header(ex.RequestHeader), redact.Header(ex.ResponseHeader)
	return ex, nil
}
