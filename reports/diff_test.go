package reports

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
)

// simRun is a run against the simulator where everything passed.
func simRun() *Results {
	return &Results{
		Version: Version,
		Run:     Run{Kind: "replay", Target: "http://127.0.0.1:8080/ovirt-engine/api", Product: "ovcompat sim", EngineVersion: "4.6", ToolVersion: "dev", ModelVersion: "oVirt API model 4.6", Started: t0, Finished: t0.Add(time.Minute)},
		Scenarios: []Scenario{
			{Name: "vms-crud", Outcome: Pass, Steps: []Step{
				{Index: 0, Name: "create", Method: "POST", Path: "/vms", Route: "/vms", Status: 201, RecordedStatus: 201, Outcome: Pass},
				{Index: 1, Name: "get", Method: "GET", Path: "/vms/1", Route: "/vms/{vm_id}", Status: 200, RecordedStatus: 200, Outcome: Pass,
					Skipped: []SkippedComparison{{Location: "/vm/@id", Why: "ids vary by nature"}}},
				{Index: 2, Name: "remove", Method: "DELETE", Path: "/vms/1", Route: "/vms/{vm_id}", Status: 200, RecordedStatus: 200, Outcome: Pass, Cleanup: true},
			}},
			{Name: "hosts-list", Outcome: Pass, Steps: []Step{
				{Index: 0, Name: "list", Method: "GET", Path: "/hosts", Route: "/hosts", Status: 200, RecordedStatus: 200, Outcome: Pass},
			}},
		},
		Coverage: &Coverage{Resources: []ResourceCoverage{
			{Resource: "hosts", Routes: 92, Exercised: []string{"GET /hosts"}},
			{Resource: "vms", Routes: 122, Exercised: []string{"DELETE /vms/{vm_id}", "GET /vms/{vm_id}", "POST /vms"}},
		}},
	}
}

// faultRun is simRun with an injected breaking fault: the simulator drops
// <memory> from a vm.
func faultRun() *Results {
	r := simRun()
	st := &r.Scenarios[0].Steps[1]
	st.Differences = []Difference{{Kind: "element-removed", Grade: Breaking, Location: "/vm/memory", Reason: "element memory was removed", Base: "present", New: "absent"}}
	st.Violations = []Violation{{Rule: "schema.missing-element", Severity: SeverityError, Location: "/vm/memory", Reason: "required element memory is missing"}}
	st.Outcome = Fail
	r.Scenarios[0].Outcome = Fail
	return r
}

func TestCompareIdentical(t *testing.T) {
	d := Compare(simRun(), simRun(), nil)
	if len(d.Changes) != 0 {
		t.Errorf("identical runs differ: %+v", d.Changes)
	}
}

func TestCompareInjectedFault(t *testing.T) {
	d := Compare(simRun(), faultRun(), nil)
	failing := d.Failing(Breaking)
	if len(failing) != 2 {
		t.Fatalf("failing = %+v, want the removed element and the new violation", failing)
	}
	if c := failing[0]; c.Kind != "element-removed" || c.Route != "GET /vms/{vm_id}" || c.Location != "/vm/memory" || c.Grade != Breaking {
		t.Errorf("first failing change = %+v, want the breaking element-removed on GET /vms/{vm_id}", c)
	}
	if c := failing[1]; c.Kind != KindViolationAdded || c.Rule != "schema.missing-element" {
		t.Errorf("second failing change = %+v, want the new violation", c)
	}
	for _, c := range d.Changes {
		if c.Kind == KindOutcomeWorse {
			t.Errorf("outcome-worse reported although the new findings explain it: %+v", c)
		}
	}
}

func TestCompareBaselineAccepts(t *testing.T) {
	bl, err := ParseBaseline(strings.NewReader(`
- kind: element-removed
  route: GET /vms/{vm_id}
  location: /vm/memory
  reason: the fault is injected on purpose
- rule: schema.missing-element
  route: /vms/{vm_id}
  reason: follows from the removed element
- kind: status-changed
  route: "*"
  reason: never happens here
`))
	if err != nil {
		t.Fatal(err)
	}
	d := Compare(simRun(), faultRun(), bl)
	if f := d.Failing(Breaking); len(f) != 0 {
		t.Errorf("accepted changes still fail the gate: %+v", f)
	}
	counts, accepted := d.Counts()
	if accepted != 2 || counts.Total() != 0 {
		t.Errorf("counts %+v, %d accepted; want 0 and 2", counts, accepted)
	}
	if d.Changes[0].AcceptedReason != "the fault is injected on purpose" {
		t.Errorf("accepted reason = %q", d.Changes[0].AcceptedReason)
	}
	if len(d.Unused) != 1 || d.Unused[0].Kind != "status-changed" || d.Unused[0].Line != 9 {
		t.Errorf("unused = %+v, want the status-changed entry of line 9", d.Unused)
	}
}

func TestCompareGrades(t *testing.T) {
	tests := []struct {
		name     string
		mutate   func(r *Results)
		kind     string
		grade    Grade
		location string
	}{
		{"status class changed", func(r *Results) { r.Scenarios[1].Steps[0].Status = 500 }, KindStatusChanged, Breaking, "status"},
		{"status within class", func(r *Results) { r.Scenarios[1].Steps[0].Status = 203 }, KindStatusChanged, GradeWarn, "status"},
		{"warning violation", func(r *Results) {
			r.Scenarios[1].Steps[0].Violations = []Violation{{Rule: "schema.element-order", Severity: SeverityWarning, Location: "/hosts/host[1]/name"}}
		}, KindViolationAdded, GradeWarn, "/hosts/host[1]/name"},
		{"unexplained failure", func(r *Results) { r.Scenarios[1].Steps[0].Outcome = Fail }, KindOutcomeWorse, Breaking, ""},
		{"harness error", func(r *Results) {
			r.Scenarios[1].Steps[0].Outcome, r.Scenarios[1].Steps[0].Error = Error, "connection refused"
		}, KindHarnessError, Breaking, ""},
		{"scenario broke", func(r *Results) { r.Scenarios[1].Error = "unbound variable {{vm.id}}" }, KindHarnessError, Breaking, ""},
		{"step now skipped", func(r *Results) { r.Scenarios[1].Steps[0].Outcome = Skip }, KindOutcomeWorse, GradeWarn, ""},
		{"scenario missing", func(r *Results) { r.Scenarios = r.Scenarios[:1] }, KindScenarioMissing, GradeWarn, ""},
		{"step missing", func(r *Results) { r.Scenarios[0].Steps = r.Scenarios[0].Steps[:2] }, KindStepMissing, GradeWarn, ""},
		{"comparison newly skipped", func(r *Results) {
			r.Scenarios[1].Steps[0].Skipped = []SkippedComparison{{Location: "/hosts/host[1]/status", Why: "status of asynchronous objects varies"}}
		}, KindComparisonSkipped, GradeWarn, "/hosts/host[1]/status"},
		{"route no longer covered", func(r *Results) { r.Coverage.Resources[0].Exercised = nil }, KindRouteUncovered, GradeWarn, ""},
		{"difference graded worse", func(r *Results) {
			r.Scenarios[1].Steps[0].Differences = []Difference{{Kind: "enum-value-added", Grade: GradeWarn, Location: "/hosts/host[1]/status"}}
		}, "enum-value-added", GradeWarn, "/hosts/host[1]/status"},
		{"engine changed", func(r *Results) { r.Run.EngineVersion = "4.7" }, KindEngineChanged, GradeInfo, ""},
		{"scenario added", func(r *Results) { r.Scenarios = append(r.Scenarios, Scenario{Name: "new", Outcome: Pass}) }, KindScenarioAdded, GradeInfo, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			next := simRun()
			tc.mutate(next)
			d := Compare(simRun(), next, nil)
			for _, c := range d.Changes {
				if c.Kind == tc.kind && c.Grade == tc.grade && c.Location == tc.location {
					return
				}
			}
			t.Errorf("no %s %s at %q among %+v", tc.grade, tc.kind, tc.location, d.Changes)
		})
	}
}

func TestCompareImprovementsAreInfo(t *testing.T) {
	d := Compare(faultRun(), simRun(), nil)
	if len(d.Changes) == 0 {
		t.Fatal("no change found when the fault went away")
	}
	for _, c := range d.Changes {
		if c.Grade != GradeInfo {
			t.Errorf("an improvement graded %s: %+v", c.Grade, c)
		}
	}
	if f := d.Failing(GradeWarn); len(f) != 0 {
		t.Errorf("improvements fail a warning gate: %+v", f)
	}
}

func TestDiffRenderersGolden(t *testing.T) {
	bl, err := ParseBaseline(strings.NewReader("- rule: schema.missing-element\n  route: GET /vms/{vm_id}\n  reason: tracked in JIRA-1 | see `notes`\n- kind: route-uncovered\n  route: GET /hosts\n  reason: unused entry\n"))
	if err != nil {
		t.Fatal(err)
	}
	next := faultRun()
	next.Run.EngineVersion = "4.6-fault"
	next.Scenarios[1].Steps[0].Status = 203
	d := Compare(simRun(), next, bl)
	for name, render := range map[string]func(*bytes.Buffer) error{
		"diff.txt":  func(b *bytes.Buffer) error { return WriteDiffText(b, d, DiffOptions{All: true}) },
		"diff.md":   func(b *bytes.Buffer) error { return WriteDiffMarkdown(b, d, DiffOptions{All: true}) },
		"diff.json": func(b *bytes.Buffer) error { return WriteDiffJSON(b, d, DiffOptions{}) },
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := render(&buf); err != nil {
				t.Fatal(err)
			}
			golden(t, name, buf.Bytes())
		})
	}
}

func TestParseBaselineRejects(t *testing.T) {
	tests := []struct{ name, in, says string }{
		{"no reason", "- kind: element-removed\n  route: GET /vms\n", "line 1: entry needs reason"},
		{"no kind or rule", "- route: GET /vms\n  reason: x\n", "kind or rule"},
		{"no route", "- kind: x\n  reason: y\n", "route"},
		{"unknown field", "- kind: x\n  route: GET /vms\n  reason: y\n  severity: low\n", "severity"},
		{"not a list", "kind: x\n", "list"},
		{"bad yaml", "- kind: [x\n", "yaml"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseBaseline(strings.NewReader(tc.in))
			if !errors.Is(err, ErrBaseline) {
				t.Fatalf("ParseBaseline: %v, want ErrBaseline", err)
			}
			if !strings.Contains(err.Error(), tc.says) {
				t.Errorf("error %q does not say %q", err, tc.says)
			}
		})
	}
	if bl, err := ParseBaseline(strings.NewReader("  \n")); err != nil || len(bl) != 0 {
		t.Errorf("empty baseline: %v, %v", bl, err)
	}
}

func TestAcceptedMatches(t *testing.T) {
	c := Change{Kind: "element-removed", Route: "GET /vms/{vm_id}", Location: "/vm/disks/disk[2]/name"}
	tests := []struct {
		a    Accepted
		want bool
	}{
		{Accepted{Kind: "element-removed", Route: "GET /vms/{vm_id}"}, true},
		{Accepted{Kind: "element-removed", Route: "get /vms/{vm_id}"}, true},
		{Accepted{Kind: "element-removed", Route: "/vms/{vm_id}"}, true},
		{Accepted{Kind: "element-removed", Route: "POST /vms/{vm_id}"}, false},
		{Accepted{Kind: "element-removed", Route: "*", Location: "/vm/disks/*"}, true},
		{Accepted{Kind: "element-removed", Route: "*", Location: "/vm/disks"}, false},
		{Accepted{Kind: "element-added", Route: "*"}, false},
		{Accepted{Rule: "schema.x", Route: "*"}, false},
	}
	for _, tc := range tests {
		if got := tc.a.Matches(&c); got != tc.want {
			t.Errorf("%+v matches = %v, want %v", tc.a, got, tc.want)
		}
	}
}

// TestDiffFixtures writes the two runs as results.json files: the CLI's
// tests diff them (go test ./reports -update rewrites them).
func TestDiffFixtures(t *testing.T) {
	for name, r := range map[string]*Results{"sim-base.json": simRun(), "sim-fault.json": faultRun()} {
		var buf bytes.Buffer
		if err := Write(&buf, r); err != nil {
			t.Fatal(err)
		}
		golden(t, name, buf.Bytes())
	}
}

// TestDiffMarkdownCaps keeps a diff of thousands of changes within a
// pull-request comment, while the table by kind still counts them all.
func TestDiffMarkdownCaps(t *testing.T) {
	base := bigResults(100, 10)
	next := bigResults(100, 10)
	for i := range next.Scenarios {
		for j := range next.Scenarios[i].Steps {
			st := &next.Scenarios[i].Steps[j]
			st.Differences = append(st.Differences, Difference{Kind: "action-removed", Grade: Breaking, Location: "/vm/actions/link[1]", Reason: "action start was removed"})
		}
	}
	d := Compare(base, next, nil)
	var buf bytes.Buffer
	if err := WriteDiffMarkdown(&buf, d, DiffOptions{All: true}); err != nil {
		t.Fatal(err)
	}
	if buf.Len() > 65536 {
		t.Errorf("diff.md of %d bytes does not fit a pull-request comment", buf.Len())
	}
	if !strings.Contains(buf.String(), "| breaking | **`action-removed`** | 56 routes | **1000** | 1000 | |") || !strings.Contains(buf.String(), "… and 900 more") {
		t.Errorf("the Markdown diff does not count every change or say what it left out:\n%.2000s", buf.String())
	}
}
