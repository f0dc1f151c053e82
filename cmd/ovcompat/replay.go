package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/ovcompat/ovcompat/engine"
	"github.com/ovcompat/ovcompat/fixtures"
	"github.com/ovcompat/ovcompat/replay"
	"github.com/ovcompat/ovcompat/reports"
	"github.com/ovcompat/ovcompat/scenario"
)

func newReplayCmd(stdout, stderr io.Writer) *cobra.Command {
	var (
		target, scenarios, out, labels, format string
		readOnly, noProgress                   bool
		parallel                               int
		pollInterval                           time.Duration
		ef                                     engineFlags
		rf                                     ruleFlags
		sf                                     schemaFlags
	)
	cmd := &cobra.Command{
		Use:   "replay --target URL [--scenarios DIR] [--out DIR]",
		Short: "Replay scenarios against an engine, check and compare every response",
		Long: `Replay runs scenarios (the bundled ones unless --scenarios names a folder)
against the engine at --target, step by step, as each step's role. Every
response is checked with the rules of ` + "`ovcompat rules`" + ` and compared with the
recorded one; differences are graded breaking, warning or info, and every
comparison skipped because the value varies by nature (ids, hrefs, dates,
statistics, status of asynchronous objects) is listed.

Results go to the output folder: results.json, report.html, report.md and
junit.xml.

Before the first scenario the run connects and signs in once: a target that
is down or a password that is wrong or missing ends it at once, in one line.
A step whose role has no credentials (--credentials FILE maps roles to users)
is skipped, saying so. Of the bundled scenarios, those labelled source:
recorded (real traffic, whose ids exist only on the engine that produced it)
are left out unless --labels names the source; a folder given with
--scenarios runs whole, whatever its scenarios' source. Scenarios left out
are counted apart from skipped steps.

Exit code 0 when everything conforms (warnings allowed), 1 when a step fails
(the engine does not conform), 2 when the harness errs (a scenario that does
not parse, a target that is down or answers HTML, a capture that finds
nothing), when the run selects no scenario or runs no step, or on usage
errors.`,
		Example: `  OVCOMPAT_PASSWORD=... ovcompat replay --target https://engine.example.com --ca-file ca.pem
  ovcompat replay --target http://127.0.0.1:8080 --labels resource=vms,feature=crud
  ovcompat replay --target https://prod.example.com --read-only --credentials roles.yaml`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if target == "" {
				return usageError("--target URL is required (the engine, such as https://engine.example.com)")
			}
			filter, err := replay.ParseFilter(labels)
			if err != nil {
				return usageError("--labels: %v", err)
			}
			sender, client, err := ef.sender(target)
			if err != nil {
				return err
			}
			product := onceProduct(client.ProductVersion)
			sf.product = product // its warnings wait for the preflight: a target down says so itself
			checker, err := rf.checker(cmd.Context(), &sf)
			if err != nil {
				return err
			}
			loaded, err := loadScenarios(scenarios)
			if err != nil {
				return usageError("%v", err)
			}
			sel := replay.Selection{Filter: filter, LeaveOutRecorded: scenarios == ""}
			if err := sel.Check(loaded); err != nil {
				return usageError("%v", err)
			}
			bar := newProgressBar(stderr, countSteps(loaded, sel), !noProgress, isTerminal(stderr))
			// Target goes into the results as it is: ef.sender refused a URL
			// holding credentials.
			runner, err := replay.New(replay.Options{Sender: sender, Target: target, Checker: checker, ReadOnly: readOnly, MaxBody: rf.maxBody,
				Filter: filter, LeaveOutRecorded: sel.LeaveOutRecorded, Parallel: parallel, PollInterval: pollInterval,
				ToolVersion: toolVersion(), Product: product, Ping: client.Ping, Progress: bar.step, ScenarioDone: bar.scenario})
			if err != nil {
				return usageError("%v", err)
			}
			if err := runner.Preflight(cmd.Context()); err != nil {
				// One line, and results that say why nothing ran.
				if werr := writeOutputs(out, runner.Aborted(cmd.Context(), loaded, err)); werr != nil {
					return usageError("%v", werr)
				}
				return usageError("%v", err)
			}
			sf.flushWarnings(stderr)
			res := runner.Run(cmd.Context(), loaded)
			bar.done()
			return finishRun(stdout, out, format, res)
		},
	}
	f := cmd.Flags()
	f.StringVar(&target, "target", "", "the engine's URL (https://engine.example.com or .../ovirt-engine/api)")
	f.StringVar(&scenarios, "scenarios", "", "folder of scenario files (default: the bundled scenarios)")
	f.StringVar(&out, "out", defaultOutDir, "output folder for results.json, report.html, report.md and junit.xml")
	f.StringVar(&labels, "labels", "", "label filter: terms such as resource=vms, feature=crud|json, source!=recorded, comma-separated, all must hold")
	f.BoolVar(&readOnly, "read-only", false, "skip every step that writes (POST, PUT, DELETE): for production engines")
	f.IntVar(&parallel, "parallel", 1, "scenarios run at once (the steps of one scenario always run in order)")
	f.DurationVar(&pollInterval, "poll-interval", 0, "cap on the wait between attempts of polling steps (default: each step's own)")
	f.BoolVar(&noProgress, "no-progress", false, "no progress on standard error (a bar on a terminal, a line per scenario elsewhere)")
	summaryFormatVar(f, &format, "summary on standard output: text, md (CI summaries, pull requests), json (results.json) or github (Actions annotations)")
	sf.add(cmd, &ef, autoRelease)
	ef.add(cmd)
	rf.add(cmd)
	return cmd
}

// loadScenarios reads a folder of scenarios, or the bundled ones.
func loadScenarios(dir string) (*scenario.Loaded, error) {
	var loaded *scenario.Loaded
	var err error
	if dir == "" {
		loaded, err = scenario.LoadFS(fixtures.Scenarios(), ".")
	} else if loaded, err = scenario.Load(dir); err != nil {
		return nil, fmt.Errorf("--scenarios: %w", err)
	}
	if err != nil {
		return nil, err
	}
	if len(loaded.Scenarios)+len(loaded.Errors) == 0 {
		return nil, fmt.Errorf("--scenarios %s: no .yaml scenario files", dir)
	}
	return loaded, nil
}

// sender builds the engine clients of the run: one for token and one for
// Basic authentication, the flags choosing the default, which it returns.
func (f *engineFlags) sender(target string) (replay.Sender, *engine.Client, error) {
	cfg, err := f.config(target)
	if err != nil {
		return nil, nil, err
	}
	tokenCfg, basicCfg := cfg, cfg
	tokenCfg.Basic, basicCfg.Basic = false, true
	token, err := engine.New(tokenCfg)
	if err != nil {
		return nil, nil, usageError("%v", err)
	}
	basic, err := engine.New(basicCfg)
	if err != nil {
		return nil, nil, usageError("%v", err)
	}
	def := token
	if cfg.Basic {
		def = basic
	}
	return replay.Engine{Default: def, Token: token, Basic: basic, NoAuth: engine.NoAuth}, def, nil
}

// countSteps counts the steps of the scenarios the selection picks.
func countSteps(l *scenario.Loaded, sel replay.Selection) int {
	n := 0
	for _, sc := range l.Scenarios {
		if ok, _ := sel.Pick(sc); ok {
			n += sc.StepCount()
		}
	}
	return n
}

// finishRun writes a run's outputs, prints its summary and turns its
// outcome into the exit code: a run that ran no step is exit 2, saying why.
func finishRun(stdout io.Writer, out, format string, res *reports.Results) error {
	if err := writeOutputs(out, res); err != nil {
		return usageError("%v", err)
	}
	if err := summarise(stdout, res, out, format); err != nil {
		return usageError("%v", err)
	}
	if err := replay.Ran(res); err != nil {
		return usageError("%v", err)
	}
	return replayExit(res)
}

// writeOutputs writes results.json and the reports into the output folder.
func writeOutputs(dir string, res *reports.Results) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	_, err := writeReports(dir, res, res.Run.Finished, reports.Formats())
	return err
}

// summarise prints a run's summary on standard output in format (see
// reports.SummaryFormats); as text, the scenarios, the totals and what
// broke where, then the report's path.
func summarise(w io.Writer, res *reports.Results, dir, format string) error {
	if err := reports.WriteSummary(w, res, format); err != nil {
		return err
	}
	if format != reports.SummaryText {
		return nil
	}
	page := filepath.Join(dir, "report.html")
	if abs, err := filepath.Abs(page); err == nil {
		page = abs
	}
	fmt.Fprintf(w, "report: %s\nalso: report.md, junit.xml, results.json in %s\n", page, dir)
	return nil
}

// stepWhy lists a failing step's error violations and breaking differences.
func stepWhy(st *reports.Step) string {
	var parts []string
	for _, v := range st.Violations {
		if v.Severity == reports.SeverityError {
			parts = append(parts, v.Rule+" at "+v.Location)
		}
	}
	for _, d := range st.Differences {
		if d.Grade == reports.Breaking {
			parts = append(parts, d.Kind+" at "+d.Location)
		}
	}
	if len(parts) > 3 {
		parts = append(parts[:3], fmt.Sprintf("and %d more", len(parts)-3))
	}
	return strings.Join(parts, "; ")
}

// replayExit maps the worst outcome to the exit code.
func replayExit(res *reports.Results) error {
	worst := reports.Pass
	for _, sc := range res.Scenarios {
		worst = worst.Worse(sc.Outcome)
	}
	switch worst {
	case reports.Error:
		return &exitError{code: exitUsage}
	case reports.Fail:
		return findings()
	}
	return nil
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progressBar shows how a run stands on standard error: on a terminal
// "[#####-----] 12/40 steps  scenario", redrawn after every step; elsewhere
// (a CI log) one line per scenario as it finishes.
type progressBar struct {
	mu       sync.Mutex
	w        io.Writer
	total    int
	n        int
	on       bool
	terminal bool
	bad      int
}

func newProgressBar(w io.Writer, total int, on, terminal bool) *progressBar {
	return &progressBar{w: w, total: total, on: on, terminal: terminal}
}

func (b *progressBar) step(p replay.Progress) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.n++
	if p.Outcome == reports.Fail || p.Outcome == reports.Error {
		b.bad++
	}
	if !b.on || !b.terminal || b.total == 0 {
		return
	}
	const width = 30
	done := min(width, b.n*width/b.total)
	name := p.Scenario
	if len(name) > 32 {
		name = name[:31] + "~"
	}
	fmt.Fprintf(b.w, "\r[%s%s] %d/%d steps, %d not passing  %-32s", strings.Repeat("#", done), strings.Repeat("-", width-done), b.n, b.total, b.bad, name)
}

// scenario prints a finished scenario's line where no bar is drawn.
func (b *progressBar) scenario(sc reports.Scenario) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.on && !b.terminal {
		fmt.Fprintln(b.w, reports.ScenarioLine(&sc))
	}
}

func (b *progressBar) done() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.on && b.terminal && b.n > 0 {
		fmt.Fprintln(b.w)
	}
}
