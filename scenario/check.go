package scenario

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
)

// ValidLabel reports whether s can be a label value (and a role): letters,
// digits, '-', '_' and '.', so that labels work as Ginkgo labels and
// filter terms.
func ValidLabel(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r == '-' || r == '_' || r == '.' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// validMethod reports whether m is a method a step may use.
func validMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch, http.MethodOptions:
		return true
	}
	return false
}

// secretHeader reports headers that never appear in a scenario: credentials come from the
// replayer's configuration.
func secretHeader(name string) bool {
	switch http.CanonicalHeaderKey(name) {
	case "Authorization", "Cookie", "Set-Cookie", "Proxy-Authorization":
		return true
	}
	return false
}

func validHeaderName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r) {
			return false
		}
	}
	return true
}

// checkVars checks that every {{variable}} is captured before it is used:
// in a step, by an earlier step; in cleanup, by any step or an earlier
// cleanup step.
func (p *parser) checkVars(sc *Scenario) error {
	bound := map[string]bool{}
	check := func(list string, i int, st *Step) error {
		for _, ref := range st.Request.References() {
			if !bound[ref] {
				field, line := st.Request.fieldOf(ref)
				if line == 0 {
					line = st.Line
				}
				return &ParseError{File: p.file, Line: line, Field: fmt.Sprintf("%s[%d].request%s", list, i+1, field),
					Err: fmt.Errorf("unknown variable {{%s}}: no earlier step captures it (captured so far: %s)", ref, boundList(bound))}
			}
		}
		for _, c := range st.Captures {
			bound[c.Var] = true
		}
		return nil
	}
	for i := range sc.Steps {
		if err := check("steps", i, &sc.Steps[i]); err != nil {
			return err
		}
	}
	for i := range sc.Cleanup {
		if err := check("cleanup", i, &sc.Cleanup[i]); err != nil {
			return err
		}
	}
	return nil
}

func boundList(bound map[string]bool) string {
	if len(bound) == 0 {
		return "none"
	}
	var names []string
	for n := range bound {
		names = append(names, n)
	}
	slices.Sort(names)
	return strings.Join(names, ", ")
}

// fieldOf returns the field of the request that refers to variable ref
// (".path", ".query.NAME", ".headers.NAME", ".body") and its line.
func (r *Request) fieldOf(ref string) (string, int) {
	has := func(s string) bool { return slices.Contains(References(s), ref) }
	switch {
	case has(r.Path):
		return ".path", r.lines["path"]
	case has(r.Body):
		return ".body", r.lines["body"]
	}
	for _, q := range r.Query {
		if has(q.Value) {
			return ".query." + q.Name, r.lines["query."+q.Name]
		}
	}
	for _, h := range r.Header {
		if has(h.Value) {
			return ".headers." + h.Name, r.lines["headers."+h.Name]
		}
	}
	return "", 0
}
