package main

import (
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/ovcompat/ovcompat/reports"
)

// gradedFlags are the output flags of the commands whose result is a list
// of graded changes (schema diff, compat): --fail-on, --out and --format,
// with the exit codes of diff.
type gradedFlags struct {
	failOn, out, format string
}

func (g *gradedFlags) add(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringVar(&g.failOn, "fail-on", "breaking", "lowest grade that fails (exit code 1): breaking or warning")
	fs.StringVar(&g.out, "out", "", "output `DIR` for results.json, report.html, report.md and junit.xml (default: none)")
	fs.StringVar(&g.format, "format", "text", "standard output: text, md, json (results.json's form) or github (GitHub Actions annotations)")
}

// changeFormats are what --format writes to standard output.
var changeFormats = map[string]func(io.Writer, *reports.Results) error{
	"text": reports.WriteChangesText,
	"md": func(w io.Writer, r *reports.Results) error {
		return reports.WriteMarkdown(w, r, reports.MarkdownOptions{})
	},
	"markdown": func(w io.Writer, r *reports.Results) error {
		return reports.WriteMarkdown(w, r, reports.MarkdownOptions{})
	},
	"json":   reports.Write,
	"github": reports.WriteGitHub,
}

// check validates the flags before any work is done.
func (g *gradedFlags) check() (reports.Grade, error) {
	threshold, err := reports.ParseGrade(g.failOn)
	if err != nil || threshold == reports.GradeInfo {
		return "", usageError("--fail-on %q: want breaking or warning", g.failOn)
	}
	if changeFormats[g.format] == nil {
		return "", usageError("--format %q: want text, md, json or github", g.format)
	}
	return threshold, nil
}

// emit writes the results to --out and to stdout in --format, and
// returns the exit: findings when a change reaches the threshold.
func (g *gradedFlags) emit(stdout io.Writer, res *reports.Results, threshold reports.Grade, now time.Time) error {
	if g.out != "" {
		if err := writeOutputs(g.out, res); err != nil {
			return usageError("%v", err)
		}
	}
	if err := changeFormats[g.format](stdout, res); err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	d := res.Count().Differences
	if d.Breaking > 0 || threshold == reports.GradeWarn && d.Warning > 0 {
		return findings()
	}
	return nil
}
