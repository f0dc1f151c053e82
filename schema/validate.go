package schema

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/beevik/etree"
)

// Direction says whether a body is a request's or a response's.
type Direction uint8

// Directions.
const (
	Response Direction = iota
	Request
)

func (d Direction) String() string {
	if d == Request {
		return "request"
	}
	return "response"
}

// Target says what a body is expected to be. With a Route, the root must be
// the route's input (Request) or output (Response); an error Status expects
// a <fault>. Without one, Type (when set) names the expected type, and
// otherwise the root element alone decides.
type Target struct {
	Route     *Route
	Direction Direction
	Status    int
	Type      *Type
}

// Result is the verdict on one body.
type Result struct {
	// Root is the document's root element, when it could be read (for
	// JSON, which names no root, the element the target expects).
	Root string
	// Type is the type the root was validated against, or nil.
	Type *Type
	// Facts are what the REST rules need to know of the body, read in the
	// same pass, alike for XML and JSON.
	Facts Facts
	// Violations found, in document order.
	Violations []Violation
}

// Facts are the few things the REST and hypermedia rules ask of a body,
// whatever its representation: the root's own id and href, and whether it
// carries a fault (a failed action explains itself with one).
type Facts struct {
	ID, Href       string
	HasID, HasHref bool
	Fault          bool
}

// OK reports whether no violation of severity Error was found.
func (r Result) OK() bool { return !HasErrors(r.Violations) }

func parseViolation(err error) Violation {
	pe, ok := err.(*ParseError)
	if !ok {
		return Finding(RuleMalformed, "/", asciiSafe(err.Error(), 200))
	}
	v := Finding(pe.Rule, "/", asciiSafe(pe.Err.Error(), 200))
	v.Line, v.Column = pe.Line, pe.Column
	return v
}

// ValidateDocument validates a parsed document. data, when not nil, is the
// text it was parsed from, used to add line and column to violations.
func (m *Model) ValidateDocument(doc *etree.Document, data []byte, t Target, lim Limits) Result {
	root := doc.Root()
	if root == nil {
		return Result{Violations: []Violation{Finding(RuleMalformed, "/", "document has no root element")}}
	}
	w := &walker{m: m, lim: lim.withDefaults(), lenient: t.Direction == Request}
	res := Result{Root: root.Tag, Facts: treeFacts(root)}
	typ, body := m.expectRoot(root.Tag, root.Space != "", t, func(reason string) { w.add(root, "", RuleWrongRoot, reason) })
	res.Type = typ
	if typ != nil {
		w.element(root, typ, body, nil)
	}
	res.Violations = w.finish(root, data)
	return res
}

// treeFacts reads the facts of a parsed document's root element.
func treeFacts(root *etree.Element) Facts {
	var f Facts
	if a := root.SelectAttr("id"); a != nil {
		f.ID, f.HasID = a.Value, true
	}
	if a := root.SelectAttr("href"); a != nil {
		f.Href, f.HasHref = a.Value, true
	}
	f.Fault = root.SelectElement("fault") != nil
	return f
}

// expectRoot checks the root element (tag, its local name; spaced when it
// has a prefix) against the target, reporting a wrong root, and returns the
// type to validate it with. Both XML validators call it.
func (m *Model) expectRoot(tag string, spaced bool, t Target, report func(reason string)) (*Type, *Body) {
	actual := m.elements[tag]
	if spaced {
		actual = nil
	}
	var want []string
	var body *Body
	switch {
	case t.Status >= 400 && t.Direction == Response:
		want = []string{"fault"}
		if t.Route != nil && t.Route.Kind == Action {
			want = append(want, "action")
		}
	case t.Route != nil:
		if t.Direction == Request {
			body = t.Route.Input
		} else {
			body = t.Route.Output
		}
		if body != nil {
			want = []string{body.Element}
		}
	case t.Type != nil:
		if tag == m.ElementOf(t.Type) || actual == t.Type {
			return t.Type, nil
		}
		report(fmt.Sprintf("root element <%s> is not a %s (expected <%s>)", safeName(tag), t.Type.Name, m.ElementOf(t.Type)))
		return t.Type, nil
	}
	for _, n := range want {
		if tag == n && !spaced {
			if body != nil && body.Element == n {
				if t.Direction == Request && t.Route.Kind == Action || t.Route.Kind == Remove {
					return body.Type, body // its children must be this action's parameters
				}
				return body.Type, nil
			}
			return actual, nil
		}
	}
	if len(want) > 0 {
		what := "the route " + routeName(t.Route)
		if t.Status >= 400 {
			what = "an error response (status " + strconv.Itoa(t.Status) + ")"
		}
		report(fmt.Sprintf("root element <%s> does not match %s, which expects <%s>", safeName(tag), what, strings.Join(want, "> or <")))
	} else if actual == nil {
		report(fmt.Sprintf("root element <%s> is not an element of the %s model", safeName(tag), m.label()))
	}
	return actual, nil
}

func routeName(r *Route) string {
	if r == nil {
		return "?"
	}
	return r.Method + " " + r.Path
}

func (m *Model) label() string {
	return "v" + strconv.Itoa(m.API)
}

// safeName quotes an element or attribute name from a body in a reason.
func safeName(s string) string { return asciiSafe(s, 64) }

type walker struct {
	m       *Model
	lim     Limits
	lenient bool
	vs      []Violation
	at      []vioAt
	full    bool
}

type vioAt struct {
	el   *etree.Element
	attr string
}

func (w *walker) add(el *etree.Element, attr, rule, reason string) {
	if w.full {
		return
	}
	if len(w.vs) >= w.lim.MaxViolations {
		w.full = true
		w.vs = append(w.vs, stoppedNote(w.lim.MaxViolations))
		w.at = append(w.at, vioAt{})
		return
	}
	w.vs = append(w.vs, Violation{Rule: rule, Severity: SeverityOf(rule), Reason: reason})
	w.at = append(w.at, vioAt{el: el, attr: attr})
}

// element validates el against t. body is set for the root of an action
// request, whose children must be parameters of that action; actions is set
// for the <actions> of a resource of that type, whose <link>s are actions.
func (w *walker) element(el *etree.Element, t *Type, body *Body, actions *Type) {
	if t.Simple {
		w.simple(el, t)
		return
	}
	w.attrs(el, t)
	var seen [4]uint64
	var seenMap map[int]bool
	if len(t.Elems) > 256 {
		seenMap = map[int]bool{}
	}
	prev := -1
	orderWarned, textWarned := false, false
	for _, tok := range el.Child {
		switch c := tok.(type) {
		case *etree.CharData:
			if !textWarned && !t.Text && !c.IsWhitespace() && strings.TrimSpace(c.Data) != "" {
				textWarned = true
				w.add(el, "", RuleUnexpectedText, fmt.Sprintf("<%s> holds text, but %s has element content only", safeName(el.Tag), t.Name))
			}
		case *etree.Element:
			var e *Elem
			if c.Space == "" {
				e = t.Elem(c.Tag)
			}
			if e == nil {
				if t.Item != nil {
					w.add(c, "", RuleWrongItem, fmt.Sprintf("<%s> holds <%s>, but its items are <%s>", safeName(el.Tag), safeName(c.FullTag()), t.Item.Name))
				} else {
					w.add(c, "", RuleUnknownElement, fmt.Sprintf("<%s> is not an element of %s", safeName(c.FullTag()), t.Name))
				}
				continue
			}
			if body != nil && !body.HasParam(c.Tag) {
				w.add(c, "", RuleUnknownParameter, fmt.Sprintf("<%s> is not a parameter of this action (it takes: %s)", c.Tag, paramList(body.Params)))
				continue
			}
			var again bool
			if seenMap != nil {
				again = seenMap[e.Index]
				seenMap[e.Index] = true
			} else {
				word, bit := e.Index>>6, uint64(1)<<(e.Index&63)
				again = seen[word]&bit != 0
				seen[word] |= bit
			}
			if again && e.Max == 1 {
				w.add(c, "", RuleRepeatedElement, fmt.Sprintf("<%s> appears more than once in <%s>, where it is single", c.Tag, safeName(el.Tag)))
			}
			// Only answers are held to the XSD's order: the engine reads
			// requests with JAXB, which takes elements in any order.
			if e.Index < prev && !orderWarned && !w.lenient {
				orderWarned = true
				w.add(c, "", RuleElementOrder, fmt.Sprintf("<%s> comes after <%s>, but %s's sequence puts it before", c.Tag, t.Elems[prev].Name, t.Name))
			}
			prev = e.Index
			var childActions *Type
			switch {
			case t.Resource && w.m.hypermedia() && c.Tag == "link":
				w.link(c, t, false)
			case actions != nil && c.Tag == "link":
				w.link(c, actions, true)
			case t.Resource && w.m.hypermedia() && c.Tag == "actions":
				childActions = t
			}
			w.element(c, e.Type, nil, childActions)
		}
	}
	for _, i := range t.required {
		var ok bool
		if seenMap != nil {
			ok = seenMap[i]
		} else {
			ok = seen[i>>6]&(uint64(1)<<(i&63)) != 0
		}
		if !ok && body == nil {
			w.add(el, "", RuleMissingElement, fmt.Sprintf("<%s> lacks <%s>, which %s requires", safeName(el.Tag), t.Elems[i].Name, t.Name))
		}
	}
	for _, a := range t.Attrs {
		if a.Required && el.SelectAttr(a.Name) == nil {
			w.add(el, "", RuleMissingElement, fmt.Sprintf("<%s> lacks attribute %s, which %s requires", safeName(el.Tag), a.Name, t.Name))
		}
	}
	if t.Resource {
		w.hrefID(el)
	}
}

func paramList(ps []string) string {
	if len(ps) == 0 {
		return "no parameters"
	}
	if len(ps) > 12 {
		return strings.Join(ps[:12], ", ") + ", ..."
	}
	return strings.Join(ps, ", ")
}

func (w *walker) attrs(el *etree.Element, t *Type) {
	for i := range el.Attr {
		a := &el.Attr[i]
		if a.Space == "xmlns" || (a.Space == "" && a.Key == "xmlns") || a.Space == "xsi" {
			continue
		}
		var at *Attr
		if a.Space == "" {
			at = t.Attr(a.Key)
		}
		if at == nil {
			w.add(el, a.FullKey(), RuleUnknownAttribute, fmt.Sprintf("attribute %s is not defined for %s", safeName(a.FullKey()), t.Name))
			continue
		}
		w.value(el, a.Key, at.Type, a.Value)
	}
}

// simple validates an element of simple type: text only, a valid value.
func (w *walker) simple(el *etree.Element, t *Type) {
	var text string
	for _, tok := range el.Child {
		switch c := tok.(type) {
		case *etree.CharData:
			if text == "" {
				text = c.Data
			} else {
				text += c.Data
			}
		case *etree.Element:
			w.add(c, "", RuleUnknownElement, fmt.Sprintf("<%s> holds element <%s>, but its type %s is a simple value", safeName(el.Tag), safeName(c.FullTag()), t.Name))
			return
		}
	}
	for i := range el.Attr {
		a := &el.Attr[i]
		if a.Space == "xmlns" || (a.Space == "" && a.Key == "xmlns") {
			continue
		}
		w.add(el, a.FullKey(), RuleUnknownAttribute, fmt.Sprintf("attribute %s is not defined for a %s value", safeName(a.FullKey()), t.Name))
	}
	w.value(el, "", t, text)
}

// value checks a simple value, of an element (attr "") or an attribute.
func (w *walker) value(el *etree.Element, attr string, t *Type, v string) {
	if !t.Simple || xmlValueOK(t, v, w.lenient) {
		return
	}
	what := "<" + safeName(el.Tag) + ">"
	if attr != "" {
		what = "attribute " + attr + " of " + what
	}
	rule, reason := badValue(t, what)
	w.add(el, attr, rule, reason)
}

// xmlValueOK decides whether a simple value is valid, for XML and JSON
// alike. Enums are trimmed and, in requests (lenient), matched without regard
// to case: the engine parses them so (VMWARE is vmware) and always answers in
// lower case.
func xmlValueOK(t *Type, str string, lenient bool) bool {
	if t.IsEnum() {
		str = strings.TrimSpace(str)
		if lenient {
			str = strings.ToLower(str)
		}
		return t.HasEnumValue(str)
	}
	return CheckScalar(t.Scalar, str, lenient)
}

// badValue is the violation of a value of simple type t that xmlValueOK
// refuses, what naming it (<memory>, attribute id of <vm>).
func badValue(t *Type, what string) (rule, reason string) {
	if t.IsEnum() {
		return RuleUnknownEnum, fmt.Sprintf("%s is not a value of enum %s (a newer engine may have added it)", what, t.Name)
	}
	return RuleInvalidValue, fmt.Sprintf("%s is not a valid %s", what, t.Scalar)
}

// link checks a <link> of resource type t, or (action) one in its
// <actions>.
func (w *walker) link(el *etree.Element, t *Type, action bool) {
	report := func(rule, attr, reason string) { w.add(el, attr, rule, reason) }
	rel := el.SelectAttrValue("rel", "")
	linkHrefVerdict(action, rel, el.SelectAttrValue("href", ""), report)
	linkRelVerdict(t, action, rel, report)
}

// hrefID checks a resource's href.
func (w *walker) hrefID(el *etree.Element) {
	var id, href string
	var hasID, hasHref bool
	for i := range el.Attr {
		switch a := &el.Attr[i]; a.Key {
		case "id":
			id, hasID = a.Value, a.Space == ""
		case "href":
			href, hasHref = a.Value, a.Space == ""
		}
	}
	if !hasHref {
		return
	}
	if !hasID {
		id = ""
	}
	resourceHrefVerdict(el.Tag, id, href, func(rule, attr, reason string) { w.add(el, attr, rule, reason) })
}

// The hypermedia verdicts, shared by the XML and the JSON validators: each
// calls report with the rule, the attribute the violation is on ("" for
// the element itself) and the reason.

// linkHrefVerdict checks the href of a link named rel (an action's, when
// action): present and a well-formed URL path. An empty href is no href.
func linkHrefVerdict(action bool, rel, href string, report func(rule, attr, reason string)) {
	if href != "" && wellFormedHref(href) {
		return
	}
	what := "link"
	if action {
		what = "action"
	}
	if href == "" {
		report(RuleLinkHref, "", fmt.Sprintf("%s %q has no href", what, safeName(rel)))
		return
	}
	report(RuleLinkHref, "href", fmt.Sprintf("%s %q has an href that is not a well-formed URL path", what, safeName(rel)))
}

// linkRelVerdict checks the rel of a link of resource type t: a link the
// model defines for t or, for an action's link, one of t's actions.
func linkRelVerdict(t *Type, action bool, rel string, report func(rule, attr, reason string)) {
	switch {
	case action:
		if !t.HasAction(rel) {
			report(RuleUnknownAction, "rel", fmt.Sprintf("action %q is not an action the model defines for %s", safeName(rel), t.Name))
		}
	case rel == "":
		report(RuleUnknownRel, "", "link has no rel")
	case !t.HasRel(rel):
		report(RuleUnknownRel, "rel", fmt.Sprintf("rel %q is not a link the model defines for %s", safeName(rel), t.Name))
	}
}

// resourceHrefVerdict checks the href of a resource (element name, id ""
// when it has none): a well-formed URL path that ends with the id.
func resourceHrefVerdict(name, id, href string, report func(rule, attr, reason string)) {
	if !wellFormedHref(href) {
		report(RuleLinkHref, "href", fmt.Sprintf("<%s> has an href that is not a well-formed URL path", safeName(name)))
		return
	}
	if id == "" {
		return
	}
	href, _, _ = strings.Cut(href, "#")
	href, _, _ = strings.Cut(href, "?")
	if rest, ok := strings.CutSuffix(href, id); !ok || !strings.HasSuffix(rest, "/") {
		report(RuleHrefID, "href", fmt.Sprintf("<%s>'s href does not end with its id", safeName(name)))
	}
}

// badHrefByte marks the bytes an href may not hold: white space, control
// characters, quotes, angle brackets and backslashes.
var badHrefByte = func() (t [256]bool) {
	for c := range 256 {
		t[c] = c <= ' ' || c == 0x7f || c == '"' || c == '<' || c == '>' || c == '\\'
	}
	return t
}()

// wellFormedHref accepts an absolute path or an absolute http(s) URL with
// no whitespace or control characters.
func wellFormedHref(h string) bool {
	if h == "" {
		return false
	}
	for i := 0; i < len(h); i++ {
		if badHrefByte[h[i]] {
			return false
		}
	}
	if strings.HasPrefix(h, "/") {
		return !strings.HasPrefix(h, "//")
	}
	if rest, ok := strings.CutPrefix(h, "https://"); ok {
		return rest != "" && rest[0] != '/'
	}
	if rest, ok := strings.CutPrefix(h, "http://"); ok {
		return rest != "" && rest[0] != '/'
	}
	return false
}

// finish adds locations (paths, lines and columns) to the violations.
func (w *walker) finish(root *etree.Element, data []byte) []Violation {
	if len(w.vs) == 0 {
		return nil
	}
	want := map[*etree.Element]struct{}{}
	for i, a := range w.at {
		if a.el == nil {
			continue
		}
		w.vs[i].Location = elementPath(a.el, a.attr)
		want[a.el] = struct{}{}
	}
	if data == nil {
		return w.vs
	}
	ord := ordinals(root, want)
	list := make([]int, 0, len(ord))
	for _, o := range ord {
		list = append(list, o)
	}
	pos := positions(strings.NewReader(string(data)), list)
	for i, a := range w.at {
		if a.el == nil {
			continue
		}
		if p, ok := pos[ord[a.el]]; ok {
			w.vs[i].Line, w.vs[i].Column = p.Line, p.Column
		}
	}
	return w.vs
}

// elementPath writes /vms/vm[3]/memory for el, with /@attr for attributes.
// An index is written where the parent has several children of that name.
func elementPath(el *etree.Element, attr string) string {
	var parts []string
	for e := el; e != nil && e.Tag != ""; e = e.Parent() {
		name := safeName(e.FullTag())
		if p := e.Parent(); p != nil && p.Tag != "" {
			n, idx := 0, 0
			for _, c := range p.Child {
				if ce, ok := c.(*etree.Element); ok && ce.Tag == e.Tag && ce.Space == e.Space {
					n++
					if ce == e {
						idx = n
					}
				}
			}
			if n > 1 {
				name += "[" + strconv.Itoa(idx) + "]"
			}
		}
		parts = append(parts, name)
	}
	var b strings.Builder
	for i := len(parts) - 1; i >= 0; i-- {
		b.WriteByte('/')
		b.WriteString(parts[i])
	}
	if attr != "" {
		b.WriteString("/@")
		b.WriteString(safeName(attr))
	}
	if b.Len() == 0 {
		return "/"
	}
	return b.String()
}
