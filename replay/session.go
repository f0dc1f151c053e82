package replay

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/ovcompat/ovcompat/har"
	"github.com/ovcompat/ovcompat/internal/media"
	"github.com/ovcompat/ovcompat/internal/verdict"
	"github.com/ovcompat/ovcompat/reports"
	"github.com/ovcompat/ovcompat/rules"
	"github.com/ovcompat/ovcompat/scenario"
	"github.com/ovcompat/ovcompat/schema"
)

// Session replays one scenario, step by step: the conformance suite runs
// one spec per step, the Runner all of them in a row. A Session is used by
// one goroutine at a time.
type Session struct {
	r     *Runner
	sc    *scenario.Scenario
	vars  scenario.Vars     // live values
	rec   scenario.Vars     // recorded values
	why   map[string]string // why a variable is unbound
	gone  map[string]string // variables whose resource a step removed: which
	stale string            // a writing step skipped by a read-only run
	roots []*scenario.Node  // parsed recorded bodies, by step
	res   reports.Scenario
	start time.Time
	ran   []bool
}

// Start begins replaying sc. The recorded values of its captures are read
// from the recorded responses now.
func (r *Runner) Start(sc *scenario.Scenario) *Session {
	s := &Session{r: r, sc: sc, vars: scenario.Vars{}, rec: scenario.Vars{}, why: map[string]string{}, gone: map[string]string{},
		res: scenarioHead(sc), start: r.o.Clock()}
	steps := allSteps(sc)
	s.roots = make([]*scenario.Node, len(steps))
	s.ran = make([]bool, len(steps))
	s.res.Steps = make([]reports.Step, len(steps))
	for i, st := range steps {
		if st.Response == nil {
			continue
		}
		s.roots[i], _ = scenario.ParseBody([]byte(st.Response.Body))
		h := scenario.HTTPHeader(st.Response.Header)
		for _, c := range st.Captures {
			if v, err := c.Value(h, s.roots[i]); err == nil {
				s.rec[c.Var] = v
			}
		}
	}
	return s
}

// Run replays every step, then the cleanup steps, and returns the result.
func (s *Session) Run(ctx context.Context) reports.Scenario {
	for i := range s.sc.Steps {
		s.Step(ctx, i)
	}
	s.Cleanup(ctx)
	return s.Result()
}

// Step replays step i of the scenario (0-based, cleanup steps not
// included) and returns its result.
func (s *Session) Step(ctx context.Context, i int) reports.Step {
	return s.run(ctx, i, &s.sc.Steps[i])
}

// Cleanup replays the cleanup steps, whatever happened before, and returns
// their results.
func (s *Session) Cleanup(ctx context.Context) []reports.Step {
	out := make([]reports.Step, 0, len(s.sc.Cleanup))
	for i := range s.sc.Cleanup {
		out = append(out, s.CleanupStep(ctx, i))
	}
	return out
}

// CleanupStep replays cleanup step i (0-based). A cleanup step whose
// variables are unbound (what it removes was never created) is skipped.
// It runs even when ctx is cancelled, with a context of its own bounded to
// 30 seconds, so that an interrupted run still removes what it created.
func (s *Session) CleanupStep(ctx context.Context, i int) reports.Step {
	if ctx.Err() != nil {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
	}
	return s.run(ctx, len(s.sc.Steps)+i, &s.sc.Cleanup[i])
}

// Result returns the scenario's result: steps that never ran are skipped,
// the outcome is the worst of the steps'.
func (s *Session) Result() reports.Scenario {
	out := s.res
	out.Steps = append([]reports.Step(nil), s.res.Steps...)
	for i, st := range allSteps(s.sc) {
		if !s.ran[i] {
			out.Steps[i] = stepHead(s.sc, i, st)
			out.Steps[i].Outcome, out.Steps[i].SkipReason = reports.Skip, "not run"
		}
	}
	out.Duration = reports.Duration(s.r.o.Clock().Sub(s.start))
	out.Outcome = worst(out.Steps)
	return out
}

// worst returns the worst outcome of the steps; skip when none ran.
func worst(steps []reports.Step) reports.Outcome {
	o := reports.Outcome("")
	for _, st := range steps {
		o = o.Worse(st.Outcome)
	}
	if o == "" {
		o = reports.Skip
	}
	return o
}

// queryString encodes query parameters in order.
func queryString(ps []scenario.Pair) string {
	q := make([]string, 0, len(ps))
	for _, p := range ps {
		q = append(q, url.QueryEscape(p.Name)+"="+url.QueryEscape(p.Value))
	}
	return strings.Join(q, "&")
}

// unbind marks the variables a step would have captured as unbound.
func (s *Session) unbind(st *scenario.Step, why string) {
	for _, c := range st.Captures {
		if _, ok := s.vars[c.Var]; !ok {
			s.why[c.Var] = why
		}
	}
}

func (s *Session) finish(i int, out reports.Step, began time.Time) reports.Step {
	out.Duration = reports.Duration(s.r.o.Clock().Sub(began))
	if out.Outcome == "" {
		out.Outcome = reports.Judge(out.Violations, out.Differences, out.Error)
	}
	s.res.Steps[i] = out
	s.ran[i] = true
	if p := s.r.o.Progress; p != nil {
		p(Progress{Scenario: s.sc.Name, Step: i, Steps: len(s.ran), Name: out.Name, Outcome: out.Outcome, Error: out.Error})
	}
	return out
}

// run replays step i of allSteps(s.sc).
func (s *Session) run(ctx context.Context, i int, st *scenario.Step) reports.Step {
	began := s.r.o.Clock()
	out := stepHead(s.sc, i, st)
	label := fmt.Sprintf("step %d (%s)", i+1, st.Title())
	if s.r.o.ReadOnly && st.Writes() {
		out.Outcome, out.SkipReason = reports.Skip, "read-only run: the step writes"
		s.unbind(st, label+" was skipped: the run is read-only")
		if s.stale == "" {
			s.stale = label
		}
		return s.finish(i, out, began)
	}
	if v := removes(st); out.Cleanup && v != "" && s.gone[v] != "" {
		out.Outcome, out.SkipReason = reports.Skip, "already removed by "+s.gone[v]
		return s.finish(i, out, began)
	}
	req, err := st.Request.Expand(s.vars)
	if err != nil {
		var ue *scenario.UnboundError
		if errors.As(err, &ue) && s.why[ue.Var] != "" {
			out.Outcome, out.SkipReason = reports.Skip, "needs {{"+ue.Var+"}}, which is unbound: "+s.why[ue.Var]
		} else {
			out.Error = label + ": " + err.Error()
		}
		s.unbind(st, label+" did not run")
		return s.finish(i, out, began)
	}
	out.Path = req.Path
	if st.Response != nil {
		out.RecordedStatus = st.Response.Status
	}
	got, ex, err := s.send(ctx, st, &req, &out)
	var nc *NoCredentialsError
	if errors.As(err, &nc) {
		out.Outcome, out.SkipReason = reports.Skip, nc.Error()
		s.unbind(st, label+" was skipped: "+nc.Error())
		return s.finish(i, out, began)
	}
	if err != nil {
		out.Error = label + ": " + err.Error()
		s.unbind(st, label+" ended in error")
		return s.finish(i, out, began)
	}
	out.Status = got.status
	res := s.r.o.Checker.Check(ex)
	if res.Route != nil {
		out.Route = res.Route.Path
	}
	if _, base, rel, ok := rules.Locate(req.Path, scenario.Get(req.Header, "Version")); ok && base != "" {
		out.Path = rel
	}
	out.Violations = s.violations(ex, res.Violations)
	if msg := htmlInstead(st, got); msg != "" {
		out.Error = label + ": " + msg
	}
	switch {
	case st.Response != nil && s.stale != "":
		// The engine's state is not the recording's any more.
		out.Skipped = []reports.SkippedComparison{{Location: "/", Why: "read-only run: " + s.stale +
			", which writes, was skipped, so the engine's state differs from the recording's"}}
	case st.Response != nil:
		c := &comparison{model: s.r.model, ids: s.liveIDs()}
		c.compareResponse(st.Response, s.roots[i], got, res.Route)
		out.Differences = append(out.Differences, c.diffs...)
		out.Skipped = c.skipped()
	}
	// A capture that finds nothing is the harness's error when the
	// response otherwise conforms (the scenario does not fit the engine);
	// when the engine already failed the step, it is that failure's
	// consequence, listed with it; after a write a read-only run skipped,
	// it is expected (the steps that need the variable are skipped).
	engineFailed := reports.Judge(out.Violations, out.Differences, "") == reports.Fail
	for _, c := range st.Captures {
		v, err := c.Value(got.header, got.root)
		if err != nil {
			switch {
			case s.stale != "":
				// The read-only run skipped what would have made it.
			case engineFailed:
				out.Differences = append(out.Differences, reports.Difference{Kind: KindCaptureFailed, Grade: reports.Breaking,
					Location: "capture:" + c.Var, Reason: err.Error(), Base: "captured", New: "nothing to capture"})
			case out.Error == "":
				out.Error = label + ": " + err.Error()
			}
			s.why[c.Var] = label + " could not capture it"
			continue
		}
		s.vars[c.Var] = v
	}
	if v := removes(st); v != "" && got.status >= 200 && got.status < 300 {
		s.gone[v] = label
	}
	out.Outcome = reports.Judge(out.Violations, out.Differences, out.Error)
	if out.Outcome != reports.Pass {
		out.Transcript = verdict.Transcript(ex)
		if out.Transcript != nil && st.Response != nil && s.stale == "" {
			var hs []reports.Header
			for _, h := range st.Response.Header {
				hs = append(hs, reports.Header{Name: h.Name, Value: h.Value})
			}
			out.Transcript.Recorded = verdict.Recorded(st.Response.Status, hs, st.Response.Body)
		}
	}
	return s.finish(i, out, began)
}

// removes returns the variable whose resource a DELETE step removes (its
// path ends with {{var}}), or "".
func removes(st *scenario.Step) string {
	if st.Request.Method != http.MethodDelete {
		return ""
	}
	refs := scenario.References(st.Request.Path)
	if len(refs) == 0 || !strings.HasSuffix(st.Request.Path, "}}") {
		return ""
	}
	return refs[len(refs)-1]
}

// liveIDs maps each recorded id to the live id captured in its place.
func (s *Session) liveIDs() map[string]string {
	m := make(map[string]string, len(s.vars))
	for k, v := range s.vars {
		if r, ok := s.rec[k]; ok && r != "" {
			m[r] = v
		}
	}
	return m
}

// send sends the request, polling when the step says so, and returns the
// last response.
func (s *Session) send(ctx context.Context, st *scenario.Step, req *scenario.Request, out *reports.Step) (*live, *har.Exchange, error) {
	if st.Poll == nil {
		return s.sendOnce(ctx, st, req)
	}
	p, err := scenario.ParsePath(st.Poll.Path)
	if err != nil {
		return nil, nil, fmt.Errorf("poll: %w", err)
	}
	deadline := s.r.o.Clock().Add(st.Poll.Timeout)
	for {
		got, ex, err := s.sendOnce(ctx, st, req)
		if err != nil {
			return got, ex, err
		}
		v, verr := p.Eval(got.root)
		if verr == nil && st.Poll.Done(v) {
			return got, ex, nil
		}
		if got.status >= 400 || !s.r.o.Clock().Before(deadline) {
			last := "no value"
			if verr == nil {
				last = schema.ASCIISafe(v, 40)
			}
			out.Differences = append(out.Differences, reports.Difference{Kind: KindPollTimeout, Grade: reports.Breaking,
				Location: "poll:" + st.Poll.Path, Reason: fmt.Sprintf("%s never became %s within %s", st.Poll.Path, strings.Join(st.Poll.Values, " or "), st.Poll.Timeout),
				Base: strings.Join(st.Poll.Values, "|"), New: last})
			return got, ex, nil
		}
		wait := st.Poll.Interval
		if pi := s.r.o.PollInterval; pi > 0 && pi < wait {
			wait = pi
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, nil, ctx.Err()
		case <-t.C:
		}
	}
}

// KindCaptureFailed is the difference of a step whose response, already
// failing, lacks what a capture takes from it.
const KindCaptureFailed = "capture-failed"

// KindPollTimeout is the difference of a polling step whose condition never
// held: the recording reached the state, the target did not.
const KindPollTimeout = "poll-timeout"

func (s *Session) sendOnce(ctx context.Context, st *scenario.Step, req *scenario.Request) (*live, *har.Exchange, error) {
	target := req.Path
	if len(req.Query) > 0 {
		target += "?" + queryString(req.Query)
	}
	var body io.Reader
	if req.Body != "" {
		body = strings.NewReader(req.Body)
	}
	hreq, err := http.NewRequestWithContext(ctx, req.Method, target, body)
	if err != nil {
		return nil, nil, fmt.Errorf("build request: %w", err)
	}
	hreq.Header = scenario.HTTPHeader(req.Header)
	resp, err := s.r.o.Sender.Send(ctx, hreq, st.EffectiveRole(), st.Auth)
	if err != nil {
		return nil, nil, fmt.Errorf("target: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, s.r.o.MaxBody+1))
	if err != nil {
		return nil, nil, fmt.Errorf("target: reading the response to %s %s: %w", req.Method, req.Path, err)
	}
	if int64(len(data)) > s.r.o.MaxBody {
		return nil, nil, fmt.Errorf("target: the response to %s %s exceeds %d bytes", req.Method, req.Path, s.r.o.MaxBody)
	}
	got := &live{status: resp.StatusCode, header: resp.Header, body: data}
	got.root, _ = scenario.ParseBody(data)
	ex := &har.Exchange{Method: req.Method, Path: hreq.URL.EscapedPath(), RawQuery: hreq.URL.RawQuery,
		RequestHeader: hreq.Header, RequestBody: []byte(req.Body), Status: resp.StatusCode, ResponseHeader: resp.Header, ResponseBody: data}
	return got, ex, nil
}

// htmlInstead says when the target answered an HTML page where the
// recording (or, without one, a success status) promised an API document:
// usually --target is not the engine's API.
func htmlInstead(st *scenario.Step, got *live) string {
	if media.Sniff(got.body) != rules.HTML && media.Declared(got.header.Get("Content-Type")) != rules.HTML {
		return ""
	}
	if st.Response != nil {
		rec := media.Sniff([]byte(st.Response.Body))
		if rec == rules.HTML || rec == rules.None && st.Response.Status >= 400 {
			return ""
		}
	} else if got.status >= 400 {
		return ""
	}
	return "the target answered an HTML page (status " + strconv.Itoa(got.status) + ") instead of an API document: is --target the engine's URL, and is the engine up?"
}

// violations converts the findings on an exchange. Those about the request
// alone are the scenario's, not the engine's (a scenario may send a bad
// request on purpose, to see the engine's fault): they are kept as info.
func (s *Session) violations(ex *har.Exchange, vs []schema.Violation) []reports.Violation {
	if len(vs) == 0 {
		return nil
	}
	type key struct{ rule, loc string }
	req := map[key]bool{}
	for _, v := range s.r.o.Checker.CheckRequest(ex).Violations {
		req[key{v.Rule, v.Location}] = true
	}
	out := make([]reports.Violation, 0, len(vs))
	for _, v := range vs {
		rv := verdict.Violation(v)
		if req[key{v.Rule, v.Location}] && v.Severity > schema.Info {
			rv.Severity = reports.SeverityInfo
			rv.Reason = "in the scenario's request (" + v.Severity.String() + " for a client): " + rv.Reason
		}
		out = append(out, rv)
	}
	return out
}
