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
// Keys are resource, feature, api, impact, source and tag; values are
// labels (letters, digits, '-', '_' and '.').
type Filter struct {
	text  string
	terms []term
}

type term struct {
	key    string // "" matches any key
	values []string
	negate bool
}

// labelKeys are the keys a filter term may name.
func labelKeys() []string { return []string{"resource", "feature", "api", "impact", "source", "tag"} }

// ParseFilter reads a filter; "" keeps every scenario. A term with an
// unknown key, no value, or a value no label can have is an error.
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
			if !slices.Contains(labelKeys(), t.key) {
				return nil, fmt.Errorf("label filter %q: unknown key %q (want %s)", s, t.key, strings.Join(labelKeys(), ", "))
			}
		} else {
			vals = key
		}
		for _, v := range strings.Split(vals, "|") {
			if v = strings.TrimSpace(v); v == "" {
				continue
			}
			if !scenario.ValidLabel(v) {
				return nil, fmt.Errorf("label filter %q: term %q: %q is no label (letters, digits, '-', '_' and '.'; terms are KEY=VALUE|VALUE or KEY!=VALUE, joined by commas)", s, raw, v)
			}
			t.values = append(t.values, v)
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
	if f == nil {
		return true, ""
	}
	for _, t := range f.terms {
		if !t.holds(l) {
			return false, "left out by the label filter " + f.text
		}
	}
	return true, ""
}

// Names reports whether a term of the filter names the key.
func (f *Filter) Names(key string) bool {
	if f == nil {
		return false
	}
	for _, t := range f.terms {
		if t.key == key {
			return true
		}
	}
	return false
}

// Keys returns the keys the filter's terms name, each once, in order ("" for
// a term that names none).
func (f *Filter) Keys() []string {
	var out []string
	if f != nil {
		for _, t := range f.terms {
			if !slices.Contains(out, t.key) {
				out = append(out, t.key)
			}
		}
	}
	return out
}

func (t term) holds(l scenario.Labels) bool {
	var have []string
	if t.key == "" {
		for _, k := range labelKeys() {
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
