package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/reports"
)

// TestDemo runs `ovcompat demo` end to end: simulator, proxy, bundled
// scenarios, reports; then the same against a simulator with faults.
func TestDemo(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := ovcompat(t, "demo", "--out", dir, "--no-progress")
	if code != 0 {
		t.Fatalf("demo: exit %d\n%s\n%s", code, out, errs)
	}
	for _, f := range []string{"report.html", "report.md", "junit.xml", "results.json", "violations.jsonl"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || (st.Size() == 0 && f != "violations.jsonl") {
			t.Errorf("%s: %v", f, err)
		}
	}
	res := loadResults(t, filepath.Join(dir, "results.json"))
	tot := res.Count()
	if tot.Steps.Fail+tot.Steps.Error != 0 || tot.Steps.Pass < 50 || tot.Scenarios.Pass < 11 {
		t.Errorf("clean demo totals: %+v", tot)
	}
	if !strings.Contains(out, "report: ") || !strings.Contains(out, "in engine responses: none") {
		t.Errorf("summary:\n%s", out)
	}

	broken := t.TempDir()
	code, out, _ = ovcompat(t, "demo", "--out", broken, "--inject", "broken", "--no-progress")
	if code != 1 {
		t.Fatalf("broken demo: exit %d, want 1\n%s", code, out)
	}
	res = loadResults(t, filepath.Join(broken, "results.json"))
	if res.Count().Steps.Fail == 0 || strings.Contains(out, "in engine responses: none") {
		t.Errorf("a simulator with faults must show failures:\n%s", out)
	}
	if code, _, errs := ovcompat(t, "demo", "--out", t.TempDir(), "--inject", "no-such-fault"); code != 2 || !strings.Contains(errs, "no-such-fault") {
		t.Errorf("unknown fault: exit %d %q", code, errs)
	}
}

func loadResults(t *testing.T, path string) *reports.Results {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res, err := reports.Read(f)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestExpectFindings: `make demo-broken` passes on findings (exit 1) only;
// a harness error keeps its own exit code, and no findings fails.
func TestExpectFindings(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	for _, tc := range []struct {
		exit, want int
		says       string
	}{
		{1, 0, "findings, as intended"},
		{2, 2, "harness error (exit 2), not findings"},
		{0, 1, "no findings (exit 0)"},
	} {
		cmd := exec.Command("sh", "../../scripts/expect-findings.sh", "sh", "-c", fmt.Sprintf("exit %d", tc.exit))
		out, _ := cmd.CombinedOutput()
		if got := cmd.ProcessState.ExitCode(); got != tc.want || !strings.Contains(string(out), tc.says) {
			t.Errorf("command exiting %d: exit %d, output %q; want %d and %q", tc.exit, got, out, tc.want, tc.says)
		}
	}
}
