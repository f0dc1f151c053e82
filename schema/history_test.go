package schema_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/schema"
)

// releaseFiles are three small releases: a member changes its type, one
// is removed and comes back, an element of a sequence moves, an enum
// value is added and one deprecated, a route appears, a parameter is
// deprecated, a signature changes.
func releaseFiles() []*schema.File {
	base := func(version string) *schema.File {
		return &schema.File{Format: schema.FileFormat, API: 4, Version: version, BasePath: "/ovirt-engine/api",
			Source: "oVirt API model " + version + " (test)", Hypermedia: true}
	}
	r1, r2, r3 := base("4.0.1"), base("4.1.1"), base("4.2.1")
	status := func(values []string, deprecated ...string) schema.TypeDef {
		return schema.TypeDef{Name: "VmStatus", Model: "VmStatus", Simple: true, Base: "xs:string", Enum: values, DeprecatedValues: deprecated}
	}
	vm := func(elems ...schema.ElemDef) schema.TypeDef {
		return schema.TypeDef{Name: "Vm", Model: "Vm", Elems: elems, Rels: []string{"nics"}, Attrs: []schema.AttrDef{{Name: "id", Type: "xs:string"}}}
	}
	name := schema.ElemDef{Name: "name", Type: "xs:string", Max: 1}
	memInt := schema.ElemDef{Name: "memory", Type: "xs:int", Max: 1}
	memLong := schema.ElemDef{Name: "memory", Type: "xs:long", Max: 1}
	statusE := schema.ElemDef{Name: "status", Type: "VmStatus", Max: 1}
	oldE := schema.ElemDef{Name: "origin", Type: "xs:string", Max: 1, Deprecated: true}
	vms := schema.TypeDef{Name: "Vms", Item: "vm", Elems: []schema.ElemDef{{Name: "vm", Type: "Vm", Max: schema.Unbounded}}}
	elements := []schema.ElementDecl{{Name: "vm", Type: "Vm"}, {Name: "vms", Type: "Vms"}}
	list := schema.RouteDef{Method: "GET", Path: "/vms", Service: "VmsService", Operation: "List", Kind: "List",
		Output: &schema.BodyDef{Element: "vms", Type: "Vms"}, Params: []schema.ParamDef{{Name: "search", Context: "query", Type: "xs:string"}}}
	add := func(mandatory ...string) schema.RouteDef {
		return schema.RouteDef{Method: "POST", Path: "/vms", Service: "VmsService", Operation: "Add", Kind: "Add",
			Input: &schema.BodyDef{Element: "vm", Type: "Vm"}, Output: &schema.BodyDef{Element: "vm", Type: "Vm"},
			Signatures: []schema.SignatureDef{{Mandatory: mandatory}}}
	}
	start := func(deprecated ...string) schema.RouteDef {
		return schema.RouteDef{Method: "POST", Path: "/vms/{vm_id}/start", Service: "VmService", Operation: "Start", Kind: "Action",
			Input:  &schema.BodyDef{Element: "vm", Type: "Vm", Params: []string{"async", "pause"}, DeprecatedParams: deprecated},
			Output: &schema.BodyDef{Element: "vm", Type: "Vm"}}
	}

	r1.Types = []schema.TypeDef{vm(name, memInt, statusE, oldE), status([]string{"down", "up"}), vms}
	r1.Elements = elements
	r1.Routes = []schema.RouteDef{list, add("vm.name", "vm.cluster.id|name")}

	r2.Types = []schema.TypeDef{vm(statusE, name, memLong), status([]string{"down", "paused", "up"}, "paused"), vms}
	r2.Elements = elements
	r2.Routes = []schema.RouteDef{list, add("vm.cluster.id|name"), start()}

	r3.Types = []schema.TypeDef{vm(statusE, name, memLong, oldE), status([]string{"down", "up"}), vms}
	r3.Elements = elements[:1]
	r3.Routes = []schema.RouteDef{start("pause"), list, add("vm.cluster.id|name")}
	return []*schema.File{r1, r2, r3}
}

var testReleases = []string{"4.0.1", "4.1.1", "4.2.1"}

func newTestHistory(t *testing.T) *schema.History {
	t.Helper()
	h, err := schema.NewHistory(testReleases, releaseFiles())
	if err != nil {
		t.Fatal(err)
	}
	h.Credit = "test"
	return h
}

// TestHistoryProjectsEachRelease: each release's projection of the merged
// history builds the same model as the release's own File, also after a
// trip through JSON in the compact form `make schema` writes.
func TestHistoryProjectsEachRelease(t *testing.T) {
	h := newTestHistory(t)
	h.Compact()
	data, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	back, err := schema.DecodeHistory(data)
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range releaseFiles() {
		got, err := back.Project(i)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			gj, _ := json.Marshal(got)
			wj, _ := json.Marshal(want)
			t.Errorf("release %s:\n got  %s\n want %s", testReleases[i], gj, wj)
		}
	}
}

// TestHistoryRecordsWhen: every entry knows the releases it exists in and
// those it is deprecated in. What moved in a sequence has an entry per
// position, so the releases of a member are the union of its entries'.
func TestHistoryRecordsWhen(t *testing.T) {
	h := newTestHistory(t)
	set := func(s string) schema.Set {
		var out schema.Set
		if err := json.Unmarshal([]byte(`"`+s+`"`), &out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	var vm, status *schema.HistoryType
	for i := range h.Types {
		switch h.Types[i].Name {
		case "Vm":
			vm = &h.Types[i]
		case "VmStatus":
			status = &h.Types[i]
		}
	}
	in, deprecated := map[string]schema.Set{}, map[string]schema.Set{}
	for _, e := range vm.Elems {
		in[e.Name+":"+e.Type] |= e.In
		deprecated[e.Name+":"+e.Type] |= e.Deprecated
	}
	for _, v := range status.Enum {
		in["value "+v.V] |= v.In
		deprecated["value "+v.V] |= v.Deprecated
	}
	for _, r := range h.Routes {
		in[r.Method+" "+r.Path] |= r.In
		if r.Input != nil {
			for _, p := range r.Input.Params {
				in[r.Path+" "+p.V] |= p.In
				deprecated[r.Path+" "+p.V] |= p.Deprecated
			}
		}
		for _, s := range r.Signatures {
			in[r.Path+" "+strings.Join(s.Mandatory, " ")] |= s.In
		}
	}
	for key, want := range map[string][2]string{
		"memory:xs:int":                   {"x", ""},
		"memory:xs:long":                  {".xx", ""},
		"origin:xs:string":                {"x.x", "x.x"},
		"name:xs:string":                  {"xxx", ""},
		"value paused":                    {".x", ".x"},
		"value up":                        {"xxx", ""},
		"POST /vms/{vm_id}/start":         {".xx", ""},
		"/vms/{vm_id}/start pause":        {".xx", "..x"},
		"/vms vm.name vm.cluster.id|name": {"x", ""},
		"/vms vm.cluster.id|name":         {".xx", ""},
	} {
		if in[key] != set(want[0]) || deprecated[key] != set(want[1]) {
			t.Errorf("%s: in %v deprecated %v, want %q %q", key, in[key], deprecated[key], want[0], want[1])
		}
	}
}

func TestHistoryErrors(t *testing.T) {
	if _, err := schema.NewHistory([]string{"4.0.1"}, nil); !errors.Is(err, schema.ErrModel) {
		t.Errorf("releases without files: %v", err)
	}
	files := releaseFiles()
	files[1].BasePath = "/api"
	if _, err := schema.NewHistory(testReleases, files); !errors.Is(err, schema.ErrModel) {
		t.Errorf("files of two APIs: %v", err)
	}
	h := newTestHistory(t)
	if _, err := h.Project(3); !errors.Is(err, schema.ErrModel) {
		t.Errorf("project release 3 of 3: %v", err)
	}
	for _, bad := range []string{`{"format": 2, "releases": ["4.0"]}`, `{"format": 1, "releases": []}`, `{"format": 1, "releases": ["4.0"], "types": [{"name": "A", "in": "xo"}]}`} {
		if _, err := schema.DecodeHistory([]byte(bad)); err == nil {
			t.Errorf("decoded %s", bad)
		}
	}
}

// TestEmbeddedHistory: the embedded history holds the last release of
// every minor line, each of which builds; a type is recorded with the
// releases it exists in (Checkpoint arrived in 4.4).
func TestEmbeddedHistory(t *testing.T) {
	h, err := schema.EmbeddedHistory()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"4.0.40", "4.1.41", "4.2.37", "4.3.31", "4.4.35", "4.5.12", "4.6.1"}
	if !slices.Equal(h.Releases, want) {
		t.Fatalf("releases %v, want %v", h.Releases, want)
	}
	for _, r := range want {
		m, err := schema.LoadRelease(schema.ModelPrefix + r)
		if err != nil {
			t.Fatal(err)
		}
		if m.Version != r || m.Release.Model != r {
			t.Errorf("model %s: version %s, release %+v", r, m.Version, m.Release)
		}
	}
	for _, ty := range h.Types {
		if ty.Name == "Checkpoint" && (ty.In.First() != 4 || ty.In.Last() != len(want)-1) {
			t.Errorf("Checkpoint in %v, want from 4.4.35 on", ty.In)
		}
	}
	old, err := schema.LoadRelease("model:4.3.31")
	if err != nil {
		t.Fatal(err)
	}
	if old.Type("Checkpoint") != nil || old.Routes().Find("GET", "/vms/{vm_id}/checkpoints") != nil {
		t.Error("model 4.3 has no checkpoints")
	}
}
