package sim

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/schema"
)

// get answers a Get route: the object at the path, or 404 with an empty
// body, as 4.x engines answer an unknown id.
func (e *Engine) get(q *request) *reply {
	if q.route.Path == "/" {
		return e.apiRoot(q)
	}
	e.ensureFilled(q)
	e.mu.RLock()
	defer e.mu.RUnlock()
	w, ok := e.st.walk(q.segs, q.tmpl, false)
	rec := w.rec
	switch {
	case !ok && e.keyed(q):
		if rec = e.keyedItem(q); rec == nil {
			return notFound()
		}
	case !ok:
		if rec = e.listedItem(q); rec == nil {
			return notFound()
		}
	case rec == nil || !e.visibleAt(q, rec):
		return notFound()
	}
	x := &renderer{e: e, base: q.base}
	el := x.record(rec, q.rel, q.route, q.route.Output.Element, parseFollow(q.query.Get("follow")))
	return &reply{status: http.StatusOK, el: el, typ: q.route.Output.Type}
}

// list answers a List route: the collection, searched, filtered for the
// user and cut to max.
func (e *Engine) list(q *request) *reply {
	e.ensureFilled(q)
	e.mu.RLock()
	defer e.mu.RUnlock()
	w, ok := e.st.walk(q.segs, q.tmpl, false)
	if !ok || (w.parent != nil && !e.visibleAt(q, w.parent)) {
		return notFound()
	}
	items := append(w.coll.list(), e.listedBeside(q.route.Service, w.parent)...)
	if !q.acct.admin && !e.pathGranted(q) {
		kept := items[:0:0]
		for _, r := range items {
			if e.granted(q.acct, r, 3) {
				kept = append(kept, r)
			}
		}
		items = kept
	}
	if s := q.query.Get("search"); s != "" && q.route.Param("search") != nil {
		srch, err := parseSearch(s)
		if err != nil {
			return faultReply(http.StatusBadRequest, "Operation Failed", "[Cannot search: the query has a syntax error: "+err.Error()+".]")
		}
		items = srch.apply(e, items, boolParam(q.query.Get("case_sensitive")) && q.query.Has("case_sensitive"), q.query.Get("max"))
	} else if n, err := strconv.Atoi(q.query.Get("max")); err == nil && n >= 0 && n < len(items) {
		items = items[:n]
	}
	x := &renderer{e: e, base: q.base}
	el := x.collection(q.rel, q.route, items, parseFollow(q.query.Get("follow")))
	return &reply{status: http.StatusOK, el: el, typ: q.route.Output.Type}
}

// keyed reports whether q reads an item of a collection that can be
// neither listed nor added to (/options/{option}): any key names one.
func (e *Engine) keyed(q *request) bool {
	parent, _ := splitLast(q.route.Path)
	return len(q.segs) == 2 && e.meta.route("GET", parent) == nil && e.meta.route("POST", parent) == nil
}

// keyedItem makes the item a keyed collection answers for q's key, or nil
// when the key names none (an option the engine lacks).
func (e *Engine) keyedItem(q *request) *record {
	t := q.route.Output.Type
	d := etree.NewElement(q.route.Output.Element)
	if t.Elem("name") != nil {
		d.AddChild(elem("name", q.segs[1]))
	}
	if q.route.Service == "SystemOptionService" {
		values := e.meta.systemOptionValues(q.segs[1], q.query.Get("version"), q.acct.admin)
		if values == nil {
			return nil
		}
		d.AddChild(values)
	}
	return &record{id: q.segs[1], typ: t, tag: q.route.Output.Element, data: d}
}

// visibleAt reports whether the user may see r, found at the request path.
func (e *Engine) visibleAt(q *request, r *record) bool {
	return q.acct.admin || e.pathGranted(q) || e.granted(q.acct, r, 3)
}

// pathGranted reports whether the user has a permission on an object
// along the request path.
func (e *Engine) pathGranted(q *request) bool {
	for i := 1; i < len(q.segs); i += 2 {
		if q.acct.grants[q.segs[i]] {
			return true
		}
	}
	return false
}

// granted reports whether the account may see r: a permission on r, or
// on an object r refers to (its cluster, its data center), depth levels
// deep. Callers hold mu.
func (e *Engine) granted(a *account, r *record, depth int) bool {
	if a.admin || a.grants[r.id] || (r.owner != "" && r.owner == a.name) {
		return true
	}
	if depth == 0 {
		return false
	}
	for _, c := range r.data.ChildElements() {
		id := c.SelectAttrValue("id", "")
		if id == "" {
			continue
		}
		el := r.typ.Elem(c.Tag)
		if el == nil || !el.Link {
			continue
		}
		if ref := e.st.lookup(id, el.Type); ref != nil && ref != r && e.granted(a, ref, depth-1) {
			return true
		}
	}
	return false
}

// apiRoot answers GET /ovirt-engine/api: the links to every top-level
// collection, product information, special objects and a summary.
func (e *Engine) apiRoot(q *request) *reply {
	e.mu.RLock()
	defer e.mu.RUnlock()
	t := q.route.Output.Type
	el := etree.NewElement("api")
	h := e.meta.hyper[q.route]
	add := func(c *etree.Element) { insertOrdered(el, t, c) }
	if h != nil {
		if len(h.actions) > 0 {
			acts := etree.NewElement("actions")
			for _, a := range h.actions {
				acts.AddChild(link(q.base+"/"+a, a))
			}
			add(acts)
		}
		for _, rel := range h.links {
			add(link(q.base+"/"+rel, rel))
			if h.search[rel] {
				add(link(q.base+"/"+rel+"?search={query}", rel+"/search"))
			}
		}
	}
	pi := etree.NewElement("product_info")
	pi.AddChild(elem("instance_id", e.instanceID()))
	pi.AddChild(elem("name", "oVirt Engine"))
	pi.AddChild(elem("vendor", "ovirt.org"))
	pi.AddChild(e.productVersion())
	x := &renderer{e: e, base: q.base}
	add(x.copy(normalized(pi, t.Elem("product_info").Type), t.Elem("product_info").Type))
	so := etree.NewElement("special_objects")
	if r := e.st.roots["templates"].byName("Blank"); r != nil {
		b := etree.NewElement("blank_template")
		b.CreateAttr("id", r.id)
		so.AddChild(b)
	}
	if r := e.st.roots["tags"].byName("root"); r != nil {
		b := etree.NewElement("root_tag")
		b.CreateAttr("id", r.id)
		so.AddChild(b)
	}
	add(x.copy(normalized(so, t.Elem("special_objects").Type), t.Elem("special_objects").Type))
	add(x.copy(normalized(e.summary(), t.Elem("summary").Type), t.Elem("summary").Type))
	add(elem("time", formatTime(q.now)))
	if u := e.st.lookup(q.acct.userID, nil); u != nil {
		for _, tag := range []string{"authenticated_user", "effective_user"} {
			if m := t.Elem(tag); m != nil { // since model 4.1
				ref := etree.NewElement(tag)
				ref.CreateAttr("id", u.id)
				add(x.copy(ref, m.Type))
			}
		}
	}
	return &reply{status: http.StatusOK, el: el, typ: t}
}

// summary counts objects for the API root. Callers hold mu.
func (e *Engine) summary() *etree.Element {
	s := etree.NewElement("summary")
	for _, seg := range e.meta.roots {
		c := e.st.roots[seg]
		sum := e.reg.of(c).summary
		if sum == nil {
			continue
		}
		total, active := 0, 0
		for _, r := range c.list() {
			total++
			if sum.active == "" || textOf(r.data, "status") == sum.active {
				active++
			}
		}
		el := etree.NewElement(sum.tag)
		el.AddChild(elem("active", strconv.Itoa(active)))
		el.AddChild(elem("total", strconv.Itoa(total)))
		s.AddChild(el)
	}
	return s
}

// normalized returns el normalized as type t.
func normalized(el *etree.Element, t *schema.Type) *etree.Element {
	normalize(el, t, true)
	return el
}

// productVersion is the <version> of the engine release the model stands
// for (engineRelease), as an engine writes it: major, minor, build and
// revision of the release, and the RPM's version as full_version.
func (e *Engine) productVersion() *etree.Element {
	parts := append(strings.Split(engineRelease(e.m), "."), "0", "0", "0")
	v := etree.NewElement("version")
	v.AddChild(elem("build", parts[2]))
	v.AddChild(elem("full_version", e.fullVersion()))
	v.AddChild(elem("major", parts[0]))
	v.AddChild(elem("minor", parts[1]))
	v.AddChild(elem("revision", parts[3]))
	return v
}

// engineRelease is the engine release the model stands for
// (schema.EngineFor: the newest engine that shipped the model's line,
// 4.5.7 for model 4.6.1), or the model's version when no engine did.
func engineRelease(m *schema.Model) string {
	if r := schema.EngineFor(m.Release); r != "" {
		return r
	}
	return m.Version
}
