package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

// backendField is what the engine's backend entity holds behind a getter:
// its Java type and initial value, with the line that says so.
type backendField struct {
	javaType, initial, evidence string
}

// nonNull reports whether a backend field is never null: a primitive, or
// initialised to a value.
func (f backendField) nonNull() bool {
	switch f.javaType {
	case "int", "long", "short", "byte", "boolean", "double", "float", "char":
		return true
	}
	return f.initial != "" && f.initial != "null"
}

// readBackend reads the curated backend facts: Class.getter, Java type,
// initial value ("-" for none) and evidence, tab separated.
func readBackend(path string) (map[string]backendField, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]backendField{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 4 {
			return nil, fmt.Errorf("%s:%d: want 4 tab-separated columns", path, n)
		}
		init := cols[2]
		if init == "-" {
			init = ""
		}
		out[cols[0]] = backendField{javaType: cols[1], initial: init, evidence: cols[3]}
	}
	return out, sc.Err()
}

// classify says why a mapper's value is never null, or "" when it may be,
// and the backend's initial value when a backend field says so.
func classify(w write, backend map[string]backendField) (why, initial string) {
	why = reason(w, backend)
	a := w.arg
	if n := len(a); n == 5 && a[n-1].text == ")" {
		if f, ok := backend[w.entities[a[0].text]+"."+a[2].text]; ok && f.nonNull() {
			initial = f.initial
		}
	}
	return why, initial
}

// reason is classify's why.
func reason(w write, backend map[string]backendField) string {
	a := w.arg
	if w.obj {
		return "an object the mapper makes"
	}
	if len(a) == 0 {
		return ""
	}
	first := a[0].text
	switch {
	case len(a) == 1 && (first == `"S"` || first == "true" || first == "false" || isDigit(first)):
		return "a literal"
	case first == "new":
		return "an object the mapper makes"
	case first == "!" || hasTop(a, "==", "!=", "||", "&&") || hasCall(a, "equals"):
		return "a boolean expression"
	case first == "(" && len(a) > 2 && primitive(a[1].text) && a[2].text == ")", hasTop(a, "*", "/", "+", "-"):
		return "a primitive expression"
	case hasCall(a, "valueOf") || hasCall(a, "toString"):
		return "a value made by valueOf/toString"
	case len(a) == 3 && a[1].text == "." && upper(a[0].text) && upper(a[2].text):
		return "a constant"
	}
	if len(a) >= 4 && a[len(a)-1].text == ")" && a[len(a)-2].text == "(" {
		getter := a[len(a)-3].text
		if strings.HasPrefix(getter, "is") && len(getter) > 2 && getter[2] >= 'A' && getter[2] <= 'Z' {
			return "a boolean getter"
		}
		if class, ok := w.entities[a[0].text]; ok && len(a) == 5 {
			if f, ok := backend[class+"."+getter]; ok && f.nonNull() {
				return fmt.Sprintf("%s.%s is %s %s (%s)", class, getter, f.javaType, orNoInit(f.initial), f.evidence)
			}
		}
	}
	// map(entity, null), mapOperatingSystem(entity): a mapper of the whole
	// entity makes its object; mapNullToMinusOne(x) maps null too.
	if name, args, ok := call(a); ok {
		if strings.HasPrefix(strings.ToLower(name), "map") && len(args) > 0 && len(args[0]) == 1 && w.entities[args[0][0].text] != "" {
			return "a mapper of the whole entity"
		}
		if strings.Contains(name, "NullTo") {
			return "a mapper that maps null to a value"
		}
	}
	return ""
}

func orNoInit(s string) string {
	if s == "" {
		return "(primitive)"
	}
	return "= " + s
}

func isDigit(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

func primitive(s string) bool {
	switch s {
	case "int", "long", "short", "byte", "double", "float":
		return true
	}
	return false
}

func upper(s string) bool { return s != "" && s[0] >= 'A' && s[0] <= 'Z' }

// hasTop reports whether an operator occurs outside parentheses (the
// tokenizer splits "==" into two tokens).
func hasTop(toks []token, ops ...string) bool {
	depth := 0
	for i := 0; i < len(toks); i++ {
		t := toks[i].text
		switch t {
		case "(", "[":
			depth++
			continue
		case ")", "]":
			depth--
			continue
		}
		if depth != 0 || i == 0 {
			continue
		}
		two := t
		if i+1 < len(toks) {
			two = t + toks[i+1].text
		}
		for _, op := range ops {
			if (len(op) == 2 && two == op) || (len(op) == 1 && t == op && (i+1 >= len(toks) || toks[i+1].text != "=")) {
				return true
			}
		}
	}
	return false
}

// hasCall reports whether name is called at the top of an expression
// (x.equals(y), Long.valueOf(z)).
func hasCall(toks []token, name string) bool {
	for i := 1; i+1 < len(toks); i++ {
		if toks[i].text == name && toks[i-1].text == "." && toks[i+1].text == "(" {
			return true
		}
	}
	return false
}
