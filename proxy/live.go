package proxy

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/ovcompat/ovcompat/redact"
	"github.com/ovcompat/ovcompat/reports"
	"github.com/ovcompat/ovcompat/rules"
	"github.com/ovcompat/ovcompat/schema"
)

// liveReport keeps what the /report page shows: the latest exchanges with
// violations (a ring of keep), and counts per rule since the start.
type liveReport struct {
	mu      sync.Mutex
	keep    int
	ring    []reports.Step
	next    int
	total   int // exchanges with violations
	byRule  map[ruleRoute]int64
	worstOf map[ruleRoute]schema.Severity
}

// ruleRoute is a rule and a route ("METHOD template", or the method and
// the redacted path when the route is not in the model).
type ruleRoute struct{ rule, route string }

func newLiveReport(keep int) *liveReport {
	return &liveReport{keep: keep, byRule: map[ruleRoute]int64{}, worstOf: map[ruleRoute]schema.Severity{}}
}

func (l *liveReport) add(x *exchange, res rules.Result) {
	st := reports.Step{Method: x.method, Path: redact.Path(x.path), Status: x.status, Duration: reports.Duration(x.end.Sub(x.start))}
	if res.Route != nil {
		st.Route = res.Route.Path
	}
	if _, _, rel, ok := rules.Locate(x.path, x.reqHeader.Get("Version")); ok {
		st.Path = redact.Path(rel)
	}
	st.Name = x.id
	for _, v := range res.Violations {
		st.Violations = append(st.Violations, reports.Violation{Rule: v.Rule, Severity: reports.Severity(v.Severity.String()),
			Location: v.Location, Line: v.Line, Column: v.Column, Reason: schema.ASCIISafe(v.Reason, 512)})
	}
	st.Outcome = reports.Judge(st.Violations, nil, "")
	l.mu.Lock()
	defer l.mu.Unlock()
	l.total++
	for _, v := range res.Violations {
		k := ruleRoute{v.Rule, st.RouteKey()}
		l.byRule[k]++
		if v.Severity > l.worstOf[k] {
			l.worstOf[k] = v.Severity
		}
	}
	if len(l.ring) < l.keep {
		l.ring = append(l.ring, st)
		return
	}
	l.ring[l.next] = st
	l.next = (l.next + 1) % l.keep
}

// results builds the report model of what was seen so far: the latest
// exchanges with violations, and the traffic's totals with every
// violation since the start counted per rule and route.
func (l *liveReport) results(run reports.Run, t reports.Traffic) (*reports.Results, reports.Traffic) {
	l.mu.Lock()
	defer l.mu.Unlock()
	steps := make([]reports.Step, 0, len(l.ring))
	steps = append(steps, l.ring[l.next:]...)
	steps = append(steps, l.ring[:l.next]...)
	for i := range steps {
		steps[i].Index = i
	}
	if l.total > len(steps) {
		run.Notes = append(run.Notes, fmt.Sprintf("%d exchanges had violations; the groups below hold the latest %d.", l.total, len(steps)))
	}
	t.WithViolations = int64(l.total)
	t.Violations = make([]reports.RuleRouteCount, 0, len(l.byRule))
	for k, n := range l.byRule {
		t.Violations = append(t.Violations, reports.RuleRouteCount{Rule: k.rule, Route: k.route, Count: n, Severity: reports.Severity(l.worstOf[k].String())})
	}
	reports.SortRuleRoutes(t.Violations)
	sc := reports.Scenario{Name: "live traffic", Steps: steps, Outcome: reports.Pass}
	for _, st := range steps {
		sc.Outcome = sc.Outcome.Worse(st.Outcome)
	}
	return &reports.Results{Version: reports.Version, Run: run, Scenarios: []reports.Scenario{sc}}, t
}

// liveRefresh is how often the /report page updates itself, in place.
const liveRefresh = 10

// liveResults is what /report and /report.json show.
func (p *Proxy) liveResults() (*reports.Results, reports.Traffic) {
	now := p.cfg.Now()
	run := reports.Run{Kind: "proxy", Target: p.up.String(), ToolVersion: p.cfg.ToolVersion, ModelVersion: p.cfg.ModelVersion,
		Started: p.started, Finished: now}
	run.Notes = append(run.Notes, fmt.Sprintf("Mode %s%s; uptime %s.", p.cfg.Mode, map[bool]string{true: " with responses enforced", false: ""}[p.cfg.EnforceResponses],
		now.Sub(p.started).Round(time.Second)))
	return p.live.results(run, p.traffic())
}

// writeReport renders the live page.
func (p *Proxy) writeReport(w io.Writer) error {
	r, t := p.liveResults()
	return reports.WriteViolationsHTML(w, r, reports.HTMLOptions{Now: p.cfg.Now(), Refresh: liveRefresh, MaxTranscripts: -1, Traffic: &t})
}

// writeReportJSON renders /report.json.
func (p *Proxy) writeReportJSON(w io.Writer) error {
	r, t := p.liveResults()
	return reports.WriteLiveJSON(w, r, t)
}

// traffic sums the proxy's counters: the live report's totals.
func (p *Proxy) traffic() reports.Traffic {
	mfs, err := p.met.reg.Gather()
	if err != nil {
		return reports.Traffic{}
	}
	sum := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			if c := m.GetCounter(); c != nil {
				sum[mf.GetName()] += c.GetValue()
			}
		}
	}
	return reports.Traffic{Requests: int64(sum["ovcompat_proxy_requests_total"]), Validated: int64(sum["ovcompat_proxy_validated_total"]),
		Shed: int64(sum["ovcompat_proxy_validation_shed_total"]), Rejected: int64(sum["ovcompat_proxy_rejected_total"]),
		UpstreamErrors: int64(sum["ovcompat_proxy_upstream_errors_total"])}
}
