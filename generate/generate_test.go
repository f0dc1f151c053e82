package generate_test

import (
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/fixtures"
	"github.com/ovcompat/ovcompat/generate"
	"github.com/ovcompat/ovcompat/scenario"
	"github.com/ovcompat/ovcompat/schema"
)

func generated(t testing.TB, resources ...string) *generate.Result {
	t.Helper()
	res, err := generate.Generate(generate.Options{Resources: resources})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestGeneratedScenariosAreScenarios: every generated scenario is written
// and read back in the usual format, labelled source: generated, named
// once; those that send an operation of impact infrastructure say so; and
// together they send a request to nearly every route of the model.
func TestGeneratedScenariosAreScenarios(t *testing.T) {
	res := generated(t)
	names := map[string]bool{}
	infra := 0
	for _, sc := range res.Scenarios {
		data, err := scenario.Marshal(sc)
		if err != nil {
			t.Fatal(err)
		}
		back, err := scenario.Parse(scenario.FileName(sc.Name), data)
		if err != nil {
			t.Fatalf("%s does not read back: %v", sc.Name, err)
		}
		if back.Labels.Source != scenario.SourceGenerated || names[back.Name] {
			t.Errorf("%s: source %q, or its name is taken", back.Name, back.Labels.Source)
		}
		names[back.Name] = true
		if back.Labels.Impact == scenario.ImpactInfrastructure {
			infra++
		}
	}
	m, err := schema.V4()
	if err != nil {
		t.Fatal(err)
	}
	if res.Routes != m.Routes().Len() || len(res.Exercised)*100 < res.Routes*98 {
		t.Errorf("the scenarios send to %d of %d routes, want 98%% or more of the model's %d", len(res.Exercised), res.Routes, m.Routes().Len())
	}
	if infra == 0 || infra == len(res.Scenarios) {
		t.Errorf("%d of %d scenarios of impact infrastructure", infra, len(res.Scenarios))
	}
	for _, g := range res.Gaps {
		t.Logf("gap: %s: %s", g.Route, g.Why)
	}
}

// TestMinimalBodies: a create sends the mandatory members of the route's
// signatures (schema's signature functions decide) and nothing it can do
// without; objects it refers to are found by name where every engine has
// one (cluster Default, template Blank).
func TestMinimalBodies(t *testing.T) {
	m, err := schema.V4()
	if err != nil {
		t.Fatal(err)
	}
	res := generated(t, "vms", "bookmarks")
	for _, tt := range []struct{ scenario, step, want string }{
		{"gen-vms", "create (POST /vms)", "<vm><cluster><name>Default</name></cluster><name>ovc-vms</name><template><name>Blank</name></template></vm>"},
		{"gen-bookmarks", "create (POST /bookmarks)", "<bookmark><name>ovc-bookmarks</name><value>ovcompat</value></bookmark>"},
	} {
		st := find(t, res, tt.scenario, tt.step)
		if st.Request.Body != tt.want {
			t.Errorf("%s %s: body %s, want %s", tt.scenario, tt.step, st.Request.Body, tt.want)
		}
		r := m.Routes().Find("POST", strings.TrimPrefix(st.Request.Path, m.BasePath))
		doc, err := schema.ParseXML([]byte(st.Request.Body), schema.Limits{})
		if err != nil || r == nil || r.MissingMandatory(doc.Root()) != nil {
			t.Errorf("%s: %v %v", tt.step, err, r)
		}
	}
	// A body without its mandatory members is refused: the step says so.
	if st := find(t, res, "gen-vms", "a body without its mandatory members is refused: 400 Incomplete parameters"); st.Response.Status != 400 {
		t.Errorf("missing mandatory members: %+v", st.Response)
	}
}

func find(t *testing.T, res *generate.Result, name, step string) scenario.Step {
	t.Helper()
	for _, sc := range res.Scenarios {
		if sc.Name != name {
			continue
		}
		for _, st := range sc.Steps {
			if st.Name == step {
				return st
			}
		}
	}
	t.Fatalf("no step %q in %s", step, name)
	return scenario.Step{}
}

func TestResources(t *testing.T) {
	res := generated(t, "bookmarks")
	for _, sc := range res.Scenarios {
		if !strings.HasPrefix(sc.Name, "gen-bookmarks") {
			t.Errorf("scenario %s for --resources bookmarks", sc.Name)
		}
	}
	if _, err := generate.Generate(generate.Options{Resources: []string{"vmz"}}); !errors.Is(err, generate.ErrNoResource) {
		t.Errorf("unknown resource: %v", err)
	}
}

// TestBundledScenario: the bundled set holds a generated scenario, as the
// generator writes it today.
func TestBundledScenario(t *testing.T) {
	data, err := fs.ReadFile(fixtures.Scenarios(), "gen-bookmarks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, sc := range generated(t, "bookmarks").Scenarios {
		if sc.Name != "gen-bookmarks" {
			continue
		}
		want, err := scenario.Marshal(sc)
		if err != nil {
			t.Fatal(err)
		}
		if string(want) != string(data) {
			t.Error("fixtures/scenarios/gen-bookmarks.yaml is not what the generator writes: ovcompat generate --resources bookmarks --out DIR, and copy DIR/gen-bookmarks.yaml")
		}
		return
	}
	t.Fatal("no scenario gen-bookmarks")
}

// TestGenerateForEveryRelease: for the model of every embedded release
// (4.0 with the RSDL's mandatory members, 4.2 on with @InputDetail's),
// the scenarios send requests only to routes of that release, and to
// nearly all of them.
func TestGenerateForEveryRelease(t *testing.T) {
	h, err := schema.EmbeddedHistory()
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range h.Releases {
		r, err := schema.ResolveRelease("model:" + v)
		if err != nil {
			t.Fatal(err)
		}
		m, err := schema.ModelFor(r)
		if err != nil {
			t.Fatal(err)
		}
		res, err := generate.Generate(generate.Options{Model: m})
		if err != nil {
			t.Fatalf("model %s: %v", v, err)
		}
		routes := map[string]bool{}
		for _, rt := range m.Routes().All() {
			routes[rt.String()] = true
		}
		for _, e := range res.Exercised {
			if !routes[e] {
				t.Errorf("model %s: the scenarios send %s, a route it lacks", v, e)
			}
		}
		if res.Routes != len(routes) || len(res.Exercised)*100 < res.Routes*98 {
			t.Errorf("model %s: requests to %d of %d routes (the model has %d), want 98%% or more", v, len(res.Exercised), res.Routes, len(routes))
		}
		t.Logf("model %s: requests to %d of %d routes, %d scenarios, %d gaps", v, len(res.Exercised), res.Routes, len(res.Scenarios), len(res.Gaps))
	}
}

// TestPerformActionAdds: an Add the engine answers with performAction's
// <action> (restneeds.AnswersAction: BackendIscsiBondNetworksResource.java:40
// and BackendIscsiBondStorageConnectionsResource.java:41 "return
// performAction(ActionType.EditIscsiBond, ...)", answered
// "Response.ok().entity(action)" by BackendResource.java:178-194) expects
// 200 and no Location, and the next step finds the listed object's id in
// the collection.
func TestPerformActionAdds(t *testing.T) {
	res := generated(t, "datacenters")
	for _, tt := range []struct{ scenario, coll, capture string }{
		{"gen-datacenters-iscsibonds-networks", "networks", `network[name="ovirtmgmt"]/@id`},
		{"gen-datacenters-iscsibonds-storageserverconnections", "storageserverconnections", `storage_connection[name="ovc-datacenters-iscsibonds-storageserver"]/@id`},
	} {
		path := "/datacenters/{data_center_id}/iscsibonds/{iscsi_bond_id}/" + tt.coll
		add := find(t, res, tt.scenario, "create (POST "+path+")")
		if add.Response == nil || add.Response.Status != 200 || len(add.Response.Header) != 0 || len(add.Captures) != 0 {
			t.Errorf("%s: the Add expects %+v and captures %+v; want 200, no Location, no capture", tt.scenario, add.Response, add.Captures)
		}
		list := find(t, res, tt.scenario, "the collection lists it (GET "+path+")")
		if len(list.Captures) != 1 || list.Captures[0].From != scenario.FromPath || list.Captures[0].Arg != tt.capture {
			t.Errorf("%s: the list step captures %+v, want %s", tt.scenario, list.Captures, tt.capture)
		}
	}
}
