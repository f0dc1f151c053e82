package sim

import (
	"sort"
	"strings"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/schema"
)

// Stored data is plain etree: element children only (no whitespace), in
// the model's order, references written <cluster id="..."/>.

// childOf returns el's first child element named tag.
func childOf(el *etree.Element, tag string) *etree.Element {
	if el == nil {
		return nil
	}
	for _, tok := range el.Child {
		if c, ok := tok.(*etree.Element); ok && c.Tag == tag && c.Space == "" {
			return c
		}
	}
	return nil
}

// textOf returns the text of el's child tag.
func textOf(el *etree.Element, tag string) string {
	if c := childOf(el, tag); c != nil {
		return c.Text()
	}
	return ""
}

// idOf returns the id attribute of el's child tag.
func idOf(el *etree.Element, tag string) string {
	if c := childOf(el, tag); c != nil {
		return c.SelectAttrValue("id", "")
	}
	return ""
}

// elemIndex returns the position of tag in t's sequence, or a position
// after every known one.
func elemIndex(t *schema.Type, tag string) int {
	if t != nil {
		if e := t.Elem(tag); e != nil {
			return e.Index
		}
	}
	return 1 << 20
}

// setChild puts c into el in t's order, replacing the children named like
// it.
func setChild(el *etree.Element, t *schema.Type, c *etree.Element) {
	removeChildren(el, c.Tag)
	insertOrdered(el, t, c)
}

// setText sets el's child tag to v, in t's order.
func setText(el *etree.Element, t *schema.Type, tag, v string) {
	if c := childOf(el, tag); c != nil && len(c.Child) <= 1 {
		c.SetText(v)
		return
	}
	c := etree.NewElement(tag)
	c.SetText(v)
	setChild(el, t, c)
}

// setRef sets el's child tag to a reference to id.
func setRef(el *etree.Element, t *schema.Type, tag, id string) {
	c := etree.NewElement(tag)
	c.CreateAttr("id", id)
	setChild(el, t, c)
}

// removeChildren removes el's children named tag.
func removeChildren(el *etree.Element, tag string) {
	for i := 0; i < len(el.Child); {
		if c, ok := el.Child[i].(*etree.Element); ok && c.Tag == tag {
			el.RemoveChildAt(i)
			continue
		}
		i++
	}
}

// elem builds <tag>text</tag>.
func elem(tag, text string) *etree.Element {
	c := etree.NewElement(tag)
	if text != "" {
		c.SetText(text)
	}
	return c
}

// normalize makes el stored data of type t: known children only, in the
// model's order, no whitespace, canonical scalar values, no id or href on
// the root (keep says which attributes survive on the root).
func normalize(el *etree.Element, t *schema.Type, keepID bool) {
	if t == nil {
		return
	}
	if t.Simple {
		v := el.Text()
		el.Attr = nil
		detachAll(el)
		if v = canonical(t, v); v != "" {
			el.SetText(v)
		}
		return
	}
	attrs := el.Attr[:0]
	for _, a := range el.Attr {
		if a.Space == "" && (a.Key != "href" && (a.Key != "id" || keepID)) && t.Attr(a.Key) != nil {
			attrs = append(attrs, a)
		}
	}
	el.Attr = attrs
	type kid struct {
		idx int
		el  *etree.Element
	}
	var kids []kid
	var text string
	for _, tok := range el.Child {
		switch c := tok.(type) {
		case *etree.Element:
			e := t.Elem(c.Tag)
			if e == nil || c.Space != "" || (t.Resource && (c.Tag == "actions" || c.Tag == "link")) {
				continue
			}
			normalize(c, e.Type, true)
			kids = append(kids, kid{e.Index, c})
		case *etree.CharData:
			if t.Text {
				text += c.Data
			}
		}
	}
	sort.SliceStable(kids, func(i, j int) bool { return kids[i].idx < kids[j].idx })
	detachAll(el)
	if t.Text && strings.TrimSpace(text) != "" {
		el.SetText(text)
	}
	for _, k := range kids {
		el.AddChild(k.el)
	}
}

// detachAll removes every child of el, leaving them free to be added
// elsewhere (etree's AddChild first removes a token from the parent it
// records, so children must not keep a stale parent).
func detachAll(el *etree.Element) {
	for i := len(el.Child) - 1; i >= 0; i-- {
		el.RemoveChildAt(i)
	}
}

// canonical writes a scalar value the way the engine does.
func canonical(t *schema.Type, v string) string {
	if t.IsEnum() {
		return strings.TrimSpace(v)
	}
	switch t.Scalar {
	case schema.Boolean:
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true", "1":
			return "true"
		case "false", "0":
			return "false"
		}
	case schema.String:
		return v
	}
	return strings.TrimSpace(v)
}

// merge applies src (normalized data of type t) onto dst: simple values,
// lists and references are replaced, single structures merged member by
// member, as the engine's PUT does.
func merge(dst, src *etree.Element, t *schema.Type) {
	done := map[string]bool{}
	for _, c := range src.ChildElements() {
		if done[c.Tag] {
			continue
		}
		e := t.Elem(c.Tag)
		if e == nil {
			continue
		}
		old := childOf(dst, c.Tag)
		if e.Max == 1 && old != nil && !e.Type.Simple && e.Type.Item == nil && c.SelectAttr("id") == nil && old.SelectAttr("id") == nil {
			merge(old, c, e.Type)
			continue
		}
		done[c.Tag] = true
		removeChildren(dst, c.Tag)
		for _, x := range src.ChildElements() {
			if x.Tag == c.Tag {
				insertOrdered(dst, t, x.Copy())
			}
		}
	}
	for _, a := range src.Attr {
		if a.Key != "id" && a.Key != "href" {
			dst.CreateAttr(a.Key, a.Value)
		}
	}
}

// insertOrdered adds c after the children that come before it in t's
// sequence (and after earlier ones of its own name).
func insertOrdered(el *etree.Element, t *schema.Type, c *etree.Element) {
	idx := elemIndex(t, c.Tag)
	for i, tok := range el.Child {
		if x, ok := tok.(*etree.Element); ok && elemIndex(t, x.Tag) > idx {
			el.InsertChildAt(i, c)
			return
		}
	}
	el.AddChild(c)
}
