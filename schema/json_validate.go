package schema

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// jsonCheck is one JSON validation: the violations found so far and what
// they need to be described as the XML validator describes them.
type jsonCheck struct {
	m       *Model
	c       *jsonSchemas
	lenient bool
	action  *Body // set when the root's children must be this action's parameters
	vs      []Violation
	seen    map[string]bool
	// max is Limits.MaxViolations; full: that many were found, and the
	// check stops.
	max  int
	full bool
	// by runs the JSON Schema over a value (checkTree).
	by func(jc *jsonCheck, v any, t *Type, s jsonSpot)
}

// jsonSpot is a place in a JSON body, described in the terms of the XML
// it stands for.
type jsonSpot struct {
	v    any
	t    *Type // the value's type, nil when the model does not know it
	elem *Elem // the element the value is (or, when !item, an array of)
	attr bool  // the value is an attribute's
	item bool  // the value is one item of an element's array
	root bool
	// path is the XML-style location: /vms/vm[3]/memory, /vm/@href.
	path         string
	name, parent string // element (or attribute) name and enclosing element's
}

func (jc *jsonCheck) add(rule, path, reason string) {
	key := rule + "\x00" + path
	if jc.full || jc.seen[key] {
		return
	}
	if len(jc.vs) >= jc.max {
		jc.full = true
		return
	}
	if jc.seen == nil {
		jc.seen = map[string]bool{}
	}
	jc.seen[key] = true
	jc.vs = append(jc.vs, Violation{Rule: rule, Severity: SeverityOf(rule), Location: path, Reason: reason})
}

// child returns the spot of property k of the object at s.
func (s jsonSpot) child(k string, v any) jsonSpot {
	c := jsonSpot{v: v, name: k, parent: s.name}
	if s.t != nil {
		if a := s.t.Attr(k); a != nil && !isJSONContainer(v) {
			c.attr, c.t, c.path = true, a.Type, s.path+"/@"+safeName(k)
			return c
		}
		if e := s.t.Elem(k); e != nil {
			c.elem, c.t = e, e.Type
		}
	}
	c.path = s.path + "/" + safeName(k)
	return c
}

// index returns the spot of item i of the array at s, which has n items.
func (s jsonSpot) index(i, n int, v any) jsonSpot {
	c := s
	c.v, c.item = v, true
	if n > 1 {
		c.path += "[" + strconv.Itoa(i+1) + "]"
	}
	return c
}

// at follows a JSON pointer from s.
func (s jsonSpot) at(pointer string) jsonSpot {
	if pointer == "" {
		return s
	}
	for _, tok := range strings.Split(pointer[1:], "/") {
		tok = strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
		switch cur := s.v.(type) {
		case map[string]any:
			s = s.child(tok, cur[tok])
		case []any:
			i, err := strconv.Atoi(tok)
			if err != nil || i < 0 || i >= len(cur) {
				return s
			}
			s = s.index(i, len(cur), cur[i])
		default:
			return s
		}
	}
	return s
}

// what names the spot in a reason as the XML validator does: <memory>,
// or attribute id of <vm>.
func (s jsonSpot) what() string {
	if s.attr {
		return "attribute " + safeName(s.name) + " of <" + safeName(s.parent) + ">"
	}
	return "<" + safeName(s.name) + ">"
}

// rootShape checks that the body can be the target's root: an object (or
// a scalar for a simple type) whose properties are the type's.
func (jc *jsonCheck) rootShape(v any, root *jsonSpot, t Target) bool {
	if root.t.Simple {
		return true
	}
	what := "type " + root.t.Name
	switch {
	case t.Status >= 400 && t.Direction == Response:
		what = "an error response (status " + strconv.Itoa(t.Status) + ")"
	case t.Route != nil:
		what = "the route " + routeName(t.Route)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		jc.add(RuleWrongRoot, "/", fmt.Sprintf("the body is a JSON %s, but %s expects <%s>, an object", jsonKind(v), what, safeName(root.name)))
		return false
	}
	if len(obj) == 0 {
		return true
	}
	for k := range obj {
		if isJSONProperty(root.t, k) {
			return true
		}
	}
	if !jc.otherRoot(obj, root.t) {
		return true // nothing else either: its properties are reported one by one
	}
	jc.add(RuleWrongRoot, "/", fmt.Sprintf("none of the body's properties belongs to <%s>, which %s expects", safeName(root.name), what))
	return false
}

// otherRoot reports whether obj, none of whose properties belongs to t,
// looks like another document: a property of it belongs to the type of
// another global element (a single resource sent for a collection, a
// resource for a fault).
func (jc *jsonCheck) otherRoot(obj map[string]any, t *Type) bool {
	for _, name := range jc.m.Elements() {
		other := jc.m.elements[name]
		if other == t || other.Simple {
			continue
		}
		for k := range obj {
			if isJSONProperty(other, k) {
				return true
			}
		}
	}
	return false
}

// isJSONProperty reports whether k is a property of t's objects.
func isJSONProperty(t *Type, k string) bool {
	return t.Elem(k) != nil || t.Attr(k) != nil || (k == jsonTextKey && t.Text)
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "number"
}

// actionParams reports the root's elements that are not parameters of the
// action and leaves them out of the rest of the validation, as the XML
// validator does.
func (jc *jsonCheck) actionParams(v any, root jsonSpot) any {
	obj, ok := v.(map[string]any)
	if jc.action == nil || !ok {
		return v
	}
	var drop []string
	for k := range obj {
		if root.t.Attr(k) == nil && root.t.Elem(k) != nil && !jc.action.HasParam(k) {
			drop = append(drop, k)
		}
	}
	if len(drop) == 0 {
		return v
	}
	sort.Strings(drop)
	out := make(map[string]any, len(obj))
	for k, x := range obj {
		out[k] = x
	}
	for _, k := range drop {
		delete(out, k)
		jc.add(RuleUnknownParameter, root.path+"/"+safeName(k),
			fmt.Sprintf("<%s> is not a parameter of this action (it takes: %s)", k, paramList(jc.action.Params)))
	}
	return out
}

// maxJSONNumber bounds the numbers handed to the JSON Schema validator,
// which turns them into exact rationals: a number with a huge exponent or
// thousands of digits would cost it seconds, and one it cannot parse would
// crash it.
const (
	maxJSONNumberLen = 100
	maxJSONExponent  = 400
)

func hugeNumber(n json.Number) bool {
	s := string(n)
	if len(s) > maxJSONNumberLen {
		return true
	}
	i := strings.IndexAny(s, "eE")
	if i < 0 {
		return false
	}
	e, err := strconv.Atoi(strings.TrimPrefix(s[i+1:], "+"))
	return err != nil || e > maxJSONExponent || e < -maxJSONExponent
}

// anyHugeNumber reports whether v holds a number too large to check.
func anyHugeNumber(v any) bool {
	switch x := v.(type) {
	case json.Number:
		return hugeNumber(x)
	case map[string]any:
		for _, c := range x {
			if anyHugeNumber(c) {
				return true
			}
		}
	case []any:
		for _, c := range x {
			if anyHugeNumber(c) {
				return true
			}
		}
	}
	return false
}

// hugeNumbers reports each number too large to check and replaces it by 0
// in a copy of the containers on its way, leaving v unchanged.
func (jc *jsonCheck) hugeNumbers(v any, root jsonSpot) any {
	if !anyHugeNumber(v) {
		return v
	}
	var walk func(v any, s jsonSpot) (any, bool)
	walk = func(v any, s jsonSpot) (any, bool) {
		switch x := v.(type) {
		case json.Number:
			if hugeNumber(x) {
				jc.add(RuleInvalidValue, s.path, s.what()+" is a number too large to check")
				return json.Number("0"), true
			}
		case map[string]any:
			var out map[string]any
			for k, c := range x {
				nc, changed := walk(c, s.child(k, c))
				if changed {
					if out == nil {
						out = make(map[string]any, len(x))
						for k2, c2 := range x {
							out[k2] = c2
						}
					}
					out[k] = nc
				}
			}
			if out != nil {
				return out, true
			}
		case []any:
			var out []any
			for i, c := range x {
				nc, changed := walk(c, s.index(i, len(x), c))
				if changed {
					if out == nil {
						out = append([]any(nil), x...)
					}
					out[i] = nc
				}
			}
			if out != nil {
				return out, true
			}
		}
		return v, false
	}
	out, _ := walk(v, root)
	return out
}

// check validates v, of type t at spot s, with t's JSON Schema and maps
// each leaf error to the XML validator's rule.
func (jc *jsonCheck) check(v any, t *Type, s jsonSpot) {
	sch, err := jc.c.schemaFor(t)
	if err != nil {
		jc.add(RuleLimit, s.path, "the model's JSON Schema has no entry for "+t.Name+", so this was not checked")
		return
	}
	err = sch.Validate(v)
	if err == nil {
		return
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		jc.add(RuleMalformed, s.path, s.what()+" holds a value that is not JSON")
		return
	}
	var leaves []*jsonschema.ValidationError
	var collect func(e *jsonschema.ValidationError)
	collect = func(e *jsonschema.ValidationError) {
		if len(e.Causes) == 0 {
			leaves = append(leaves, e)
		}
		for _, c := range e.Causes {
			collect(c)
		}
	}
	collect(ve)
	sort.SliceStable(leaves, func(i, j int) bool {
		if leaves[i].InstanceLocation != leaves[j].InstanceLocation {
			return leaves[i].InstanceLocation < leaves[j].InstanceLocation
		}
		return leaves[i].AbsoluteKeywordLocation < leaves[j].AbsoluteKeywordLocation
	})
	for _, l := range leaves {
		if jc.full {
			return
		}
		key, kw := jc.c.keyword(l.AbsoluteKeywordLocation)
		jc.leaf(s.at(l.InstanceLocation), jc.c.byKey[key], kw)
	}
}

// keyword splits an absolute keyword location (urn:...:type:Vm#/required)
// into the type's key and the keyword path.
func (c *jsonSchemas) keyword(loc string) (key, kw string) {
	url, frag, _ := strings.Cut(loc, "#")
	key = strings.TrimPrefix(url, c.base)
	return key, strings.TrimPrefix(frag, "/")
}

// leaf maps one leaf error, of keyword kw in the schema of type dt, at
// spot s.
func (jc *jsonCheck) leaf(s jsonSpot, dt *Type, kw string) {
	switch {
	case kw == "additionalProperties":
		jc.unknownProperties(s, dt)
	case kw == "required":
		jc.missing(s, dt)
	case kw == "type" || strings.HasSuffix(kw, "/type"):
		jc.wrongType(s)
	default:
		if dt == nil || !dt.Simple {
			jc.add(RuleInvalidValue, s.path, s.what()+" is not valid")
			return
		}
		if str, ok := s.v.(string); ok && xmlValueOK(dt, str, jc.lenient) {
			return // the XML verdict decides the string form (and its leniency for requests)
		}
		rule, reason := badValue(dt, s.what())
		jc.add(rule, s.path, reason)
	}
}

func (jc *jsonCheck) unknownProperties(s jsonSpot, dt *Type) {
	obj, ok := s.v.(map[string]any)
	if !ok || dt == nil {
		return
	}
	var unknown []string
	for k := range obj {
		if !isJSONProperty(dt, k) {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		if dt.Item != nil {
			jc.add(RuleWrongItem, s.path+"/"+safeName(k), fmt.Sprintf("<%s> holds <%s>, but its items are <%s>", safeName(s.name), safeName(k), dt.Item.Name))
		} else {
			jc.add(RuleUnknownElement, s.path+"/"+safeName(k), fmt.Sprintf("<%s> is not an element of %s", safeName(k), dt.Name))
		}
	}
}

func (jc *jsonCheck) missing(s jsonSpot, dt *Type) {
	obj, ok := s.v.(map[string]any)
	if !ok || dt == nil || (s.root && jc.action != nil) {
		return
	}
	for _, e := range dt.Elems {
		if _, has := obj[e.Name]; e.Min > 0 && !has {
			jc.add(RuleMissingElement, s.path, fmt.Sprintf("<%s> lacks <%s>, which %s requires", safeName(s.name), e.Name, dt.Name))
		}
	}
	for _, a := range dt.Attrs {
		if _, has := obj[a.Name]; a.Required && !has {
			jc.add(RuleMissingElement, s.path, fmt.Sprintf("<%s> lacks attribute %s, which %s requires", safeName(s.name), a.Name, dt.Name))
		}
	}
}

// wrongType reports a value of the wrong JSON type. An array where the
// model has a single element is that element repeated: each extra item is
// reported as XML reports the extra occurrences, and every item is
// validated as the XML validator validates each occurrence.
func (jc *jsonCheck) wrongType(s jsonSpot) {
	arr, isArr := s.v.([]any)
	switch {
	case isArr && s.elem != nil && !s.item && s.elem.Max == 1:
		for i, x := range arr {
			is := s.index(i, len(arr), x)
			if i > 0 {
				jc.add(RuleRepeatedElement, is.path, fmt.Sprintf("<%s> appears more than once in <%s>, where it is single", safeName(s.name), safeName(s.parent)))
			}
			if _, nested := x.([]any); nested {
				jc.add(RuleInvalidValue, is.path, is.what()+" is an array inside an array, which XML cannot hold")
				continue
			}
			jc.by(jc, x, s.t, is)
		}
	case s.elem != nil && !s.item && s.elem.Max != 1:
		jc.add(RuleInvalidValue, s.path, fmt.Sprintf("%s may repeat, so its JSON value is an array, not a JSON %s", s.what(), jsonKind(s.v)))
	case isArr && s.item:
		jc.add(RuleInvalidValue, s.path, s.what()+" is an array inside an array, which XML cannot hold")
	default:
		typ := "an unknown type"
		if s.t != nil {
			typ = s.t.Name
		}
		jc.add(RuleInvalidValue, s.path, fmt.Sprintf("%s is a JSON %s, which is not a form of %s", s.what(), jsonKind(s.v), typ))
	}
}

// finish sorts the violations by location (items by their number) and
// ends them with the notice of a check stopped at the limit.
func (jc *jsonCheck) finish() []Violation {
	vs := jc.vs
	if len(vs) == 0 {
		return nil
	}
	keys := make(map[string]string, len(vs))
	for _, v := range vs {
		if _, ok := keys[v.Location]; !ok {
			keys[v.Location] = locationSortKey(v.Location)
		}
	}
	sort.SliceStable(vs, func(i, j int) bool {
		a, b := keys[vs[i].Location], keys[vs[j].Location]
		if a != b {
			return a < b
		}
		return vs[i].Rule < vs[j].Rule
	})
	if jc.full {
		vs = append(vs, stoppedNote(jc.max))
	}
	return vs
}

// locationSortKey pads item numbers so that /vm[10] sorts after /vm[9] and
// orders the segments of a path before its attributes' and children's.
func locationSortKey(loc string) string {
	var b strings.Builder
	for i := 0; i < len(loc); i++ {
		c := loc[i]
		switch {
		case c == '[':
			j := i + 1
			for j < len(loc) && isDigit(loc[j]) {
				j++
			}
			b.WriteByte('[')
			b.WriteString(strings.Repeat("0", max(0, 10-(j-i-1))))
			b.WriteString(loc[i+1 : j])
			i = j - 1
		case c == '/':
			b.WriteByte(0x01) // before every character a name holds
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
