// Package reports holds ovcompat's neutral result model (results.json,
// version 1) and its renderers: a self-contained HTML report, Markdown for
// CI summaries and pull-request comments, JUnit XML, and the JSON itself;
// plus the run-to-run compatibility diff and its baseline of accepted
// findings.
//
// The package imports nothing else of ovcompat: producers (replay, the
// conformance suite, the proxy) convert their findings into a Results value
// and hand it to a renderer. Every renderer writes to an io.Writer, sorts
// what it prints and never reads the clock: a report rendered twice from the
// same Results is the same bytes.
//
// The JSON form is documented by results.schema.json in this folder.
package reports

import (
	"encoding/json"
	"fmt"
	"math"
	"time"
)

// Version is the version of results.json this package writes. Read accepts
// this version only; a newer file asks for a newer ovcompat.
const Version = 1

// Results is one run: what was run against which engine, and what came of
// it. It is the content of results.json.
type Results struct {
	// Version is always Version when written.
	Version int `json:"version"`
	Run     Run `json:"run"`
	// Scenarios in the order they ran.
	Scenarios []Scenario `json:"scenarios"`
	// Coverage says which routes of the model the run exercised. Nil when
	// the producer did not compute it.
	Coverage *Coverage `json:"coverage,omitempty"`
	// Totals is derived from the scenarios when the file is written, so
	// that tools reading results.json need not recount. Read recomputes it.
	Totals *Totals `json:"totals,omitempty"`
}

// Run is the metadata of a run.
type Run struct {
	// Kind names the producer: "replay", "conformance", "proxy", "crawl".
	Kind string `json:"kind,omitempty"`
	// Target is the API URL the run talked to, without credentials.
	Target string `json:"target"`
	// Product and EngineVersion are the engine's own product_info (for
	// example "oVirt Engine", "4.5.5-1.el8"), when it told.
	Product       string `json:"product,omitempty"`
	EngineVersion string `json:"engine_version,omitempty"`
	// ToolVersion is ovcompat's version; ModelVersion the API model's
	// ("oVirt API model 4.6").
	ToolVersion  string    `json:"tool_version"`
	ModelVersion string    `json:"model_version"`
	Started      time.Time `json:"started"`
	Finished     time.Time `json:"finished"`
	// LabelFilter is the label filter that chose the scenarios, if any.
	LabelFilter string `json:"label_filter,omitempty"`
	// ReadOnly is set when every step that writes was skipped.
	ReadOnly bool `json:"read_only"`
	// Notes are free lines the producer wants shown (for the proxy:
	// requests seen, validations shed).
	Notes []string `json:"notes,omitempty"`
}

// Scenario is one scenario's result.
type Scenario struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	// Labels as the scenario declares them, for example "resource:vms",
	// "feature:actions", "source:recorded".
	Labels []string `json:"labels,omitempty"`
	// Source is the file the scenario was read from.
	Source   string   `json:"source,omitempty"`
	Outcome  Outcome  `json:"outcome"`
	Duration Duration `json:"duration_ms"`
	// Error is the harness error that ended the scenario (a syntax error,
	// an unbound variable, a target that is down), if any.
	Error string `json:"error,omitempty"`
	// LeftOut says why the run's selection left the scenario out (a label
	// filter; recorded traffic of another engine in the bundled set). Such
	// a scenario was never meant to run: its outcome is skip, it lists no
	// steps, and the totals count it apart (Totals.LeftOut), not among the
	// scenarios and steps that ran or were skipped.
	LeftOut string `json:"left_out,omitempty"`
	Steps   []Step `json:"steps"`
}

// Step is one request and its response.
type Step struct {
	// Index is the step's position in its scenario, from 0.
	Index int    `json:"index"`
	Name  string `json:"name,omitempty"`
	// Cleanup marks steps that run whatever happened before them.
	Cleanup bool   `json:"cleanup,omitempty"`
	Method  string `json:"method"`
	// Path is the concrete path requested, below the API base.
	Path string `json:"path"`
	// Route is the model's path template ("/vms/{vm_id}/start"), empty
	// when the route is not in the model.
	Route string `json:"route,omitempty"`
	Role  string `json:"role,omitempty"`
	// Status is the status received (0 when no response came);
	// RecordedStatus the status of the recording it is compared with.
	Status         int      `json:"status,omitempty"`
	RecordedStatus int      `json:"recorded_status,omitempty"`
	Outcome        Outcome  `json:"outcome"`
	Duration       Duration `json:"duration_ms"`
	// SkipReason says why a skipped step did not run.
	SkipReason string      `json:"skip_reason,omitempty"`
	Violations []Violation `json:"violations,omitempty"`
	// Differences are graded differences from the recorded response.
	Differences []Difference `json:"differences,omitempty"`
	// Skipped lists every comparison not made because the value varies by
	// nature (ids, hrefs, dates, statistics, status of asynchronous work).
	Skipped []SkippedComparison `json:"skipped_comparisons,omitempty"`
	// Error is the harness error of this step, if any.
	Error string `json:"error,omitempty"`
	// Transcript is the exchange, redacted; producers attach it to steps
	// that did not pass.
	Transcript *Transcript `json:"transcript,omitempty"`
}

// RouteKey is "METHOD template" (or "METHOD path" when the route is not in
// the model): how reports and baselines name a route.
func (s *Step) RouteKey() string {
	if s.Route != "" {
		return s.Method + " " + s.Route
	}
	return s.Method + " " + s.Path
}

// Violation is one finding about an exchange, in the shape every ovcompat
// output shares: {"rule","severity","location","reason"} plus line and
// column when known.
type Violation struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	// Location is a path into the body (/vms/vm[3]/memory), an attribute
	// (/vm/@href) or a part of the exchange ("status", "header:Location").
	Location string `json:"location"`
	Line     int    `json:"line,omitempty"`
	Column   int    `json:"column,omitempty"`
	// Reason never echoes a value from the body.
	Reason string `json:"reason"`
}

// Difference is one graded difference between a response and the one
// recorded (or, in a diff, between two runs).
type Difference struct {
	// Kind names the difference, kebab case: "element-removed",
	// "status-class-changed", "enum-value-added". Baselines match on it.
	Kind     string `json:"kind"`
	Grade    Grade  `json:"grade"`
	Location string `json:"location"`
	Reason   string `json:"reason"`
	// Base and New summarise the two sides ("200", "element present",
	// "3 items"); never a secret, never a whole body.
	Base string `json:"base,omitempty"`
	New  string `json:"new,omitempty"`
}

// SkippedComparison is a comparison not made, and why.
type SkippedComparison struct {
	Location string `json:"location"`
	Why      string `json:"why"`
}

// Transcript is a redacted exchange.
type Transcript struct {
	Request  Message `json:"request"`
	Response Message `json:"response"`
	// Recorded is the recorded response the received one was compared
	// with, when the step had one: report.html shows the two side by side.
	Recorded *Message `json:"recorded,omitempty"`
}

// Message is a request or a response as shown in a transcript. Renderers
// redact it again before showing it (see Redact).
type Message struct {
	// Method and URL are set on requests, Status on responses.
	Method  string   `json:"method,omitempty"`
	URL     string   `json:"url,omitempty"`
	Status  int      `json:"status,omitempty"`
	Headers []Header `json:"headers,omitempty"`
	Body    string   `json:"body,omitempty"`
	// Truncated is set when Body holds only the start of the body.
	Truncated bool `json:"truncated,omitempty"`
}

// Header is one header line; a slice of them keeps the order it was sent in.
type Header struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Coverage says which routes of the model a run exercised, per resource.
type Coverage struct {
	// Resources sorted by name.
	Resources []ResourceCoverage `json:"resources"`
}

// ResourceCoverage is the coverage of one resource (a top-level collection
// of the API such as "vms"; see ResourceOf).
type ResourceCoverage struct {
	Resource string `json:"resource"`
	// Routes is how many routes the model has for the resource.
	Routes int `json:"routes"`
	// Exercised lists the routes ("METHOD template") the run exercised,
	// sorted.
	Exercised []string `json:"exercised,omitempty"`
	// Reach says, for every GET route of the resource, whether a crawl
	// reached it and, when not, why not; sorted by route. Only crawls fill
	// it: they go where the engine's links lead, so a route they miss is
	// news about the engine, not about the scenarios.
	Reach []RouteReach `json:"reach,omitempty"`
}

// RouteReach is whether a crawl reached one GET route of the model.
type RouteReach struct {
	// Route is "GET template".
	Route   string `json:"route"`
	Reached bool   `json:"reached"`
	// Why is set when the route was not reached.
	Why Unreached `json:"why,omitempty"`
	// Detail says more, for people: the status and path of the last
	// attempt, the parent route that was never reached...
	Detail string `json:"detail,omitempty"`
}

// Unreached is why a crawl did not reach a route.
type Unreached string

// The reasons a crawl gives for a route it did not reach.
const (
	// NoObject: the lists that would hold an object of the kind were empty.
	NoObject Unreached = "no-object"
	// NotPermitted: the engine refused the user (401, 403).
	NotPermitted Unreached = "not-permitted"
	// NotFound: the engine answered 404 where it had linked.
	NotFound Unreached = "not-found"
	// BudgetSpent: the request budget ran out before the route's turn.
	BudgetSpent Unreached = "budget-spent"
	// Unlinked: nothing the engine answered linked to the route, and the
	// model gave no way to name one of its objects.
	Unlinked Unreached = "unlinked"
	// Failed: another answer (a server error, a transport error).
	Failed Unreached = "failed"
)

// Duration is a time.Duration written in JSON as milliseconds (a number).
type Duration time.Duration

// MarshalJSON writes milliseconds, to the microsecond.
func (d Duration) MarshalJSON() ([]byte, error) {
	ms := math.Round(float64(d)/float64(time.Microsecond)) / 1000
	return json.Marshal(ms)
}

// UnmarshalJSON reads milliseconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var ms float64
	if err := json.Unmarshal(b, &ms); err != nil {
		return fmt.Errorf("duration: want milliseconds: %w", err)
	}
	if ms < 0 || ms > float64(math.MaxInt64/int64(time.Millisecond)) {
		return fmt.Errorf("duration: %v ms out of range", ms)
	}
	*d = Duration(ms * float64(time.Millisecond))
	return nil
}

// String formats the duration as time.Duration does.
func (d Duration) String() string { return time.Duration(d).String() }
