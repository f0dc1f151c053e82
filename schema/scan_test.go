package schema

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// referenceWellFormed is the well-formedness the scanner must agree with:
// encoding/xml's tokenizer, strict, with etree's checks on top (end tags
// match, one root element, nothing but white space outside it), and the
// scanner's documented departures: a leading byte order mark is taken,
// duplicate attributes and every <! directive are refused.
func referenceWellFormed(data []byte) bool {
	d := xml.NewDecoder(bytes.NewReader(bytes.TrimPrefix(data, bom)))
	d.Strict = true
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil } // as etree does
	var open []xml.Name
	root, done := false, false
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return root && len(open) == 0
		}
		if err != nil {
			return false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(open) == 0 && done {
				return false
			}
			for i := range t.Attr {
				for j := range i {
					if t.Attr[i].Name == t.Attr[j].Name {
						return false
					}
				}
			}
			open, root = append(open, t.Name), true
		case xml.EndElement:
			if len(open) == 0 || open[len(open)-1] != t.Name {
				return false
			}
			open = open[:len(open)-1]
			done = len(open) == 0
		case xml.CharData:
			if len(open) == 0 && notASCIISpace(t) >= 0 {
				return false
			}
		case xml.Directive:
			return false
		}
	}
}

// unbounded lifts the scanner's caps so that only well-formedness decides.
var unbounded = Limits{MaxDepth: 1 << 30, MaxNodes: 1 << 30, MaxAttrs: 1 << 30, MaxNameLen: 1 << 30}

// scanChunks scans data fed in pieces of varying sizes.
func scanChunks(data []byte, lim Limits) *ParseError {
	var s scanner
	s.reset(noSink{}, lim.withDefaults())
	for i, k := 0, 0; ; k++ {
		n := min(len(data)-i, 1+k*7%13)
		chunk := bytes.Clone(data[i : i+n]) // a fresh slice, as a network read gives
		i += n
		s.feed(chunk, i == len(data))
		if i == len(data) {
			return s.err
		}
	}
}

func seedScan(f *testing.F) {
	files, _ := filepath.Glob("../fixtures/bodies/v4/*.xml")
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil && len(data) < 20_000 {
			f.Add(data)
		}
	}
	for _, s := range []string{
		`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n<vm id=\"1\"><name>a &amp; b &#x41;&#65;</name></vm>",
		"\xef\xbb\xbf<a/>", `<a b='1'c="2"/>`, `<a b="1" b="2"/>`, `<a:b:c/>`, `<:a></:a>`, `<a x:="1"/>`,
		`<a><!-- c -- --></a>`, `<a><!---></a>`, `<a><![CDATA[ ]]> ]]></a>`, `<a>]]></a>`, `<a>]]&gt;</a>`,
		`<a><!DOCTYPE x></a>`, `<!DOCTYPE a><a/>`, `<a><?xml version="1.1"?></a>`, `<?xml version='1.0'?><a/>`,
		"<a>&#xD800;&#0;</a>", "<a>&#X41;</a>", "<a>&#;</a>", "<a>&lt</a>", "<a b=\"<\"/>", "<a>\x01</a>",
		"<a>\xc3</a>", "<a>\xef\xbf\xbe</a>", "<a>\u00e9\U0001F600</a>", "<\u00e9/>", "<a\u00a0/>", "&#32;<a/>",
		" <a/> ", "x<a/>", "<a/>x", "<a/><b/>", "</a>", "<a></b>", "<a>", "", "  ", "<?pi?>", "<a/ >", "<a b/>",
	} {
		f.Add([]byte(s))
	}
}

// FuzzScan: on any input, the scanner says well-formed exactly when the
// reference does, and gives the same verdict (error, line and column) fed
// in pieces as fed whole.
func FuzzScan(f *testing.F) {
	seedScan(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		whole := wellFormed(data, unbounded)
		if ref := referenceWellFormed(data); (whole == nil) != ref {
			t.Fatalf("scanner says %v, encoding/xml says well-formed=%v, for %q", whole, ref, data)
		}
		var want *ParseError
		if whole != nil {
			want = whole.(*ParseError)
		}
		got := scanChunks(data, unbounded)
		if (want == nil) != (got == nil) || want != nil && (want.Error() != got.Error() || want.Column != got.Column || want.Rule != got.Rule) {
			t.Fatalf("fed in pieces %v, fed whole %v, for %q", got, want, data)
		}
	})
}

// TestScanLimits: each cap stops the scanner with schema.limit.
func TestScanLimits(t *testing.T) {
	for _, tc := range []struct {
		name string
		body string
		lim  Limits
		want error
	}{
		{"depth", strings.Repeat("<a>", 5) + strings.Repeat("</a>", 5), Limits{MaxDepth: 4}, ErrTooDeep},
		{"elements", "<a>" + strings.Repeat("<b/>", 10) + "</a>", Limits{MaxNodes: 10}, errTooManyNodes},
		{"attributes", `<a b="1" c="2" d="3"/>`, Limits{MaxAttrs: 2}, errTooManyAttrs},
		{"name", "<" + strings.Repeat("n", 65) + "/>", Limits{MaxNameLen: 64}, errNameTooLong},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := wellFormed([]byte(tc.body), tc.lim.withDefaults())
			pe, ok := err.(*ParseError)
			if !ok || pe.Rule != RuleLimit || pe.Err != tc.want {
				t.Fatalf("want %v as %s, got %v", tc.want, RuleLimit, err)
			}
			if wellFormed([]byte(tc.body), Limits{}.withDefaults()) != nil {
				t.Fatal("the default limits must take this body")
			}
		})
	}
}

// TestScanTokenCap: a tag held across pieces may not grow past maxToken.
func TestScanTokenCap(t *testing.T) {
	var s scanner
	s.reset(noSink{}, Limits{}.withDefaults())
	s.feed([]byte(`<a b="`), false)
	chunk := bytes.Repeat([]byte("x"), 64<<10)
	for range maxToken / len(chunk) {
		s.feed(chunk, false)
	}
	if s.err == nil || s.err.Rule != RuleLimit || s.err.Err != errTokenTooLong {
		t.Fatalf("want %v, got %v", errTokenTooLong, s.err)
	}
}
