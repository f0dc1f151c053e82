package sim

import (
	"strings"
	"testing"
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
