package sim

import (
	"encoding/hex"
	"fmt"
	"strconv"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/schema"
)

// vmResources are the VMs: made from a template, started, stopped and
// migrated through the states a real engine reports.
func vmResources(e *Engine) []resource {
	return []resource{{
		service: "VmsService", seg: "vms", typ: "Vm",
		unique: true, named: true, userCreatable: true, summary: &summaryItem{"vms", "up"},
		prepare: e.vmPrepare, after: e.vmAfter, update: e.vmUpdate, remove: e.vmRemove,
		actions: map[string]func(*op) *reply{
			"start": e.vmStart, "stop": e.vmStop, "shutdown": e.vmShutdown, "migrate": e.vmMigrate, "ticket": e.vmTicket,
			"suspend": e.transition(statusChange{[]string{"up"}, "Cannot suspend VM. VM is not up.", []string{"saving_state", "suspended"}}),
			"reboot":  e.transition(statusChange{[]string{"up"}, "Cannot reboot VM. VM is not up.", []string{"reboot_in_progress", "up"}}),
			"reset":   e.transition(statusChange{[]string{"up"}, "Cannot reset VM. VM is not up.", []string{"reboot_in_progress", "up"}}),
		},
	}, {
		service: "DiskAttachmentsService", seg: "diskattachments", typ: "DiskAttachment",
		prepare: e.attachmentPrepare, remove: e.attachmentRemove,
	}}
}

// vmCopySkip are the template members a new VM does not inherit.
var vmCopySkip = map[string]bool{
	"name": true, "description": true, "comment": true, "status": true, "creation_time": true,
	"version": true, "cluster": true, "storage_domain": true, "cpu_profile": true, "quota": true,
}

// vmPrepare makes a VM from its template, as BackendVmsResource.add and
// VmMapper.map(Vm, VmStatic) do: the template's settings for what the body
// does not say, a structure the body names in part merged member by member
// into the template's (VmBaseMapper: "if (model.isSetCpu() &&
// model.getCpu().isSetTopology()) ..." sets only what is given), memory
// limits derived from a given memory, status down. With clone=true the
// disks are the VM's own and its template is Blank (AddVmFromTemplateCommand:
// "getVm().setVmtGuid(VmTemplateHandler.BLANK_VM_TEMPLATE_ID)").
func (e *Engine) vmPrepare(o *op) *reply {
	d, t := o.rec.data, o.rec.typ
	given := d.Copy()
	tid := idOf(d, "template")
	if tid == "" {
		if b := e.st.roots["templates"].byName("Blank"); b != nil {
			tid = b.id
			setRef(d, t, "template", tid)
		}
	}
	if tmpl := e.st.lookup(tid, e.m.Type("Template")); tmpl != nil {
		if rp := e.templateDisksNamed(o, tmpl); rp != nil {
			return rp
		}
		inherit(d, t, tmpl.data)
		setRef(d, t, "original_template", tmpl.id)
	}
	if cid := idOf(d, "cluster"); cid == "" {
		if tmpl := e.st.lookup(tid, nil); tmpl != nil && idOf(tmpl.data, "cluster") != "" {
			setRef(d, t, "cluster", idOf(tmpl.data, "cluster"))
		}
	}
	defaults(d, t, map[string]string{
		"memory": "1073741824", "type": "server", "origin": "ovirt", "stateless": "false",
		"delete_protected": "false", "start_paused": "false", "run_once": "false",
		"next_run_configuration_exists": "false", "has_illegal_images": "false", "cpu_shares": "0",
	})
	e.memoryLimits(d, t, given)
	setText(d, t, "creation_time", formatTime(e.now()))
	setText(d, t, "status", "down")
	return nil
}

// inherit gives a new VM's data d the template's settings: each member the
// body lacks, and the template's members of a structure the body gives in
// part.
func inherit(d *etree.Element, t *schema.Type, tmpl *etree.Element) {
	for _, c := range tmpl.ChildElements() {
		el := t.Elem(c.Tag)
		if el == nil || vmCopySkip[c.Tag] || (el.Link && el.Type.Item != nil) {
			continue
		}
		mine := childOf(d, c.Tag)
		switch {
		case mine == nil:
			insertOrdered(d, t, c.Copy())
		case structure(el) && c.SelectAttr("id") == nil && mine.SelectAttr("id") == nil:
			base := c.Copy()
			merge(base, mine, el.Type)
			setChild(d, t, base)
		}
	}
}

// structure reports whether a member is one structure of values (cpu,
// memory_policy), not a value, a list or a reference.
func structure(el *schema.Elem) bool {
	return el.Max == 1 && !el.Link && !el.Type.Simple && el.Type.Item == nil
}

// memoryLimits derives the memory policy of a VM whose body gives its
// memory but not its limits, as BackendVmsResource.add does:
// "vmStatic.setMaxMemorySizeMb(VmCommonUtils.getMaxMemorySizeDefault(vmStatic.getMemSizeMb()))"
// (4 times the memory) and "VmCommonUtils.calcMinMemory(vmStatic.getMemSizeMb(),
// cluster.getMaxVdsMemoryOverCommit())" (memory * 100 / the cluster's
// over-commit percent).
func (e *Engine) memoryLimits(d *etree.Element, t *schema.Type, given *etree.Element) {
	mem, err := strconv.ParseInt(textOf(given, "memory"), 10, 64)
	if err != nil || mem <= 0 {
		return
	}
	gp := childOf(given, "memory_policy")
	pol := childOf(d, "memory_policy")
	if pol == nil {
		pol = etree.NewElement("memory_policy")
		insertOrdered(d, t, pol)
	}
	pt := t.Elem("memory_policy").Type
	if textOf(gp, "max") == "" {
		setText(pol, pt, "max", strconv.FormatInt(4*mem, 10))
	}
	if textOf(gp, "guaranteed") == "" {
		percent := int64(100)
		if cl := e.st.lookup(idOf(d, "cluster"), e.m.Type("Cluster")); cl != nil {
			if p, err := strconv.ParseInt(textOf(childOf(childOf(cl.data, "memory_policy"), "over_commit"), "percent"), 10, 64); err == nil && p > 0 {
				percent = p
			}
		}
		setText(pol, pt, "guaranteed", strconv.FormatInt(mem*100/percent, 10))
	}
}

// templateDisksNamed checks the disk attachments a new VM's body names:
// each must name a disk of the template, whose copy it describes (its
// storage domain, format, alias); any other disk is answered 404 with an
// empty body, as BackendVmsResource.getDisksToClone does ("else { throw
// new WebApplicationException(Response.Status.NOT_FOUND); }").
func (e *Engine) templateDisksNamed(o *op, tmpl *record) *reply {
	for _, it := range o.namedDisks() {
		if tmpl.subs["diskattachments"].items[idOf(it, "disk")] == nil {
			return notFound()
		}
	}
	return nil
}

// namedDisks returns the disk attachments of an Add body that name an
// existing disk by id.
func (o *op) namedDisks() []*etree.Element {
	var out []*etree.Element
	for _, list := range o.nested {
		if list.Tag != "disk_attachments" {
			continue
		}
		for _, it := range list.ChildElements() {
			if idOf(it, "disk") != "" {
				out = append(out, it)
			}
		}
	}
	return out
}

// vmAfter copies the template's disks and NICs to the new VM; while the
// disks are copied the VM is image_locked.
func (e *Engine) vmAfter(o *op) {
	vm := o.rec
	e.graphicsConsoles(vm, textOf(childOf(vm.data, "display"), "type"))
	// Every VM has its active snapshot, "Active VM" (AddVmCommand adds it
	// with snapshotsManager.addActiveSnapshot; the recorded traffic's
	// snapshots are described so).
	e.addChild(vm, "snapshots", "", x("snapshot", "description", "Active VM", "snapshot_type", "active",
		"snapshot_status", "ok", "date", formatTime(e.now()), "persist_memorystate", "false"))
	tmpl := e.st.lookup(idOf(vm.data, "template"), e.m.Type("Template"))
	if tmpl == nil {
		return
	}
	copied := 0
	for _, att := range tmpl.subs["diskattachments"].list() {
		src := e.st.lookup(idOf(att.data, "disk"), e.m.Type("Disk"))
		if src == nil {
			continue
		}
		copied++
		data, name := src.data.Copy(), fmt.Sprintf("%s_Disk%d", textOf(vm.data, "name"), copied)
		if spec := o.takeNamedDisk(src.id); spec != nil {
			// The body describes this disk's copy: where it goes, its
			// format, its alias (BackendVmsResource: "disksMap.put(templateDisk.getId(), map(disk, templateDisk))").
			spec = normalized(spec.Copy(), src.typ)
			merge(data, spec, src.typ)
			for _, k := range []string{"alias", "name"} {
				if v := textOf(spec, k); v != "" {
					name = v
				}
			}
		}
		disk := e.newDisk(data, name, o.rec.owner)
		a := etree.NewElement("disk_attachment")
		for _, k := range []string{"active", "bootable", "interface", "pass_discard", "read_only", "uses_scsi_reservation"} {
			if v := textOf(att.data, k); v != "" {
				a.AddChild(elem(k, v))
			}
		}
		ref := etree.NewElement("disk")
		ref.CreateAttr("id", disk.id)
		a.AddChild(ref)
		e.addChild(vm, "diskattachments", disk.id, a)
	}
	for _, nic := range tmpl.subs["nics"].list() {
		n := nic.data.Copy()
		removeChildren(n, "template")
		removeChildren(n, "mac")
		e.addChild(vm, "nics", "", n)
	}
	for _, cd := range tmpl.subs["cdroms"].list() {
		c := cd.data.Copy()
		removeChildren(c, "template")
		e.addChild(vm, "cdroms", "", c)
	}
	if copied > 0 {
		e.setStatus(vm, "image_locked", "down")
	}
	if boolParam(o.param("clone")) {
		setRef(vm.data, vm.typ, "template", blankID)
	}
}

// takeNamedDisk takes out of the Add body the disk attachment naming disk
// id and returns its disk, or nil.
func (o *op) takeNamedDisk(id string) *etree.Element {
	for _, it := range o.namedDisks() {
		if idOf(it, "disk") == id {
			it.Parent().RemoveChild(it)
			return childOf(it, "disk")
		}
	}
	return nil
}

// vmUpdate refuses to move a running VM to another cluster.
func (e *Engine) vmUpdate(o *op) *reply {
	if c := idOf(o.in, "cluster"); c != "" && c != idOf(o.rec.data, "cluster") && vmRunning(o.rec) {
		return conflict("Cannot edit VM. The VM is running: the cluster can be changed only while it is down.")
	}
	if d := childOf(o.in, "display"); d != nil && textOf(d, "type") != "" {
		e.graphicsConsoles(o.rec, textOf(d, "type"))
	}
	return nil
}

// graphicsConsoles makes rec's graphics consoles those its display type
// has: one console per graphics protocol, whose id is the protocol's name
// in hex, as the engine's VmMapper writes it
// ("model.setId(HexUtils.string2hex(graphicsType.value()))"), listed from
// the VM's graphics devices (BackendVmGraphicsConsolesResource.list).
func (e *Engine) graphicsConsoles(rec *record, display string) {
	hr := e.homeRoute(rec)
	lr := e.meta.subRoute(hr, "graphicsconsoles")
	if lr == nil || (display != "vnc" && display != "spice") {
		return
	}
	c := rec.sub("graphicsconsoles", lr, true)
	c.filled = true
	for _, old := range c.list() {
		e.st.destroy(old)
	}
	e.addChild(rec, "graphicsconsoles", hex.EncodeToString([]byte(display)), x("graphics_console", "protocol", display))
}

func vmRunning(vm *record) bool {
	switch textOf(vm.data, "status") {
	case "down", "suspended", "image_locked", "":
		return false
	}
	return true
}

func (e *Engine) vmRemove(o *op) *reply {
	vm := o.rec
	switch {
	case textOf(vm.data, "delete_protected") == "true":
		return conflict("Cannot remove VM. Delete protection is enabled. In order to delete, disable Delete protection first.")
	case textOf(vm.data, "status") == "image_locked":
		return conflict("Cannot remove VM: VM is locked. Please try again in a few minutes.")
	case vmRunning(vm):
		return conflict("Cannot remove VM. VM is running.")
	}
	if !boolParam(o.param("detach_only")) {
		for _, att := range vm.subs["diskattachments"].list() {
			if d := e.st.lookup(idOf(att.data, "disk"), e.m.Type("Disk")); d != nil && textOf(d.data, "shareable") != "true" {
				e.st.destroy(d)
			}
		}
	}
	return nil
}

// vmStart runs a VM on an up host of its cluster: wait_for_launch,
// powering_up, up.
func (e *Engine) vmStart(o *op) *reply {
	vm := o.rec
	switch st := textOf(vm.data, "status"); st {
	case "down", "suspended", "paused":
		host := e.pickHost(idOf(vm.data, "cluster"), "")
		if host == nil {
			return conflict("Cannot run VM. There is no host that satisfies current scheduling constraints. See below for details:")
		}
		setRef(vm.data, vm.typ, "host", host.id)
		e.displayOn(vm, host)
		e.stamp(vm, "start_time")
		removeChildren(vm.data, "stop_time")
		if st == "suspended" {
			e.setStatus(vm, "restoring_state", "up")
		} else {
			e.setStatus(vm, "wait_for_launch", "powering_up", "up")
		}
		return nil
	case "image_locked":
		return conflict("Cannot run VM. VM is being created or its disks are locked.")
	}
	return conflict("Cannot run VM. VM is running.")
}

func (e *Engine) vmStop(o *op) *reply { return e.vmPowerOff(o, "stop") }

func (e *Engine) vmShutdown(o *op) *reply { return e.vmPowerOff(o, "shutdown") }

// vmPowerOff stops a VM: powering_down, then down, off its host. A VM
// that is down already stays so and the action succeeds, as
// StopVmCommandBase skips it ("shouldSkipCommandExecution() { return
// getVm() != null && getVm().getStatus() == VMStatus.Down; }").
func (e *Engine) vmPowerOff(o *op, verb string) *reply {
	vm := o.rec
	st := textOf(vm.data, "status")
	if st == "down" {
		return nil
	}
	if !vmRunning(vm) && st != "suspended" {
		return conflict("Cannot " + verb + " VM. VM is not running.")
	}
	e.setStatus(vm, "powering_down", "down")
	e.schedule(vm, e.settle, "host", func() {
		removeChildren(vm.data, "host")
		e.displayOn(vm, nil)
		e.stamp(vm, "stop_time")
	})
	return nil
}

// vmMigrate moves an up VM to another host: migrating, then up there.
func (e *Engine) vmMigrate(o *op) *reply {
	vm := o.rec
	if textOf(vm.data, "status") != "up" {
		return conflict("Cannot migrate VM. VM is not running.")
	}
	target := e.st.lookup(idOf(o.in, "host"), e.m.Type("Host"))
	if target == nil {
		target = e.pickHost(idOf(vm.data, "cluster"), idOf(vm.data, "host"))
	}
	if target == nil || target.id == idOf(vm.data, "host") {
		return conflict("Cannot migrate VM. There is no host that satisfies current scheduling constraints.")
	}
	e.setStatus(vm, "migrating", "up")
	e.schedule(vm, e.settle, "host", func() {
		setRef(vm.data, vm.typ, "host", target.id)
		e.displayOn(vm, target)
	})
	return nil
}

// pickHost returns the first up host of a cluster other than except.
func (e *Engine) pickHost(cluster, except string) *record {
	for _, h := range e.st.roots["hosts"].list() {
		if idOf(h.data, "cluster") == cluster && h.id != except && textOf(h.data, "status") == "up" {
			return h
		}
	}
	return nil
}
