package schema

import "errors"

// Errors of a JSON body beyond Limits.MaxNodes or MaxKeys.
var (
	errTooManyValues = errors.New("the document holds more values than the limit")
	errTooManyKeys   = errors.New("an object holds more properties than the limit")
)

// jsonShape checks that data nests no deeper than lim.MaxDepth, holds no
// more than lim.MaxNodes values (objects, arrays and scalars) and no object
// more than lim.MaxKeys properties. It scans bytes, so that a hostile
// document never reaches the decoder's recursion nor costs its memory; it
// judges the shape only, and leaves the syntax to the decoder.
func jsonShape(data []byte, lim Limits) error {
	// A container's items are its commas plus one, once it holds anything.
	type level struct {
		items  int
		object bool
	}
	var stack []level
	nodes := 0
	inString, escaped := false, false
	for _, c := range data {
		if inString {
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		switch c {
		case ' ', '\t', '\r', '\n', ':':
			continue
		case '}', ']':
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			continue
		case ',':
			if len(stack) > 0 {
				top := &stack[len(stack)-1]
				top.items++
				nodes++
				if top.object && top.items > lim.MaxKeys {
					return errTooManyKeys
				}
			}
		default: // a value, or a key, begins
			if n := len(stack); n > 0 && stack[n-1].items == 0 {
				stack[n-1].items, nodes = 1, nodes+1
			} else if n == 0 && nodes == 0 {
				nodes = 1
			}
			switch c {
			case '"':
				inString = true
			case '{', '[':
				if len(stack) >= lim.MaxDepth {
					return ErrTooDeep
				}
				stack = append(stack, level{object: c == '{'})
			}
		}
		if nodes > lim.MaxNodes {
			return errTooManyValues
		}
	}
	return nil
}
