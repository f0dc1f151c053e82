package engine

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// StatusError is an answer Fetch did not expect: a status other than 2xx.
// It wraps ErrAuth for 401 and 403.
type StatusError struct {
	Method string
	// URL is the request's URL, without user information.
	URL    string
	Status int
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("engine: %s %s: status %d", e.Method, e.URL, e.Status)
	switch e.Status {
	case http.StatusUnauthorized:
		msg += " (the engine refused the credentials: check --user and OVCOMPAT_PASSWORD or --password-file)"
	case http.StatusForbidden:
		msg += " (the user may not read this: sign in as an administrator)"
	case http.StatusNotFound:
		msg += " (is the URL the engine's API, such as https://host/ovirt-engine/api?)"
	}
	return msg
}

// Unwrap makes errors.Is(err, ErrAuth) true for 401 and 403.
func (e *StatusError) Unwrap() error {
	if e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden {
		return ErrAuth
	}
	return nil
}

// DefaultMaxFetch bounds what Fetch reads when max is zero (the engine's
// RSDL is about 1 MB).
const DefaultMaxFetch = 64 << 20

// Fetch GETs ref (see Resolve) as the configured user with the given
// Accept header and returns the body of a 2xx answer. Any other status is
// a *StatusError; an HTML page (a login or welcome page) is ErrHTML; a body
// longer than max (DefaultMaxFetch when zero) is an error.
func (c *Client) Fetch(ctx context.Context, ref, accept string, max int64) ([]byte, error) {
	if max <= 0 {
		max = DefaultMaxFetch
	}
	req, err := c.NewRequest(ctx, http.MethodGet, ref, nil)
	if err != nil {
		return nil, err
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := c.Do(ctx, req, "")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	where := req.URL.Redacted()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, &StatusError{Method: req.Method, URL: where, Status: resp.StatusCode}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return nil, fmt.Errorf("engine: GET %s: read body: %w", where, err)
	}
	if int64(len(body)) > max {
		return nil, fmt.Errorf("engine: GET %s: body larger than %d bytes", where, max)
	}
	if looksHTML(resp.Header.Get("Content-Type"), body) {
		return nil, fmt.Errorf("engine: GET %s: %w (status %d), not an API document: is the URL the engine's API, such as https://host/ovirt-engine/api?",
			where, ErrHTML, resp.StatusCode)
	}
	return body, nil
}

// Ping sends HEAD of the API's entry point as the configured user, as
// clients do to see that the engine is up: it connects, signs in and finds
// the API, or says in one error why not. An answer other than 2xx is a
// *StatusError (wrapping ErrAuth for 401 and 403); an HTML page is ErrHTML.
func (c *Client) Ping(ctx context.Context) error {
	req, err := c.NewRequest(ctx, http.MethodHead, "", nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(ctx, req, "")
	if err != nil {
		return err
	}
	drain(resp)
	where := req.URL.Redacted()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &StatusError{Method: req.Method, URL: where, Status: resp.StatusCode}
	}
	if looksHTML(resp.Header.Get("Content-Type"), nil) {
		return fmt.Errorf("engine: HEAD %s: %w (status %d), not the API: is the URL the engine's API, such as https://host/ovirt-engine/api?",
			where, ErrHTML, resp.StatusCode)
	}
	return nil
}

// ProductVersion returns the engine's product version from the API's
// entry point: <product_info><version><full_version> when the engine gives
// it (4.5.4-1.el8), else major.minor.build.revision. It reads the v4 form
// (child elements) and the v3 form (attributes of <version>).
func (c *Client) ProductVersion(ctx context.Context) (string, error) {
	body, err := c.Fetch(ctx, "", "application/xml", 4<<20)
	if err != nil {
		return "", err
	}
	v, err := productVersion(body)
	if err != nil {
		return "", fmt.Errorf("engine: GET %s: %w", c.api.Redacted(), err)
	}
	return v, nil
}

// ProductVersionOf reads the product version an API entry point's body
// (<api><product_info>) reports: its full_version, else
// major.minor.build.revision. For answers read elsewhere (a recording, a
// proxied exchange); ProductVersion asks the engine.
func ProductVersionOf(body []byte) (string, error) { return productVersion(body) }

// productVersion reads <api><product_info>... without building a tree.
func productVersion(body []byte) (string, error) {
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = true
	var path []string
	parts := map[string]string{}
	full := ""
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", fmt.Errorf("the API entry point is not well-formed XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(path) == 0 && t.Name.Local != "api" {
				return "", fmt.Errorf("the API entry point's root is <%s>, not <api>", clean(t.Name.Local, ""))
			}
			path = append(path, t.Name.Local)
			if at(path, "api", "product_info", "version") {
				for _, a := range t.Attr {
					parts[a.Name.Local] = a.Value
				}
			}
		case xml.EndElement:
			path = path[:len(path)-1]
		case xml.CharData:
			s := strings.TrimSpace(string(t))
			switch {
			case at(path, "api", "product_info", "full_version"), at(path, "api", "product_info", "version", "full_version"):
				full = s
			case len(path) == 4 && at(path[:3], "api", "product_info", "version"):
				parts[path[3]] = s
			}
		}
	}
	if full != "" {
		return clean(full, ""), nil
	}
	if parts["major"] == "" {
		return "", errors.New("the API entry point has no <product_info><version>")
	}
	v := parts["major"]
	for _, k := range []string{"minor", "build", "revision"} {
		if parts[k] == "" {
			break
		}
		v += "." + parts[k]
	}
	return clean(v, ""), nil
}

func at(path []string, want ...string) bool {
	if len(path) != len(want) {
		return false
	}
	for i := range want {
		if path[i] != want[i] {
			return false
		}
	}
	return true
}
