package scenario

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Marshal writes the scenario as YAML in the documented field order, bodies
// as literal blocks, so that the files diff and review well. Parse reads
// back exactly what Marshal writes.
func Marshal(sc *Scenario) ([]byte, error) {
	var buf bytes.Buffer
	if err := Write(&buf, sc); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Write writes the scenario as YAML to w.
func Write(w io.Writer, sc *Scenario) error {
	root := mapping()
	add(root, "name", scalar(sc.Name))
	if sc.Description != "" {
		add(root, "description", scalar(sc.Description))
	}
	if l := labelsNode(sc.Labels); l != nil {
		add(root, "labels", l)
	}
	if sc.Credit != "" {
		add(root, "credit", scalar(sc.Credit))
	}
	add(root, "steps", stepsNode(sc.Steps))
	if len(sc.Cleanup) > 0 {
		add(root, "cleanup", stepsNode(sc.Cleanup))
	}
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return fmt.Errorf("scenario: write %s: %w", sc.Name, err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("scenario: write %s: %w", sc.Name, err)
	}
	return nil
}

func mapping() *yaml.Node { return &yaml.Node{Kind: yaml.MappingNode} }

func add(m *yaml.Node, key string, v *yaml.Node) {
	m.Content = append(m.Content, scalar(key), v)
}

// scalar makes a string node that reads back as the same string: values
// YAML would take for numbers, booleans or null are quoted, multi-line
// text is a literal block.
func scalar(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	if strings.Contains(s, "\n") {
		n.Style = yaml.LiteralStyle
	}
	return n
}

// number makes an integer node.
func number(i int) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(i)}
}

func list(xs []string) *yaml.Node {
	if len(xs) == 1 {
		return scalar(xs[0])
	}
	n := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
	for _, x := range xs {
		n.Content = append(n.Content, scalar(x))
	}
	return n
}

func labelsNode(l Labels) *yaml.Node {
	m := mapping()
	if len(l.Resource) > 0 {
		add(m, "resource", list(l.Resource))
	}
	if len(l.Feature) > 0 {
		add(m, "feature", list(l.Feature))
	}
	if l.API != "" {
		add(m, "api", scalar(l.API))
	}
	if l.Impact != "" {
		add(m, "impact", scalar(l.Impact))
	}
	if l.Source != "" {
		add(m, "source", scalar(l.Source))
	}
	if len(l.Tags) > 0 {
		add(m, "tags", list(l.Tags))
	}
	if len(m.Content) == 0 {
		return nil
	}
	return m
}

func pairsNode(ps []Pair) *yaml.Node {
	m := mapping()
	for _, p := range ps {
		add(m, p.Name, scalar(p.Value))
	}
	return m
}

func stepsNode(steps []Step) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode}
	for i := range steps {
		n.Content = append(n.Content, stepNode(&steps[i]))
	}
	return n
}

func stepNode(st *Step) *yaml.Node {
	m := mapping()
	if st.Name != "" {
		add(m, "name", scalar(st.Name))
	}
	if st.Role != "" {
		add(m, "role", scalar(st.Role))
	}
	if st.Auth != "" {
		add(m, "auth", scalar(st.Auth))
	}
	req := mapping()
	add(req, "method", scalar(st.Request.Method))
	add(req, "path", scalar(st.Request.Path))
	if len(st.Request.Query) > 0 {
		add(req, "query", pairsNode(st.Request.Query))
	}
	if len(st.Request.Header) > 0 {
		add(req, "headers", pairsNode(st.Request.Header))
	}
	if st.Request.Body != "" {
		add(req, "body", scalar(st.Request.Body))
	}
	add(m, "request", req)
	if r := st.Response; r != nil {
		resp := mapping()
		add(resp, "status", number(r.Status))
		if len(r.Header) > 0 {
			add(resp, "headers", pairsNode(r.Header))
		}
		if r.Body != "" {
			add(resp, "body", scalar(r.Body))
		}
		add(m, "response", resp)
	}
	if len(st.Captures) > 0 {
		c := mapping()
		for _, cp := range st.Captures {
			switch cp.From {
			case FromHeader, FromPath:
				src := mapping()
				add(src, cp.From.String(), scalar(cp.Arg))
				src.Style = yaml.FlowStyle
				add(c, cp.Var, src)
			default:
				add(c, cp.Var, scalar(cp.From.String()))
			}
		}
		add(m, "capture", c)
	}
	if p := st.Poll; p != nil {
		pl := mapping()
		add(pl, "path", scalar(p.Path))
		add(pl, "until", list(p.Values))
		if p.Interval > 0 && p.Interval != DefaultPollInterval {
			add(pl, "interval", scalar(p.Interval.String()))
		}
		if p.Timeout > 0 && p.Timeout != DefaultPollTimeout {
			add(pl, "timeout", scalar(p.Timeout.String()))
		}
		add(m, "poll", pl)
	}
	return m
}

// FileName returns the file name a scenario named name is written to: the
// name in lower case, runs of anything but letters and digits as one '-',
// and ".yaml".
func FileName(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
			continue
		}
		if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.TrimSuffix(b.String(), "-")
	if s == "" {
		s = "scenario"
	}
	return s + ".yaml"
}

// WriteFile writes sc into folder dir under FileName(sc.Name), through a
// temporary file so that a reader never sees half a scenario, and returns
// the file's path.
func WriteFile(dir string, sc *Scenario) (string, error) {
	data, err := Marshal(sc)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("scenario: %w", err)
	}
	path := filepath.Join(dir, FileName(sc.Name))
	tmp, err := os.CreateTemp(dir, ".scenario-*.yaml")
	if err != nil {
		return "", fmt.Errorf("scenario: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return "", fmt.Errorf("scenario: write %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return "", fmt.Errorf("scenario: write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("scenario: write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return "", fmt.Errorf("scenario: write %s: %w", path, err)
	}
	return path, nil
}
