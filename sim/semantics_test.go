package sim

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"
)

// statusOf returns the <status> of a single object's XML.
func statusOf(body []byte) string {
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(body); err != nil || doc.Root() == nil {
		return ""
	}
	return textOf(doc.Root(), "status")
}

// items parses a list.
func items(t *testing.T, body []byte) []*etree.Element {
	t.Helper()
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(body); err != nil || doc.Root() == nil {
		t.Fatalf("not XML: %s", clipBody(body))
	}
	return doc.Root().ChildElements()
}

func TestHostMaintenance(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	e, srv := testEngine(t, Options{Seed: 1, Settle: 2 * time.Second, Clock: clk.Now})
	c := newClient(t, e, srv)
	host := firstID(t, c, "/hosts?search=name%3Dhost1")
	running := strings.Count(string(c.must(200, "GET", "/vms?search=host%3Dhost1", "")), "<vm ")
	if running == 0 {
		t.Fatal("no VM runs on host1")
	}
	c.must(200, "POST", "/hosts/"+host+"/deactivate", "<action/>")
	if st := statusOf(c.must(200, "GET", "/hosts/"+host, "")); st != "preparing_for_maintenance" {
		t.Errorf("status %q right after deactivate", st)
	}
	c.must(409, "POST", "/hosts/"+host+"/deactivate", "<action/>")
	clk.Advance(3 * time.Second)
	if st := statusOf(c.must(200, "GET", "/hosts/"+host, "")); st != "maintenance" {
		t.Errorf("status %q after settling, want maintenance", st)
	}
	if n := strings.Count(string(c.must(200, "GET", "/vms?search=host%3Dhost1", "")), "<vm "); n != 0 {
		t.Errorf("%d VMs still run on a host in maintenance", n)
	}
	c.must(200, "POST", "/hosts/"+host+"/activate", "<action/>")
	clk.Advance(3 * time.Second)
	if st := statusOf(c.must(200, "GET", "/hosts/"+host, "")); st != "up" {
		t.Errorf("status %q after activate, want up", st)
	}
}

func TestSetupNetworksIsAtomic(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1})
	c := newClient(t, e, srv)
	host := firstID(t, c, "/hosts?search=name%3Dhost1")
	before := c.must(200, "GET", "/hosts/"+host+"/networkattachments", "")
	if strings.Count(string(before), "<network_attachment ") != 1 {
		t.Fatalf("a seeded host has not exactly its management network: %s", before)
	}
	good := `<network_attachment><network><name>vmnet</name></network><host_nic><name>eth1</name></host_nic></network_attachment>`
	for _, bad := range []string{
		`<modified_network_attachments>` + good + `<network_attachment><network><name>nonet</name></network><host_nic><name>eth1</name></host_nic></network_attachment></modified_network_attachments>`,
		`<modified_network_attachments>` + good + `</modified_network_attachments><removed_network_attachments><network_attachment id="not-there"/></removed_network_attachments>`,
		`<modified_network_attachments><network_attachment><network><name>vmnet</name></network><host_nic><name>eth9</name></host_nic></network_attachment></modified_network_attachments>`,
		`<modified_network_attachments>` + good + good + `</modified_network_attachments>`,
	} {
		resp, body := c.do("POST", "/hosts/"+host+"/setupnetworks", "<action>"+bad+"</action>")
		if resp.StatusCode != 400 || !strings.Contains(string(body), "Cannot setup Networks") {
			t.Errorf("bad setup answered %d: %s", resp.StatusCode, clipBody(body))
		}
		if after := c.must(200, "GET", "/hosts/"+host+"/networkattachments", ""); !bytes.Equal(before, after) {
			t.Fatalf("a refused setup changed the host's networks:\n%s", after)
		}
	}
	c.must(200, "POST", "/hosts/"+host+"/setupnetworks", "<action><modified_network_attachments>"+good+"</modified_network_attachments></action>")
	id := ""
	for _, a := range items(t, c.must(200, "GET", "/hosts/"+host+"/networkattachments?follow=network", "")) {
		if textOf(childOf(a, "network"), "name") == "vmnet" {
			id = a.SelectAttrValue("id", "")
		}
	}
	if id == "" {
		t.Fatal("vmnet not attached")
	}
	// Remove it again, by id.
	c.must(200, "POST", "/hosts/"+host+"/setupnetworks", `<action><removed_network_attachments><network_attachment id="`+id+`"/></removed_network_attachments></action>`)
	if n := strings.Count(string(c.must(200, "GET", "/hosts/"+host+"/networkattachments", "")), "<network_attachment "); n != 1 {
		t.Errorf("%d attachments after removing vmnet, want 1", n)
	}
}

func TestStorageDomainAttach(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	e, srv := testEngine(t, Options{Seed: 1, Settle: time.Second, Clock: clk.Now})
	c := newClient(t, e, srv)
	dc := firstID(t, c, "/datacenters")
	iso := firstID(t, c, "/storagedomains?search=name%3Diso")
	if n := strings.Count(string(c.must(200, "GET", "/datacenters/"+dc+"/storagedomains", "")), "<storage_domain "); n != 2 {
		t.Fatalf("%d domains attached to the data center, want 2", n)
	}
	body := c.must(201, "POST", "/datacenters/"+dc+"/storagedomains", `<storage_domain id="`+iso+`"/>`)
	if statusOf(body) != "locked" || !strings.Contains(string(body), `href="/ovirt-engine/api/datacenters/`+dc+`/storagedomains/`+iso+`"`) {
		t.Errorf("attached domain: %s", clipBody(body))
	}
	c.must(409, "POST", "/datacenters/"+dc+"/storagedomains", `<storage_domain><name>iso</name></storage_domain>`)
	clk.Advance(2 * time.Second)
	if st := statusOf(c.must(200, "GET", "/datacenters/"+dc+"/storagedomains/"+iso, "")); st != "active" {
		t.Errorf("status %q after attaching, want active", st)
	}
	c.must(200, "POST", "/datacenters/"+dc+"/storagedomains/"+iso+"/deactivate", "<action/>")
	clk.Advance(2 * time.Second)
	c.must(200, "DELETE", "/datacenters/"+dc+"/storagedomains/"+iso, "")
	c.must(404, "GET", "/datacenters/"+dc+"/storagedomains/"+iso, "")
	if sd := c.must(200, "GET", "/storagedomains/"+iso, ""); strings.Contains(string(sd), dc) {
		t.Errorf("a detached domain still names the data center: %s", clipBody(sd))
	}
}

func TestAsyncJobAndHeaders(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	e, srv := testEngine(t, Options{Seed: 1, Settle: time.Second, Clock: clk.Now})
	c := newClient(t, e, srv)
	vm := firstID(t, c, "/vms?search=name%3Dweb-03")
	c.header = http.Header{"Correlation-Id": {"my-correlation"}}
	resp, body := c.do("POST", "/vms/"+vm+"/start", "<action><async>true</async></action>")
	if resp.StatusCode != 202 || resp.Header.Get("Correlation-Id") != "my-correlation" {
		t.Fatalf("async start: %d, Correlation-Id %q", resp.StatusCode, resp.Header.Get("Correlation-Id"))
	}
	job := reJobID.FindSubmatch(body)
	if job == nil || !strings.Contains(string(body), "<status>pending</status>") {
		t.Fatalf("async answer has no job: %s", body)
	}
	if st := statusOf(c.must(200, "GET", "/jobs/"+string(job[1]), "")); st != "started" {
		t.Errorf("job status %q, want started", st)
	}
	clk.Advance(2 * time.Second)
	jb := c.must(200, "GET", "/jobs/"+string(job[1]), "")
	if statusOf(jb) != "finished" || !strings.Contains(string(jb), "<end_time>") {
		t.Errorf("job after settling: %s", clipBody(jb))
	}
	// Expect: 201-created answers a new disk once it is ok.
	disk := `<disk><name>d</name><format>cow</format><provisioned_size>1048576</provisioned_size><storage_domains><storage_domain><name>data1</name></storage_domain></storage_domains></disk>`
	if st := statusOf(c.must(201, "POST", "/disks", disk)); st != "locked" {
		t.Errorf("new disk status %q, want locked", st)
	}
	c.header.Set("Expect", "201-created")
	if st := statusOf(c.must(201, "POST", "/disks", strings.Replace(disk, "<name>d<", "<name>e<", 1))); st != "ok" {
		t.Errorf("new disk with Expect: 201-created: status %q, want ok", st)
	}
	// A generated Correlation-Id when the client sends none.
	c.header = nil
	if resp, _ := c.do("HEAD", "/", ""); resp.StatusCode != 200 || resp.Header.Get("Correlation-Id") == "" || resp.ContentLength <= 0 {
		t.Errorf("HEAD /: %d, Correlation-Id %q, Content-Length %d", resp.StatusCode, resp.Header.Get("Correlation-Id"), resp.ContentLength)
	}
}

func TestVMParts(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1})
	c := newClient(t, e, srv)
	vm := reID.FindSubmatch(c.must(201, "POST", "/vms",
		`<vm><name>parts</name><cluster><name>Default</name></cluster><template><name>fedora-40</name></template></vm>`))[1]
	atts := string(c.must(200, "GET", "/vms/"+string(vm)+"/diskattachments?follow=disk", ""))
	if strings.Count(atts, "<disk_attachment ") != 1 || !strings.Contains(atts, "<name>parts_Disk1</name>") {
		t.Errorf("a VM from fedora-40 lacks its copied disk: %s", clipBody([]byte(atts)))
	}
	nic := string(c.must(201, "POST", "/vms/"+string(vm)+"/nics", `<nic><name>nic2</name><vnic_profile><name>vmnet</name></vnic_profile></nic>`))
	if !strings.Contains(nic, "<address>56:6f:") || !strings.Contains(nic, "<plugged>true</plugged>") {
		t.Errorf("new NIC: %s", nic)
	}
	c.must(409, "POST", "/vms/"+string(vm)+"/nics", `<nic><name>nic2</name></nic>`)
	tmpl := string(c.must(201, "POST", "/templates", `<template><name>from-parts</name><vm id="`+string(vm)+`"/></template>`))
	if statusOf([]byte(tmpl)) != "ok" || !strings.Contains(tmpl, "<memory>") {
		t.Errorf("template from a VM: %s", clipBody([]byte(tmpl)))
	}
	// The VM's cluster may not change while it runs.
	c.must(200, "POST", "/vms/"+string(vm)+"/start", "<action/>")
	c.must(409, "PUT", "/vms/"+string(vm), `<vm><cluster><name>Production</name></cluster></vm>`)
	body := string(c.must(200, "PUT", "/vms/"+string(vm), `<vm><memory>4294967296</memory><cpu><topology><cores>2</cores></topology></cpu></vm>`))
	if !strings.Contains(body, "<memory>4294967296</memory>") || !strings.Contains(body, "<cores>2</cores>") || !strings.Contains(body, "<sockets>1</sockets>") {
		t.Errorf("update did not merge: %s", clipBody([]byte(body)))
	}
}

func TestDeterministicSeed(t *testing.T) {
	body := func(seed int64) []byte {
		_, srv := testEngine(t, Options{Seed: seed, AdminPassword: "p", Clock: func() time.Time { return time.Unix(0, 0).UTC() }})
		c := &client{t: t, srv: srv, user: AdminUser, pass: "p"}
		return c.must(200, "GET", "/vms?follow=disk_attachments,nics", "")
	}
	a, b, other := body(5), body(5), body(6)
	if !bytes.Equal(a, b) {
		t.Error("two engines with the same seed differ")
	}
	if bytes.Equal(a, other) {
		t.Error("two seeds give the same inventory")
	}
	if n := bytes.Count(a, []byte("\n    <vm ")); n != 10 {
		t.Errorf("%d VMs, want 10", n)
	}
}

func TestSecretsNeverEchoed(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1})
	c := newClient(t, e, srv)
	body := string(c.must(201, "POST", "/hosts", `<host><name>h9</name><address>h9.example.com</address><root_password>hunter2</root_password>`+
		`<ssh><user><user_name>root</user_name><password>hunter2</password></user></ssh><cluster><name>Default</name></cluster></host>`))
	id := idIn([]byte(body), false)
	for _, got := range []string{body, string(c.must(200, "GET", "/hosts/"+id, ""))} {
		if strings.Contains(got, "hunter2") {
			t.Errorf("a password came back: %s", clipBody([]byte(got)))
		}
	}
	if !strings.Contains(body, "<user_name>root</user_name>") {
		t.Errorf("the rest of ssh was dropped too: %s", clipBody([]byte(body)))
	}
}
