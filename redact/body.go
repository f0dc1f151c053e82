package redact

import (
	"bytes"
	"encoding/json"
)

// rewriter copies src to out, replacing ranges; out stays nil until the
// first replacement so that bodies without secrets are not copied.
type rewriter struct {
	src  []byte
	out  []byte
	last int
}

// replace writes src[last:from], then with, and skips src[from:to].
func (w *rewriter) replace(from, to int, with string) {
	if w.out == nil {
		w.out = make([]byte, 0, len(w.src)+len(with))
	}
	w.out = append(w.out, w.src[w.last:from]...)
	w.out = append(w.out, with...)
	w.last = to
}

func (w *rewriter) result() []byte {
	if w.out == nil {
		return w.src
	}
	return append(w.out, w.src[w.last:]...)
}

// XML redacts the content of every element and the value of every
// attribute named like a secret (<password>, <root_password>,
// <ns:token>, password="..."), keeping every other byte. Comments and
// CDATA sections are searched too. An element that is never closed is
// masked to the end of the body.
func XML(body []byte) []byte {
	w := &rewriter{src: body}
	for i := 0; i < len(body); {
		j := bytes.IndexByte(body[i:], '<')
		if j < 0 {
			break
		}
		j += i
		nameEnd := j + 1
		for nameEnd < len(body) && !isXMLDelim(body[nameEnd]) {
			nameEnd++
		}
		name := body[j+1 : nameEnd]
		if len(name) == 0 || name[0] == '/' || name[0] == '!' || name[0] == '?' {
			i = j + 1
			continue
		}
		secret := IsSecretName(string(name))
		if secret {
			if end, _ := xmlAttrs(nil, body, nameEnd); end >= len(body) {
				// A secret start tag that never ends: mask all of it.
				w.replace(nameEnd, len(body), " "+Mask)
				break
			}
		}
		tagEnd, selfClosing := xmlAttrs(w, body, nameEnd)
		if tagEnd >= len(body) {
			break
		}
		i = tagEnd + 1
		if selfClosing || !secret {
			continue
		}
		closeAt := xmlClose(body, name, i)
		w.replace(i, closeAt, Mask)
		i = closeAt
	}
	return w.result()
}

func isXMLDelim(c byte) bool {
	return isSpace(c) || c == '/' || c == '>' || c == '<'
}

// xmlAttrs scans a start tag's attributes from the end of its name,
// masking secret attribute values (unless w is nil), and returns the index of the tag's '>'
// (len(body) when the tag is never closed) and whether it ends with "/>".
func xmlAttrs(w *rewriter, body []byte, k int) (int, bool) {
	for k < len(body) {
		switch c := body[k]; {
		case c == '>':
			return k, body[k-1] == '/'
		case c == '<':
			// A '<' inside a tag: the tag was never closed.
			return len(body), false
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '/':
			k++
			continue
		}
		start := k
		for k < len(body) && body[k] != '=' && body[k] != '>' && body[k] != '<' && !isSpace(body[k]) {
			k++
		}
		attr := string(body[start:k])
		k = skipSpace(body, k)
		if k >= len(body) || body[k] != '=' {
			continue
		}
		k = skipSpace(body, k+1)
		if k >= len(body) {
			break
		}
		vStart, vEnd := k, k
		if q := body[k]; q == '"' || q == '\'' {
			vStart = k + 1
			if e := bytes.IndexByte(body[vStart:], q); e >= 0 {
				vEnd = vStart + e
				k = vEnd + 1
			} else {
				vEnd, k = len(body), len(body)
			}
		} else {
			for k < len(body) && body[k] != '>' && !isSpace(body[k]) {
				k++
			}
			vEnd = k
		}
		if w != nil && IsSecretName(attr) {
			w.replace(vStart, vEnd, Mask)
		}
	}
	return len(body), false
}

var (
	cdataOpen  = []byte("![CDATA[")
	cdataClose = []byte("]]>")
)

// xmlClose returns the index of the "</name" that closes an element whose
// content starts at i, counting nested elements of the same name, or
// len(body) when there is none.
func xmlClose(body, name []byte, i int) int {
	depth := 1
	for i < len(body) {
		j := bytes.IndexByte(body[i:], '<')
		if j < 0 {
			break
		}
		j += i
		rest := body[j+1:]
		if bytes.HasPrefix(rest, cdataOpen) {
			// A CDATA section may hold "</name>" as text.
			e := bytes.Index(rest, cdataClose)
			if e < 0 {
				break
			}
			i = j + 1 + e + len(cdataClose)
			continue
		}
		closing := len(rest) > 0 && rest[0] == '/'
		if closing {
			rest = rest[1:]
		}
		if bytes.HasPrefix(rest, name) && (len(rest) == len(name) || isXMLDelim(rest[len(name)])) {
			if closing {
				depth--
				if depth == 0 {
					return j
				}
			} else if e := bytes.IndexByte(rest, '>'); e < 0 || rest[e-1] != '/' {
				depth++
			}
		}
		i = j + 1
	}
	return len(body)
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func skipSpace(b []byte, k int) int {
	for k < len(b) && isSpace(b[k]) {
		k++
	}
	return k
}

// maskedJSON is what a secret JSON value becomes.
const maskedJSON = `"` + Mask + `"`

// JSON redacts the value of every object member named like a secret
// ("password", "access_token", "id_token", "refresh_token"), whatever the
// value is (a string, a number, an object), keeping every other byte. A
// body cut short inside a secret is masked to its end.
func JSON(body []byte) []byte {
	w := &rewriter{src: body}
	for i := 0; i < len(body); {
		if body[i] != '"' {
			i++
			continue
		}
		end := jsonStringEnd(body, i)
		k := skipSpace(body, end)
		if k >= len(body) || body[k] != ':' || !IsSecretName(jsonKey(body[i:end])) {
			i = end
			continue
		}
		v := skipSpace(body, k+1)
		vEnd := jsonValueEnd(body, v)
		w.replace(v, vEnd, maskedJSON)
		i = vEnd
	}
	return w.result()
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
// hide a secret's name.
func jsonKey(q []byte) string {
	if bytes.IndexByte(q, '\\') < 0 {
		if len(q) >= 2 && q[len(q)-1] == '"' {
			return string(q[1 : len(q)-1])
		}
		return string(bytes.TrimPrefix(q, []byte(`"`)))
	}
	var s string
	if json.Unmarshal(q, &s) == nil {
		return s
	}
	return string(q)
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
