package sim

import (
	"net/http"
	"strings"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/internal/expect"
	"github.com/ovcompat/ovcompat/schema"
	"github.com/ovcompat/ovcompat/sim/restneeds"
)

// op is a write in progress, as hooks see it.
type op struct {
	e *Engine
	q *request
	// rec is the object created, updated, removed or acted on (nil for an
	// action on the API root).
	rec *record
	// coll is the collection an object is added to.
	coll *collection
	// in is the request body, normalized.
	in *etree.Element
	// given is the id an Add's body gave the new object ("" for none).
	given string
	// nested holds list members of an Add body that name sub-collections
	// (a VM's nics), created after the object.
	nested []*etree.Element
	// result is an action's <action> answer.
	result *etree.Element
}

// param reads a URL parameter, or the action body's member of that name.
func (o *op) param(name string) string {
	if v := o.q.query.Get(name); v != "" {
		return v
	}
	if o.in != nil && o.in.Tag == "action" {
		return textOf(o.in, name)
	}
	return ""
}

// add answers an Add route: 201 with Location and the new object, or the
// attachment of an existing object to a sub-collection.
func (e *Engine) add(q *request) *reply {
	in, rp := e.readInput(q)
	if rp != nil {
		return rp
	}
	t := q.route.Input.Type
	if rp := checkSignatures(q.route, in); rp != nil {
		return rp
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	w, ok := e.st.walk(q.segs, q.tmpl, true)
	if !ok || (w.parent != nil && !e.visibleAt(q, w.parent)) {
		return notFound()
	}
	if !q.acct.admin && w.parent == nil && !e.reg.of(w.coll).userCreatable {
		return forbidden()
	}
	target, rp := e.attachTarget(q, w.coll, in, t)
	if rp != nil {
		return rp
	}
	var rec *record
	if target != nil {
		rec = target
		e.st.insert(w.coll, rec)
		e.injectParent(rec, w.coll.owner)
		e.remirror(rec)
		if h := e.reg.of(w.coll).attach; h != nil {
			h(&op{e: e, q: q, rec: rec, coll: w.coll})
		}
	} else {
		rec, rp = e.create(q, w.coll, q.route, t, in)
		if rp != nil {
			return rp
		}
	}
	if restneeds.AnswersAction(q.route.Service, q.route.Operation, q.route.Path) {
		return e.performed(q, rec)
	}
	if expects(q.r, "201-created") {
		e.settleRecord(rec)
	}
	status := http.StatusCreated
	if boolParam(q.query.Get("async")) {
		status = http.StatusAccepted
	}
	path := q.rel + "/" + rec.id
	x := &renderer{e: e, base: q.base}
	el := x.record(rec, path, e.meta.itemRoute(q.route), q.route.Output.Element, nil)
	return &reply{status: status, el: el, typ: q.route.Output.Type, location: q.base + path, add: true, rec: rec}
}

// expects reports whether the client expects v (201-created: the object
// exists before the answer; 202-accepted: the answer does not wait), in
// Expect (or as expect.Listener renames it) or X-Ovirt-Expect, the headers
// the engine's ExpectationHelper reads.
func expects(r *http.Request, v string) bool {
	for _, h := range []string{expect.Value(r.Header), r.Header.Get("X-Ovirt-Expect")} {
		if strings.EqualFold(strings.TrimSpace(h), v) {
			return true
		}
	}
	return false
}

func forbidden() *reply {
	return faultReply(http.StatusForbidden, "Operation Failed", "[User is not authorized to perform this action.]")
}

// attachTarget finds the existing object an Add to a sub-collection names
// (by id, or by name on routes that only attach), to list it there. Where
// objects belong to the collection's owner through a single reference (a
// data center's networks), an Add without an id creates one.
func (e *Engine) attachTarget(q *request, c *collection, in *etree.Element, t *schema.Type) (*record, *reply) {
	if c.owner == nil {
		return nil, nil
	}
	owned := false
	if e.meta.mirrors[e.homeRoute(c.owner)][t] == c.seg {
		el := parentElem(t, c.owner)
		owned = el != nil && el.Type.Item == nil
	}
	root := e.st.root(t)
	if root == nil {
		// An object that lives only below another (a role's permit, a
		// network's label) is its owner's own: an Add naming one by id
		// makes the owner's, never lists another owner's.
		return nil, nil
	}
	var r *record
	if id := in.SelectAttrValue("id", ""); id != "" {
		r = e.st.lookup(id, t)
		if r == nil && root != nil && root != c {
			return nil, entityNotFound(t, "id="+id)
		}
	} else if (e.reg.of(c).attaches || e.reg.listsOnly(c) || !owned && attachOnly(q.route)) && root != nil && root != c && e.reg.of(root).named {
		name := textOf(in, "name")
		if r = root.byName(name); r == nil {
			return nil, entityNotFound(t, "name="+name)
		}
	}
	if r == nil || r.home == c {
		return nil, nil
	}
	if c.items[r.id] != nil {
		return nil, conflict("Cannot add " + typeName(t) + ". The object is already attached.")
	}
	return r, nil
}

// attachOnly reports whether an Add route only attaches existing objects:
// its one signature names the object by id or name and nothing else.
func attachOnly(r *schema.Route) bool {
	if len(r.Signatures) != 1 || len(r.Signatures[0].Mandatory) != 1 {
		return false
	}
	p := r.Signatures[0].Mandatory[0]
	return strings.Count(p, ".") == 1 && (strings.HasSuffix(p, ".id|name") || strings.HasSuffix(p, ".id") || strings.HasSuffix(p, ".name|id"))
}

// create makes a new object of type t in c from body in. Callers hold mu.
func (e *Engine) create(q *request, c *collection, add *schema.Route, t *schema.Type, in *etree.Element) (*record, *reply) {
	given := in.SelectAttrValue("id", "")
	normalize(in, t, false)
	scrub(in)
	tag := c.tag
	if tag == "" {
		tag = in.Tag
	}
	in.Tag = tag
	rec := &record{id: e.newID(), typ: t, tag: tag, data: in}
	if given != "" && e.st.root(t) == nil && c.items[given] == nil && clientID(given) {
		// Objects that live only below another (labels, permits) keep
		// the id the client chose.
		rec.id = given
	}
	if !q.acct.admin {
		rec.owner = q.acct.name
	}
	o := &op{e: e, q: q, rec: rec, coll: c, in: in, given: given}
	o.nested = e.extractNested(rec, add)
	if rp := e.resolveRefs(in, t, true); rp != nil {
		return nil, rp
	}
	// An object's semantics are those of its home: a disk added through a
	// storage domain is a disk of /disks.
	home := c
	if root := e.st.root(t); c.owner != nil && root != nil {
		home = root
	}
	res := e.reg.of(home)
	if res.fill != nil {
		res.fill(e, rec, c)
	}
	if res.prepare != nil {
		if rp := res.prepare(o); rp != nil {
			return nil, rp
		}
	}
	if name := textOf(rec.data, "name"); name != "" && res.unique && home.byName(name) != nil {
		return nil, conflict("Cannot add " + typeName(t) + ". The name is already in use, please choose a unique name and try again.")
	}
	if home != c {
		e.st.insert(home, rec)
	}
	e.st.insert(c, rec)
	if c.owner != nil {
		e.injectParent(rec, c.owner)
	}
	e.remirror(rec)
	e.grantOnCreate(q, rec)
	if res.after != nil {
		res.after(o)
	}
	e.createNested(o)
	return rec, nil
}

// clientID reports whether a client's id can name an object in a path.
func clientID(id string) bool {
	if len(id) > 128 {
		return false
	}
	for i := 0; i < len(id); i++ {
		if c := id[i]; c <= ' ' || c >= 0x7f || strings.IndexByte("/?#;%\\\"<>", c) >= 0 {
			return false
		}
	}
	return true
}

// extractNested takes out of rec's data the list members that are
// sub-collections of the new object (a VM's nics), to create them after
// it.
func (e *Engine) extractNested(rec *record, add *schema.Route) []*etree.Element {
	if add == nil {
		return nil
	}
	ir := e.meta.itemRoute(add)
	if ir == nil {
		return nil
	}
	var out []*etree.Element
	for _, ch := range rec.data.ChildElements() {
		el := rec.typ.Elem(ch.Tag)
		if el == nil || !el.Link || el.Type.Item == nil {
			continue
		}
		if lr := e.meta.subRoute(ir, strings.ReplaceAll(ch.Tag, "_", "")); lr != nil {
			rec.data.RemoveChild(ch)
			out = append(out, ch)
		}
	}
	return out
}

// createNested creates the sub-objects an Add body carried (a new role's
// permits). Items that name an existing object of a top-level collection
// by id are left alone.
func (e *Engine) createNested(o *op) {
	ir := e.homeRoute(o.rec)
	for _, list := range o.nested {
		seg := strings.ReplaceAll(list.Tag, "_", "")
		lr := e.meta.subRoute(ir, seg)
		if lr == nil {
			continue
		}
		add := e.meta.route("POST", lr.Path)
		if add == nil {
			continue
		}
		sub := o.rec.sub(seg, lr, true)
		for _, it := range list.ChildElements() {
			if it.SelectAttrValue("id", "") != "" && e.st.root(add.Input.Type) != nil {
				continue
			}
			if rp := checkSignatures(add, it); rp != nil {
				continue
			}
			_, _ = e.create(o.q, sub, add, add.Input.Type, it)
		}
	}
}

// update answers an Update route: the body merged into the object.
func (e *Engine) update(q *request) *reply {
	in, rp := e.readInput(q)
	if rp != nil {
		return rp
	}
	if rp := checkSignatures(q.route, in); rp != nil {
		return rp
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	w, ok := e.st.walk(q.segs, q.tmpl, false)
	if !ok || w.rec == nil || !e.visibleAt(q, w.rec) {
		return notFound()
	}
	rec := w.rec
	normalize(in, rec.typ, false)
	scrub(in)
	for _, ch := range in.ChildElements() {
		if el := rec.typ.Elem(ch.Tag); el != nil && el.Link && el.Type.Item != nil && e.meta.subRoute(q.route, strings.ReplaceAll(ch.Tag, "_", "")) != nil {
			in.RemoveChild(ch)
		}
	}
	if rp := e.resolveRefs(in, rec.typ, true); rp != nil {
		return rp
	}
	if name := textOf(in, "name"); name != "" && name != textOf(rec.data, "name") && e.reg.of(rec.home).unique && rec.home.byName(name) != nil {
		return conflict("Cannot edit " + typeName(rec.typ) + ". The name is already in use, please choose a unique name and try again.")
	}
	o := &op{e: e, q: q, rec: rec, in: in}
	if h := e.reg.service(q.route.Service).update; h != nil {
		if rp := h(o); rp != nil {
			return rp
		}
	}
	old := textOf(rec.data, "name")
	merge(rec.data, in, rec.typ)
	rec.rename(old, textOf(rec.data, "name"))
	e.remirror(rec)
	x := &renderer{e: e, base: q.base}
	get := e.meta.route("GET", q.route.Path)
	return &reply{status: http.StatusOK, el: x.record(rec, q.rel, get, q.route.Output.Element, nil), typ: q.route.Output.Type, rec: rec}
}

// remove answers a Remove route: 200 and an empty body (an <action> where
// restneeds.AnswersAction). Removing through
// an object's own service destroys it; through another (a storage domain
// attached to a data center, a tag assigned to a VM), or from a collection
// that only lists it (an iSCSI bond's networks), detaches it.
func (e *Engine) remove(q *request) *reply {
	in, rp := e.readInput(q)
	if rp != nil {
		return rp
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	w, ok := e.st.walk(q.segs, q.tmpl, false)
	if !ok {
		return notFound()
	}
	if w.rec == nil {
		// DELETE on a collection (gluster bricks): the body names the items.
		return e.removeListed(q, w, in)
	}
	rec := w.rec
	if !e.visibleAt(q, rec) {
		return notFound()
	}
	if !q.acct.admin && rec.owner != q.acct.name && !q.acct.grants[rec.id] {
		return forbidden()
	}
	o := &op{e: e, q: q, rec: rec, coll: w.coll, in: in}
	if h := e.reg.service(q.route.Service).remove; h != nil {
		if rp := h(o); rp != nil {
			return rp
		}
	}
	switch hr := e.homeRoute(rec); {
	case rec.gone: // the hook removed it
	case hr != nil && w.coll != rec.home && (hr.Service != q.route.Service || e.reg.listsOnly(w.coll)):
		e.detach(rec, w.coll)
	default:
		e.st.destroy(rec)
	}
	// Every Remove of the REST layer returns performAction's answer
	// (e.g. BackendVmResource.remove, BackendPermissionResource.remove,
	// BackendIscsiBondNetworkResource.remove: 86 of its 98 remove()
	// methods call it, the others delegate to one that does).
	return e.performed(q, rec)
}

// removeListed removes the items an <action> body lists from a collection.
func (e *Engine) removeListed(q *request, w walkResult, in *etree.Element) *reply {
	if w.coll == nil || in == nil {
		return e.performed(q, nil)
	}
	for _, list := range in.ChildElements() {
		for _, it := range list.ChildElements() {
			id := it.SelectAttrValue("id", "")
			if r := w.coll.items[id]; r != nil {
				e.st.destroy(r)
			} else if r := w.coll.byName(textOf(it, "name")); r != nil {
				e.st.destroy(r)
			}
		}
	}
	return e.performed(q, nil)
}

// detach removes rec from c and drops its references to c's owner (from
// every member that may hold one: a disk's storage_domain and its
// storage_domains).
func (e *Engine) detach(rec *record, c *collection) {
	e.st.unlink(c, rec)
	if c.owner != nil {
		for _, el := range rec.typ.Elems {
			if refersTo(el, c.owner) {
				dropRef(rec.data, el, c.owner.id)
			}
		}
	}
	e.remirror(rec)
}

func typeName(t *schema.Type) string {
	if t.Model != "" {
		return t.Model
	}
	return t.Name
}
