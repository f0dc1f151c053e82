package imageio

import (
	"math"
	"regexp"
	"strconv"
	"testing"
)

// The daemon's own patterns (ovirt_imageio/_internal/http.py, matched with
// re.match, so anchored at the start, with $ at the end):
//
//	class Range:        _rx = re.compile(r"bytes=(\d*)-(\d*)$")
//	class ContentRange: _rx = re.compile(r"bytes (\d+)-(\d+|\*)/(\d+|\*)$")
//
// The tests hold the parsers to them (ASCII digits; Python's \d also takes
// other scripts' digits, which no client sends).
var (
	rangeRx        = regexp.MustCompile(`^bytes=([0-9]*)-([0-9]*)$`)
	contentRangeRx = regexp.MustCompile(`^bytes ([0-9]+)-([0-9]+|\*)/([0-9]+|\*)$`)
)

func TestParseRange(t *testing.T) {
	for _, tc := range []struct {
		header      string
		first, last int64
		msg         string
	}{
		{"bytes=0-99", 0, 99, ""},
		{"bytes=5-5", 5, 5, ""},
		{"bytes=100-", 100, -1, ""},
		{"bytes=-42", -42, -1, ""},
		{"bytes=99999999999999999999-", math.MaxInt64, -1, ""},
		{"bytes=-", 0, 0, "Cannot satisfy range 'bytes=-', no first or last"},
		{"bytes=9-1", 0, 0, "Cannot satisfy range 'bytes=9-1', first > last"},
		{"bytes=0-1,5-9", 0, 0, "Cannot satisfy range 'bytes=0-1,5-9', invalid range or multiple ranges"},
		{"bytes=0-1 ", 0, 0, "Cannot satisfy range 'bytes=0-1 ', invalid range or multiple ranges"},
		{"Bytes=0-1", 0, 0, "Cannot satisfy range 'Bytes=0-1', invalid range or multiple ranges"},
		{"bytes = 0-1", 0, 0, "Cannot satisfy range 'bytes = 0-1', invalid range or multiple ranges"},
		{"items=0-1", 0, 0, "Cannot satisfy range 'items=0-1', invalid range or multiple ranges"},
		{"", 0, 0, "Cannot satisfy range '', invalid range or multiple ranges"},
	} {
		t.Run(tc.header, func(t *testing.T) {
			r, err := parseRange(tc.header)
			if tc.msg != "" {
				if err == nil || err.msg != tc.msg || err.status != 416 {
					t.Fatalf("got %+v, %v; want 416 %q", r, err, tc.msg)
				}
				return
			}
			if err != nil || r.first != tc.first || r.last != tc.last {
				t.Fatalf("got %+v, %v; want %d-%d", r, err, tc.first, tc.last)
			}
		})
	}
}

func TestParseContentRange(t *testing.T) {
	for _, tc := range []struct {
		header                string
		first, last, complete int64
		msg                   string
	}{
		{"bytes 0-99/*", 0, 99, -1, ""},
		{"bytes 0-99/100", 0, 99, 100, ""},
		{"bytes 7-*/*", 7, -1, -1, ""},
		{"bytes 7-*/3", 7, -1, 3, ""},
		{"bytes 9-1/*", 0, 0, 0, "Invalid Content-Range 'bytes 9-1/*', first > last"},
		{"bytes 0-100/100", 0, 0, 0, "Invalid Content-Range 'bytes 0-100/100', last >= complete"},
		{"bytes */100", 0, 0, 0, "Invalid Content-Range 'bytes */100'"},
		{"bytes=0-1/*", 0, 0, 0, "Invalid Content-Range 'bytes=0-1/*'"},
		{"bytes 0-1", 0, 0, 0, "Invalid Content-Range 'bytes 0-1'"},
		{"bytes -1/*", 0, 0, 0, "Invalid Content-Range 'bytes -1/*'"},
		{"bytes 0-1/*x", 0, 0, 0, "Invalid Content-Range 'bytes 0-1/*x'"},
	} {
		t.Run(tc.header, func(t *testing.T) {
			r, err := parseContentRange(tc.header)
			if tc.msg != "" {
				if err == nil || err.msg != tc.msg || err.status != 400 {
					t.Fatalf("got %+v, %v; want 400 %q", r, err, tc.msg)
				}
				return
			}
			if err != nil || r != (contentRange{tc.first, tc.last, tc.complete}) {
				t.Fatalf("got %+v, %v", r, err)
			}
		})
	}
}

func TestPyRepr(t *testing.T) {
	for in, want := range map[string]string{
		"abc":      `'abc'`,
		"it's":     `"it's"`,
		`a'b"c`:    `'a\'b"c'`,
		"a\\b":     `'a\\b'`,
		"x\ny\x01": `'x\ny\x01'`,
		"\xff":     `'\xff'`,
		"é":        `'é'`,
	} {
		if got := pyRepr(in); got != want {
			t.Errorf("pyRepr(%q) = %s, want %s", in, got, want)
		}
	}
}

// num converts the digits a pattern matched, saturating as the parser
// does; "" and "*" are -1.
func num(s string) int64 {
	if s == "" || s == "*" {
		return -1
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return math.MaxInt64
	}
	return n
}

// FuzzParseRange holds parseRange to the daemon's pattern and checks.
func FuzzParseRange(f *testing.F) {
	for _, s := range []string{"bytes=0-99", "bytes=-5", "bytes=7-", "bytes=-", "bytes=9-1", "bytes=0-1,2-3", "bytes=00-0", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		r, err := parseRange(h)
		m := rangeRx.FindStringSubmatch(h)
		if err != nil {
			if err.status != 416 {
				t.Fatalf("%q: status %d", h, err.status)
			}
			if m != nil && !(m[1] == "" && m[2] == "") && !(m[1] != "" && m[2] != "" && num(m[1]) > num(m[2])) {
				t.Fatalf("%q refused (%v), the daemon accepts it", h, err)
			}
			return
		}
		if m == nil {
			t.Fatalf("%q accepted as %+v, the daemon refuses it", h, r)
		}
		want := byteRange{first: num(m[1]), last: num(m[2])}
		if m[1] == "" {
			want = byteRange{first: -num(m[2]), last: -1}
		}
		if r != want {
			t.Fatalf("%q: got %+v, want %+v", h, r, want)
		}
	})
}

// FuzzParseContentRange holds parseContentRange to the daemon's pattern
// and checks.
func FuzzParseContentRange(f *testing.F) {
	for _, s := range []string{"bytes 0-99/*", "bytes 0-99/100", "bytes 5-*/*", "bytes 9-1/*", "bytes 0-9/9", "bytes */9", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		r, err := parseContentRange(h)
		m := contentRangeRx.FindStringSubmatch(h)
		if m == nil {
			if err == nil {
				t.Fatalf("%q accepted as %+v, the daemon refuses it", h, r)
			}
			return
		}
		want := contentRange{num(m[1]), num(m[2]), num(m[3])}
		valid := (want.last < 0 || want.last >= want.first) && (want.last < 0 || want.complete < 0 || want.last < want.complete)
		switch {
		case valid && (err != nil || r != want):
			t.Fatalf("%q: got %+v, %v; want %+v", h, r, err, want)
		case !valid && (err == nil || err.status != 400):
			t.Fatalf("%q: got %+v, %v; want 400", h, r, err)
		}
	})
}
