package schema_test

import (
	"slices"
	"testing"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/schema"
)

// TestMissingMandatory reads the signatures of both sources: the model's
// @InputDetail (4.2 and later), whose paths start with the body's element
// (4.6.1's DataCentersService.Add: "mandatory(dataCenter().name());" is
// data_center.name), and rsdl_metadata's (4.0, 4.1), whose first segment
// names the body without underscores ("datacenter.name").
func TestMissingMandatory(t *testing.T) {
	tcs := []struct {
		release, method, path, body string
		missing                     []string
	}{
		{"", "POST", "/vms", `<vm><name>a</name><cluster id="c"/><template><name>Blank</name></template></vm>`, nil},
		{"", "POST", "/vms", `<vm><cluster id="c"/><template id="t"/></vm>`, []string{"vm.name"}},
		{"", "POST", "/vms", `<vm><name>a</name><cluster/><template id="t"/></vm>`, []string{"vm.cluster.id|name"}},
		{"", "POST", "/datacenters", `<data_center><name>dc</name><local>false</local></data_center>`, nil},
		{"", "POST", "/datacenters", `<data_center><local>false</local></data_center>`, []string{"data_center.name"}},
		{"model:4.1.41", "POST", "/datacenters", `<data_center><name>dc</name><local>false</local></data_center>`, nil},
		{"model:4.1.41", "POST", "/datacenters", `<data_center><local>false</local></data_center>`, []string{"datacenter.name"}},
		// rsdl_metadata: affinitygroup.name, .positive and .enforcing are
		// mandatory, the model (4.6.1's AffinityGroupsService.Add) only
		// name, and it deprecates positive and enforcing
		// (AffinityGroup.java: "@Deprecated Boolean positive();");
		// BackendAffinityGroupsResource.add validates nothing of the body:
		// a group with rules and no positive/enforcing is accepted.
		{"", "POST", "/clusters/c/affinitygroups", `<affinity_group><name>g</name><vms_rule><enabled>true</enabled></vms_rule></affinity_group>`, nil},
		{"", "POST", "/clusters/c/affinitygroups", `<affinity_group><positive>true</positive></affinity_group>`, []string{"affinity_group.name"}},
	}
	for _, tc := range tcs {
		m, err := schema.LoadRelease(tc.release)
		if err != nil {
			t.Fatal(err)
		}
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
