package main

import (
	"strings"
	"unicode"

	"github.com/ovcompat/ovcompat/schema/gen/metamodel"
)

// A small reader of the engine's Java mappers: enough to find, in each
// method, the statements that run whatever the data (outside if, loops,
// switch and catch), not a Java parser.

// token is a Java token: an identifier or keyword, a number, a literal
// (strings and chars read as "S"), or punctuation.
type token struct {
	text string
	line int
}

// tokenize splits Java source into tokens with the model reader's lexer
// (metamodel.Lex), string and character literals read as "S".
func tokenize(src string) ([]token, error) {
	toks, err := metamodel.Lex([]byte(src))
	if err != nil {
		return nil, err
	}
	out := make([]token, len(toks))
	for i, t := range toks {
		out[i] = token{t.Text, t.Line}
		if t.Literal && (t.Text[0] == '"' || t.Text[0] == '\'') {
			out[i].text = `"S"`
		}
	}
	return out, nil
}

func isIdent(r rune) bool { return r == '_' || r == '$' || unicode.IsLetter(r) }

// method is a method of a Java class.
type method struct {
	file   string
	name   string
	params []param
	// mapping is the @Mapping annotation's from and to, if any.
	from, to string
	body     []token
	line     int
}

type param struct{ typ, name string }

// methods finds the methods of the classes in a file: a name followed by a
// parameter list and a body.
func methods(file string, toks []token) []method {
	var out []method
	depth := 0
	var from, to string
	for i := 0; i < len(toks); i++ {
		t := toks[i].text
		switch {
		case t == "@" && i+1 < len(toks) && toks[i+1].text == "Mapping":
			end := closing(toks, i+2)
			from, to = mappingArgs(toks[i+3 : end])
			i = end
		case t == "{":
			depth++
		case t == "}":
			depth--
		case t == "(" && depth == 1 && i > 0 && isIdent(rune(toks[i-1].text[0])) && !keyword(toks[i-1].text):
			end := closing(toks, i)
			j := end + 1
			for j < len(toks) && toks[j].text != "{" && toks[j].text != ";" && toks[j].text != "=" {
				j++ // throws clauses
			}
			if j >= len(toks) || toks[j].text != "{" {
				i = end
				continue
			}
			bodyEnd := closing(toks, j)
			out = append(out, method{file: file, name: toks[i-1].text, params: params(toks[i+1 : end]),
				from: from, to: to, body: toks[j+1 : bodyEnd], line: toks[i-1].line})
			from, to = "", ""
			i = bodyEnd
		}
	}
	return out
}

// mappingArgs reads "from = X.class, to = Y.class".
func mappingArgs(toks []token) (from, to string) {
	var key string
	var val []string
	flush := func() {
		v := strings.TrimSuffix(strings.Join(val, ""), ".class")
		switch key {
		case "from":
			from = v
		case "to":
			to = v
		}
		key, val = "", nil
	}
	for i := 0; i < len(toks); i++ {
		switch t := toks[i].text; {
		case t == ",":
			flush()
		case i+1 < len(toks) && toks[i+1].text == "=" && key == "":
			key = t
			i++
		default:
			val = append(val, t)
		}
	}
	flush()
	return from, to
}

// params reads a parameter list: type (with generics and dots) and name.
func params(toks []token) []param {
	var out []param
	for _, p := range splitTop(toks, ",") {
		if len(p) < 2 {
			continue
		}
		var typ []string
		for _, t := range p[:len(p)-1] {
			if t.text != "final" {
				typ = append(typ, t.text)
			}
		}
		out = append(out, param{typ: strings.Join(typ, ""), name: p[len(p)-1].text})
	}
	return out
}

// splitTop splits toks at sep outside parentheses, brackets and generics.
func splitTop(toks []token, sep string) [][]token {
	var out [][]token
	depth, start := 0, 0
	for i, t := range toks {
		switch t.text {
		case "(", "[", "{", "<":
			depth++
		case ")", "]", "}", ">":
			depth--
		case sep:
			if depth == 0 {
				out = append(out, toks[start:i])
				start = i + 1
			}
		}
	}
	if start < len(toks) {
		out = append(out, toks[start:])
	}
	return out
}

// closing returns the index of the bracket closing the one at i.
func closing(toks []token, i int) int {
	open := toks[i].text
	shut := map[string]string{"(": ")", "{": "}", "[": "]"}[open]
	depth := 0
	for j := i; j < len(toks); j++ {
		switch toks[j].text {
		case open:
			depth++
		case shut:
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return len(toks) - 1
}

func keyword(s string) bool {
	switch s {
	case "if", "for", "while", "switch", "catch", "synchronized", "return", "new", "throw", "super", "this":
		return true
	}
	return false
}

// stmt is a simple statement (tokens without the closing semicolon) and
// whether it runs only under a condition.
type stmt struct {
	toks []token
	cond bool
}

// statements flattens a block: every simple statement, in order, with
// whether it is conditional (inside if/else, a loop, a switch or a catch).
func statements(toks []token, cond bool) []stmt {
	var out []stmt
	for i := 0; i < len(toks); {
		var s []stmt
		s, i = statement(toks, i, cond)
		out = append(out, s...)
	}
	return out
}

// statement reads the statement at i; it returns its simple statements
// and the index after it.
func statement(toks []token, i int, cond bool) ([]stmt, int) {
	switch toks[i].text {
	case "{":
		end := closing(toks, i)
		return statements(toks[i+1:end], cond), end + 1
	case ";":
		return nil, i + 1
	case "if", "for", "while", "switch", "catch", "synchronized":
		kw := toks[i].text
		end := i + 1
		if end < len(toks) && toks[end].text == "(" {
			end = closing(toks, end) + 1
		}
		if end >= len(toks) {
			return nil, end
		}
		body, next := statement(toks, end, cond || kw != "synchronized")
		if kw == "if" && next < len(toks) && toks[next].text == "else" {
			more, after := statement(toks, next+1, true)
			return append(body, more...), after
		}
		return body, next
	case "do":
		body, next := statement(toks, i+1, true)
		for next < len(toks) && toks[next].text != ";" {
			next++
		}
		return body, next + 1
	case "try", "finally":
		j := i + 1
		if j < len(toks) && toks[j].text == "(" {
			j = closing(toks, j) + 1
		}
		return statement(toks, j, cond)
	case "case", "default":
		for j := i; j < len(toks); j++ {
			if toks[j].text == ":" {
				return nil, j + 1
			}
		}
		return nil, len(toks)
	}
	depth := 0
	for j := i; j < len(toks); j++ {
		switch toks[j].text {
		case "(", "{", "[":
			depth++
		case ")", "}", "]":
			depth--
		case ";":
			if depth == 0 {
				return []stmt{{toks: toks[i:j], cond: cond}}, j + 1
			}
		}
	}
	return []stmt{{toks: toks[i:], cond: cond}}, len(toks)
}

// text joins tokens back into source text, for evidence.
func text(toks []token) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 && isWordy(toks[i-1].text) && isWordy(t.text) {
			b.WriteByte(' ')
		}
		b.WriteString(t.text)
	}
	return b.String()
}

func isWordy(s string) bool {
	r := rune(s[0])
	return isIdent(r) || unicode.IsDigit(r) || s == `"S"`
}
