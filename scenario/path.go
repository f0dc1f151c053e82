package scenario

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Path selects one value in a body, XML or JSON alike. Its syntax is a
// small subset of XPath:
//
//	status                  the <status> child of the root (JSON: "status")
//	cluster/@id             an attribute ("@" is optional on the last step:
//	                        cluster/id finds the attribute when there is no
//	                        such child element)
//	vm[2]/name              the second <vm> child (positions count from 1)
//	vm[name='web1']/@id     the first <vm> whose name (child or attribute)
//	                        is web1; the key is itself a path:
//	                        network_attachment[network/@id='x']
//	/action/job/@id         a leading slash names the root element first
//	                        (JSON documents have no root name: any matches)
type Path struct {
	root  string // the root element named by a leading slash, or ""
	steps []pathStep
	text  string
}

type pathStep struct {
	name  string
	attr  bool  // @name
	index int   // [n], 1-based; 0 when absent
	key   *Path // [key='value'], the key a path relative to the item
	value string
}

// String returns the path as written.
func (p Path) String() string { return p.text }

// ParsePath reads a path.
func ParsePath(s string) (Path, error) {
	p := Path{text: s}
	rest := strings.TrimSpace(s)
	if rest == "" {
		return p, errors.New("empty path")
	}
	if strings.HasPrefix(rest, "/") {
		rest = rest[1:]
		name, after, _ := strings.Cut(rest, "/")
		if !validName(name) {
			return p, fmt.Errorf("path %q: the root element name %q is not a name", s, name)
		}
		p.root, rest = name, after
	}
	if rest == "" {
		return p, fmt.Errorf("path %q: selects the root element, not a value (add /@id or a child)", s)
	}
	for _, raw := range splitSteps(rest) {
		st, err := parseStep(raw)
		if err != nil {
			return p, fmt.Errorf("path %q: %w", s, err)
		}
		p.steps = append(p.steps, st)
	}
	for _, st := range p.steps[:len(p.steps)-1] {
		if st.attr {
			return p, fmt.Errorf("path %q: an attribute (@%s) can only be the last step", s, st.name)
		}
	}
	return p, nil
}

// splitSteps splits at slashes outside brackets and quotes.
func splitSteps(s string) []string {
	var out []string
	depth, quote, start := 0, byte(0), 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '[':
			depth++
		case c == ']':
			depth--
		case c == '/' && depth == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func parseStep(raw string) (pathStep, error) {
	var st pathStep
	name, pred, hasPred := strings.Cut(raw, "[")
	if strings.HasPrefix(name, "@") {
		st.attr, name = true, name[1:]
		if hasPred {
			return st, fmt.Errorf("step %q: an attribute takes no [predicate]", raw)
		}
	}
	if !validName(name) {
		return st, fmt.Errorf("step %q: %q is not an element or attribute name", raw, name)
	}
	st.name = name
	if !hasPred {
		return st, nil
	}
	if !strings.HasSuffix(pred, "]") {
		return st, fmt.Errorf("step %q: missing ]", raw)
	}
	pred = pred[:len(pred)-1]
	if n, err := strconv.Atoi(pred); err == nil {
		if n < 1 {
			return st, fmt.Errorf("step %q: positions count from 1", raw)
		}
		st.index = n
		return st, nil
	}
	key, val, ok := strings.Cut(pred, "=")
	key, val = strings.TrimSpace(key), strings.TrimSpace(val)
	if !ok || key == "" || strings.HasPrefix(key, "/") || len(val) < 2 || (val[0] != '\'' && val[0] != '"') || val[len(val)-1] != val[0] {
		return st, fmt.Errorf("step %q: a predicate is a position [2] or a match [name='web1'] or [network/@id='x']", raw)
	}
	kp, err := ParsePath(key)
	if err != nil {
		return st, fmt.Errorf("step %q: predicate: %w", raw, err)
	}
	st.key, st.value = &kp, val[1:len(val)-1]
	return st, nil
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		ok := r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || i > 0 && (r == '-' || r == '.' || r >= '0' && r <= '9')
		if !ok {
			return false
		}
	}
	return true
}

// ErrNoValue is returned when a path selects nothing.
var ErrNoValue = errors.New("no such value in the body")

// Eval returns the value the path selects in root.
func (p Path) Eval(root *Node) (string, error) {
	if root == nil {
		return "", ErrNoValue
	}
	if p.root != "" && root.Name != "" && root.Name != p.root {
		return "", fmt.Errorf("%w: the root element is <%s>, not <%s>", ErrNoValue, root.Name, p.root)
	}
	n := root
	for i, st := range p.steps {
		last := i == len(p.steps)-1
		if st.attr {
			if v, ok := n.Attr(st.name); ok {
				return v, nil
			}
			return "", fmt.Errorf("%w: no attribute %s at step %d", ErrNoValue, st.name, i+1)
		}
		next := st.find(n)
		if next == nil {
			if last && st.index == 0 && st.key == nil {
				if v, ok := n.Attr(st.name); ok {
					return v, nil
				}
			}
			return "", fmt.Errorf("%w: nothing matches step %d (%s)", ErrNoValue, i+1, st.name)
		}
		n = next
	}
	if !n.Simple() {
		return "", fmt.Errorf("%w: the path selects an element with children, not a value", ErrNoValue)
	}
	return n.Text, nil
}

// find returns the child the step selects.
func (st pathStep) find(n *Node) *Node {
	count := 0
	for _, c := range n.Children {
		if c.Name != st.name {
			continue
		}
		count++
		switch {
		case st.index > 0:
			if count == st.index {
				return c
			}
		case st.key != nil:
			if v, err := st.key.Eval(c); err == nil && v == st.value {
				return c
			}
		default:
			return c
		}
	}
	return nil
}
