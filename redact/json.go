package redact

import (
	"bytes"
	"strconv"
	"unicode/utf8"
)

// maskedJSON is what a secret JSON value becomes.
const maskedJSON = `"` + Mask + `"`

// jsonScan redacts one JSON body.
type jsonScan struct {
	rewriter
	// names holds, for each open object or array, innermost last, the
	// member whose value it is (an array's items inherit its name; nil at
	// the root); deep counts those beyond maxDepth.
	names [][]byte
	deep  int
	first [16][]byte // names' first backing array
	// key is the member whose value comes next, if any.
	key    []byte
	hasKey bool
	// pairs are the open name-value pair objects whose name is secret.
	pairs pairs
}

// JSON redacts a JSON body: the value of every secret member, whatever it
// is (a string, a number, an object), judged by IsSecret with the member
// that holds the object as the parent ({"ticket": {"value": ...}},
// {"password": ...}, {"access_token": ...}), keeping every other byte. At
// the document's root, whose element the engine's JSON leaves unnamed, a
// member secret in any context is secret. A body cut short inside a
// secret is masked to its end.
func JSON(body []byte) []byte {
	s := &jsonScan{rewriter: rewriter{src: body}, pairs: newPairs()}
	s.names = s.first[:0]
	for i := 0; i < len(body); {
		switch body[i] {
		case '"':
			i = s.str(i)
		case '{', '[':
			s.open(i)
			i++
		case '}', ']':
			s.close()
			i++
		case ',':
			s.hasKey = false
			i++
		default:
			i++
		}
	}
	return s.result()
}

// str handles the string at i: a member's name, whose value it masks when
// the member is secret, or a value. It returns where to go on.
func (s *jsonScan) str(i int) int {
	body := s.src
	end := jsonStringEnd(body, i)
	k := skipSpace(body, end)
	if k >= len(body) || body[k] != ':' {
		s.hasKey = false
		return end
	}
	name := jsonKey(body[i:end])
	if !isSecret(s.parent(), name) && !s.pairs.valueSecret(s.depth(), name) {
		s.key, s.hasKey = name, true
		return k + 1
	}
	s.hasKey = false
	v := skipSpace(body, k+1)
	vEnd := jsonValueEnd(body, v)
	if string(body[v:vEnd]) != maskedJSON {
		s.replace(v, vEnd, maskedJSON)
	}
	return vEnd
}

// parent is the member that holds the innermost open object, nil at the
// root or when unknown.
func (s *jsonScan) parent() []byte {
	if s.deep > 0 || len(s.names) == 0 {
		return nil
	}
	return s.names[len(s.names)-1]
}

// depth is the number of open objects and arrays.
func (s *jsonScan) depth() int { return len(s.names) + s.deep }

// open opens the object or array at i.
func (s *jsonScan) open(i int) {
	name := s.parent()
	if s.hasKey {
		name = s.key
	}
	s.hasKey = false
	if s.src[i] == '{' && pairElement(name) && s.pairs.mayLook(i) {
		// A name-value pair (see pairs): {"name": "passwd", "value": ...}.
		end := jsonValueEnd(s.src, i)
		s.pairs.lookedTo = end
		if secretWordOf(jsonPairName(s.src, i, end)) {
			s.pairs.at = s.depth()
		}
	}
	if len(s.names) >= maxDepth {
		s.deep++
		return
	}
	s.names = append(s.names, name)
}

func (s *jsonScan) close() {
	s.hasKey = false
	switch {
	case s.deep > 0:
		s.deep--
	case len(s.names) > 0:
		s.names = s.names[:len(s.names)-1]
	}
	s.pairs.closedTo(s.depth())
}

// jsonStringEnd returns the index after the string starting at body[i]
// (a '"'), or len(body) when it is never closed.
func jsonStringEnd(body []byte, i int) int {
	for k := i + 1; k < len(body); k++ {
		switch body[k] {
		case '\\':
			k++
		case '"':
			return k + 1
		}
	}
	return len(body)
}

// jsonKey decodes a quoted member name; escapes such as \u0070 must not
// hide a secret's name. It is lenient: a bad escape stands for the
// character after the backslash.
func jsonKey(q []byte) []byte {
	q = q[1:]
	if len(q) > 0 && q[len(q)-1] == '"' {
		q = q[:len(q)-1]
	}
	if bytes.IndexByte(q, '\\') < 0 {
		return q
	}
	out := make([]byte, 0, len(q))
	for i := 0; i < len(q); i++ {
		if q[i] != '\\' || i+1 == len(q) {
			out = append(out, q[i])
			continue
		}
		i++
		if q[i] == 'u' && i+4 < len(q) {
			if r, err := strconv.ParseUint(string(q[i+1:i+5]), 16, 32); err == nil {
				out = utf8.AppendRune(out, rune(r))
				i += 4
				continue
			}
		}
		out = append(out, q[i])
	}
	return out
}

// jsonValueEnd returns the index after the JSON value starting at v, or
// len(body) when it runs off the end.
func jsonValueEnd(body []byte, v int) int {
	if v >= len(body) {
		return len(body)
	}
	switch body[v] {
	case '"':
		return jsonStringEnd(body, v)
	case '{', '[':
		depth := 0
		for k := v; k < len(body); k++ {
			switch body[k] {
			case '"':
				k = jsonStringEnd(body, k) - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return k + 1
				}
			}
		}
		return len(body)
	}
	k := v
	for k < len(body) && body[k] != ',' && body[k] != '}' && body[k] != ']' && !isSpace(body[k]) {
		k++
	}
	return k
}
