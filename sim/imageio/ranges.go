package imageio

import (
	"fmt"
	"math"
	"strings"
)

// byteRange is a Range request header as ovirt-imageio reads it
// (ovirt_imageio/_internal/http.py, class Range): one range only,
// "bytes=FIRST-LAST", "bytes=FIRST-" or the suffix form "bytes=-N", which
// parses (first is then -N) but GET refuses. last is -1 when absent.
type byteRange struct {
	first, last int64
}

// contentRange is a Content-Range request header as ovirt-imageio reads it
// (class ContentRange): "bytes FIRST-LAST/COMPLETE" where LAST and
// COMPLETE may be "*" (-1 here).
type contentRange struct {
	first, last, complete int64
}

// parseRange parses a Range header. Like the real daemon it is strict: no
// spaces, no other unit, no multiple ranges, nothing after the range; an
// invalid range is refused (416) rather than ignored, since answering a
// ranged read with the whole image corrupts the client's copy.
func parseRange(h string) (byteRange, *httpError) {
	invalid := func(why string) (byteRange, *httpError) {
		return byteRange{}, &httpError{status: statusRangeNotSatisfiable, msg: fmt.Sprintf("Cannot satisfy range %s, %s", pyRepr(h), why)}
	}
	spec, ok := strings.CutPrefix(h, "bytes=")
	if !ok {
		return invalid("invalid range or multiple ranges")
	}
	a, b, ok := strings.Cut(spec, "-")
	if !ok || !digits(a) || !digits(b) {
		return invalid("invalid range or multiple ranges")
	}
	switch {
	case a == "" && b == "":
		return invalid("no first or last")
	case a == "":
		return byteRange{first: -atoi(b), last: -1}, nil
	case b == "":
		return byteRange{first: atoi(a), last: -1}, nil
	}
	r := byteRange{first: atoi(a), last: atoi(b)}
	if r.first > r.last {
		return invalid("first > last")
	}
	return r, nil
}

// parseContentRange parses a Content-Range header of a PUT.
func parseContentRange(h string) (contentRange, *httpError) {
	invalid := func(why string) (contentRange, *httpError) {
		return contentRange{}, &httpError{status: statusBadRequest, msg: "Invalid Content-Range " + pyRepr(h) + why}
	}
	spec, ok := strings.CutPrefix(h, "bytes ")
	if !ok {
		return invalid("")
	}
	a, rest, ok := strings.Cut(spec, "-")
	if !ok {
		return invalid("")
	}
	b, c, ok := strings.Cut(rest, "/")
	if !ok || a == "" || !digits(a) || !starOrNumber(b) || !starOrNumber(c) {
		return invalid("")
	}
	r := contentRange{first: atoi(a), last: starOrAtoi(b), complete: starOrAtoi(c)}
	if r.last >= 0 && r.last < r.first {
		return invalid(", first > last")
	}
	if r.complete >= 0 && r.last >= 0 && r.last >= r.complete {
		return invalid(", last >= complete")
	}
	return r, nil
}

// digits reports whether s is made of ASCII digits only (or empty).
func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func starOrNumber(s string) bool { return s == "*" || (s != "" && digits(s)) }

func starOrAtoi(s string) int64 {
	if s == "*" {
		return -1
	}
	return atoi(s)
}

// atoi converts ASCII digits, saturating at math.MaxInt64: the daemon's
// integers are unbounded, and a position that large fails the ticket's
// range check just the same.
func atoi(s string) int64 {
	var n int64
	for i := 0; i < len(s); i++ {
		d := int64(s[i] - '0')
		if n > (math.MaxInt64-d)/10 {
			return math.MaxInt64
		}
		n = n*10 + d
	}
	return n
}
