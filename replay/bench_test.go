package replay_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ovcompat/ovcompat/fixtures/target"
	"github.com/ovcompat/ovcompat/replay"
	"github.com/ovcompat/ovcompat/reports"
	"github.com/ovcompat/ovcompat/scenario"
)

// thousandSteps repeats the bundled simulator scenarios until they hold
// 1,000 steps or more, cleanup steps included.
func thousandSteps(b *testing.B) (*scenario.Loaded, int) {
	var sim []*scenario.Scenario
	for _, sc := range bundled(b).Scenarios {
		if sc.Labels.Source == scenario.SourceSimulator {
			sim = append(sim, sc)
		}
	}
	l, n := &scenario.Loaded{}, 0
	for round := 1; n < 1000; round++ {
		for _, sc := range sim {
			l.Scenarios = append(l.Scenarios, renamed(sc, round))
			n += sc.StepCount()
		}
	}
	return l, n
}

// renamed copies sc, giving what it creates names of its own (ovc3-crud),
// so that copies running at once do not conflict.
func renamed(sc *scenario.Scenario, round int) *scenario.Scenario {
	cp := *sc
	cp.Name = fmt.Sprintf("%s-%d", sc.Name, round)
	rename := func(steps []scenario.Step) []scenario.Step {
		out := append([]scenario.Step(nil), steps...)
		for i := range out {
			out[i].Request.Body = strings.ReplaceAll(out[i].Request.Body, "ovc-", fmt.Sprintf("ovc%d-", round))
		}
		return out
	}
	cp.Steps, cp.Cleanup = rename(sc.Steps), rename(sc.Cleanup)
	return &cp
}

// BenchmarkReplay replays 1,000 steps and more against the simulator
// (settling in 10ms, polls every 5ms), one scenario at a time and four at
// once, and reports the time per 1,000 steps (target: 10 s or less). The
// baseline is the same number of plain GETs of the VM collection through
// the same client, measured in the same run: replay-to-baseline is the
// cost of checking and comparing every step.
func BenchmarkReplay(b *testing.B) {
	loaded, steps := thousandSteps(b)
	tg, err := target.Start(target.Options{Settle: 10 * time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	defer tg.Close()
	sender, err := tg.Sender()
	if err != nil {
		b.Fatal(err)
	}
	var base time.Duration
	b.Run("baseline-get", func(b *testing.B) {
		start := time.Now()
		for range b.N {
			for range steps {
				req, err := http.NewRequest(http.MethodGet, "/ovirt-engine/api/vms", nil)
				if err != nil {
					b.Fatal(err)
				}
				resp, err := sender.Send(context.Background(), req, scenario.RoleAdmin, "")
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		}
		base = time.Since(start) / time.Duration(b.N)
		b.ReportMetric(base.Seconds()*1000/float64(steps), "s/1000steps")
	})
	for _, par := range []int{1, 4} {
		b.Run("replay-parallel-"+string(rune('0'+par)), func(b *testing.B) {
			r, err := replay.New(replay.Options{Sender: sender, Target: tg.URL, PollInterval: 5 * time.Millisecond, Parallel: par})
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			for range b.N {
				res := r.Run(context.Background(), loaded)
				if t := res.Count(); t.Steps.Fail+t.Steps.Error > 0 {
					for _, sc := range res.Scenarios {
						for _, st := range sc.Steps {
							if st.Outcome == reports.Fail || st.Outcome == reports.Error {
								b.Logf("%s %d %s %s %+v %+v", sc.Name, st.Index, st.Name, st.Error, st.Violations, st.Differences)
							}
						}
					}
					b.Fatalf("%d steps failed, %d erred", t.Steps.Fail, t.Steps.Error)
				}
			}
			per := time.Since(start) / time.Duration(b.N)
			b.ReportMetric(per.Seconds()*1000/float64(steps), "s/1000steps")
			if base > 0 {
				b.ReportMetric(float64(per)/float64(base), "x-baseline")
			}
		})
	}
}
