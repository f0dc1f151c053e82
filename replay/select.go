package replay

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ovcompat/ovcompat/reports"
	"github.com/ovcompat/ovcompat/scenario"
)

// ErrNothingToRun is the error of a run that selects no scenario or runs
// no step: it proves nothing about the engine, so it is never a pass.
var ErrNothingToRun = errors.New("nothing to run")

// NoCredentialsError is what a Sender answers for a role it has no user
// for. The runner skips the step with the error's message as the reason:
// the scenario needs an account the run was not given, which says nothing
// of the engine.
type NoCredentialsError struct {
	Role string
}

func (e *NoCredentialsError) Error() string {
	return fmt.Sprintf("role %q has no credentials: give --credentials FILE", e.Role)
}

// infrastructureWhy is why scenarios of impact infrastructure are left out.
const infrastructureWhy = "impact: infrastructure: it adds or disturbs hosts or storage (select it with --labels impact=infrastructure)"

// recordedWhy is why the bundled set's recorded traffic is left out.
const recordedWhy = "recorded traffic: its ids exist only on the engine that produced it (select it with --labels source=recorded; it is checked offline in the tests)"

// Selection says which scenarios of a set a run picks: those its filter
// picks, recorded traffic left out when asked, and never a scenario of
// impact infrastructure unless the filter names the impact key (such a
// scenario adds hosts or storage, fences, reinstalls: it runs only when
// asked for).
type Selection struct {
	Filter *Filter
	// LeaveOutRecorded leaves out scenarios labelled source: recorded
	// unless the filter names the source key (see Options).
	LeaveOutRecorded bool
}

// Pick reports whether the selection picks sc, and if not, why not.
func (s Selection) Pick(sc *scenario.Scenario) (bool, string) {
	if ok, why := s.Filter.Match(sc.Labels); !ok {
		return false, why
	}
	if s.LeaveOutRecorded && sc.Labels.Source == scenario.SourceRecorded && !s.Filter.Names("source") {
		return false, recordedWhy
	}
	if sc.Labels.Impact == scenario.ImpactInfrastructure && !s.Filter.Names("impact") {
		return false, infrastructureWhy
	}
	return true, ""
}

// Check checks that the selection picks at least one of the loaded
// scenarios, or that some file did not load (the run reports it, and ends
// in error). Its error (ErrNothingToRun) says how many of how many, by
// which filter, and which values the filter's keys have in these
// scenarios, so that a typo shows itself.
func (s Selection) Check(l *scenario.Loaded) error {
	if len(l.Errors) > 0 {
		return nil
	}
	for _, sc := range l.Scenarios {
		if ok, _ := s.Pick(sc); ok {
			return nil
		}
	}
	msg := fmt.Sprintf("0 of %d scenarios selected", len(l.Scenarios))
	if s.Filter.String() != "" {
		msg += " by --labels " + s.Filter.String()
	}
	var known []string
	for _, key := range s.Filter.Keys() {
		if key == "" {
			continue
		}
		var vals []string
		for _, sc := range l.Scenarios {
			for _, v := range sc.Labels.Values(key) {
				if !slices.Contains(vals, v) {
					vals = append(vals, v)
				}
			}
		}
		slices.Sort(vals)
		known = append(known, key+" labels here: "+strings.Join(vals, ", "))
	}
	if len(known) > 0 {
		msg += " (" + strings.Join(known, "; ") + ")"
	}
	if s.LeaveOutRecorded && !s.Filter.Names("source") {
		msg += "; recorded traffic is left out unless --labels names the source"
	}
	return fmt.Errorf("%s: %w", msg, ErrNothingToRun)
}

// Pick reports whether the runner's selection picks sc, and if not, why not.
func (r *Runner) Pick(sc *scenario.Scenario) (bool, string) { return r.selection().Pick(sc) }

// Selected checks that the runner's selection picks at least one of the
// loaded scenarios (see Selection.Check).
func (r *Runner) Selected(l *scenario.Loaded) error { return r.selection().Check(l) }

func (r *Runner) selection() Selection {
	return Selection{Filter: r.o.Filter, LeaveOutRecorded: r.o.LeaveOutRecorded}
}

// Ran checks that a run ran at least one step (scenarios left out by the
// selection aside). Its error (ErrNothingToRun) counts the skipped steps
// by reason.
func Ran(res *reports.Results) error {
	skips := map[string]int{}
	for _, sc := range res.Scenarios {
		if sc.LeftOut != "" {
			continue
		}
		if sc.Error != "" {
			return nil // the run ends in error anyway, saying why
		}
		for _, st := range sc.Steps {
			if st.Outcome != reports.Skip {
				return nil
			}
			skips[st.SkipReason]++
		}
	}
	why := make([]string, 0, len(skips))
	for reason, n := range skips {
		why = append(why, fmt.Sprintf("%d: %s", n, reason))
	}
	slices.Sort(why)
	msg := "no step ran"
	if len(why) > 0 {
		msg += "; skipped: " + strings.Join(why, "; ")
	}
	return fmt.Errorf("%s: %w", msg, ErrNothingToRun)
}

// Preflight connects to the target and signs in once, before any scenario
// (Options.Ping: a HEAD of the API's entry point as the run's user), so
// that a target that is down and a password that is wrong or missing are
// one error, not one per step. Without Options.Ping it does nothing.
func (r *Runner) Preflight(ctx context.Context) error {
	if r.o.Ping == nil {
		return nil
	}
	if err := r.o.Ping(ctx); err != nil {
		return fmt.Errorf("preflight (connect and sign in before any scenario): %w", err)
	}
	return nil
}

// Aborted returns the results of a run that stopped before its first
// scenario, for why (the preflight's error): every scenario the selection
// picks ends in error saying so, its steps not run; those it leaves out
// are left out; files that did not load are listed as broken.
func (r *Runner) Aborted(ctx context.Context, loaded *scenario.Loaded, why error) *reports.Results {
	res := r.Begin(ctx)
	for _, pe := range loaded.Errors {
		res.Scenarios = append(res.Scenarios, Broken(pe))
	}
	for _, sc := range loaded.Scenarios {
		if ok, reason := r.Pick(sc); !ok {
			res.Scenarios = append(res.Scenarios, LeftOut(sc, reason))
			continue
		}
		out := Skipped(sc, "not run: the run stopped before its first scenario")
		out.Error = why.Error()
		res.Scenarios = append(res.Scenarios, out)
	}
	r.End(res)
	return res
}

// LeftOut is the result of a scenario the selection left out: no steps,
// outcome skip, the reason.
func LeftOut(sc *scenario.Scenario, why string) reports.Scenario {
	out := scenarioHead(sc)
	out.Outcome, out.LeftOut = reports.Skip, why
	return out
}
