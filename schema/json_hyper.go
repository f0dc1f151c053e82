package schema

import "sort"

// The hypermedia checks of a JSON body: the same as the XML validator's
// (link rels known for the resource, action names, hrefs present and
// well-formed, a resource's href ending with its id), over the decoded
// value. Values of the wrong JSON type are left to the JSON Schema.

// walk visits the elements of the value at s as the XML validator's walk
// visits elements: known elements only, every item of an array.
func (jc *jsonCheck) walk(v any, s jsonSpot) {
	obj, ok := v.(map[string]any)
	if !ok || s.t == nil || s.t.Simple || jc.full {
		return
	}
	t := s.t
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		c := s.child(k, obj[k])
		if c.elem == nil {
			continue
		}
		items, isArr := c.v.([]any)
		if !isArr {
			items = []any{c.v}
		}
		for i, x := range items {
			if jc.full {
				return
			}
			cs := c
			if isArr {
				cs = c.index(i, len(items), x)
			}
			if t.Resource && jc.m.hypermedia() {
				switch k {
				case "link":
					jc.link(cs, t, false)
				case "actions":
					jc.actions(cs, t)
				}
			}
			jc.walk(x, cs)
		}
	}
	if t.Resource {
		jc.hrefID(s, obj)
	}
}

// jsonStringProp returns obj[k] when it is a string.
func jsonStringProp(obj map[string]any, k string) (string, bool) {
	s, ok := obj[k].(string)
	return s, ok
}

// report returns the report function of the hypermedia verdicts for the
// value at s.
func (jc *jsonCheck) report(s jsonSpot) func(rule, attr, reason string) {
	return func(rule, attr, reason string) {
		path := s.path
		if attr != "" {
			path += "/@" + attr
		}
		jc.add(rule, path, reason)
	}
}

// link checks a link of resource type t, or (action) one of its actions'.
// A rel or href of the wrong JSON type is left to the schema.
func (jc *jsonCheck) link(s jsonSpot, t *Type, action bool) {
	obj, ok := s.v.(map[string]any)
	if !ok {
		return
	}
	rel, relOK := jsonStringProp(obj, "rel")
	if _, present := obj["rel"]; present && !relOK {
		return
	}
	report := jc.report(s)
	if h, ok := obj["href"]; !ok || h == nil {
		linkHrefVerdict(action, rel, "", report)
	} else if hs, ok := h.(string); ok {
		linkHrefVerdict(action, rel, hs, report)
	}
	linkRelVerdict(t, action, rel, report)
}

// actions checks the links of a resource's actions.
func (jc *jsonCheck) actions(s jsonSpot, t *Type) {
	obj, ok := s.v.(map[string]any)
	if !ok {
		return
	}
	links, ok := obj["link"].([]any)
	if !ok {
		return
	}
	ls := s.child("link", links)
	for i, x := range links {
		jc.link(ls.index(i, len(links), x), t, true)
	}
}

// hrefID checks a resource's href.
func (jc *jsonCheck) hrefID(s jsonSpot, obj map[string]any) {
	href, ok := jsonStringProp(obj, "href")
	if !ok {
		return
	}
	id, _ := jsonStringProp(obj, "id")
	resourceHrefVerdict(s.name, id, href, jc.report(s))
}
