package sim

import (
	"net/http"
	"strings"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/schema"
)

// hostPrepare installs a new host: installing, initializing, then up.
func (e *Engine) hostPrepare(o *op) *reply {
	h := o.rec
	addr := textOf(h.data, "address")
	defaults(h.data, h.typ, map[string]string{
		"port": "54321", "type": "rhel", "protocol": "stomp", "external_status": "ok",
		"kdump_status": "disabled", "update_available": "false", "memory": "68719476736",
		"max_scheduling_memory": "66571993088", "auto_numa_status": "disable", "numa_supported": "false",
		"reinstallation_required": "false", "ovn_configured": "true",
	})
	parts := []*etree.Element{
		x("certificate", "organization", "example.com", "subject", "O=example.com,CN="+addr),
		x("device_passthrough", "enabled", "false"),
		x("hardware_information", "family", "Red Hat Enterprise Linux", "manufacturer", "Red Hat", "product_name", "KVM",
			"serial_number", h.id, "uuid", strings.ToUpper(h.id), "version", "RHEL-9.4.0"),
		x("ksm", "enabled", "false", "merge_across_nodes", "true"),
		x("libvirt_version", "build", "0", "full_version", "libvirt-10.0.0-6.el9", "major", "10", "minor", "0", "revision", "0"),
		x("power_management", "automatic_pm_enabled", "true", "enabled", "false", "kdump_detection", "true"),
		x("se_linux", "mode", "enforcing"),
		x("ssh", "fingerprint", "SHA256:"+strings.ReplaceAll(h.id, "-", "")[:24], "port", "22"),
		x("summary", "active", "0", "migrating", "0", "total", "0"),
		x("transparent_hugepages", "enabled", "true"),
	}
	for _, p := range parts {
		if e := h.typ.Elem(p.Tag); e != nil && childOf(h.data, p.Tag) == nil && (p.Tag != "certificate" || addr != "") {
			setChild(h.data, h.typ, normalized(p, e.Type))
		}
	}
	e.setStatus(h, "installing", "initializing", "up")
	return nil
}

// hostAfter gives a new host its NICs and the management network on the
// first one.
func (e *Engine) hostAfter(o *op) {
	e.hostNetworks(o.rec)
}

// hostNetworks reports the host's NICs and attaches the management network
// of its cluster's data center to eth0. Callers hold mu.
func (e *Engine) hostNetworks(h *record) {
	hr := e.homeRoute(h)
	if hr == nil {
		return
	}
	lr := e.meta.subRoute(hr, "nics")
	if lr == nil {
		return
	}
	nics := h.sub("nics", lr, true)
	if !nics.filled {
		e.generate(nics, lr, h)
	}
	mgmt := e.managementNetwork(h)
	eth0 := nics.byName("eth0")
	if mgmt == nil || eth0 == nil {
		return
	}
	a := etree.NewElement("network_attachment")
	a.AddChild(elem("in_sync", "true"))
	n := etree.NewElement("network")
	n.CreateAttr("id", mgmt.id)
	a.AddChild(n)
	hn := etree.NewElement("host_nic")
	hn.CreateAttr("id", eth0.id)
	a.AddChild(hn)
	e.addChild(h, "networkattachments", "", a)
}

// managementNetwork returns ovirtmgmt of the host's data center.
func (e *Engine) managementNetwork(h *record) *record {
	cl := e.st.lookup(idOf(h.data, "cluster"), e.m.Type("Cluster"))
	if cl == nil {
		return nil
	}
	dc := idOf(cl.data, "data_center")
	for _, n := range e.st.roots["networks"].list() {
		if textOf(n.data, "name") == "ovirtmgmt" && idOf(n.data, "data_center") == dc {
			return n
		}
	}
	return nil
}

func (e *Engine) hostRemove(o *op) *reply {
	if st := textOf(o.rec.data, "status"); st != "maintenance" && st != "install_failed" && st != "non_responsive" && st != "down" {
		return conflict("Cannot remove Host. Host is operational. Please switch Host to Maintenance mode first.")
	}
	for _, vm := range e.st.roots["vms"].list() {
		if idOf(vm.data, "host") == o.rec.id {
			return conflict("Cannot remove Host. There are running VMs on the Host.")
		}
	}
	return nil
}

// hostDeactivate moves a host to maintenance, migrating its VMs to another
// host of the cluster.
func (e *Engine) hostDeactivate(o *op) *reply {
	h := o.rec
	switch textOf(h.data, "status") {
	case "maintenance", "preparing_for_maintenance":
		return conflict("Cannot switch Host to Maintenance mode. Host is already in Maintenance mode.")
	}
	other := e.pickHost(idOf(h.data, "cluster"), h.id)
	var running []*record
	for _, vm := range e.st.roots["vms"].list() {
		if idOf(vm.data, "host") == h.id && vmRunning(vm) {
			running = append(running, vm)
		}
	}
	if len(running) > 0 && other == nil {
		return conflict("Cannot switch Host to Maintenance mode. There are running VMs and no other Host in the Cluster to migrate them to.")
	}
	for _, vm := range running {
		vm := vm
		e.setStatus(vm, "migrating", "up")
		e.schedule(vm, e.settle, "host", func() { setRef(vm.data, vm.typ, "host", other.id) })
	}
	e.setStatus(h, "preparing_for_maintenance", "maintenance")
	return nil
}

// storageDomainPrepare completes a new storage domain: unattached, with
// the space figures the engine reports.
func (e *Engine) storageDomainPrepare(o *op) *reply {
	sd := o.rec
	removeChildren(sd.data, "host") // the host that created it is no attribute of the domain
	defaults(sd.data, sd.typ, map[string]string{
		"available": "1099511627776", "used": "53687091200", "committed": "0", "master": "false",
		"backup": "false", "block_size": "512", "discard_after_delete": "false", "external_status": "ok",
		"storage_format": "v5", "supports_discard": "false", "supports_discard_zeroes_data": "false",
		"warning_low_space_indicator": "10", "critical_space_action_blocker": "5", "wipe_after_delete": "false",
	})
	setText(sd.data, sd.typ, "status", "unattached")
	return nil
}

// storageDomainAttach brings a domain attached to a data center up; the
// first data domain becomes the master and the data center comes up.
func (e *Engine) storageDomainAttach(o *op) {
	sd := o.rec
	dc := o.coll.owner
	e.setStatus(sd, "locked", "active")
	if dc != nil && textOf(dc.data, "status") == "uninitialized" && textOf(sd.data, "type") == "data" {
		setText(sd.data, sd.typ, "master", "true")
		e.setStatus(dc, "up")
	}
}

// dataCenterPrepare completes a new data center: uninitialized until a data
// domain is attached.
func (e *Engine) dataCenterPrepare(o *op) *reply {
	dc := o.rec
	defaults(dc.data, dc.typ, map[string]string{"quota_mode": "disabled", "storage_format": "v5", "local": "false"})
	if childOf(dc.data, "version") == nil {
		v := etree.NewElement("version")
		v.AddChild(elem("major", "4"))
		v.AddChild(elem("minor", "7"))
		setChild(dc.data, dc.typ, v)
	}
	if mp := e.st.roots["macpools"].byName("Default"); mp != nil && idOf(dc.data, "mac_pool") == "" {
		setRef(dc.data, dc.typ, "mac_pool", mp.id)
	}
	setText(dc.data, dc.typ, "status", "uninitialized")
	return nil
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
