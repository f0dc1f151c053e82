package redact

// The oVirt API model marks no member as secret, so the rule is: a member
// whose wire name is a secret name (IsSecretName) is secret, and so are the
// Exceptions marked Secret; an Exception not marked Secret never is.
// redact/gen applies the rule to every type of the model and writes the
// result into members_gen.go (`make schema`): Members, and the verdicts
// that depend on where a member appears (contextual).

// Member is a secret member of the model.
type Member struct {
	// Type is the model type that declares the member ("Ticket");
	// the types that extend it inherit it.
	Type string
	// Name is the member's wire name: its XML element or attribute, its
	// JSON member ("value").
	Name string
	// In lists the elements (wire names) that hold the type or a type that
	// extends it, sorted: the member is secret inside these ("ticket").
	In []string
}

// Exception is a member of the model whose name misleads: a secret whose
// name does not say so, or a public value whose name looks secret.
type Exception struct {
	// Type is the model type that declares the member.
	Type string
	// Member is the member's wire name.
	Member string
	// Secret is true for a secret, false for a public value.
	Secret bool
	// Reason says what the value is, with the evidence.
	Reason string
}

// Exceptions lists the members of the model that the names do not judge
// right. redact/gen refuses an exception that names a member the model
// lacks.
func Exceptions() []Exception {
	const transfer = "ends with the id of the imageio ticket, which lets its bearer read and write the disk " +
		"while the transfer lasts (engine ImageTransferMapper: set from getProxyURLForTransfer/getDaemonURLForTransfer " +
		"only when the transfer has an imaged ticket)"
	return []Exception{
		{"Ticket", "value", true, "a console ticket: the one-time password of a VM's SPICE or VNC console " +
			"(model Ticket.value: \"The virtual machine access ticket\"; VmGraphicsConsoleService.ticket)"},
		{"ProxyTicket", "value", true, "a signed ticket that lets its bearer through the websocket proxy to a VM's console " +
			"(engine GetSignedWebsocketProxyTicketQuery: \"a signed ticket that allows to connect to websocket proxy\")"},
		{"OpenstackVolumeAuthenticationKey", "value", true, "a Ceph (cephx) key that opens an OpenStack volume provider's " +
			"volumes (usage_type ceph)"},
		{"Action", "remote_viewer_connection_file", true, "a remote-viewer .vv file, whose password= line is the console " +
			"ticket (model VmGraphicsConsoleService.remoteViewerConnectionFile's example)"},
		{"ImageTransfer", "proxy_url", true, transfer},
		{"ImageTransfer", "transfer_url", true, transfer},
		{"Ssh", "public_key", false, "a host's SSH public key (RFC 4253 format): public by design"},
		{"AuthorizedKey", "key", false, "an SSH public key that a user authorizes: public by design"},
		{"SshPublicKey", "content", false, "a user's saved SSH public key: public by design"},
	}
}

// Members lists the secret members of the oVirt API model, by type then
// name, as redact/gen found them.
func Members() []Member { return members() }
