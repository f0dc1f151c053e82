package schema_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/schema"
)

// TestResolveRelease resolves releases as users name them, through the
// embedded engine-releases.tsv (from oVirt/ovirt-engine's pom.xml at each
// tag: "4.4.10	4.4.34", "4.4.10.7	4.4.35", "4.5.5	4.6.0", "4.5.7	4.6.1").
func TestResolveRelease(t *testing.T) {
	tcs := []struct {
		name                   string
		engine, shipped, model string
		warning                bool
	}{
		{"", "", "4.6.1", "4.6.1", false},
		{"4.4.10", "4.4.10", "4.4.34", "4.4.35", false},
		{"4.4", "4.4.10.7", "4.4.35", "4.4.35", false}, // a line is its newest release
		{"4.5", "4.5.7", "4.6.1", "4.6.1", false},
		{"4.5.5", "4.5.5", "4.6.0", "4.6.1", false},
		{"4.5.3.11", "4.5.3.11", "4.5.12", "4.5.12", false},
		{"4.0.0", "4.0.0", "4.0.19", "4.0.40", false},
		{"4.4.0.0", "4.4.0", "4.4.15", "4.4.35", false},
		{"4.4.10.8", "4.4.10.7", "4.4.35", "4.4.35", true}, // a build the table lacks
		{"4.5.8", "", "4.6.1", "4.6.1", true},              // newer than the table
		{"4.6", "", "4.6.1", "4.6.1", true},
		{"5.0.1", "", "4.6.1", "4.6.1", true},
		{"model:4.6.1", "", "4.6.1", "4.6.1", false},
		{"model:4.4.34", "", "4.4.34", "4.4.35", false},
		{"model:4.2", "", "4.2", "4.2.37", false},
		{"model:4.6.2", "", "4.6.2", "4.6.1", true},
	}
	for _, tc := range tcs {
		r, err := schema.ResolveRelease(tc.name)
		if err != nil {
			t.Errorf("%q: %v", tc.name, err)
			continue
		}
		if r.Name != tc.name || r.Engine != tc.engine || r.Shipped != tc.shipped || r.Model != tc.model || (r.Warning != "") != tc.warning {
			t.Errorf("%q: %+v, want engine %q shipped %q model %q warning %v", tc.name, r, tc.engine, tc.shipped, tc.model, tc.warning)
		}
		m, err := schema.ModelFor(r)
		if err != nil {
			t.Fatal(err)
		}
		if m.Version != tc.model || m.Release != r {
			t.Errorf("%q: model %s judged as %+v", tc.name, m.Version, m.Release)
		}
	}
}

func TestResolveReleaseErrors(t *testing.T) {
	for _, name := range []string{"3.6", "3.6.8", "latest", "4", "4.x", "model:", "model:4.7.0", "model:3.6", "model:abc", "4.-1"} {
		if r, err := schema.ResolveRelease(name); !errors.Is(err, schema.ErrUnknownRelease) {
			t.Errorf("%q: %+v, %v; want ErrUnknownRelease", name, r, err)
		}
	}
	if _, err := schema.ModelFor(schema.Release{Model: "4.9.9"}); !errors.Is(err, schema.ErrUnknownRelease) {
		t.Errorf("ModelFor an unknown model: %v", err)
	}
}

// TestModelForSharesModels: the models of two engine releases of one line
// are the same types and routes, judged as different releases; the
// default is schema.V4's value itself.
func TestModelForSharesModels(t *testing.T) {
	a, err := schema.LoadRelease("4.4.9")
	if err != nil {
		t.Fatal(err)
	}
	b, err := schema.LoadRelease("4.4.10")
	if err != nil {
		t.Fatal(err)
	}
	if a == b || a.Release.Engine != "4.4.9" || b.Release.Engine != "4.4.10" {
		t.Errorf("judged as %+v and %+v", a.Release, b.Release)
	}
	if a.Type("Vm") != b.Type("Vm") || a.Routes() != b.Routes() {
		t.Error("one line's releases do not share the model")
	}
	v4, _ := schema.V4()
	newest, _ := schema.LoadRelease("")
	if v4 != newest || v4.Version != "4.6.1" {
		t.Errorf("V4 is %s, the default %p vs %p", v4.Version, v4, newest)
	}
}

func TestReleaseString(t *testing.T) {
	for name, want := range map[string]string{
		"4.4.10":       "engine 4.4.10, model 4.4.34, checked with model 4.4.35",
		"4.4":          "engine 4.4.10.7 (as 4.4), model 4.4.35",
		"model:4.6.1":  "model 4.6.1",
		"model:4.4.34": "model 4.4.34, checked with model 4.4.35",
	} {
		r, err := schema.ResolveRelease(name)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.String(); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
}

func TestReleaseTable(t *testing.T) {
	tab, err := schema.Releases()
	if err != nil {
		t.Fatal(err)
	}
	var engines []string
	for _, e := range tab.Shipping("4.6.1") {
		engines = append(engines, e.Engine)
	}
	if got := strings.Join(engines, " "); got != "4.5.4 4.5.5 4.5.6 4.5.7" {
		t.Errorf("engines shipping model 4.6: %s", got)
	}
	if _, err := schema.ParseReleaseTable([]byte("engine_release\tmodel_version\ttag_date\n4.4\tfour\t2020\n"), []string{"4.4.35"}); !errors.Is(err, schema.ErrModel) {
		t.Errorf("a bad row: %v", err)
	}
	if _, err := schema.ParseReleaseTable([]byte("# only a comment\n"), []string{"4.4.35"}); !errors.Is(err, schema.ErrModel) {
		t.Errorf("an empty table: %v", err)
	}
}

// TestResolveProduct reads what an engine says in product_info: its
// full_version is the RPM's ("4.4.10.7-1.el8", BackendApiResource's
// ProductRPMVersion), or major.minor.build.revision.
func TestResolveProduct(t *testing.T) {
	for product, want := range map[string][2]string{
		"4.4.10.7-1.el8":   {"4.4.35", ""},
		"4.5.5-1.el8":      {"4.6.1", ""},
		"4.2.8.2":          {"4.2.37", ""},
		"4.5.9-0.0.master": {"4.6.1", "newer than the table"},
		"":                 {"4.6.1", "did not report its version"},
		"master":           {"4.6.1", "did not report its version"},
		"3.6.7_master":     {"4.6.1", "older than API v4"},
	} {
		r, err := schema.ResolveProduct(product)
		if err != nil {
			t.Fatal(err)
		}
		if r.Model != want[0] || !strings.Contains(r.Warning, want[1]) || (want[1] == "") != (r.Warning == "") {
			t.Errorf("%q: %+v, want model %s and a warning with %q", product, r, want[0], want[1])
		}
	}
}

func TestDescribe(t *testing.T) {
	m, err := schema.LoadRelease("4.4.10")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := m.Describe(), "oVirt API model 4.4.35 (engine 4.4.10, model 4.4.34, checked with model 4.4.35)"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
	v4, _ := schema.V4()
	if got := v4.Describe(); got != "oVirt API model 4.6.1" {
		t.Errorf("the newest model: %q", got)
	}
}
