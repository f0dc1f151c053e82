package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ovcompat/ovcompat/crawl"
	"github.com/ovcompat/ovcompat/fixtures/target"
	"github.com/ovcompat/ovcompat/internal/syncbuf"
	"github.com/ovcompat/ovcompat/reports"
)

// watched is the simulator behind a front that notes, for every request
// to the API, its resource and how many lines standard error held when it
// came.
type watched struct {
	next   http.Handler
	stderr *syncbuf.Buffer

	mu   sync.Mutex
	seen []watchedRequest
}

type watchedRequest struct {
	resource string
	lines    int
}

func (w *watched) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/ovirt-engine/api") {
		lines := strings.Count(w.stderr.String(), "\n")
		w.mu.Lock()
		w.seen = append(w.seen, watchedRequest{reports.ResourceOf(r.URL.Path), lines})
		w.mu.Unlock()
	}
	w.next.ServeHTTP(rw, r)
}

// TestCrawlCommand: a crawl of the simulator writes the usual outputs, the
// scenarios, and a results.json whose coverage says of every GET route
// whether it was reached. When standard error is no terminal, a line per
// scenario goes there as it finishes: the line replay prints, each
// scenario once, after the last request of its resource and before the
// next request, most of them while the crawl goes on; then standard
// output has the per-scenario table and the report's path. --no-progress
// silences standard error; --max-requests bounds the crawl, and its
// crawled scenarios replay.
func TestCrawlCommand(t *testing.T) {
	tg, err := target.Start(target.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	var stdout strings.Builder
	stderr := &syncbuf.Buffer{}
	front := &watched{next: tg.Engine, stderr: stderr}
	srv := httptest.NewServer(front)
	defer srv.Close()
	t.Setenv("OVCOMPAT_PASSWORD", tg.AdminPassword)
	out := t.TempDir()
	if code := run(context.Background(), []string{"crawl", "--target", srv.URL, "--out", out, "--rate", "100000"}, &stdout, stderr); code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, stdout.String(), stderr)
	}
	r := readOutputs(t, out)
	if reached, total := r.Coverage.Reached(); r.Run.Kind != "crawl" || total != 411 || reached != total {
		t.Errorf("results: run %+v reach %d of %d", r.Run, reached, total)
	}
	want := map[string]reports.Scenario{}
	for _, sc := range r.Scenarios {
		want[sc.Name] = sc
		if line := reports.ScenarioLine(&sc); !strings.Contains(stdout.String(), withoutDuration(line)) {
			t.Errorf("summary lacks %q:\n%s", line, stdout.String())
		}
	}
	if !strings.Contains(stdout.String(), "report: ") || !strings.Contains(stdout.String(), "GET routes reached") {
		t.Errorf("summary: %s", stdout.String())
	}
	lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
	told := map[string]int{} // scenario -> its line's index
	for i, line := range lines {
		if strings.HasPrefix(line, "crawl: ") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 2 {
			t.Errorf("stderr line %d: %q is neither a scenario's nor a heartbeat", i, line)
			continue
		}
		sc, ok := want[f[1]]
		_, twice := told[f[1]]
		switch {
		case !ok:
			t.Errorf("stderr line %d: %q names no scenario of the results", i, line)
		case twice:
			t.Errorf("stderr line %d: %s again", i, f[1])
		case withoutDuration(line) != withoutDuration(reports.ScenarioLine(&sc)):
			t.Errorf("stderr line %d: %q, the results say %q", i, line, reports.ScenarioLine(&sc))
		}
		told[f[1]] = i
	}
	if len(told) != len(want) {
		t.Errorf("stderr told of %d scenarios, the results have %d:\n%s", len(told), len(want), stderr)
	}
	front.mu.Lock()
	seen := front.seen
	front.mu.Unlock()
	early := 0
	for name, at := range told {
		res := strings.TrimPrefix(name, "crawl-")
		if name == "crawl-entry-point" {
			res = "/"
		}
		last := -1
		for i, s := range seen {
			if s.resource != res {
				continue
			}
			last = i
			if s.lines > at {
				t.Errorf("request %d of %s came after its line (%d)", i, name, at)
			}
		}
		if last+1 < len(seen) {
			early++
			if next := seen[last+1].lines; next <= at {
				t.Errorf("%s: request %d, the one after its last, came before its line (%d lines of stderr, its is %d)", name, last+1, next, at)
			}
		}
	}
	t.Logf("%d of %d scenario lines written before the crawl's last request; stderr:\n%s", early, len(told), stderr)
	if early*2 < len(told) {
		t.Errorf("%d of %d scenario lines written before the crawl's last request, want half or more", early, len(told))
	}

	out = t.TempDir()
	code, quiet, errs := ovcompat(t, "crawl", "--target", tg.URL, "--out", out, "--rate", "100000", "--max-requests", "250", "--no-progress")
	if code != exitOK || errs != "" {
		t.Fatalf("--no-progress: exit %d, stderr %q\n%s", code, errs, quiet)
	}
	r = readOutputs(t, out)
	budget := false
	for _, rc := range r.Coverage.Resources {
		for _, rr := range rc.Reach {
			budget = budget || rr.Why == reports.BudgetSpent
		}
	}
	if r.Totals.Steps.Total() != 250 || !budget {
		t.Errorf("a crawl of 250 requests: %d steps, a route left to the budget: %t", r.Totals.Steps.Total(), budget)
	}
	code, replayed, errs := ovcompat(t, "replay", "--target", tg.URL, "--out", t.TempDir(), "--scenarios", filepath.Join(out, "scenarios"), "--no-progress")
	if code != exitOK || !strings.Contains(replayed, "250 pass") {
		t.Errorf("replay of the crawled scenarios: exit %d\n%s\n%s", code, replayed, errs)
	}
}

// withoutDuration drops a scenario line's rounded duration, its last
// field: the results keep durations to the millisecond.
func withoutDuration(line string) string {
	line = strings.TrimRight(line, " ")
	if i := strings.LastIndexByte(line, ' '); i >= 0 {
		return strings.TrimRight(line[:i], " ")
	}
	return line
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

// TestCrawlProgressOnTerminal: on a terminal the crawl's line is redrawn
// in place, never wider than the terminal (so it never wraps), with the
// end of the path just requested where there is room, no scenario lines,
// and a newline at the end.
func TestCrawlProgressOnTerminal(t *testing.T) {
	for _, width := range []int{80, 140} {
		var b strings.Builder
		p := &crawlProgress{w: &b, on: true, terminal: true, width: width}
		p.step(crawl.Progress{Requests: 300, MaxRequests: 10000, Reached: 299, Routes: 411, Finished: 4, Queued: 403,
			Path: "/ovirt-engine/api/users/35d74061-a363-450e-a041-d65b27884b7a/permits"})
		p.scenario(reports.Scenario{Name: "crawl-vms", Outcome: reports.Pass})
		p.done()
		out := b.String()
		line := strings.TrimSuffix(strings.TrimPrefix(out, "\r"), "\n")
		if n := len([]rune(line)); n != width-1 || strings.ContainsAny(line, "\r\n") || !strings.HasSuffix(out, "\n") {
			t.Errorf("width %d: %d columns: %q", width, n, out)
		}
		if width > 100 && !strings.Contains(line, "/permits") {
			t.Errorf("width %d: no end of the path: %q", width, line)
		}
	}
}
