package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// DiffVersion is the version of the JSON WriteDiffJSON writes.
const DiffVersion = 1

// WriteDiffJSON writes the diff as JSON: {"version", "fail_on", "failed",
// "base", "new", "counts", "accepted", "by_kind", "changes",
// "unused_baseline"}.
func WriteDiffJSON(w io.Writer, d *Diff, failOn Grade) error {
	counts, accepted := d.Counts()
	changes := d.Changes
	if changes == nil {
		changes = []Change{}
	}
	out := struct {
		Version  int         `json:"version"`
		FailOn   Grade       `json:"fail_on"`
		Failed   bool        `json:"failed"`
		Base     Run         `json:"base"`
		New      Run         `json:"new"`
		Counts   GradeCounts `json:"counts"`
		Accepted int         `json:"accepted"`
		ByKind   []KindCount `json:"by_kind"`
		Changes  []Change    `json:"changes"`
		Unused   []Accepted  `json:"unused_baseline,omitempty"`
	}{DiffVersion, failOn, len(d.Failing(failOn)) > 0, d.Base, d.New, counts, accepted, d.ByKind(), changes, d.Unused}
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

// verdict says in one line whether the gate passes.
func verdict(d *Diff, failOn Grade) string {
	failing := len(d.Failing(failOn))
	if failing == 0 {
		return fmt.Sprintf("PASS: no change at or above %s that is not accepted", failOn)
	}
	return fmt.Sprintf("FAIL: %d change(s) at or above %s not accepted", failing, failOn)
}

// WriteDiffText writes the diff for people at a terminal: the verdict, the
// changes not accepted (worst first), the accepted ones with their reasons,
// and the baseline entries that matched nothing.
func WriteDiffText(w io.Writer, d *Diff, failOn Grade) error {
	bw := &errWriter{w: w}
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	p("base: %s\nnew:  %s\n", runLine(d.Base), runLine(d.New))
	counts, accepted := d.Counts()
	p("%s\nchanges: %d breaking, %d warning, %d info; %d accepted\n", verdict(d, failOn), counts.Breaking, counts.Warning, counts.Info, accepted)
	if kinds := d.ByKind(); len(kinds) > 0 {
		p("\nby kind:\n")
		for _, k := range kinds {
			name := k.Kind
			if k.Rule != "" {
				name += " " + k.Rule
			}
			p("  %-8s %-48s %6d", k.Grade, name, k.Count)
			if k.Accepted > 0 {
				p("  (%d accepted)", k.Accepted)
			}
			p("\n")
		}
	}
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
				p("           accepted: %s\n", c.AcceptedReason)
			}
		}
	}
	section("changes:", false)
	section("accepted (baseline):", true)
	if len(d.Unused) > 0 {
		p("\nbaseline entries that matched nothing:\n")
		for _, a := range d.Unused {
			p("  line %d: %s\n", a.Line, acceptedLine(a))
		}
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

// maxMarkdownChanges bounds the rows of each Markdown table of changes, so
// that the summary fits a pull-request comment; the table by kind always
// counts every change, and the changes not accepted come first.
const maxMarkdownChanges = 100

// WriteDiffMarkdown writes the diff for a pull-request comment or a CI step
// summary: the verdict, the counts by kind, and the changes (at most 100 per
// table, worst first; --format json or text lists them all).
func WriteDiffMarkdown(w io.Writer, d *Diff, failOn Grade) error {
	bw := &errWriter{w: w}
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	counts, accepted := d.Counts()
	p("## ovcompat diff: %s\n\n", mdText(verdict(d, failOn)))
	p("Base `%s` → new `%s`\n\n", mdCode(runLine(d.Base)), mdCode(runLine(d.New)))
	p("| breaking | warning | info | accepted |\n|---:|---:|---:|---:|\n| %d | %d | %d | %d |\n", counts.Breaking, counts.Warning, counts.Info, accepted)
	if kinds := d.ByKind(); len(kinds) > 0 {
		p("\n| grade | kind | count | accepted |\n|---|---|---:|---:|\n")
		for _, k := range kinds {
			name := k.Kind
			if k.Rule != "" {
				name += " " + k.Rule
			}
			p("| %s | `%s` | %d | %d |\n", k.Grade, mdCell(name), k.Count, k.Accepted)
		}
	}
	table := func(title string, acceptedOnes bool) {
		first, n, left := true, 0, 0
		defer func() {
			if left > 0 {
				p("\n… and %d more; `ovcompat diff --format json` lists them all.\n", left)
			}
		}()
		for i := range d.Changes {
			c := &d.Changes[i]
			if c.Accepted != acceptedOnes {
				continue
			}
			if n == maxMarkdownChanges {
				left++
				continue
			}
			n++
			if first {
				head, rule := "| grade | change | where | location | reason |", "|---|---|---|---|---|"
				if acceptedOnes {
					head, rule = head+" accepted because |", rule+"---|"
				}
				p("\n### %s\n\n%s\n%s\n", title, head, rule)
				first = false
			}
			loc := ""
			if c.Location != "" {
				loc = "`" + mdCell(c.Location) + "`"
			}
			p("| %s | `%s` | %s | %s | %s |", c.Grade, mdCell(c.what()), mdText(c.where()), loc, mdText(c.Reason+c.sides()))
			if acceptedOnes {
				p(" %s |", mdText(c.AcceptedReason))
			}
			p("\n")
		}
	}
	table("Changes", false)
	table("Accepted (baseline)", true)
	if len(d.Unused) > 0 {
		p("\n### Baseline entries that matched nothing\n\n")
		for _, a := range d.Unused {
			p("- line %d: %s\n", a.Line, mdText(acceptedLine(a)))
		}
	}
	return bw.err
}
