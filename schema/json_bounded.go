package schema

import "sort"

// checkTree validates v, of type t at spot s, as check does, one object at
// a time: an object is validated with its children of complex type left
// out, and each of them in turn as an object of its own. The JSON Schema
// validator then never holds the errors of more than one object, and the
// check stops as soon as MaxViolations are found: a body of 400,000 bad
// items costs the first hundred, not 400,000 errors held at once.
//
// Only the children whose JSON form is the one the model expects are left
// out (an object for a single element, an array for a repeated one): any
// other form is an error of the object's own, which its schema reports as
// it did. Its "required" and "additionalProperties" findings are read
// against the whole object (s.v), so leaving children out changes none.
func (jc *jsonCheck) checkTree(v any, t *Type, s jsonSpot) {
	obj, ok := v.(map[string]any)
	if !ok || t == nil || t.Simple {
		jc.check(v, t, s)
		return
	}
	var subs []string
	for k, x := range obj {
		if subtree(t, k, x) {
			subs = append(subs, k)
		}
	}
	if len(subs) == 0 {
		jc.check(obj, t, s)
		return
	}
	own := make(map[string]any, len(obj)-len(subs))
	for k, x := range obj {
		own[k] = x
	}
	for _, k := range subs {
		delete(own, k)
	}
	jc.check(own, t, s)
	sort.Strings(subs)
	for _, k := range subs {
		c := s.child(k, obj[k])
		arr, isArr := c.v.([]any)
		if !isArr {
			jc.checkTree(c.v, c.t, c)
			continue
		}
		for i, x := range arr {
			if jc.full {
				return
			}
			jc.checkTree(x, c.t, c.index(i, len(arr), x))
		}
	}
}

// subtree reports whether property k of an object of type t, of value x,
// is a child of complex type in the JSON form the model expects for it.
func subtree(t *Type, k string, x any) bool {
	e := t.Elem(k)
	if e == nil || e.Type.Simple {
		return false
	}
	switch x.(type) {
	case map[string]any:
		return e.Max == 1
	case []any:
		return e.Max == Unbounded
	}
	return false
}
