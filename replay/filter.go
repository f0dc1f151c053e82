package replay

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ovcompat/ovcompat/scenario"
)

// Filter picks scenarios by their labels. Its text is a comma-separated
// list of terms that must all hold:
//
//	resource=vms           the scenario has label resource:vms
//	feature=crud|actions   ... feature:crud or feature:actions
//	source!=recorded       ... no label source:recorded
//	smoke                  ... any label whose value is smoke
//
// Keys are resource, feature, api, source and tag. Scenarios labelled
// source: recorded replay traffic of engines whose ids exist only there, so
// unless a term names the source key they are left out.
type Filter struct {
	text  string
	terms []term
}

type term struct {
	key    string // "" matches any key
	values []string
	negate bool
}

// ParseFilter reads a filter; "" keeps every scenario but recorded ones.
func ParseFilter(s string) (*Filter, error) {
	f := &Filter{text: strings.TrimSpace(s)}
	for _, raw := range strings.Split(f.text, ",") {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		var t term
		key, vals, ok := strings.Cut(raw, "=")
		if ok {
			t.key = strings.TrimSpace(key)
			if strings.HasSuffix(t.key, "!") {
				t.key, t.negate = strings.TrimSpace(strings.TrimSuffix(t.key, "!")), true
			}
			if !slices.Contains([]string{"resource", "feature", "api", "source", "tag"}, t.key) {
				return nil, fmt.Errorf("label filter %q: unknown key %q (want resource, feature, api, source or tag)", s, t.key)
			}
		} else {
			vals = key
		}
		for _, v := range strings.Split(vals, "|") {
			if v = strings.TrimSpace(v); v != "" {
				t.values = append(t.values, v)
			}
		}
		if len(t.values) == 0 {
			return nil, fmt.Errorf("label filter %q: term %q names no value", s, raw)
		}
		f.terms = append(f.terms, t)
	}
	return f, nil
}

// String returns the filter as given.
func (f *Filter) String() string {
	if f == nil {
		return ""
	}
	return f.text
}

// Match reports whether a scenario with labels l is picked, and if not,
// why not.
func (f *Filter) Match(l scenario.Labels) (bool, string) {
	namesSource := false
	if f != nil {
		for _, t := range f.terms {
			namesSource = namesSource || t.key == "source"
			if !t.holds(l) {
				return false, "left out by the label filter " + f.text
			}
		}
	}
	if !namesSource && l.Source == scenario.SourceRecorded {
		return false, "recorded traffic: its ids exist only on the engine that produced it (select it with source=recorded; it is checked offline in the tests)"
	}
	return true, ""
}

func (t term) holds(l scenario.Labels) bool {
	var have []string
	if t.key == "" {
		for _, k := range []string{"resource", "feature", "api", "source", "tag"} {
			have = append(have, l.Values(k)...)
		}
	} else {
		have = l.Values(t.key)
	}
	found := false
	for _, v := range t.values {
		found = found || slices.Contains(have, v)
	}
	return found != t.negate
}
