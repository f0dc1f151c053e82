package sim

import "github.com/beevik/etree"

// diskResources are the disks: locked until their image exists, kept while
// a VM uses them.
func diskResources(e *Engine) []resource {
	return []resource{{
		service: "DisksService", seg: "disks", typ: "Disk", userCreatable: true,
		fill: func(e *Engine, d *record, _ *collection) { e.completeDisk(d, "") }, remove: e.diskRemove,
	}}
}

// diskDefaults are what the engine fills in for a new disk.
var diskDefaults = map[string]string{
	"format": "cow", "sparse": "true", "shareable": "false", "wipe_after_delete": "false",
	"propagate_errors": "false", "storage_type": "image", "content_type": "data",
	"actual_size": "0", "total_size": "0", "provisioned_size": "1073741824", "backup": "none",
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
			e.destroyDisk(d)
		}
	}
	return nil
}

// diskRemove refuses to remove a locked disk and removes its attachments
// and image with it.
func (e *Engine) diskRemove(o *op) *reply {
	if textOf(o.rec.data, "status") == "locked" {
		return conflict("Cannot remove Virtual Disk. Related operation is currently in progress. Please try again later.")
	}
	e.dropDiskParts(o.rec)
	return nil
}

// destroyDisk removes a disk with its attachments and image. Callers hold
// mu.
func (e *Engine) destroyDisk(d *record) {
	e.dropDiskParts(d)
	e.st.destroy(d)
}

// dropDiskParts removes what goes with a disk: its attachments, and the
// bytes image transfers stored for it. Callers hold mu.
func (e *Engine) dropDiskParts(d *record) {
	for _, r := range append([]*record(nil), e.st.byID[d.id]...) {
		if r != d && r.typ.Name == "DiskAttachment" {
			e.st.destroy(r)
		}
	}
	if err := e.img.srv.RemoveImage(d.id); err != nil {
		e.log.Warn("remove the image of a disk", "disk", d.id, "err", err)
	}
}
