package redact

import (
	"strings"
	"testing"
)

// TestMembersRedacted: every secret member of the model (members_gen.go,
// which redact/gen checks against the model itself) is masked inside
// every element that holds it, in XML and in JSON, as an object and as
// a list's item, and the member beside it is kept.
func TestMembersRedacted(t *testing.T) {
	ms := Members()
	if len(ms) == 0 {
		t.Fatal("no secret members: run `make schema`")
	}
	for _, m := range ms {
		for _, in := range m.In {
			secret := "S3CRET-" + m.Type + "-" + m.Name
			for _, doc := range []struct{ kind, text string }{
				{"application/xml", "<r><" + in + "><" + m.Name + ">" + secret + "</" + m.Name + "><kept>k</kept></" + in + "></r>"},
				{"application/xml", "<" + in + "><kept>k</kept><" + m.Name + ">" + secret + "</" + m.Name + "></" + in + ">"},
				{"application/json", `{"` + in + `":{"` + m.Name + `":"` + secret + `","kept":"k"}}`},
				{"application/json", `{"x":{"` + in + `":[{"kept":"k"},{"` + m.Name + `":"` + secret + `"}]}}`},
			} {
				out := string(Body(doc.kind, []byte(doc.text)))
				kept := map[bool]string{true: `"kept":"k"`, false: "<kept>k</kept>"}[doc.kind == "application/json"]
				if strings.Contains(out, secret) || !strings.Contains(out, kept) || !strings.Contains(out, Mask) {
					t.Errorf("%s.%s in <%s>: %s\n -> %s", m.Type, m.Name, in, doc.text, out)
				}
			}
		}
	}
}

// TestMembersInclude: the set holds what issue 16 found in clear or
// named, among the rest (redact/gen's golden file shows all of it).
func TestMembersInclude(t *testing.T) {
	have := map[string]bool{}
	for _, m := range Members() {
		have[m.Type+"."+m.Name] = true
	}
	for _, want := range []string{"User.password", "Host.root_password", "Initialization.root_password",
		"Initialization.windows_license_key", "StorageConnection.password", "StorageConnectionExtension.password",
		"ExternalProvider.password", "PowerManagement.password", "Agent.password", "AgentConfiguration.password",
		"IscsiDetails.password", "HostStorage.password", "LogicalUnit.password", "ExternalVmImport.password",
		"Ticket.value", "OpenstackVolumeAuthenticationKey.value"} {
		if !have[want] {
			t.Errorf("%s is not a secret member", want)
		}
	}
	for _, ex := range Exceptions() {
		if have[ex.Type+"."+ex.Member] != ex.Secret {
			t.Errorf("exception %s.%s (secret %v) disagrees with the members", ex.Type, ex.Member, ex.Secret)
		}
	}
}
