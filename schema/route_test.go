package schema_test

import (
	"slices"
	"testing"

	"github.com/ovcompat/ovcompat/schema"
)

func TestRouteLookup(t *testing.T) {
	m, err := schema.V4()
	if err != nil {
		t.Fatal(err)
	}
	// 4.6.1 has 894 routes: the 883 of ../shared/ovirt/v4/routes.tsv and
	// the 11 below GlusterBricksService.brick and
	// ExternalNetworkProviderConfigurationsService.configuration, which the
	// model locates by a name without its Service suffix
	// ("@Service GlusterBrick brick(String id);"): the metamodel resolves
	// such names, model.json (and so routes.tsv) did not.
	if n := m.Routes().Len(); n != 894 {
		t.Errorf("%d routes, the model has 894", n)
	}
	tcs := []struct {
		method, path, want string
		kind               schema.Kind
		ids                []string
	}{
		{"GET", "/", "/", schema.Get, nil},
		{"HEAD", "/", "/", schema.Get, nil},
		{"GET", "/vms", "/vms", schema.List, nil},
		{"POST", "/vms", "/vms", schema.Add, nil},
		{"GET", "/vms/123", "/vms/{vm_id}", schema.Get, []string{"123"}},
		{"PUT", "/vms/123", "/vms/{vm_id}", schema.Update, []string{"123"}},
		{"DELETE", "/vms/123", "/vms/{vm_id}", schema.Remove, []string{"123"}},
		{"POST", "/vms/123/start", "/vms/{vm_id}/start", schema.Action, []string{"123"}},
		{"GET", "/vms/1/diskattachments/2", "/vms/{vm_id}/diskattachments/{attachment_id}", schema.Get, []string{"1", "2"}},
		{"GET", "/vms;max=10", "/vms", schema.List, nil},
		{"GET", "/hosts/1/statistics", "/hosts/{host_id}/statistics", schema.List, []string{"1"}},
	}
	for _, tc := range tcs {
		mt := m.Routes().Lookup(tc.method, tc.path)
		if mt.Route == nil {
			t.Errorf("%s %s: no route", tc.method, tc.path)
			continue
		}
		if mt.Route.Path != tc.want || mt.Route.Kind != tc.kind || !slices.Equal(mt.IDs, tc.ids) {
			t.Errorf("%s %s: got %s %v %v", tc.method, tc.path, mt.Route.Path, mt.Route.Kind, mt.IDs)
		}
	}
	if mt := m.Routes().Lookup("GET", "/vms;max=10;case_sensitive=false"); mt.Matrix["max"] != "10" || mt.Matrix["case_sensitive"] != "false" {
		t.Errorf("matrix parameters: %v", mt.Matrix)
	}
	if mt := m.Routes().Lookup("PATCH", "/vms/1"); mt.Route != nil || !slices.Equal(mt.Allowed, []string{"DELETE", "GET", "PUT"}) {
		t.Errorf("PATCH /vms/1: %+v", mt)
	}
	if mt := m.Routes().Lookup("GET", "/starships"); mt.Route != nil || mt.Allowed != nil {
		t.Errorf("unknown path matched: %+v", mt)
	}
}

// TestRouteBodies checks how the model's operations become bodies.
func TestRouteBodies(t *testing.T) {
	m, _ := schema.V4()
	r := m.Routes().Find("GET", "/hosts/{host_id}/nics")
	if r == nil || r.Output.Element != "host_nics" || r.Item != "HostNicService" {
		t.Fatalf("host nics: %+v", r)
	}
	add := m.Routes().Find("POST", "/vms")
	if add.Input.Element != "vm" || add.Output.Element != "vm" || len(add.Signatures) == 0 {
		t.Fatalf("add vm: %+v", add)
	}
	if !slices.Contains(add.Signatures[0].Mandatory, "vm.name") {
		t.Errorf("vm add signature lacks vm.name: %v", add.Signatures[0].Mandatory)
	}
	start := m.Routes().Find("POST", "/vms/{vm_id}/start")
	if start.Input.Element != "action" || !start.Input.HasParam("use_cloud_init") || start.Input.HasParam("force") {
		t.Errorf("start params: %v", start.Input.Params)
	}
	del := m.Routes().Find("DELETE", "/vms/{vm_id}")
	if del.Param("detach_only") == nil || del.Param("force") == nil {
		t.Errorf("vm remove params: %+v", del.Params)
	}
	vm := m.Type("Vm")
	for _, rel := range []string{"nics", "diskattachments", "snapshots", "permissions", "statistics"} {
		if !vm.HasRel(rel) {
			t.Errorf("Vm lacks rel %s", rel)
		}
	}
	for _, a := range []string{"start", "stop", "shutdown", "migrate"} {
		if !vm.HasAction(a) {
			t.Errorf("Vm lacks action %s", a)
		}
	}
	if m.Element("fault") == nil || m.Element("action") == nil || m.Element("api") == nil {
		t.Error("fault, action and api must be elements")
	}
}
