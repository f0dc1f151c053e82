package sim

import (
	"slices"
	"strings"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/schema"
)

// References between objects drive where they are listed: an object that
// joins a sub-collection refers to the sub-collection's owner (a NIC to
// its VM), and an object that refers to another joins that one's
// sub-collection of its kind (a network to its data center's networks).
// Callers of everything here hold mu for writing.

// parentElem returns the member of t that refers to an object like
// parent: the one named like parent's element, else the only one of its
// type. List members (a storage domain's data_centers) count.
func parentElem(t *schema.Type, parent *record) *schema.Elem {
	if e := t.Elem(parent.tag); e != nil && refersTo(e, parent) {
		return e
	}
	var found *schema.Elem
	for _, e := range t.Elems {
		if refersTo(e, parent) {
			if found != nil {
				return nil
			}
			found = e
		}
	}
	return found
}

// refersTo reports whether member e refers to objects like parent (or
// lists them).
func refersTo(e *schema.Elem, parent *record) bool {
	if !e.Link {
		return false
	}
	rt := e.Type
	if rt.Item != nil {
		rt = rt.Item.Type
	}
	return rt == parent.typ || parent.typ.Extends(rt)
}

// injectParent makes r refer to parent, the owner of a sub-collection it
// joined.
func (e *Engine) injectParent(r *record, parent *record) {
	if parent == nil {
		return
	}
	el := parentElem(r.typ, parent)
	if el == nil {
		return
	}
	if el.Type.Item == nil {
		if idOf(r.data, el.Name) == "" {
			setRef(r.data, r.typ, el.Name, parent.id)
		}
		return
	}
	if hr := e.homeRoute(r); hr != nil && e.meta.subRoute(hr, strings.ReplaceAll(el.Name, "_", "")) != nil {
		return // a sub-collection of r, not a list of references
	}
	list := childOf(r.data, el.Name)
	if list == nil {
		list = etree.NewElement(el.Name)
		setChild(r.data, r.typ, list)
	}
	for _, it := range list.ChildElements() {
		if it.SelectAttrValue("id", "") == parent.id {
			return
		}
	}
	it := etree.NewElement(el.Type.Item.Name)
	it.CreateAttr("id", parent.id)
	list.AddChild(it)
}

// dropRef removes the reference to id from member el of data.
func dropRef(data *etree.Element, el *schema.Elem, id string) {
	c := childOf(data, el.Name)
	if c == nil {
		return
	}
	if el.Type.Item == nil {
		if c.SelectAttrValue("id", "") == id {
			data.RemoveChild(c)
		}
		return
	}
	for _, it := range c.ChildElements() {
		if it.SelectAttrValue("id", "") == id {
			c.RemoveChild(it)
		}
	}
	if len(c.ChildElements()) == 0 {
		data.RemoveChild(c)
	}
}

// remirror lists r in the sub-collections of the objects it refers to that
// hold objects of its type (and only those), and nowhere it no longer
// belongs.
func (e *Engine) remirror(r *record) {
	var want []*collection
	for _, c := range r.data.ChildElements() {
		el := r.typ.Elem(c.Tag)
		if el == nil || !el.Link {
			continue
		}
		rt, refs := el.Type, []*etree.Element{c}
		if el.Type.Item != nil {
			rt, refs = el.Type.Item.Type, c.ChildElements()
		}
		for _, ref := range refs {
			id := ref.SelectAttrValue("id", "")
			if id == "" {
				continue
			}
			target := e.st.lookup(id, rt)
			if target == nil || target == r || target.gone {
				continue
			}
			get := e.homeRoute(target)
			seg := e.meta.mirrors[get][r.typ]
			if get == nil || seg == "" {
				continue
			}
			mc := target.sub(seg, e.meta.subRoute(get, seg), true)
			if mc != r.home {
				want = append(want, mc)
			}
		}
	}
	for _, c := range append([]*collection(nil), r.auto...) {
		if !slices.Contains(want, c) {
			e.st.unlink(c, r)
		}
	}
	for _, c := range want {
		if c.items[r.id] == nil {
			e.st.insert(c, r)
			r.auto = append(r.auto, c)
		}
	}
}

// grantOnCreate gives the permissions a new object implies: its creator
// (a user) may see it, and a new permission lets its user see its object.
func (e *Engine) grantOnCreate(q *request, rec *record) {
	if !q.acct.admin {
		q.acct.grants[rec.id] = true
	}
	if rec.typ.Name != "Permission" {
		return
	}
	uid := idOf(rec.data, "user")
	if uid == "" {
		return
	}
	for _, a := range e.auth.all() {
		if a.userID != uid {
			continue
		}
		for _, c := range rec.data.ChildElements() {
			if c.Tag != "user" && c.Tag != "role" && c.Tag != "group" {
				if id := c.SelectAttrValue("id", ""); id != "" {
					a.grants[id] = true
				}
			}
		}
		if rec.home != nil && rec.home.owner != nil && rec.home.owner.typ.Name != "User" {
			a.grants[rec.home.owner.id] = true
		}
	}
}
