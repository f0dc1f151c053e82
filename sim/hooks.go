package sim

import (
	"slices"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/schema"
)

// statusChange is an action that moves an object from one of some states
// through intermediate ones; in any other state it is refused with 409.
type statusChange struct {
	from   []string
	detail string
	steps  []string
}

func (e *Engine) transition(t statusChange) func(*op) *reply {
	return func(o *op) *reply {
		if !slices.Contains(t.from, textOf(o.rec.data, "status")) {
			return conflict(t.detail)
		}
		e.setStatus(o.rec, t.steps...)
		return nil
	}
}

// addChild stores data as a new object of sub-collection seg of parent,
// with id (a fresh one when empty). Callers hold mu.
func (e *Engine) addChild(parent *record, seg, id string, data *etree.Element) *record {
	hr := e.homeRoute(parent)
	if hr == nil {
		return nil
	}
	lr := e.meta.subRoute(hr, seg)
	if lr == nil {
		return nil
	}
	c := parent.sub(seg, lr, true)
	t := c.item
	data.Tag = c.tag
	normalize(data, t, false)
	if id == "" {
		id = e.newID()
	}
	r := &record{id: id, typ: t, tag: c.tag, data: data, owner: parent.owner}
	if fill := e.reg.of(c).fill; fill != nil {
		fill(e, r, c)
	}
	e.st.insert(c, r)
	e.injectParent(r, parent)
	e.remirror(r)
	return r
}

// defaults sets the members of d (of type t) that are missing.
func defaults(d *etree.Element, t *schema.Type, values map[string]string) {
	for k, v := range values {
		if t.Elem(k) != nil && childOf(d, k) == nil {
			insertOrdered(d, t, elem(k, v))
		}
	}
}

// secretTags are members the engine accepts but never returns.
var secretTags = map[string]bool{"password": true, "root_password": true}

// scrub drops passwords from data before it is stored: the engine takes
// them (a host's root password, a storage connection's CHAP secret) but
// never shows them.
func scrub(el *etree.Element) {
	for _, c := range el.ChildElements() {
		if secretTags[c.Tag] {
			el.RemoveChild(c)
			continue
		}
		scrub(c)
	}
}
