package sim

import (
	"net/http"
	"strings"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/schema"
)

// netError answers a setupnetworks request the engine refuses.
func netError(detail string) *reply {
	return faultReply(http.StatusBadRequest, "Operation Failed", "[Cannot setup Networks. "+detail+"]")
}

// setupNetworks applies a host's network changes all at once: every change
// is checked first, and any error leaves the host as it was.
func (e *Engine) setupNetworks(o *op) *reply {
	h := o.rec
	hr := e.homeRoute(h)
	nlr, alr := e.meta.subRoute(hr, "nics"), e.meta.subRoute(hr, "networkattachments")
	if nlr == nil || alr == nil {
		return nil
	}
	nics, atts := h.sub("nics", nlr, true), h.sub("networkattachments", alr, true)
	if !nics.filled {
		e.generate(nics, nlr, h)
	}
	findNic := func(el *etree.Element) *record {
		if el == nil {
			return nil
		}
		if r := nics.items[el.SelectAttrValue("id", "")]; r != nil {
			return r
		}
		return nics.byName(textOf(el, "name"))
	}
	removed := map[string]bool{}
	for _, a := range listItems(o.in, "removed_network_attachments") {
		id := a.SelectAttrValue("id", "")
		if atts.items[id] == nil {
			return netError("The following Network Attachments do not exist on the Host: " + schemaSafe(id) + ".")
		}
		removed[id] = true
	}
	var missing []string
	for _, b := range listItems(o.in, "removed_bonds") {
		if findNic(b) == nil {
			missing = append(missing, schemaSafe(textOf(b, "name")+b.SelectAttrValue("id", "")))
		}
	}
	newBonds := map[string]bool{}
	for _, b := range listItems(o.in, "modified_bonds") {
		name := textOf(b, "name")
		if name == "" {
			return netError("A bond needs a name.")
		}
		newBonds[name] = true
		for _, s := range listItems(childOf(b, "bonding"), "slaves") {
			if findNic(s) == nil {
				missing = append(missing, schemaSafe(textOf(s, "name")+s.SelectAttrValue("id", "")))
			}
		}
	}
	if len(missing) > 0 {
		return netError("The following Network Interfaces do not exist on the Host: " + strings.Join(missing, ", ") + ".")
	}
	dc := ""
	if cl := e.st.lookup(idOf(h.data, "cluster"), e.m.Type("Cluster")); cl != nil {
		dc = idOf(cl.data, "data_center")
	}
	attached := map[string]string{} // network id -> attachment id
	for _, a := range atts.list() {
		if !removed[a.id] {
			attached[idOf(a.data, "network")] = a.id
		}
	}
	type change struct {
		att        *record
		net, nic   string
		nicName    string
		assignment *etree.Element
	}
	var changes []change
	for _, a := range listItems(o.in, "modified_network_attachments") {
		ch := change{assignment: childOf(a, "ip_address_assignments")}
		if id := a.SelectAttrValue("id", ""); id != "" {
			if ch.att = atts.items[id]; ch.att == nil || removed[id] {
				return netError("The following Network Attachments do not exist on the Host: " + schemaSafe(id) + ".")
			}
			ch.net = idOf(ch.att.data, "network")
		}
		if n := childOf(a, "network"); n != nil {
			net := e.st.lookup(n.SelectAttrValue("id", ""), e.m.Type("Network"))
			if net == nil {
				net = e.st.roots["networks"].byName(textOf(n, "name"))
			}
			if net == nil {
				return netError("The following Networks do not exist: " + schemaSafe(textOf(n, "name")+n.SelectAttrValue("id", "")) + ".")
			}
			if dc != "" && idOf(net.data, "data_center") != dc {
				return netError("The following Networks do not belong to the Host's Data Center: " + schemaSafe(textOf(net.data, "name")) + ".")
			}
			ch.net = net.id
		}
		if ch.net == "" {
			return netError("A Network Attachment needs a network.")
		}
		if other, ok := attached[ch.net]; ok && (ch.att == nil || other != ch.att.id) {
			return netError("The following Networks are already attached to the Host: " + schemaSafe(ch.net) + ".")
		}
		attached[ch.net] = "new"
		if hn := childOf(a, "host_nic"); hn != nil {
			if nic := findNic(hn); nic != nil {
				ch.nic = nic.id
			} else if newBonds[textOf(hn, "name")] {
				ch.nicName = textOf(hn, "name")
			} else {
				return netError("The following Network Interfaces do not exist on the Host: " + schemaSafe(textOf(hn, "name")) + ".")
			}
		} else if ch.att == nil {
			return netError("A new Network Attachment needs a host_nic.")
		}
		changes = append(changes, ch)
	}
	// Every change is valid: apply them.
	for _, b := range listItems(o.in, "removed_bonds") {
		if nic := findNic(b); nic != nil {
			e.st.destroy(nic)
		}
	}
	for _, b := range listItems(o.in, "modified_bonds") {
		data := b.Copy()
		data.Attr = nil
		if old := nics.byName(textOf(b, "name")); old != nil {
			merge(old.data, normalized(data, old.typ), old.typ)
			continue
		}
		e.addChild(h, "nics", "", data)
	}
	for id := range removed {
		if a := atts.items[id]; a != nil {
			e.st.destroy(a)
		}
	}
	for _, ch := range changes {
		a := ch.att
		if a == nil {
			a = e.addChild(h, "networkattachments", "", etree.NewElement("network_attachment"))
			setText(a.data, a.typ, "in_sync", "true")
		}
		setRef(a.data, a.typ, "network", ch.net)
		if ch.nicName != "" {
			if nic := nics.byName(ch.nicName); nic != nil {
				ch.nic = nic.id
			}
		}
		if ch.nic != "" {
			setRef(a.data, a.typ, "host_nic", ch.nic)
		}
		if ch.assignment != nil {
			setChild(a.data, a.typ, normalized(ch.assignment.Copy(), a.typ.Elem("ip_address_assignments").Type))
		}
		e.remirror(a)
	}
	return nil
}

// listItems returns the items of el's list member tag.
func listItems(el *etree.Element, tag string) []*etree.Element {
	if c := childOf(el, tag); c != nil {
		return c.ChildElements()
	}
	return nil
}

// schemaSafe quotes client input in a fault: ASCII, bounded.
func schemaSafe(s string) string { return schema.ASCIISafe(s, 64) }
