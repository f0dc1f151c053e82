package generate_test

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/ovcompat/ovcompat/fixtures/target"
	"github.com/ovcompat/ovcompat/replay"
	"github.com/ovcompat/ovcompat/reports"
	"github.com/ovcompat/ovcompat/scenario"
)

// BenchmarkGenerated replays every generated scenario (those of impact
// infrastructure left out, as a run leaves them) against the bundled
// simulator (settling in 10ms, polls every 5ms) and reports the time per
// 1,000 steps. The baseline, measured in the same run (alternating with
// the replay), is as many plain GETs of the API's entry point (a 6 KB
// document, about the size of a generated step's answer) through the
// same client.
func BenchmarkGenerated(b *testing.B) {
	all := generated(b)
	loaded := &scenario.Loaded{Scenarios: all.Scenarios}
	tg, err := target.Start(target.Options{Settle: 10 * time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	defer tg.Close()
	sender, err := tg.Sender()
	if err != nil {
		b.Fatal(err)
	}
	r, err := replay.New(replay.Options{Sender: sender, Target: tg.URL, PollInterval: 5 * time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	steps := 0
	for _, sc := range all.Scenarios {
		if ok, _ := r.Pick(sc); ok {
			steps += sc.StepCount()
		}
	}
	plain := func() {
		for range steps {
			req, err := http.NewRequest(http.MethodGet, "/ovirt-engine/api", nil)
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
	// Baseline and replay alternate within each iteration, so that a
	// machine busy with other work slows both alike.
	var base, gen time.Duration
	for range b.N {
		t0 := time.Now()
		plain()
		t1 := time.Now()
		res := r.Run(context.Background(), loaded)
		gen += time.Since(t1)
		base += t1.Sub(t0)
		if c := res.Count(); c.Steps.Pass < steps/2 || c.Outcome == reports.Skip {
			b.Fatalf("the generated scenarios did not run: %+v", c.Steps)
		}
	}
	b.ReportMetric(gen.Seconds()*1000/float64(steps*b.N), "s/1000steps")
	b.ReportMetric(base.Seconds()*1000/float64(steps*b.N), "baseline-s/1000steps")
	b.ReportMetric(float64(steps), "steps")
	b.ReportMetric(float64(gen)/float64(base), "x-baseline")
}
