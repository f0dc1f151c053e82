// Package har reads and writes HTTP Archive (HAR 1.2) files, the format
// browsers, proxies and test cassettes use to record HTTP exchanges.
package har

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
)

// MaxSize is the largest HAR file Read accepts by default (256 MiB).
const MaxSize = 256 << 20

// File is a HAR document.
type File struct {
	Log Log `json:"log"`
}

// Log is the root of a HAR document.
type Log struct {
	Version string  `json:"version"`
	Creator Creator `json:"creator"`
	Entries []Entry `json:"entries"`
	Comment string  `json:"comment,omitempty"`
}

// Creator names the tool that wrote the file.
type Creator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Entry is one recorded exchange.
type Entry struct {
	StartedDateTime string   `json:"startedDateTime"`
	Time            float64  `json:"time"`
	Request         Request  `json:"request"`
	Response        Response `json:"response"`
	Cache           struct{} `json:"cache"`
	Timings         Timings  `json:"timings"`
	Comment         string   `json:"comment,omitempty"`
}

// Timings are the phases of an exchange, in milliseconds.
type Timings struct {
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
}

// Request is a recorded request.
type Request struct {
	Method      string    `json:"method"`
	URL         string    `json:"url"`
	HTTPVersion string    `json:"httpVersion"`
	Cookies     []Cookie  `json:"cookies"`
	Headers     []Header  `json:"headers"`
	QueryString []Header  `json:"queryString"`
	PostData    *PostData `json:"postData,omitempty"`
	HeadersSize int64     `json:"headersSize"`
	BodySize    int64     `json:"bodySize"`
	Comment     string    `json:"comment,omitempty"`
}

// Response is a recorded response.
type Response struct {
	Status      int      `json:"status"`
	StatusText  string   `json:"statusText"`
	HTTPVersion string   `json:"httpVersion"`
	Cookies     []Cookie `json:"cookies"`
	Headers     []Header `json:"headers"`
	Content     Content  `json:"content"`
	RedirectURL string   `json:"redirectURL"`
	HeadersSize int64    `json:"headersSize"`
	BodySize    int64    `json:"bodySize"`
	Comment     string   `json:"comment,omitempty"`
}

// Header is a name and value (also used for query parameters).
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Cookie is a recorded cookie.
type Cookie struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// PostData is a request body.
type PostData struct {
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
}

// Content is a response body.
type Content struct {
	Size     int64  `json:"size"`
	MimeType string `json:"mimeType"`
	Text     string `json:"text,omitempty"`
	Encoding string `json:"encoding,omitempty"`
}

// Body returns the decoded response body.
func (c Content) Body() ([]byte, error) {
	if c.Encoding == "base64" {
		b, err := base64.StdEncoding.DecodeString(c.Text)
		if err != nil {
			return nil, fmt.Errorf("har: response body: %w", err)
		}
		return b, nil
	}
	return []byte(c.Text), nil
}

// Get returns the first value of the named header (case-insensitive).
func Get(hs []Header, name string) string {
	for _, h := range hs {
		if strings.EqualFold(h.Name, name) {
			return h.Value
		}
	}
	return ""
}

// Path returns the request URL's path with its query, as sent on the
// wire: the recorded host rarely exists any more.
func (r Request) Path() (path, rawQuery string, err error) {
	u, err := url.Parse(r.URL)
	if err != nil {
		return "", "", fmt.Errorf("har: request URL: %w", err)
	}
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	return p, u.RawQuery, nil
}

// ErrNotHAR is returned for input that is JSON but not a HAR log.
var ErrNotHAR = errors.New("not a HAR file: no log.entries")

// Read decodes a HAR file of at most MaxSize bytes.
func Read(r io.Reader) (*File, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("har: read: %w", err)
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("har: file exceeds %d bytes", MaxSize)
	}
	return Parse(data)
}

// Parse decodes a HAR document.
func Parse(data []byte) (*File, error) {
	var f File
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&f); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line := 1 + bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n"))
			return nil, fmt.Errorf("har: line %d: %w", line, err)
		}
		return nil, fmt.Errorf("har: %w", err)
	}
	if f.Log.Entries == nil {
		return nil, ErrNotHAR
	}
	return &f, nil
}

// Write encodes f as indented JSON.
func Write(w io.Writer, f *File) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(f)
}
