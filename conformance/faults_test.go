package conformance_test

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/fixtures/target"
	"github.com/ovcompat/ovcompat/reports"
)

// TestSuiteFaults runs the Ginkgo suite itself (this test binary, in a
// child process) against the in-process simulator injecting each fault,
// and asserts how it ends: the spec where the run first stops conforming,
// its finding and outcome in results.json, and the suite's verdict (a
// harness error is reported as one, not as the engine's failure).
func TestSuiteFaults(t *testing.T) {
	if f := flag.Lookup("target"); f != nil && f.Value.String() != "" {
		t.Skip("the self-test runs against the in-process simulator only")
	}
	if os.Getenv("OVCOMPAT_SUITE_CHILD") != "" {
		t.Skip("child process")
	}
	if testing.Short() {
		t.Skip("runs the suite nine times")
	}
	for _, tt := range target.Expectations() {
		t.Run(tt.Fault, func(t *testing.T) {
			out := t.TempDir()
			cmd := exec.Command(os.Args[0], "-test.run=^TestConformance$", "-inject="+tt.Fault, "-out="+out, "-ginkgo.no-color")
			cmd.Env = append(os.Environ(), "OVCOMPAT_SUITE_CHILD=1")
			stdout, err := cmd.CombinedOutput()
			if (err == nil) != (tt.Outcome == "pass") {
				t.Errorf("suite exit %v, want success only when the run passes\n%s", err, tail(stdout))
			}
			f, err := os.Open(filepath.Join(out, "results.json"))
			if err != nil {
				t.Fatalf("%v\n%s", err, tail(stdout))
			}
			defer f.Close()
			res, err := reports.Read(f)
			if err != nil {
				t.Fatal(err)
			}
			if msg := tt.Check(res); msg != "" {
				t.Error(msg)
			}
			// The suite writes every file of reports.Formats(), its JUnit
			// in the shape ovcompat replay writes (one case per step).
			for _, f := range reports.Formats() {
				if st, err := os.Stat(filepath.Join(out, f.File)); err != nil || st.Size() == 0 {
					t.Errorf("the suite did not write %s: %v", f.File, err)
				}
			}
			var junit bytes.Buffer
			if err := reports.WriteJUnit(&junit, res); err != nil {
				t.Fatal(err)
			}
			if got, err := os.ReadFile(filepath.Join(out, "junit.xml")); err != nil || !bytes.Equal(got, junit.Bytes()) {
				t.Errorf("the suite's junit.xml is not reports.WriteJUnit of its results.json (%v)", err)
			}
			want := map[string]string{"fail": "the engine does not conform", "error": "harness error (not the engine)"}[tt.Outcome]
			if want != "" && !strings.Contains(string(stdout), want) {
				t.Errorf("the suite's output lacks %q\n%s", want, tail(stdout))
			}
		})
	}
}

func tail(b []byte) string {
	if len(b) > 3000 {
		return "..." + string(b[len(b)-3000:])
	}
	return string(b)
}

// TestSuiteTellsTheTruth: a suite that selects nothing, or cannot reach
// its target, fails saying why, instead of passing with every spec
// skipped.
func TestSuiteTellsTheTruth(t *testing.T) {
	if os.Getenv("OVCOMPAT_SUITE_CHILD") != "" {
		t.Skip("child process")
	}
	for _, tt := range []struct {
		name string
		args []string
		says string
	}{
		{"nothing selected", []string{"-labels=resource=vmz"}, "0 of 18 scenarios selected by --labels resource=vmz (resource labels here: "},
		{"target down", []string{"-target=http://127.0.0.1:1"}, "harness error: preflight (connect and sign in before any scenario): "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := t.TempDir()
			args := append([]string{"-test.run=^TestConformance$", "-out=" + out, "-ginkgo.no-color"}, tt.args...)
			cmd := exec.Command(os.Args[0], args...)
			cmd.Env = append(os.Environ(), "OVCOMPAT_SUITE_CHILD=1", "OVCOMPAT_PASSWORD=x")
			stdout, err := cmd.CombinedOutput()
			if err == nil || !strings.Contains(string(stdout), tt.says) {
				t.Errorf("suite exit %v, want a failure saying %q\n%s", err, tt.says, tail(stdout))
			}
		})
	}
}
