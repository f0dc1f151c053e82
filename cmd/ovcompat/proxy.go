package main

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/ovcompat/ovcompat/proxy"
)

// proxyFlags are the flags of `ovcompat proxy`.
type proxyFlags struct {
	upstream, listen, admin, mode string
	violations, record            string
	tlsCert, tlsKey               string
	logLevel, logFormat           string
	enforceResponses, rewriteHost bool
	recordScenarios               bool
	validationMemory              int64
	recordLimit                   byteSize
	upstreamTimeout, drainTimeout time.Duration
	upstreamIdle                  time.Duration
	validationShare               float64
	rules                         ruleFlags
	engine                        engineFlags
	schema                        schemaFlags
}

func newProxyCmd(stdout, stderr io.Writer) *cobra.Command {
	var f proxyFlags
	cmd := &cobra.Command{
		Use:   "proxy --upstream URL [flags]",
		Short: "Run a validating reverse proxy in front of an engine (observe or enforce)",
		Long: `Proxy sits in front of one engine and checks every request and response
against the API model and the rules of ` + "`ovcompat rules`" + `.

Every path passes through to --upstream, /ovirt-engine/sso/* and
/ovirt-engine/services/* included; CONNECT and URLs naming another host are
refused, so it is never an open proxy.

  observe   (default) traffic passes byte for byte (hop-by-hop headers
            aside); validation runs beside it and is shed, and counted, when
            it cannot keep up
  enforce   a request that violates an error rule is answered by the proxy
            with 400 and an oVirt <fault> (XML or JSON, as the client reads);
            --enforce-responses also turns such responses into 502

Violations go to --violations as JSON lines (time, correlation_id, method,
path, route, rule, severity, location, reason). The admin address serves
/metrics (Prometheus), /healthz, /readyz and /report (live HTML of the
violations so far). --record DIR writes every exchange as HAR 1.2 with
Authorization, cookies, SSO tokens and passwords redacted first, and each
finished HAR file (1,000 exchanges at most) again as a scenario that
ovcompat replay runs, until the folder holds --record-limit (512MiB): then
recording stops, and traffic goes on.

SIGINT or SIGTERM drains requests in flight, then exits 0.`,
		Example: `  ovcompat proxy --upstream https://engine.example.com --ca-file ca.pem --violations violations.jsonl
  ovcompat proxy --upstream https://engine.example.com --mode enforce --enforce-responses --record rec/
  OVCOMPAT_UPSTREAM=https://engine:443 OVCOMPAT_INSECURE=true ovcompat proxy --listen :8443 --tls-cert c.pem --tls-key k.pem`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runProxy(cmd, &f, stdout, stderr)
		},
	}
	fs := cmd.Flags()
	fs.StringVar(&f.upstream, "upstream", "", "the engine's `URL` (scheme and host; any path is ignored, every path passes through)")
	fs.StringVar(&f.listen, "listen", "127.0.0.1:8443", "`ADDRESS` the proxy listens on")
	fs.StringVar(&f.admin, "admin", "127.0.0.1:9090", "`ADDRESS` of /metrics, /healthz, /readyz and /report (empty: none)")
	choiceVar(fs, &f.mode, "mode", proxy.Observe.String(), proxyModes(), nil, "observe (pass everything) or enforce (answer invalid requests with 400 and a <fault>)")
	fs.BoolVar(&f.enforceResponses, "enforce-responses", false, "turn responses that violate an error rule into 502 with a <fault> (buffers responses up to --max-body)")
	fs.StringVar(&f.violations, "violations", "", "`FILE` receiving violations as JSON lines, appended (- for standard output)")
	fs.StringVar(&f.record, "record", "", "`DIR` receiving every exchange as HAR 1.2, secrets redacted")
	fs.BoolVar(&f.recordScenarios, "record-scenarios", true, "with --record, also write each HAR file as a scenario for ovcompat replay")
	f.recordLimit = byteSize(proxy.DefaultRecordLimit)
	fs.Var(&f.recordLimit, "record-limit", "most the --record folder may hold, in `BYTES` (512MiB, 1GiB, ...), files there at start included; past it recording stops, traffic goes on")
	fs.StringVar(&f.tlsCert, "tls-cert", "", "PEM certificate `FILE` to serve HTTPS with (with --tls-key)")
	fs.StringVar(&f.tlsKey, "tls-key", "", "PEM private key `FILE` of --tls-cert")
	f.validationMemory = proxy.DefaultValidationBytes
	fs.Var((*byteSize)(&f.validationMemory), "validation-memory", "memory the checks may hold at once, in `BYTES` (192MiB, 1GiB, ...): each reserves what its bodies may cost before it starts, and waits while that is spent")
	fs.BoolVar(&f.rewriteHost, "rewrite-host", false, "send the upstream's host in the Host header (default: the client's, so Location headers keep naming the proxy)")
	fs.DurationVar(&f.upstreamTimeout, "upstream-timeout", proxy.DefaultUpstreamTimeout, "time the engine has to send its response headers (504 after it)")
	fs.DurationVar(&f.upstreamIdle, "upstream-idle-timeout", proxy.DefaultUpstreamIdle, "time the engine may send nothing of a response body it started (the client's response is then aborted, or answered 504 if it was held whole)")
	fs.DurationVar(&f.drainTimeout, "drain-timeout", proxy.DefaultDrainTimeout, "time requests in flight have to finish at shutdown")
	fs.Float64Var(&f.validationShare, "validation-share", proxy.DefaultValidationShare, "share of the CPU validation may always use, even when the proxy is saturated (it also uses a quarter of the idle CPU)")
	choiceVar(fs, &f.logLevel, "log-level", "info", namesOf(logLevels, func(l logLevel) string { return l.name }), nil, "least severe log lines written")
	choiceVar(fs, &f.logFormat, "log-format", "text", namesOf(logFormats, func(l logFormat) string { return l.name }), nil, "log lines as text (key=value) or json")
	f.rules.add(cmd)
	f.engine.add(cmd)
	f.schema.add(cmd, &f.engine, autoRelease)
	return cmd
}

func runProxy(cmd *cobra.Command, f *proxyFlags, stdout, stderr io.Writer) error {
	up, err := url.Parse(f.upstream)
	switch {
	case f.upstream == "":
		return usageError("--upstream is required: the engine's URL, e.g. https://engine.example.com")
	case err != nil || up.Host == "" || (up.Scheme != "http" && up.Scheme != "https"):
		return usageError("--upstream %q: want http(s)://host[:port]", f.upstream)
	case f.engine.insecure && f.engine.caFile != "":
		return usageError("--insecure and --ca-file exclude each other")
	case (f.tlsCert == "") != (f.tlsKey == ""):
		return usageError("--tls-cert and --tls-key go together")
	}
	mode, err := proxy.ParseMode(f.mode)
	if err != nil {
		return usageError("--%v", err)
	}
	logger := newLogger(stderr, f.logLevel, f.logFormat)
	f.schema.product, f.schema.warn = f.entryPointProduct(up), stderr
	checker, err := f.rules.checker(cmd.Context(), &f.schema)
	if err != nil {
		return err
	}
	var violations io.Writer
	switch f.violations {
	case "":
	case "-":
		violations = stdout
	default:
		vf, err := os.OpenFile(f.violations, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o640)
		if err != nil {
			return usageError("--violations: %v", err)
		}
		defer vf.Close()
		violations = vf
	}
	cfg := proxy.Config{Upstream: up, Mode: mode, EnforceResponses: f.enforceResponses, Checker: checker,
		MaxBody: f.rules.maxBody, ValidationBytes: f.validationMemory, CAFile: f.engine.caFile, Insecure: f.engine.insecure, UpstreamTimeout: f.upstreamTimeout,
		UpstreamIdleTimeout: f.upstreamIdle, RewriteHost: f.rewriteHost, DrainTimeout: f.drainTimeout, ValidationShare: f.validationShare,
		Violations: violations, RecordDir: f.record, RecordScenarios: f.recordScenarios, RecordLimit: int64(f.recordLimit), Logger: logger,
		ToolVersion: toolVersion(), ModelVersion: checker.Model(4).Describe()}
	if os.Getenv("GOMAXPROCS") == "" {
		// A scheduler slot per validation worker beyond the cores, so
		// that validation never holds one the traffic needs
		// (proxy.SpareProcs). GOMAXPROCS overrides it.
		defer proxy.SpareProcs(&cfg)()
	}
	p, err := proxy.New(cfg)
	if err != nil {
		return usageError("%v", err)
	}
	l := proxy.Listeners{TLSCert: f.tlsCert, TLSKey: f.tlsKey}
	if l.Proxy, err = net.Listen("tcp", f.listen); err != nil {
		p.Close()
		return usageError("--listen: %v", err)
	}
	if f.admin != "" {
		if l.Admin, err = net.Listen("tcp", f.admin); err != nil {
			l.Proxy.Close()
			p.Close()
			return usageError("--admin: %v", err)
		}
	}
	if os.Getenv("GOGC") == "" {
		// Validation makes garbage at a steady rate while the proxy's own
		// memory is bounded (--max-body, the capture budget): a collector
		// that runs four times less often keeps its pauses out of the
		// traffic's tail latency (proxy/BENCHMARKS.md). GOGC overrides it.
		debug.SetGCPercent(400)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		// Captured bodies and checks have their budgets: the collector
		// works harder rather than let the process grow past them.
		// GOMEMLIMIT overrides it.
		debug.SetMemoryLimit(p.MemoryLimit())
	}
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := p.Serve(ctx, l); err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	return nil
}

// entryPointProduct reads the engine's product version for --engine-version
// auto with one request at start, signed in as --user: nil (no engine
// answer to read) when no password was given, since clients bring their
// own credentials through the proxy.
func (f *proxyFlags) entryPointProduct(up *url.URL) func(context.Context) (string, error) {
	if f.engine.passwordFile == "" && os.Getenv(passwordEnv) == "" {
		return nil
	}
	return func(ctx context.Context) (string, error) {
		c, err := f.engine.client(up.String())
		if err != nil {
			return "", err
		}
		return c.ProductVersion(ctx)
	}
}

// proxyModes are the values of --mode.
func proxyModes() []string { return []string{proxy.Observe.String(), proxy.Enforce.String()} }

// logLevels are the values of --log-level, least severe first.
var logLevels = []logLevel{{"debug", slog.LevelDebug}, {"info", slog.LevelInfo}, {"warn", slog.LevelWarn}, {"error", slog.LevelError}}

// logFormats are the values of --log-format.
var logFormats = []logFormat{
	{"text", func(w io.Writer, o *slog.HandlerOptions) slog.Handler { return slog.NewTextHandler(w, o) }},
	{"json", func(w io.Writer, o *slog.HandlerOptions) slog.Handler { return slog.NewJSONHandler(w, o) }},
}

type logLevel struct {
	name  string
	level slog.Level
}

type logFormat struct {
	name    string
	handler func(io.Writer, *slog.HandlerOptions) slog.Handler
}

// newLogger builds the slog logger of --log-level and --log-format, which
// their choice flags have checked.
func newLogger(w io.Writer, level, format string) *slog.Logger {
	opts := &slog.HandlerOptions{}
	for _, l := range logLevels {
		if l.name == level {
			opts.Level = l.level
		}
	}
	for _, f := range logFormats {
		if f.name == format {
			return slog.New(f.handler(w, opts))
		}
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
