package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// DiffVersion is the version of the JSON WriteDiffJSON writes, and DiffKind
// its "kind" (results.json of a run has its kind in "run").
const (
	DiffVersion = 1
	DiffKind    = "diff"
)

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// WriteDiffJSON writes the diff as JSON: {"version", "kind": "diff",
// "fail_on", "failed", "base", "new", "counts", "accepted", "by_kind",
// "groups", "accepted_by", "changes", "unused_baseline"}. Every change is
// listed, whatever opts.All says.
func WriteDiffJSON(w io.Writer, d *Diff, opts DiffOptions) error {
	opts = opts.withDefaults()
	failOn := opts.FailOn
	counts, accepted := d.Counts()
	changes := d.Changes
	if changes == nil {
		changes = []Change{}
	}
	out := struct {
		Version    int             `json:"version"`
		Kind       string          `json:"kind"`
		FailOn     Grade           `json:"fail_on"`
		Failed     bool            `json:"failed"`
		Base       Run             `json:"base"`
		New        Run             `json:"new"`
		Counts     GradeCounts     `json:"counts"`
		Accepted   int             `json:"accepted"`
		ByKind     []KindCount     `json:"by_kind"`
		Groups     []FindingGroup  `json:"groups"`
		AcceptedBy []AcceptedGroup `json:"accepted_by,omitempty"`
		Changes    []Change        `json:"changes"`
		Unused     []Accepted      `json:"unused_baseline,omitempty"`
	}{DiffVersion, DiffKind, failOn, len(d.Failing(failOn)) > 0, d.Base, d.New, counts, accepted, d.ByKind(), nonNil(d.Groups(false)), d.AcceptedByEntry(), changes, d.Unused}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("reports: write diff: %w", err)
	}
	return nil
}

// where names a change's place: scenario, step and route.
func (c *Change) where() string {
	var parts []string
	if c.Scenario != "" {
		parts = append(parts, c.Scenario)
	}
	if c.Step != nil {
		s := "step " + strconv.Itoa(*c.Step+1)
		if c.StepName != "" {
			s += " (" + c.StepName + ")"
		}
		parts = append(parts, s)
	}
	if c.Route != "" {
		parts = append(parts, c.Route)
	}
	if len(parts) == 0 {
		return "run"
	}
	return strings.Join(parts, " · ")
}

// what names a change: its kind, and its rule for violation changes.
func (c *Change) what() string {
	if c.Rule != "" {
		return c.Kind + " " + c.Rule
	}
	return c.Kind
}

func (c *Change) sides() string {
	if c.Base == "" && c.New == "" {
		return ""
	}
	b, n := c.Base, c.New
	if b == "" {
		b = "-"
	}
	if n == "" {
		n = "-"
	}
	return " (" + b + " -> " + n + ")"
}

// DiffOptions tune the diff's renderers. The zero value fails on breaking
// changes and lists groups, not every change.
type DiffOptions struct {
	// FailOn is the lowest grade that fails the gate; default breaking.
	FailOn Grade
	// All lists every change, accepted ones included, after the groups.
	All bool
	// MaxPlaces bounds the places listed per group (default 8; the
	// group's counts always count them all).
	MaxPlaces int
}

func (o DiffOptions) withDefaults() DiffOptions {
	if o.FailOn == "" {
		o.FailOn = Breaking
	}
	if o.MaxPlaces <= 0 {
		o.MaxPlaces = 8
	}
	return o
}

// verdict says in one line whether the gate passes.
func verdict(d *Diff, failOn Grade) string {
	failing := len(d.Failing(failOn))
	if failing == 0 {
		return fmt.Sprintf("PASS: no change at or above %s that is not accepted", failOn)
	}
	return fmt.Sprintf("FAIL: %s at or above %s not accepted", plural(failing, "change"), failOn)
}

// plural writes n and the noun, with an s unless n is 1.
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// groupLine is a group's headline: "link-removed: 848 on 12 routes, 41 steps".
func groupLine(g *FindingGroup) string {
	s := g.Title() + ": " + strconv.Itoa(g.Count)
	if g.Routes > 0 {
		s += " on " + plural(g.Routes, "route")
	}
	if g.Steps > 0 {
		s += ", " + plural(g.Steps, "step")
	}
	return s
}

func (p *Place) where() string {
	s := p.Route
	if s == "" {
		s = "run"
	}
	if p.Location != "" {
		s += " at " + p.Location
	}
	return s
}

func (p *Place) first() string {
	if p.Scenario == "" {
		return ""
	}
	if p.Step == nil {
		return p.Scenario
	}
	return p.Scenario + " step " + strconv.Itoa(*p.Step+1)
}

func acceptedSummary(g *AcceptedGroup) string {
	s := "accepted " + strconv.Itoa(g.Count)
	if g.Routes > 0 {
		s += " on " + plural(g.Routes, "route")
	}
	if g.Steps > 0 {
		s += ", " + plural(g.Steps, "step")
	}
	return s
}

// WriteDiffText writes the diff for people at a terminal: the verdict, the
// changes not accepted grouped by kind, route and location (worst first),
// what each baseline entry accepted, the entries that matched nothing, and
// with opts.All every change.
func WriteDiffText(w io.Writer, d *Diff, opts DiffOptions) error {
	opts = opts.withDefaults()
	bw := &errWriter{w: w}
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	p("base: %s\nnew:  %s\n", runLine(d.Base), runLine(d.New))
	counts, accepted := d.Counts()
	p("%s\nchanges: %d breaking, %d warning, %d info; %d accepted\n", verdict(d, opts.FailOn), counts.Breaking, counts.Warning, counts.Info, accepted)
	if groups := d.Groups(false); len(groups) > 0 {
		p("\nwhat changed (by kind, route and location; worst first):\n")
		for i := range groups {
			g := &groups[i]
			p("  %-8s %s\n", g.Grade, groupLine(g))
			for j, pl := range g.Places {
				if j == opts.MaxPlaces {
					p("           ... and %s (--all lists every change)\n", morePlaces(len(g.Places)-j))
					break
				}
				p("    %6d  %s", pl.Count, pl.where())
				if f := pl.first(); f != "" {
					p("  (first: %s)", f)
				}
				p("\n")
			}
			if len(g.Places) > 0 {
				p("           %s\n", g.Places[0].Reason)
			}
		}
	}
	if acc := d.AcceptedByEntry(); len(acc) > 0 {
		p("\naccepted by the baseline:\n")
		for i := range acc {
			a := &acc[i]
			p("  line %d: %s: %s\n           %s\n", a.Entry.Line, acceptedLine(a.Entry), acceptedSummary(a), a.Entry.Reason)
		}
	}
	if len(d.Unused) > 0 {
		p("\nbaseline entries that matched nothing:\n")
		for _, a := range d.Unused {
			p("  line %d: %s\n", a.Line, acceptedLine(a))
		}
	}
	if opts.All {
		section := func(title string, acceptedOnes bool) {
			first := true
			for i := range d.Changes {
				c := &d.Changes[i]
				if c.Accepted != acceptedOnes {
					continue
				}
				if first {
					p("\n%s\n", title)
					first = false
				}
				p("  %-8s %s at %s\n", c.Grade, c.what(), c.where())
				if c.Location != "" {
					p("           location %s\n", c.Location)
				}
				p("           %s%s\n", c.Reason, c.sides())
				if c.Accepted {
					p("           accepted (line %d): %s\n", c.AcceptedLine, c.AcceptedReason)
				}
			}
		}
		section("every change:", false)
		section("every accepted change:", true)
	}
	return bw.err
}

func runLine(r Run) string {
	s := r.Target
	if e := engineOf(r); e != "" {
		s += " (" + e + ")"
	}
	if !r.Started.IsZero() {
		s += " at " + r.Started.UTC().Format("2006-01-02 15:04:05Z")
	}
	return s
}

func acceptedLine(a Accepted) string {
	var parts []string
	if a.Kind != "" {
		parts = append(parts, "kind "+a.Kind)
	}
	if a.Rule != "" {
		parts = append(parts, "rule "+a.Rule)
	}
	parts = append(parts, "route "+a.Route)
	if a.Location != "" {
		parts = append(parts, "location "+a.Location)
	}
	return strings.Join(parts, ", ")
}

// maxMarkdownChanges bounds the rows of the Markdown list of every change
// (DiffOptions.All), so that the summary fits a pull-request comment.
const maxMarkdownChanges = 100

// WriteDiffMarkdown writes the diff for a pull-request comment or a CI step
// summary: the verdict, the counts, the changes not accepted grouped by
// kind, route and location, what each baseline entry accepted, and with
// opts.All the changes one by one (at most 100; --format json lists them
// all).
func WriteDiffMarkdown(w io.Writer, d *Diff, opts DiffOptions) error {
	opts = opts.withDefaults()
	bw := &errWriter{w: w}
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	counts, accepted := d.Counts()
	p("## ovcompat diff: %s\n\n", mdText(verdict(d, opts.FailOn)))
	p("Base `%s` → new `%s`\n\n", mdCode(runLine(d.Base)), mdCode(runLine(d.New)))
	p("| breaking | warning | info | accepted |\n|---:|---:|---:|---:|\n| %d | %d | %d | %d |\n", counts.Breaking, counts.Warning, counts.Info, accepted)
	if groups := d.Groups(false); len(groups) > 0 {
		p("\n### What changed\n\n| grade | change | where | count | steps | reason |\n|---|---|---|---:|---:|---|\n")
		for i := range groups {
			g := &groups[i]
			p("| %s | **`%s`** | %s | **%d** | %d | |\n", g.Grade, mdCell(g.Title()), plural(g.Routes, "route"), g.Count, g.Steps)
			for j, pl := range g.Places {
				if j == opts.MaxPlaces {
					p("| | | … and %s | | | |\n", morePlaces(len(g.Places)-j))
					break
				}
				where := "`" + mdCell(pl.Route) + "`"
				if pl.Location != "" {
					where += " `" + mdCell(pl.Location) + "`"
				}
				p("| | | %s | %d | %d | %s |\n", where, pl.Count, pl.Steps, mdText(pl.Reason))
			}
		}
	}
	if acc := d.AcceptedByEntry(); len(acc) > 0 {
		p("\n### Accepted by the baseline\n\n| line | entry | accepted | reason |\n|---:|---|---|---|\n")
		for i := range acc {
			a := &acc[i]
			p("| %d | %s | %s | %s |\n", a.Entry.Line, mdText(acceptedLine(a.Entry)), mdText(acceptedSummary(a)), mdText(a.Entry.Reason))
		}
	}
	if len(d.Unused) > 0 {
		p("\n### Baseline entries that matched nothing\n\n")
		for _, a := range d.Unused {
			p("- line %d: %s\n", a.Line, mdText(acceptedLine(a)))
		}
	}
	if opts.All {
		n := 0
		for i := range d.Changes {
			c := &d.Changes[i]
			if n == 0 {
				p("\n### Every change\n\n| grade | change | where | location | reason | accepted because |\n|---|---|---|---|---|---|\n")
			}
			if n == maxMarkdownChanges {
				p("\n… and %d more; `ovcompat diff --format json` lists them all.\n", len(d.Changes)-n)
				break
			}
			n++
			loc := ""
			if c.Location != "" {
				loc = "`" + mdCell(c.Location) + "`"
			}
			p("| %s | `%s` | %s | %s | %s | %s |\n", c.Grade, mdCell(c.what()), mdText(c.where()), loc, mdText(c.Reason+c.sides()), mdText(c.AcceptedReason))
		}
	}
	return bw.err
}
