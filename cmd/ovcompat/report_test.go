package main

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/reports"
)

const (
	sampleResults = "../../reports/testdata/results.json"
	simBase       = "../../reports/testdata/sim-base.json"
	simFault      = "../../reports/testdata/sim-fault.json"
)

func TestReportWritesFixedNames(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	code, stdout, stderr := ovcompat(t, "report", "--in", sampleResults, "--out", out)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, name := range []string{"report.html", "report.md", "junit.xml", "results.json"} {
		path := filepath.Join(out, name)
		data, err := os.ReadFile(path)
		if err != nil || len(data) == 0 {
			t.Errorf("%s: %v (%d bytes)", name, err, len(data))
		}
		if !strings.Contains(stdout, path) {
			t.Errorf("stdout does not name %s:\n%s", path, stdout)
		}
	}
	f, err := os.Open(filepath.Join(out, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := reports.Read(f)
	if err != nil {
		t.Fatalf("written results.json does not read back: %v", err)
	}
	if r.Totals.Steps.Fail != 1 || r.Totals.Steps.Error != 1 {
		t.Errorf("totals %+v", r.Totals.Steps)
	}
	junit, _ := os.ReadFile(filepath.Join(out, "junit.xml"))
	var v any
	if err := xml.Unmarshal(junit, &v); err != nil {
		t.Errorf("junit.xml: %v", err)
	}
}

func TestReportFormatsAndErrors(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := ovcompat(t, "report", "--in", sampleResults, "--out", dir, "--format", "md,junit")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if strings.Join(names, ",") != "junit.xml,report.md" {
		t.Errorf("files %v, want junit.xml and report.md only", names)
	}
	newer := filepath.Join(dir, "v2.json")
	os.WriteFile(newer, []byte(`{"version":2,"run":{},"scenarios":[]}`), 0o644)
	expectUsage(t, []usageCase{
		{"no --in", []string{"report"}, "--in is required"},
		{"missing file", []string{"report", "--in", filepath.Join(dir, "nope.json")}, "nope.json"},
		{"newer version", []string{"report", "--in", newer, "--out", dir}, "version 2"},
		{"bad format", []string{"report", "--in", sampleResults, "--out", dir, "--format", "pdf"}, "pdf"},
	})
}

// usageCase is a command line that must end with exit code 2 and say why.
type usageCase struct {
	name string
	args []string
	says string
}

func expectUsage(t *testing.T, cases []usageCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := ovcompat(t, tc.args...)
			if code != 2 || !strings.Contains(stderr, tc.says) {
				t.Errorf("exit %d, stderr %q; want 2 saying %q", code, stderr, tc.says)
			}
		})
	}
}

// TestDiffGate is the acceptance test of the diff on hand-built results: a
// run against the simulator and one with an injected breaking fault. The
// end-to-end version, on runs of ovcompat replay, needs the replay engine
// and the simulator's --inject.
func TestDiffGate(t *testing.T) {
	dir := t.TempDir()
	baseline := filepath.Join(dir, "accepted.yaml")
	os.WriteFile(baseline, []byte(`- kind: element-removed
  route: GET /vms/{vm_id}
  location: /vm/memory
  reason: the fault is injected on purpose
- rule: schema.missing-element
  route: GET /vms/{vm_id}
  reason: follows from the removed element
`), 0o644)
	badBaseline := filepath.Join(dir, "bad.yaml")
	os.WriteFile(badBaseline, []byte("- kind: element-removed\n  route: GET /vms\n"), 0o644)
	unknownKind := filepath.Join(dir, "unknown-kind.yaml")
	os.WriteFile(unknownKind, []byte("- kind: element-removd\n  route: GET /vms\n  reason: r\n"), 0o644)
	unknownRule := filepath.Join(dir, "unknown-rule.yaml")
	os.WriteFile(unknownRule, []byte("- rule: schema.unknown-elemnt\n  route: GET /vms\n  reason: r\n"), 0o644)

	code, out, stderr := ovcompat(t, "diff", simBase, simFault, "--fail-on", "breaking")
	if code != 1 {
		t.Fatalf("diff with an injected fault: exit %d, want 1\n%s%s", code, out, stderr)
	}
	if !strings.Contains(out, "breaking element-removed") || !strings.Contains(out, "GET /vms/{vm_id}") || !strings.Contains(out, "/vm/memory") {
		t.Errorf("the diff does not name the change:\n%s", out)
	}

	code, out, stderr = ovcompat(t, "diff", simBase, simFault, "--fail-on", "breaking", "--baseline", baseline)
	if code != 0 {
		t.Fatalf("diff with the finding in the baseline: exit %d, want 0\n%s%s", code, out, stderr)
	}
	if !strings.Contains(out, "accepted by the baseline:\n  line 1: kind element-removed, route GET /vms/{vm_id}, location /vm/memory: accepted 1") || !strings.Contains(out, "the fault is injected on purpose") {
		t.Errorf("the accepted finding is not listed as accepted:\n%s", out)
	}

	// --out writes the output folder of every judging command.
	outDir := filepath.Join(dir, "diff-out")
	code, out, stderr = ovcompat(t, "diff", "--out", outDir, "--format", "github", simBase, simFault)
	if code != 1 || !strings.HasPrefix(out, "::error title=ovcompat diff element-removed::") {
		t.Errorf("--format github --out: exit %d\n%s%s", code, out, stderr)
	}
	for _, f := range reports.Formats() {
		data, err := os.ReadFile(filepath.Join(outDir, f.File))
		if err != nil || len(data) == 0 {
			t.Errorf("diff --out lacks %s: %v", f.File, err)
		}
		if f.Name == "json" && !strings.Contains(string(data), `"kind": "diff"`) {
			t.Errorf("diff's results.json has no kind:\n%.500s", data)
		}
	}
	if code, out, _ := ovcompat(t, "diff", simBase, simBase); code != 0 || !strings.Contains(out, "PASS") {
		t.Errorf("identical runs: exit %d\n%s", code, out)
	}
	if code, out, _ := ovcompat(t, "diff", "--format", "json", simBase, simFault); code != 1 || !strings.Contains(out, `"failed": true`) {
		t.Errorf("--format json: exit %d\n%s", code, out)
	}
	if code, out, _ := ovcompat(t, "diff", "--format", "md", simBase, simFault); code != 1 || !strings.Contains(out, "## ovcompat diff: FAIL") {
		t.Errorf("--format md: exit %d\n%s", code, out)
	}

	expectUsage(t, []usageCase{
		{"one file", []string{"diff", simBase}, "two results files"},
		{"missing file", []string{"diff", simBase, filepath.Join(dir, "nope.json")}, "nope.json"},
		{"not results", []string{"diff", simBase, baseline}, "not a results file"},
		{"bad threshold", []string{"diff", "--fail-on", "info", simBase, simFault}, "breaking or warning"},
		{"bad baseline", []string{"diff", "--baseline", badBaseline, simBase, simFault}, "line 1"},
		{"unknown kind", []string{"diff", "--baseline", unknownKind, simBase, simFault}, `line 1: unknown kind "element-removd" (did you mean "element-removed"?)`},
		{"unknown rule", []string{"diff", "--baseline", unknownRule, simBase, simFault}, `line 1: unknown rule "schema.unknown-elemnt" (did you mean "schema.unknown-element"?)`},
		{"bad format", []string{"diff", "--format", "html", simBase, simFault}, `--format "html": want text, md, json or github`},
	})
}

func TestDiffFailOnWarning(t *testing.T) {
	dir := t.TempDir()
	f, err := os.Open(simBase)
	if err != nil {
		t.Fatal(err)
	}
	r, err := reports.Read(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	r.Scenarios[1].Steps[0].Status = 203 // same class: a warning
	warned := filepath.Join(dir, "warned.json")
	w, _ := os.Create(warned)
	if err := reports.Write(w, r); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if code, out, _ := ovcompat(t, "diff", simBase, warned); code != 0 {
		t.Errorf("a warning fails the default breaking gate: exit %d\n%s", code, out)
	}
	if code, out, _ := ovcompat(t, "diff", "--fail-on", "warning", simBase, warned); code != 1 || !strings.Contains(out, "status-changed") {
		t.Errorf("--fail-on warning: exit %d\n%s", code, out)
	}
}
