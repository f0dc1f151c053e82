// Package harimport turns HAR 1.2 recordings (browsers', proxies', the
// ovcompat proxy's --record) into the exchanges scenario.Build makes
// scenarios of, redacting every secret on the way with package redact:
// credentials, cookies, the SSO exchange, the model's secret members and
// every field or parameter named like a secret.
package harimport

import (
	"fmt"
	"net/http"
	"os"

	"github.com/ovcompat/ovcompat/har"
	"github.com/ovcompat/ovcompat/redact"
	"github.com/ovcompat/ovcompat/scenario"
)

// ReadFile reads a HAR file's exchanges.
func ReadFile(path string) ([]scenario.Exchange, error) {
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
func Exchanges(h *har.File) ([]scenario.Exchange, error) {
	out := make([]scenario.Exchange, 0, len(h.Log.Entries))
	for i := range h.Log.Entries {
		ex, err := exchange(&h.Log.Entries[i])
		if err != nil {
			return nil, fmt.Errorf("entry %d: %w", i, err)
		}
		out = append(out, ex)
	}
	return out, nil
}

func exchange(e *har.Entry) (scenario.Exchange, error) {
	p, q, err := e.Request.Path()
	if err != nil {
		return scenario.Exchange{}, err
	}
	reqH, respH := header(e.Request.Headers), header(e.Response.Headers)
	if respH.Get("Content-Type") == "" && e.Response.Content.MimeType != "" && e.Response.Content.Text != "" {
		respH.Set("Content-Type", e.Response.Content.MimeType)
	}
	var reqBody []byte
	if pd := e.Request.PostData; pd != nil {
		reqBody = []byte(pd.Text)
		if reqH.Get("Content-Type") == "" && pd.MimeType != "" {
			reqH.Set("Content-Type", pd.MimeType)
		}
	}
	respBody, err := e.Response.Content.Body()
	if err != nil {
		return scenario.Exchange{}, err
	}
	return scenario.Exchange{
		Method: e.Request.Method, Path: redact.Path(p), RawQuery: redact.Query(q),
		RequestHeader: redact.Header(reqH), RequestBody: redact.Body(reqH.Get("Content-Type"), reqBody),
		Status: e.Response.Status, ResponseHeader: redact.Header(respH), ResponseBody: redact.Body(respH.Get("Content-Type"), respBody),
	}, nil
}

func header(hs []har.Header) http.Header {
	h := http.Header{}
	for _, x := range hs {
		h.Add(x.Name, x.Value)
	}
	return h
}
