package lint

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rhysd/actionlint"
)

const workflows = "../github-actions/*.yml"

// shellcheck is the shellcheck executable actionlint runs on every run:
// script, or "" where it is not installed.
func shellcheck(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("shellcheck")
	if err != nil {
		t.Log("shellcheck is not installed (Debian: apt-get install shellcheck): run: scripts are not checked")
		return ""
	}
	return path
}

func workflowFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(workflows)
	if err != nil || len(files) == 0 {
		t.Fatalf("no workflow matches %s (%v)", workflows, err)
	}
	return files
}

// TestWorkflowActionlint: every workflow recipe passes actionlint, the
// checker GitHub Actions users run (syntax, expressions and their types,
// permissions, runner labels, script injection), and its scripts pass
// shellcheck where it is installed.
func TestWorkflowActionlint(t *testing.T) {
	errs, err := Workflow(shellcheck(t), workflowFiles(t)...)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range errs {
		t.Errorf("%s [%s]", e, e.Kind)
	}
}

// TestWorkflowActionlintCatches: the same check refuses a copy of the
// workflow spoiled in one place, so TestWorkflowActionlint's pass means
// something. Each case names the actionlint rule that must report it.
func TestWorkflowActionlintCatches(t *testing.T) {
	src, err := os.ReadFile(workflowFiles(t)[0])
	if err != nil {
		t.Fatal(err)
	}
	sc := shellcheck(t)
	cases := []struct {
		name, old, new, kind string
		needsShellcheck      bool
	}{
		{"bad permission value", "contents: read", "contents: raed", "permissions", false},
		{"unknown runner", "runs-on: ubuntu-latest", "runs-on: ubuntu-lastest", "runner-label", false},
		{"undefined context property", "github.event_name", "github.evnt_name", "expression", false},
		{"untrusted input in a script", `TARGET="$TARGET"`, `TARGET="${{ github.head_ref }}"`, "expression", false},
		{"step output never set", "steps.last-good.outputs.found", "steps.last-gud.outputs.found", "expression", false},
		{"unquoted variable in a script", `printf '%s\n' "$OVIRT_ENGINE_CA"`, `printf '%s\n' $OVIRT_ENGINE_CA`, "shellcheck", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.needsShellcheck && sc == "" {
				t.Skip("shellcheck is not installed (Debian: apt-get install shellcheck)")
			}
			if !strings.Contains(string(src), c.old) {
				t.Fatalf("the workflow no longer contains %q: update the case", c.old)
			}
			spoiled := filepath.Join(t.TempDir(), "conformance.yml")
			if err := os.WriteFile(spoiled, []byte(strings.Replace(string(src), c.old, c.new, 1)), 0o600); err != nil {
				t.Fatal(err)
			}
			errs, err := Workflow(sc, spoiled)
			if err != nil {
				t.Fatal(err)
			}
			if !hasKind(errs, c.kind) {
				t.Errorf("actionlint did not report [%s]; it reported %v", c.kind, errs)
			}
		})
	}
}

func hasKind(errs []*actionlint.Error, kind string) bool {
	for _, e := range errs {
		if e.Kind == kind {
			return true
		}
	}
	return false
}
