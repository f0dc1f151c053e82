package schema

import (
	"fmt"
	"unsafe"
)

// xmlStream validates an XML body as the scanner reads it, with the same
// verdicts as the tree walker (validate.go), which stays as its oracle: a
// stack of frames, one per open element, each knowing its type, how often
// each of the type's elements has appeared and the last one seen. Names
// are compared against the type's table without allocating, simple values
// checked on the raw bytes, the text of string elements never looked at.
// Locations are worked out only for violations (stream_where.go).
type xmlStream struct {
	scanner
	m       *Model
	target  Target
	lenient bool // a request: enums and booleans in any case, any element order

	frames   []frame
	counts   []uint32  // each complex frame's count of each of its type's elements
	deferred []pending // violations reported when their element ends
	value    []byte    // the text of the simple element on top
	scratch  [2][]byte // decoded attribute values
	root     string
	rootType *Type
	facts    Facts

	found
}

// frameKind says how a frame's element is validated.
type frameKind uint8

const (
	skipFrame    frameKind = iota // not validated (unknown, or inside a simple value)
	complexFrame                  // attributes and a sequence of elements
	simpleFrame                   // a scalar or enum value
)

type frame struct {
	t    *Type
	kind frameKind
	// tag names the element in reasons: its model name, or the root's
	// local name.
	tag string
	// body is set on the root of an action request, whose children must be
	// the action's parameters.
	body *Body
	// actions is set on the <actions> of a resource of this type: its
	// <link>s are the resource's actions.
	actions *Type
	idx     uint32 // the element's number among its parent's children of that name
	cnt     int32  // where its counts start in xmlStream.counts
	prev    int32  // Index of the last known child, -1 before the first
	defers  int32  // where its deferred violations start
	refs    int32  // head of its list of sibling counters (stream_where.go), -1
	off     int64  // absolute offset of its start tag
	line    int32  // position of its start tag, once the input before it is released
	col     int32
	placed  bool

	orderWarned, textWarned, broken bool
}

// pending is a violation held until its element ends.
type pending struct {
	rule, attr, reason string
}

// bstr views b as a string without copying. The view is used only during
// the call that makes it and never kept: every string a violation keeps
// is formatted anew.
func bstr(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// splitName splits a name as encoding/xml does: "ns:local" when the one
// colon has something on both sides, else no prefix.
func splitName(n []byte) (space, local []byte) {
	for i, c := range n {
		if c == ':' {
			if i == 0 || i == len(n)-1 {
				return nil, n
			}
			return n[:i], n[i+1:]
		}
	}
	return nil, n
}

func (x *xmlStream) reset(m *Model, t Target, lim Limits) {
	x.scanner.reset(x, lim)
	x.m, x.target, x.lenient = m, t, t.Direction == Request
	x.frames, x.counts, x.deferred, x.value = x.frames[:0], x.counts[:0], x.deferred[:0], x.value[:0]
	x.root, x.rootType, x.facts = "", nil, Facts{}
	x.found.reset(lim)
}

func (x *xmlStream) top() *frame { return &x.frames[len(x.frames)-1] }

// start handles a start tag: the parent's verdict on it as a child, then
// its own attributes.
func (x *xmlStream) start(st *startTag) {
	if len(x.frames) == 0 {
		x.startRoot(st)
		return
	}
	pi, ci := len(x.frames)-1, len(x.frames)
	if pi == 0 && !x.facts.Fault {
		_, local := splitName(st.name)
		x.facts.Fault = string(local) == "fault"
	}
	if x.frames[pi].refs >= 0 {
		x.countSibling(&x.frames[pi], st.name)
	}
	f := x.push(st.off) // a skip frame until the child is known
	p := &x.frames[pi]
	switch p.kind {
	case skipFrame:
		return
	case simpleFrame:
		if p.broken {
			return
		}
		p.broken = true
		x.deferred = x.deferred[:p.defers]
		x.value = x.value[:0]
		f.idx = 1
		x.add(ci, "", RuleUnknownElement, fmt.Sprintf("<%s> holds element <%s>, but its type %s is a simple value",
			safeName(p.tag), safeName(string(st.name)), p.t.Name))
		return
	}
	pt := p.t
	i := int(p.prev) // elements repeat: try the last one first
	if i < 0 || pt.Elems[i].Name != bstr(st.name) {
		i = pt.elemIndex.find(bstr(st.name))
	}
	if i < 0 {
		f.idx = x.nextUnknown(p, st.name)
		if pt.Item != nil {
			x.add(ci, "", RuleWrongItem, fmt.Sprintf("<%s> holds <%s>, but its items are <%s>", safeName(p.tag), safeName(string(st.name)), pt.Item.Name))
		} else {
			x.add(ci, "", RuleUnknownElement, fmt.Sprintf("<%s> is not an element of %s", safeName(string(st.name)), pt.Name))
		}
		return
	}
	e := pt.Elems[i]
	n := &x.counts[int(p.cnt)+i]
	*n++
	f.idx = *n
	if p.body != nil && !p.body.HasParam(e.Name) {
		x.add(ci, "", RuleUnknownParameter, fmt.Sprintf("<%s> is not a parameter of this action (it takes: %s)", e.Name, paramList(p.body.Params)))
		return
	}
	again := *n > 1
	outOfOrder := int32(i) < p.prev && !p.orderWarned && !x.lenient
	prev := p.prev
	p.prev = int32(i)
	if outOfOrder {
		p.orderWarned = true
	}
	var linkOf *Type
	var action bool
	switch {
	case pt.Resource && x.m.hypermedia() && e.Name == "link":
		linkOf = pt
	case p.actions != nil && e.Name == "link":
		linkOf, action = p.actions, true
	case pt.Resource && x.m.hypermedia() && e.Name == "actions":
		f.actions = pt
	}
	f.t, f.tag = e.Type, e.Name
	if again && e.Max == 1 {
		x.add(ci, "", RuleRepeatedElement, fmt.Sprintf("<%s> appears more than once in <%s>, where it is single", e.Name, safeName(p.tag)))
	}
	if outOfOrder {
		x.add(ci, "", RuleElementOrder, fmt.Sprintf("<%s> comes after <%s>, but %s's sequence puts it before", e.Name, pt.Elems[prev].Name, pt.Name))
	}
	if linkOf != nil {
		x.link(ci, st, linkOf, action)
	}
	x.enter(ci, st)
}

// startRoot checks the root element against the target.
func (x *xmlStream) startRoot(st *startTag) {
	space, local := splitName(st.name)
	x.root = string(local)
	if i := findAttr(st.attrs, "id"); i >= 0 {
		x.facts.ID, x.facts.HasID = string(x.attrValue(&st.attrs[i], 0)), true
	}
	if i := findAttr(st.attrs, "href"); i >= 0 {
		x.facts.Href, x.facts.HasHref = string(x.attrValue(&st.attrs[i], 0)), true
	}
	x.push(st.off).tag = x.root
	typ, body := x.m.expectRoot(x.root, space != nil, x.target, func(reason string) { x.add(0, "", RuleWrongRoot, reason) })
	x.rootType = typ
	if typ == nil {
		return
	}
	f := x.top()
	f.t, f.body = typ, body
	x.enter(0, st)
}

// push opens a frame for the element starting at off, not validated until
// its type is set, and returns it.
func (x *xmlStream) push(off int64) *frame {
	x.frames = append(x.frames, frame{kind: skipFrame, prev: -1, refs: -1, off: off, defers: int32(len(x.deferred))})
	x.wantText = false
	return &x.frames[len(x.frames)-1]
}

// enter starts validating element fi, whose type is set, with its
// attributes.
func (x *xmlStream) enter(fi int, st *startTag) {
	f := &x.frames[fi]
	t := f.t
	if t.Simple {
		f.kind = simpleFrame
		for _, a := range st.attrs {
			if space, local := splitName(a.name); string(space) == "xmlns" || space == nil && string(local) == "xmlns" {
				continue
			}
			x.hold(string(a.name), RuleUnknownAttribute, fmt.Sprintf("attribute %s is not defined for a %s value", safeName(string(a.name)), t.Name))
		}
		x.value = x.value[:0]
		x.wantText = needsValue(t)
		return
	}
	f.kind = complexFrame
	f.cnt = int32(len(x.counts))
	x.counts = append(x.counts, make([]uint32, len(t.Elems))...) // grows in place: no allocation
	x.attrs(fi, st)
	f = &x.frames[fi]
	for _, a := range t.Attrs {
		if a.Required && findAttr(st.attrs, a.Name) < 0 {
			x.hold("", RuleMissingElement, fmt.Sprintf("<%s> lacks attribute %s, which %s requires", safeName(f.tag), a.Name, t.Name))
		}
	}
	if t.Resource {
		x.hrefID(fi, st)
	}
	x.wantText = !t.Text
}

// needsValue reports whether a simple type's values must be read to be
// checked (any string is a valid string).
func needsValue(t *Type) bool { return t.IsEnum() || t.Scalar != String }

// attrs checks the attributes of a complex element.
func (x *xmlStream) attrs(fi int, st *startTag) {
	t := x.frames[fi].t
	for k := range st.attrs {
		a := &st.attrs[k]
		space, local := splitName(a.name)
		if string(space) == "xmlns" || space == nil && string(local) == "xmlns" || string(space) == "xsi" {
			continue
		}
		var at *Attr
		if space == nil {
			at = t.Attr(bstr(local))
		}
		if at == nil {
			x.add(fi, string(a.name), RuleUnknownAttribute, fmt.Sprintf("attribute %s is not defined for %s", safeName(string(a.name)), t.Name))
			continue
		}
		if at.Type.Simple && needsValue(at.Type) && !xmlValueOK(at.Type, bstr(x.attrValue(a, 0)), x.lenient) {
			what := "attribute " + at.Name + " of <" + safeName(x.frames[fi].tag) + ">"
			rule, reason := badValue(at.Type, what)
			x.add(fi, at.Name, rule, reason)
		}
	}
}

// findAttr returns the index of the first attribute whose local name is
// name, whatever its prefix (as etree's SelectAttr finds it), or -1.
func findAttr(as []attrSpan, name string) int {
	for i := range as {
		if _, local := splitName(as[i].name); string(local) == name {
			return i
		}
	}
	return -1
}

// attrValue returns attribute a's value, decoded into scratch buffer k
// when it holds references.
func (x *xmlStream) attrValue(a *attrSpan, k int) []byte {
	if !a.ref {
		return a.raw
	}
	x.scratch[k] = decodeRefs(x.scratch[k][:0], a.raw)
	return x.scratch[k]
}

// link checks a <link> of resource type t, or (action) one in its
// <actions>.
func (x *xmlStream) link(fi int, st *startTag, t *Type, action bool) {
	var rel, href []byte
	if i := findAttr(st.attrs, "rel"); i >= 0 {
		rel = x.attrValue(&st.attrs[i], 0)
	}
	if i := findAttr(st.attrs, "href"); i >= 0 {
		href = x.attrValue(&st.attrs[i], 1)
	}
	report := func(rule, attr, reason string) { x.add(fi, attr, rule, reason) }
	linkHrefVerdict(action, bstr(rel), bstr(href), report)
	linkRelVerdict(t, action, bstr(rel), report)
}

// hrefID checks a resource's href against its id; the verdict is reported
// when the element ends, as the tree walker reports it.
func (x *xmlStream) hrefID(fi int, st *startTag) {
	var id, href []byte
	var hasID, hasHref bool
	for k := range st.attrs {
		a := &st.attrs[k]
		switch space, local := splitName(a.name); string(local) {
		case "id":
			id, hasID = x.attrValue(a, 0), space == nil
		case "href":
			href, hasHref = x.attrValue(a, 1), space == nil
		}
	}
	if !hasHref {
		return
	}
	if !hasID {
		id = nil
	}
	resourceHrefVerdict(x.frames[fi].tag, bstr(id), bstr(href), func(rule, attr, reason string) { x.hold(attr, rule, reason) })
}

// hold defers a violation on the element on top until it ends.
func (x *xmlStream) hold(attr, rule string, reason string) {
	x.deferred = append(x.deferred, pending{rule: rule, attr: attr, reason: reason})
}

// text handles character data of the element on top.
func (x *xmlStream) text(seg []byte, nonSpace bool) {
	f := x.top()
	switch f.kind {
	case simpleFrame:
		if len(x.value)+len(seg) > maxToken {
			x.fail(f.off, RuleLimit, errTokenTooLong)
			return
		}
		x.value = append(x.value, seg...)
	case complexFrame:
		if nonSpace && !f.textWarned {
			f.textWarned = true
			x.wantText = false
			x.add(len(x.frames)-1, "", RuleUnexpectedText, fmt.Sprintf("<%s> holds text, but %s has element content only", safeName(f.tag), f.t.Name))
		}
	}
}

// end finishes the element on top: what it lacks, what was held for its
// end, its value.
func (x *xmlStream) end() {
	fi := len(x.frames) - 1
	f := &x.frames[fi]
	switch f.kind {
	case complexFrame:
		if f.body == nil {
			for _, i := range f.t.required {
				if x.counts[int(f.cnt)+i] == 0 {
					x.add(fi, "", RuleMissingElement, fmt.Sprintf("<%s> lacks <%s>, which %s requires", safeName(f.tag), f.t.Elems[i].Name, f.t.Name))
				}
			}
		}
		x.flush(fi)
		x.counts = x.counts[:x.frames[fi].cnt]
	case simpleFrame:
		if !f.broken {
			x.flush(fi)
			if t := x.frames[fi].t; needsValue(t) && !xmlValueOK(t, bstr(x.value), x.lenient) {
				rule, reason := badValue(t, "<"+safeName(x.frames[fi].tag)+">")
				x.add(fi, "", rule, reason)
			}
		}
		x.value = x.value[:0]
	}
	x.frames = x.frames[:fi]
	x.wantText = false
	if fi > 0 {
		p := &x.frames[fi-1]
		switch p.kind {
		case complexFrame:
			x.wantText = !p.t.Text && !p.textWarned
		case simpleFrame:
			x.wantText = !p.broken && needsValue(p.t)
		}
	}
}

// flush reports the violations held for element fi.
func (x *xmlStream) flush(fi int) {
	from := x.frames[fi].defers
	for _, d := range x.deferred[from:] {
		x.add(fi, d.attr, d.rule, d.reason)
	}
	x.deferred = x.deferred[:from]
}

// decodeRefs appends raw with its references (checked by the scanner)
// decoded.
func decodeRefs(dst, raw []byte) []byte {
	var s scanner
	for i := 0; i < len(raw); {
		if raw[i] != '&' {
			j := i
			for j < len(raw) && raw[j] != '&' {
				j++
			}
			dst = append(dst, raw[i:j]...)
			i = j
			continue
		}
		s.buf, s.final = raw, true
		next, dec, ok := s.reference(i)
		if !ok {
			return append(dst, raw[i:]...)
		}
		dst = append(dst, dec...)
		i = next
	}
	return dst
}
