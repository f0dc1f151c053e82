package reports

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Format is one file of the output folder every judging command writes
// (replay, crawl, the conformance suite, diff): its --format name, its
// fixed file name and its renderers, one for a run and one for a diff.
type Format struct {
	Name    string
	Aliases []string
	File    string
	Results func(w io.Writer, r *Results, now time.Time) error
	Diff    func(w io.Writer, d *Diff, opts DiffOptions) error
}

// Formats lists the files of the output folder, in the order they are
// written: the one list the commands and the conformance suite use.
func Formats() []Format {
	return []Format{
		{Name: "html", File: "report.html",
			Results: func(w io.Writer, r *Results, now time.Time) error { return WriteHTML(w, r, HTMLOptions{Now: now}) },
			Diff:    func(w io.Writer, d *Diff, o DiffOptions) error { return WriteDiffHTML(w, d, o) }},
		{Name: "md", Aliases: []string{"markdown"}, File: "report.md",
			Results: func(w io.Writer, r *Results, _ time.Time) error { return WriteMarkdown(w, r, MarkdownOptions{}) },
			Diff:    WriteDiffMarkdown},
		{Name: "junit", Aliases: []string{"xml"}, File: "junit.xml",
			Results: func(w io.Writer, r *Results, _ time.Time) error { return WriteJUnit(w, r) },
			Diff:    WriteDiffJUnit},
		{Name: "json", File: "results.json",
			Results: func(w io.Writer, r *Results, _ time.Time) error { return Write(w, r) },
			Diff:    WriteDiffJSON},
	}
}

// FormatNames lists the names of Formats.
func FormatNames() []string {
	var names []string
	for _, f := range Formats() {
		names = append(names, f.Name)
	}
	return names
}

// ChooseFormats picks formats by name or alias, in Formats' order and
// without repeats; an unknown name is an error naming the nearest.
func ChooseFormats(names []string) ([]Format, error) {
	all := Formats()
	want := make([]bool, len(all))
	for _, n := range names {
		n = strings.ToLower(strings.TrimSpace(n))
		i := slices.IndexFunc(all, func(f Format) bool { return f.Name == n || slices.Contains(f.Aliases, n) })
		if i < 0 {
			return nil, fmt.Errorf("%s: want %s", unknownName("format", n, FormatNames()), strings.Join(FormatNames(), ", "))
		}
		want[i] = true
	}
	var out []Format
	for i, f := range all {
		if want[i] {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("name at least one format of %s", strings.Join(FormatNames(), ", "))
	}
	return out, nil
}

// The formats of the summary a judging command prints on standard output.
const (
	SummaryText   = "text"   // for people at a terminal or in a CI log
	SummaryMD     = "md"     // a CI step summary, a pull-request comment
	SummaryJSON   = "json"   // results.json (a run) or the diff's JSON
	SummaryGitHub = "github" // GitHub Actions workflow commands: one annotation per group
)

// SummaryFormats lists the --format values of the summary on standard
// output.
func SummaryFormats() []string {
	return []string{SummaryText, SummaryMD, SummaryJSON, SummaryGitHub}
}

// WriteSummary writes a run's summary on standard output in format (see
// SummaryFormats): text is WriteText, md WriteMarkdown, json Write, github
// WriteGitHub.
func WriteSummary(w io.Writer, r *Results, format string) error {
	switch format {
	case SummaryMD:
		return WriteMarkdown(w, r, MarkdownOptions{})
	case SummaryJSON:
		return Write(w, r)
	case SummaryGitHub:
		return WriteGitHub(w, r)
	}
	return WriteText(w, r)
}

// WriteDiffSummary writes a diff's summary in format, like WriteSummary.
func WriteDiffSummary(w io.Writer, d *Diff, format string, opts DiffOptions) error {
	switch format {
	case SummaryMD:
		return WriteDiffMarkdown(w, d, opts)
	case SummaryJSON:
		return WriteDiffJSON(w, d, opts)
	case SummaryGitHub:
		return WriteDiffGitHub(w, d, opts)
	}
	return WriteDiffText(w, d, opts)
}
