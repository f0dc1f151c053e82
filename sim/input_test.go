package sim

import (
	"strings"
	"testing"

	"github.com/beevik/etree"
)

// TestDeprecatedNeverRequired adds an affinity group with rules and
// without positive and enforcing, which rsdl_metadata lists as mandatory
// but the model deprecates (AffinityGroup.java: "@Deprecated Boolean
// positive();", "@Deprecated Boolean enforcing();"); the engine's
// BackendAffinityGroupsResource.add maps the body without
// validateParameters, so it is accepted. The name stays mandatory.
func TestDeprecatedNeverRequired(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1})
	c := newClient(t, e, srv)
	cl := firstID(t, c, "/clusters")
	body := c.must(201, "POST", "/clusters/"+cl+"/affinitygroups",
		`<affinity_group><name>spread</name><vms_rule><enabled>true</enabled><enforcing>false</enforcing><positive>false</positive></vms_rule>`+
			`<hosts_rule><enabled>false</enabled></hosts_rule></affinity_group>`)
	if !strings.Contains(string(body), "<name>spread</name>") {
		t.Errorf("the new group: %s", body)
	}
	body = c.must(400, "POST", "/clusters/"+cl+"/affinitygroups", `<affinity_group><positive>true</positive></affinity_group>`)
	if !strings.Contains(string(body), "AffinityGroup [name] required for add") {
		t.Errorf("a group without a name: %s", body)
	}
}

// TestAddMergesIntoTemplate: a structure a VM's body gives in part is
// merged member by member into the template's, as VmBaseMapper maps only
// what is set ("if (model.isSetCpu() && model.getCpu().isSetTopology())",
// "if (model.isSetMemoryPolicy() && model.getMemoryPolicy().isSetBallooning())");
// a given memory sets the limits BackendVmsResource.add derives
// ("getMaxMemorySizeDefault": 4 times the memory; "calcMinMemory": memory *
// 100 / the cluster's over-commit, 100 by default).
func TestAddMergesIntoTemplate(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1})
	c := newClient(t, e, srv)
	body := string(c.must(201, "POST", "/vms", `<vm><name>merged</name><cluster><name>Default</name></cluster>`+
		`<template><name>Blank</name></template><cpu><mode>host_passthrough</mode></cpu>`+
		`<memory_policy><ballooning>false</ballooning></memory_policy></vm>`))
	for _, want := range []string{"<mode>host_passthrough</mode>", "<cores>1</cores>", "<sockets>1</sockets>",
		"<ballooning>false</ballooning>", "<guaranteed>1073741824</guaranteed>", "<max>4294967296</max>"} {
		if !strings.Contains(body, want) {
			t.Errorf("the new VM lacks %s (the template's values kept):\n%s", want, body)
		}
	}
	body = string(c.must(201, "POST", "/vms", `<vm><name>big</name><cluster><name>Default</name></cluster>`+
		`<template><name>Blank</name></template><memory>2147483648</memory></vm>`))
	if !strings.Contains(body, "<guaranteed>2147483648</guaranteed>") || !strings.Contains(body, "<max>8589934592</max>") {
		t.Errorf("memory limits of a VM given 2 GiB:\n%s", body)
	}
}

// TestCloneGivesBlank: with clone=true the VM's disks are its own and its
// template is Blank (AddVmFromTemplateCommand.executeVmCommand:
// "getVm().setVmtGuid(VmTemplateHandler.BLANK_VM_TEMPLATE_ID)"); its
// original template stays the one it was made from.
func TestCloneGivesBlank(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1})
	c := newClient(t, e, srv)
	vm := parseXML(t, c.must(201, "POST", "/vms?clone=true", `<vm><name>cloned</name><cluster><name>Default</name></cluster>`+
		`<template><name>centos-stream-9</name></template></vm>`))
	if got := idOf(vm, "template"); got != blankID {
		t.Errorf("template of a clone: %s, want Blank", got)
	}
	if idOf(vm, "original_template") == blankID || idOf(vm, "original_template") == "" {
		t.Errorf("original_template of a clone: %q, want centos-stream-9", idOf(vm, "original_template"))
	}
	if n := strings.Count(string(c.must(200, "GET", "/vms/"+vm.SelectAttrValue("id", "")+"/diskattachments", "")), "<disk_attachment "); n != 1 {
		t.Errorf("a clone has %d disks, want the template's one", n)
	}
	vm = parseXML(t, c.must(201, "POST", "/vms", `<vm><name>thin</name><cluster><name>Default</name></cluster>`+
		`<template><name>centos-stream-9</name></template></vm>`))
	if idOf(vm, "template") == blankID {
		t.Error("a VM made without clone has Blank as its template")
	}
}

// TestTemplateDiskStorageDomain: a VM's body that names a template's disk
// with a storage domain gets that disk's copy there
// (BackendVmsResource.getDisksToClone: "disksMap.put(templateDisk.getId(),
// map(disk, templateDisk))"); a disk the template lacks is answered 404
// with an empty body ("throw new WebApplicationException(Response.Status.NOT_FOUND)").
func TestTemplateDiskStorageDomain(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1})
	c := newClient(t, e, srv)
	tmpl := parseXML(t, c.must(200, "GET", "/templates?search=name%3Dcentos-stream-9", "")).ChildElements()[0]
	atts := parseXML(t, c.must(200, "GET", "/templates/"+tmpl.SelectAttrValue("id", "")+"/diskattachments", ""))
	disk := idOf(atts.ChildElements()[0], "disk")
	sd2 := parseXML(t, c.must(200, "GET", "/storagedomains?search=name%3Ddata2", "")).ChildElements()[0].SelectAttrValue("id", "")
	vm := parseXML(t, c.must(201, "POST", "/vms", `<vm><name>placed</name><cluster><name>Default</name></cluster>`+
		`<template><name>centos-stream-9</name></template><disk_attachments><disk_attachment><disk id="`+disk+`">`+
		`<alias>placed_root</alias><storage_domains><storage_domain id="`+sd2+`"/></storage_domains></disk></disk_attachment></disk_attachments></vm>`))
	vmAtts := parseXML(t, c.must(200, "GET", "/vms/"+vm.SelectAttrValue("id", "")+"/diskattachments", ""))
	if n := len(vmAtts.ChildElements()); n != 1 {
		t.Fatalf("the VM has %d disks, want 1 (the copy, not the template's disk attached)", n)
	}
	copyID := idOf(vmAtts.ChildElements()[0], "disk")
	got := string(c.must(200, "GET", "/disks/"+copyID, ""))
	if copyID == disk || !strings.Contains(got, `<storage_domain href="/ovirt-engine/api/storagedomains/`+sd2) || !strings.Contains(got, "<alias>placed_root</alias>") {
		t.Errorf("the copy of the template's disk:\n%s", got)
	}
	resp, body := c.do("POST", "/vms", `<vm><name>stray</name><cluster><name>Default</name></cluster>`+
		`<template><name>centos-stream-9</name></template><disk_attachments><disk_attachment><disk id="`+blankID+`"/>`+
		`</disk_attachment></disk_attachments></vm>`)
	if resp.StatusCode != 404 || len(body) != 0 {
		t.Errorf("a disk the template lacks: %d %s, want 404 and no body", resp.StatusCode, body)
	}
}

// TestTagAttachedByName: POST /vms/{id}/tags with a name attaches the
// existing tag (AbstractBackendAssignedTagsResource.add:
// "validateParameters(tag, \"id|name\"); if (!tag.isSetId()) { tag =
// lookupTagByName(tag.getName()); }"), and search=tag=X finds the VM.
func TestTagAttachedByName(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1})
	c := newClient(t, e, srv)
	tag := parseXML(t, c.must(201, "POST", "/tags", `<tag><name>prod</name></tag>`)).SelectAttrValue("id", "")
	vm := firstID(t, c, "/vms")
	got := parseXML(t, c.must(201, "POST", "/vms/"+vm+"/tags", `<tag><name>prod</name></tag>`))
	if got.SelectAttrValue("id", "") != tag {
		t.Errorf("attached tag %s, want the existing %s", got.SelectAttrValue("id", ""), tag)
	}
	if n := strings.Count(string(c.must(200, "GET", "/tags", "")), "<name>prod</name>"); n != 1 {
		t.Errorf("%d tags named prod, want 1", n)
	}
	found := parseXML(t, c.must(200, "GET", "/vms?search=tag%3Dprod", ""))
	if len(found.ChildElements()) != 1 || found.ChildElements()[0].SelectAttrValue("id", "") != vm {
		t.Errorf("search=tag=prod found %d VMs, want the tagged one", len(found.ChildElements()))
	}
	resp, _ := c.do("POST", "/vms/"+vm+"/tags", `<tag><name>nope</name></tag>`)
	if resp.StatusCode != 404 {
		t.Errorf("attaching an unknown tag by name: %d, want 404", resp.StatusCode)
	}
}

// TestNewAttachmentInactive: a disk attached without <active> is not
// plugged (BackendDiskAttachmentsResource.attachDiskToVm: "boolean
// isDiskActive = false; if (attachment.isSetActive()) {...}"; a new disk
// is plugged only "if (attachment.isSetActive())").
func TestNewAttachmentInactive(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1})
	c := newClient(t, e, srv)
	vm := firstID(t, c, "/vms")
	// bootable, interface and pass_discard: DiskAttachmentsService.Add.Signature1 (model 4.6.1).
	body := string(c.must(201, "POST", "/vms/"+vm+"/diskattachments", `<disk_attachment><bootable>false</bootable><interface>virtio</interface><pass_discard>false</pass_discard>`+
		`<disk><provisioned_size>1073741824</provisioned_size><format>cow</format>`+
		`<storage_domains><storage_domain><name>data1</name></storage_domain></storage_domains></disk></disk_attachment>`))
	if !strings.Contains(body, "<active>false</active>") {
		t.Errorf("a new attachment without <active>:\n%s", body)
	}
}

// TestAttachWithoutFlags names where the REST layer checks less than the
// model's signature (restneeds.Unchecked): DiskAttachmentsService.Add asks
// for bootable, interface and pass_discard (model 4.6.1), but
// BackendDiskAttachmentsResource.add validates no member of the
// attachment and DiskAttachmentMapper sets bootable and pass_discard only
// when given; the SDKs' examples attach a disk without pass_discard. The
// engine accepts it, and so does the simulator, with both false.
func TestAttachWithoutFlags(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1})
	c := newClient(t, e, srv)
	vm := firstID(t, c, "/vms")
	body := parseXML(t, c.must(201, "POST", "/vms/"+vm+"/diskattachments", `<disk_attachment><interface>virtio</interface>`+
		`<disk><provisioned_size>1073741824</provisioned_size><format>cow</format>`+
		`<storage_domains><storage_domain><name>data1</name></storage_domain></storage_domains></disk></disk_attachment>`))
	if b, p := textOf(body, "bootable"), textOf(body, "pass_discard"); b != "false" || p != "false" {
		t.Errorf("bootable %q, pass_discard %q; want both false", b, p)
	}
	// The members the table does not name stay as the signature asks:
	// without an interface the simulator answers 400.
	resp, _ := c.do("POST", "/vms/"+vm+"/diskattachments", `<disk_attachment><bootable>true</bootable>`+
		`<disk><provisioned_size>1073741824</provisioned_size><format>cow</format>`+
		`<storage_domains><storage_domain><name>data1</name></storage_domain></storage_domains></disk></disk_attachment>`)
	if resp.StatusCode != 400 {
		t.Errorf("an attachment without an interface: %d, want 400", resp.StatusCode)
	}
}

// TestSoundCardFromTemplate: a VM made with a type keeps its template's
// sound card, whatever the type.
func TestSoundCardFromTemplate(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1})
	c := newClient(t, e, srv)
	for tmpl, want := range map[string]string{"fedora-40": "true", "centos-stream-9": "false"} {
		vm := parseXML(t, c.must(201, "POST", "/vms", `<vm><name>snd-`+tmpl+`</name><cluster><name>Default</name></cluster>`+
			`<template><name>`+tmpl+`</name></template><type>desktop</type></vm>`))
		if got := textOf(vm, "soundcard_enabled"); got != want {
			t.Errorf("a desktop VM from %s: soundcard_enabled %q, want the template's %s", tmpl, got, want)
		}
	}
}

// TestRESTRequiresMore names where the REST layer validates more than the
// route's signatures (restneeds.Validated): copying a disk through its
// storage domain needs the target domain, which rsdl_metadata does not
// list, and a label assigned to an object is named by id
// (BackendAssignedAffinityLabelsResource.add: validateParameters(label, "id")).
func TestRESTRequiresMore(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1})
	c := newClient(t, e, srv)
	sd := firstID(t, c, "/storagedomains")
	disk := firstID(t, c, "/storagedomains/"+sd+"/disks")
	r := e.Model().Routes().Lookup("POST", "/storagedomains/"+sd+"/disks/"+disk+"/copy").Route
	if len(r.Signatures) != 0 {
		t.Fatalf("the route has signatures now (%v): restneeds may be stale", r.Signatures)
	}
	body := string(c.must(400, "POST", "/storagedomains/"+sd+"/disks/"+disk+"/copy", `<action/>`))
	if !strings.Contains(body, "Action [storage_domain.id|name] required for copy") {
		t.Errorf("copy without a target:\n%s", body)
	}
	vm := firstID(t, c, "/vms")
	body = string(c.must(400, "POST", "/vms/"+vm+"/affinitylabels", `<affinity_label><name>ssd</name></affinity_label>`))
	if !strings.Contains(body, "AffinityLabel [id] required for add") {
		t.Errorf("a label named by name:\n%s", body)
	}
	label := idIn(c.must(201, "POST", "/affinitylabels", `<affinity_label><name>nvme</name></affinity_label>`), false)
	c.must(201, "POST", "/vms/"+vm+"/affinitylabels", `<affinity_label id="`+label+`"/>`)
}

// parseXML parses a response body.
func parseXML(t testing.TB, body []byte) *etree.Element {
	t.Helper()
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(body); err != nil || doc.Root() == nil {
		t.Fatalf("not XML: %s", clipBody(body))
	}
	return doc.Root()
}
