// Package replay runs scenarios against a target engine: it sends each
// step's request as the step's role, checks every response with the rules
// catalogue, compares it with the recorded response and grades every
// difference (breaking, warning, info), listing each comparison it skipped
// because the value varies by nature. Results are the reports package's
// model (results.json, version 1).
//
// Outcomes keep the engine apart from the harness: a step whose response
// breaks a rule or differs in a breaking way fails; a step that could not
// run as written (target down or answering HTML, a capture that found
// nothing, a role without credentials) ends in error; the run goes on with
// the next step and the next scenario either way.
package replay

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/ovcompat/ovcompat/reports"
	"github.com/ovcompat/ovcompat/rules"
	"github.com/ovcompat/ovcompat/scenario"
	"github.com/ovcompat/ovcompat/schema"
)

// Sender sends the request of a step as its role ("admin" unless the step
// names another) with its auth mode ("" for the run's default, "token",
// "basic" or "none"). A request's URL holds only the path and query: the
// sender resolves it against the target.
type Sender interface {
	Send(ctx context.Context, req *http.Request, role, auth string) (*http.Response, error)
}

// SenderFunc adapts a function to Sender.
type SenderFunc func(ctx context.Context, req *http.Request, role, auth string) (*http.Response, error)

// Send calls f.
func (f SenderFunc) Send(ctx context.Context, req *http.Request, role, auth string) (*http.Response, error) {
	return f(ctx, req, role, auth)
}

// Options configure a Runner.
type Options struct {
	// Sender talks to the target (required); Engine adapts engine clients.
	Sender Sender
	// Target is the target's URL as results show it (no credentials).
	Target string
	// Checker checks every exchange; rules.New with defaults when nil.
	Checker *rules.Checker
	// ReadOnly skips every step that writes (for production engines).
	ReadOnly bool
	// Filter picks scenarios; nil keeps them all.
	Filter *Filter
	// LeaveOutRecorded leaves out scenarios labelled source: recorded
	// unless the filter names the source key: the bundled set's real
	// traffic of other engines, whose ids exist only there. A folder the
	// user names runs whole (the user asked for it).
	LeaveOutRecorded bool
	// Parallel is how many scenarios run at once (default 1). Steps of a
	// scenario always run in order.
	Parallel int
	// PollInterval, when positive, caps the interval of polling steps.
	PollInterval time.Duration
	// MaxBody bounds the response body read (default 16 MiB); a longer
	// body is a harness error.
	MaxBody int64
	// Clock stamps results; time.Now when nil.
	Clock func() time.Time
	// Progress, when set, is called after each step (from the goroutine
	// running the scenario: with Parallel > 1, concurrently).
	Progress func(Progress)
	// ScenarioDone, when set, is called with each scenario's result as it
	// finishes in Run (concurrently with Parallel > 1): CI logs show a line
	// per scenario while the run goes on.
	ScenarioDone func(reports.Scenario)
	// ToolVersion is ovcompat's version, for the results.
	ToolVersion string
	// Product, when set, asks the target for its product version once per
	// run (engine.Client.ProductVersion does).
	Product func(ctx context.Context) (string, error)
	// Ping, when set, is the preflight (see Runner.Preflight): it connects
	// and signs in once (engine.Client.Ping does).
	Ping func(ctx context.Context) error
}

// Progress reports one finished step.
type Progress struct {
	Scenario string
	// Step is the step's index in its scenario, Steps the scenario's
	// number of steps (cleanup included).
	Step, Steps int
	Name        string
	Outcome     reports.Outcome
	// Error is the step's harness error, if any.
	Error string
}

// DefaultMaxBody bounds a response body: --max-body, the same for every
// command.
const DefaultMaxBody = schema.DefaultMaxBytes

// Runner replays scenarios. It is safe for concurrent use.
type Runner struct {
	o     Options
	model *schema.Model
}

// New builds a Runner.
func New(o Options) (*Runner, error) {
	if o.Sender == nil {
		return nil, errors.New("replay: no sender to talk to the target")
	}
	if o.Checker == nil {
		c, err := rules.New(rules.Options{})
		if err != nil {
			return nil, fmt.Errorf("replay: %w", err)
		}
		o.Checker = c
	}
	if o.Parallel < 1 {
		o.Parallel = 1
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	m := o.Checker.Model(4)
	if m == nil {
		var err error
		if m, err = schema.V4(); err != nil {
			return nil, fmt.Errorf("replay: %w", err)
		}
	}
	return &Runner{o: o, model: m}, nil
}

// Run replays the scenarios, those that broke while loading included (they
// end in error), and returns the results with the run's metadata. Scenarios
// the selection leaves out are listed as left out, with the reason.
func (r *Runner) Run(ctx context.Context, loaded *scenario.Loaded) *reports.Results {
	res := r.Begin(ctx)
	out := make([]reports.Scenario, len(loaded.Scenarios))
	work := make(chan int)
	var wg sync.WaitGroup
	for range r.o.Parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				sc := loaded.Scenarios[i]
				if ok, why := r.Pick(sc); !ok {
					out[i] = LeftOut(sc, why)
					continue
				}
				out[i] = r.Start(sc).Run(ctx)
				if f := r.o.ScenarioDone; f != nil {
					f(out[i])
				}
			}
		}()
	}
	for i := range loaded.Scenarios {
		work <- i
	}
	close(work)
	wg.Wait()
	for _, pe := range loaded.Errors {
		res.Scenarios = append(res.Scenarios, Broken(pe))
	}
	res.Scenarios = append(res.Scenarios, out...)
	r.End(res)
	return res
}

// Begin starts a run's results: metadata, the target's product version.
func (r *Runner) Begin(ctx context.Context) *reports.Results {
	res := &reports.Results{Version: reports.Version, Run: reports.Run{
		Kind: "replay", Target: r.o.Target, ToolVersion: r.o.ToolVersion,
		ModelVersion: r.model.Describe(), Started: r.o.Clock().UTC(),
		LabelFilter: r.o.Filter.String(), ReadOnly: r.o.ReadOnly,
	}}
	if r.o.Product != nil {
		v, err := r.o.Product(ctx)
		if err != nil {
			res.Run.Notes = append(res.Run.Notes, "product version unknown: "+schema.ASCIISafe(err.Error(), 200))
		}
		res.Run.EngineVersion = v
	}
	return res
}

// End finishes a run's results: outcomes settled, coverage, end time.
func (r *Runner) End(res *reports.Results) {
	res.Settle()
	res.Coverage = Coverage(r.model, res)
	res.Run.Finished = r.o.Clock().UTC()
}

// Broken is the result of a scenario file that did not load: an error,
// named after the file, saying where and what.
func Broken(pe *scenario.ParseError) reports.Scenario {
	return reports.Scenario{Name: pe.File, Source: pe.File, Outcome: reports.Error, Error: pe.Error(), Steps: []reports.Step{}}
}

// Skipped is the result of a scenario left out, every step skipped with
// the reason.
func Skipped(sc *scenario.Scenario, why string) reports.Scenario {
	out := scenarioHead(sc)
	out.Outcome = reports.Skip
	for i, st := range allSteps(sc) {
		rs := stepHead(sc, i, st)
		rs.Outcome, rs.SkipReason = reports.Skip, why
		out.Steps = append(out.Steps, rs)
	}
	return out
}

// stepHead is the result of step i of allSteps(sc) before it runs: what
// the step is, not how it went.
func stepHead(sc *scenario.Scenario, i int, st *scenario.Step) reports.Step {
	return reports.Step{Index: i, Name: st.Title(), Cleanup: i >= len(sc.Steps), Method: st.Request.Method,
		Path: st.Request.Path, Role: st.EffectiveRole()}
}

func scenarioHead(sc *scenario.Scenario) reports.Scenario {
	return reports.Scenario{Name: sc.Name, Description: sc.Description, Labels: sc.Labels.Pairs(), Source: sc.File, Steps: []reports.Step{}}
}

func allSteps(sc *scenario.Scenario) []*scenario.Step {
	out := make([]*scenario.Step, 0, sc.StepCount())
	for i := range sc.Steps {
		out = append(out, &sc.Steps[i])
	}
	for i := range sc.Cleanup {
		out = append(out, &sc.Cleanup[i])
	}
	return out
}

// Coverage counts, per resource, the model's routes and those the run
// exercised (steps that got a response).
func Coverage(m *schema.Model, res *reports.Results) *reports.Coverage {
	total := map[string]int{}
	for _, rt := range m.Routes().All() {
		total[reports.ResourceOf(rt.Path)]++
	}
	seen := map[string]map[string]bool{}
	for _, sc := range res.Scenarios {
		for _, st := range sc.Steps {
			if st.Route == "" || st.Status == 0 {
				continue
			}
			rs := reports.ResourceOf(st.Route)
			if seen[rs] == nil {
				seen[rs] = map[string]bool{}
			}
			seen[rs][st.Method+" "+st.Route] = true
		}
	}
	cov := &reports.Coverage{}
	for rs, n := range total {
		rc := reports.ResourceCoverage{Resource: rs, Routes: n}
		for k := range seen[rs] {
			rc.Exercised = append(rc.Exercised, k)
		}
		slices.Sort(rc.Exercised)
		cov.Resources = append(cov.Resources, rc)
	}
	slices.SortFunc(cov.Resources, func(a, b reports.ResourceCoverage) int {
		switch {
		case a.Resource < b.Resource:
			return -1
		case a.Resource > b.Resource:
			return 1
		}
		return 0
	})
	return cov
}
