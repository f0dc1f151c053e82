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

// TestGenerateForRelease: --engine-version generates from that release's
// model (VM backups came with 4.4: none for 4.2), names it, and refuses
// auto (there is no engine to ask) and a name that is no release.
func TestGenerateForRelease(t *testing.T) {
	dir := t.TempDir()
	code, stdout, stderr := ovcompat(t, "generate", "--out", dir, "--resources", "vms", "--engine-version", "4.2")
	if code != exitOK || !strings.Contains(stdout, "engine 4.2.8.9 (as 4.2), model 4.2.37") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "gen-vms.yaml")); err != nil {
		t.Error(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "gen-vms-backups.yaml")); err == nil {
		t.Error("scenarios of VM backups for 4.2, whose model has none")
	}
	newest := t.TempDir()
	if code, stdout, stderr := ovcompat(t, "generate", "--out", newest, "--resources", "vms"); code != exitOK || !strings.Contains(stdout, "model 4.6.1") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(newest, "gen-vms-backups.yaml")); err != nil {
		t.Error(err)
	}
	for _, bad := range []string{"auto", "3.6", "vms"} {
		if code, _, stderr := ovcompat(t, "generate", "--out", dir, "--engine-version", bad); code != exitUsage || !strings.Contains(stderr, "--engine-version") {
			t.Errorf("--engine-version %s: exit %d, %s", bad, code, stderr)
		}
	}
}
