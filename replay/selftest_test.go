package replay_test

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ovcompat/ovcompat/engine"
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
	o.LeaveOutRecorded = true // the bundled set's
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
	for _, tt := range target.Expectations() {
		t.Run(tt.Fault, func(t *testing.T) {
			res := startTarget(t, tt.Fault, replay.Options{}).Run(context.Background(), bundled(t))
			if msg := tt.Check(res); msg != "" {
				t.Error(msg)
			}
			if tt.Outcome == "error" {
				if _, st := target.FirstBad(res); st != nil && !strings.Contains(st.Error, "step 2 (GET /): target:") {
					t.Errorf("harness error does not name the step and the target: %q", st.Error)
				}
			}
		})
	}
}

// tokenCounter counts the SSO sign-ins that pass.
type tokenCounter struct {
	mu sync.Mutex
	n  int
}

func (c *tokenCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/sso/oauth/token") {
		c.mu.Lock()
		c.n++
		c.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(r)
}

// TestTokenRenewedMidRun replays the bundled scenarios against a simulator
// whose tokens expire after 100ms: the engine client signs in again when
// the engine answers 401, and the run conforms.
func TestTokenRenewedMidRun(t *testing.T) {
	tg, err := target.Start(target.Options{TokenTTL: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	counter := &tokenCounter{}
	cfg := tg.Config(tg.URL)
	cfg.Transport = counter
	token, basic, err := target.Clients(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r, err := replay.New(replay.Options{Sender: replay.Engine{Default: token, Token: token, Basic: basic, NoAuth: engine.NoAuth},
		PollInterval: 20 * time.Millisecond, LeaveOutRecorded: true})
	if err != nil {
		t.Fatal(err)
	}
	res := r.Run(context.Background(), bundled(t))
	if o := res.Count().Outcome; o != reports.Pass {
		_, st := target.FirstBad(res)
		t.Errorf("run outcome %s: %+v", o, st)
	}
	// Two roles sign in at first; every further sign-in is a renewal.
	if counter.n <= 2 {
		t.Errorf("%d sign-ins: the tokens were never renewed", counter.n)
	}
	t.Logf("%d sign-ins", counter.n)
}
