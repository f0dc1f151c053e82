package schema

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/beevik/etree"
)

// Limits bound what a validator accepts, so that a hostile or broken body
// costs bounded memory and time. Zero values take the defaults.
type Limits struct {
	// MaxBytes is the largest body held whole to be validated (default
	// DefaultMaxBytes): the --max-body of every command. A body fed to an
	// XMLStream is not held and not bounded by it.
	MaxBytes int64
	// MaxKeys is the most properties one JSON object may have (default
	// 1024; the model's largest type, Snapshot, has 100 members).
	MaxKeys int
	// MaxDepth is the deepest element nesting accepted (default 256; the
	// deepest real oVirt document nests about 12 levels).
	MaxDepth int
	// MaxViolations stops collecting after this many (default 100).
	MaxViolations int
	// MaxNodes is the most nodes a body may hold: the elements and
	// attributes of an XML body, the values of a JSON body (objects, arrays
	// and scalars). The default is one per 16 bytes of MaxBytes (1 Mi for
	// 16 MiB): real engine documents hold one per 26 bytes (compact JSON)
	// to 40 (XML) or more, hostile ones one per 2.
	MaxNodes int
	// MaxAttrs is the most attributes one element may carry (default 256;
	// real elements carry at most three).
	MaxAttrs int
	// MaxNameLen is the longest element or attribute name, in bytes
	// (default 1024; the longest in the model has 50).
	MaxNameLen int
}

// Default limits.
const (
	// DefaultMaxBytes is the one default of --max-body, for every command:
	// the most a command holds of one body whole in memory (16 MiB).
	DefaultMaxBytes      = 16 << 20
	DefaultMaxKeys       = 1024
	DefaultMaxDepth      = 256
	DefaultMaxViolations = 100
	DefaultMaxAttrs      = 256
	DefaultMaxNameLen    = 1024
)

func (l Limits) withDefaults() Limits {
	orDefault(&l.MaxBytes, DefaultMaxBytes)
	orDefault(&l.MaxDepth, DefaultMaxDepth)
	orDefault(&l.MaxViolations, DefaultMaxViolations)
	orDefault(&l.MaxKeys, DefaultMaxKeys)
	orDefault(&l.MaxNodes, int(min(l.MaxBytes/16, math.MaxInt32)))
	orDefault(&l.MaxAttrs, DefaultMaxAttrs)
	orDefault(&l.MaxNameLen, DefaultMaxNameLen)
	return l
}

func orDefault[T int | int64](p *T, d T) {
	if *p <= 0 {
		*p = d
	}
}

// stoppedNote is the last violation of a body with more than the limit.
func stoppedNote(max int) Violation {
	return Finding(RuleLimit, "/", fmt.Sprintf("validation stopped after %d violations", max))
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

// parseXML reads data into an etree document within the limits. The
// scanner decides whether data is well-formed, as it does for the streaming
// validator, so both validators refuse the same bodies (a DOCTYPE anywhere,
// for one); etree then builds the tree.
func parseXML(data []byte, lim Limits) (*etree.Document, error) {
	lim = lim.withDefaults()
	if int64(len(data)) > lim.MaxBytes {
		return nil, &ParseError{Rule: RuleLimit, Err: fmt.Errorf("%w (%d bytes, limit %d)", ErrTooLarge, len(data), lim.MaxBytes)}
	}
	if err := wellFormed(data, lim); err != nil {
		return nil, err
	}
	doc := etree.NewDocument()
	doc.ReadSettings.MaxDepth = lim.MaxDepth
	if _, err := doc.ReadFrom(bytes.NewReader(bytes.TrimPrefix(data, bom))); err != nil {
		return nil, classifyParseError(err)
	}
	if doc.Root() == nil {
		return nil, &ParseError{Rule: RuleMalformed, Err: ErrNotXML}
	}
	return doc, nil
}

// wellFormed checks data with the scanner alone.
func wellFormed(data []byte, lim Limits) error {
	var s scanner
	s.reset(noSink{}, lim)
	s.feed(data, true)
	if s.err != nil {
		return s.err
	}
	return nil
}

// noSink takes what the scanner reads and does nothing with it.
type noSink struct{}

func (noSink) start(*startTag)   {}
func (noSink) end()              {}
func (noSink) text([]byte, bool) {}
func (noSink) release(int64)     {}

func classifyParseError(err error) error {
	if errors.Is(err, etree.ErrMaxDepth) {
		return &ParseError{Rule: RuleLimit, Err: ErrTooDeep}
	}
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return &ParseError{Rule: RuleMalformed, Line: se.Line, Err: fmt.Errorf("XML is not well-formed: %s", asciiSafe(se.Msg, 120))}
	}
	return &ParseError{Rule: RuleMalformed, Err: errors.New("XML is not well-formed: unexpected end of document or mismatched tags")}
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
