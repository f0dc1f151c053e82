package sim

import (
	"strings"
	"testing"
)

// TestStopDownVM: stopping or shutting down a VM that is down succeeds and
// changes nothing (StopVmCommandBase.shouldSkipCommandExecution: "return
// getVm() != null && getVm().getStatus() == VMStatus.Down;").
func TestStopDownVM(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1})
	c := newClient(t, e, srv)
	vm := parseXML(t, c.must(200, "GET", "/vms?search=name%3Dtest-01", "")).ChildElements()[0].SelectAttrValue("id", "")
	for _, verb := range []string{"stop", "shutdown"} {
		if body := string(c.must(200, "POST", "/vms/"+vm+"/"+verb, "<action/>")); !strings.Contains(body, "<status>complete</status>") {
			t.Errorf("%s of a down VM:\n%s", verb, body)
		}
	}
	if got := textOf(parseXML(t, c.must(200, "GET", "/vms/"+vm, "")), "status"); got != "down" {
		t.Errorf("status %s after stopping a down VM", got)
	}
}

// TestDiskRules: a disk that is not shareable cannot be attached to a
// second VM (AttachDiskToVmCommand: ACTION_TYPE_FAILED_NOT_SHAREABLE_DISK_ALREADY_ATTACHED);
// a disk plugged into a running VM cannot be removed (RemoveDiskCommand.validateAllVmsForDiskAreDown:
// ACTION_TYPE_FAILED_VM_IS_NOT_DOWN), nor a template's disk without naming the
// domain of the copy ("Cannot ${action} ${type}. A storage domain must be
// specified when deleting one of a template's disk's copies."), nor its
// last copy ("The image is the only remaining copy of a Template disk.").
func TestDiskRules(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1})
	c := newClient(t, e, srv)
	vmID := func(name string) string {
		return parseXML(t, c.must(200, "GET", "/vms?search=name%3D"+name, "")).ChildElements()[0].SelectAttrValue("id", "")
	}
	running, down := vmID("web-01"), vmID("test-01")
	disk := idOf(parseXML(t, c.must(200, "GET", "/vms/"+running+"/diskattachments", "")).ChildElements()[0], "disk")
	body := string(c.must(409, "POST", "/vms/"+down+"/diskattachments", `<disk_attachment><disk id="`+disk+`"/></disk_attachment>`))
	if !strings.Contains(body, "not shareable") {
		t.Errorf("attaching a second VM to a disk that is not shareable:\n%s", body)
	}
	if body := string(c.must(409, "DELETE", "/disks/"+disk, "")); !strings.Contains(body, "At least one of the VMs is not down") {
		t.Errorf("removing the disk of a running VM:\n%s", body)
	}
	shared := parseXML(t, c.must(201, "POST", "/disks", `<disk><name>shared</name><provisioned_size>1073741824</provisioned_size>`+
		`<format>raw</format><shareable>true</shareable><storage_domains><storage_domain><name>data1</name></storage_domain></storage_domains></disk>`))
	for _, vm := range []string{running, down} {
		c.must(201, "POST", "/vms/"+vm+"/diskattachments", `<disk_attachment><disk id="`+shared.SelectAttrValue("id", "")+`"/></disk_attachment>`)
	}
	tmpl := parseXML(t, c.must(200, "GET", "/templates?search=name%3Dcentos-stream-9", "")).ChildElements()[0].SelectAttrValue("id", "")
	tdisk := idOf(parseXML(t, c.must(200, "GET", "/templates/"+tmpl+"/diskattachments", "")).ChildElements()[0], "disk")
	if body := string(c.must(409, "DELETE", "/disks/"+tdisk, "")); !strings.Contains(body, "A storage domain must be specified") {
		t.Errorf("removing a template's disk:\n%s", body)
	}
	sd1 := firstID(t, c, "/storagedomains?search=name%3Ddata1")
	if body := string(c.must(409, "DELETE", "/storagedomains/"+sd1+"/disks/"+tdisk, "")); !strings.Contains(body, "only remaining copy") {
		t.Errorf("removing a template disk's last copy:\n%s", body)
	}
}

// TestTemplateDiskCopy: a template's disk copied to another storage domain
// keeps its id and is listed and read below that domain; removing that
// copy leaves the first one.
func TestTemplateDiskCopy(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1})
	c := newClient(t, e, srv)
	tmpl := parseXML(t, c.must(200, "GET", "/templates?search=name%3Dfedora-40", "")).ChildElements()[0].SelectAttrValue("id", "")
	disk := idOf(parseXML(t, c.must(200, "GET", "/templates/"+tmpl+"/diskattachments", "")).ChildElements()[0], "disk")
	sd2 := firstID(t, c, "/storagedomains?search=name%3Ddata2")
	c.must(200, "POST", "/disks/"+disk+"/copy", `<action><storage_domain id="`+sd2+`"/></action>`)
	if !strings.Contains(string(c.must(200, "GET", "/storagedomains/"+sd2+"/disks", "")), `id="`+disk+`"`) {
		t.Error("the copy is not listed below the target domain")
	}
	got := string(c.must(200, "GET", "/storagedomains/"+sd2+"/disks/"+disk, ""))
	if strings.Count(got, "<storage_domain ") != 2 {
		t.Errorf("the template's disk after the copy:\n%s", got)
	}
	c.must(409, "POST", "/disks/"+disk+"/copy", `<action><storage_domain id="`+sd2+`"/></action>`)
	c.must(200, "DELETE", "/storagedomains/"+sd2+"/disks/"+disk, "")
	c.must(404, "GET", "/storagedomains/"+sd2+"/disks/"+disk, "")
	c.must(200, "GET", "/disks/"+disk, "")
}
