package main

import (
	"io"
	"slices"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

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
	failOnVar(fs, &g.failOn, "lowest grade that fails (exit code 1): breaking or warning")
	fs.StringVar(&g.out, "out", "", "output `DIR` for results.json, report.html, report.md and junit.xml (default: none)")
	summaryFormatVar(fs, &g.format, "standard output: text, md, json (results.json's form) or github (GitHub Actions annotations)")
}

// failOnVar defines --fail-on: a grade that can fail a command, breaking
// or warning (warn for short, as reports.ParseGrade takes it).
func failOnVar(fs *pflag.FlagSet, p *string, usage string) {
	grades := []string{string(reports.Breaking), string(reports.GradeWarn)}
	choiceVar(fs, p, "fail-on", string(reports.Breaking), grades, map[string]string{"warn": string(reports.GradeWarn)}, usage)
}

// summaryFormatVar defines --format of a command that prints a summary on
// standard output (reports.SummaryFormats), taking the aliases the output
// folder's formats take (markdown for md).
func summaryFormatVar(fs *pflag.FlagSet, p *string, usage string) {
	choiceVar(fs, p, "format", reports.SummaryText, reports.SummaryFormats(), formatAliases(reports.SummaryFormats()), usage)
}

// formatAliases are the aliases reports.Formats gives to the formats
// named, by alias.
func formatAliases(names []string) map[string]string {
	out := map[string]string{}
	for _, f := range reports.Formats() {
		if slices.Contains(names, f.Name) {
			for _, a := range f.Aliases {
				out[a] = f.Name
			}
		}
	}
	return out
}

// changeFormats are what --format (one of reports.SummaryFormats) writes
// to standard output.
var changeFormats = map[string]func(io.Writer, *reports.Results) error{
	reports.SummaryText: reports.WriteChangesText,
	reports.SummaryMD: func(w io.Writer, r *reports.Results) error {
		return reports.WriteMarkdown(w, r, reports.MarkdownOptions{})
	},
	reports.SummaryJSON:   reports.Write,
	reports.SummaryGitHub: reports.WriteGitHub,
}

// threshold is the grade of --fail-on.
func (g *gradedFlags) threshold() reports.Grade { return reports.Grade(g.failOn) }

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
