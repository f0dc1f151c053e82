package schema

import (
	"fmt"
	"sort"
	"strings"
)

// The hypermedia checks of a JSON body: the same as the XML validator's
// (link rels known for the resource, action names, hrefs present and
// well-formed, a resource's href ending with its id), over the decoded
// value. Values of the wrong JSON type are left to the JSON Schema.

// walk visits the elements of the value at s as the XML validator's walk
// visits elements: known elements only, every item of an array.
func (jc *jsonCheck) walk(v any, s jsonSpot) {
	obj, ok := v.(map[string]any)
	if !ok || s.t == nil || s.t.Simple {
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
			cs := c
			if isArr {
				cs = c.index(i, len(items), x)
			}
			if t.Resource && jc.m.hypermedia() {
				switch k {
				case "link":
					jc.link(cs, t)
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

// link checks a link of resource type t: a known rel and an href.
func (jc *jsonCheck) link(s jsonSpot, t *Type) {
	obj, ok := s.v.(map[string]any)
	if !ok {
		return
	}
	rel, relOK := jsonStringProp(obj, "rel")
	if _, present := obj["rel"]; present && !relOK {
		return // not a string: the schema reports it
	}
	jc.href(s, obj, fmt.Sprintf("link %q", safeName(rel)))
	if rel == "" {
		jc.add(RuleUnknownRel, Error, s.path, "link has no rel")
		return
	}
	if !t.HasRel(rel) {
		jc.add(RuleUnknownRel, Error, s.path+"/@rel", fmt.Sprintf("rel %q is not a link the model defines for %s", safeName(rel), t.Name))
	}
}

// href checks the href of a link or an action link.
func (jc *jsonCheck) href(s jsonSpot, obj map[string]any, what string) {
	h, present := obj["href"]
	hs, isStr := h.(string)
	switch {
	case present && h != nil && !isStr:
		// not a string: the schema reports it
	case hs == "":
		jc.add(RuleLinkHref, Error, s.path, what+" has no href")
	case !wellFormedHref(hs):
		jc.add(RuleLinkHref, Error, s.path+"/@href", what+" has an href that is not a well-formed URL path")
	}
}

// actions checks the links of a resource's actions: known action names.
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
		l, ok := x.(map[string]any)
		if !ok {
			continue
		}
		is := ls.index(i, len(links), x)
		rel, relOK := jsonStringProp(l, "rel")
		if _, present := l["rel"]; present && !relOK {
			continue
		}
		jc.href(is, l, fmt.Sprintf("action %q", safeName(rel)))
		if !t.HasAction(rel) {
			jc.add(RuleUnknownAction, Error, is.path+"/@rel", fmt.Sprintf("action %q is not an action the model defines for %s", safeName(rel), t.Name))
		}
	}
}

// hrefID checks that a resource's href ends with its id.
func (jc *jsonCheck) hrefID(s jsonSpot, obj map[string]any) {
	href, ok := jsonStringProp(obj, "href")
	if !ok {
		return
	}
	if !wellFormedHref(href) {
		jc.add(RuleLinkHref, Error, s.path+"/@href", fmt.Sprintf("<%s> has an href that is not a well-formed URL path", safeName(s.name)))
		return
	}
	id, ok := jsonStringProp(obj, "id")
	if !ok || id == "" {
		return
	}
	if i := strings.IndexAny(href, "?#"); i >= 0 {
		href = href[:i]
	}
	if !strings.HasSuffix(href, "/"+id) {
		jc.add(RuleHrefID, Error, s.path+"/@href", fmt.Sprintf("<%s>'s href does not end with its id", safeName(s.name)))
	}
}
