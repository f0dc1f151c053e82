package generate_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ovcompat/ovcompat/crawl"
	"github.com/ovcompat/ovcompat/fixtures/target"
	"github.com/ovcompat/ovcompat/replay"
	"github.com/ovcompat/ovcompat/reports"
	"github.com/ovcompat/ovcompat/scenario"
	"github.com/ovcompat/ovcompat/schema"
	"github.com/ovcompat/ovcompat/sim"
)

// simGaps are the steps that fail against the simulator: where the
// simulator differs from a real engine (written up in
// /work/team/NOTES-sim.md), or where the scenario asks what an engine
// refuses too (written up for the generator in NOTES-crawl.md). The test
// fails when one of them passes (the list stays true) or another step fails.
func simGaps() map[string]string {
	return map[string]string{}
}

// replayed runs scenarios against a fresh simulator.
func replayed(t testing.TB, scs []*scenario.Scenario, inject, labels string) *reports.Results {
	t.Helper()
	tg, err := target.Start(target.Options{Inject: inject, InjectSeed: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	sender, err := tg.Sender()
	if err != nil {
		t.Fatal(err)
	}
	filter, err := replay.ParseFilter(labels)
	if err != nil {
		t.Fatal(err)
	}
	r, err := replay.New(replay.Options{Sender: sender, Target: tg.URL, PollInterval: 20 * time.Millisecond, Filter: filter})
	if err != nil {
		t.Fatal(err)
	}
	return r.Run(context.Background(), &scenario.Loaded{Scenarios: scs})
}

// TestGeneratedAgainstSimulator: the generated scenarios, replayed against
// the simulator, pass step by step (the simulator's known gaps aside),
// those of impact infrastructure too when asked for; with a crawl they
// exercise nine routes of ten of the model with a passing step (the
// routes they miss are logged, with the generator's reason).
func TestGeneratedAgainstSimulator(t *testing.T) {
	gen := generated(t)
	res := replayed(t, gen.Scenarios, "", "")
	infra := replayed(t, gen.Scenarios, "", "impact=infrastructure")
	if n := infra.Count().Scenarios; n.Pass+n.Fail+n.Error+n.Warn == 0 {
		t.Error("no scenario of impact infrastructure ran")
	}
	gaps := simGaps()
	for _, sc := range append(res.Scenarios, infra.Scenarios...) {
		for _, st := range sc.Steps {
			key := sc.Name + " step " + itoa(st.Index+1)
			bad := st.Outcome == reports.Fail || st.Outcome == reports.Error
			switch _, known := gaps[key]; {
			case bad && !known:
				t.Errorf("%s (%s %s): %s %s %+v %+v", key, st.Method, st.Path, st.Outcome, st.Error, st.Violations, st.Differences)
			case !bad && known && st.Outcome != reports.Skip:
				t.Errorf("%s passes now: take it off simGaps and NOTES-sim.md", key)
			}
		}
	}
	tg, err := target.Start(target.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	client, _, err := tg.Clients()
	if err != nil {
		t.Fatal(err)
	}
	c, err := crawl.New(crawl.Options{Client: client, Rate: -1})
	if err != nil {
		t.Fatal(err)
	}
	crawled, err := c.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	union := passed(res)
	for _, more := range []*reports.Results{infra, crawled.Results} {
		for r := range passed(more) {
			union[r] = true
		}
	}
	routes := gen.Routes
	why := map[string]string{}
	for _, g := range gen.Gaps {
		why[g.Route] = g.Why
	}
	var left []string
	for _, r := range modelRoutes(t) {
		if !union[r] {
			left = append(left, r+": "+why[r])
		}
	}
	if (routes-len(left))*10 < routes*9 {
		t.Errorf("crawl and generated scenarios exercise %d of %d routes with a passing step, want 90%% or more", routes-len(left), routes)
	}
	t.Logf("generated: %d routes (%d in those of impact infrastructure), crawl: %d, together %d of %d with a passing step; not exercised:\n%s",
		len(passed(res)), len(passed(infra)), len(passed(crawled.Results)), routes-len(left), routes, strings.Join(left, "\n"))
}

// passed lists the routes of the steps of res that passed.
func passed(res *reports.Results) map[string]bool {
	out := map[string]bool{}
	for _, sc := range res.Scenarios {
		for _, st := range sc.Steps {
			if st.Route != "" && st.Outcome == reports.Pass {
				out[st.RouteKey()] = true
			}
		}
	}
	return out
}

// modelRoutes lists the routes of the model, as results key them.
func modelRoutes(t testing.TB) []string {
	m, err := schema.V4()
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range m.Routes().All() {
		out = append(out, r.String())
	}
	return out
}

// TestGeneratedFindFaults: against a simulator that corrupts its answers,
// the generated scenarios fail with the finding the simulator's fault
// table names (drop-links, a difference from a recorded body, is the
// crawled scenarios' to find: generated ones record no bodies).
func TestGeneratedFindFaults(t *testing.T) {
	gen := generated(t, "bookmarks", "vms")
	for _, k := range sim.FaultKinds() {
		if k.Rule == "" && k.Difference == "" || k.Name == sim.FaultDropLinks {
			continue
		}
		t.Run(k.Name, func(t *testing.T) {
			res := replayed(t, gen.Scenarios, k.Name+":0.3", "")
			if o := res.Count().Outcome; string(o) != k.Outcome {
				t.Errorf("outcome %s, want %s", o, k.Outcome)
			}
			if !found(res, k.Rule, k.Severity) && !found(res, k.Difference, k.Grade) {
				t.Errorf("neither %s %s nor %s %s in any step", k.Severity, k.Rule, k.Grade, k.Difference)
			}
		})
	}
}

// found reports whether a step of res has a violation of rule (or a
// difference of kind) with that severity (grade).
func found(res *reports.Results, what, level string) bool {
	if what == "" {
		return false
	}
	for _, sc := range res.Scenarios {
		for _, st := range sc.Steps {
			for _, v := range st.Violations {
				if v.Rule == what && string(v.Severity) == level {
					return true
				}
			}
			for _, d := range st.Differences {
				if d.Kind == what && string(d.Grade) == level {
					return true
				}
			}
		}
	}
	return false
}

func itoa(i int) string { return strconv.Itoa(i) }
