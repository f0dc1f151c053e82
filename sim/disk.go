package sim

import (
	"fmt"
	"strings"

	"github.com/beevik/etree"
)

// diskDefaults are what the engine fills in for a new disk.
var diskDefaults = map[string]string{
	"format": "cow", "sparse": "true", "shareable": "false", "wipe_after_delete": "false",
	"propagate_errors": "false", "storage_type": "image", "content_type": "data",
	"actual_size": "0", "total_size": "0", "provisioned_size": "1073741824", "backup": "none",
}

// diskPrepare completes a new disk: defaults, an image id, locked until
// its image exists.
func (e *Engine) diskPrepare(o *op) *reply {
	e.completeDisk(o.rec, "")
	return nil
}

func (e *Engine) completeDisk(d *record, name string) {
	if name != "" {
		setText(d.data, d.typ, "name", name)
	}
	if textOf(d.data, "name") == "" {
		setText(d.data, d.typ, "name", "disk_"+d.id[:8])
	}
	if textOf(d.data, "alias") == "" {
		setText(d.data, d.typ, "alias", textOf(d.data, "name"))
	}
	if textOf(d.data, "format") == "raw" {
		defaults(d.data, d.typ, map[string]string{"sparse": "false"})
	} else {
		defaults(d.data, d.typ, map[string]string{"qcow_version": "qcow2_v3"})
	}
	defaults(d.data, d.typ, diskDefaults)
	setText(d.data, d.typ, "image_id", e.newID())
	e.setStatus(d, "locked", "ok")
}

// newDisk stores a new disk made from data (a copy of another disk or the
// disk a disk attachment describes) in /disks. Callers hold mu.
func (e *Engine) newDisk(data *etree.Element, name, owner string) *record {
	c := e.st.roots["disks"]
	data.Tag = "disk"
	normalize(data, c.item, false)
	for _, k := range []string{"status", "image_id", "name", "alias", "actual_size"} {
		removeChildren(data, k)
	}
	d := &record{id: e.newID(), typ: c.item, tag: "disk", data: data, owner: owner}
	e.completeDisk(d, name)
	e.st.insert(c, d)
	e.remirror(d)
	return d
}

// attachmentPrepare attaches a disk to a VM: an existing one named by id,
// or a new one the body describes. The attachment's id is the disk's.
func (e *Engine) attachmentPrepare(o *op) *reply {
	a := o.rec
	spec := childOf(a.data, "disk")
	if spec == nil {
		return faultReply(400, "Incomplete parameters", "DiskAttachment [disk] required for add")
	}
	var disk *record
	if id := spec.SelectAttrValue("id", ""); id != "" {
		disk = e.st.lookup(id, e.m.Type("Disk"))
		if disk == nil {
			return entityNotFound(e.m.Type("Disk"), "id="+id)
		}
		if o.coll.items[disk.id] != nil {
			return conflict("Cannot attach Virtual Disk. The disk is already attached to the VM.")
		}
	} else {
		if textOf(spec, "provisioned_size") == "" && textOf(spec, "size") == "" && childOf(spec, "lun_storage") == nil {
			return faultReply(400, "Incomplete parameters", "Disk [provisioned_size] required for add")
		}
		disk = e.newDisk(spec.Copy(), textOf(spec, "name"), a.owner)
	}
	a.id = disk.id
	setRef(a.data, a.typ, "disk", disk.id)
	defaults(a.data, a.typ, map[string]string{
		"active": "true", "bootable": "false", "interface": "virtio_scsi", "pass_discard": "false",
		"read_only": "false", "uses_scsi_reservation": "false",
	})
	return nil
}

// attachmentRemove detaches a disk from its VM; with detach_only=false the
// disk is removed too.
func (e *Engine) attachmentRemove(o *op) *reply {
	if v := o.param("detach_only"); v != "" && !boolParam(v) {
		if d := e.st.lookup(idOf(o.rec.data, "disk"), e.m.Type("Disk")); d != nil {
			e.st.destroy(d)
		}
	}
	return nil
}

// diskRemove refuses to remove a locked disk and removes its attachments
// with it.
func (e *Engine) diskRemove(o *op) *reply {
	if textOf(o.rec.data, "status") == "locked" {
		return conflict("Cannot remove Virtual Disk. Related operation is currently in progress. Please try again later.")
	}
	for _, r := range append([]*record(nil), e.st.byID[o.rec.id]...) {
		if r != o.rec && r.typ.Name == "DiskAttachment" {
			e.st.destroy(r)
		}
	}
	return nil
}

// nicPrepare gives a new NIC a MAC address and the engine's defaults.
func (e *Engine) nicPrepare(o *op) *reply {
	e.fillNic(o.rec, o.coll)
	return nil
}

func (e *Engine) fillNic(r *record, c *collection) {
	if textOf(r.data, "name") == "" {
		setText(r.data, r.typ, "name", fmt.Sprintf("nic%d", len(c.order)+1))
	}
	if childOf(r.data, "mac") == nil {
		e.macSeq++
		mac := etree.NewElement("mac")
		mac.AddChild(elem("address", macFor(e.macBase+e.macSeq)))
		setChild(r.data, r.typ, mac)
	}
	defaults(r.data, r.typ, map[string]string{"interface": "virtio", "linked": "true", "plugged": "true"})
}

// templatePrepare makes a template from the VM its body names: the VM's
// settings, locked while its disks are copied.
func (e *Engine) templatePrepare(o *op) *reply {
	t, d := o.rec.typ, o.rec.data
	vm := e.st.lookup(idOf(d, "vm"), e.m.Type("Vm"))
	if vm != nil {
		if vmRunning(vm) {
			return conflict("Cannot add Template. VM is running.")
		}
		for _, c := range vm.data.ChildElements() {
			el := t.Elem(c.Tag)
			if el == nil || childOf(d, c.Tag) != nil || vmCopySkip[c.Tag] || (el.Link && el.Type.Item != nil) {
				continue
			}
			switch c.Tag {
			case "host", "start_time", "stop_time", "template", "original_template", "vm":
				continue
			}
			insertOrdered(d, t, c.Copy())
		}
		if idOf(d, "cluster") == "" && idOf(vm.data, "cluster") != "" {
			setRef(d, t, "cluster", idOf(vm.data, "cluster"))
		}
	}
	ver := etree.NewElement("version")
	ver.AddChild(elem("version_number", "1"))
	base := etree.NewElement("base_template")
	base.CreateAttr("id", o.rec.id)
	ver.AddChild(base)
	normalize(ver, t.Elem("version").Type, true)
	setChild(d, t, ver)
	setText(d, t, "creation_time", formatTime(e.now()))
	e.setStatus(o.rec, "locked", "ok")
	return nil
}

// templateAfter copies the VM's disks and NICs to the template.
func (e *Engine) templateAfter(o *op) {
	tmpl := o.rec
	vm := e.st.lookup(idOf(tmpl.data, "vm"), e.m.Type("Vm"))
	e.templateDevices(tmpl)
	if vm == nil {
		return
	}
	for i, att := range vm.subs["diskattachments"].list() {
		src := e.st.lookup(idOf(att.data, "disk"), e.m.Type("Disk"))
		if src == nil {
			continue
		}
		disk := e.newDisk(src.data.Copy(), fmt.Sprintf("%s_Disk%d", textOf(tmpl.data, "name"), i+1), tmpl.owner)
		a := att.data.Copy()
		removeChildren(a, "vm")
		setRef(a, att.typ, "disk", disk.id)
		e.addChild(tmpl, "diskattachments", disk.id, a)
	}
	for _, nic := range vm.subs["nics"].list() {
		n := nic.data.Copy()
		removeChildren(n, "vm")
		e.addChild(tmpl, "nics", "", n)
	}
}

// templateDevices gives a new template its CD-ROM; its disks come from
// the VM it is made of. Both lists are read-only below a template.
func (e *Engine) templateDevices(tmpl *record) {
	hr := e.homeRoute(tmpl)
	for _, seg := range []string{"diskattachments", "cdroms"} {
		if lr := e.meta.subRoute(hr, seg); lr != nil {
			tmpl.sub(seg, lr, true).filled = true
		}
	}
	e.addChild(tmpl, "cdroms", "", etree.NewElement("cdrom"))
}

// templateRemove keeps Blank and the templates VMs use.
func (e *Engine) templateRemove(o *op) *reply {
	if o.rec.id == blankID {
		return conflict("Cannot delete Blank Template.")
	}
	var users []string
	for _, vm := range e.st.roots["vms"].list() {
		if idOf(vm.data, "template") == o.rec.id {
			users = append(users, textOf(vm.data, "name"))
		}
	}
	if len(users) > 0 {
		return conflict("Cannot delete Template. Template is being used by the following VMs: " + strings.Join(users, ", ") + ".")
	}
	for _, att := range o.rec.subs["diskattachments"].list() {
		if d := e.st.lookup(idOf(att.data, "disk"), e.m.Type("Disk")); d != nil {
			e.st.destroy(d)
		}
	}
	return nil
}

// blankID is the Blank template's id on every engine.
const blankID = "00000000-0000-0000-0000-000000000000"
