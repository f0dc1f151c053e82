package sim

import (
	"net/http"

	"github.com/beevik/etree"
)

// diskResources are the disks: locked until their image exists, kept while
// a VM uses them.
func diskResources(e *Engine) []resource {
	actions := map[string]func(*op) *reply{"copy": e.diskCopy, "move": e.diskMove}
	return []resource{{
		service: "DisksService", seg: "disks", typ: "Disk", userCreatable: true,
		fill:   func(e *Engine, d *record, _ *collection) { e.completeDisk(d, "") },
		remove: e.diskRemove, actions: actions,
	}, {
		service: "StorageDomainDisksService", seg: "disks", typ: "Disk",
		remove: e.diskCopyRemove, actions: actions,
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
		// AttachDiskToVmCommand.validate: "if (!isOperationPerformedOnDiskSnapshot()
		// && !disk.isShareable() && disk.getNumberOfVms() > 0) return
		// failValidation(EngineMessage.ACTION_TYPE_FAILED_NOT_SHAREABLE_DISK_ALREADY_ATTACHED);"
		if textOf(disk.data, "shareable") != "true" && len(e.diskAttachments(disk)) > 0 {
			return conflict("Cannot attach Virtual Disk. The disk is not shareable and is already attached to a VM.")
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
		"active": "false", "bootable": "false", "interface": "virtio_scsi", "pass_discard": "false",
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

// diskRemove removes a disk with its attachments, refusing what
// RemoveDiskCommand.validate refuses: a locked disk, a disk plugged into a
// VM that is not down (ACTION_TYPE_FAILED_VM_IS_NOT_DOWN), and a template's
// disk named without the storage domain of the copy to remove
// (ACTION_TYPE_FAILED_CANT_DELETE_TEMPLATE_DISK_WITHOUT_SPECIFYING_DOMAIN).
func (e *Engine) diskRemove(o *op) *reply {
	d := o.rec
	if textOf(d.data, "status") == "locked" {
		return conflict("Cannot remove Virtual Disk. Related operation is currently in progress. Please try again later.")
	}
	for _, a := range e.diskAttachments(d) {
		owner := a.home.owner
		switch {
		case owner.typ.Name == "Template":
			return conflict("Cannot remove Virtual Disk. A storage domain must be specified when deleting one of a template's disk's copies.")
		case vmRunning(owner) && textOf(a.data, "active") == "true":
			return conflict("Cannot remove Virtual Disk. At least one of the VMs is not down.")
		}
	}
	e.dropDiskParts(d)
	return nil
}

// diskCopyRemove removes the copy of a disk on the storage domain the path
// names (DELETE /storagedomains/{sd}/disks/{id}): for a template's disk
// only that copy, refused when it is the last one (VM_TEMPLATE_IMAGE_LAST_DOMAIN:
// "Cannot ${action} ${type}. The image is the only remaining copy of a
// Template disk."); any other disk goes whole.
func (e *Engine) diskCopyRemove(o *op) *reply {
	d := o.rec
	if e.templateOf(d) == nil {
		if rp := e.diskRemove(o); rp != nil {
			return rp
		}
		e.st.destroy(d)
		return nil // diskRemove dropped its parts
	}
	if len(listItems(d.data, "storage_domains")) < 2 {
		return conflict("Cannot remove Virtual Disk. The image is the only remaining copy of a Template disk.")
	}
	return nil // the generic remove detaches it from this domain
}

// diskAttachments returns the attachments of disk d to VMs and templates.
func (e *Engine) diskAttachments(d *record) []*record {
	var out []*record
	for _, r := range e.st.byID[d.id] {
		if r != d && r.typ.Name == "DiskAttachment" && r.home != nil && r.home.owner != nil {
			out = append(out, r)
		}
	}
	return out
}

// templateOf returns the template disk d belongs to, or nil.
func (e *Engine) templateOf(d *record) *record {
	for _, a := range e.diskAttachments(d) {
		if a.home.owner.typ.Name == "Template" {
			return a.home.owner
		}
	}
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
	for _, a := range e.diskAttachments(d) {
		e.st.destroy(a)
	}
	if err := e.img.srv.RemoveImage(d.id); err != nil {
		e.log.Warn("remove the image of a disk", "disk", d.id, "err", err)
	}
}

// diskCopy copies a disk to the storage domain the action names: a
// template's disk gets a copy of its image there, keeping its id (it is
// then listed and read below that domain, as the engine's
// CopyImageGroupCommand registers the template image on a further domain),
// any other disk a new disk.
func (e *Engine) diskCopy(o *op) *reply {
	d := o.rec
	sd, rp := e.targetDomain(o, "copy")
	if rp != nil {
		return rp
	}
	if e.templateOf(d) != nil {
		for _, it := range listItems(d.data, "storage_domains") {
			if it.SelectAttrValue("id", "") == sd.id {
				return conflict("Cannot copy Virtual Disk. The disk already exists on the target storage domain.")
			}
		}
		list := childOf(d.data, "storage_domains")
		if list == nil {
			list = etree.NewElement("storage_domains")
			setChild(d.data, d.typ, list)
		}
		list.AddChild(refs("storage_domain", sd.id)[0])
		e.remirror(d)
		return nil
	}
	data := d.data.Copy()
	removeChildren(data, "storage_domains")
	data.AddChild(refList("storage_domains", "storage_domain", sd.id))
	name := textOf(childOf(o.in, "disk"), "alias")
	if name == "" {
		name = textOf(d.data, "alias")
	}
	e.newDisk(data, name, d.owner)
	return nil
}

// diskMove moves a disk to the storage domain the action names, locked
// while its image moves.
func (e *Engine) diskMove(o *op) *reply {
	d := o.rec
	sd, rp := e.targetDomain(o, "move")
	if rp != nil {
		return rp
	}
	setChild(d.data, d.typ, refList("storage_domains", "storage_domain", sd.id))
	e.remirror(d)
	e.setStatus(d, "locked", "ok")
	return nil
}

// targetDomain returns the storage domain a copy or move names
// (BackendDiskResource: validateParameters(action, "storageDomain.id|name")).
func (e *Engine) targetDomain(o *op, verb string) (*record, *reply) {
	sd := e.st.lookup(idOf(o.in, "storage_domain"), e.m.Type("StorageDomain"))
	if sd == nil {
		return nil, faultReply(http.StatusBadRequest, "Incomplete parameters", "Action [storageDomain.id|name] required for "+verb)
	}
	return sd, nil
}
