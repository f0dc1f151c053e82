// Package proxy is ovcompat's sidecar: a reverse proxy in front of one oVirt
// engine that validates every request and response against the API model
// and the rules catalogue, records the traffic with its secrets redacted,
// and never becomes the reason something broke.
//
// The proxy is goproxy behind an outer handler that pins every request to
// the upstream engine (CONNECT and absolute-form URLs naming another host
// are refused, so it is never an open proxy). In observe mode the bytes and
// headers pass unchanged, hop-by-hop headers aside, and validation runs
// beside the stream on a bounded queue whose work is shed, and counted,
// when it cannot keep up. In enforce mode an invalid request is answered by
// the proxy itself with 400 and an oVirt <fault>; with EnforceResponses an
// invalid response becomes 502.
package proxy

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/ovcompat/ovcompat/redact"
	"github.com/ovcompat/ovcompat/rules"
	"github.com/ovcompat/ovcompat/schema"
)

// Mode says whether the proxy only watches requests or also rejects them.
type Mode uint8

// Modes.
const (
	// Observe passes every request and response unchanged.
	Observe Mode = iota
	// Enforce answers requests that violate an error-severity rule with
	// 400 and a <fault>; the engine never sees them.
	Enforce
)

func (m Mode) String() string {
	if m == Enforce {
		return "enforce"
	}
	return "observe"
}

// ParseMode reads "observe" or "enforce".
func ParseMode(s string) (Mode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "observe", "":
		return Observe, nil
	case "enforce":
		return Enforce, nil
	}
	return Observe, fmt.Errorf("mode %q: want observe or enforce", s)
}

// Defaults of Config.
const (
	DefaultMaxBody         = schema.DefaultMaxBytes // --max-body, the same for every command
	DefaultBufferBytes     = 128 << 20
	DefaultValidationBytes = 192 << 20
	DefaultQueueSize       = 1024
	DefaultUpstreamTimeout = 2 * time.Minute
	DefaultUpstreamIdle    = time.Minute
	DefaultDrainTimeout    = 30 * time.Second
	DefaultValidationShare = 0.05
	DefaultReportKeep      = 2000
	DefaultMaxIdleConns    = 256
	DefaultRecordLimit     = 512 << 20
)

// Config configures a Proxy. Only Upstream is required; every other field
// has a documented default.
type Config struct {
	// Upstream is the engine, e.g. https://engine.example.com. Only its
	// scheme and host are used: every path a client asks for passes through
	// as it is, /ovirt-engine/sso/* and /ovirt-engine/services/* included.
	Upstream *url.URL
	// Mode is Observe (the default) or Enforce.
	Mode Mode
	// EnforceResponses turns a response that violates an error-severity
	// rule into 502 with a <fault>. Responses are then buffered (up to
	// MaxBody) and validated before the client sees them.
	EnforceResponses bool
	// DisableValidation turns the checks off (observe mode only): the
	// proxy then only passes and records traffic. Benchmarks use it as the
	// baseline of validation's cost.
	DisableValidation bool
	// Checker checks exchanges; default rules.New with MaxBody as limit.
	Checker *rules.Checker
	// MaxBody is the largest body held whole to be validated or recorded,
	// in bytes (default 16 MiB). Larger bodies pass through untouched: an
	// XML response the proxy need not hold (no EnforceResponses) is
	// validated as it streams, the others are reported as schema.limit.
	MaxBody int64
	// BufferBytes bounds the memory held by bodies captured for validation
	// and recording, in flight and queued together (default 128 MiB).
	// Beyond it, captures are shed and counted.
	BufferBytes int64
	// ValidationBytes bounds the memory the checks hold at once (default
	// 192 MiB): each reserves, before it starts, what validating its
	// bodies may cost at most (schema.Cost), inline checks in
	// enforce mode as well as the validator's. One that needs more runs
	// alone.
	ValidationBytes int64
	// QueueSize bounds the exchanges waiting for validation (default 1024).
	QueueSize int
	// CPUs is how many cores the proxy has: what validation's share and
	// its budget are parts of (default GOMAXPROCS when New runs; give it
	// when GOMAXPROCS was raised above the cores, as SpareProcs does).
	CPUs int
	// Workers validate in parallel; default half of CPUs, at least 1.
	Workers int
	// ValidationShare is the share of the CPUs validation may
	// always use, even when the proxy is saturated (default 0.05). Beyond
	// it, validation uses at most a quarter of the CPU left idle; what it cannot
	// validate is shed and counted, so traffic never waits for it.
	ValidationShare float64
	// Transport sends requests to the upstream; default a pooled transport
	// built from the TLS and timeout fields below.
	Transport *http.Transport
	// CAFile is a PEM file of the CAs that sign the engine's certificate,
	// trusted besides the system's. Insecure skips verification.
	CAFile   string
	Insecure bool
	// UpstreamTimeout bounds the wait for the engine's response headers
	// (default 2 minutes); it answers 504 when it expires.
	UpstreamTimeout time.Duration
	// UpstreamIdleTimeout bounds the wait for the next bytes of the
	// engine's response body (default 60 s, as nginx's proxy_read_timeout):
	// an engine that sends its headers and then stalls fails the exchange
	// (504 before the client has the headers, an aborted response after).
	UpstreamIdleTimeout time.Duration
	// MaxIdleConns is the upstream connection pool (default 256).
	MaxIdleConns int
	// RewriteHost sends the upstream's host in the Host header instead of
	// the one the client sent. The engine builds absolute URLs (Location)
	// from Host, so by default clients keep seeing the proxy's.
	RewriteHost bool
	// DrainTimeout bounds how long shutdown waits for requests in flight
	// (default 30 s).
	DrainTimeout time.Duration
	// Violations receives one JSON object per violation, one per line;
	// nil writes none.
	Violations io.Writer
	// RecordDir, when set, receives every exchange as HAR 1.2 files with
	// secrets redacted before anything is written, at most 1,000
	// exchanges a file.
	RecordDir string
	// RecordScenarios also writes each finished HAR file as a scenario
	// (YAML, ids captured as variables) beside it, for `ovcompat replay`.
	RecordScenarios bool
	// RecordLimit bounds what RecordDir holds, in bytes, files already
	// there at start included (default 512 MiB, under the Kubernetes
	// recipe's 1 GiB emptyDir). What would pass it is not written: the
	// recording stops, logged once, the exchanges after it counted in
	// ovcompat_proxy_record_capped_total; traffic is not affected.
	RecordLimit int64
	// ReportKeep is how many exchanges with violations the live /report
	// page keeps, latest first (default 2000); counts per rule are kept
	// for all of them.
	ReportKeep int
	// Logger logs through log/slog; default slog.Default().
	Logger *slog.Logger
	// Registry receives the proxy's Prometheus metrics; default a new one.
	Registry *prometheus.Registry
	// ToolVersion and ModelVersion are shown on /report and are the labels
	// of ovcompat_build_info.
	ToolVersion, ModelVersion string
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// withDefaults checks c and fills in its defaults.
func (c Config) withDefaults() (Config, error) {
	if c.Upstream == nil || c.Upstream.Host == "" {
		return c, errors.New("proxy: no upstream: give the engine's URL, e.g. https://engine.example.com")
	}
	if c.Upstream.Scheme != "http" && c.Upstream.Scheme != "https" {
		return c, fmt.Errorf("proxy: upstream %s: the scheme must be http or https", c.Upstream.Redacted())
	}
	if c.Upstream.User != nil {
		return c, errors.New("proxy: the upstream URL must not carry credentials; clients send their own")
	}
	if c.DisableValidation && (c.Mode == Enforce || c.EnforceResponses) {
		return c, errors.New("proxy: enforce mode needs validation")
	}
	orDefault(&c.MaxBody, DefaultMaxBody)
	orDefault(&c.BufferBytes, DefaultBufferBytes)
	orDefault(&c.ValidationBytes, DefaultValidationBytes)
	orDefault(&c.QueueSize, DefaultQueueSize)
	orDefault(&c.CPUs, runtime.GOMAXPROCS(0))
	orDefault(&c.Workers, max(1, c.CPUs/2))
	orDefault(&c.ValidationShare, DefaultValidationShare)
	orDefault(&c.UpstreamTimeout, DefaultUpstreamTimeout)
	orDefault(&c.UpstreamIdleTimeout, DefaultUpstreamIdle)
	orDefault(&c.MaxIdleConns, DefaultMaxIdleConns)
	orDefault(&c.DrainTimeout, DefaultDrainTimeout)
	orDefault(&c.ReportKeep, DefaultReportKeep)
	orDefault(&c.RecordLimit, DefaultRecordLimit)
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	// Whatever logs through it (goproxy and net/http too) quotes
	// requests: no secret of theirs reaches the log.
	c.Logger = slog.New(redact.LogHandler(c.Logger.Handler()))
	if c.Registry == nil {
		c.Registry = prometheus.NewRegistry()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Checker == nil {
		ch, err := rules.New(rules.Options{Limits: schema.Limits{MaxBytes: c.MaxBody}})
		if err != nil {
			return c, fmt.Errorf("proxy: %w", err)
		}
		c.Checker = ch
	}
	return c, nil
}

// orDefault sets *v to def when it is unset (zero) or negative.
func orDefault[T int | int64 | float64 | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}
