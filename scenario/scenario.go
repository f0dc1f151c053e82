// Package scenario is ovcompat's recorded-exchange format: one YAML file per
// scenario, made to be read, edited and reviewed by people. A scenario is a
// named, labelled sequence of steps; each step is a request, the role it runs
// as, optionally the response that was recorded for it, the values captured
// from the response (ids, hrefs, headers, paths into the body) and the
// substitutions ({{vm.id}}) that later steps make with them. Cleanup steps
// always run, after the steps, whatever happened to them.
//
// The package parses and writes the format (errors name the file, line and
// field), builds scenarios from a sequence of exchanges with automatic id
// capture (the proxy's recorder and `ovcompat import` use it), and evaluates
// captures and substitutions for the replayer. fixtures/README.md documents
// the format for people.
package scenario

import (
	"net/http"
	"slices"
	"strings"
	"time"
)

// Scenario is one recorded or hand-written flow of a client.
type Scenario struct {
	// Name identifies the scenario in results and reports; unique in a run.
	Name string
	// Description says in prose what the scenario does and why.
	Description string
	// Labels classify the scenario; filters and reports use them.
	Labels Labels
	// Credit names where recorded traffic comes from (required when
	// Labels.Source is "recorded").
	Credit string
	// Steps run in order.
	Steps []Step
	// Cleanup steps always run after Steps, in order, even when a step
	// failed; a cleanup step whose variables are unbound is skipped.
	Cleanup []Step
	// File is where the scenario was read from ("" when built in memory).
	// It is not written out.
	File string
}

// Labels classify a scenario.
type Labels struct {
	// Resource names the API resources the scenario exercises ("vms").
	Resource []string
	// Feature names what it exercises ("crud", "actions", "search", "json").
	Feature []string
	// API is the API version, "v4" or "v3" (default "v4").
	API string
	// Source says where the scenario comes from: "simulator" (recorded
	// through the proxy against the simulator), "recorded" (real traffic
	// of an engine whose ids exist only there), "hand-written", "crawled"
	// (ovcompat crawl's exchanges with an engine, holding its ids) or
	// "generated" (ovcompat generate, from the model).
	Source string
	// Impact, when set, says what running the scenario does beyond the
	// API: "infrastructure" (adds or disturbs hosts, storage, fencing,
	// networks of hosts). Runs leave such scenarios out unless asked.
	Impact string
	// Tags are free-form labels.
	Tags []string
}

// ImpactInfrastructure is the impact of scenarios that need real
// infrastructure or disturb it on a real engine.
const ImpactInfrastructure = "infrastructure"

// Sources of scenarios.
const (
	SourceSimulator   = "simulator"
	SourceRecorded    = "recorded"
	SourceHandWritten = "hand-written"
	SourceCrawled     = "crawled"
	SourceGenerated   = "generated"
)

// Sources lists the sources a scenario may name.
func Sources() []string {
	return []string{SourceSimulator, SourceRecorded, SourceHandWritten, SourceCrawled, SourceGenerated}
}

// Pairs returns the labels as key:value strings, sorted by key then value
// ("api:v4", "feature:crud", "impact:infrastructure", "resource:vms",
// "source:simulator", "tag:x").
func (l Labels) Pairs() []string {
	var out []string
	if l.API != "" {
		out = append(out, "api:"+l.API)
	}
	for _, f := range l.Feature {
		out = append(out, "feature:"+f)
	}
	for _, r := range l.Resource {
		out = append(out, "resource:"+r)
	}
	if l.Impact != "" {
		out = append(out, "impact:"+l.Impact)
	}
	if l.Source != "" {
		out = append(out, "source:"+l.Source)
	}
	for _, t := range l.Tags {
		out = append(out, "tag:"+t)
	}
	return out
}

// Values returns the values of label key ("resource", "feature", "api",
// "impact", "source", "tag").
func (l Labels) Values(key string) []string {
	switch key {
	case "impact":
		return nonEmpty(l.Impact)
	case "resource":
		return l.Resource
	case "feature":
		return l.Feature
	case "api":
		return nonEmpty(l.API)
	case "source":
		return nonEmpty(l.Source)
	case "tag", "tags":
		return l.Tags
	}
	return nil
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// Step is one request of a scenario and what is known of its answer.
type Step struct {
	// Name says what the step does; defaults to "METHOD path".
	Name string
	// Role is the role the step runs as; "" means "admin". The replayer
	// maps roles to users (--credentials).
	Role string
	// Auth is how the step authenticates: "" (the run's default), "token",
	// "basic" or "none" (no credentials at all).
	Auth string
	// Request is what the step sends.
	Request Request
	// Response is the recorded response, or nil when none was recorded:
	// the step is then checked against the rules only.
	Response *Response
	// Captures bind variables from the response, in order.
	Captures []Capture
	// Poll, when set, repeats the request until a condition holds.
	Poll *Poll
	// Line is the step's line in its file (0 when built in memory).
	Line int
}

// Title returns the step's name, or "METHOD path" when it has none.
func (s *Step) Title() string {
	if s.Name != "" {
		return s.Name
	}
	return s.Request.Method + " " + s.Request.Path
}

// Writes reports whether the step changes the engine's state (anything but
// GET, HEAD and OPTIONS); --read-only skips such steps.
func (s *Step) Writes() bool {
	switch s.Request.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return false
	}
	return true
}

// EffectiveRole returns the step's role, "admin" when it names none.
func (s *Step) EffectiveRole() string {
	if s.Role == "" {
		return RoleAdmin
	}
	return s.Role
}

// RoleAdmin is the role of steps that name none.
const RoleAdmin = "admin"

// Auth modes of a step.
const (
	AuthDefault = ""
	AuthToken   = "token"
	AuthBasic   = "basic"
	AuthNone    = "none"
)

// Request is an HTTP request of a step. Every string may hold {{var}}
// substitutions.
type Request struct {
	Method string
	// Path is the URL path from the host on, such as
	// /ovirt-engine/api/vms/{{vm.id}}; matrix parameters may be part of it.
	Path string
	// Query holds the query parameters, in order.
	Query []Pair
	// Header holds request headers, in order. Credentials are never here:
	// the replayer adds them for the step's role.
	Header []Pair
	// Body is the request body, as text.
	Body string

	// lines are the file lines of the fields ("path", "body",
	// "query.NAME", "headers.NAME"), for errors.
	lines map[string]int
}

// Response is a recorded response.
type Response struct {
	Status int
	// Header holds the headers that matter for comparison, in order.
	Header []Pair
	// Body is the response body, as text.
	Body string
}

// Pair is a name and a value: a header or a query parameter.
type Pair struct {
	Name, Value string
}

// Get returns the value of the first pair named name (headers compare
// without regard to case).
func Get(ps []Pair, name string) string {
	for _, p := range ps {
		if strings.EqualFold(p.Name, name) {
			return p.Value
		}
	}
	return ""
}

// HTTPHeader converts header pairs to an http.Header.
func HTTPHeader(ps []Pair) http.Header {
	h := make(http.Header, len(ps))
	for _, p := range ps {
		h.Add(p.Name, p.Value)
	}
	return h
}

// Capture binds a variable from a response.
type Capture struct {
	// Var is the variable's name, such as "vm.id".
	Var string
	// From says where the value comes from.
	From From
	// Arg is the header name (FromHeader) or the body path (FromPath).
	Arg string
}

// From is the source of a captured value.
type From uint8

// Capture sources.
const (
	// FromLocation is the last path segment of the Location header: the id
	// of the resource an Add created.
	FromLocation From = iota + 1
	// FromID is the id of the response's root resource (the id attribute
	// in XML, the "id" member in JSON).
	FromID
	// FromHref is the href of the response's root resource, as a path.
	FromHref
	// FromHeader is a response header's value.
	FromHeader
	// FromPath is a value found by a path into the body (see Path).
	FromPath
)

var fromNames = [...]string{FromLocation: "location", FromID: "id", FromHref: "href", FromHeader: "header", FromPath: "path"}

// String returns the source's name as the YAML format writes it.
func (f From) String() string {
	if int(f) < len(fromNames) && fromNames[f] != "" {
		return fromNames[f]
	}
	return "unknown"
}

// Poll repeats a step's request until a condition holds on the response.
type Poll struct {
	// Path selects a value of the response body (see Path).
	Path string
	// Values are the values that end the polling; any one of them does.
	Values []string
	// Interval is the wait between attempts (default 1s).
	Interval time.Duration
	// Timeout bounds the polling (default 2m); when it passes, the step
	// fails.
	Timeout time.Duration
}

// Default polling.
const (
	DefaultPollInterval = time.Second
	DefaultPollTimeout  = 2 * time.Minute
)

// Done reports whether v ends the polling.
func (p *Poll) Done(v string) bool { return slices.Contains(p.Values, v) }

// StepCount returns the number of steps and cleanup steps.
func (sc *Scenario) StepCount() int { return len(sc.Steps) + len(sc.Cleanup) }
