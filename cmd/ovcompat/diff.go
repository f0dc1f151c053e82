package main

import (
	"io"
	"os"
	"sync"

	"github.com/spf13/cobra"

	"github.com/ovcompat/ovcompat/replay"
	"github.com/ovcompat/ovcompat/reports"
	"github.com/ovcompat/ovcompat/rules"
)

func newDiffCmd(stdout, _ io.Writer) *cobra.Command {
	var (
		failOn, baseline, format, out string
		all                           bool
	)
	cmd := &cobra.Command{
		Use:   "diff BASE.json NEW.json [--fail-on breaking|warning] [--baseline FILE]",
		Short: "Compare two runs and grade what changed (engine A against B, before and after an upgrade)",
		Long: `Diff compares the results of two runs of the same scenarios (results.json of
ovcompat replay or the conformance suite): engine A against engine B, or one
engine before and after an upgrade. Every change is graded:

  breaking  a new error violation, a new breaking difference from the
            recording, a status of another class, a step that now fails or
            errs, a scenario or step the harness could not run
  warning   a new warning, a status changed within its class, a step,
            scenario or route no longer exercised, a comparison now skipped
  info      a new info finding, anything that got better, the engine version

A baseline (--baseline FILE) is a YAML list of accepted findings; each entry
names a kind or a rule, a route ("GET /vms/{vm_id}", "/vms/{vm_id}" for any
method, "*" for any route), optionally a location (a trailing * matches a
prefix), and the reason it is accepted:

  - kind: element-removed
    route: GET /vms/{vm_id}
    location: /vm/memory
    reason: memory moved to memory_policy in 4.6 (JIRA-1234)
  - rule: schema.unknown-element
    route: "*"
    reason: engine 4.5 adds elements the model does not know yet

Accepted changes never fail the gate and are listed as accepted; entries that
matched nothing are listed too. An unknown kind or rule in the baseline is an
error that names the nearest known one.

Changes are shown grouped by kind, route and location pattern (list positions
and predicates as [*]), worst first, with counts; accepted changes are
summarised by the baseline entry that accepted them. --all lists every
change one by one as well; --format json always does.

--out DIR writes the output folder every judging command writes, under the
same fixed names: results.json (the diff as JSON, "kind": "diff"),
report.html, report.md and junit.xml.

Exit code 0 when no change at or above --fail-on is left unaccepted, 1
otherwise, 2 on bad input.`,
		Example: `  ovcompat diff before/results.json after/results.json
  ovcompat diff --fail-on warning --baseline accepted.yaml a.json b.json
  ovcompat diff --format md a.json b.json >> "$GITHUB_STEP_SUMMARY"
  ovcompat diff --format github --out diff-out a.json b.json`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usageError("diff takes two results files, BASE.json and NEW.json (got %d arguments)", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			threshold := reports.Grade(failOn)
			var bl reports.Baseline
			if baseline != "" {
				f, err := os.Open(baseline)
				if err != nil {
					return usageError("--baseline: %v", err)
				}
				bl, err = reports.ParseBaseline(f)
				f.Close()
				if err == nil {
					err = bl.Check(changeKinds(), ruleIDs())
				}
				if err != nil {
					return usageError("--baseline %s: %v", baseline, err)
				}
			}
			base, err := readResults(cmd, args[0])
			if err != nil {
				return err
			}
			next, err := readResults(cmd, args[1])
			if err != nil {
				return err
			}
			d := reports.Compare(base, next, bl)
			opts := reports.DiffOptions{FailOn: threshold, All: all}
			if out != "" {
				if err := os.MkdirAll(out, 0o755); err != nil {
					return usageError("--out: %v", err)
				}
				if _, err := writeFormats(out, reports.Formats(), func(f reports.Format, w io.Writer) error { return f.Diff(w, d, opts) }); err != nil {
					return usageError("%v", err)
				}
			}
			if err := reports.WriteDiffSummary(stdout, d, format, opts); err != nil {
				return &exitError{code: exitUsage, err: err}
			}
			if len(d.Failing(threshold)) > 0 {
				return findings()
			}
			return nil
		},
	}
	failOnVar(cmd.Flags(), &failOn, "lowest grade that fails: breaking or warning")
	cmd.Flags().StringVar(&baseline, "baseline", "", "YAML `FILE` of accepted findings")
	cmd.Flags().BoolVar(&all, "all", false, "list every change, accepted ones too, after the groups")
	summaryFormatVar(cmd.Flags(), &format, "standard output: text, md (CI summaries, pull requests), json or github (Actions annotations)")
	cmd.Flags().StringVar(&out, "out", "", "also write results.json (\"kind\": \"diff\"), report.html, report.md and junit.xml into `DIR`")
	return cmd
}

// changeKinds lists every kind a change of a diff may have: the diff's own
// and the replay's differences from the recording.
func changeKinds() []string {
	return append(reports.ChangeKinds(), replay.DifferenceKinds()...)
}

// ruleIDs lists the rule IDs of the catalogue.
var ruleIDs = sync.OnceValue(func() []string {
	var ids []string
	for _, r := range rules.Default().Rules() {
		ids = append(ids, r.ID)
	}
	return ids
})
