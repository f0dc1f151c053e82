package har

import (
	"errors"
	"fmt"
	"net/http"
)

// Exchange is one HTTP request and its response: as the proxy saw it, as a
// scenario or a HAR entry holds it, as replay and crawl received it. It is
// the one shape the checker checks and scenarios are built from.
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
	// than what may be held whole (--max-body): only its start, or none of
	// it, is here.
	RequestTruncated, ResponseTruncated bool
	// NoResponse is set when only the request is known (enforce mode
	// checks requests before they reach the engine).
	NoResponse bool
	// Role is the scenario role the request ran as, when the recorder
	// knows it ("" for admin).
	Role string
}

// Errors of Entry.Exchange, which wraps them.
var (
	ErrURL  = errors.New("the request URL does not parse")
	ErrBody = errors.New("the response body's base64 does not decode")
)

// Exchange turns a HAR entry into an exchange: the place where HAR entries
// become exchanges. A Content-Type the headers lack is taken from the
// entry's postData or content mimeType, when the body has text.
func (e *Entry) Exchange() (Exchange, error) {
	p, q, err := e.Request.Path()
	if err != nil {
		return Exchange{}, fmt.Errorf("%w: %w", ErrURL, err)
	}
	body, err := e.Response.Content.Body()
	if err != nil {
		return Exchange{}, fmt.Errorf("%w: %w", ErrBody, err)
	}
	ex := Exchange{Method: e.Request.Method, Path: p, RawQuery: q, RequestHeader: header(e.Request.Headers),
		Status: e.Response.Status, ResponseHeader: header(e.Response.Headers), ResponseBody: body}
	if pd := e.Request.PostData; pd != nil {
		ex.RequestBody = []byte(pd.Text)
		if ex.RequestHeader.Get("Content-Type") == "" && pd.MimeType != "" && pd.Text != "" {
			ex.RequestHeader.Set("Content-Type", pd.MimeType)
		}
	}
	if ex.ResponseHeader.Get("Content-Type") == "" && e.Response.Content.MimeType != "" && len(body) > 0 {
		ex.ResponseHeader.Set("Content-Type", e.Response.Content.MimeType)
	}
	return ex, nil
}

func header(hs []Header) http.Header {
	h := http.Header{}
	for _, x := range hs {
		h.Add(x.Name, x.Value)
	}
	return h
}
