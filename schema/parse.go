package schema

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"

	"github.com/beevik/etree"
)

// Limits bound what a validator accepts, so that a hostile or broken body
// costs bounded memory and time. Zero values take the defaults.
type Limits struct {
	// MaxBytes is the largest body validated (default 64 MiB).
	MaxBytes int64
	// MaxDepth is the deepest element nesting accepted (default 256; the
	// deepest real oVirt document nests about 12 levels).
	MaxDepth int
	// MaxViolations stops collecting after this many (default 100).
	MaxViolations int
}

// Default limits.
const (
	DefaultMaxBytes      = 64 << 20
	DefaultMaxDepth      = 256
	DefaultMaxViolations = 100
)

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = DefaultMaxDepth
	}
	if l.MaxViolations <= 0 {
		l.MaxViolations = DefaultMaxViolations
	}
	return l
}

// Errors a body can fail to parse with. They are wrapped in *ParseError.
var (
	ErrTooLarge = errors.New("body exceeds the size limit")
	ErrTooDeep  = errors.New("elements nest deeper than the limit")
	ErrDoctype  = errors.New("DOCTYPE declarations are refused (entities are never expanded)")
	ErrEmpty    = errors.New("body is empty")
	ErrNotXML   = errors.New("body is not XML")
)

// ParseError says why a body could not be read as a document.
type ParseError struct {
	Rule   string // RuleMalformed, RuleDoctype or RuleLimit
	Line   int
	Column int
	Err    error
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %v", e.Line, e.Err)
	}
	return e.Err.Error()
}

func (e *ParseError) Unwrap() error { return e.Err }

// ParseXML reads data into an etree document within the limits, refusing
// DOCTYPE declarations. Errors are *ParseError.
func ParseXML(data []byte, lim Limits) (*etree.Document, error) { return parseXML(data, lim) }

// ParseViolation turns a ParseXML or JSON decoding error into the violation
// a validator reports for it.
func ParseViolation(err error) Violation { return parseViolation(err) }

// parseXML reads data into an etree document within the limits. A DOCTYPE
// is refused before the parser sees it; encoding/xml underneath expands no
// entity but the five predefined ones.
func parseXML(data []byte, lim Limits) (*etree.Document, error) {
	lim = lim.withDefaults()
	if int64(len(data)) > lim.MaxBytes {
		return nil, &ParseError{Rule: RuleLimit, Err: fmt.Errorf("%w (%d bytes, limit %d)", ErrTooLarge, len(data), lim.MaxBytes)}
	}
	if hasDoctype(data) {
		return nil, &ParseError{Rule: RuleDoctype, Err: ErrDoctype}
	}
	doc := etree.NewDocument()
	doc.ReadSettings.MaxDepth = lim.MaxDepth
	if _, err := doc.ReadFrom(bytes.NewReader(data)); err != nil {
		return nil, classifyParseError(err)
	}
	root := doc.Root()
	if root == nil {
		if len(bytes.TrimSpace(data)) == 0 {
			return nil, &ParseError{Rule: RuleMalformed, Err: ErrEmpty}
		}
		return nil, &ParseError{Rule: RuleMalformed, Err: ErrNotXML}
	}
	roots := 0
	for _, t := range doc.Child {
		switch c := t.(type) {
		case *etree.Directive:
			return nil, &ParseError{Rule: RuleDoctype, Err: ErrDoctype}
		case *etree.Element:
			roots++
		case *etree.CharData:
			if !c.IsWhitespace() {
				return nil, &ParseError{Rule: RuleMalformed, Err: errors.New("XML is not well-formed: text outside the root element")}
			}
		}
	}
	if roots > 1 {
		return nil, &ParseError{Rule: RuleMalformed, Err: errors.New("XML is not well-formed: more than one root element")}
	}
	return doc, nil
}

func classifyParseError(err error) error {
	if errors.Is(err, etree.ErrMaxDepth) {
		return &ParseError{Rule: RuleLimit, Err: ErrTooDeep}
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return &ParseError{Rule: RuleMalformed, Line: se.Line, Err: fmt.Errorf("XML is not well-formed: %s", asciiSafe(se.Msg, 120))}
	}
	if errors.Is(err, etree.ErrXML) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &ParseError{Rule: RuleMalformed, Err: errors.New("XML is not well-formed: unexpected end of document or mismatched tags")}
	}
	return &ParseError{Rule: RuleMalformed, Err: fmt.Errorf("XML is not well-formed: %s", asciiSafe(err.Error(), 120))}
}

// hasDoctype reports whether the prolog (before the root element) holds a
// <!DOCTYPE declaration.
func hasDoctype(data []byte) bool {
	i := 0
	if bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		i = 3
	}
	for i < len(data) {
		switch c := data[i]; {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			i++
		case bytes.HasPrefix(data[i:], []byte("<?")):
			j := bytes.Index(data[i:], []byte("?>"))
			if j < 0 {
				return false
			}
			i += j + 2
		case bytes.HasPrefix(data[i:], []byte("<!--")):
			j := bytes.Index(data[i:], []byte("-->"))
			if j < 0 {
				return false
			}
			i += j + 3
		default:
			return bytes.HasPrefix(data[i:], []byte("<!DOCTYPE")) || bytes.HasPrefix(data[i:], []byte("<!ENTITY"))
		}
	}
	return false
}

// Pos is a line and column (both from 1) in a document.
type Pos struct{ Line, Column int }

// ordinals numbers the wanted elements by their place in document order
// (the root is 0).
func ordinals(root *etree.Element, want map[*etree.Element]struct{}) map[*etree.Element]int {
	out := make(map[*etree.Element]int, len(want))
	n := 0
	var walk func(e *etree.Element)
	walk = func(e *etree.Element) {
		if _, ok := want[e]; ok {
			out[e] = n
		}
		n++
		for _, c := range e.Child {
			if ce, ok := c.(*etree.Element); ok {
				walk(ce)
			}
		}
	}
	walk(root)
	return out
}

// positions finds where the start tags numbered ords (document order) are.
func positions(r io.Reader, ords []int) map[int]Pos {
	want := make(map[int]bool, len(ords))
	for _, o := range ords {
		want[o] = true
	}
	out := make(map[int]Pos, len(ords))
	d := xml.NewDecoder(r)
	d.Strict = false
	n := 0
	for len(out) < len(want) {
		line, col := d.InputPos()
		tok, err := d.RawToken()
		if err != nil {
			break
		}
		if _, ok := tok.(xml.StartElement); ok {
			if want[n] {
				out[n] = Pos{Line: line, Column: col}
			}
			n++
		}
	}
	return out
}
