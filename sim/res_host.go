package sim

import (
	"strings"

	"github.com/beevik/etree"
)

// hostResources are the hosts: installed, up, moved to maintenance with
// their VMs migrated off, networks set up all at once.
func hostResources(e *Engine) []resource {
	return []resource{{
		service: "HostsService", seg: "hosts", typ: "Host", unique: true, named: true, summary: &summaryItem{"hosts", "up"},
		prepare: e.hostPrepare, after: e.hostAfter, remove: e.hostRemove,
		actions: map[string]func(*op) *reply{
			"deactivate": e.hostDeactivate, "setupnetworks": e.setupNetworks,
			"activate": e.transition(statusChange{[]string{"maintenance", "non_operational", "non_responsive", "down", "error", "install_failed"},
				"Cannot activate Host. Host is not in Maintenance mode.", []string{"initializing", "up"}}),
		},
	}}
}

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
