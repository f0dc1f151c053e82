package reports

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Accepted is one accepted finding of a baseline file: a known change that
// must not fail CI. It matches a change by kind or rule (or both), route
// and, optionally, location; Reason says why it is accepted and is shown
// with the change.
//
//   - kind: element-removed          # or rule: schema.unknown-element
//     route: GET /vms/{vm_id}        # a template alone matches any method; * any route
//     location: /vm/memory           # optional; a trailing * matches a prefix
//     reason: memory moved to memory_policy in 4.6 (JIRA-1234)
type Accepted struct {
	Kind     string `yaml:"kind,omitempty" json:"kind,omitempty"`
	Rule     string `yaml:"rule,omitempty" json:"rule,omitempty"`
	Route    string `yaml:"route" json:"route"`
	Location string `yaml:"location,omitempty" json:"location,omitempty"`
	Reason   string `yaml:"reason" json:"reason"`
	// Line is the entry's line in the baseline file.
	Line int `yaml:"-" json:"line,omitempty"`
}

// Baseline is a list of accepted findings, in file order.
type Baseline []Accepted

// ErrBaseline is returned (wrapped) by ParseBaseline for a baseline that
// cannot be used.
var ErrBaseline = errors.New("bad baseline")

// MaxBaselineBytes bounds a baseline file.
const MaxBaselineBytes = 16 << 20

// ParseBaseline reads a baseline: a YAML list of accepted findings. Every
// entry needs a kind or a rule, a route and a reason; unknown fields are
// errors. Errors name the line.
func ParseBaseline(rd io.Reader) (Baseline, error) {
	data, err := io.ReadAll(io.LimitReader(rd, MaxBaselineBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reports: read baseline: %w", err)
	}
	if len(data) > MaxBaselineBytes {
		return nil, fmt.Errorf("reports: baseline larger than %d bytes: %w", MaxBaselineBytes, ErrBaseline)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, fmt.Errorf("reports: %w: %w", ErrBaseline, err)
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("reports: %w: want a list of accepted findings (- kind: ..., route: ..., reason: ...)", ErrBaseline)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var list Baseline
	if err := dec.Decode(&list); err != nil {
		return nil, fmt.Errorf("reports: %w: %w", ErrBaseline, err)
	}
	for i, item := range root.Content[0].Content {
		if i < len(list) {
			list[i].Line = item.Line
		}
	}
	for _, a := range list {
		var missing []string
		if a.Kind == "" && a.Rule == "" {
			missing = append(missing, "kind or rule")
		}
		if a.Route == "" {
			missing = append(missing, "route (* for any)")
		}
		if strings.TrimSpace(a.Reason) == "" {
			missing = append(missing, "reason")
		}
		if len(missing) > 0 {
			return nil, fmt.Errorf("reports: %w: line %d: entry needs %s", ErrBaseline, a.Line, strings.Join(missing, ", "))
		}
	}
	return list, nil
}

// Matches reports whether a accepts the change.
func (a *Accepted) Matches(c *Change) bool {
	if a.Kind != "" && a.Kind != c.Kind {
		return false
	}
	if a.Rule != "" && a.Rule != c.Rule {
		return false
	}
	if !routeMatches(a.Route, c.Route) {
		return false
	}
	if a.Location == "" {
		return true
	}
	if prefix, ok := strings.CutSuffix(a.Location, "*"); ok {
		return strings.HasPrefix(c.Location, prefix)
	}
	return a.Location == c.Location
}

// routeMatches compares a baseline route ("GET /vms/{vm_id}", "/vms/{vm_id}"
// or "*") with a change's "METHOD template".
func routeMatches(want, got string) bool {
	want = strings.TrimSpace(want)
	if want == "*" {
		return true
	}
	if strings.HasPrefix(want, "/") {
		_, path, _ := strings.Cut(got, " ")
		return path == want
	}
	wm, wp, _ := strings.Cut(want, " ")
	gm, gp, _ := strings.Cut(got, " ")
	return strings.EqualFold(wm, gm) && strings.TrimSpace(wp) == gp
}

// apply marks the changes the baseline accepts (the first matching entry
// gives the reason) and returns the entries that matched nothing.
func (b Baseline) apply(cs []Change) []Accepted {
	used := make([]bool, len(b))
	for i := range cs {
		for j := range b {
			if b[j].Matches(&cs[i]) {
				cs[i].Accepted, cs[i].AcceptedReason, cs[i].AcceptedLine, cs[i].acceptedBy = true, b[j].Reason, b[j].Line, &b[j]
				used[j] = true
				break
			}
		}
	}
	var unused []Accepted
	for j, u := range used {
		if !u {
			unused = append(unused, b[j])
		}
	}
	return unused
}

// Check makes sure every entry names a known kind and rule: kinds lists
// every kind a change may have (ChangeKinds and the replay's difference
// kinds), rules every rule ID. An unknown one is an error that names the
// entry's line and the nearest known name, since an entry that can never
// match would silently accept nothing.
func (b Baseline) Check(kinds, rules []string) error {
	for _, a := range b {
		if a.Kind != "" && !slices.Contains(kinds, a.Kind) {
			return fmt.Errorf("reports: %w: line %d: %s", ErrBaseline, a.Line, unknownName("kind", a.Kind, kinds))
		}
		if a.Rule != "" && !slices.Contains(rules, a.Rule) {
			return fmt.Errorf("reports: %w: line %d: %s", ErrBaseline, a.Line, unknownName("rule", a.Rule, rules))
		}
	}
	return nil
}

func unknownName(what, name string, known []string) string {
	if near := Nearest(name, known); near != "" {
		return fmt.Sprintf("unknown %s %q (did you mean %q?)", what, name, near)
	}
	return fmt.Sprintf("unknown %s %q", what, name)
}

// Nearest returns the name of known closest to name by edit distance, or ""
// when none is close (more than half of name would have to change).
func Nearest(name string, known []string) string {
	best, bestD := "", len(name)/2+1
	for _, k := range known {
		if d := editDistance(name, k); d < bestD || (d == bestD && best != "" && k < best) {
			best, bestD = k, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
