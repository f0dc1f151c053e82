package schema_test

import (
	"slices"
	"testing"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/schema"
)

// TestMissingMandatory reads rsdl_metadata's signatures as the engine
// does: the first segment names the body without underscores
// ("datacenter.name" for <data_center>) or, in actions, a parameter.
func TestMissingMandatory(t *testing.T) {
	m, err := schema.V4()
	if err != nil {
		t.Fatal(err)
	}
	tcs := []struct {
		method, path, body string
		missing            []string
	}{
		{"POST", "/vms", `<vm><name>a</name><cluster id="c"/><template><name>Blank</name></template></vm>`, nil},
		{"POST", "/vms", `<vm><cluster id="c"/><template id="t"/></vm>`, []string{"vm.name"}},
		{"POST", "/vms", `<vm><name>a</name><cluster/><template id="t"/></vm>`, []string{"vm.cluster.id|name"}},
		{"POST", "/datacenters", `<data_center><name>dc</name><local>false</local></data_center>`, nil},
		{"POST", "/datacenters", `<data_center><local>false</local></data_center>`, []string{"datacenter.name"}},
		// rsdl_metadata: affinitygroup.name, .positive and .enforcing are
		// mandatory, but the model deprecates positive and enforcing
		// (AffinityGroup.java: "@Deprecated Boolean positive();"), and
		// BackendAffinityGroupsResource.add validates nothing of the body:
		// a group with rules and no positive/enforcing is accepted.
		{"POST", "/clusters/c/affinitygroups", `<affinity_group><name>g</name><vms_rule><enabled>true</enabled></vms_rule></affinity_group>`, nil},
		{"POST", "/clusters/c/affinitygroups", `<affinity_group><positive>true</positive></affinity_group>`, []string{"affinitygroup.name"}},
	}
	for _, tc := range tcs {
		r := m.Routes().Lookup(tc.method, tc.path).Route
		doc := etree.NewDocument()
		if err := doc.ReadFromString(tc.body); err != nil {
			t.Fatal(err)
		}
		got := r.MissingMandatory(doc.Root())
		if !slices.Equal(got, tc.missing) {
			t.Errorf("%s %s %s: missing %v, want %v", tc.method, tc.path, tc.body, got, tc.missing)
		}
	}
}
