package sim

import (
	"encoding/base64"
	"strconv"
)

// consoleResources are a VM's graphics consoles, and the tickets that open
// them.
func consoleResources(e *Engine) []resource {
	return []resource{{
		service: "VmGraphicsConsolesService", seg: "graphicsconsoles", typ: "GraphicsConsole",
		actions: map[string]func(*op) *reply{"ticket": e.consoleTicket},
	}}
}

// defaultTicketExpiry is how long a console ticket lasts when the request
// does not say, in seconds (BackendGraphicsConsoleHelper:
// "DEFAULT_TICKET_EXPIRY = 120L * 60L; // 2 hours").
const defaultTicketExpiry = 120 * 60

// vmTicket sets a ticket for the VM's console (POST /vms/{id}/ticket).
func (e *Engine) vmTicket(o *op) *reply { return e.ticket(o, o.rec) }

// consoleTicket sets a ticket for one console of a VM.
func (e *Engine) consoleTicket(o *op) *reply { return e.ticket(o, o.rec.home.owner) }

// ticket answers a console ticket as BackendGraphicsConsoleHelper.setTicket
// does: the value the request gives, else a generated one-time password
// ("action.getTicket().setValue(generateOTP())"), and its expiry in
// seconds. The VM must be running (SetVmTicketCommand).
func (e *Engine) ticket(o *op, vm *record) *reply {
	if vm == nil || !vmRunning(vm) {
		return conflict("Cannot set console ticket for VM. VM is not running.")
	}
	in := childOf(o.in, "ticket")
	value, expiry := textOf(in, "value"), textOf(in, "expiry")
	if value == "" {
		b := make([]byte, 9)
		fillRandom(b)
		value = base64.StdEncoding.EncodeToString(b)
	}
	if expiry == "" {
		expiry = strconv.Itoa(defaultTicketExpiry)
	}
	t := o.result
	tt := x("ticket", "expiry", expiry, "value", value)
	removeChildren(t, "ticket")
	t.AddChild(tt)
	return nil
}

// displayOn writes where a running VM's console listens: its host's
// address, a port, and for SPICE the TLS port, as VmMapper writes them
// from the VM's graphics info while it runs ("model.getDisplay().setAddress(graphicsInfo.getIp())",
// setPort(displayPort), setSecurePort(displaySecurePort), each left out
// when -1: VNC has no TLS port). A host that is nil (the VM stopped)
// takes them away. Callers hold mu.
func (e *Engine) displayOn(vm, host *record) {
	d := childOf(vm.data, "display")
	dt := e.m.Type("Display")
	if d == nil || dt == nil {
		return
	}
	for _, tag := range []string{"address", "port", "secure_port"} {
		removeChildren(d, tag)
	}
	if host == nil {
		return
	}
	port := 5900
	for _, other := range e.st.roots["vms"].list() {
		if other != vm && idOf(other.data, "host") == host.id && textOf(childOf(other.data, "display"), "port") != "" {
			port += 2
		}
	}
	setText(d, dt, "address", textOf(host.data, "address"))
	setText(d, dt, "port", strconv.Itoa(port))
	if textOf(d, "type") == "spice" {
		setText(d, dt, "secure_port", strconv.Itoa(port+1))
	}
}
