package metamodel

import (
	"fmt"
	"strings"
)

// Detail is an @InputDetail: the input a method (or one of its
// signatures) takes, as clauses such as mandatory(vm().name()),
// optional(disks()[COLLECTION].id()) and
// or(mandatory(host().id()), mandatory(host().name())).
type Detail struct {
	Clauses []Clause
}

// Clause is one statement of an @InputDetail: one path, or the
// alternatives of an or(...), all mandatory or all optional.
type Clause struct {
	Mandatory bool
	// Alternatives holds one path, or several for or(...).
	Alternatives []Path
}

// Path is a chain of member accesses from a parameter: vm().name() is
// [vm name]; disks()[COLLECTION].id() is [disks[] id].
type Path []Step

// Step is one member access; Each marks a list whose every item the rest
// of the path applies to ([COLLECTION]).
type Step struct {
	Name string
	Each bool
}

// String writes a path in the model's notation ("disks[].id").
func (p Path) String() string {
	var b strings.Builder
	for i, s := range p {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.Name)
		if s.Each {
			b.WriteString("[]")
		}
	}
	return b.String()
}

// expr is a parsed expression of an input detail: a call (name with
// arguments), a member access on a target, or an index into a target.
type expr struct {
	name   string  // method or field name
	args   []*expr // call arguments; nil for a field
	call   bool
	target *expr // receiver of a member access, or the indexed array
	index  *expr // for target[index]
}

// parseDetail reads the statements of an @InputDetail method's body.
func parseDetail(body []token) (*Detail, error) {
	p := &parser{toks: append(append([]token(nil), body...), token{kind: tokEOF})}
	d := &Detail{}
	for p.peek().kind != tokEOF {
		if p.peek().text == ";" {
			p.next()
			continue
		}
		e, err := p.expr(0)
		if err != nil {
			return nil, err
		}
		if err := p.expect(";"); err != nil {
			return nil, err
		}
		c, err := clause(e)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", p.toks[p.pos-1].line, err)
		}
		d.Clauses = append(d.Clauses, c)
	}
	return d, nil
}

// expr reads name(args) or name, followed by .name(args) and [expr].
func (p *parser) expr(depth int) (*expr, error) {
	if depth > maxDepth {
		return nil, p.errorf("expression nested too deep")
	}
	name, err := p.ident()
	if err != nil {
		return nil, err
	}
	e := &expr{name: name}
	if p.peek().text == "(" {
		if e.args, err = p.args(depth); err != nil {
			return nil, err
		}
		e.call = true
	}
	for {
		switch p.peek().text {
		case ".":
			p.next()
			name, err := p.ident()
			if err != nil {
				return nil, err
			}
			next := &expr{name: name, target: e}
			if p.peek().text == "(" {
				if next.args, err = p.args(depth); err != nil {
					return nil, err
				}
				next.call = true
			}
			e = next
		case "[":
			p.next()
			idx, err := p.expr(depth + 1)
			if err != nil {
				return nil, err
			}
			if err := p.expect("]"); err != nil {
				return nil, err
			}
			e = &expr{target: e, index: idx}
		default:
			return e, nil
		}
	}
}

func (p *parser) args(depth int) ([]*expr, error) {
	if err := p.expect("("); err != nil {
		return nil, err
	}
	out := []*expr{}
	for p.peek().text != ")" {
		a, err := p.expr(depth + 1)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
		if p.peek().text != "," {
			break
		}
		p.next()
	}
	return out, p.expect(")")
}

// clause interprets a statement: mandatory(path), optional(path) or
// or(clause, clause, ...) whose alternatives agree on mandatory.
func clause(e *expr) (Clause, error) {
	if e.target != nil || !e.call {
		return Clause{}, fmt.Errorf("want mandatory(...), optional(...) or or(...)")
	}
	switch e.name {
	case "mandatory", "optional":
		if len(e.args) != 1 {
			return Clause{}, fmt.Errorf("%s takes one path", e.name)
		}
		path, err := toPath(e.args[0])
		if err != nil {
			return Clause{}, err
		}
		return Clause{Mandatory: e.name == "mandatory", Alternatives: []Path{path}}, nil
	case "or":
		if len(e.args) < 2 {
			return Clause{}, fmt.Errorf("or takes two clauses or more")
		}
		var out Clause
		for i, a := range e.args {
			c, err := clause(a)
			if err != nil {
				return Clause{}, err
			}
			if i > 0 && c.Mandatory != out.Mandatory {
				return Clause{}, fmt.Errorf("or(...) mixes mandatory and optional")
			}
			out.Mandatory = c.Mandatory
			out.Alternatives = append(out.Alternatives, c.Alternatives...)
		}
		return out, nil
	}
	return Clause{}, fmt.Errorf("unknown clause %s(...)", e.name)
}

// toPath turns a chain of calls (vm().disks()[COLLECTION].id()) into its
// steps, in order.
func toPath(e *expr) (Path, error) {
	var rev Path
	for x := e; x != nil; x = x.target {
		switch {
		case x.index != nil:
			if x.index.name != "COLLECTION" || x.index.call || x.index.target != nil || x.target == nil || !x.target.call || len(x.target.args) > 0 {
				return nil, fmt.Errorf("the only index allowed is [COLLECTION], after a member")
			}
			x = x.target
			rev = append(rev, Step{Name: strings.TrimLeft(x.name, "_"), Each: true})
		case x.call && len(x.args) == 0:
			rev = append(rev, Step{Name: strings.TrimLeft(x.name, "_")}) // _interface() is interface
		default:
			return nil, fmt.Errorf("a path is a chain of member calls such as vm().name()")
		}
	}
	out := make(Path, len(rev))
	for i, s := range rev {
		out[len(rev)-1-i] = s
	}
	return out, nil
}
