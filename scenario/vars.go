package scenario

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Vars are the values of a scenario's variables, by name ("vm.id").
type Vars map[string]string

// UnboundError is returned when a substitution names a variable without a
// value: no earlier step captured it, or the step that should have did not.
type UnboundError struct {
	Var string
}

func (e *UnboundError) Error() string {
	return fmt.Sprintf("variable {{%s}} is not bound: no earlier step captured it", e.Var)
}

// ErrUnbound matches every *UnboundError with errors.Is.
var ErrUnbound = errors.New("unbound variable")

// Is makes errors.Is(err, ErrUnbound) true.
func (e *UnboundError) Is(target error) bool { return target == ErrUnbound }

// refPattern matches {{ name }}. Names are dotted identifiers.
var refPattern = regexp.MustCompile(`\{\{\s*([A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*)\s*\}\}`)

// varName is the syntax of a variable name.
var varName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*$`)

// ValidVar reports whether name is a well-formed variable name.
func ValidVar(name string) bool { return varName.MatchString(name) }

// References returns the variables s refers to, in order of appearance,
// each once.
func References(s string) []string {
	if !strings.Contains(s, "{{") {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, m := range refPattern.FindAllStringSubmatch(s, -1) {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	return out
}

// Expand replaces every {{var}} in s with its value. The first unbound
// variable is an *UnboundError.
func (v Vars) Expand(s string) (string, error) {
	if !strings.Contains(s, "{{") {
		return s, nil
	}
	var err error
	out := refPattern.ReplaceAllStringFunc(s, func(m string) string {
		name := refPattern.FindStringSubmatch(m)[1]
		val, ok := v[name]
		if !ok && err == nil {
			err = &UnboundError{Var: name}
		}
		return val
	})
	return out, err
}

// References returns the variables the request refers to, each once.
func (r *Request) References() []string {
	var all []string
	add := func(s string) { all = append(all, References(s)...) }
	add(r.Path)
	for _, p := range r.Query {
		add(p.Value)
	}
	for _, p := range r.Header {
		add(p.Value)
	}
	add(r.Body)
	seen := map[string]bool{}
	out := all[:0]
	for _, n := range all {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// Expand returns the request with every substitution made.
func (r *Request) Expand(v Vars) (Request, error) {
	out := Request{Method: r.Method}
	var err error
	if out.Path, err = v.Expand(r.Path); err != nil {
		return out, err
	}
	if out.Body, err = v.Expand(r.Body); err != nil {
		return out, err
	}
	if out.Query, err = v.expandPairs(r.Query); err != nil {
		return out, err
	}
	out.Header, err = v.expandPairs(r.Header)
	return out, err
}

func (v Vars) expandPairs(ps []Pair) ([]Pair, error) {
	if len(ps) == 0 {
		return nil, nil
	}
	out := make([]Pair, len(ps))
	for i, p := range ps {
		val, err := v.Expand(p.Value)
		if err != nil {
			return nil, err
		}
		out[i] = Pair{Name: p.Name, Value: val}
	}
	return out, nil
}
