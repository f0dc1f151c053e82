package metamodel

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// tokKind is the class of a token of the Java subset the model is written in.
type tokKind uint8

const (
	tokEOF tokKind = iota
	tokIdent
	tokPunct   // one of {}()[];,.@<>=
	tokLiteral // a string, character or number literal
)

// token is one lexical unit; line is 1-based, for error messages.
type token struct {
	kind tokKind
	text string
	line int
}

// lex splits Java source into tokens, dropping whitespace and comments
// (the Javadoc is documentation, not model). It fails on an unterminated
// comment or literal, naming the line.
func lex(src []byte) ([]token, error) {
	var out []token
	line := 1
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r' || c == '\f':
			i++
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			start := line
			j := i + 2
			for ; j+1 < len(src) && !(src[j] == '*' && src[j+1] == '/'); j++ {
				if src[j] == '\n' {
					line++
				}
			}
			if j+1 >= len(src) {
				return nil, fmt.Errorf("line %d: unterminated comment", start)
			}
			i = j + 2
		case c == '"' || c == '\'':
			j := i + 1
			for ; j < len(src) && src[j] != c && src[j] != '\n'; j++ {
				if src[j] == '\\' {
					j++
				}
			}
			if j >= len(src) || src[j] != c {
				return nil, fmt.Errorf("line %d: unterminated literal", line)
			}
			out = append(out, token{tokLiteral, string(src[i : j+1]), line})
			i = j + 1
		case isIdentStart(src[i:]):
			j := i
			for j < len(src) && isIdentPart(src[j:]) {
				_, n := utf8.DecodeRune(src[j:])
				j += n
			}
			out = append(out, token{tokIdent, string(src[i:j]), line})
			i = j
		case c >= '0' && c <= '9':
			j := i
			for j < len(src) && (src[j] == '.' || src[j] == '_' || src[j] >= '0' && src[j] <= '9' ||
				src[j]|0x20 >= 'a' && src[j]|0x20 <= 'z') {
				j++
			}
			out = append(out, token{tokLiteral, string(src[i:j]), line})
			i = j
		default:
			_, n := utf8.DecodeRune(src[i:])
			out = append(out, token{tokPunct, string(src[i : i+n]), line})
			i += n
		}
	}
	return append(out, token{tokEOF, "", line}), nil
}

func isIdentStart(b []byte) bool {
	r, _ := utf8.DecodeRune(b)
	return r == '_' || r == '$' || unicode.IsLetter(r)
}

func isIdentPart(b []byte) bool {
	r, _ := utf8.DecodeRune(b)
	return r == '_' || r == '$' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// Token is a token of Java source for other readers of the engine's Java
// (sim/gen reads its mappers): its text as written and its line.
type Token struct {
	Text    string
	Line    int
	Literal bool // a string, character or number literal
}

// Lex splits Java source into tokens as the model's reader does,
// dropping whitespace and comments; it fails on an unterminated comment
// or literal, naming the line.
func Lex(src []byte) ([]Token, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	out := make([]Token, 0, len(toks)-1)
	for _, t := range toks[:len(toks)-1] { // without tokEOF
		out = append(out, Token{Text: t.text, Line: t.line, Literal: t.kind == tokLiteral})
	}
	return out, nil
}
