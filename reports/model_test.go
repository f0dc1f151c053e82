package reports

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

func TestWorse(t *testing.T) {
	tests := []struct {
		name string
		a, b Outcome
		want Outcome
	}{
		{"pass then warn", Pass, Warn, Warn},
		{"fail stays over warn", Fail, Warn, Fail},
		{"error over fail", Fail, Error, Error},
		{"skip below pass", Skip, Pass, Pass},
		{"pass over skip", Pass, Skip, Pass},
		{"empty takes skip", "", Skip, Skip},
		{"unknown never hides", Pass, "bogus", Pass},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.a.Worse(tc.b); got != tc.want {
				t.Errorf("%q.Worse(%q) = %q, want %q", tc.a, tc.b, got, tc.want)
			}
		})
	}
	if got := Worst(); got != Skip {
		t.Errorf("Worst() = %q, want skip", got)
	}
	if got := Worst(Pass, Skip, Warn, Pass); got != Warn {
		t.Errorf("Worst(pass, skip, warn, pass) = %q, want warn", got)
	}
}

func TestJudge(t *testing.T) {
	tests := []struct {
		name    string
		vs      []Violation
		ds      []Difference
		harness string
		want    Outcome
	}{
		{"nothing", nil, nil, "", Pass},
		{"info only", []Violation{{Severity: SeverityInfo}}, []Difference{{Grade: GradeInfo}}, "", Pass},
		{"warning violation", []Violation{{Severity: SeverityWarning}}, nil, "", Warn},
		{"warning difference", nil, []Difference{{Grade: GradeWarn}}, "", Warn},
		{"error violation", []Violation{{Severity: SeverityError}}, []Difference{{Grade: GradeWarn}}, "", Fail},
		{"breaking difference", nil, []Difference{{Grade: Breaking}}, "", Fail},
		{"harness error wins", []Violation{{Severity: SeverityError}}, nil, "target down", Error},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Judge(tc.vs, tc.ds, tc.harness); got != tc.want {
				t.Errorf("Judge = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestSettle(t *testing.T) {
	r := &Results{Scenarios: []Scenario{
		{Name: "a", Steps: []Step{{Violations: []Violation{{Severity: SeverityWarning}}}, {Outcome: Skip}}},
		{Name: "b", Error: "bad scenario"},
		{Name: "c", Outcome: Pass, Steps: []Step{{Differences: []Difference{{Grade: Breaking}}}}},
		{Name: "d", Steps: []Step{{Outcome: Skip}}},
	}}
	r.Settle()
	want := []Outcome{Warn, Error, Fail, Skip}
	for i, w := range want {
		if got := r.Scenarios[i].Outcome; got != w {
			t.Errorf("scenario %s: outcome %q, want %q", r.Scenarios[i].Name, got, w)
		}
	}
	if got := r.Scenarios[0].Steps[0].Outcome; got != Warn {
		t.Errorf("step outcome %q, want warn", got)
	}
}

func TestResourceOf(t *testing.T) {
	for in, want := range map[string]string{
		"/vms/{vm_id}/start":       "vms",
		"GET /hosts":               "hosts",
		"/":                        "/",
		"":                         "/",
		"/vms;max=3":               "vms",
		"/datacenters?search=x":    "datacenters",
		"POST /vms/{vm_id}/start":  "vms",
		"/ovirt-engine/api/vms/1":  "vms",
		"/ovirt-engine/api":        "/",
		"/api/hosts;max=1":         "hosts",
		"/ovirt-engine/api/v4/vms": "vms",
		"/apis":                    "apis",
	} {
		if got := ResourceOf(in); got != want {
			t.Errorf("ResourceOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriteJSONGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	golden(t, "results.json", buf.Bytes())
}

func TestReadRoundTrip(t *testing.T) {
	in := sample()
	var first bytes.Buffer
	if err := Write(&first, in); err != nil {
		t.Fatal(err)
	}
	r, err := Read(bytes.NewReader(first.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if r.Totals == nil || *r.Totals != in.Count() {
		t.Errorf("totals after read = %+v, want %+v", r.Totals, in.Count())
	}
	var second bytes.Buffer
	if err := Write(&second, r); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Errorf("write(read(write(x))) differs from write(x):\n%s", firstDiff(first.Bytes(), second.Bytes()))
	}
	if in.Scenarios[1].Steps[1].Transcript.Request.Headers[1].Value == "Bearer "+Redacted {
		t.Error("Write modified its input")
	}
}

func TestReadRejects(t *testing.T) {
	tests := []struct {
		name, in string
		is       error
		says     string
	}{
		{"newer version", `{"version":2,"run":{},"scenarios":[]}`, ErrVersion, "version 2"},
		{"no version", `{"run":{},"scenarios":[]}`, ErrFormat, "version"},
		{"not json", "<html>", ErrFormat, "line 1"},
		{"bad outcome", `{"version":1,"scenarios":[{"name":"a","outcome":"great","steps":[]}]}`, ErrFormat, "great"},
		{"syntax error on line 3", "{\"version\":1,\n\"run\":{},\n\"scenarios\":[,]}", ErrFormat, "line 3"},
		{"violation without severity", `{"version":1,"scenarios":[{"name":"a","outcome":"pass","steps":[{"index":2,"method":"GET","path":"/","outcome":"pass","violations":[{"rule":"r"}]}]}]}`, ErrFormat, "step 2 violation 0: severity"},
		{"difference without grade", `{"version":1,"scenarios":[{"name":"a","outcome":"pass","steps":[{"index":0,"method":"GET","path":"/","outcome":"pass","differences":[{"kind":"k"}]}]}]}`, ErrFormat, "grade"},
		{"negative duration", `{"version":1,"scenarios":[{"name":"a","outcome":"pass","duration_ms":-1,"steps":[]}]}`, ErrFormat, "out of range"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tc.in))
			if !errors.Is(err, tc.is) {
				t.Fatalf("Read: %v, want %v", err, tc.is)
			}
			if !strings.Contains(err.Error(), tc.says) {
				t.Errorf("error %q does not say %q", err, tc.says)
			}
		})
	}
}

// TestSchemaDescribesOutput keeps results.schema.json honest: what Write
// produces validates against it.
func TestSchemaDescribesOutput(t *testing.T) {
	c := jsonschema.NewCompiler()
	c.AssertFormat = true
	if err := c.AddResource("results.schema.json", strings.NewReader(JSONSchema())); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("results.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]*Results{"sample": sample(), "empty": {}, "crawl": crawled()} {
		var buf bytes.Buffer
		if err := Write(&buf, r); err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(&buf)
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(v); err != nil {
			t.Errorf("%s: results.json does not match its schema: %#v", name, err)
		}
	}
}

func TestWriteRefusesMissingOutcome(t *testing.T) {
	r := &Results{Scenarios: []Scenario{{Name: "a", Outcome: Pass, Steps: []Step{{Index: 3}}}}}
	err := Write(&bytes.Buffer{}, r)
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "step 3") {
		t.Fatalf("Write: %v, want ErrInvalid naming step 3", err)
	}
	r.Settle()
	if err := Write(&bytes.Buffer{}, r); err != nil {
		t.Errorf("after Settle: %v", err)
	}
}

func TestNewCoverage(t *testing.T) {
	model := []string{"GET /", "GET /vms", "POST /vms", "GET /vms/{vm_id}", "POST /vms/{vm_id}/start", "GET /hosts", "GET /vms"}
	r := sample()
	c := NewCoverage(model, append(r.Exercised(), "GET /nowhere"))
	got, _ := json.Marshal(c)
	want := `{"resources":[{"resource":"/","routes":1},{"resource":"hosts","routes":1,"exercised":["GET /hosts"]},{"resource":"vms","routes":4,"exercised":["GET /vms","GET /vms/{vm_id}","POST /vms/{vm_id}/start"]}]}`
	if string(got) != want {
		t.Errorf("coverage\n got %s\nwant %s", got, want)
	}
}

// crawled is a crawl's results: coverage with the reach of GET routes.
func crawled() *Results {
	r := &Results{Version: Version, Run: Run{Kind: "crawl", Target: "https://engine.example.com", ReadOnly: true},
		Scenarios: []Scenario{{Name: "crawl-vms", Outcome: Pass, Steps: []Step{{Name: "GET /vms", Method: "GET", Path: "/vms", Route: "/vms", Status: 200, Outcome: Pass}}}}}
	r.Coverage = NewCoverage([]string{"GET /vms", "GET /vms/{vm_id}", "POST /vms"}, r.Exercised())
	r.Coverage.Resources[0].Reach = []RouteReach{
		{Route: "GET /vms", Reached: true},
		{Route: "GET /vms/{vm_id}", Why: NoObject, Detail: "every answer of GET /vms was an empty list"},
	}
	return r
}

func TestCoverageReached(t *testing.T) {
	if got, total := crawled().Coverage.Reached(); got != 1 || total != 2 {
		t.Errorf("Reached() = %d of %d, want 1 of 2", got, total)
	}
	if got, total := sample().Coverage.Reached(); got != 0 || total != 0 {
		t.Errorf("a replay's Reached() = %d of %d, want 0 of 0", got, total)
	}
	var none *Coverage
	if got, total := none.Reached(); got != 0 || total != 0 {
		t.Errorf("nil Reached() = %d of %d", got, total)
	}
}
