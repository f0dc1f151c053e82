package schema

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// ModelPrefix introduces a model version where a release is named
// ("model:4.6.1"); any other name is an engine release ("4.4.10").
const ModelPrefix = "model:"

// ErrUnknownRelease is wrapped by the errors of resolving a name that
// names no release this build knows.
var ErrUnknownRelease = errors.New("unknown release")

// Release says what a model was judged as: the release a user named (or
// an engine reported), the model version that release shipped, and the
// embedded model it is checked with, the newest of that model's minor
// line. Results and reports carry it.
type Release struct {
	// Name is the release as named: "4.4.10", "4.4", "model:4.6.1", or
	// "" for the default, the newest model.
	Name string `json:"name,omitempty"`
	// Engine is the engine release of the table it resolved to
	// ("4.4.10"; "4.4" is the newest 4.4 release, "4.4.10.7"), or "".
	Engine string `json:"engine,omitempty"`
	// Shipped is the model version that engine release shipped, or the
	// model version named ("4.4.34").
	Shipped string `json:"shipped,omitempty"`
	// Model is the embedded model version checked with ("4.4.35").
	Model string `json:"model"`
	// Warning says what was assumed when the release is not in the table
	// (an engine newer than it, or one that did not say its version).
	Warning string `json:"warning,omitempty"`
}

// String describes the release for people: "engine 4.4.10 (model
// 4.4.34, checked with model 4.4.35)", "model 4.6.1".
func (r Release) String() string {
	var b strings.Builder
	switch {
	case r.Engine != "":
		fmt.Fprintf(&b, "engine %s", r.Engine)
		if r.Name != "" && r.Name != r.Engine {
			fmt.Fprintf(&b, " (as %s)", r.Name)
		}
		fmt.Fprintf(&b, ", model %s", r.Shipped)
		if r.Shipped != r.Model {
			fmt.Fprintf(&b, ", checked with model %s", r.Model)
		}
	case r.Shipped != "" && r.Shipped != r.Model:
		fmt.Fprintf(&b, "model %s, checked with model %s", r.Shipped, r.Model)
	default:
		fmt.Fprintf(&b, "model %s", r.Model)
	}
	return b.String()
}

// EngineRelease is one row of the table of engine releases: the model
// version an engine release shipped, and the date of its tag.
type EngineRelease struct {
	Engine string
	Model  string
	Date   string
}

// ReleaseTable maps engine releases to the model they shipped and model
// versions to the embedded model of their minor line.
type ReleaseTable struct {
	// Engines are the engine releases, oldest version first.
	Engines []EngineRelease
	// Models are the embedded model versions, oldest first.
	Models []string
}

// ParseReleaseTable reads the table of engine releases (engine release,
// model version and tag date, tab-separated, after a header line; lines
// starting with '#' are comments) for the embedded models.
func ParseReleaseTable(tsv []byte, models []string) (*ReleaseTable, error) {
	t := &ReleaseTable{Models: slices.Clone(models)}
	header := true
	for n, line := range strings.Split(string(tsv), "\n") {
		line = strings.TrimRight(line, "\r")
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if header {
			header = false
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 3 || parseVersion(cols[0]) == nil || parseVersion(cols[1]) == nil {
			return nil, fmt.Errorf("schema: engine releases line %d: want engine release, model version and date: %w", n+1, ErrModel)
		}
		t.Engines = append(t.Engines, EngineRelease{Engine: cols[0], Model: cols[1], Date: cols[2]})
	}
	if len(t.Engines) == 0 || len(t.Models) == 0 {
		return nil, fmt.Errorf("schema: no engine releases or no models: %w", ErrModel)
	}
	slices.SortStableFunc(t.Engines, func(a, b EngineRelease) int { return compareVersions(a.Engine, b.Engine) })
	return t, nil
}

// Resolve turns a release name into a Release: "" is the newest model;
// "model:X" the embedded model of X's minor line; anything else an engine
// release, looked up in the table (a minor line such as "4.4" is its
// newest release; a build the table lacks is its closest older build of
// the same line, with a warning). An engine newer than every release of
// the table is checked with the newest model, with a warning. A name that
// is no version, or older than the table, is ErrUnknownRelease.
func (t *ReleaseTable) Resolve(name string) (Release, error) {
	name = strings.TrimSpace(name)
	newest := t.Models[len(t.Models)-1]
	if name == "" {
		return Release{Model: newest, Shipped: newest}, nil
	}
	if v, ok := strings.CutPrefix(name, ModelPrefix); ok {
		return t.resolveModel(name, v)
	}
	key := parseVersion(name)
	if len(key) < 2 {
		return Release{}, fmt.Errorf("schema: release %q: want an engine release such as 4.4.10, or %s followed by a model version: %w", name, ModelPrefix, ErrUnknownRelease)
	}
	if compareKeys(key, parseVersion(t.Engines[0].Engine)) < 0 && !sameLine(key, parseVersion(t.Engines[0].Engine)) {
		return Release{}, fmt.Errorf("schema: engine %s is older than API v4 (the table starts with engine %s): %w", name, t.Engines[0].Engine, ErrUnknownRelease)
	}
	var exact, line *EngineRelease
	for i := range t.Engines {
		e := &t.Engines[i]
		k := parseVersion(e.Engine)
		if len(key) > 2 && compareKeys(k, key) == 0 {
			exact = e
		}
		if len(key) == 2 && sameLine(k, key) || len(key) > 2 && sameLine(k, key) && compareKeys(k, key) <= 0 {
			line = e // the newest such, since Engines are in order
		}
	}
	var r Release
	switch {
	case exact != nil:
		r = Release{Name: name, Engine: exact.Engine, Shipped: exact.Model}
	case line != nil && len(key) == 2:
		r = Release{Name: name, Engine: line.Engine, Shipped: line.Model}
	case line != nil && compareKeys(key, parseVersion(t.Engines[len(t.Engines)-1].Engine)) < 0:
		r = Release{Name: name, Engine: line.Engine, Shipped: line.Model,
			Warning: fmt.Sprintf("engine %s is not in the table of releases; checked as %s, the closest older release of its line", name, line.Engine)}
	default:
		last := t.Engines[len(t.Engines)-1]
		return Release{Name: name, Shipped: newest, Model: newest,
			Warning: fmt.Sprintf("engine %s is newer than the table of releases (which ends with %s); checked with the newest model, %s", name, last.Engine, newest)}, nil
	}
	m, err := t.lineModel(r.Shipped)
	if err != nil {
		return Release{}, fmt.Errorf("schema: engine %s shipped model %s: %w", name, r.Shipped, err)
	}
	r.Model = m
	return r, nil
}

func (t *ReleaseTable) resolveModel(name, v string) (Release, error) {
	if len(parseVersion(v)) < 2 {
		return Release{}, fmt.Errorf("schema: release %q: want a model version such as %s4.6.1: %w", name, ModelPrefix, ErrUnknownRelease)
	}
	m, err := t.lineModel(v)
	if err != nil {
		return Release{}, fmt.Errorf("schema: release %q: %w", name, err)
	}
	r := Release{Name: name, Shipped: v, Model: m}
	if len(parseVersion(v)) > 2 && compareVersions(v, m) > 0 {
		r.Warning = fmt.Sprintf("model %s is newer than the embedded %s; checked with %s", v, m, m)
	}
	return r, nil
}

// lineModel returns the embedded model of a model version's minor line.
func (t *ReleaseTable) lineModel(version string) (string, error) {
	key := parseVersion(version)
	for _, m := range t.Models {
		if sameLine(parseVersion(m), key) {
			return m, nil
		}
	}
	return "", fmt.Errorf("no embedded model of the %d.%d line (embedded: %s): %w", key[0], key[1], strings.Join(t.Models, ", "), ErrUnknownRelease)
}

// Shipping returns the engine releases that ship a model of the minor
// line of model (an embedded model version), oldest first.
func (t *ReleaseTable) Shipping(model string) []EngineRelease {
	key := parseVersion(model)
	var out []EngineRelease
	for _, e := range t.Engines {
		if k := parseVersion(e.Model); k != nil && key != nil && sameLine(k, key) {
			out = append(out, e)
		}
	}
	return out
}

// parseVersion returns the numbers of a dotted version ("4.4.10" is
// [4 4 10]), or nil when it is not one.
func parseVersion(v string) []int {
	if v == "" {
		return nil
	}
	parts := strings.Split(v, ".")
	out := make([]int, 0, len(parts))
	for _, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || len(p) > 9 {
			return nil
		}
		out = append(out, n)
	}
	return out
}

// compareKeys orders versions number by number; missing numbers are 0, so
// 4.4.0 and 4.4.0.0 are the same release.
func compareKeys(a, b []int) int {
	for i := 0; i < max(len(a), len(b)); i++ {
		var x, y int
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if x != y {
			return x - y
		}
	}
	return 0
}

func compareVersions(a, b string) int { return compareKeys(parseVersion(a), parseVersion(b)) }

// CompareVersions orders two dotted versions number by number (4.4.9 <
// 4.4.10; missing numbers are 0): negative, zero or positive.
func CompareVersions(a, b string) int { return compareVersions(a, b) }

func sameLine(a, b []int) bool { return len(a) >= 2 && len(b) >= 2 && a[0] == b[0] && a[1] == b[1] }

// ResolveProduct resolves the version an engine reports in its
// product_info ("4.4.10.7-1.el8", or "4.4.10.7" from major, minor, build
// and revision). It always gives a release: an engine that reports no
// version, or one the table cannot place (newer than it, older than API
// v4), is checked with the newest model, with a warning saying so.
func (t *ReleaseTable) ResolveProduct(product string) Release {
	newest := t.Models[len(t.Models)-1]
	v := leadingVersion(product)
	if v == "" {
		return Release{Shipped: newest, Model: newest,
			Warning: fmt.Sprintf("the engine did not report its version (product_info); checked with the newest model, %s", newest)}
	}
	r, err := t.Resolve(v)
	if err != nil {
		return Release{Name: v, Shipped: newest, Model: newest,
			Warning: fmt.Sprintf("%v; checked with the newest model, %s", err, newest)}
	}
	return r
}

// leadingVersion returns the dotted numbers a product version starts with
// ("4.4.10.7" of "4.4.10.7-1.el8"), or "".
func leadingVersion(s string) string {
	end := 0
	for end < len(s) && (s[end] >= '0' && s[end] <= '9' || s[end] == '.') {
		end++
	}
	v := strings.Trim(s[:end], ".")
	if parseVersion(v) == nil {
		return ""
	}
	return v
}

// EngineFor returns the engine release a release stands for, as an
// engine would report it: the engine release resolved, else the newest
// engine release that shipped a model of the release's line ("4.5.7" for
// model 4.6.1); "" when the table knows none.
func (t *ReleaseTable) EngineFor(r Release) string {
	if r.Engine != "" {
		return r.Engine
	}
	if s := t.Shipping(r.Model); len(s) > 0 {
		return s[len(s)-1].Engine
	}
	return ""
}
