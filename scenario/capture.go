package scenario

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// CaptureError says why a capture found no value.
type CaptureError struct {
	Var    string
	From   From
	Reason string
}

func (e *CaptureError) Error() string {
	return fmt.Sprintf("capture %s (%s): %s", e.Var, e.From, e.Reason)
}

// Value evaluates the capture on a response: its headers and its body,
// parsed (root may be nil when the body is empty or not a document).
func (c *Capture) Value(header http.Header, root *Node) (string, error) {
	fail := func(format string, args ...any) (string, error) {
		return "", &CaptureError{Var: c.Var, From: c.From, Reason: fmt.Sprintf(format, args...)}
	}
	switch c.From {
	case FromLocation:
		loc := header.Get("Location")
		if loc == "" {
			return fail("the response has no Location header")
		}
		id := lastSegment(loc)
		if id == "" {
			return fail("the Location header has no path")
		}
		return id, nil
	case FromHeader:
		v := header.Get(c.Arg)
		if v == "" {
			return fail("the response has no %s header", c.Arg)
		}
		return v, nil
	case FromID, FromHref:
		if root == nil {
			return fail("the response body is not an XML or JSON document")
		}
		v, ok := root.Attr(c.From.String())
		if !ok || v == "" {
			return fail("the response's root element has no %s", c.From)
		}
		if c.From == FromHref {
			return hrefPath(v), nil
		}
		return v, nil
	case FromPath:
		p, err := ParsePath(c.Arg)
		if err != nil {
			return fail("%v", err)
		}
		if root == nil {
			return fail("the response body is not an XML or JSON document")
		}
		v, err := p.Eval(root)
		if err != nil {
			return fail("path %s: %v", c.Arg, err)
		}
		return v, nil
	}
	return fail("unknown source")
}

// lastSegment returns the last path segment of a URL or path, without
// matrix parameters.
func lastSegment(ref string) string {
	p := hrefPath(ref)
	p = strings.TrimRight(p, "/")
	i := strings.LastIndexByte(p, '/')
	seg := p[i+1:]
	seg, _, _ = strings.Cut(seg, ";")
	return seg
}

// hrefPath returns the path of an absolute or relative URL.
func hrefPath(ref string) string {
	u, err := url.Parse(ref)
	if err != nil || u.Path == "" {
		p, _, _ := strings.Cut(ref, "?")
		return p
	}
	return u.EscapedPath()
}
