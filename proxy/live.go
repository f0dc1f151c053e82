package proxy

import (
	"fmt"
	"io"
	"sort"
	"strings"
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
	byRule  map[string]int
	worstOf map[string]schema.Severity
}

func newLiveReport(keep int) *liveReport {
	return &liveReport{keep: keep, byRule: map[string]int{}, worstOf: map[string]schema.Severity{}}
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
		l.byRule[v.Rule]++
		if v.Severity > l.worstOf[v.Rule] {
			l.worstOf[v.Rule] = v.Severity
		}
	}
	if len(l.ring) < l.keep {
		l.ring = append(l.ring, st)
		return
	}
	l.ring[l.next] = st
	l.next = (l.next + 1) % l.keep
}

// results builds the report model of what was seen so far.
func (l *liveReport) results(run reports.Run) *reports.Results {
	l.mu.Lock()
	defer l.mu.Unlock()
	steps := make([]reports.Step, 0, len(l.ring))
	steps = append(steps, l.ring[l.next:]...)
	steps = append(steps, l.ring[:l.next]...)
	for i := range steps {
		steps[i].Index = i
	}
	rulesSeen := make([]string, 0, len(l.byRule))
	for r := range l.byRule {
		rulesSeen = append(rulesSeen, r)
	}
	sort.Strings(rulesSeen)
	if l.total > len(steps) {
		run.Notes = append(run.Notes, fmt.Sprintf("%d exchanges had violations; the groups below hold the latest %d.", l.total, len(steps)))
	}
	if len(rulesSeen) > 0 {
		var b strings.Builder
		b.WriteString("Violations since the start, by rule:")
		for _, r := range rulesSeen {
			fmt.Fprintf(&b, " %s %d (%s);", r, l.byRule[r], l.worstOf[r])
		}
		run.Notes = append(run.Notes, strings.TrimSuffix(b.String(), ";"))
	}
	sc := reports.Scenario{Name: "live traffic", Steps: steps, Outcome: reports.Pass}
	for _, st := range steps {
		sc.Outcome = sc.Outcome.Worse(st.Outcome)
	}
	return &reports.Results{Version: reports.Version, Run: run, Scenarios: []reports.Scenario{sc}}
}

// writeReport renders the live page.
func (p *Proxy) writeReport(w io.Writer) error {
	now := p.cfg.Now()
	run := reports.Run{Kind: "proxy", Target: p.up.String(), ToolVersion: p.cfg.ToolVersion, ModelVersion: p.cfg.ModelVersion,
		Started: p.started, Finished: now}
	run.Notes = append(run.Notes, p.counters()...)
	return reports.WriteViolationsHTML(w, p.live.results(run), reports.HTMLOptions{Now: now, Refresh: 10, MaxTranscripts: -1})
}

// counters summarises the proxy's traffic for the report's notes.
func (p *Proxy) counters() []string {
	mfs, err := p.met.reg.Gather()
	if err != nil {
		return nil
	}
	sum := map[string]float64{}
	for _, mf := range mfs {
		for _, m := range mf.GetMetric() {
			if c := m.GetCounter(); c != nil {
				sum[mf.GetName()] += c.GetValue()
			}
		}
	}
	return []string{fmt.Sprintf("Mode %s%s. Requests %.0f; validated %.0f; shed %.0f; rejected %.0f; upstream errors %.0f; uptime %s.",
		p.cfg.Mode, map[bool]string{true: " with responses enforced", false: ""}[p.cfg.EnforceResponses],
		sum["ovcompat_proxy_requests_total"], sum["ovcompat_proxy_validated_total"], sum["ovcompat_proxy_validation_shed_total"],
		sum["ovcompat_proxy_rejected_total"], sum["ovcompat_proxy_upstream_errors_total"],
		p.cfg.Now().Sub(p.started).Round(time.Second))}
}
