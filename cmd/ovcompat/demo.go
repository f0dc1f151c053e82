package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/ovcompat/ovcompat/fixtures/target"
	"github.com/ovcompat/ovcompat/proxy"
	"github.com/ovcompat/ovcompat/replay"
	"github.com/ovcompat/ovcompat/reports"
	"github.com/ovcompat/ovcompat/rules"
)

// brokenFaults are what `make demo-broken` injects: one of each kind of
// finding (a schema error, a REST rule, a breaking difference).
const brokenFaults = "drop-links:0.3,wrong-type:0.2,bad-enum:0.2,no-location"

func newDemoCmd(stdout, stderr io.Writer) *cobra.Command {
	var (
		out, inject, labels string
		injectSeed          int64
		noProgress          bool
	)
	cmd := &cobra.Command{
		Use:   "demo [--out DIR] [--inject FAULTS]",
		Short: "See ovcompat work: the simulator, the proxy in front of it, the bundled scenarios replayed, the reports",
		Long: `Demo runs the whole product in one process, on loopback ports:

  1. the built-in engine simulator (ovcompat sim),
  2. the validating proxy in front of it, in observe mode (ovcompat proxy),
  3. the bundled scenarios replayed through the proxy (ovcompat replay),
  4. the reports written to the output folder: report.html, report.md,
     junit.xml, results.json, and the proxy's violations.jsonl.

With --inject the simulator corrupts its answers (see ovcompat sim --help),
so you can see what a non-conforming engine looks like; --inject broken
picks a mix (` + brokenFaults + `).

Exit code 0 when everything conforms, 1 when something does not, 2 when
the harness fails.`,
		Example: `  ovcompat demo
  ovcompat demo --inject broken
  ovcompat demo --inject drop-links --out /tmp/demo`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if inject == "broken" {
				inject = brokenFaults
			}
			filter, err := replay.ParseFilter(labels)
			if err != nil {
				return usageError("--labels: %v", err)
			}
			d := &demo{out: out, inject: inject, injectSeed: injectSeed, filter: filter, stdout: stdout, stderr: stderr,
				progress: !noProgress && isTerminal(stderr)}
			return d.run(cmd.Context())
		},
	}
	f := cmd.Flags()
	f.StringVar(&out, "out", defaultOutDir, "output folder for the reports")
	injectVar(f, &inject, []string{"broken"}, "faults the simulator injects: NAME[:RATE],... or broken for a mix")
	f.Int64Var(&injectSeed, "inject-seed", 1, "seed choosing which answers are corrupted")
	f.StringVar(&labels, "labels", "", "label filter picking scenarios, as for replay")
	f.BoolVar(&noProgress, "no-progress", false, "no progress bar")
	return cmd
}

type demo struct {
	out, inject    string
	injectSeed     int64
	filter         *replay.Filter
	stdout, stderr io.Writer
	progress       bool
}

func (d *demo) run(ctx context.Context) error {
	if err := os.MkdirAll(d.out, 0o755); err != nil {
		return usageError("--out: %v", err)
	}
	sim, err := target.Start(target.Options{Inject: d.inject, InjectSeed: d.injectSeed})
	if err != nil {
		return usageError("%v", err)
	}
	defer sim.Close()

	vfile, err := os.Create(filepath.Join(d.out, "violations.jsonl"))
	if err != nil {
		return usageError("--out: %v", err)
	}
	defer vfile.Close()
	counter := &lineCounter{w: vfile}
	up, _ := url.Parse(sim.URL)
	checker, err := rules.New(rules.Options{})
	if err != nil {
		return err
	}
	p, err := proxy.New(proxy.Config{Upstream: up, Checker: checker, Violations: counter, ToolVersion: toolVersion(),
		ModelVersion: modelVersion(), Logger: slog.New(slog.NewTextHandler(d.stderr, &slog.HandlerOptions{Level: slog.LevelError})),
		// Every exchange is validated: the demo is small, and shedding
		// would make its violation log depend on the machine's load.
		ValidationShare: 1})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	proxyURL := "http://" + ln.Addr().String()
	pctx, stopProxy := context.WithCancel(context.Background())
	perr := make(chan error, 1)
	go func() { perr <- p.Serve(pctx, proxy.Listeners{Proxy: ln}) }()

	faults := "none"
	if d.inject != "" {
		faults = d.inject
	}
	fmt.Fprintf(d.stdout, "ovcompat demo: simulator %s (faults: %s), proxy %s in observe mode\n", sim.URL, faults, proxyURL)
	res, err := d.replay(ctx, sim, proxyURL, checker)
	stopProxy()
	if serr := <-perr; err == nil && serr != nil {
		err = serr
	}
	if err != nil {
		return err
	}
	if err := writeOutputs(d.out, res); err != nil {
		return usageError("%v", err)
	}
	d.summary(res, counter)
	return replayExit(res)
}

// replay runs the bundled scenarios through the proxy.
func (d *demo) replay(ctx context.Context, sim *target.Target, proxyURL string, checker *rules.Checker) (*reports.Results, error) {
	loaded, err := loadScenarios("")
	if err != nil {
		return nil, err
	}
	sender, err := sim.SenderVia(proxyURL)
	if err != nil {
		return nil, err
	}
	sel := replay.Selection{Filter: d.filter, LeaveOutRecorded: true}
	if err := sel.Check(loaded); err != nil {
		return nil, usageError("%v", err)
	}
	bar := newProgressBar(d.stderr, countSteps(loaded, sel), d.progress, true)
	runner, err := replay.New(replay.Options{Sender: sender, Target: proxyURL + " (simulator behind the proxy)", Checker: checker,
		Filter: d.filter, LeaveOutRecorded: true, ToolVersion: toolVersion(), Progress: bar.step})
	if err != nil {
		return nil, err
	}
	res := runner.Run(ctx, loaded)
	bar.done()
	return res, nil
}

// summary prints one screen: the scenarios, the totals, what the proxy
// saw, and where the report is.
func (d *demo) summary(res *reports.Results, proxyLines *lineCounter) {
	w := d.stdout
	fmt.Fprintln(w)
	if err := reports.WriteText(w, res); err != nil {
		return
	}
	fmt.Fprintf(w, "the proxy saw violations in engine responses: %s\n", proxyLines.describe(1))
	fmt.Fprintf(w, "                         in client requests: %s\n", proxyLines.describe(0))
	abs, err := filepath.Abs(filepath.Join(d.out, "report.html"))
	if err != nil {
		abs = filepath.Join(d.out, "report.html")
	}
	fmt.Fprintf(w, "report: %s\n", abs)
	fmt.Fprintf(w, "also: report.md, junit.xml, results.json, violations.jsonl in %s\n", d.out)
}

// lineCounter passes the proxy's violation lines on and counts them by
// side (client requests, engine responses) and rule for the summary.
type lineCounter struct {
	mu     sync.Mutex
	w      io.Writer
	byRule [2]map[string]int // 0 requests, 1 responses
}

func (c *lineCounter) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, line := range strings.Split(strings.TrimSpace(string(p)), "\n") {
		var v struct{ Rule, Location string }
		if json.Unmarshal([]byte(line), &v) != nil || v.Rule == "" {
			continue
		}
		side := 1
		if strings.HasPrefix(v.Location, "request") {
			side = 0
		}
		if c.byRule[side] == nil {
			c.byRule[side] = map[string]int{}
		}
		c.byRule[side][v.Rule]++
	}
	return c.w.Write(p)
}

// describe says what the proxy saw on one side: "none" or "3 (rule (2),
// rule (1))".
func (c *lineCounter) describe(side int) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	out := make([]string, 0, len(c.byRule[side]))
	for r, k := range c.byRule[side] {
		out = append(out, fmt.Sprintf("%s (%d)", r, k))
		n += k
	}
	if n == 0 {
		return "none"
	}
	sort.Strings(out)
	return fmt.Sprintf("%d: %s", n, strings.Join(out, ", "))
}
