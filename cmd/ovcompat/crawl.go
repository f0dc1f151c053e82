package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sync"

	"github.com/spf13/cobra"

	"github.com/ovcompat/ovcompat/crawl"
	"github.com/ovcompat/ovcompat/reports"
)

func newCrawlCmd(stdout, stderr io.Writer) *cobra.Command {
	var (
		target, out   string
		format        string
		maxRequests   int
		rate          float64
		perCollection int
		filter        bool
		noProgress    bool
		ef            engineFlags
		rf            ruleFlags
		sf            schemaFlags
	)
	cmd := &cobra.Command{
		Use:   "crawl --target URL [--out DIR] [--max-requests N] [--rate R] [--per-collection K] [--filter]",
		Short: "Explore an engine's API by its own links, read-only, and check every answer",
		Long: `Crawl starts at the API's entry point and follows what the engine itself
advertises: every <link rel>, every collection and sub-collection, up to
--per-collection items of each list, the objects they link to, and follow= of
an object's links; it HEADs the entry point as clients do. Once nothing else
waits, the other items of a list are read where a route is still to reach (a
VM's backups when only some VMs have any). Routes nothing links
to (/options/{option_id}) are reached from the model's templates where the
model documents a value for their parameters.

It only ever reads: GET and HEAD to the API (besides the SSO sign-in, unless
--basic), never more than --rate requests a second and --max-requests in all.
Every answer is checked with the rules of ` + "`ovcompat rules`" + `.

Into the output folder go results.json ("kind": "crawl"; its coverage says,
for every GET route of the model, whether the crawl reached it and why not:
no-object, not-permitted, not-found, budget-spent, unlinked, failed),
report.html, report.md, junit.xml, and the exchanges as scenarios under
scenarios/ (source: crawled): replayed against the same engine later, after
an upgrade say, they check that it still answers as it did.

On standard error, a terminal shows one line redrawn; elsewhere (a CI log) a
line per scenario (one per resource) goes there as it finishes: once every GET
route of the resource is reached and none of its requests waits, or when the
crawl ends; between them a line every 100 requests.

Exit code 0 when every answer conforms, 1 when one does not, 2 when the entry
point cannot be read (target down, credentials refused) or on usage errors.`,
		Example: `  OVCOMPAT_PASSWORD=... ovcompat crawl --target https://engine.example.com --ca-file ca.pem
  ovcompat crawl --target https://engine.example.com --user alice@internal --filter --max-requests 500
  ovcompat replay --target https://engine.example.com --scenarios ovcompat-out/scenarios`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if target == "" {
				return usageError("--target URL is required (the engine, such as https://engine.example.com)")
			}
			if maxRequests < 1 || perCollection < 1 || rate <= 0 {
				return usageError("--max-requests, --per-collection and --rate must be positive")
			}
			client, err := ef.client(target)
			if err != nil {
				return err
			}
			sf.product = client.ProductVersion // its warnings wait for the entry point: see below
			checker, err := rf.checker(cmd.Context(), &sf)
			if err != nil {
				return err
			}
			pr := &crawlProgress{w: stderr, on: !noProgress, terminal: isTerminal(stderr), width: termWidth(stderr)}
			c, err := crawl.New(crawl.Options{Client: client, Target: target, Checker: checker, MaxRequests: maxRequests, MaxBody: rf.maxBody,
				Rate: rate, PerCollection: perCollection, Filter: filter, ToolVersion: toolVersion(), Progress: pr.step, ScenarioDone: pr.scenario})
			if err != nil {
				return usageError("%v", err)
			}
			res, runErr := c.Run(cmd.Context())
			pr.done()
			if errors.Is(runErr, crawl.ErrEntryPoint) {
				return usageError("%v", runErr)
			}
			sf.flushWarnings(stderr)
			if err := writeOutputs(out, res.Results); err != nil {
				return usageError("%v", err)
			}
			dir := filepath.Join(out, "scenarios")
			files, err := res.WriteScenarios(dir)
			if err != nil {
				return usageError("%v", err)
			}
			reached, total := res.Results.Coverage.Reached()
			fmt.Fprintf(stdout, "%d of %s reached; %s in %s\n", reached, plural(total, "GET route"), plural(len(files), "scenario"), dir)
			if err := summarise(stdout, res.Results, out, format); err != nil {
				return usageError("%v", err)
			}
			if runErr != nil {
				return usageError("%v", runErr)
			}
			return replayExit(res.Results)
		},
	}
	f := cmd.Flags()
	f.StringVar(&target, "target", "", "the engine's URL (https://engine.example.com or .../ovirt-engine/api)")
	f.StringVar(&out, "out", defaultOutDir, "output folder for results.json, the reports and scenarios/")
	summaryFormatVar(f, &format, "summary on standard output: text, md (CI summaries, pull requests), json (results.json) or github (Actions annotations)")
	f.IntVar(&maxRequests, "max-requests", crawl.DefaultMaxRequests, "request budget of the crawl")
	f.Float64Var(&rate, "rate", crawl.DefaultRate, "most requests a second")
	f.IntVar(&perCollection, "per-collection", crawl.DefaultPerCollection, "items of each list to follow")
	f.BoolVar(&filter, "filter", false, "send Filter: true (a user who is no administrator needs it: the engine shows what the user may see)")
	f.BoolVar(&noProgress, "no-progress", false, "no progress on standard error (a line redrawn on a terminal, a line per scenario elsewhere)")
	sf.add(cmd, &ef, autoRelease)
	ef.add(cmd)
	rf.add(cmd)
	return cmd
}

// crawlEvery is how many requests go by, off a terminal, before a
// heartbeat line says how the crawl stands when no scenario finished
// meanwhile.
const crawlEvery = 100

// crawlProgress shows how a crawl stands on standard error: on a terminal
// one line redrawn after every request; elsewhere (a CI log) a line per
// scenario as it finishes, the line replay prints, and a heartbeat line
// after crawlEvery requests without one.
type crawlProgress struct {
	mu       sync.Mutex
	w        io.Writer
	on       bool
	terminal bool
	// width is the terminal's (0: unknown); drawn is set once a line was.
	width int
	drawn bool
	// quiet counts the requests since the last line, off a terminal.
	quiet int
}

func (p *crawlProgress) step(pr crawl.Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.on {
		return
	}
	if p.terminal {
		p.redraw(pr)
		return
	}
	if p.quiet++; p.quiet >= crawlEvery {
		fmt.Fprintln(p.w, crawlStatus(pr))
		p.quiet = 0
	}
}

// crawlStatus says how a crawl stands, in a line.
func crawlStatus(pr crawl.Progress) string {
	return fmt.Sprintf("crawl: %d/%d requests, %d/%d GET routes reached, %s done, %d queued",
		pr.Requests, pr.MaxRequests, pr.Reached, pr.Routes, plural(pr.Finished, "scenario"), pr.Queued)
}

// redraw draws the terminal's line: how the crawl stands, then as much of
// the path just requested as the width leaves (both of its ends).
func (p *crawlProgress) redraw(pr crawl.Progress) {
	width := p.width - 1 // the last column would wrap on some terminals
	if width <= 0 {
		width = 110
	}
	line := crawlStatus(pr)
	if room := width - len(line) - 2; room >= 12 {
		line += "  " + cutMiddle(pr.Path, room)
	}
	fmt.Fprintf(p.w, "\r%-*s", width, cutMiddle(line, width))
	p.drawn = true
}

// scenario prints a finished scenario's line where no line is redrawn.
func (p *crawlProgress) scenario(sc reports.Scenario) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.on && !p.terminal {
		fmt.Fprintln(p.w, reports.ScenarioLine(&sc))
		p.quiet = 0
	}
}

func (p *crawlProgress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}
