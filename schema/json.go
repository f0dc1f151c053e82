package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// DecodeJSON decodes a JSON body within the limits, numbers kept as
// json.Number, refusing documents beyond lim.MaxDepth, MaxNodes or MaxKeys
// before the decoder builds anything, and data after the top-level value.
// Errors are *ParseError and never echo the body.
func DecodeJSON(data []byte, lim Limits) (any, error) {
	lim = lim.withDefaults()
	if int64(len(data)) > lim.MaxBytes {
		return nil, &ParseError{Rule: RuleLimit, Err: fmt.Errorf("%w (%d bytes, limit %d)", ErrTooLarge, len(data), lim.MaxBytes)}
	}
	if !utf8.Valid(data) {
		// encoding/json would quietly turn the bad bytes into U+FFFD; RFC
		// 8259 requires UTF-8, and the XML parser refuses them too.
		return nil, &ParseError{Rule: RuleMalformed, Err: errors.New("JSON is not well-formed: invalid UTF-8")}
	}
	if err := jsonShape(data, lim); err != nil {
		return nil, &ParseError{Rule: RuleLimit, Err: err}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, jsonParseError(data, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, &ParseError{Rule: RuleMalformed, Err: errors.New("JSON is not well-formed: data after the top-level value")}
	}
	return v, nil
}

func jsonParseError(data []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line := 1 + bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n"))
		return &ParseError{Rule: RuleMalformed, Line: line, Err: fmt.Errorf("JSON is not well-formed: %s", asciiSafe(se.Error(), 120))}
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return &ParseError{Rule: RuleMalformed, Err: errors.New("JSON is not well-formed: unexpected end of input")}
	}
	return &ParseError{Rule: RuleMalformed, Err: fmt.Errorf("JSON is not well-formed: %s", asciiSafe(err.Error(), 120))}
}

// ValidateJSON validates a JSON body against the model.
func (m *Model) ValidateJSON(data []byte, t Target, lim Limits) Result {
	r, _ := m.ValidateJSONValue(data, t, lim)
	return r
}

// ValidateJSONValue validates a JSON body and also returns it decoded
// (nil when it is not well-formed).
func (m *Model) ValidateJSONValue(data []byte, t Target, lim Limits) (Result, any) {
	v, err := DecodeJSON(data, lim)
	if err != nil {
		return Result{Violations: []Violation{parseViolation(err)}}, nil
	}
	return m.validateJSON(v, t, lim), v
}
