package redact

import "bytes"

// A name and its value (the model's Option, Property, CustomProperty, ...:
// pairElement) hold a secret when the name says so: a fence agent's
// <option><name>passwd</name><value>...</value></option>, a provider's
// <property><name>password</name>...</property>. The name is found by
// looking ahead into the element, before its value is written out; a
// lookahead never starts inside the span of another, so every byte is
// looked at by one at most and a hostile nesting costs linear time.

// pairs tracks the open pair elements whose name is secret.
type pairs struct {
	// at is the depth of the innermost open pair whose value is secret,
	// -1 when none.
	at int
	// lookedTo is where the last lookahead ended.
	lookedTo int
}

func newPairs() pairs { return pairs{at: -1} }

// mayLook reports whether a lookahead may start at i.
func (p *pairs) mayLook(i int) bool { return i >= p.lookedTo }

// valueSecret reports whether a member named name at depth is the value
// of a pair whose name is secret.
func (p *pairs) valueSecret(depth int, name []byte) bool {
	return p.at >= 0 && depth == p.at+1 && bytes.Equal(localName(name), []byte("value"))
}

// closedTo forgets pairs deeper than depth open elements.
func (p *pairs) closedTo(depth int) {
	if p.at >= depth {
		p.at = -1
	}
}

func localName(name []byte) []byte {
	if i := bytes.LastIndexByte(name, ':'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// secretWordOf reports whether a name's text names a secret.
func secretWordOf(text []byte) bool {
	var buf [64]byte
	text = bytes.TrimSpace(text)
	if len(text) > len(buf) {
		return isSecretWord(normalize(nil, text))
	}
	return isSecretWord(normalize(buf[:], text))
}

// xmlPairName finds a pair's name: its name attribute in the start tag's
// attribute text, else the text of its first <name> child in content.
func xmlPairName(tag, content []byte) []byte {
	if v, ok := xmlAttr(tag, "name"); ok {
		return v
	}
	i := bytes.Index(content, []byte("<name>"))
	if i < 0 {
		return nil
	}
	text := content[i+len("<name>"):]
	if e := bytes.IndexByte(text, '<'); e >= 0 {
		text = text[:e]
	}
	return text
}

// xmlAttr returns the value of attribute attr in a start tag's attribute
// text.
func xmlAttr(tag []byte, attr string) ([]byte, bool) {
	for k := 0; k < len(tag); {
		k = skipSpace(tag, k)
		start := k
		for k < len(tag) && tag[k] != '=' && !isSpace(tag[k]) {
			k++
		}
		name := tag[start:k]
		k = skipSpace(tag, k)
		if k >= len(tag) || tag[k] != '=' {
			if k == start {
				k++
			}
			continue
		}
		k = skipSpace(tag, k+1)
		if k >= len(tag) || (tag[k] != '"' && tag[k] != '\'') {
			return nil, false
		}
		e := bytes.IndexByte(tag[k+1:], tag[k])
		if e < 0 {
			return nil, false
		}
		if string(name) == attr {
			return tag[k+1 : k+1+e], true
		}
		k += e + 2
	}
	return nil, false
}

// jsonPairName returns the string value of the "name" member of the
// object body[i:end] (i at its '{'), if it has one at its top level.
func jsonPairName(body []byte, i, end int) []byte {
	for k := i + 1; k < end; {
		switch body[k] {
		case '"':
			e := jsonStringEnd(body, k)
			v := skipSpace(body, e)
			if v < end && body[v] == ':' {
				v = skipSpace(body, v+1)
				ve := jsonValueEnd(body, v)
				if string(jsonKey(body[k:e])) == "name" && v < end && body[v] == '"' {
					return jsonKey(body[v:ve])
				}
				k = ve
				continue
			}
			k = e
		case '{', '[':
			k = jsonValueEnd(body, k)
		default:
			k++
		}
	}
	return nil
}
