package reports

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// maxTextPlaces bounds the places listed per group in the text summary;
// report.html and results.json list them all.
const maxTextPlaces = 5

// WriteText writes a run's summary for people at a terminal or in a CI
// log: one line per scenario (outcome, name, its steps by outcome), the
// scenarios left out, the totals, the harness errors and what broke where,
// grouped by kind (or rule), route and location pattern, worst first.
func WriteText(w io.Writer, r *Results) error {
	bw := &errWriter{w: w}
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	for i := range r.Scenarios {
		if sc := &r.Scenarios[i]; sc.LeftOut == "" {
			p("%s\n", ScenarioLine(sc))
		}
	}
	for _, rc := range r.LeftOutReasons() {
		p("  left out: %s, %s\n", plural(rc.Count, "scenario"), rc.Reason)
	}
	p("\n%s\n", TotalsLine(r))
	for i := range r.Scenarios {
		sc := &r.Scenarios[i]
		if sc.Error != "" {
			p("  %-8s %s: %s\n", Error, sc.Name, sc.Error)
		}
		for j := range sc.Steps {
			if st := &sc.Steps[j]; st.Error != "" {
				p("  %-8s %s step %d: %s\n", Error, sc.Name, st.Index+1, st.Error)
			}
		}
	}
	if groups := r.FindingGroups(); len(groups) > 0 {
		p("\nwhat broke, where (by kind or rule, route and location; worst first; info in one line):\n")
		for i := range groups {
			g := &groups[i]
			p("  %-8s %s\n", g.Grade, groupLine(g))
			if g.Grade == GradeInfo {
				continue // a line is enough: it changes no outcome
			}
			for j, pl := range g.Places {
				if j == maxTextPlaces {
					p("           ... and %s (report.html lists them)\n", morePlaces(len(g.Places)-j))
					break
				}
				p("    %6d  %s  (first: %s)\n", pl.Count, pl.where(), pl.first())
			}
			p("           %s\n", g.Places[0].Reason)
		}
	}
	return bw.err
}

// morePlaces says how many places a list left out: "3 more places".
func morePlaces(n int) string {
	if n == 1 {
		return "1 more place"
	}
	return strconv.Itoa(n) + " more places"
}

// Rounded shows a duration as people read it: milliseconds below a
// second, tenths of a second above.
func Rounded(d Duration) string {
	td := time.Duration(d)
	if td < time.Second {
		return td.Round(time.Millisecond).String()
	}
	return td.Round(100 * time.Millisecond).String()
}

// ScenarioLine is one scenario's line in a summary or a progress log:
// outcome, name, its steps by outcome and its duration.
func ScenarioLine(sc *Scenario) string {
	return fmt.Sprintf("  %-5s %-34s %-24s %s", strings.ToUpper(string(sc.Outcome)), sc.Name, StepCounts(sc), Rounded(sc.Duration))
}

// StepCounts counts a scenario's steps by outcome: "3 pass, 1 fail".
func StepCounts(sc *Scenario) string {
	var n OutcomeCounts
	for _, st := range sc.Steps {
		n.Add(st.Outcome)
	}
	var parts []string
	for _, o := range Outcomes() {
		if k := n.Of(o); k > 0 {
			parts = append(parts, strconv.Itoa(k)+" "+string(o))
		}
	}
	if len(parts) == 0 {
		return "no steps"
	}
	return strings.Join(parts, ", ")
}

// TotalsLine counts the scenarios and steps of a run, the steps by
// outcome, and the scenarios the selection left out.
func TotalsLine(r *Results) string {
	t := r.Count()
	s := t.Steps
	line := fmt.Sprintf("%s, %s: %d pass, %d warn, %d fail, %d error, %d skip",
		plural(t.Scenarios.Total(), "scenario"), plural(s.Total(), "step"), s.Pass, s.Warn, s.Fail, s.Error, s.Skip)
	if t.LeftOut > 0 {
		line += fmt.Sprintf("; %s left out by the selection", plural(t.LeftOut, "scenario"))
	}
	return line
}

// GitHub Actions workflow commands
// (https://docs.github.com/actions/reference/workflow-commands-for-github-actions):
// one annotation per group of findings, error for breaking, warning for
// warning, notice for info.

func githubLevel(g Grade) string {
	switch g {
	case Breaking:
		return "error"
	case GradeWarn:
		return "warning"
	}
	return "notice"
}

// githubData escapes a command's message; githubProperty a property's
// value, which also may not hold : or ,.
func githubData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func githubProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

func writeGitHubGroups(p func(string, ...any), groups []FindingGroup, prefix string) {
	for i := range groups {
		g := &groups[i]
		var b strings.Builder
		b.WriteString(groupLine(g))
		for j, pl := range g.Places {
			if j == maxTextPlaces {
				fmt.Fprintf(&b, "\n... and %s", morePlaces(len(g.Places)-j))
				break
			}
			fmt.Fprintf(&b, "\n%d: %s (first: %s)", pl.Count, pl.where(), pl.first())
		}
		fmt.Fprintf(&b, "\n%s", g.Places[0].Reason)
		p("::%s title=%s::%s\n", githubLevel(g.Grade), githubProperty(prefix+g.Title()), githubData(b.String()))
	}
}

// WriteGitHub writes a run's findings as GitHub Actions annotations, one
// per group, then the totals as a notice.
func WriteGitHub(w io.Writer, r *Results) error {
	bw := &errWriter{w: w}
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	for i := range r.Scenarios {
		if sc := &r.Scenarios[i]; sc.Error != "" {
			p("::error title=%s::%s\n", githubProperty("ovcompat harness error in "+sc.Name), githubData(sc.Error))
		}
	}
	writeGitHubGroups(p, r.FindingGroups(), "ovcompat ")
	p("::notice title=ovcompat %s::%s\n", githubProperty(string(r.Count().Outcome)), githubData(TotalsLine(r)))
	return bw.err
}

// WriteDiffGitHub writes the changes not accepted as GitHub Actions
// annotations, one per group, then the verdict.
func WriteDiffGitHub(w io.Writer, d *Diff, opts DiffOptions) error {
	opts = opts.withDefaults()
	bw := &errWriter{w: w}
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	writeGitHubGroups(p, d.Groups(false), "ovcompat diff ")
	level := "notice"
	if len(d.Failing(opts.FailOn)) > 0 {
		level = "error"
	}
	_, accepted := d.Counts()
	p("::%s title=ovcompat diff::%s\n", level, githubData(fmt.Sprintf("%s; %d accepted by the baseline", verdict(d, opts.FailOn), accepted)))
	return bw.err
}
