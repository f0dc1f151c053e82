package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/fixtures/target"
	"github.com/ovcompat/ovcompat/reports"
)

// TestCrawlCommand: a crawl of the simulator writes the usual outputs, the
// scenarios, and a results.json whose coverage says of every GET route
// whether it was reached; progress goes to standard error one line per
// hundred requests when it is no terminal; the crawled scenarios replay.
func TestCrawlCommand(t *testing.T) {
	tg, err := target.Start(target.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	t.Setenv("OVCOMPAT_PASSWORD", tg.AdminPassword)
	out := t.TempDir()
	code, stdout, stderr := ovcompat(t, "crawl", "--target", tg.URL, "--out", out, "--rate", "100000", "--max-requests", "250")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	r := readOutputs(t, out)
	reached, total := r.Coverage.Reached()
	if r.Run.Kind != "crawl" || r.Totals.Steps.Total() != 250 || total != 411 || reached == 0 {
		t.Errorf("results: run %+v totals %+v reach %d of %d", r.Run, r.Totals, reached, total)
	}
	budget := false
	for _, rc := range r.Coverage.Resources {
		for _, rr := range rc.Reach {
			budget = budget || rr.Why == reports.BudgetSpent
		}
	}
	if !budget {
		t.Error("a crawl of 250 requests left no route to the budget")
	}
	if lines := strings.Count(stderr, "crawl: "); lines != 3 || !strings.Contains(stderr, "crawl: 200/250 requests") {
		t.Errorf("progress: want lines at 100, 200 and the end, got:\n%s", stderr)
	}
	if !strings.Contains(stdout, "GET routes reached") {
		t.Errorf("summary: %s", stdout)
	}
	code, stdout, stderr = ovcompat(t, "replay", "--target", tg.URL, "--out", t.TempDir(), "--scenarios", filepath.Join(out, "scenarios"), "--no-progress")
	if code != exitOK || !strings.Contains(stdout, "250 pass") {
		t.Errorf("replay of the crawled scenarios: exit %d\n%s\n%s", code, stdout, stderr)
	}
}

// TestCrawlEntryPointExits2: a target that refuses the password ends the
// crawl with one line and exit code 2.
func TestCrawlEntryPointExits2(t *testing.T) {
	tg, err := target.Start(target.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	t.Setenv("OVCOMPAT_PASSWORD", "wrong")
	code, stdout, stderr := ovcompat(t, "crawl", "--target", tg.URL, "--out", t.TempDir(), "--basic")
	if code != exitUsage || strings.Count(strings.TrimSpace(stderr), "\n") != 0 || !strings.Contains(stderr, "refused the credentials") {
		t.Errorf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
}
