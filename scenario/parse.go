package scenario

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ovcompat/ovcompat/internal/yamlline"
)

// MaxFileSize is the largest scenario file Parse accepts (32 MiB).
const MaxFileSize = 32 << 20

// ParseError says what is wrong in a scenario file, and where.
type ParseError struct {
	// File is the scenario's file name.
	File string
	// Line and Column locate the problem (1-based; 0 when unknown).
	Line, Column int
	// Field is the path to the field, such as steps[2].request.method
	// (step indexes count from 1).
	Field string
	// Err says what is wrong.
	Err error
}

func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Field != "" {
		b.WriteString(": ")
		b.WriteString(e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *ParseError) Unwrap() error { return e.Err }

// Parse reads one scenario from a YAML document. name is the file name,
// used in errors and kept in Scenario.File. The scenario is checked
// completely: every field is known, every capture is well-formed and every
// {{variable}} is captured by an earlier step.
func Parse(name string, data []byte) (*Scenario, error) {
	if len(data) > MaxFileSize {
		return nil, &ParseError{File: name, Err: fmt.Errorf("the file exceeds %d bytes", MaxFileSize)}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlError(name, data, err)
	}
	p := &parser{file: name}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, p.errf(&doc, "", "the file is empty: a scenario needs at least a name and steps")
	}
	sc, err := p.scenario(doc.Content[0])
	if err != nil {
		return nil, err
	}
	sc.File = name
	if err := p.checkVars(sc); err != nil {
		return nil, err
	}
	return sc, nil
}

// yamlError turns a YAML syntax error into a ParseError on the line it is
// on (yaml.v3 itself names the line where the enclosing block began).
func yamlError(file string, data []byte, err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		return &ParseError{File: file, Err: fmt.Errorf("YAML syntax: %s", strings.Join(te.Errors, "; "))}
	}
	var ye *yamlline.Error
	if errors.As(yamlline.Syntax(data, err), &ye) {
		return &ParseError{File: file, Line: ye.Line, Err: fmt.Errorf("YAML syntax: %s", ye.Msg)}
	}
	return &ParseError{File: file, Err: fmt.Errorf("YAML syntax: %w", err)}
}

type parser struct {
	file string
}

func (p *parser) errf(n *yaml.Node, field, format string, args ...any) error {
	return &ParseError{File: p.file, Line: n.Line, Column: n.Column, Field: field, Err: fmt.Errorf(format, args...)}
}

// fields walks a mapping node, calling f for each key with its value. Keys
// must be known and appear once.
func (p *parser) fields(n *yaml.Node, field string, known []string, f func(key string, v *yaml.Node) error) error {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return p.errf(n, field, "anchors and aliases are not supported: write the value out")
	}
	if n.Kind != yaml.MappingNode {
		return p.errf(n, field, "want a mapping (key: value lines), got %s", kindName(n))
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		key := k.Value
		sub := join(field, key)
		if k.Kind != yaml.ScalarNode {
			return p.errf(k, field, "keys must be plain names")
		}
		if !slices.Contains(known, key) {
			return p.errf(k, sub, "unknown field (want one of %s)", strings.Join(known, ", "))
		}
		if seen[key] {
			return p.errf(k, sub, "given twice")
		}
		seen[key] = true
		if v.Kind == yaml.AliasNode || v.Anchor != "" {
			return p.errf(v, sub, "anchors and aliases are not supported: write the value out")
		}
		if err := f(key, v); err != nil {
			return err
		}
	}
	return nil
}

func join(field, key string) string {
	if field == "" {
		return key
	}
	return field + "." + key
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "nothing"
		}
		return "a value"
	case yaml.AliasNode:
		return "an alias"
	}
	return "nothing"
}

// str reads a scalar as a string. Numbers and booleans are taken as
// written, so `max: 10` and `Filter: true` are the strings "10" and "true".
func (p *parser) str(n *yaml.Node, field string) (string, error) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", p.errf(n, field, "want a value, got %s", kindName(n))
	}
	return n.Value, nil
}

// strs reads a value or a list of values.
func (p *parser) strs(n *yaml.Node, field string) ([]string, error) {
	if n.Kind == yaml.ScalarNode {
		s, err := p.str(n, field)
		if err != nil {
			return nil, err
		}
		return []string{s}, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, p.errf(n, field, "want a value or a list of values, got %s", kindName(n))
	}
	var out []string
	for i, c := range n.Content {
		s, err := p.str(c, fmt.Sprintf("%s[%d]", field, i+1))
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// pairs reads a mapping of names to values, in order.
func (p *parser) pairs(n *yaml.Node, field string) ([]Pair, error) {
	if n.Kind != yaml.MappingNode {
		return nil, p.errf(n, field, "want a mapping of names to values, got %s", kindName(n))
	}
	var out []Pair
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		name, err := p.str(k, field)
		if err != nil {
			return nil, err
		}
		val := ""
		if !(v.Kind == yaml.ScalarNode && v.Tag == "!!null") {
			if val, err = p.str(v, join(field, name)); err != nil {
				return nil, err
			}
		}
		out = append(out, Pair{Name: name, Value: val})
	}
	return out, nil
}

func (p *parser) scenario(n *yaml.Node) (*Scenario, error) {
	sc := &Scenario{}
	var stepsNode *yaml.Node
	err := p.fields(n, "", []string{"name", "description", "labels", "credit", "steps", "cleanup"}, func(key string, v *yaml.Node) error {
		var err error
		switch key {
		case "name":
			sc.Name, err = p.str(v, key)
			if err == nil && strings.TrimSpace(sc.Name) == "" {
				err = p.errf(v, key, "must not be empty")
			}
		case "description":
			sc.Description, err = p.str(v, key)
		case "credit":
			sc.Credit, err = p.str(v, key)
		case "labels":
			sc.Labels, err = p.labels(v)
		case "steps":
			stepsNode = v
			sc.Steps, err = p.steps(v, key)
		case "cleanup":
			sc.Cleanup, err = p.steps(v, key)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if sc.Name == "" {
		return nil, p.errf(n, "name", "missing: every scenario has a name")
	}
	if len(sc.Steps) == 0 {
		at := n
		if stepsNode != nil {
			at = stepsNode
		}
		return nil, p.errf(at, "steps", "missing: a scenario has at least one step")
	}
	if sc.Labels.Source == SourceRecorded && strings.TrimSpace(sc.Credit) == "" {
		return nil, p.errf(n, "credit", "missing: recorded traffic says where it comes from")
	}
	return sc, nil
}

func (p *parser) labels(n *yaml.Node) (Labels, error) {
	var l Labels
	err := p.fields(n, "labels", []string{"resource", "feature", "api", "impact", "source", "tags"}, func(key string, v *yaml.Node) error {
		field := "labels." + key
		var err error
		switch key {
		case "resource":
			l.Resource, err = p.labelValues(v, field)
		case "feature":
			l.Feature, err = p.labelValues(v, field)
		case "tags":
			l.Tags, err = p.labelValues(v, field)
		case "api":
			if l.API, err = p.str(v, field); err == nil && l.API != "v4" && l.API != "v3" {
				err = p.errf(v, field, "want v4 or v3")
			}
		case "impact":
			if l.Impact, err = p.str(v, field); err == nil && l.Impact != ImpactInfrastructure {
				err = p.errf(v, field, "want %s", ImpactInfrastructure)
			}
		case "source":
			if l.Source, err = p.str(v, field); err == nil && !slices.Contains(Sources(), l.Source) {
				err = p.errf(v, field, "want one of %s", strings.Join(Sources(), ", "))
			}
		}
		return err
	})
	return l, err
}

// labelValues reads the value or values of a label.
func (p *parser) labelValues(n *yaml.Node, field string) ([]string, error) {
	vs, err := p.strs(n, field)
	if err != nil {
		return nil, err
	}
	for _, s := range vs {
		if !ValidLabel(s) {
			return nil, p.errf(n, field, "label %q: use letters, digits, '-', '_' and '.' only", s)
		}
	}
	return vs, nil
}

func (p *parser) steps(n *yaml.Node, field string) ([]Step, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, p.errf(n, field, "want a list of steps (lines starting with '- '), got %s", kindName(n))
	}
	out := make([]Step, 0, len(n.Content))
	for i, c := range n.Content {
		st, err := p.step(c, fmt.Sprintf("%s[%d]", field, i+1))
		if err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, nil
}

func (p *parser) step(n *yaml.Node, field string) (Step, error) {
	st := Step{Line: n.Line}
	hasRequest := false
	err := p.fields(n, field, []string{"name", "role", "auth", "request", "response", "capture", "poll"}, func(key string, v *yaml.Node) error {
		sub := join(field, key)
		var err error
		switch key {
		case "name":
			st.Name, err = p.str(v, sub)
		case "role":
			if st.Role, err = p.str(v, sub); err == nil && !ValidLabel(st.Role) {
				err = p.errf(v, sub, "a role is a name of letters, digits, '-', '_' and '.'")
			}
		case "auth":
			if st.Auth, err = p.str(v, sub); err == nil && !slices.Contains([]string{AuthToken, AuthBasic, AuthNone}, st.Auth) {
				err = p.errf(v, sub, "want token, basic or none")
			}
		case "request":
			hasRequest = true
			st.Request, err = p.request(v, sub)
		case "response":
			st.Response, err = p.response(v, sub)
		case "capture":
			st.Captures, err = p.captures(v, sub)
		case "poll":
			st.Poll, err = p.poll(v, sub)
		}
		return err
	})
	if err != nil {
		return st, err
	}
	if !hasRequest {
		return st, p.errf(n, join(field, "request"), "missing: every step sends a request")
	}
	return st, nil
}

func (p *parser) request(n *yaml.Node, field string) (Request, error) {
	r := Request{lines: map[string]int{}}
	err := p.fields(n, field, []string{"method", "path", "query", "headers", "body"}, func(key string, v *yaml.Node) error {
		sub := join(field, key)
		r.lines[key] = v.Line
		if key == "query" || key == "headers" {
			for i := 0; i+1 < len(v.Content); i += 2 {
				r.lines[key+"."+v.Content[i].Value] = v.Content[i].Line
			}
		}
		var err error
		switch key {
		case "method":
			if r.Method, err = p.str(v, sub); err == nil {
				r.Method = strings.ToUpper(r.Method)
				if !validMethod(r.Method) {
					err = p.errf(v, sub, "%q is not an HTTP method (GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS)", v.Value)
				}
			}
		case "path":
			if r.Path, err = p.str(v, sub); err == nil && !strings.HasPrefix(r.Path, "/") {
				err = p.errf(v, sub, "a path starts with / (the host comes from --target)")
			} else if err == nil && strings.ContainsAny(refPattern.ReplaceAllString(r.Path, "x"), "?# \t\r\n") {
				err = p.errf(v, sub, "a path holds no query, fragment or spaces (put parameters under query:)")
			}
		case "query":
			r.Query, err = p.pairs(v, sub)
		case "headers":
			if r.Header, err = p.pairs(v, sub); err == nil {
				err = p.checkHeaders(v, sub, r.Header, true)
			}
		case "body":
			r.Body, err = p.str(v, sub)
		}
		return err
	})
	if err != nil {
		return r, err
	}
	if r.Method == "" {
		return r, p.errf(n, join(field, "method"), "missing")
	}
	if r.Path == "" {
		return r, p.errf(n, join(field, "path"), "missing")
	}
	return r, nil
}

func (p *parser) checkHeaders(n *yaml.Node, field string, hs []Pair, request bool) error {
	for i, h := range hs {
		at := n.Content[2*i]
		if !validHeaderName(h.Name) {
			return p.errf(at, join(field, h.Name), "not a valid header name")
		}
		if secretHeader(h.Name) {
			what := "the replayer adds credentials for the step's role"
			if !request {
				what = "recordings never keep cookies"
			}
			return p.errf(at, join(field, h.Name), "secrets never live in a scenario: %s", what)
		}
	}
	return nil
}

func (p *parser) response(n *yaml.Node, field string) (*Response, error) {
	r := &Response{}
	err := p.fields(n, field, []string{"status", "headers", "body"}, func(key string, v *yaml.Node) error {
		sub := join(field, key)
		switch key {
		case "status":
			s, err := p.str(v, sub)
			if err != nil {
				return err
			}
			code, convErr := strconv.Atoi(s)
			if convErr != nil || code < 100 || code > 599 {
				return p.errf(v, sub, "want an HTTP status code from 100 to 599")
			}
			r.Status = code
		case "headers":
			var err error
			if r.Header, err = p.pairs(v, sub); err != nil {
				return err
			}
			return p.checkHeaders(v, sub, r.Header, false)
		case "body":
			var err error
			r.Body, err = p.str(v, sub)
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if r.Status == 0 {
		return nil, p.errf(n, join(field, "status"), "missing: a recorded response has a status")
	}
	return r, nil
}

func (p *parser) captures(n *yaml.Node, field string) ([]Capture, error) {
	if n.Kind != yaml.MappingNode {
		return nil, p.errf(n, field, "want a mapping of variable names to sources (vm.id: id), got %s", kindName(n))
	}
	var out []Capture
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		name, err := p.str(k, field)
		if err != nil {
			return nil, err
		}
		sub := join(field, name)
		if !ValidVar(name) {
			return nil, p.errf(k, sub, "a variable name is dotted words such as vm.id")
		}
		if seen[name] {
			return nil, p.errf(k, sub, "captured twice in one step")
		}
		seen[name] = true
		c := Capture{Var: name}
		switch v.Kind {
		case yaml.ScalarNode:
			switch v.Value {
			case "location":
				c.From = FromLocation
			case "id":
				c.From = FromID
			case "href":
				c.From = FromHref
			default:
				return nil, p.errf(v, sub, "unknown capture source %q: want location, id, href, {header: NAME} or {path: PATH}", v.Value)
			}
		case yaml.MappingNode:
			if len(v.Content) != 2 {
				return nil, p.errf(v, sub, "want exactly one of header: NAME or path: PATH")
			}
			kind, arg := v.Content[0].Value, v.Content[1]
			c.Arg, err = p.str(arg, join(sub, kind))
			if err != nil {
				return nil, err
			}
			switch kind {
			case "header":
				c.From = FromHeader
				if !validHeaderName(c.Arg) {
					return nil, p.errf(arg, join(sub, kind), "not a valid header name")
				}
			case "path":
				c.From = FromPath
				if _, err := ParsePath(c.Arg); err != nil {
					return nil, p.errf(arg, join(sub, kind), "%v", err)
				}
			default:
				return nil, p.errf(v.Content[0], sub, "unknown capture source %q: want location, id, href, {header: NAME} or {path: PATH}", kind)
			}
		default:
			return nil, p.errf(v, sub, "want a capture source (location, id, href, {header: NAME} or {path: PATH}), got %s", kindName(v))
		}
		out = append(out, c)
	}
	return out, nil
}

func (p *parser) poll(n *yaml.Node, field string) (*Poll, error) {
	pl := &Poll{Interval: DefaultPollInterval, Timeout: DefaultPollTimeout}
	err := p.fields(n, field, []string{"path", "until", "interval", "timeout"}, func(key string, v *yaml.Node) error {
		sub := join(field, key)
		var err error
		switch key {
		case "path":
			if pl.Path, err = p.str(v, sub); err == nil {
				if _, perr := ParsePath(pl.Path); perr != nil {
					err = p.errf(v, sub, "%v", perr)
				}
			}
		case "until":
			pl.Values, err = p.strs(v, sub)
		case "interval", "timeout":
			var s string
			if s, err = p.str(v, sub); err != nil {
				return err
			}
			d, derr := time.ParseDuration(s)
			if derr != nil || d <= 0 {
				return p.errf(v, sub, "want a positive duration such as 500ms, 2s or 1m")
			}
			if key == "interval" {
				pl.Interval = d
			} else {
				pl.Timeout = d
			}
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	if pl.Path == "" || len(pl.Values) == 0 {
		return nil, p.errf(n, field, "a poll needs a path and the values it waits for (until:)")
	}
	return pl, nil
}
