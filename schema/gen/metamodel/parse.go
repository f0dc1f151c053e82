package metamodel

import (
	"fmt"
	"strings"
)

// declKind is what a declaration of a model source file declares.
type declKind uint8

const (
	declInterface declKind = iota
	declEnum
	declMethod
	declAnnotationType // @interface, such as annotations/Area.java: not model
)

// decl is one declaration: a top-level or nested interface or enum, or a
// method of an interface. The model's language is a subset of Java; this
// is its syntax tree, before any meaning is given to it.
type decl struct {
	kind        declKind
	name        string
	line        int
	annotations []string // names, without '@' or arguments ("Deprecated", "In")

	// interfaces
	extends []string // as written ("Follow", "mixins.Follow")
	members []*decl

	// enums
	values []enumConst

	// methods
	typ       string   // the return type without qualification ("Ticket")
	list      bool     // the return type is an array
	params    []string // the parameters' types: a locator takes the id
	isDefault bool
	body      []token // a default method's body, between its braces
}

type enumConst struct {
	name        string
	annotations []string
	line        int
}

func (d *decl) has(annotation string) bool {
	for _, a := range d.annotations {
		if a == annotation {
			return true
		}
	}
	return false
}

// maxDepth bounds the nesting of declarations (a service's method's
// signature is three deep), so hostile input cannot exhaust the stack.
const maxDepth = 16

type parser struct {
	toks []token
	pos  int
}

// parseFile returns the type declarations of one source file.
func parseFile(src []byte) ([]*decl, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	var out []*decl
	for p.peek().kind != tokEOF {
		switch t := p.peek(); {
		case t.text == "package" || t.text == "import":
			p.skipPast(";")
		case t.text == ";":
			p.next()
		default:
			d, err := p.typeDecl(0)
			if err != nil {
				return nil, err
			}
			out = append(out, d)
		}
	}
	return out, nil
}

func (p *parser) peek() token { return p.toks[p.pos] }

func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tokEOF {
		p.pos++
	}
	return t
}

func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("line %d: %s", p.peek().line, fmt.Sprintf(format, args...))
}

func (p *parser) expect(text string) error {
	if t := p.peek(); t.text != text || t.kind == tokLiteral {
		return p.errorf("want %q, have %q", text, t.text)
	}
	p.next()
	return nil
}

func (p *parser) ident() (string, error) {
	t := p.peek()
	if t.kind != tokIdent {
		return "", p.errorf("want a name, have %q", t.text)
	}
	p.next()
	return t.text, nil
}

// skipPast consumes tokens up to and including the next text at depth 0.
func (p *parser) skipPast(text string) {
	for t := p.next(); t.kind != tokEOF && t.text != text; t = p.next() {
	}
}

var modifiers = map[string]bool{"public": true, "private": true, "protected": true, "static": true,
	"abstract": true, "final": true, "default": true}

// prefix reads the annotations and modifiers in front of a declaration.
func (p *parser) prefix() (annotations []string, isDefault bool, err error) {
	for {
		t := p.peek()
		switch {
		case t.text == "@" && t.kind == tokPunct && p.toks[p.pos+1].text != "interface":
			p.next()
			name, err := p.qualified()
			if err != nil {
				return nil, false, err
			}
			annotations = append(annotations, name[strings.LastIndexByte(name, '.')+1:])
			if p.peek().text == "(" {
				if _, err := p.balanced("(", ")"); err != nil {
					return nil, false, err
				}
			}
		case t.kind == tokIdent && modifiers[t.text]:
			isDefault = isDefault || t.text == "default"
			p.next()
		default:
			return annotations, isDefault, nil
		}
	}
}

// qualified reads a dotted name ("types.Ticket").
func (p *parser) qualified() (string, error) {
	name, err := p.ident()
	if err != nil {
		return "", err
	}
	for p.peek().text == "." && p.toks[p.pos+1].kind == tokIdent {
		p.next()
		name += "." + p.next().text
	}
	return name, nil
}

// balanced consumes an open token, everything up to its matching close,
// and the close; it returns what is between them.
func (p *parser) balanced(open, close string) ([]token, error) {
	start := p.peek().line
	if err := p.expect(open); err != nil {
		return nil, err
	}
	from := p.pos
	for depth := 1; ; {
		t := p.next()
		switch {
		case t.kind == tokEOF:
			return nil, fmt.Errorf("line %d: %q never closed", start, open)
		case t.kind == tokLiteral:
		case t.text == open:
			depth++
		case t.text == close:
			if depth--; depth == 0 {
				return p.toks[from : p.pos-1], nil
			}
		}
	}
}

// typeDecl reads an interface, enum or annotation type declaration.
func (p *parser) typeDecl(depth int) (*decl, error) {
	if depth > maxDepth {
		return nil, p.errorf("declarations nested too deep")
	}
	annotations, _, err := p.prefix()
	if err != nil {
		return nil, err
	}
	d := &decl{annotations: annotations, line: p.peek().line}
	switch t := p.next(); {
	case t.text == "interface":
		d.kind = declInterface
	case t.text == "enum":
		d.kind = declEnum
	case t.text == "@" && p.peek().text == "interface":
		p.next()
		d.kind = declAnnotationType
	default:
		return nil, fmt.Errorf("line %d: want interface or enum, have %q", t.line, t.text)
	}
	if d.name, err = p.ident(); err != nil {
		return nil, err
	}
	if p.peek().text == "extends" {
		p.next()
		for {
			base, err := p.qualified()
			if err != nil {
				return nil, err
			}
			d.extends = append(d.extends, base)
			if p.peek().text != "," {
				break
			}
			p.next()
		}
	}
	if d.kind == declEnum {
		return d, p.enumBody(d)
	}
	return d, p.interfaceBody(d, depth)
}

func (p *parser) interfaceBody(d *decl, depth int) error {
	if err := p.expect("{"); err != nil {
		return err
	}
	for {
		switch t := p.peek(); {
		case t.kind == tokEOF:
			return p.errorf("interface %s never closed", d.name)
		case t.text == "}":
			p.next()
			return nil
		case t.text == ";":
			p.next()
		default:
			m, err := p.member(depth)
			if err != nil {
				return err
			}
			d.members = append(d.members, m)
		}
	}
}

// member reads a nested declaration or a method of an interface.
func (p *parser) member(depth int) (*decl, error) {
	save := p.pos
	annotations, isDefault, err := p.prefix()
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.text == "interface" || t.text == "enum" || t.text == "@" {
		p.pos = save
		return p.typeDecl(depth + 1)
	}
	d := &decl{kind: declMethod, annotations: annotations, isDefault: isDefault, line: p.peek().line}
	if d.typ, d.list, err = p.typeRef(); err != nil {
		return nil, err
	}
	if d.name, err = p.ident(); err != nil {
		return nil, err
	}
	args, err := p.balanced("(", ")")
	if err != nil {
		return nil, err
	}
	d.params = paramTypes(args)
	if p.peek().text == "{" {
		d.body, err = p.balanced("{", "}")
		return d, err
	}
	return d, p.expect(";")
}

// typeRef reads a type: a dotted name, type arguments, array brackets.
func (p *parser) typeRef() (name string, list bool, err error) {
	if name, err = p.qualified(); err != nil {
		return "", false, err
	}
	if p.peek().text == "<" {
		if _, err := p.balanced("<", ">"); err != nil {
			return "", false, err
		}
	}
	for p.peek().text == "[" && p.toks[p.pos+1].text == "]" {
		p.pos += 2
		list = true
	}
	return name[strings.LastIndexByte(name, '.')+1:], list, nil
}

// paramTypes returns the type of each parameter in a parameter list
// ("String id" gives "String").
func paramTypes(args []token) []string {
	var out []string
	expectType := true
	for _, t := range args {
		switch {
		case t.text == ",":
			expectType = true
		case t.kind == tokIdent && expectType:
			out = append(out, t.text)
			expectType = false
		}
	}
	return out
}

// enumBody reads the constants of an enum; what follows them (fields,
// methods) is not model and is skipped.
func (p *parser) enumBody(d *decl) error {
	if err := p.expect("{"); err != nil {
		return err
	}
	for {
		annotations, _, err := p.prefix()
		if err != nil {
			return err
		}
		t := p.peek()
		switch {
		case t.text == "}":
			p.next()
			return nil
		case t.text == ";":
			// Members after the constants: skip to the enum's end.
			return p.skipBlockRest()
		case t.kind != tokIdent:
			return p.errorf("enum %s: want a constant, have %q", d.name, t.text)
		}
		p.next()
		d.values = append(d.values, enumConst{name: t.text, annotations: annotations, line: t.line})
		if p.peek().text == "(" {
			if _, err := p.balanced("(", ")"); err != nil {
				return err
			}
		}
		if p.peek().text == "{" {
			if _, err := p.balanced("{", "}"); err != nil {
				return err
			}
		}
		if p.peek().text == "," {
			p.next()
		}
	}
}

// skipBlockRest consumes up to and including the '}' that closes the
// block the parser is in.
func (p *parser) skipBlockRest() error {
	for depth := 1; ; {
		t := p.next()
		switch {
		case t.kind == tokEOF:
			return p.errorf("block never closed")
		case t.kind == tokLiteral:
		case t.text == "{":
			depth++
		case t.text == "}":
			if depth--; depth == 0 {
				return nil
			}
		}
	}
}
