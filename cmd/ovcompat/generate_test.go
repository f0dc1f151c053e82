package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGenerateCommand: generate writes scenarios that replay runs like any
// other, and refuses a resource the model lacks.
func TestGenerateCommand(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := ovcompat(t, "generate", "--out", dir, "--resources", "bookmarks,tags")
	if code != exitOK || !strings.Contains(stdout, "scenarios, ") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	for _, f := range []string{"gen-bookmarks.yaml", "gen-bookmarks-checks.yaml", "gen-tags.yaml"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	out := t.TempDir()
	code, stdout, stderr = ovcompat(t, append(simFor(t, ""), "--out", out, "--scenarios", dir)...)
	r := readResultsFile(t, out)
	if code != exitOK || r.Totals.Steps.Pass < 30 || r.Totals.Outcome != "pass" {
		t.Errorf("replay of generated scenarios: exit %d, totals %+v\n%s\n%s", code, r.Totals, stdout, stderr)
	}
	if code, _, stderr := ovcompat(t, "generate", "--out", dir, "--resources", "vmz"); code != exitUsage || !strings.Contains(stderr, `resource "vmz"`) {
		t.Errorf("unknown resource: exit %d, %s", code, stderr)
	}
}
