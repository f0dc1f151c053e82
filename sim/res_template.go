package sim

import (
	"fmt"
	"strings"

	"github.com/beevik/etree"
)

// templateResources are the templates: made from a VM, locked while its
// disks are copied; Blank and the templates VMs use cannot be removed.
func templateResources(e *Engine) []resource {
	return []resource{{
		service: "TemplatesService", seg: "templates", typ: "Template", named: true, userCreatable: true,
		prepare: e.templatePrepare, after: e.templateAfter, remove: e.templateRemove,
	}}
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
	e.graphicsConsoles(tmpl, textOf(childOf(tmpl.data, "display"), "type"))
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
