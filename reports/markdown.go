package reports

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// MarkdownOptions tune WriteMarkdown. The zero value is ready to use.
type MarkdownOptions struct {
	// MaxSteps bounds the steps listed under "Steps that did not pass",
	// worst first (default 50), so that the summary fits a pull-request
	// comment (GitHub takes 65,536 characters). The totals always count
	// everything.
	MaxSteps int
	// MaxFindings bounds the violations and differences listed per step
	// (default 10).
	MaxFindings int
}

// WriteMarkdown renders a summary for CI step summaries and pull-request
// comments: the outcome, the totals, coverage, the steps that did not pass
// with their findings, the skipped steps and scenario errors. Text from the
// run is escaped so that it cannot inject Markdown or HTML.
func WriteMarkdown(w io.Writer, r *Results, opts MarkdownOptions) error {
	if opts.MaxSteps <= 0 {
		opts.MaxSteps = 50
	}
	if opts.MaxFindings <= 0 {
		opts.MaxFindings = 10
	}
	t := r.Count()
	bw := &errWriter{w: w}
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }

	p("## ovcompat: %s\n\n", strings.ToUpper(string(t.Outcome)))
	p("Target `%s`", mdCode(r.Run.Target))
	if r.Run.Product != "" || r.Run.EngineVersion != "" {
		p(" (%s)", mdText(strings.TrimSpace(r.Run.Product+" "+r.Run.EngineVersion)))
	}
	p(" · ovcompat %s · %s", mdText(r.Run.ToolVersion), mdText(r.Run.ModelVersion))
	if r.Run.LabelFilter != "" {
		p(" · labels `%s`", mdCode(r.Run.LabelFilter))
	}
	if r.Run.ReadOnly {
		p(" · read-only")
	}
	p("\n\n")

	p("| | pass | warn | fail | error | skip |\n|---|---:|---:|---:|---:|---:|\n")
	for _, row := range []struct {
		name string
		c    OutcomeCounts
	}{{"Scenarios", t.Scenarios}, {"Steps", t.Steps}} {
		p("| %s | %d | %d | %d | %d | %d |\n", row.name, row.c.Pass, row.c.Warn, row.c.Fail, row.c.Error, row.c.Skip)
	}
	if t.LeftOut > 0 {
		p("\nLeft out by the run's selection, not counted above: %d scenarios", t.LeftOut)
		for i, rc := range r.LeftOutReasons() {
			sep := "; "
			if i == 0 {
				sep = " ("
			}
			p("%s%d: %s", sep, rc.Count, mdText(rc.Reason))
		}
		p(").\n")
	}
	p("\nViolations: %d error, %d warning, %d info. Differences: %d breaking, %d warning, %d info. Comparisons skipped (values that vary by nature): %d.",
		t.Violations.Error, t.Violations.Warning, t.Violations.Info,
		t.Differences.Breaking, t.Differences.Warning, t.Differences.Info, t.SkippedComparisons)
	if r.Coverage != nil {
		p(" Routes exercised: %d of %d (%s).", t.RoutesExercised, t.RoutesTotal, percent(t.RoutesExercised, t.RoutesTotal))
	}
	p("\n")

	if rules := r.ViolationsByRule(); len(rules) > 0 {
		p("\n### Violations by rule\n\n| rule | worst | count |\n|---|---|---:|\n")
		for i, rc := range rules {
			if i == opts.MaxSteps {
				p("| … %d more rules | | |\n", len(rules)-i)
				break
			}
			p("| `%s` | %s | %d |\n", mdCell(rc.Rule), rc.Severity, rc.Count)
		}
	}

	writeMarkdownGroups(p, r.FindingGroups())
	writeMarkdownProblems(p, r, opts)
	writeMarkdownSkips(p, r)
	return bw.err
}

// writeMarkdownGroups writes what broke where: one row per group, its
// most frequent places under it (info groups in one row).
func writeMarkdownGroups(p func(string, ...any), groups []FindingGroup) {
	if len(groups) == 0 {
		return
	}
	p("\n### What broke, where\n\n| grade | finding | where | count | steps |\n|---|---|---|---:|---:|\n")
	for i := range groups {
		g := &groups[i]
		p("| %s | **`%s`** | %s | **%d** | %d |\n", g.Grade, mdCell(g.Title()), plural(g.Routes, "route"), g.Count, g.Steps)
		if g.Grade == GradeInfo {
			continue
		}
		for j, pl := range g.Places {
			if j == maxTextPlaces {
				p("| | | … and %s | | |\n", morePlaces(len(g.Places)-j))
				break
			}
			where := "`" + mdCell(pl.Route) + "`"
			if pl.Location != "" {
				where += " `" + mdCell(pl.Location) + "`"
			}
			p("| | | %s | %d | %d |\n", where, pl.Count, pl.Steps)
		}
	}
}

func writeMarkdownProblems(p func(string, ...any), r *Results, opts MarkdownOptions) {
	probs, _ := problems(r, HTMLOptions{MaxTranscripts: -1})
	var scenarioErrors []*Scenario
	for i := range r.Scenarios {
		if r.Scenarios[i].Error != "" {
			scenarioErrors = append(scenarioErrors, &r.Scenarios[i])
		}
	}
	if len(probs) == 0 && len(scenarioErrors) == 0 {
		p("\nEvery step that ran passed.\n")
		return
	}
	if len(scenarioErrors) > 0 {
		p("\n### Harness errors\n\n")
		for _, sc := range scenarioErrors {
			p("- **%s**: %s\n", mdText(sc.Name), mdText(sc.Error))
		}
	}
	if len(probs) == 0 {
		return
	}
	p("\n### Steps that did not pass\n\n")
	for i, pr := range probs {
		if i == opts.MaxSteps {
			p("\n… and %d more steps that did not pass: see report.html.\n", len(probs)-i)
			break
		}
		st := pr.Step
		p("- **%s** %s · step %d", st.Outcome, mdText(pr.Scenario), st.Index+1)
		if st.Name != "" {
			p(" %s", mdText(st.Name))
		}
		p(": `%s` · status %s\n", mdCode(st.RouteKey()), statusText(st))
		if st.Error != "" {
			p("  - harness error: %s\n", mdText(st.Error))
		}
		n := 0
		for _, v := range st.Violations {
			if n == opts.MaxFindings {
				break
			}
			n++
			p("  - %s `%s` at `%s`: %s\n", v.Severity, mdCode(v.Rule), mdCode(v.Location), mdText(v.Reason))
		}
		for _, d := range st.Differences {
			if n == opts.MaxFindings {
				break
			}
			n++
			p("  - %s `%s` at `%s`: %s", d.Grade, mdCode(d.Kind), mdCode(d.Location), mdText(d.Reason))
			if d.Base != "" || d.New != "" {
				p(" (%s → %s)", mdText(d.Base), mdText(d.New))
			}
			p("\n")
		}
		if more := len(st.Violations) + len(st.Differences) - n; more > 0 {
			p("  - … %d more findings\n", more)
		}
	}
}

// writeMarkdownSkips lists why steps were skipped: a skip is always shown.
func writeMarkdownSkips(p func(string, ...any), r *Results) {
	reasons := map[string]int{}
	for i := range r.Scenarios {
		for j := range r.Scenarios[i].Steps {
			if st := &r.Scenarios[i].Steps[j]; st.Outcome == Skip {
				why := st.SkipReason
				if why == "" {
					why = "no reason given"
				}
				reasons[why]++
			}
		}
	}
	if len(reasons) == 0 {
		return
	}
	keys := make([]string, 0, len(reasons))
	for k := range reasons {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	p("\n### Skipped steps\n\n")
	for _, k := range keys {
		p("- %d: %s\n", reasons[k], mdText(k))
	}
}

// mdText escapes text for Markdown and for the HTML GitHub lets through.
var mdTextReplacer = strings.NewReplacer(
	"&", "&amp;", "<", "&lt;", ">", "&gt;", "|", "\\|", "\\", "\\\\", "`", "\\`",
	"*", "\\*", "_", "\\_", "[", "\\[", "]", "\\]", "#", "\\#", "\n", " ", "\r", " ",
)

func mdText(s string) string { return mdTextReplacer.Replace(s) }

// mdCode makes text safe inside a one-backtick code span, where a
// backtick would end it.
var mdCodeReplacer = strings.NewReplacer("`", "'", "\n", " ", "\r", " ")

func mdCode(s string) string { return mdCodeReplacer.Replace(s) }

// mdCell is mdCode for a code span in a table cell, where a pipe would end
// the cell (GitHub reads \| as a pipe even in code).
func mdCell(s string) string { return strings.ReplaceAll(mdCode(s), "|", "\\|") }
