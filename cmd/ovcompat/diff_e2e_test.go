package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ovcompat/ovcompat/engine"
	"github.com/ovcompat/ovcompat/fixtures"
	"github.com/ovcompat/ovcompat/fixtures/target"
	"github.com/ovcompat/ovcompat/replay"
	"github.com/ovcompat/ovcompat/reports"
	"github.com/ovcompat/ovcompat/scenario"
)

// replaySim replays the bundled scenarios against the simulator, injecting
// faults (sim --inject syntax; "" for none), and writes results.json.
func replaySim(t *testing.T, inject, path string) *reports.Results {
	t.Helper()
	tg, err := target.Start(target.Options{Inject: inject, InjectSeed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tg.Close() })
	token, basic, err := tg.Clients()
	if err != nil {
		t.Fatal(err)
	}
	r, err := replay.New(replay.Options{
		Sender:           replay.Engine{Default: token, Token: token, Basic: basic, NoAuth: engine.NoAuth},
		Target:           tg.URL,
		PollInterval:     20 * time.Millisecond,
		ToolVersion:      "test",
		LeaveOutRecorded: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := scenario.LoadFS(fixtures.Scenarios(), ".")
	if err != nil {
		t.Fatal(err)
	}
	res := r.Run(context.Background(), loaded)
	var buf bytes.Buffer
	if err := reports.Write(&buf, res); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return res
}

// TestDiffSimulatorFault is the acceptance test of ovcompat diff end to end:
// a replay against the simulator and one against the simulator injecting a
// breaking fault (drop-links: actions and links vanish). The diff exits 1
// with --fail-on breaking and names the change; with those findings in
// --baseline it exits 0 and lists them as accepted.
func TestDiffSimulatorFault(t *testing.T) {
	if testing.Short() {
		t.Skip("replays the bundled scenarios twice")
	}
	dir := t.TempDir()
	basePath, faultPath := filepath.Join(dir, "base.json"), filepath.Join(dir, "fault.json")
	base := replaySim(t, "", basePath)
	fault := replaySim(t, "drop-links", faultPath)

	code, out, stderr := ovcompat(t, "diff", "--fail-on", "breaking", basePath, faultPath)
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, stderr)
	}
	if !strings.Contains(out, "breaking "+replay.KindActionRemoved+": ") || !strings.Contains(out, "GET /vms at /vms/vm[*]/actions/link[*]") {
		t.Errorf("the diff does not name the removed actions, grouped by route and location:\n%s", out)
	}
	// One fault is one screen (it was 6,569 lines, one per change).
	if n := strings.Count(out, "\n"); n > 60 {
		t.Errorf("the diff of one injected fault is %d lines:\n%s", n, out)
	}

	// The baseline accepts the breaking findings as people write them: by
	// kind or rule, and route.
	var bl []map[string]string
	seen := map[string]bool{}
	for _, c := range reports.Compare(base, fault, nil).Failing(reports.Breaking) {
		e := map[string]string{"route": c.Route, "reason": "drop-links is injected on purpose"}
		if c.Rule != "" {
			e["rule"] = c.Rule
		} else {
			e["kind"] = c.Kind
		}
		if k := e["rule"] + e["kind"] + " " + e["route"]; !seen[k] {
			seen[k] = true
			bl = append(bl, e)
		}
	}
	t.Logf("baseline of %d entries", len(bl))
	data, err := yaml.Marshal(bl)
	if err != nil {
		t.Fatal(err)
	}
	baseline := filepath.Join(dir, "accepted.yaml")
	if err := os.WriteFile(baseline, data, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, stderr = ovcompat(t, "diff", "--fail-on", "breaking", "--baseline", baseline, basePath, faultPath)
	if code != 0 {
		t.Fatalf("with the findings in the baseline: exit %d, want 0\n%s%s", code, out, stderr)
	}
	// Accepted changes are summarised by the entry that accepted them:
	// thousands of changes, one line (and its reason) per entry.
	_, accepted, ok := strings.Cut(out, "accepted by the baseline:")
	if !ok || !strings.Contains(accepted, "kind "+replay.KindActionRemoved+", route GET /vms: accepted ") || !strings.Contains(accepted, "drop-links is injected on purpose") {
		t.Errorf("the accepted findings are not summarised by baseline entry:\n%s", out)
	}
	if n := strings.Count(out, "\n"); n > 3*len(bl)+20 {
		t.Errorf("with every change accepted the diff is still %d lines", n)
	}
	t.Logf("diff with the baseline:\n%.3000s", out)
}
