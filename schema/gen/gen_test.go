package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/internal/sharedtest"
	"github.com/ovcompat/ovcompat/schema"
	"github.com/ovcompat/ovcompat/schema/gen/metamodel"
)

// compiled compiles the history once per test binary.
func compiled(t *testing.T) (string, *schema.History, []*schema.File) {
	t.Helper()
	src := sharedtest.Dir(t)
	h, files, err := compileHistory(src)
	if err != nil {
		t.Fatal(err)
	}
	return src, h, files
}

// TestGeneratedHistoryIsCurrent: `make schema` run now gives exactly the
// committed schema/v4/history.json and engine-releases.tsv.
func TestGeneratedHistoryIsCurrent(t *testing.T) {
	src, h, _ := compiled(t)
	h.Compact()
	data, err := encode(h)
	if err != nil {
		t.Fatal(err)
	}
	table, err := engineTable(src)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string][]byte{"history.json": data, "engine-releases.tsv": table} {
		committed, err := os.ReadFile(filepath.Join("..", "v4", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(want, committed) {
			t.Errorf("schema/v4/%s is stale: run `make schema` and commit the result", name)
		}
	}
}

// TestHistoryProjectsEveryRelease: the File each release compiles to is
// what the history gives back for it, up to the order of what Build does
// not order by.
func TestHistoryProjectsEveryRelease(t *testing.T) {
	_, h, files := compiled(t)
	for i, want := range files {
		got, err := h.Project(i)
		if err != nil {
			t.Fatal(err)
		}
		g, w := canonical(t, got), canonical(t, want)
		if g != w {
			t.Errorf("release %s: the projection differs from the compiled model at %s", h.Releases[i], firstDiff(g, w))
		}
	}
}

// canonical writes a File with its unordered lists sorted.
func canonical(t *testing.T, f *schema.File) string {
	t.Helper()
	cp := *f
	cp.Types = slices.Clone(f.Types)
	for i := range cp.Types {
		d := &cp.Types[i]
		for _, s := range [][]string{d.Enum, d.DeprecatedValues, d.Rels, d.Actions} {
			sort.Strings(s)
		}
	}
	sort.Slice(cp.Types, func(i, j int) bool { return cp.Types[i].Name < cp.Types[j].Name })
	cp.Elements = slices.Clone(f.Elements)
	sort.Slice(cp.Elements, func(i, j int) bool { return cp.Elements[i].Name < cp.Elements[j].Name })
	for i := range cp.Routes {
		if in := cp.Routes[i].Input; in != nil {
			sort.Strings(in.Params)
			sort.Strings(in.DeprecatedParams)
		}
	}
	data, err := json.MarshalIndent(&cp, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < len(al) && i < len(bl); i++ {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d: %q vs %q", i+1, al[i], bl[i])
		}
	}
	return fmt.Sprintf("length %d vs %d lines", len(al), len(bl))
}

// TestReadsModelJSONFacts: read from its sources, model 4.6.1 has the
// facts of ../shared/ovirt/v4/model.json (extracted from the same sources
// by another reader): every struct with its bases and members (name, wire
// name, type, list, link, deprecated), every enum with its values, every
// service with its bases, root flag, locators and methods, every method
// with its mixins, parameters (name, wire name, type, list, direction)
// and signatures. The differences, each explained:
//   - model.json names two located services as written, without their
//     Service suffix ("@Service GlusterBrick brick(String id);" in
//     GlusterBricksService, "configuration" in
//     ExternalNetworkProviderConfigurationsService); the metamodel
//     compares service names without the suffix (ModelAnalyzer's
//     removeSuffix(javaName, "Service")), so they are GlusterBrickService
//     and ExternalNetworkProviderConfigurationService, whose routes the
//     engine serves (BackendGlusterBricksResource.getBrickResource);
//   - model.json has no deprecation of types, enum values, services,
//     methods or parameters, which are read here and not compared.
func TestReadsModelJSONFacts(t *testing.T) {
	src := sharedtest.Dir(t)
	m, err := metamodel.Read(os.DirFS(filepath.Join(src, "model-src", "4.6.1")), ".")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(src, "v4", "model.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want modelJSON
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	got := asModelJSON(m)
	resolved := map[string]string{"GlusterBrick": "GlusterBrickService",
		"ExternalNetworkProviderConfiguration": "ExternalNetworkProviderConfigurationService"}
	for _, s := range want.Services {
		for i, l := range s.Locators {
			if full, ok := resolved[l.Service]; ok {
				s.Locators[i].Service = full
			}
		}
	}
	compareJSON(t, "types", got.Types, want.Types)
	compareJSON(t, "enums", got.Enums, want.Enums)
	compareJSON(t, "services", got.Services, want.Services)
}

func compareJSON[V any](t *testing.T, what string, got, want map[string]V) {
	t.Helper()
	if g, w := metamodel.SortedKeys(got), metamodel.SortedKeys(want); !slices.Equal(g, w) {
		t.Errorf("%s: read %d, model.json has %d", what, len(g), len(w))
	}
	for name, w := range want {
		gj, _ := json.Marshal(got[name])
		wj, _ := json.Marshal(w)
		if !bytes.Equal(gj, wj) {
			t.Errorf("%s %s:\n read       %s\n model.json %s", what, name, gj, wj)
		}
	}
}

// modelJSON is the layout of ../shared/ovirt/v4/model.json.
type modelJSON struct {
	Types    map[string]structJSON  `json:"types"`
	Enums    map[string][]string    `json:"enums"`
	Services map[string]serviceJSON `json:"services"`
}

type structJSON struct {
	Bases   []string     `json:"bases"`
	Members []memberJSON `json:"members"`
}

type memberJSON struct {
	Name       string `json:"name"`
	XML        string `json:"xml"`
	Type       string `json:"type"`
	List       bool   `json:"list"`
	Link       bool   `json:"link"`
	Deprecated bool   `json:"deprecated"`
}

type serviceJSON struct {
	Bases    []string              `json:"bases"`
	Methods  map[string]methodJSON `json:"methods"`
	Locators []locatorJSON         `json:"locators"`
	Root     bool                  `json:"root"`
}

type methodJSON struct {
	Extends    []string    `json:"extends"`
	Params     []paramJSON `json:"params"`
	Signatures []string    `json:"signatures"`
}

type paramJSON struct {
	Name string `json:"name"`
	XML  string `json:"xml"`
	Type string `json:"type"`
	List bool   `json:"list"`
	Dir  string `json:"dir"`
}

type locatorJSON struct {
	Service string `json:"service"`
	Name    string `json:"name"`
	Segment string `json:"segment"`
	ByID    bool   `json:"by_id"`
}

func asModelJSON(m *metamodel.Model) modelJSON {
	out := modelJSON{Types: map[string]structJSON{}, Enums: map[string][]string{}, Services: map[string]serviceJSON{}}
	for n, s := range m.Types {
		st := structJSON{Bases: orEmpty(s.Bases), Members: []memberJSON{}}
		for _, mb := range s.Members {
			st.Members = append(st.Members, memberJSON(mb))
		}
		out.Types[n] = st
	}
	for n, e := range m.Enums {
		vs := []string{}
		for _, v := range e.Values {
			vs = append(vs, v.Value)
		}
		out.Enums[n] = vs
	}
	for n, s := range m.Services {
		sj := serviceJSON{Bases: orEmpty(s.Bases), Methods: map[string]methodJSON{}, Locators: []locatorJSON{}, Root: s.Root}
		for _, l := range s.Locators {
			sj.Locators = append(sj.Locators, locatorJSON(l))
		}
		for _, md := range s.Methods {
			mj := methodJSON{Extends: orEmpty(md.Extends), Params: []paramJSON{}, Signatures: []string{}}
			for _, p := range md.Params {
				mj.Params = append(mj.Params, paramJSON{Name: p.Name, XML: p.XML, Type: p.Type, List: p.List, Dir: p.Dir})
			}
			for _, sg := range md.Signatures {
				mj.Signatures = append(mj.Signatures, sg.Name)
			}
			sj.Methods[md.Name] = mj
		}
		out.Services[n] = sj
	}
	return out
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// TestRoutesOfRoutesTSV: the routes of model 4.6.1, derived from its
// service tree, are those of ../shared/ovirt/v4/routes.tsv (derived from
// model.json the same way) and the 11 of the two services model.json does
// not resolve (see TestReadsModelJSONFacts), with the same services and
// operations.
func TestRoutesOfRoutesTSV(t *testing.T) {
	src, h, files := compiled(t)
	raw, err := os.ReadFile(filepath.Join(src, "v4", "routes.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	f := files[h.Index("4.6.1")]
	have := map[string]string{}
	for _, r := range f.Routes {
		have[r.Method+" "+r.Path] = r.Service + " " + r.Operation
	}
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")[1:]
	for _, line := range lines {
		cols := strings.Split(line, "\t")
		path := strings.TrimPrefix(cols[1], "/ovirt-engine/api")
		if path == "" {
			path = "/"
		}
		key := cols[0] + " " + path
		if got, want := have[key], cols[2]+" "+cols[3]; got != want {
			t.Errorf("%s: %q, routes.tsv %q", key, got, want)
		}
		delete(have, key)
	}
	for key, svc := range have {
		if !strings.Contains(key, "/glusterbricks/{brick_id}") && !strings.Contains(key, "/externalnetworkproviderconfigurations/{configuration_id}") {
			t.Errorf("%s (%s): not in routes.tsv, and not below the two resolved services", key, svc)
		}
	}
	if len(have) != 11 {
		t.Errorf("%d routes beyond routes.tsv, want 11: %v", len(have), have)
	}
}
