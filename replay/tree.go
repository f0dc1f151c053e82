package replay

import (
	"strconv"
	"strings"

	"github.com/ovcompat/ovcompat/redact"
	"github.com/ovcompat/ovcompat/reports"
	"github.com/ovcompat/ovcompat/scenario"
	"github.com/ovcompat/ovcompat/schema"
)

// compareNode compares an element of the recording with its live
// counterpart. t is the element's type in the model, or nil when the model
// does not know it (the comparison is then untyped).
func (c *comparison) compareNode(loc string, rec, got *scenario.Node, t *schema.Type) {
	if why := variesByNature(rec.Name, t); why != "" {
		c.skip(loc, why)
		return
	}
	c.compareAttrs(loc, rec, got)
	recSimple, gotSimple := rec.Simple(), got.Simple()
	if recSimple && strings.TrimSpace(rec.Text) == redact.Mask {
		c.skip(loc, whyRedacted)
		return
	}
	if recSimple && gotSimple {
		c.compareValue(loc, rec.Text, got.Text, t)
		return
	}
	// An empty element (<disks/>) and one with children are the same
	// type: a list that filled up or emptied. A value against elements
	// is not.
	if recSimple != gotSimple && !(recSimple && strings.TrimSpace(rec.Text) == "") && !(gotSimple && strings.TrimSpace(got.Text) == "") {
		from, to := "a value", "elements"
		if !recSimple {
			from, to = to, from
		}
		c.diff(KindTypeChanged, reports.Breaking, loc, "the element held "+from+" and now holds "+to, from, to)
		return
	}
	c.compareChildren(loc, rec, got, t)
}

// variesByNature says why an element's value varies by nature, or "".
func variesByNature(name string, t *schema.Type) string {
	switch {
	case name == "statistics" || name == "statistic" || t != nil && t.Name == "Statistic":
		return whyStatistic
	case t != nil && t.Simple && t.Scalar == schema.DateTime:
		return whyDate
	case name == "status" && t != nil && t.IsEnum():
		return whyStatus
	case (name == "id" || strings.HasSuffix(name, "_id")) && (t == nil || t.Simple && t.Scalar == schema.String):
		// image_id, vm_id...: ids written as elements.
		return whyID
	}
	return ""
}

func (c *comparison) compareAttrs(loc string, rec, got *scenario.Node) {
	for _, a := range rec.Attrs {
		at := loc + "/@" + a.Name
		v, ok := got.Attr(a.Name)
		switch {
		case !ok:
			c.diff(KindAttributeRemoved, reports.Breaking, at, "the recorded element had this attribute, the live one does not", "present", "absent")
		case a.Name == "id":
			c.skip(at, whyID)
		case a.Name == "href":
			c.skip(at, whyHref)
		case v != a.Value:
			c.diff(KindValueChanged, reports.GradeInfo, at, "the attribute's value changed", safeValue(a.Value), safeValue(v))
		}
	}
	for _, a := range got.Attrs {
		if _, ok := rec.Attr(a.Name); !ok {
			c.diff(KindAttributeAdded, reports.GradeInfo, loc+"/@"+a.Name, "the live element has an attribute the recording lacks", "absent", "present")
		}
	}
}

// compareValue compares two simple values of type t.
func (c *comparison) compareValue(loc, rec, got string, t *schema.Type) {
	rec, got = strings.TrimSpace(rec), strings.TrimSpace(got)
	if t != nil && t.Simple {
		if t.IsEnum() {
			switch {
			case rec == got:
			case !t.HasEnumValue(got) && !t.HasEnumValue(strings.ToLower(got)):
				c.diff(KindEnumChanged, reports.Breaking, loc, "the value is not one of the model's "+t.Name+" values", safeValue(rec), "a value outside the enum")
			default:
				c.diff(KindEnumValueChanged, reports.GradeWarn, loc, "another value of "+t.Name+" than the recorded one", safeValue(rec), safeValue(got))
			}
			return
		}
		if t.Scalar != schema.String && schema.CheckScalar(t.Scalar, rec, false) && !schema.CheckScalar(t.Scalar, got, false) {
			c.diff(KindTypeChanged, reports.Breaking, loc, "the value is no longer a valid "+t.Scalar.String(), t.Scalar.String(), "not a "+t.Scalar.String())
			return
		}
	}
	if rec != got {
		base, now := "text of "+strconv.Itoa(len(rec))+" bytes", "text of "+strconv.Itoa(len(got))+" bytes"
		if t != nil && t.Simple && t.Scalar != schema.String {
			base, now = safeValue(rec), safeValue(got)
		}
		c.diff(KindValueChanged, reports.GradeInfo, loc, "the value changed", base, now)
	}
}

// safeValue shows a short value, ASCII only; longer ones are summarised.
func safeValue(s string) string {
	if len(s) > 40 {
		return "text of " + strconv.Itoa(len(s)) + " bytes"
	}
	return schema.ASCIISafe(s, 40)
}

// compareChildren compares child elements name by name. Names that
// repeat are lists, matched item by item; links and actions are matched by
// rel.
func (c *comparison) compareChildren(loc string, rec, got *scenario.Node, t *schema.Type) {
	recGroups, recOrder := groups(rec)
	gotGroups, gotOrder := groups(got)
	for _, name := range recOrder {
		items := recGroups[name]
		liveItems := gotGroups[name]
		at := loc + "/" + name
		var et *schema.Type
		repeated := len(items) > 1 || len(liveItems) > 1
		if t != nil {
			if e := t.Elem(name); e != nil {
				et = e.Type
				repeated = repeated || e.Max != 1
			}
			if t.Item != nil && t.Item.Name == name {
				et, repeated = t.Item.Type, true
			}
		}
		switch {
		case name == "link":
			c.compareRels(at, items, liveItems, KindLinkRemoved, KindLinkAdded, "link")
		case name == "actions":
			c.compareActions(at, items[0], liveItems)
		case len(liveItems) == 0:
			c.diff(KindElementRemoved, reports.Breaking, at, "the recorded response had this element, the live one does not", count(len(items)), "absent")
		case repeated:
			c.compareList(at, items, liveItems, et)
		default:
			c.compareNode(at, items[0], liveItems[0], et)
		}
	}
	for _, name := range gotOrder {
		if _, ok := recGroups[name]; !ok {
			kind := KindElementAdded
			if name == "link" {
				c.compareRels(loc+"/link", nil, gotGroups[name], KindLinkRemoved, KindLinkAdded, "link")
				continue
			}
			c.diff(kind, reports.GradeInfo, loc+"/"+name, "the live response has an element the recording lacks", "absent", count(len(gotGroups[name])))
		}
	}
	if !c.json && orderChanged(recOrder, gotOrder) {
		c.diff(KindOrderChanged, reports.GradeWarn, loc, "the child elements come in another order", strings.Join(recOrder, ","), strings.Join(gotOrder, ","))
	}
}

func count(n int) string {
	if n == 1 {
		return "present"
	}
	return strconv.Itoa(n) + " items"
}

// groups gathers children by name, keeping the order of first appearance.
func groups(n *scenario.Node) (map[string][]*scenario.Node, []string) {
	g := map[string][]*scenario.Node{}
	var order []string
	for _, ch := range n.Children {
		if _, seen := g[ch.Name]; !seen {
			order = append(order, ch.Name)
		}
		g[ch.Name] = append(g[ch.Name], ch)
	}
	return g, order
}

// orderChanged reports whether the names both sides share come in another
// relative order.
func orderChanged(rec, got []string) bool {
	pos := make(map[string]int, len(got))
	for i, n := range got {
		pos[n] = i
	}
	last := -1
	for _, n := range rec {
		p, ok := pos[n]
		if !ok {
			continue
		}
		if p < last {
			return true
		}
		last = p
	}
	return false
}

// compareRels matches links (or an action's links) by rel.
func (c *comparison) compareRels(loc string, rec, got []*scenario.Node, removed, added, what string) {
	gotRels := map[string]bool{}
	for _, g := range got {
		rel, _ := g.Attr("rel")
		gotRels[rel] = true
	}
	recRels := map[string]bool{}
	for _, r := range rec {
		rel, _ := r.Attr("rel")
		recRels[rel] = true
		at := loc + "[@rel='" + schema.ASCIISafe(rel, 60) + "']"
		if !gotRels[rel] {
			c.diff(removed, reports.Breaking, at, "the recorded resource had this "+what+", the live one does not", "present", "absent")
			continue
		}
		c.skip(at+"/@href", whyHref)
	}
	for _, g := range got {
		rel, _ := g.Attr("rel")
		if !recRels[rel] {
			c.diff(added, reports.GradeInfo, loc+"[@rel='"+schema.ASCIISafe(rel, 60)+"']", "the live resource has a "+what+" the recording lacks", "absent", "present")
		}
	}
}

// compareActions compares <actions> blocks: their links are the actions.
func (c *comparison) compareActions(loc string, rec *scenario.Node, got []*scenario.Node) {
	var gotLinks []*scenario.Node
	if len(got) > 0 {
		gotLinks = got[0].Children
	}
	c.compareRels(loc+"/link", rec.Children, gotLinks, KindActionRemoved, KindActionAdded, "action")
}

// compareList matches the items of a list: by captured id (a recorded id
// whose live counterpart a capture bound), then by equal id, then by name,
// then by position among the items still unmatched.
func (c *comparison) compareList(loc string, rec, got []*scenario.Node, t *schema.Type) {
	match := make([]int, len(rec))
	used := make([]bool, len(got))
	for i := range match {
		match[i] = -1
	}
	pass := func(key func(r, g *scenario.Node) bool) {
		for i, r := range rec {
			if match[i] >= 0 {
				continue
			}
			for j, g := range got {
				if !used[j] && key(r, g) {
					match[i], used[j] = j, true
					break
				}
			}
		}
	}
	attr := func(n *scenario.Node, name string) string { v, _ := n.Attr(name); return v }
	name := func(n *scenario.Node) string {
		if ch := n.Child("name"); ch != nil && ch.Simple() {
			return ch.Text
		}
		return ""
	}
	pass(func(r, g *scenario.Node) bool {
		live, ok := c.ids[attr(r, "id")]
		return ok && attr(r, "id") != "" && attr(g, "id") == live
	})
	pass(func(r, g *scenario.Node) bool { return attr(r, "id") != "" && attr(r, "id") == attr(g, "id") })
	pass(func(r, g *scenario.Node) bool { return name(r) != "" && name(r) == name(g) })
	pass(func(r, g *scenario.Node) bool { return true })
	for i, r := range rec {
		at := loc
		if len(rec) > 1 {
			at += "[" + strconv.Itoa(i+1) + "]"
		}
		if match[i] < 0 {
			c.diff(KindElementRemoved, reports.Breaking, at, "no live item matches this recorded item (by captured id, id, name or position)", "present", "absent")
			continue
		}
		c.compareNode(at, r, got[match[i]], t)
	}
	added := 0
	for j := range got {
		if !used[j] {
			added++
		}
	}
	if added > 0 {
		c.diff(KindElementAdded, reports.GradeInfo, loc, "the live list has items the recording lacks", strconv.Itoa(len(rec))+" items", strconv.Itoa(len(got))+" items")
	}
}
