package reports

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/ovcompat/ovcompat/redact"
)

// Traffic is what a proxy saw since it started: the totals of its live
// report, which describe live traffic (exchanges), not scenarios and
// steps.
type Traffic struct {
	Requests       int64 `json:"requests"`
	Validated      int64 `json:"validated"`
	Shed           int64 `json:"shed"`
	Rejected       int64 `json:"rejected"`
	UpstreamErrors int64 `json:"upstream_errors"`
	// WithViolations counts the exchanges that had at least one.
	WithViolations int64 `json:"exchanges_with_violations"`
	// Violations counts every violation since the start per rule and
	// route, the most frequent first.
	Violations []RuleRouteCount `json:"violations"`
}

// RuleRouteCount is how often a rule was violated on a route ("METHOD
// template"), with the worst severity seen.
type RuleRouteCount struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	Route    string   `json:"route"`
	Count    int64    `json:"count"`
}

// SortRuleRoutes orders counts worst severity first, then most frequent,
// then by rule and route.
func SortRuleRoutes(cs []RuleRouteCount) {
	sort.Slice(cs, func(a, b int) bool {
		x, y := cs[a], cs[b]
		switch {
		case x.Severity.rank() != y.Severity.rank():
			return x.Severity.rank() > y.Severity.rank()
		case x.Count != y.Count:
			return x.Count > y.Count
		case x.Rule != y.Rule:
			return x.Rule < y.Rule
		}
		return x.Route < y.Route
	})
}

// LiveExchange is one exchange of the live report, found from a violation
// by its correlation id (the client's Correlation-Id header, redacted).
type LiveExchange struct {
	CorrelationID string      `json:"correlation_id,omitempty"`
	Method        string      `json:"method"`
	Path          string      `json:"path"`
	Route         string      `json:"route,omitempty"`
	Status        int         `json:"status,omitempty"`
	Violations    []Violation `json:"violations"`
}

// liveExchanges lists the live report's exchanges: r's steps, their
// correlation ids and paths redacted.
func liveExchanges(r *Results) []LiveExchange {
	var out []LiveExchange
	for _, sc := range r.Scenarios {
		for _, st := range sc.Steps {
			out = append(out, LiveExchange{CorrelationID: redact.Text(st.Name), Method: st.Method, Path: redact.Path(st.Path),
				Route: st.Route, Status: st.Status, Violations: nonNil(st.Violations)})
		}
	}
	return out
}

// liveSection is a section of the live page: one rule's violations on one
// route, collapsed until the reader opens it. Key names the section across
// the page's in-place refreshes, which keep it open: it is made of what the
// section shows, never of its position, since new violations reorder them.
type liveSection struct {
	Key      string
	Rule     string
	Severity Severity // the worst on the route
	Route    string
	Count    int
	Findings []FindingCount
	Facets   facets
}

// liveSections flattens rule groups into the live page's sections, in the
// groups' order (worst rule first, then most frequent route).
func liveSections(groups []RuleGroup) []liveSection {
	var out []liveSection
	for _, g := range groups {
		for _, rg := range g.Routes {
			s := liveSection{Key: g.Rule + " " + rg.Route, Rule: g.Rule, Route: rg.Route, Count: rg.Count, Findings: rg.Findings}
			worst := make([]Violation, 0, len(rg.Findings))
			for _, f := range rg.Findings {
				if f.Severity.rank() > s.Severity.rank() {
					s.Severity = f.Severity
				}
				worst = append(worst, Violation{Severity: f.Severity})
			}
			s.Facets = facets{Outcome: string(Judge(worst, nil, "")), Resources: ResourceOf(rg.Route), Rules: g.Rule}
			out = append(out, s)
		}
	}
	return out
}

// exchangeView is an exchange of the live page, anchored by its position
// (FindingCount.Step links to it: the live page has one scenario, whose
// steps are numbered in order) and filtered like the sections.
type exchangeView struct {
	LiveExchange
	Index  int
	Facets facets
}

func exchangeViews(r *Results) []exchangeView {
	xs := liveExchanges(r)
	out := make([]exchangeView, 0, len(xs))
	for _, sc := range r.Scenarios {
		for i := range sc.Steps {
			st := &sc.Steps[i]
			out = append(out, exchangeView{LiveExchange: xs[len(out)], Index: len(out), Facets: stepFacets(st.Outcome, st)})
		}
	}
	return out
}

// LiveVersion is the version of the proxy's /report.json.
const LiveVersion = 1

// WriteLiveJSON writes the proxy's /report.json: {"version", "kind":
// "proxy", "run", "traffic", "groups" (the latest exchanges' violations
// grouped as on /report), "exchanges" (those exchanges, oldest first)}.
// The proxy builds r as for WriteViolationsHTML: one scenario whose steps
// are the latest exchanges with violations, each step's Name its
// correlation id. Paths and correlation ids are redacted again.
func WriteLiveJSON(w io.Writer, r *Results, t Traffic) error {
	out := struct {
		Version   int            `json:"version"`
		Kind      string         `json:"kind"`
		Run       Run            `json:"run"`
		Traffic   Traffic        `json:"traffic"`
		Groups    []RuleGroup    `json:"groups"`
		Exchanges []LiveExchange `json:"exchanges"`
	}{LiveVersion, "proxy", r.Run, t, nonNil(r.GroupByRule()), []LiveExchange{}}
	if out.Traffic.Violations == nil {
		out.Traffic.Violations = []RuleRouteCount{}
	}
	out.Exchanges = append(out.Exchanges, liveExchanges(r)...)
	for i := range out.Groups {
		for j := range out.Groups[i].Routes {
			for k := range out.Groups[i].Routes[j].Findings {
				f := &out.Groups[i].Routes[j].Findings[k]
				f.Path, f.Scenario = redact.Path(f.Path), redact.Text(f.Scenario)
			}
		}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("reports: write live report: %w", err)
	}
	return nil
}

// liveScript refreshes the live page in place: every data-refresh seconds
// it fetches the page again and swaps its <main>, so that the reader's
// scroll position stays where it was (a meta refresh would reset it). What
// the reader chose survives the swap: a section (a <details> with a
// data-key) stays open or closed as they left it, matched by its key, not
// its position, since new violations reorder the sections; a filter keeps
// its value, even one the latest exchanges no longer hold, whose style rule
// the page keeps too; the focused control keeps the focus. The page's
// Content-Security-Policy allows this script by its hash only.
const liveScript = `(() => {
  const every = Number(document.body.dataset.refresh) * 1000;
  if (!(every > 0)) return;
  const keep = (cur, next) => {
    const open = new Map([...cur.querySelectorAll("details[data-key]")].map(d => [d.dataset.key, d.open]));
    for (const d of next.querySelectorAll("details[data-key]")) {
      if (open.has(d.dataset.key)) d.open = open.get(d.dataset.key);
    }
    for (const s of cur.querySelectorAll("select[id]")) {
      const n = next.querySelector("#" + CSS.escape(s.id));
      if (!n) continue;
      if (![...n.options].some(o => o.value === s.value)) n.add(new Option(s.value, s.value));
      n.value = s.value;
    }
  };
  setInterval(async () => {
    try {
      const r = await fetch(location.pathname, {cache: "no-store"});
      if (!r.ok) return;
      const doc = new DOMParser().parseFromString(await r.text(), "text/html");
      const next = doc.querySelector("main"), cur = document.querySelector("main");
      if (!next || !cur) return;
      const rules = document.getElementById("filter-rules"), nextRules = doc.getElementById("filter-rules");
      if (rules && nextRules) rules.textContent = [...new Set((rules.textContent + "\n" + nextRules.textContent).split("\n"))].join("\n");
      const fresh = document.importNode(next, true);
      keep(cur, fresh);
      const focused = cur.contains(document.activeElement) ? document.activeElement.id : "";
      const x = window.scrollX, y = window.scrollY;
      cur.replaceWith(fresh);
      window.scrollTo(x, y);
      if (focused) document.getElementById(focused)?.focus({preventScroll: true});
    } catch (e) { /* the proxy is restarting: try again next time */ }
  }, every);
})();`

// liveScriptHash is the script's CSP source expression.
func liveScriptHash() string {
	sum := sha256.Sum256([]byte(liveScript))
	return "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
}
