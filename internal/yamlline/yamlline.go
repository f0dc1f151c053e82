// Package yamlline finds the line a YAML syntax error is on.
//
// go.yaml.in/yaml/v3 reports a syntax error at the line where the enclosing
// block began, not where the parser gave up: a list item out of place on
// line 120 of a scenario is reported as "line 2: did not find expected key"
// when the mapping it breaks starts on line 2. The line a person must look
// at is the first one whose inclusion makes the document fail; since every
// prefix of a block-style document that ends at a line break is itself a
// document, that line is found by bisecting the prefixes.
package yamlline

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Error is a YAML syntax error placed on its line.
type Error struct {
	Line int    // 1-based; 0 when the line is unknown
	Msg  string // the parser's message, without "yaml: line N:"
}

func (e *Error) Error() string {
	if e.Line == 0 {
		return "YAML syntax: " + e.Msg
	}
	return fmt.Sprintf("line %d: YAML syntax: %s", e.Line, e.Msg)
}

// Syntax places err, returned by parsing data, on the line it is on. Errors
// that are not syntax errors (a *yaml.TypeError carries right lines of its
// own) are returned as they are.
func Syntax(data []byte, err error) error {
	if err == nil {
		return nil
	}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return err
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	reported := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		num, after, found := strings.Cut(rest, ":")
		if n, convErr := strconv.Atoi(num); convErr == nil && found {
			reported, msg = n, strings.TrimSpace(after)
		}
	}
	line := FirstBadLine(data)
	if line == 0 {
		line = reported
	}
	return &Error{Line: line, Msg: msg}
}

// FirstBadLine returns the 1-based number of the first line whose inclusion
// makes data fail to parse as YAML, or 0 when data parses.
func FirstBadLine(data []byte) int {
	if parses(data) {
		return 0
	}
	ends := lineEnds(data)
	// Invariant: the first lo lines parse; the first hi lines do not.
	lo, hi := 0, len(ends)
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if parses(data[:ends[mid-1]]) {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}

// lineEnds returns the offset just past each line (the last may lack its
// line break).
func lineEnds(data []byte) []int {
	var ends []int
	for off := 0; off < len(data); {
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			ends = append(ends, len(data))
			break
		}
		off += i + 1
		ends = append(ends, off)
	}
	return ends
}

func parses(data []byte) bool {
	var n yaml.Node
	return yaml.Unmarshal(data, &n) == nil
}
