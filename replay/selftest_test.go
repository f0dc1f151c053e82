package replay_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ovcompat/ovcompat/fixtures"
	"github.com/ovcompat/ovcompat/fixtures/target"
	"github.com/ovcompat/ovcompat/replay"
	"github.com/ovcompat/ovcompat/reports"
	"github.com/ovcompat/ovcompat/scenario"
)

// startTarget starts the bundled simulator with faults and returns a runner
// for it.
func startTarget(t testing.TB, inject string, o replay.Options) *replay.Runner {
	t.Helper()
	tg, err := target.Start(target.Options{Inject: inject, InjectSeed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tg.Close() })
	if o.Sender, err = tg.Sender(); err != nil {
		t.Fatal(err)
	}
	o.Target = tg.URL
	if o.PollInterval == 0 {
		o.PollInterval = 20 * time.Millisecond
	}
	r, err := replay.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func bundled(t testing.TB) *scenario.Loaded {
	t.Helper()
	l, err := scenario.LoadFS(fixtures.Scenarios(), ".")
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Errors) > 0 {
		t.Fatalf("bundled scenarios do not parse: %v", l.Errors)
	}
	return l
}

// TestSelfTest replays the bundled scenarios against the simulator they
// were recorded against: every step passes (or warns), none fails or errs.
func TestSelfTest(t *testing.T) {
	res := startTarget(t, "", replay.Options{}).Run(context.Background(), bundled(t))
	for _, sc := range res.Scenarios {
		for _, st := range sc.Steps {
			if st.Outcome == reports.Fail || st.Outcome == reports.Error {
				t.Errorf("%s step %d (%s): %s %s\n  violations %+v\n  differences %+v", sc.Name, st.Index+1, st.Name, st.Outcome, st.Error, st.Violations, st.Differences)
			}
		}
	}
	if o := res.Count().Outcome; o != reports.Pass && o != reports.Warn {
		t.Errorf("run outcome %s", o)
	}
	if n := res.Count().Steps.Total(); n < 50 {
		t.Errorf("%d steps replayed, want the bundled ones (50 or more)", n)
	}
}

// TestSelfTestFaults replays the bundled scenarios against the simulator
// injecting each fault of its README's table, and asserts where the run
// first stops conforming, with which finding, and how the run ends: an
// engine fault is a fail, a broken connection an error of the harness, and
// a slow engine no finding at all.
func TestSelfTestFaults(t *testing.T) {
	tests := []struct {
		fault    string
		scenario string
		step     int    // index of the first step that does not pass
		finding  string // a rule (violation of severity error) or a difference kind
		grade    string // the difference's grade, or the violation's severity
		outcome  reports.Outcome
	}{
		{"drop-links", "api-entry-point", 1, replay.KindActionRemoved, "breaking", reports.Fail},
		{"wrong-type", "api-entry-point", 1, "schema.invalid-value", "error", reports.Fail},
		{"bad-enum", "auth-token-basic", 1, "schema.unknown-enum", "error", reports.Fail},
		{"unknown-element", "api-entry-point", 1, "schema.unknown-element", "error", reports.Fail},
		{"no-location", "vm-disk-attachments", 0, "rest.location-on-create", "error", reports.Fail},
		{"wrong-status", "vm-disk-attachments", 0, "rest.status", "error", reports.Fail},
		{"wrong-content-type", "api-entry-point", 0, replay.KindMediaTypeChanged, "breaking", reports.Fail},
		{"slow", "", 0, "", "", reports.Pass},
		{"reset", "api-entry-point", 1, "", "", reports.Error},
	}
	for _, tt := range tests {
		t.Run(tt.fault, func(t *testing.T) {
			res := startTarget(t, tt.fault, replay.Options{}).Run(context.Background(), bundled(t))
			if got := res.Count().Outcome; got != tt.outcome {
				t.Errorf("run outcome %s, want %s", got, tt.outcome)
			}
			sc, st := firstBad(res)
			if tt.scenario == "" {
				if st != nil {
					t.Errorf("%s step %d: %s, want no finding", sc.Name, st.Index, st.Outcome)
				}
				return
			}
			if st == nil {
				t.Fatalf("every step passed, want %s in %s step %d", tt.finding, tt.scenario, tt.step)
			}
			if sc.Name != tt.scenario || st.Index != tt.step || st.Outcome != tt.outcome {
				t.Errorf("first finding in %s step %d (%s), want %s step %d (%s)", sc.Name, st.Index, st.Outcome, tt.scenario, tt.step, tt.outcome)
			}
			if tt.finding != "" && !has(st, tt.finding, tt.grade) {
				t.Errorf("%s step %d lacks %s %s: %+v %+v", sc.Name, st.Index, tt.grade, tt.finding, st.Violations, st.Differences)
			}
			if tt.outcome == reports.Error && !strings.Contains(st.Error, "step 2 (GET /): target:") {
				t.Errorf("harness error does not name the step and the target: %q", st.Error)
			}
			// The run goes on: every scenario ran to its end.
			for _, s := range res.Scenarios {
				for _, x := range s.Steps {
					if x.SkipReason == "not run" {
						t.Errorf("%s step %d never ran", s.Name, x.Index)
					}
				}
			}
		})
	}
}

func firstBad(res *reports.Results) (*reports.Scenario, *reports.Step) {
	for i := range res.Scenarios {
		sc := &res.Scenarios[i]
		for j := range sc.Steps {
			if o := sc.Steps[j].Outcome; o == reports.Fail || o == reports.Error {
				return sc, &sc.Steps[j]
			}
		}
	}
	return nil, nil
}

func has(st *reports.Step, finding, grade string) bool {
	for _, v := range st.Violations {
		if v.Rule == finding && string(v.Severity) == grade {
			return true
		}
	}
	for _, d := range st.Differences {
		if d.Kind == finding && string(d.Grade) == grade {
			return true
		}
	}
	return false
}
