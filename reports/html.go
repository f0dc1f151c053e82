package reports

import (
	_ "embed" // report.html.tmpl
	"fmt"
	"html/template"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"
)

// HTMLOptions tune the HTML renderers. The zero value is ready to use.
type HTMLOptions struct {
	// Title heads the page; default "ovcompat report" (WriteHTML) or
	// "ovcompat: violations" (WriteViolationsHTML).
	Title string
	// Now is when the page was rendered, shown at its foot; the zero time
	// leaves it out. Renderers never read the clock themselves.
	Now time.Time
	// Refresh, when positive, makes the live page (WriteViolationsHTML)
	// update itself every Refresh seconds, in place, keeping the scroll.
	Refresh int
	// Traffic is the proxy's totals, for the live page.
	Traffic *Traffic
	// MaxTranscripts bounds the transcripts shown, worst steps first:
	// default 100, negative for none. The others stay in results.json.
	MaxTranscripts int
	// MaxBody bounds each transcript body shown, in bytes; default 64 KiB.
	MaxBody int
}

const (
	defaultMaxTranscripts = 100
	defaultMaxBody        = 64 << 10
)

//go:embed report.html.tmpl
var htmlTemplateText string

//go:embed diff.html.tmpl
var diffTemplateText string

// htmlView is what the template draws.
type htmlView struct {
	Title     string
	Generated string
	Refresh   int
	Live      bool
	Run       Run
	Duration  string
	Totals    Totals
	Outcomes  chart
	Rules     chart
	Coverage  coverageView
	Problems  []stepView
	Scenarios []scenarioView
	// LeftOut counts the scenarios left out by the run's selection, by
	// reason; they are not among Scenarios.
	LeftOut []ReasonCount
	// Traffic, Sections and Exchanges are the live page's totals, its
	// violations by rule and route, and its latest exchanges; Script and
	// ScriptHash its in-place refresh.
	Traffic    *Traffic
	Sections   []liveSection
	Exchanges  []exchangeView
	Script     template.JS
	ScriptHash string
	// Findings is what broke where, grouped (see Results.FindingGroups).
	Findings []FindingGroup
	Filters  filterView
	// TranscriptsOmitted counts failing steps whose transcript was left out
	// for MaxTranscripts.
	TranscriptsOmitted int
}

// stepView is a step that did not pass, with its transcript ready to show.
type stepView struct {
	Anchor     string
	Scenario   string
	Step       *Step
	Transcript *transcriptView
	Facets     facets
}

// facets are what the page's filters match on an item: space-separated
// values of data-outcome, data-resource and data-rule.
type facets struct {
	Outcome, Resources, Rules string
}

// filterView lists the values each filter offers.
type filterView struct {
	Outcomes  []Outcome
	Resources []string
	Rules     []string
	// Live words the filters for the live page's sections and exchanges.
	Live bool
}

// stepFacets gathers the facets of steps: the outcomes, resources, and the
// rules and difference kinds of their findings.
func stepFacets(outcome Outcome, steps ...*Step) facets {
	res, rules := map[string]bool{}, map[string]bool{}
	for _, st := range steps {
		res[ResourceOf(st.Route)] = true
		for _, v := range st.Violations {
			rules[v.Rule] = true
		}
		for _, d := range st.Differences {
			rules[d.Kind] = true
		}
	}
	return facets{Outcome: string(outcome), Resources: strings.Join(sortedKeys(res), " "), Rules: strings.Join(sortedKeys(rules), " ")}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// filters lists the values of the items' facets, for the filters' menus.
func filters(items []facets) filterView {
	seen := [3]map[string]bool{{}, {}, {}}
	for _, f := range items {
		for i, list := range []string{f.Outcome, f.Resources, f.Rules} {
			for _, v := range strings.Fields(list) {
				seen[i][v] = true
			}
		}
	}
	var fv filterView
	for _, o := range Outcomes() {
		if seen[0][string(o)] {
			fv.Outcomes = append(fv.Outcomes, o)
		}
	}
	fv.Resources, fv.Rules = sortedKeys(seen[1]), sortedKeys(seen[2])
	return fv
}

type transcriptView struct {
	Request, Response string
	// Recorded and Received are the recorded and the received response,
	// line by line, marked where they differ, when the step had a
	// recording.
	Recorded, Received []bodyLine
	Marked             bool
}

type scenarioView struct {
	Facets   facets
	Anchor   string
	Scenario *Scenario
	Open     bool
	Steps    []stepRow
	Skipped  int
}

type stepRow struct {
	Step    *Step
	Anchor  string
	Problem bool
}

func stepAnchor(sc, st int) string { return "s" + strconv.Itoa(sc) + "-" + strconv.Itoa(st) }

// newTemplate parses the report template; the template is part of the
// binary, so an error here is a bug caught by every test.
func newTemplate() (*template.Template, error) {
	t, err := template.New("report").Funcs(template.FuncMap{
		"status":  statusText,
		"outcome": func(o Outcome) string { return "o-" + string(o) },
		"join":    strings.Join,
		"inc":     func(i int) int { return i + 1 },
		"deref":   func(i *int) int { return *i },
		"entry":   acceptedLine,
		"plural":  plural,
	}).Parse(htmlTemplateText)
	if err != nil {
		return nil, err
	}
	return t.Parse(diffTemplateText)
}

// WriteHTML renders the full report: one self-contained HTML file, no
// scripts and no external assets, printable, with inline SVG charts
// (outcomes by resource, violations by rule, route coverage), every step
// that did not pass with its findings and redacted transcript, and every
// scenario with its steps and skipped comparisons.
func WriteHTML(w io.Writer, r *Results, opts HTMLOptions) error {
	v := baseView(r, opts, "ovcompat report")
	v.Problems, v.TranscriptsOmitted = problems(r, opts)
	v.Findings = r.FindingGroups()
	var items []facets
	for i := range v.Problems {
		items = append(items, v.Problems[i].Facets)
	}
	for i := range r.Scenarios {
		sc := &r.Scenarios[i]
		if sc.LeftOut != "" {
			continue
		}
		sv := scenarioView{Anchor: "scenario-" + strconv.Itoa(i), Scenario: sc}
		var steps []*Step
		for j := range sc.Steps {
			st := &sc.Steps[j]
			steps = append(steps, st)
			sv.Skipped += len(st.Skipped)
			sv.Steps = append(sv.Steps, stepRow{Step: st, Anchor: stepAnchor(i, j), Problem: isProblem(st.Outcome)})
		}
		sv.Facets = stepFacets(sc.Outcome, steps...)
		items = append(items, sv.Facets)
		v.Scenarios = append(v.Scenarios, sv)
	}
	v.Filters = filters(items)
	return execute(w, "report", v)
}

// WriteViolationsHTML renders a page of the violations in r grouped by rule,
// then route, then location and reason, with counts: the proxy's live
// /report page. The proxy builds r from its findings: Run with Kind "proxy",
// the upstream as Target and counters in Notes; one scenario (for example
// "live traffic") whose steps are the exchanges that had violations (Method,
// Path, Route, Status, Violations); set HTMLOptions.Refresh to make the page
// reload itself.
func WriteViolationsHTML(w io.Writer, r *Results, opts HTMLOptions) error {
	v := baseView(r, opts, "ovcompat: violations")
	v.Live = true
	v.Traffic = opts.Traffic
	v.Sections = liveSections(r.GroupByRule())
	v.Exchanges = exchangeViews(r)
	items := make([]facets, 0, len(v.Sections)+len(v.Exchanges))
	for _, s := range v.Sections {
		items = append(items, s.Facets)
	}
	for _, x := range v.Exchanges {
		items = append(items, x.Facets)
	}
	v.Filters = filters(items)
	v.Filters.Live = true
	if opts.Refresh > 0 {
		v.Script, v.ScriptHash = template.JS(liveScript), liveScriptHash()
	}
	return execute(w, "report", v)
}

func baseView(r *Results, opts HTMLOptions, title string) *htmlView {
	if opts.Title != "" {
		title = opts.Title
	}
	v := &htmlView{Title: title, Refresh: opts.Refresh, Run: r.Run, Totals: r.Count()}
	if !opts.Now.IsZero() {
		v.Generated = opts.Now.UTC().Format(time.RFC3339)
	}
	if !r.Run.Started.IsZero() && !r.Run.Finished.IsZero() {
		v.Duration = r.Run.Finished.Sub(r.Run.Started).Round(time.Millisecond).String()
	}
	v.Outcomes = outcomesChart(r.ByResource())
	v.Rules = rulesChart(r.ViolationsByRule())
	v.Coverage = newCoverageView(r.Coverage)
	v.LeftOut = r.LeftOutReasons()
	return v
}

func execute(w io.Writer, name string, v any) error {
	t, err := newTemplate()
	if err != nil {
		return fmt.Errorf("reports: html template: %w", err)
	}
	bw := &errWriter{w: w}
	if err := t.ExecuteTemplate(bw, name, v); err != nil {
		return fmt.Errorf("reports: render html: %w", err)
	}
	return bw.err
}

// errWriter remembers the first write error, so that a renderer reports it
// once whatever wrote.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	if err != nil {
		e.err = fmt.Errorf("reports: write: %w", err)
	}
	return n, err
}

func isProblem(o Outcome) bool { return o == Warn || o == Fail || o == Error }

// problems lists the steps that did not pass, worst outcome first, then in
// run order; transcripts go to the first MaxTranscripts of them.
func problems(r *Results, opts HTMLOptions) ([]stepView, int) {
	var out []stepView
	for i := range r.Scenarios {
		sc := &r.Scenarios[i]
		for j := range sc.Steps {
			if st := &sc.Steps[j]; isProblem(st.Outcome) {
				out = append(out, stepView{Anchor: stepAnchor(i, j), Scenario: sc.Name, Step: st, Facets: stepFacets(st.Outcome, st)})
			}
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Step.Outcome.rank() > out[b].Step.Outcome.rank() })
	limit, maxBody := opts.MaxTranscripts, opts.MaxBody
	if limit == 0 {
		limit = defaultMaxTranscripts
	}
	if maxBody <= 0 {
		maxBody = defaultMaxBody
	}
	omitted := 0
	for i := range out {
		t := out[i].Step.Transcript
		if t == nil {
			continue
		}
		if limit <= 0 {
			omitted++
			continue
		}
		limit--
		rt := RedactTranscript(*t)
		tv := &transcriptView{Request: formatMessage(rt.Request, true, maxBody), Response: formatMessage(rt.Response, false, maxBody)}
		if rt.Recorded != nil {
			tv.Recorded, tv.Received, tv.Marked = diffLines(formatMessage(*rt.Recorded, false, maxBody), tv.Response)
		}
		out[i].Transcript = tv
	}
	return out, omitted
}

// formatMessage writes a message as it went over the wire: the request or
// status line, the headers, a blank line and the body, cut at maxBody.
func formatMessage(m Message, request bool, maxBody int) string {
	var b strings.Builder
	if request {
		b.WriteString(m.Method + " " + m.URL + "\n")
	} else if m.Status != 0 {
		b.WriteString(strconv.Itoa(m.Status) + "\n")
	}
	for _, h := range m.Headers {
		b.WriteString(h.Name + ": " + h.Value + "\n")
	}
	if m.Body != "" {
		b.WriteString("\n")
		body, cut := m.Body, m.Truncated
		if len(body) > maxBody {
			body, cut = body[:maxBody], true
		}
		b.WriteString(body)
		if cut {
			b.WriteString("\n[... body truncated ...]")
		}
	}
	return b.String()
}

// statusText shows the status received and, when it differs, the one
// recorded.
func statusText(st *Step) string {
	got := "-"
	if st.Status != 0 {
		got = strconv.Itoa(st.Status)
	}
	if st.RecordedStatus != 0 && st.RecordedStatus != st.Status {
		return got + " (recorded " + strconv.Itoa(st.RecordedStatus) + ")"
	}
	return got
}
