package sim

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// A subset of the engine's search language:
//
//	[Vms:] name=web* and status=up or memory>1073741824 sortby name desc page 2
//
// Terms compare a member (dotted for nested members or referenced objects:
// cluster.name; a reference alone compares the object's name) with =, !=,
// <, >, <=, >=; * matches any text; and binds tighter than or. sortby and
// page (with max as the page size, default 100) come last.

// search is a parsed query.
type search struct {
	or     [][]term // disjunction of conjunctions
	sortBy string
	desc   bool
	page   int
}

type term struct {
	field, op, value string
}

// maxSearchLen bounds the queries the engine parses.
const maxSearchLen = 4096

// parseSearch reads a query.
func parseSearch(s string) (*search, error) {
	if len(s) > maxSearchLen {
		return nil, errors.New("the query is too long")
	}
	toks, err := tokenize(s)
	if err != nil {
		return nil, err
	}
	if len(toks) > 0 && strings.HasSuffix(toks[0], ":") && !isOp(toks[0]) {
		toks = toks[1:] // "Vms:" names the collection already chosen
	}
	q := &search{}
	var cur []term
	for i := 0; i < len(toks); {
		switch w := strings.ToLower(toks[i]); {
		case w == "sortby":
			if i+1 >= len(toks) || isOp(toks[i+1]) {
				return nil, errors.New("sortby needs a field")
			}
			q.sortBy = toks[i+1]
			i += 2
			if i < len(toks) && (strings.EqualFold(toks[i], "asc") || strings.EqualFold(toks[i], "desc")) {
				q.desc = strings.EqualFold(toks[i], "desc")
				i++
			}
		case w == "page":
			if i+1 >= len(toks) {
				return nil, errors.New("page needs a number")
			}
			n, err := strconv.Atoi(toks[i+1])
			if err != nil || n < 1 {
				return nil, errors.New("page needs a positive number")
			}
			q.page = n
			i += 2
		case w == "and":
			if len(cur) == 0 {
				return nil, errors.New("and without a term before it")
			}
			i++
		case w == "or":
			if len(cur) == 0 {
				return nil, errors.New("or without a term before it")
			}
			q.or = append(q.or, cur)
			cur = nil
			i++
		default:
			if i+2 >= len(toks) || !isOp(toks[i+1]) || isOp(toks[i+2]) || isOp(toks[i]) {
				return nil, fmt.Errorf("expected field, operator and value at %q", clip(toks[i]))
			}
			cur = append(cur, term{field: strings.ToLower(toks[i]), op: toks[i+1], value: toks[i+2]})
			i += 3
		}
	}
	if len(cur) > 0 {
		q.or = append(q.or, cur)
	} else if len(q.or) > 0 {
		return nil, errors.New("or without a term after it")
	}
	return q, nil
}

func clip(s string) string {
	if len(s) > 32 {
		s = s[:32]
	}
	return schemaSafe(s)
}

func isOp(s string) bool {
	switch s {
	case "=", "!=", "<", ">", "<=", ">=":
		return true
	}
	return false
}

// tokenize splits a query into words, operators and quoted strings.
func tokenize(s string) ([]string, error) {
	var out []string
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '"' || c == '\'':
			j := strings.IndexByte(s[i+1:], c)
			if j < 0 {
				return nil, errors.New("unterminated quote")
			}
			out = append(out, s[i+1:i+1+j])
			i += j + 2
		case c == '=' || c == '<' || c == '>' || c == '!':
			if i+1 < len(s) && s[i+1] == '=' {
				out = append(out, s[i:i+2])
				i += 2
				continue
			}
			if c == '!' {
				return nil, errors.New("! must be followed by =")
			}
			out = append(out, s[i:i+1])
			i++
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\r\n=<>!\"'", rune(s[j])) {
				j++
			}
			out = append(out, s[i:j])
			i = j
		}
	}
	return out, nil
}

// apply filters, sorts and pages items. Callers hold mu.
func (q *search) apply(e *Engine, items []*record, caseSensitive bool, max string) []*record {
	var out []*record
	for _, r := range items {
		if q.match(e, r, caseSensitive) {
			out = append(out, r)
		}
	}
	if q.sortBy != "" {
		key := func(r *record) string {
			vs := e.fieldValues(r, strings.ToLower(q.sortBy), 3)
			if len(vs) == 0 {
				return ""
			}
			return vs[0]
		}
		sort.SliceStable(out, func(i, j int) bool {
			a, b := key(out[i]), key(out[j])
			if q.desc {
				a, b = b, a
			}
			return compare(a, b, "<")
		})
	}
	n, err := strconv.Atoi(max)
	if err != nil || n < 0 {
		n = -1
	}
	if q.page > 0 {
		size := n
		if size < 0 {
			size = 100
		}
		start := (q.page - 1) * size
		if start >= len(out) {
			return nil
		}
		out = out[start:]
	}
	if n >= 0 && n < len(out) {
		out = out[:n]
	}
	return out
}

func (q *search) match(e *Engine, r *record, cs bool) bool {
	if len(q.or) == 0 {
		return true
	}
	for _, and := range q.or {
		ok := true
		for _, t := range and {
			if !t.match(e.fieldValues(r, t.field, 3), cs) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func (t term) match(values []string, cs bool) bool {
	want := t.value
	if !cs {
		want = strings.ToLower(want)
	}
	any := false
	for _, v := range values {
		if !cs {
			v = strings.ToLower(v)
		}
		var ok bool
		switch t.op {
		case "=", "!=":
			ok = wildcard(want, v)
		default:
			ok = compare(v, want, t.op)
		}
		if ok {
			any = true
			break
		}
	}
	if t.op == "!=" {
		return !any
	}
	return any
}

// wildcard matches v against a pattern where * is any text.
func wildcard(pattern, v string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == v
	}
	if !strings.HasPrefix(v, parts[0]) {
		return false
	}
	v = v[len(parts[0]):]
	for _, p := range parts[1 : len(parts)-1] {
		j := strings.Index(v, p)
		if j < 0 {
			return false
		}
		v = v[j+len(p):]
	}
	return strings.HasSuffix(v, parts[len(parts)-1])
}

// compare compares v with want as numbers when both are, else as text.
func compare(v, want, op string) bool {
	a, ea := strconv.ParseFloat(v, 64)
	b, eb := strconv.ParseFloat(want, 64)
	var c int
	if ea == nil && eb == nil {
		switch {
		case a < b:
			c = -1
		case a > b:
			c = 1
		}
	} else {
		c = strings.Compare(v, want)
	}
	switch op {
	case "<":
		return c < 0
	case ">":
		return c > 0
	case "<=":
		return c <= 0
	case ">=":
		return c >= 0
	}
	return false
}

// listedIn returns the names of what r holds in its sub-collection named
// after a search field (tag: the VM's tags), as the engine's search
// compares "tag" with the object's tag names
// (VmConditionFieldAutoCompleter: columnNameDict.put(TAG, "tag_name")).
func (e *Engine) listedIn(r *record, field string) []string {
	var out []string
	for _, it := range r.subs[field+"s"].list() {
		if name := textOf(it.data, "name"); name != "" {
			out = append(out, name)
		}
	}
	return out
}

// searchAliases map the engine's search names to members.
var searchAliases = map[string]string{"datacenter": "data_center", "storage": "storage_domain", "os": "os.type"}

// fieldValues returns the values of a dotted member of r for search.
// Callers hold mu.
func (e *Engine) fieldValues(r *record, field string, depth int) []string {
	if a, ok := searchAliases[field]; ok {
		field = a
	}
	if field == "id" {
		return []string{r.id}
	}
	if v, ok := r.kept[field]; ok {
		return []string{v}
	}
	head, rest, _ := strings.Cut(field, ".")
	c := childOf(r.data, head)
	if c == nil {
		if a, ok := searchAliases[head]; ok && rest == "" {
			return e.fieldValues(r, a, depth)
		}
		return e.listedIn(r, head)
	}
	if id := c.SelectAttrValue("id", ""); id != "" && depth > 0 {
		el := r.typ.Elem(head)
		ref := e.st.lookup(id, el.Type)
		if ref == nil {
			return []string{id}
		}
		if rest == "" {
			return []string{textOf(ref.data, "name"), id}
		}
		return e.fieldValues(ref, rest, depth-1)
	}
	for rest != "" {
		h, r2, _ := strings.Cut(rest, ".")
		if c = childOf(c, h); c == nil {
			return nil
		}
		rest = r2
	}
	var out []string
	if len(c.ChildElements()) == 0 {
		out = append(out, c.Text())
	}
	for _, it := range c.ChildElements() {
		out = append(out, it.Text())
	}
	return out
}
