package schema

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/beevik/etree"
)

// The engine's JSON mapping, which ToJSON and FromJSON follow:
//
//   - an element of complex type is an object; its attributes (id, href,
//     rel) are string properties beside its child elements;
//   - a simple value is a string, as the engine writes it ("false", "0");
//   - an element that may repeat (link, a collection's or list wrapper's
//     item) is an array, even with one item;
//   - the root element's name is not written: a collection <vms> is
//     {"vm": [...]} ({} when empty), <actions> is {"link": [...]}.
//
// The model, not the document, says which elements repeat, so a list of one
// is still an array. Elements the model does not know are converted as they
// stand (a leaf is a string, repeated siblings an array), so that a
// validator sees in JSON what was wrong in XML.

// jsonTextKey is the property that holds the text of a complex type with
// simple content (attributes and a value; only XSD-imported models have them).
const jsonTextKey = "value"

// jsonMember is one property of the object converted from an element: an
// attribute, or the child elements of one name.
type jsonMember struct {
	key    string
	isAttr bool
	attr   string
	typ    *Type // the child elements' type, nil when unknown
	els    []*etree.Element
	array  bool
}

// jsonMembers groups el's attributes and child elements into properties,
// in document order (attributes first, then each element name at its first
// occurrence).
func jsonMembers(el *etree.Element, t *Type) []jsonMember {
	out := make([]jsonMember, 0, len(el.Attr)+len(el.Child))
	for i := range el.Attr {
		a := &el.Attr[i]
		if a.Space == "xmlns" || (a.Space == "" && a.Key == "xmlns") || a.Space == "xsi" {
			continue
		}
		out = append(out, jsonMember{key: a.FullKey(), isAttr: true, attr: a.Value})
	}
	nattr := len(out)
	for _, tok := range el.Child {
		c, ok := tok.(*etree.Element)
		if !ok {
			continue
		}
		key := c.FullTag()
		found := false
		for i := nattr; i < len(out); i++ {
			if out[i].key == key {
				out[i].els = append(out[i].els, c)
				out[i].array = true
				found = true
				break
			}
		}
		if found {
			continue
		}
		mb := jsonMember{key: key, els: []*etree.Element{c}}
		if t != nil && c.Space == "" {
			if e := t.Elem(c.Tag); e != nil {
				mb.typ = e.Type
				mb.array = e.Max == Unbounded || e.Max > 1
			}
		}
		out = append(out, mb)
	}
	if t != nil && t.Text && t.Elem(jsonTextKey) == nil {
		if s := elementText(el); strings.TrimSpace(s) != "" {
			out = append(out, jsonMember{key: jsonTextKey, isAttr: true, attr: s})
		}
	}
	return out
}

// jsonLeaf reports whether el converts to a string: a simple value, or an
// unknown element with neither attributes nor child elements.
func jsonLeaf(el *etree.Element, t *Type) bool {
	if t != nil && !t.Simple {
		return false
	}
	if len(el.Attr) > 0 {
		return false
	}
	for _, tok := range el.Child {
		if _, ok := tok.(*etree.Element); ok {
			return false
		}
	}
	return true
}

// elementText returns the concatenated character data of el's own children.
func elementText(el *etree.Element) string {
	var s string
	for _, tok := range el.Child {
		if c, ok := tok.(*etree.CharData); ok {
			if s == "" {
				s = c.Data
			} else {
				s += c.Data
			}
		}
	}
	return s
}

// ToJSON converts el, an element of type t, to the engine's JSON mapping
// as decoded JSON values: map[string]any, []any and string. t may be nil
// for an element the model does not know. The result can be passed to
// encoding/json or validated; EncodeJSON writes the same value with the
// element order kept.
func (m *Model) ToJSON(el *etree.Element, t *Type) any {
	if el == nil {
		return nil
	}
	if jsonLeaf(el, t) {
		return elementText(el)
	}
	mbs := jsonMembers(el, t)
	obj := make(map[string]any, len(mbs))
	for _, mb := range mbs {
		switch {
		case mb.isAttr:
			obj[mb.key] = mb.attr
		case mb.array:
			arr := make([]any, len(mb.els))
			for i, c := range mb.els {
				arr[i] = m.ToJSON(c, mb.typ)
			}
			obj[mb.key] = arr
		default:
			obj[mb.key] = m.ToJSON(mb.els[0], mb.typ)
		}
	}
	return obj
}

// ErrNoXMLForm is wrapped by FromJSON's errors: the JSON value has no XML
// form (an array in an array, a property name that is not an XML name, a
// character XML cannot hold).
var ErrNoXMLForm = errors.New("JSON value has no XML form")

// FromJSON converts v, a decoded JSON body (objects, arrays, strings,
// numbers as json.Number or float64, booleans), to the element root of type
// t, following the engine's JSON mapping: properties that are attributes of
// t become attributes, the others child elements in the order of t's
// sequence (unknown ones after, sorted), arrays repeated elements, and
// scalars text (numbers as written, booleans "true"/"false"). A null
// property is left out. t may be nil; then every property is an element.
// The result is what the XML validator checks, so a body that breaks the
// model converts to XML that breaks it the same way.
func (m *Model) FromJSON(v any, root string, t *Type) (*etree.Element, error) {
	if !xmlName(root) {
		return nil, fmt.Errorf("schema: json to xml: root %q is not an XML name: %w", asciiSafe(root, 64), ErrNoXMLForm)
	}
	if v == nil {
		return nil, fmt.Errorf("schema: json to xml: the body is null: %w", ErrNoXMLForm)
	}
	el := etree.NewElement(root)
	if err := fillElement(el, v, t, "/"+root); err != nil {
		return nil, err
	}
	return el, nil
}

func fillElement(el *etree.Element, v any, t *Type, path string) error {
	switch x := v.(type) {
	case map[string]any:
		return fillObject(el, x, t, path)
	case []any:
		return fmt.Errorf("schema: json to xml at %s: an array inside an array: %w", path, ErrNoXMLForm)
	}
	s, err := jsonScalarText(v, t, path)
	if err != nil {
		return err
	}
	if s != "" {
		el.SetText(s)
	}
	return nil
}

func fillObject(el *etree.Element, obj map[string]any, t *Type, path string) error {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return memberRank(t, keys[i]) < memberRank(t, keys[j]) ||
			memberRank(t, keys[i]) == memberRank(t, keys[j]) && keys[i] < keys[j]
	})
	for _, k := range keys {
		v := obj[k]
		if v == nil {
			continue
		}
		if t != nil && !isJSONContainer(v) {
			if a := t.Attr(k); a != nil {
				s, err := jsonScalarText(v, a.Type, path+"/@"+k)
				if err != nil {
					return err
				}
				el.CreateAttr(k, s)
				continue
			}
			if k == jsonTextKey && t.Text && t.Elem(jsonTextKey) == nil {
				s, err := jsonScalarText(v, nil, path)
				if err != nil {
					return err
				}
				el.SetText(s)
				continue
			}
		}
		if !xmlName(k) {
			return fmt.Errorf("schema: json to xml at %s: property %q is not an XML name: %w", path, asciiSafe(k, 64), ErrNoXMLForm)
		}
		var ct *Type
		if t != nil {
			if e := t.Elem(k); e != nil {
				ct = e.Type
			}
		}
		items, isArr := v.([]any)
		if !isArr {
			items = []any{v}
		}
		for i, item := range items {
			if item == nil {
				continue
			}
			p := path + "/" + k
			if isArr && len(items) > 1 {
				p += "[" + strconv.Itoa(i+1) + "]"
			}
			if err := fillElement(el.CreateElement(k), item, ct, p); err != nil {
				return err
			}
		}
	}
	return nil
}

// memberRank orders an object's properties as XML needs them: attributes,
// then elements in the type's sequence, then the unknown ones.
func memberRank(t *Type, k string) int {
	if t == nil {
		return 1 << 20
	}
	if t.Attr(k) != nil {
		return -1
	}
	if e := t.Elem(k); e != nil {
		return e.Index
	}
	return 1 << 20
}

func isJSONContainer(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}

// jsonScalarText writes a JSON scalar, the value of type t (nil when
// unknown), as XML text, the way the engine writes the value in XML. A
// number that JSON Schema takes as an integer (1e3, 2.0) is written as
// xs:int and xs:long need it (1000, 2).
func jsonScalarText(v any, t *Type, path string) (string, error) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case bool:
		s = strconv.FormatBool(x)
	case json.Number:
		s = x.String()
		if _, _, isInt := intBitsOf(t); isInt && strings.ContainsAny(s, ".eE") && !hugeNumber(x) {
			if r, ok := new(big.Rat).SetString(s); ok && r.IsInt() {
				s = r.Num().String()
			}
		}
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1e21 {
			s = strconv.FormatFloat(x, 'f', -1, 64)
		} else {
			s = strconv.FormatFloat(x, 'g', -1, 64)
		}
	case int:
		s = strconv.Itoa(x)
	case int64:
		s = strconv.FormatInt(x, 10)
	case nil:
		return "", nil
	default:
		return "", fmt.Errorf("schema: json to xml at %s: a %T is not a JSON value: %w", path, v, ErrNoXMLForm)
	}
	if !xmlText(s) {
		return "", fmt.Errorf("schema: json to xml at %s: a character XML 1.0 cannot hold: %w", path, ErrNoXMLForm)
	}
	return s, nil
}

// intBitsOf is intBits for a simple type that is not an enum.
func intBitsOf(t *Type) (bits uint, signed, ok bool) {
	if t == nil || !t.Simple || t.IsEnum() {
		return 0, false, false
	}
	return intBits(t.Scalar)
}

// xmlName reports whether s is an XML name without a namespace prefix.
func xmlName(s string) bool {
	if s == "" || len(s) > 256 {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || unicode.IsLetter(r):
		case i > 0 && (r == '-' || r == '.' || unicode.IsDigit(r)):
		default:
			return false
		}
	}
	return true
}

// xmlText reports whether every character of s may appear in XML 1.0 text.
func xmlText(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' && c != '\r' {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || (r >= 0xD800 && r <= 0xDFFF) || r == 0xFFFE || r == 0xFFFF {
			return false
		}
		i += n
	}
	return true
}
