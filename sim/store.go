package sim

import (
	"slices"
	"strings"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/schema"
)

// record is one object of the engine: its data (the element without id,
// href, links and actions, children in the model's order), the collections
// that list it and its own sub-collections.
//
// An object has one home collection, which gives its canonical href, and
// may be listed in others (a cluster in /clusters and in
// /datacenters/{id}/clusters; a storage domain attached to a data center).
// Every listing shares the same record, so a change shows everywhere.
type record struct {
	id   string
	typ  *schema.Type
	tag  string
	data *etree.Element
	home *collection
	// in lists every collection that holds the record, home included.
	in []*collection
	// auto are the collections the record joined because of a reference
	// in its data (a network in its data center's networks).
	auto []*collection
	subs map[string]*collection
	// owner is the user who created the record ("" for the system).
	owner string
	// kept are values the engine keeps but does not write, which search
	// still finds (a job's correlation_id).
	kept map[string]string
	gone bool
}

// collection is a list of records under a path segment.
type collection struct {
	seg string
	// service is the model's service of the collection, which names its
	// registry entry.
	service string
	owner   *record
	item    *schema.Type
	tag     string
	items   map[string]*record
	order   []string
	// names indexes the items by name.
	names map[string][]*record
	// filled is set once a read-only collection got its generated items.
	filled bool
}

// store holds every record. It is guarded by Engine.mu.
type store struct {
	// onNew completes a record when it is first stored.
	onNew func(*record)
	mt    *meta
	roots map[string]*collection
	byID  map[string][]*record
}

func newStore(mt *meta) *store {
	s := &store{mt: mt, roots: map[string]*collection{}, byID: map[string][]*record{}}
	for _, seg := range mt.roots {
		c := &collection{seg: seg, items: map[string]*record{}}
		if r := mt.route("GET", "/"+seg); r != nil {
			c.item, c.tag, c.service = itemType(r), itemTag(r), r.Service
		} else if r := mt.route("POST", "/"+seg); r != nil {
			c.item, c.tag, c.service = r.Input.Type, r.Input.Element, r.Service
		}
		s.roots[seg] = c
	}
	return s
}

// path is the collection's canonical path below the base.
func (c *collection) path() string {
	if c.owner == nil {
		return "/" + c.seg
	}
	return c.owner.path() + "/" + c.seg
}

// path is the record's canonical path below the base.
func (r *record) path() string { return r.home.path() + "/" + r.id }

// list returns the records in insertion order.
func (c *collection) list() []*record {
	if c == nil {
		return nil
	}
	out := make([]*record, 0, len(c.order))
	for _, id := range c.order {
		out = append(out, c.items[id])
	}
	return out
}

// sub returns sub-collection seg of r, creating it (for items of list
// route lr) when create is set.
func (r *record) sub(seg string, lr *schema.Route, create bool) *collection {
	if c := r.subs[seg]; c != nil || !create {
		return c
	}
	c := &collection{seg: seg, owner: r, items: map[string]*record{}}
	if lr != nil {
		c.item, c.tag, c.service = itemType(lr), itemTag(lr), lr.Service
	}
	if r.subs == nil {
		r.subs = map[string]*collection{}
	}
	r.subs[seg] = c
	return c
}

// walkResult is where a concrete path leads.
type walkResult struct {
	// coll is the collection the path ends in or whose item it names; nil
	// when that sub-collection was never created (it is empty).
	coll *collection
	// rec is the record the path names, when it ends with an id.
	rec *record
	// parent is the record that owns coll, if any.
	parent *record
}

// walk follows segs (collection, id, collection, id, ...) along tmpl, the
// route template's segments. ok is false when an id along the way is
// unknown. With create, missing sub-collections are made.
func (s *store) walk(segs, tmpl []string, create bool) (w walkResult, ok bool) {
	if len(segs) == 0 || len(segs) != len(tmpl) {
		return w, false
	}
	c := s.roots[segs[0]]
	if c == nil {
		return w, false
	}
	w.coll = c
	for i := 1; i < len(segs); i++ {
		if i%2 == 1 {
			if w.coll == nil {
				return w, false
			}
			r := w.coll.items[segs[i]]
			if r == nil || r.gone {
				return w, false
			}
			w.rec = r
			continue
		}
		w.parent = w.rec
		path := "/" + strings.Join(tmpl[:i+1], "/")
		lr := s.mt.route("GET", path)
		if lr == nil {
			lr = s.mt.route("POST", path)
		}
		w.coll = w.rec.sub(segs[i], lr, create)
		w.rec = nil
	}
	return w, true
}

// insert adds r to c; the first collection a record joins is its home.
func (s *store) insert(c *collection, r *record) {
	if _, dup := c.items[r.id]; dup {
		return
	}
	c.items[r.id] = r
	c.order = append(c.order, r.id)
	c.index(r, textOf(r.data, "name"))
	r.in = append(r.in, c)
	if r.home == nil {
		r.home = c
		s.byID[r.id] = append(s.byID[r.id], r)
		if s.onNew != nil {
			s.onNew(r)
		}
	}
}

// unlink removes r from c without destroying it.
func (s *store) unlink(c *collection, r *record) {
	if c.items[r.id] != r {
		return
	}
	delete(c.items, r.id)
	c.order = without(c.order, r.id)
	c.unindex(r, textOf(r.data, "name"))
	r.in = without(r.in, c)
	r.auto = without(r.auto, c)
}

// destroy removes r from every collection, with the records whose home is
// below it.
func (s *store) destroy(r *record) {
	if r.gone {
		return
	}
	r.gone = true
	for _, c := range append([]*collection(nil), r.in...) {
		s.unlink(c, r)
	}
	for _, c := range r.subs {
		for _, x := range c.list() {
			if x.home == c {
				s.destroy(x)
			} else {
				s.unlink(c, x)
			}
		}
	}
	if rs := without(s.byID[r.id], r); len(rs) == 0 {
		delete(s.byID, r.id)
	} else {
		s.byID[r.id] = rs
	}
}

// lookup returns the record with id whose type fits t (nil: any type).
func (s *store) lookup(id string, t *schema.Type) *record {
	for _, r := range s.byID[id] {
		if t == nil || r.typ == t || r.typ.Extends(t) || t.Extends(r.typ) {
			return r
		}
	}
	return nil
}

// root returns the top-level collection that holds objects of type t, or
// nil for objects that live only below another. A type's root is its own,
// never its base's: a snapshot (Snapshot extends Vm) is no VM of /vms, a
// disk snapshot (DiskSnapshot extends Disk) no disk of /disks.
func (s *store) root(t *schema.Type) *collection {
	if seg, ok := s.mt.rootSeg[t]; ok {
		return s.roots[seg]
	}
	return nil
}

// byName returns the first record of c named name.
func (c *collection) byName(name string) *record {
	if c == nil {
		return nil
	}
	if rs := c.names[name]; len(rs) > 0 {
		return rs[0]
	}
	return nil
}

func (c *collection) index(r *record, name string) {
	if name == "" {
		return
	}
	if c.names == nil {
		c.names = map[string][]*record{}
	}
	c.names[name] = append(c.names[name], r)
}

func (c *collection) unindex(r *record, name string) {
	if rs := without(c.names[name], r); len(rs) == 0 {
		delete(c.names, name)
	} else {
		c.names[name] = rs
	}
}

// rename moves r in the name indexes of the collections that hold it.
func (r *record) rename(old, name string) {
	if old == name {
		return
	}
	for _, c := range r.in {
		c.unindex(r, old)
		c.index(r, name)
	}
}

// without returns xs less its first x, in a new array when x is found
// (callers may be ranging over the old one).
func without[T comparable](xs []T, x T) []T {
	if i := slices.Index(xs, x); i >= 0 {
		return append(xs[:i:i], xs[i+1:]...)
	}
	return xs
}
