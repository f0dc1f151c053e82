package compat

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/reports"
	"github.com/ovcompat/ovcompat/schema"
)

// release builds a small model: a VM with a display, a status enum read in
// responses and a mode enum only sent, a VM service with a start action,
// an add with a signature, and a host service.
type release struct {
	vmElems      []schema.ElemDef
	status, mode []string
	deprecated   []string // deprecated status values
	startParams  []string
	addMandatory []string
	listParams   []schema.ParamDef
	withHosts    bool
	startRoute   bool
}

func base() release {
	return release{
		vmElems: []schema.ElemDef{
			{Name: "name", Type: "xs:string", Max: 1},
			{Name: "memory", Type: "xs:int", Max: 1},
			{Name: "display", Type: "Display", Max: 1},
			{Name: "status", Type: "VmStatus", Max: 1},
			{Name: "host", Type: "Host", Max: 1, Link: true},
			{Name: "tags", Type: "Vm.tags", Max: 1},
		},
		status: []string{"down", "up"}, mode: []string{"a", "b"},
		startParams: []string{"async", "pause"}, addMandatory: []string{"vm.name"},
		listParams: []schema.ParamDef{{Name: "search", Context: "query", Type: "xs:string"}},
		withHosts:  true, startRoute: true,
	}
}

func (r release) model(t *testing.T) *schema.Model {
	t.Helper()
	f := &schema.File{Format: schema.FileFormat, API: 4, Version: "4.9", BasePath: "/ovirt-engine/api", Hypermedia: true,
		Types: []schema.TypeDef{
			{Name: "BaseResource", Attrs: []schema.AttrDef{{Name: "id", Type: "xs:string"}}},
			{Name: "Vm", Model: "Vm", Base: "BaseResource", Elems: r.vmElems},
			{Name: "Vm.tags", Anonymous: true, Item: "tag", Elems: []schema.ElemDef{{Name: "tag", Type: "xs:string", Max: schema.Unbounded}}},
			{Name: "Vms", Item: "vm", Elems: []schema.ElemDef{{Name: "vm", Type: "Vm", Max: schema.Unbounded}}},
			{Name: "Display", Model: "Display", Elems: []schema.ElemDef{{Name: "mode", Type: "DisplayMode", Max: 1}}},
			{Name: "Host", Model: "Host", Base: "BaseResource"},
			{Name: "Hosts", Item: "host", Elems: []schema.ElemDef{{Name: "host", Type: "Host", Max: schema.Unbounded}}},
			{Name: "VmStatus", Model: "VmStatus", Simple: true, Base: "xs:string", Enum: r.status, DeprecatedValues: r.deprecated},
			{Name: "DisplayMode", Model: "DisplayMode", Simple: true, Base: "xs:string", Enum: r.mode},
			{Name: "Action", Model: "Action", Base: "BaseResource", Elems: []schema.ElemDef{{Name: "async", Type: "xs:boolean", Max: 1},
				{Name: "pause", Type: "xs:boolean", Max: 1}, {Name: "mode", Type: "DisplayMode", Max: 1}}},
		},
		Elements: []schema.ElementDecl{{Name: "vm", Type: "Vm"}, {Name: "vms", Type: "Vms"}, {Name: "host", Type: "Host"},
			{Name: "hosts", Type: "Hosts"}, {Name: "action", Type: "Action"}, {Name: "display", Type: "Display"}},
		Routes: []schema.RouteDef{
			{Method: "GET", Path: "/vms", Service: "VmsService", Operation: "List", Kind: "List", Output: &schema.BodyDef{Element: "vms", Type: "Vms"}, Params: r.listParams},
			{Method: "POST", Path: "/vms", Service: "VmsService", Operation: "Add", Kind: "Add", Input: &schema.BodyDef{Element: "vm", Type: "Vm"},
				Output: &schema.BodyDef{Element: "vm", Type: "Vm"}, Signatures: []schema.SignatureDef{{Mandatory: r.addMandatory}}},
			{Method: "GET", Path: "/vms/{vm_id}", Service: "VmService", Operation: "Get", Kind: "Get", Output: &schema.BodyDef{Element: "vm", Type: "Vm"}},
		},
	}
	if r.startRoute {
		f.Routes = append(f.Routes, schema.RouteDef{Method: "POST", Path: "/vms/{vm_id}/start", Service: "VmService", Operation: "Start", Kind: "Action",
			Input: &schema.BodyDef{Element: "action", Type: "Action", Params: r.startParams}, Output: &schema.BodyDef{Element: "action", Type: "Action"}})
	}
	if r.withHosts {
		f.Routes = append(f.Routes,
			schema.RouteDef{Method: "GET", Path: "/hosts", Service: "HostsService", Operation: "List", Kind: "List", Output: &schema.BodyDef{Element: "hosts", Type: "Hosts"}},
			schema.RouteDef{Method: "GET", Path: "/hosts/{host_id}", Service: "HostService", Operation: "Get", Kind: "Get", Output: &schema.BodyDef{Element: "host", Type: "Host"}})
	}
	m, err := schema.Build(f)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// lines writes changes as "grade kind wire" for comparing.
func lines(cs []Change) []string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%s %s %s", c.Grade, c.Kind, c.Wire))
	}
	slices.Sort(out)
	return out
}

// TestCompareGrades: each kind of change, graded as the issue grades it.
func TestCompareGrades(t *testing.T) {
	tcs := []struct {
		name   string
		change func(*release)
		want   []string
	}{
		{"member removed", func(r *release) { r.vmElems = slices.Delete(r.vmElems, 1, 2) },
			[]string{"breaking member-removed vm.memory"}},
		{"member added", func(r *release) {
			r.vmElems = append(r.vmElems, schema.ElemDef{Name: "origin", Type: "xs:string", Max: 1})
		},
			[]string{"info member-added vm.origin"}},
		{"link removed", func(r *release) { r.vmElems = slices.Delete(r.vmElems, 4, 5) },
			[]string{"breaking link-removed vm.host"}},
		{"member type changed", func(r *release) { r.vmElems[1].Type = "xs:long" },
			[]string{"breaking member-type-changed vm.memory"}},
		{"single became list", func(r *release) { r.vmElems[0].Type = "Vm.tags" },
			[]string{"breaking member-became-list vm.name"}},
		{"list became single", func(r *release) { r.vmElems[5].Type = "xs:string" },
			[]string{"breaking member-became-single vm.tags"}},
		{"member deprecated", func(r *release) { r.vmElems[1].Deprecated = true },
			[]string{"warning deprecated vm.memory"}},
		{"enum value removed", func(r *release) { r.status = []string{"down"} },
			[]string{"breaking enum-value-removed vm.status=up"}},
		{"enum value added where clients read it", func(r *release) { r.status = append(r.status, "paused") },
			[]string{"warning enum-value-added vm.status=paused"}},
		{"enum value deprecated", func(r *release) { r.deprecated = []string{"up"} },
			[]string{"warning deprecated vm.status=up"}},
		{"service removed", func(r *release) { r.withHosts = false },
			[]string{"breaking service-removed HostService", "breaking service-removed HostsService"}},
		{"action removed", func(r *release) { r.startRoute = false },
			[]string{"breaking action-removed POST /vms/{vm_id}/start"}},
		{"action parameter removed", func(r *release) { r.startParams = []string{"async"} },
			[]string{"breaking parameter-removed POST /vms/{vm_id}/start parameter pause"}},
		{"action parameter added", func(r *release) { r.startParams = append(r.startParams, "mode") },
			[]string{"info parameter-added POST /vms/{vm_id}/start parameter mode"}},
		{"URL parameter removed", func(r *release) { r.listParams = nil },
			[]string{"breaking parameter-removed GET /vms parameter search"}},
		{"URL parameter's type changed", func(r *release) { r.listParams[0].Type = "xs:int" },
			[]string{"breaking parameter-type-changed GET /vms parameter search"}},
		{"URL parameter deprecated", func(r *release) { r.listParams[0].Deprecated = true },
			[]string{"warning deprecated GET /vms parameter search"}},
		{"body field became mandatory", func(r *release) { r.addMandatory = []string{"vm.name", "vm.memory"} },
			[]string{"breaking parameter-became-mandatory POST /vms parameter vm.memory"}},
		{"body field became optional", func(r *release) { r.addMandatory = nil },
			[]string{"info parameter-became-optional POST /vms parameter vm.name"}},
	}
	for _, tc := range tcs {
		t.Run(tc.name, func(t *testing.T) {
			r := base()
			a := r.model(t)
			tc.change(&r)
			d := compare(a, r.model(t), true)
			if got := lines(d.Changes); !slices.Equal(got, tc.want) {
				t.Errorf("\n got  %q\n want %q", got, tc.want)
			}
		})
	}
}

// TestCompareEnumOnlySent: a value added to an enum clients only send is
// information, not a warning.
func TestCompareEnumOnlySent(t *testing.T) {
	r := base()
	r.vmElems = r.vmElems[:2] // no display: DisplayMode is only an action's parameter
	a := r.model(t)
	r.mode = append(r.mode, "c")
	d := compare(a, r.model(t), true)
	if got, want := lines(d.Changes), []string{"info enum-value-added DisplayMode=c"}; !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestCompareWithoutSignatures: between releases whose signatures do not
// both come from the model, mandatory fields are not compared.
func TestCompareWithoutSignatures(t *testing.T) {
	r := base()
	a := r.model(t)
	r.addMandatory = []string{"vm.memory"}
	if d := compare(a, r.model(t), false); len(d.Changes) != 0 {
		t.Errorf("changes %q", lines(d.Changes))
	}
}

// TestCompareReleases holds the embedded releases' differences against
// the model's sources (oVirt/ovirt-engine-api-model at each tag).
func TestCompareReleases(t *testing.T) {
	load := func(name string) *schema.Model {
		m, err := schema.LoadRelease(name)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	tcs := []struct {
		a, b      string
		mandatory bool
		want      []string // "grade kind wire", each present
	}{
		// 4.6.1's types/Display.java adds "VideoType videoType();",
		// services/VmService.java's Start "@In Boolean attachWgt();".
		{"model:4.5.12", "model:4.6.1", true, []string{
			"info member-added vm.display.video_type",
			"info parameter-added POST /vms/{vm_id}/start parameter attach_wgt",
			"info type-added vm.display.video_type",
		}},
		// 4.4.35's types/ImageTransfer.java has no "String signedTicket();"
		// of 4.3.31, and Host's devices became HostDevice[] (Device[]).
		{"model:4.3.31", "model:4.4.35", true, []string{
			"breaking member-removed image_transfer.signed_ticket",
			"breaking member-type-changed host.devices",
		}},
		// 4.5.12's types/Architecture.java adds AARCH64 (in a host's CPU).
		{"4.4.10", "4.5.7", true, []string{"warning enum-value-added operating_system.architecture=aarch64"}},
		// 4.1 has no @InputDetail: what is mandatory is not compared.
		{"4.1", "4.2", false, nil},
	}
	for _, tc := range tcs {
		d := Compare(load(tc.a), load(tc.b))
		if d.Mandatory != tc.mandatory {
			t.Errorf("%s to %s: mandatory compared %v, want %v", tc.a, tc.b, d.Mandatory, tc.mandatory)
		}
		got := lines(d.Changes)
		for _, w := range tc.want {
			if !slices.Contains(got, w) {
				t.Errorf("%s to %s: no %q among %d changes", tc.a, tc.b, w, len(got))
			}
		}
	}
	if d := Compare(load("4.4"), load("4.4.10")); len(d.Changes) != 0 {
		t.Errorf("a release against itself: %q", lines(d.Changes))
	}
}

// TestDiffResults: one scenario per service or type, one step per change,
// its outcome from its grade; the run says what was compared.
func TestDiffResults(t *testing.T) {
	r := base()
	a := r.model(t)
	r.vmElems = slices.Delete(r.vmElems, 1, 2)
	r.status = append(r.status, "paused")
	r.startParams = append(r.startParams, "mode")
	res := compare(a, r.model(t), true).Results(Meta{ToolVersion: "test"})
	if res.Run.Kind != "schema-diff" || !strings.Contains(res.Run.ModelVersion, "→") {
		t.Errorf("run %+v", res.Run)
	}
	var names []string
	for _, sc := range res.Scenarios {
		names = append(names, fmt.Sprintf("%s:%s:%d", sc.Name, sc.Outcome, len(sc.Steps)))
	}
	want := []string{"service VmService:pass:1", "type Vm:fail:1", "type VmStatus:warn:1"}
	if !slices.Equal(names, want) {
		t.Errorf("scenarios %q, want %q", names, want)
	}
	if tot := res.Count(); tot.Outcome != reports.Fail || tot.Differences.Breaking != 1 {
		t.Errorf("totals %+v", tot)
	}
}
