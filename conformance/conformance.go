// Package conformance is the Ginkgo v2 conformance suite: a thin shell that
// turns scenarios into specs and runs them with the replay package. Each
// scenario is one Ordered container (labelled with the scenario's labels,
// "resource:vms", "feature:crud"...), each step one spec; cleanup steps are
// specs too and run even when a step failed.
//
//	go test ./conformance                                  # the bundled scenarios against an in-process simulator
//	go test ./conformance -args -target=https://engine -ca-file=ca.pem
//	go tool ginkgo -p ./conformance -- -target=URL
//	go tool ginkgo --label-filter='feature: containsAny crud' ./conformance
//	go test ./conformance -args -labels=resource=vms -inject=drop-links
//
// Only the scenarios the run selects become specs: -labels picks them, and
// of the bundled ones those labelled source: recorded (real traffic whose
// ids exist only on the engine that produced it) are left out unless
// -labels names the source; a folder given with -scenarios runs whole. A
// selection of nothing, and a run in which no step ran, fail the suite. The
// password comes from OVCOMPAT_PASSWORD (or -password-file); -credentials
// maps the scenarios' other roles to users, and a step whose role has none
// is skipped, saying so. Before any spec every process connects and signs
// in once: a target that is down or refuses the password fails the suite
// at once, in one line.
//
// A step that does not conform fails its spec; a step the harness could
// not run (target down, capture that found nothing) fails it too, with a
// message saying it is a harness error. results.json (reports' version 1,
// where fail and error stay apart) is written to -out after the suite, in
// ReportAfterSuite, from every process's specs.
//
// The suite holds no package state: the test's TestMain parses the flags
// into a Config and builds the specs with Suite.Define.
package conformance

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"

	"github.com/ovcompat/ovcompat/fixtures"
	"github.com/ovcompat/ovcompat/replay"
	"github.com/ovcompat/ovcompat/reports"
	"github.com/ovcompat/ovcompat/scenario"
)

// Config is the suite's configuration, from its flags (-target=URL ...).
// Every flag also reads OVCOMPAT_<NAME> from the environment as its
// default (OVCOMPAT_TARGET, OVCOMPAT_PASSWORD for the password).
type Config struct {
	// Target is the engine's URL; empty runs an in-process simulator.
	Target string
	// Scenarios is a folder of scenario files; empty for the bundled ones.
	Scenarios string
	// Out is the output folder for results.json (default ovcompat-out).
	Out string
	// Labels is a replay label filter (resource=vms,feature=crud); Ginkgo's
	// own --label-filter works on the same labels.
	Labels string
	// ReadOnly skips every step that writes.
	ReadOnly bool
	// Inject names faults for the in-process simulator (sim --inject).
	Inject string
	// Engine flags, as architecture.md names them.
	User, PasswordFile, CAFile, Credentials string
	Basic, Insecure                         bool
	// PollInterval caps the wait between attempts of polling steps.
	PollInterval time.Duration
	// ToolVersion is written into results.json.
	ToolVersion string
}

// Register adds the suite's flags to fs, defaults from the environment.
func (c *Config) Register(fs *flag.FlagSet) {
	str := func(p *string, name, def, usage string) { fs.StringVar(p, name, env(name, def), usage) }
	str(&c.Target, "target", "", "the engine's URL; empty runs the bundled simulator in-process")
	str(&c.Scenarios, "scenarios", "", "folder of scenario files (default: the bundled scenarios)")
	str(&c.Out, "out", "ovcompat-out", "output folder for results.json")
	str(&c.Labels, "labels", "", "label filter: resource=vms,feature=crud|json,source!=recorded")
	str(&c.Inject, "inject", "", "faults the in-process simulator injects (drop-links,wrong-type:0.5,...)")
	str(&c.User, "user", "admin@internal", "user to sign in as (password from OVCOMPAT_PASSWORD or -password-file)")
	str(&c.PasswordFile, "password-file", "", "file holding the password of -user")
	str(&c.CAFile, "ca-file", "", "PEM file of the engine's CA")
	str(&c.Credentials, "credentials", "", "YAML file mapping scenario roles to users")
	fs.BoolVar(&c.ReadOnly, "read-only", env("read-only", "") == "true", "skip every step that writes")
	fs.BoolVar(&c.Basic, "basic", env("basic", "") == "true", "HTTP Basic authentication instead of an SSO token")
	fs.BoolVar(&c.Insecure, "insecure", env("insecure", "") == "true", "do not verify the engine's certificate")
	fs.DurationVar(&c.PollInterval, "poll-interval", 0, "cap on the wait between attempts of polling steps")
}

func env(flagName, def string) string {
	if v, ok := os.LookupEnv("OVCOMPAT_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))); ok {
		return v
	}
	return def
}

// Endpoint is what every parallel process needs to reach the target. The
// first process makes it (starting the simulator when there is no
// -target) and hands it to the others in memory; it is never written.
type Endpoint struct {
	URL      string `json:"url"`
	User     string `json:"user,omitempty"`
	Password string `json:"password,omitempty"`
	// Roles maps scenario roles to users and passwords (the simulator's
	// own accounts); a -credentials file does it for real engines.
	Roles map[string][2]string `json:"roles,omitempty"`
	// PollInterval, when set, caps polling waits (a simulator settles in
	// milliseconds, an engine in seconds); -poll-interval wins.
	PollInterval time.Duration `json:"poll_interval,omitempty"`
}

// Hooks connect the suite to targets; the test provides them (the suite
// itself imports neither the simulator nor the engine client).
type Hooks struct {
	// Start runs once, on the first process: it returns the endpoint and
	// a function that stops what it started.
	Start func(cfg *Config) (Endpoint, func(), error)
	// Connect runs on every process: it connects to the endpoint.
	Connect func(cfg *Config, ep Endpoint) (Connection, error)
}

// Connection is how a process talks to the target.
type Connection struct {
	// Sender sends the steps (required).
	Sender replay.Sender
	// Product, when set, asks the engine's version (for the results).
	Product func(context.Context) (string, error)
	// Ping, when set, connects and signs in once before any spec: a
	// target that is down or refuses the password stops the suite at
	// once, in one line (engine.Client.Ping).
	Ping func(context.Context) error
}

// Suite builds the specs.
type Suite struct {
	cfg   *Config
	hooks Hooks
	// state filled by the suite's setup nodes, read by its specs.
	runner *replay.Runner
	head   *reports.Results // the run's metadata, from this process's setup
	ep     Endpoint
	stop   func()
	start  time.Time
	loaded *scenario.Loaded
	sel    replay.Selection
	// stopped is the preflight's error, when the run stopped before any
	// scenario.
	stopped error
}

// New returns a suite for cfg.
func New(cfg *Config, hooks Hooks) *Suite {
	return &Suite{cfg: cfg, hooks: hooks}
}

// entryName names the report entries that carry step results.
const entryName = "ovcompat.step"

// entry is one step's result as a report entry: JSON, so that it crosses
// from parallel processes to the one writing results.json.
type entry struct {
	Scenario string       `json:"scenario"`
	Step     reports.Step `json:"step"`
}

// Define declares the suite's nodes and specs. Call it once, before
// RunSpecs, after the flags are parsed.
func (s *Suite) Define() {
	ginkgo.SynchronizedBeforeSuite(s.first, s.every)
	ginkgo.SynchronizedAfterSuite(func() {}, func() {
		if s.stop != nil {
			s.stop()
		}
	})
	ginkgo.ReportAfterSuite("results.json", s.writeResults)
	ginkgo.Describe("oVirt engine conformance", func() {
		loaded, err := s.load()
		if err != nil {
			ginkgo.It("loads the scenarios", func() { ginkgo.Fail("harness error: " + err.Error()) })
			return
		}
		filter, err := replay.ParseFilter(s.cfg.Labels)
		if err != nil {
			ginkgo.It("reads -labels", func() { ginkgo.Fail("harness error: -labels: " + err.Error()) })
			return
		}
		s.loaded, s.sel = loaded, replay.Selection{Filter: filter, LeaveOutRecorded: s.cfg.Scenarios == ""}
		for _, pe := range loaded.Errors {
			ginkgo.It("loads "+pe.File, ginkgo.Label("broken"), func() {
				ginkgo.Fail("harness error (the scenario file, not the engine): " + pe.Error())
			})
		}
		if err := s.sel.Check(loaded); err != nil {
			ginkgo.It("selects scenarios", func() { ginkgo.Fail("harness error: " + err.Error()) })
			return
		}
		for _, sc := range loaded.Scenarios {
			if ok, _ := s.sel.Pick(sc); ok {
				s.describe(sc)
			}
		}
	})
}

// load reads the scenarios: a folder, or the bundled ones.
func (s *Suite) load() (*scenario.Loaded, error) {
	if s.cfg.Scenarios != "" {
		return scenario.Load(s.cfg.Scenarios)
	}
	return scenario.LoadFS(fixtures.Scenarios(), ".")
}

// first starts the target on process 1.
func (s *Suite) first() []byte {
	ep := Endpoint{URL: s.cfg.Target}
	if s.hooks.Start != nil {
		var err error
		ep, s.stop, err = s.hooks.Start(s.cfg)
		if err != nil {
			ginkgo.Fail("harness error: starting the target: " + err.Error())
		}
	}
	return []byte(mustJSON(ep))
}

// every connects each process to the target and builds its runner.
func (s *Suite) every(data []byte) {
	s.start = time.Now()
	if err := json.Unmarshal(data, &s.ep); err != nil {
		ginkgo.Fail("harness error: " + err.Error())
	}
	conn, err := s.hooks.Connect(s.cfg, s.ep)
	if err != nil {
		ginkgo.Fail("harness error: " + err.Error())
	}
	poll := s.cfg.PollInterval
	if poll == 0 {
		poll = s.ep.PollInterval
	}
	s.runner, err = replay.New(replay.Options{Sender: conn.Sender, Target: s.ep.URL, ReadOnly: s.cfg.ReadOnly, Filter: s.sel.Filter,
		LeaveOutRecorded: s.sel.LeaveOutRecorded, PollInterval: poll, ToolVersion: s.cfg.ToolVersion, Product: conn.Product, Ping: conn.Ping})
	if err != nil {
		ginkgo.Fail("harness error: " + err.Error())
	}
	if err := s.runner.Preflight(context.Background()); err != nil {
		s.stopped = err
		ginkgo.Fail("harness error: " + err.Error())
	}
	// Ask the engine for its version now: ReportAfterSuite runs after the
	// simulator is stopped.
	s.head = s.runner.Begin(context.Background())
}

// describe declares one scenario: an Ordered container whose specs are its
// steps, then its cleanup steps, numbered from 1.
func (s *Suite) describe(sc *scenario.Scenario) {
	labels := ginkgo.Label(sc.Labels.Pairs()...)
	ginkgo.Describe(sc.Name, ginkgo.Ordered, ginkgo.ContinueOnFailure, labels, func() {
		var sess *replay.Session
		ginkgo.BeforeAll(func() { sess = s.runner.Start(sc) })
		for i := range sc.Steps {
			title := fmt.Sprintf("step %d: %s", i+1, sc.Steps[i].Title())
			ginkgo.It(title, func(ctx ginkgo.SpecContext) { judge(sc, sess.Step(ctx, i)) })
		}
		for i := range sc.Cleanup {
			title := fmt.Sprintf("cleanup %d: %s", i+1, sc.Cleanup[i].Title())
			ginkgo.It(title, func(ctx ginkgo.SpecContext) { judge(sc, sess.CleanupStep(ctx, i)) })
		}
	})
}

// judge records a step's result and turns its outcome into the spec's.
func judge(sc *scenario.Scenario, st reports.Step) {
	ginkgo.AddReportEntry(entryName, mustJSON(entry{Scenario: sc.Name, Step: st}), ginkgo.ReportEntryVisibilityNever)
	switch st.Outcome {
	case reports.Skip:
		ginkgo.Skip(st.SkipReason)
	case reports.Error:
		ginkgo.Fail("harness error (not the engine): " + st.Error)
	case reports.Fail:
		ginkgo.Fail("the engine does not conform:\n" + findings(st, false))
	case reports.Warn:
		ginkgo.AddReportEntry("warnings", findings(st, true))
	}
}

// findings lists a step's error violations and breaking differences (or,
// for warnings, the warning ones).
func findings(st reports.Step, warnings bool) string {
	var b strings.Builder
	for _, v := range st.Violations {
		if (v.Severity == reports.SeverityError) != warnings && v.Severity != reports.SeverityInfo {
			fmt.Fprintf(&b, "  %s %s at %s: %s\n", v.Severity, v.Rule, v.Location, v.Reason)
		}
	}
	for _, d := range st.Differences {
		if (d.Grade == reports.Breaking) != warnings && d.Grade != reports.GradeInfo {
			fmt.Fprintf(&b, "  %s %s at %s: %s (recorded %s, now %s)\n", d.Grade, d.Kind, d.Location, d.Reason, d.Base, d.New)
		}
	}
	return b.String()
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return `{"error":` + fmt.Sprintf("%q", err.Error()) + `}`
	}
	return string(b)
}
