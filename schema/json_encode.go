package schema

import (
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/beevik/etree"
)

// EncodeJSON writes el, an element of type t (nil when unknown), to w in
// the engine's JSON mapping, as ToJSON converts it, compactly and with the
// properties in document order: the same element always encodes to the
// same bytes. json.Indent keeps that order if people are to read it.
func (m *Model) EncodeJSON(w io.Writer, el *etree.Element, t *Type) error {
	if el == nil {
		return errors.New("schema: encode json: no element")
	}
	if _, err := w.Write(appendElementJSON(nil, el, t)); err != nil {
		return fmt.Errorf("schema: encode json: %w", err)
	}
	return nil
}

func appendElementJSON(b []byte, el *etree.Element, t *Type) []byte {
	if jsonLeaf(el, t) {
		return appendJSONString(b, elementText(el))
	}
	b = append(b, '{')
	for i, mb := range jsonMembers(el, t) {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, mb.key)
		b = append(b, ':')
		switch {
		case mb.isAttr:
			b = appendJSONString(b, mb.attr)
		case mb.array:
			b = append(b, '[')
			for j, c := range mb.els {
				if j > 0 {
					b = append(b, ',')
				}
				b = appendElementJSON(b, c, mb.typ)
			}
			b = append(b, ']')
		default:
			b = appendElementJSON(b, mb.els[0], mb.typ)
		}
	}
	return append(b, '}')
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string. Invalid UTF-8 becomes
// U+FFFD; U+2028 and U+2029 are escaped so the output is also valid
// JavaScript.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
		default:
			i += n
			continue
		}
		i += n
		start = i
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// JSONRoot returns the root element name and type that a JSON body has
// for target t: the engine's JSON does not name its root, so the route (its
// input for a request, its output for a response), or else t.Type, decides.
// On an error status it is <fault>; for an action route, a body whose
// properties are an action's rather than a fault's (a failed action,
// {"status": "failed", "fault": {...}}) is <action>, which is why the
// decoded body v is asked for; it may be nil. The name is "" when the
// target names no body.
func (m *Model) JSONRoot(v any, t Target) (string, *Type) {
	name, typ, _ := m.jsonRoot(v, t)
	return name, typ
}

// jsonRoot is JSONRoot that also returns the route's body when the root's
// children must be the parameters of that action.
func (m *Model) jsonRoot(v any, t Target) (string, *Type, *Body) {
	if t.Status >= 400 && t.Direction == Response {
		if t.Route != nil && t.Route.Kind == Action && m.elements["action"] != nil && looksLikeAction(m, v) {
			return "action", m.elements["action"], nil
		}
		return "fault", m.elements["fault"], nil
	}
	if t.Route != nil {
		body := t.Route.Output
		if t.Direction == Request {
			body = t.Route.Input
		}
		if body != nil {
			if t.Direction == Request && (t.Route.Kind == Action || t.Route.Kind == Remove) {
				return body.Element, body.Type, body
			}
			return body.Element, body.Type, nil
		}
	}
	if t.Type != nil {
		name := m.ElementOf(t.Type)
		if name == "" {
			name = t.Type.Name
		}
		return name, t.Type, nil
	}
	return "", nil, nil
}

// looksLikeAction reports whether a property of v belongs to an action and
// not to a fault.
func looksLikeAction(m *Model, v any) bool {
	obj, ok := v.(map[string]any)
	if !ok {
		return false
	}
	fault, action := m.elements["fault"], m.elements["action"]
	for k := range obj {
		if (fault == nil || fault.Elem(k) == nil) && action.Elem(k) != nil {
			return true
		}
	}
	return false
}

// DocumentJSON converts an XML document to the engine's JSON mapping,
// encoded as EncodeJSON does. The root's type is the target's (see
// JSONRoot) when the root element is the one the target expects, and
// otherwise the model's type for that element.
func (m *Model) DocumentJSON(doc *etree.Document, t Target) ([]byte, error) {
	root := doc.Root()
	if root == nil {
		return nil, errors.New("schema: document to json: the document has no root element")
	}
	return appendElementJSON(nil, root, m.documentType(root, t)), nil
}

// DocumentToJSON is DocumentJSON as decoded values (see ToJSON).
func (m *Model) DocumentToJSON(doc *etree.Document, t Target) any {
	root := doc.Root()
	if root == nil {
		return nil
	}
	return m.ToJSON(root, m.documentType(root, t))
}

func (m *Model) documentType(root *etree.Element, t Target) *Type {
	if name, typ, _ := m.jsonRoot(nil, t); root.Space == "" && name == root.Tag && typ != nil {
		return typ
	}
	if root.Space != "" {
		return nil
	}
	return m.elements[root.Tag]
}

// JSONDocument decodes a JSON body within the limits and converts it to
// the XML document it stands for (see FromJSON), its root chosen by
// JSONRoot. Decoding errors are *ParseError; a target that names no body
// or a body with no XML form gives an error wrapping ErrNoXMLForm.
func (m *Model) JSONDocument(data []byte, t Target, lim Limits) (*etree.Document, error) {
	v, err := DecodeJSON(data, lim)
	if err != nil {
		return nil, err
	}
	name, typ := m.JSONRoot(v, t)
	if name == "" {
		return nil, fmt.Errorf("schema: json body: the target names no body type (give a route or a type): %w", ErrNoXMLForm)
	}
	el, err := m.FromJSON(v, name, typ)
	if err != nil {
		return nil, err
	}
	doc := etree.NewDocument()
	doc.SetRoot(el)
	return doc, nil
}
