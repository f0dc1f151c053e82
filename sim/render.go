package sim

import (
	"sort"
	"strings"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/schema"
)

// renderer turns records into response documents: id and href attributes,
// <actions> and <link> elements from the route table, references with
// their hrefs, children in the model's order, followed links inlined.
// It reads the store: callers hold Engine.mu for reading.
type renderer struct {
	e    *Engine
	base string
	// depth bounds follow recursion; followed counts the objects inlined
	// so far, bounded by maxFollowed.
	depth, followed int
}

// maxFollowed bounds the objects one response inlines through follow.
const maxFollowed = 5000

// follow is a parsed ?follow= parameter: each key is an element to inline,
// with what to follow inside it.
type follow map[string]follow

// parseFollow reads "disk_attachments.disk,nics".
func parseFollow(v string) follow {
	if strings.TrimSpace(v) == "" {
		return nil
	}
	f := follow{}
	for _, p := range strings.Split(v, ",") {
		cur := f
		for _, seg := range strings.Split(strings.TrimSpace(p), ".") {
			if seg == "" {
				break
			}
			next := cur[seg]
			if next == nil {
				next = follow{}
				cur[seg] = next
			}
			cur = next
		}
	}
	return f
}

type piece struct {
	idx int
	el  *etree.Element
}

// record renders r as found at path (below the base) through Get route get
// (nil: r's own), as element tag.
//
// Without get, the links and actions are those of r's canonical path, and
// so is the href unless path is given (an item listed where it cannot be
// read one by one).
func (x *renderer) record(r *record, path string, get *schema.Route, tag string, fw follow) *etree.Element {
	linkBase := path
	if get == nil {
		get, linkBase = x.e.homeRoute(r), r.path()
		if path == "" {
			path = linkBase
		}
	}
	if tag == "" {
		tag = r.tag
	}
	t := r.typ
	el := etree.NewElement(tag)
	if t.Attr("href") != nil {
		el.CreateAttr("href", x.base+path)
	}
	if t.Attr("id") != nil {
		el.CreateAttr("id", r.id)
	}
	var pieces []piece
	if h := x.e.meta.hyper[get]; h != nil && t.Resource {
		if len(h.actions) > 0 {
			acts := etree.NewElement("actions")
			for _, a := range h.actions {
				acts.AddChild(link(x.base+linkBase+"/"+a, a))
			}
			pieces = append(pieces, piece{elemIndex(t, "actions"), acts})
		}
		li := elemIndex(t, "link")
		for _, rel := range h.links {
			pieces = append(pieces, piece{li, link(x.base+joinPath(linkBase, rel), rel)})
			if h.search[rel] {
				pieces = append(pieces, piece{li, link(x.base+joinPath(linkBase, rel)+"?search={query}", rel+"/search")})
			}
		}
	}
	for _, c := range r.data.ChildElements() {
		e := t.Elem(c.Tag)
		if e == nil {
			continue
		}
		if sub, ok := fw[c.Tag]; ok && x.depth < 8 && x.followed < maxFollowed {
			pieces = append(pieces, piece{e.Index, x.followRef(c, e, sub)})
			continue
		}
		pieces = append(pieces, piece{e.Index, x.copy(c, e.Type)})
	}
	for name, sub := range fw {
		e := t.Elem(name)
		if e == nil || e.Type.Item == nil || childOf(r.data, name) != nil || x.depth >= 8 || x.followed >= maxFollowed {
			continue
		}
		rel := strings.ReplaceAll(name, "_", "")
		lr := x.e.meta.subRoute(get, rel)
		if lr == nil || itemType(lr) != e.Type.Item.Type {
			// Nothing to inline, or items of another type than the member
			// holds (an external host provider's hosts are external hosts).
			continue
		}
		x.depth++
		inl := x.collection(joinPath(linkBase, rel), lr, r.subs[rel].list(), sub)
		x.depth--
		inl.Tag = name
		pieces = append(pieces, piece{e.Index, inl})
	}
	sort.SliceStable(pieces, func(i, j int) bool { return pieces[i].idx < pieces[j].idx })
	for _, p := range pieces {
		el.AddChild(p.el)
	}
	return el
}

// followRef renders a followed reference (or list of references) in full.
func (x *renderer) followRef(c *etree.Element, e *schema.Elem, sub follow) *etree.Element {
	x.followed++
	x.depth++
	defer func() { x.depth-- }()
	if id := c.SelectAttrValue("id", ""); id != "" {
		if r := x.e.st.lookup(id, e.Type); r != nil {
			return x.record(r, "", nil, c.Tag, sub)
		}
		return x.copy(c, e.Type)
	}
	if e.Type.Item == nil {
		return x.copy(c, e.Type)
	}
	out := etree.NewElement(c.Tag)
	for _, it := range c.ChildElements() {
		if r := x.e.st.lookup(it.SelectAttrValue("id", ""), e.Type.Item.Type); r != nil {
			out.AddChild(x.record(r, "", nil, it.Tag, sub))
		} else {
			out.AddChild(x.copy(it, e.Type.Item.Type))
		}
	}
	return out
}

// copy copies stored data of type t, adding the href of every reference
// to a known object.
func (x *renderer) copy(src *etree.Element, t *schema.Type) *etree.Element {
	el := etree.NewElement(src.Tag)
	if id := src.SelectAttrValue("id", ""); id != "" && t != nil && !t.Simple && t.Attr("href") != nil {
		if r := x.e.st.lookup(id, t); r != nil {
			el.CreateAttr("href", x.base+r.path())
		}
	}
	for _, a := range src.Attr {
		el.CreateAttr(a.Key, a.Value)
	}
	for _, tok := range src.Child {
		switch c := tok.(type) {
		case *etree.Element:
			var ct *schema.Type
			if t != nil {
				if e := t.Elem(c.Tag); e != nil {
					ct = e.Type
				}
			}
			el.AddChild(x.copy(c, ct))
		case *etree.CharData:
			el.CreateText(c.Data)
		}
	}
	return el
}

// collection renders items, listed at path through List route lr.
func (x *renderer) collection(path string, lr *schema.Route, items []*record, fw follow) *etree.Element {
	el := etree.NewElement(lr.Output.Element)
	ir := x.e.meta.itemRoute(lr)
	tag := itemTag(lr)
	for _, r := range items {
		if fw != nil {
			x.followed++
		}
		el.AddChild(x.record(r, path+"/"+r.id, ir, tag, fw))
	}
	return el
}

func link(href, rel string) *etree.Element {
	l := etree.NewElement("link")
	l.CreateAttr("href", href)
	l.CreateAttr("rel", rel)
	return l
}

// joinPath joins a path (or template) and a segment.
func joinPath(p, seg string) string {
	if p == "/" || p == "" {
		return "/" + seg
	}
	return p + "/" + seg
}

// homeRoute returns the Get route of r's canonical path.
func (e *Engine) homeRoute(r *record) *schema.Route {
	return e.m.Routes().Lookup("GET", r.path()).Route
}
