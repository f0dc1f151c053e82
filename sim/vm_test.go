package sim

import (
	"strings"
	"testing"
)

// TestGraphicsConsolesFollowDisplay: a VM's graphics consoles are those of
// its display type, one per protocol, whose id is the protocol's name in
// hex, as BackendVmGraphicsConsolesResource.list and VmMapper write them
// ("model.setId(HexUtils.string2hex(graphicsType.value())); model.setProtocol(graphicsType);").
func TestGraphicsConsolesFollowDisplay(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1})
	c := newClient(t, e, srv)
	id := idIn(c.must(201, "POST", "/vms", `<vm><name>spicy</name><cluster><name>Default</name></cluster>`+
		`<template><name>Blank</name></template><display><type>spice</type></display></vm>`), false)
	body := string(c.must(200, "GET", "/vms/"+id+"/graphicsconsoles", ""))
	if !strings.Contains(body, `id="7370696365"`) || !strings.Contains(body, "<protocol>spice</protocol>") || strings.Count(body, "<graphics_console ") != 1 {
		t.Errorf("consoles of a SPICE VM:\n%s", body)
	}
	c.must(200, "PUT", "/vms/"+id, `<vm><display><type>vnc</type></display></vm>`)
	body = string(c.must(200, "GET", "/vms/"+id+"/graphicsconsoles", ""))
	if !strings.Contains(body, `id="766e63"`) || strings.Contains(body, "spice") {
		t.Errorf("consoles after the display became VNC:\n%s", body)
	}
	c.must(200, "GET", "/vms/"+id+"/graphicsconsoles/766e63", "")
	tmpl := firstID(t, c, "/templates")
	if body := string(c.must(200, "GET", "/templates/"+tmpl+"/graphicsconsoles", "")); !strings.Contains(body, "<protocol>vnc</protocol>") {
		t.Errorf("consoles of a template with a VNC display:\n%s", body)
	}
}

// TestConsoleTicket: POST /vms/{id}/ticket answers a generated value and
// its expiry, 7200 seconds unless the request says
// (BackendGraphicsConsoleHelper.setTicket: "action.getTicket().setValue(generateOTP())",
// "DEFAULT_TICKET_EXPIRY = 120L * 60L; // 2 hours"); a value the client
// gives is kept; a console's own ticket works alike; a VM that is down has
// no console to open.
func TestConsoleTicket(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1})
	c := newClient(t, e, srv)
	vm := parseXML(t, c.must(200, "GET", "/vms?search=name%3Dweb-01", "")).ChildElements()[0].SelectAttrValue("id", "")
	a := parseXML(t, c.must(200, "POST", "/vms/"+vm+"/ticket", "<action/>"))
	tk := childOf(a, "ticket")
	if v := textOf(tk, "value"); len(v) < 8 || textOf(tk, "expiry") != "7200" || textOf(a, "status") != "complete" {
		t.Errorf("a generated ticket:\n%s", xmlString(a))
	}
	again := textOf(childOf(parseXML(t, c.must(200, "POST", "/vms/"+vm+"/ticket", "<action/>")), "ticket"), "value")
	if again == textOf(tk, "value") {
		t.Error("two tickets with the same value")
	}
	a = parseXML(t, c.must(200, "POST", "/vms/"+vm+"/ticket", "<action><ticket><value>s3cret</value><expiry>60</expiry></ticket></action>"))
	if tk := childOf(a, "ticket"); textOf(tk, "value") != "s3cret" || textOf(tk, "expiry") != "60" {
		t.Errorf("a ticket the client chose:\n%s", xmlString(a))
	}
	console := firstID(t, c, "/vms/"+vm+"/graphicsconsoles")
	if v := textOf(childOf(parseXML(t, c.must(200, "POST", "/vms/"+vm+"/graphicsconsoles/"+console+"/ticket", "<action/>")), "ticket"), "value"); v == "" {
		t.Error("a console's ticket has no value")
	}
	down := parseXML(t, c.must(200, "GET", "/vms?search=name%3Dtest-01", "")).ChildElements()[0].SelectAttrValue("id", "")
	c.must(409, "POST", "/vms/"+down+"/ticket", "<action/>")
}

// TestDisplayWhileRunning: a running VM's display says where its console
// listens, its host's address and a port (and for SPICE the TLS port), and
// a VM that is down says neither, as VmMapper writes them from the VM's
// graphics info ("model.getDisplay().setAddress(graphicsInfo.getIp())",
// setPort, setSecurePort, each left out when -1); two VMs on one host
// listen on different ports.
func TestDisplayWhileRunning(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1, Settle: -1})
	c := newClient(t, e, srv)
	id := idIn(c.must(201, "POST", "/vms", `<vm><name>spicy</name><cluster><name>Default</name></cluster>`+
		`<template><name>Blank</name></template><display><type>spice</type></display></vm>`), false)
	if d := childOf(parseXML(t, c.must(200, "GET", "/vms/"+id, "")), "display"); textOf(d, "address") != "" || textOf(d, "port") != "" {
		t.Errorf("a VM that is down shows a console:\n%s", xmlString(d))
	}
	c.must(200, "POST", "/vms/"+id+"/start", "<action/>")
	vm := parseXML(t, c.must(200, "GET", "/vms/"+id, ""))
	d := childOf(vm, "display")
	host := parseXML(t, c.must(200, "GET", "/hosts/"+idOf(vm, "host"), ""))
	if textOf(d, "address") != textOf(host, "address") || textOf(d, "port") == "" || textOf(d, "secure_port") == "" {
		t.Errorf("a running SPICE VM on %s:\n%s", textOf(host, "address"), xmlString(d))
	}
	ports := map[string]string{}
	for _, v := range parseXML(t, c.must(200, "GET", "/vms", "")).ChildElements() {
		if h, p := idOf(v, "host"), textOf(childOf(v, "display"), "port"); h != "" {
			if other, taken := ports[h+":"+p]; taken || p == "" {
				t.Errorf("%s and %s listen on %s of one host", other, textOf(v, "name"), p)
			}
			ports[h+":"+p] = textOf(v, "name")
		}
	}
	c.must(200, "POST", "/vms/"+id+"/stop", "<action/>")
	if d := childOf(parseXML(t, c.must(200, "GET", "/vms/"+id, "")), "display"); textOf(d, "address") != "" || textOf(d, "secure_port") != "" {
		t.Errorf("a stopped VM still shows its console:\n%s", xmlString(d))
	}
}
