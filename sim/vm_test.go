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
