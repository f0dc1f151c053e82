package schema

import (
	"slices"
	"strings"

	"github.com/beevik/etree"
)

// MissingMandatory returns the mandatory body fields that root lacks for
// the signature it comes closest to, as the signature writes them, or nil
// when root satisfies one of the route's signatures (or the route has
// none). Paths that name what the model lacks (rsdl_metadata has typos and
// v3 leftovers) are not enforced. The simulator answers 400 with them and
// the rsdl.mandatory-body rule reports them: one decision for both.
func (route *Route) MissingMandatory(root *etree.Element) []string {
	return route.MissingMandatoryExcept(root, nil)
}

// MissingMandatoryExcept is MissingMandatory with the paths for which
// unchecked is true left out of every signature (the simulator leaves out
// what the engine's REST layer never asks for).
func (route *Route) MissingMandatoryExcept(root *etree.Element, unchecked func(path string) bool) []string {
	if len(route.Signatures) == 0 || route.Input == nil {
		return nil
	}
	var best []string
	for i, sig := range route.Signatures {
		var missing []string
		for _, p := range sig.Mandatory {
			if unchecked != nil && unchecked(p) {
				continue
			}
			segs, ok := route.SignaturePath(p)
			if ok && (root == nil || !HasSignaturePath(root, segs)) {
				missing = append(missing, p)
			}
		}
		if len(missing) == 0 {
			return nil
		}
		if i == 0 || len(missing) < len(best) {
			best = missing
		}
	}
	return best
}

// SignaturePath turns a signature's dotted path into the members it names below
// the body's root: alternatives joined by |, attributes as @id, list items
// marked []. The first segment names the body ("datacenter" for
// <data_center>) except in an action's, where it may name one of the
// action's parameters ("storagedomain.id|name"). ok is false for paths that
// are not enforced: those that name what the model lacks (the metadata has
// typos and v3 leftovers), and those that name a deprecated member, by the
// model or by the metadata's "--DEPRECATED" mark (every alternative of a
// segment deprecated; in an action, a deprecated parameter too), since no
// deprecated member is ever mandatory: an affinity group with vms_rule and
// hosts_rule needs neither positive nor enforcing.
func (route *Route) SignaturePath(p string) (segs []string, ok bool) {
	if route.Input == nil || strings.Contains(p, "--DEPRECATED") {
		return nil, false
	}
	parts := strings.Split(p, ".")
	action := route.Input.Element == "action"
	if !action || parts[0] == "action" {
		parts = parts[1:]
	}
	cur := route.Input.Type
	for i, part := range parts {
		each := strings.HasSuffix(part, "[]")
		part = strings.TrimSuffix(part, "[]")
		last := i == len(parts)-1
		var names []string
		var next *Type
		live := false // an alternative that is not deprecated
		for _, a := range strings.Split(part, "|") {
			if last && cur.Attr(a) != nil {
				names = append(names, "@"+a)
				live = true
				continue
			}
			e := memberOf(cur, a)
			if e == nil || (action && i == 0 && !route.Input.HasParam(e.Name)) {
				continue
			}
			names = append(names, e.Name)
			live = live || !e.Deprecated && !(action && i == 0 && slices.Contains(route.Input.DeprecatedParams, e.Name))
			if next == nil {
				next = e.Type
			}
		}
		if !live || (!last && (next == nil || next.Simple)) {
			return nil, false
		}
		seg := strings.Join(names, "|")
		if each {
			seg += "[]"
		}
		segs = append(segs, seg)
		cur = next
	}
	return segs, len(segs) > 0
}

// memberOf finds member a of t, by its name or by its name without
// underscores (the metadata writes storagedomain for storage_domain).
func memberOf(t *Type, a string) *Elem {
	if t == nil {
		return nil
	}
	if e := t.Elem(a); e != nil {
		return e
	}
	for _, e := range t.Elems {
		if strings.ReplaceAll(e.Name, "_", "") == a {
			return e
		}
	}
	return nil
}

// HasSignaturePath reports whether el has the members segs (from
// SignaturePath): any of the alternatives; a simple member must not be
// empty. A list segment ("disk[]") needs at least one item, and every item
// present must have the rest of the path: cloning from snapshots needs
// snapshots, each with its id.
func HasSignaturePath(el *etree.Element, segs []string) bool {
	if len(segs) == 0 {
		return true
	}
	seg, each := strings.CutSuffix(segs[0], "[]")
	for _, alt := range strings.Split(seg, "|") {
		if a, ok := strings.CutPrefix(alt, "@"); ok {
			if el.SelectAttrValue(a, "") != "" {
				return true
			}
			continue
		}
		items, good := 0, 0
		for _, c := range el.ChildElements() {
			if c.Tag != alt || c.Space != "" {
				continue
			}
			items++
			switch {
			case len(segs) == 1 && len(c.ChildElements()) == 0 && c.SelectAttr("id") == nil:
				if strings.TrimSpace(c.Text()) != "" {
					good++
				}
			case HasSignaturePath(c, segs[1:]):
				good++
			}
		}
		if each && items > 0 && good == items || !each && good > 0 {
			return true
		}
	}
	return false
}
