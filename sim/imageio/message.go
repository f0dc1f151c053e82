package imageio

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// message is the JSON object of a PATCH request.
type message map[string]any

// readMessage reads a PATCH body: a JSON object.
func readMessage(body io.Reader) (message, *httpError) {
	data, err := io.ReadAll(io.LimitReader(body, maxPatch+1))
	if err != nil {
		return nil, &httpError{status: statusBadRequest, msg: "Invalid JSON message " + err.Error(), close: true}
	}
	if len(data) > maxPatch {
		return nil, &httpError{status: statusTooLarge, msg: fmt.Sprintf("Invalid JSON message: longer than %d bytes", maxPatch), close: true}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, errorf(statusBadRequest, "Invalid JSON message %v", err)
	}
	if dec.More() {
		return nil, errorf(statusBadRequest, "Invalid JSON message: extra data after the object")
	}
	// The daemon fails with 500 on a message that is no object; a client
	// is better served by a 400 naming the mistake.
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errorf(statusBadRequest, "Invalid JSON message: want an object, got %s", repr(v))
	}
	return m, nil
}

// enum checks that a value is one of values (validate.enum); def is the
// value when absent, "" for a required one.
func enum(v any, present bool, name string, values []string, def string) (string, *httpError) {
	if !present {
		if def != "" {
			return def, nil
		}
		return "", errorf(statusBadRequest, "Missing required value for %s", name)
	}
	if s, ok := v.(string); ok && slices.Contains(values, s) {
		return s, nil
	}
	quoted := make([]string, len(values))
	for i, s := range values {
		quoted[i] = pyRepr(s)
	}
	return "", errorf(statusBadRequest, "Unsupported value %s for %s, expecting one of [%s]", repr(v), pyRepr(name), strings.Join(quoted, ", "))
}

// integer reads a member that must be an integer >= minimum
// (validate.integer); def is its value when absent, nil for a required
// one. Integers beyond int64 saturate: they fail the range checks after.
func (m message) integer(name string, minimum int64, def *int64) (int64, *httpError) {
	v, present := m[name]
	if !present {
		if def != nil {
			return *def, nil
		}
		return 0, errorf(statusBadRequest, "Missing required value for %s", pyRepr(name))
	}
	var n int64
	switch x := v.(type) {
	case bool: // Python's bool is an int.
		if x {
			n = 1
		}
	case json.Number:
		s := string(x)
		if strings.ContainsAny(s, ".eE") {
			return 0, errorf(statusBadRequest, "Integer required %s", repr(v))
		}
		var err error
		if n, err = strconv.ParseInt(s, 10, 64); err != nil {
			n = math.MaxInt64
			if strings.HasPrefix(s, "-") {
				n = math.MinInt64
			}
		}
	default:
		return 0, errorf(statusBadRequest, "Integer required %s", repr(v))
	}
	if n < minimum {
		return 0, errorf(statusBadRequest, "Invalid value %d < %d", n, minimum)
	}
	return n, nil
}

// boolean reads a member that must be true or false (validate.boolean).
func (m message) boolean(name string, def bool) (bool, *httpError) {
	v, present := m[name]
	if !present {
		return def, nil
	}
	b, ok := v.(bool)
	if !ok {
		return false, errorf(statusBadRequest, "Boolean required %s", repr(v))
	}
	return b, nil
}

// repr writes a JSON value as Python's repr writes the value json.loads
// makes of it, for messages.
func repr(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case string:
		return pyRepr(x)
	case json.Number:
		return string(x)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = repr(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = pyRepr(k) + ": " + repr(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprint(v)
}

// sendJSON answers 200 with v as JSON, spaced as Python's json.dumps
// spaces it, and a newline (Response.send_json).
func sendJSON(w http.ResponseWriter, v any) *httpError {
	data, err := json.Marshal(v)
	if err != nil {
		return errorf(statusInternal, "Server failed to perform the request, check logs")
	}
	body := append(pySpacing(data), '\n')
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
	return nil
}

// pySpacing puts a space after every ',' and ':' outside strings of
// compact JSON.
func pySpacing(data []byte) []byte {
	out := make([]byte, 0, len(data)+len(data)/4)
	inString, escaped := false, false
	for _, c := range data {
		out = append(out, c)
		switch {
		case inString && escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case !inString && (c == ',' || c == ':'):
			out = append(out, ' ')
		}
	}
	return out
}
