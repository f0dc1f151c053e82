package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/fixtures/target"
	"github.com/ovcompat/ovcompat/schema"
)

// simOf is simFor for a simulator serving an engine release.
func simOf(t *testing.T, release string) []string {
	t.Helper()
	r, err := schema.ResolveRelease(release)
	if err != nil {
		t.Fatal(err)
	}
	m, err := schema.ModelFor(r)
	if err != nil {
		t.Fatal(err)
	}
	tg, err := target.Start(target.Options{Model: m})
	if err != nil {
		t.Fatal(err)
	}
	return replayArgs(t, tg)
}

// TestUpgradeWithoutEngine is issue 13's item 7 end to end: the same
// scenarios replayed against simulators of two releases, then ovcompat
// diff, show an upgrade's effect with no engine at all. From engine 4.1 to
// 4.5.7 a VM gains <storage_error_resume_behaviour> (model 4.2) and the
// engine changes, nothing breaks; the other way round, the links and
// elements 4.1 lacks break the gate.
func TestUpgradeWithoutEngine(t *testing.T) {
	results := map[string]string{}
	for _, rel := range []string{"4.1", "4.5.7"} {
		out := t.TempDir()
		code, stdout, stderr := ovcompat(t, append(simOf(t, rel), "--out", out, "--labels", "resource=api")...)
		if code != exitOK && code != exitFindings {
			t.Fatalf("replay against a simulator of %s: exit %d\n%s%s", rel, code, stdout, stderr)
		}
		results[rel] = filepath.Join(out, "results.json")
	}
	code, stdout, stderr := ovcompat(t, "diff", results["4.1"], results["4.5.7"])
	if code != exitOK || !strings.Contains(stdout, "engine-changed") ||
		!strings.Contains(stdout, "element-added") || !strings.Contains(stdout, "/vms/vm/storage_error_resume_behaviour") {
		t.Errorf("upgrade 4.1 -> 4.5.7: exit %d, want 0 with the engine changed and the element 4.2 added\n%s%s", code, stdout, stderr)
	}
	code, stdout, stderr = ovcompat(t, "diff", results["4.5.7"], results["4.1"])
	if code != exitFindings || !strings.Contains(stdout, "breaking") {
		t.Errorf("downgrade 4.5.7 -> 4.1: exit %d, want %d with breaking changes\n%s%s", code, exitFindings, stdout, stderr)
	}
}
