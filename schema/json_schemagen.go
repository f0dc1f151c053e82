package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// JSON Schema generation: one $defs entry per type of the model, in the
// engine's JSON mapping (see json_convert.go). Scalars accept the native
// JSON form (a number, a boolean) and the string form the engine writes,
// and the string form gets exactly the XML verdict of CheckScalar: the
// patterns below are that function written as regular expressions, which
// the tests check against it. The patterns use only syntax that Go's RE2
// and ECMA-262 read alike, so other tools can use the schema.

// JSONSchemaDraft is the $schema of the generated document.
const JSONSchemaDraft = "https://json-schema.org/draft/2020-12/schema"

// jsonWS is XSD's whitespace collapse as strings.TrimSpace does it: the
// characters with Unicode's White_Space property, written literally.
const jsonWS = "[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*"

const (
	booleanPattern  = "^" + jsonWS + "(?:true|false|1|0)" + jsonWS + "$"
	doublePattern   = "^" + jsonWS + `(?:[+-]?INF|NaN|[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)` + jsonWS + "$"
	dateTimePattern = "^" + jsonWS + `-?[0-9]{4,}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])` +
		`(?:T(?:[01][0-9]|2[0-4]):[0-5][0-9]:(?:[0-5][0-9]|60)(?:\.[0-9]+)?)?` +
		`(?:Z|[+-](?:0[0-9]|1[0-4]):[0-5][0-9])?` + jsonWS + "$"
)

// intPattern is the string form of an integer scalar: optional whitespace,
// a sign, leading zeros, and a value within range (for unsigned types "-0"
// is the only negative form), as checkInt accepts it.
func intPattern(bits uint, signed bool) string {
	max := uint64(1)<<bits - 1
	neg := "-0+"
	if signed {
		neg = "-0*(?:" + uintRangePattern(max+1) + ")"
	}
	return "^" + jsonWS + `(?:\+?0*(?:` + uintRangePattern(max) + ")|" + neg + ")" + jsonWS + "$"
}

// uintRangePattern matches the decimal integers 0..max written without
// leading zeros.
func uintRangePattern(max uint64) string {
	s := strconv.FormatUint(max, 10)
	n := len(s)
	if n == 1 {
		return digitClass(0, int(s[0]-'0'))
	}
	alts := []string{"0", "[1-9]" + digitRun(0, n-2)}
	for i := 0; i < n; i++ {
		lo, d := 0, int(s[i]-'0')
		if i == 0 {
			lo = 1
		}
		if d > lo {
			alts = append(alts, s[:i]+digitClass(lo, d-1)+digitRun(n-i-1, n-i-1))
		}
	}
	alts = append(alts, s)
	return strings.Join(alts, "|")
}

func digitClass(lo, hi int) string {
	if lo == hi {
		return strconv.Itoa(lo)
	}
	return "[" + strconv.Itoa(lo) + "-" + strconv.Itoa(hi) + "]"
}

// digitRun matches from lo to hi digits.
func digitRun(lo, hi int) string {
	switch {
	case hi == 0:
		return ""
	case lo == hi && lo == 1:
		return "[0-9]"
	case lo == hi:
		return "[0-9]{" + strconv.Itoa(lo) + "}"
	}
	return "[0-9]{" + strconv.Itoa(lo) + "," + strconv.Itoa(hi) + "}"
}

// enumPattern matches one of the values, whitespace collapsed.
func enumPattern(values []string) string {
	q := make([]string, len(values))
	for i, v := range values {
		q[i] = regexp.QuoteMeta(v)
	}
	return "^" + jsonWS + "(?:" + strings.Join(q, "|") + ")" + jsonWS + "$"
}

// jsDef is one schema object of the generated document. Fields are written
// in this order; empty ones are left out.
type jsDef struct {
	Title                string          `json:"title,omitempty"`
	Description          string          `json:"description,omitempty"`
	Deprecated           bool            `json:"deprecated,omitempty"`
	Ref                  string          `json:"$ref,omitempty"`
	Type                 any             `json:"type,omitempty"`
	Enum                 []string        `json:"enum,omitempty"`
	AnyOf                []*jsDef        `json:"anyOf,omitempty"`
	Minimum              json.Number     `json:"minimum,omitempty"`
	Maximum              json.Number     `json:"maximum,omitempty"`
	Pattern              string          `json:"pattern,omitempty"`
	Items                *jsDef          `json:"items,omitempty"`
	MaxItems             int             `json:"maxItems,omitempty"`
	Properties           jsProps         `json:"properties,omitempty"`
	Required             []string        `json:"required,omitempty"`
	AdditionalProperties json.RawMessage `json:"additionalProperties,omitempty"`
}

// jsProps keeps the properties in the type's order (attributes, then the
// sequence), for people reading the schema.
type jsProps []jsProp

type jsProp struct {
	name string
	def  *jsDef
}

// MarshalJSON writes the properties as an object, in order.
func (ps jsProps) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, p := range ps {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(p.name)
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(p.def)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// jsDoc is the generated document.
type jsDoc struct {
	Schema      string            `json:"$schema"`
	ID          string            `json:"$id"`
	Title       string            `json:"title"`
	Description string            `json:"description"`
	Defs        map[string]*jsDef `json:"$defs"`
}

// jsonSchemaID is the $id of the model's JSON Schema.
func (m *Model) jsonSchemaID() string {
	v := m.Version
	if v == "" {
		v = "0"
	}
	return "urn:ovcompat:schema:ovirt:v" + strconv.Itoa(m.API) + ":" + defKeyEscape(v)
}

// jsonDefKeys names every type reachable from the model's types, global
// elements and routes with its $defs key.
func (m *Model) jsonDefKeys() map[*Type]string {
	keys := map[*Type]string{}
	used := map[string]bool{}
	var visit func(t *Type)
	visit = func(t *Type) {
		if t == nil {
			return
		}
		if _, ok := keys[t]; ok {
			return
		}
		k := defKeyEscape(t.Name)
		for i := 2; used[k]; i++ {
			k = defKeyEscape(t.Name) + "_" + strconv.Itoa(i)
		}
		keys[t], used[k] = k, true
		for _, a := range t.Attrs {
			visit(a.Type)
		}
		for _, e := range t.Elems {
			visit(e.Type)
		}
	}
	for _, t := range m.Types() {
		visit(t)
	}
	for _, n := range m.Elements() {
		visit(m.elements[n])
	}
	if m.routes != nil {
		for _, r := range m.routes.All() {
			for _, b := range []*Body{r.Input, r.Output} {
				if b != nil {
					visit(b.Type)
				}
			}
		}
	}
	return keys
}

// defKeyEscape keeps a $defs key to characters that need no escaping in a
// JSON pointer or a URI fragment.
func defKeyEscape(s string) string {
	ok := s != ""
	for i := 0; ok && i < len(s); i++ {
		ok = defKeyChar(s[i])
	}
	if ok {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		if !defKeyChar(c) {
			b[i] = '_'
		}
	}
	return string(b)
}

func defKeyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == ':' || c == '-'
}

// generateJSONSchema builds the JSON Schema document of the model, given
// the $defs key of each type.
func (m *Model) generateJSONSchema(keys map[*Type]string) ([]byte, error) {
	ref := func(t *Type) *jsDef { return &jsDef{Ref: "#/$defs/" + keys[t]} }
	doc := jsDoc{
		Schema: JSONSchemaDraft,
		ID:     m.jsonSchemaID(),
		Title:  fmt.Sprintf("oVirt API v%d (model %s) in the engine's JSON mapping", m.API, m.Version),
		Description: "Generated by ovcompat from its compiled model. A body's type comes from its route: " +
			"validate it against #/$defs/<Type>. Scalars take the native JSON form or the string form the engine " +
			"writes (\"false\", \"0\"); elements that may repeat are arrays; a collection is {\"<item>\": [...]}.",
		Defs: make(map[string]*jsDef, len(keys)),
	}
	for t, k := range keys {
		doc.Defs[k] = typeDef(t, ref)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("schema: generate json schema: %w", err)
	}
	return asciiJSON(buf.Bytes()), nil
}

// asciiJSON escapes every non-ASCII character of a JSON text (they can
// only be inside strings), so that the whitespace classes of the patterns
// can be read.
func asciiJSON(b []byte) []byte {
	out := make([]byte, 0, len(b)+len(b)/8)
	for _, r := range string(b) {
		if r < utf8.RuneSelf {
			out = append(out, byte(r))
			continue
		}
		for _, u := range utf16.Encode([]rune{r}) {
			out = append(out, '\\', 'u', hexDigits[u>>12], hexDigits[u>>8&0xf], hexDigits[u>>4&0xf], hexDigits[u&0xf])
		}
	}
	return out
}

var noAdditional = json.RawMessage("false")

// typeDef is the schema of one type.
func typeDef(t *Type, ref func(*Type) *jsDef) *jsDef {
	d := &jsDef{Title: t.Name, Deprecated: t.Deprecated}
	switch {
	case t.IsEnum():
		d.Type = "string"
		d.AnyOf = []*jsDef{{Enum: t.Enum}, {Pattern: enumPattern(t.Enum)}}
		return d
	case t.Simple:
		scalarDef(d, t.Scalar)
		return d
	}
	d.Type = "object"
	d.AdditionalProperties = noAdditional
	for _, a := range t.Attrs {
		d.Properties = append(d.Properties, jsProp{a.Name, ref(a.Type)})
		if a.Required {
			d.Required = append(d.Required, a.Name)
		}
	}
	for _, e := range t.Elems {
		p := ref(e.Type)
		if e.Max == Unbounded || e.Max > 1 {
			p = &jsDef{Type: "array", Items: p}
			if e.Max > 1 {
				p.MaxItems = e.Max
			}
		}
		p.Deprecated = e.Deprecated
		d.Properties = append(d.Properties, jsProp{e.Name, p})
		if e.Min > 0 {
			d.Required = append(d.Required, e.Name)
		}
	}
	if t.Text && t.Elem(jsonTextKey) == nil && t.Attr(jsonTextKey) == nil {
		d.Properties = append(d.Properties, jsProp{jsonTextKey, &jsDef{Type: "string"}})
	}
	sort.Strings(d.Required)
	return d
}

// scalarDef fills d with the schema of a scalar: its native JSON form and
// its string form.
func scalarDef(d *jsDef, s Scalar) {
	if bits, signed, ok := intBits(s); ok {
		max := uint64(1)<<bits - 1
		d.Type = []string{"integer", "string"}
		d.Minimum = "0"
		if signed {
			d.Minimum = json.Number("-" + strconv.FormatUint(max+1, 10))
		}
		d.Maximum = json.Number(strconv.FormatUint(max, 10))
		d.Pattern = intPattern(bits, signed)
		return
	}
	switch s {
	case Boolean:
		d.Type = []string{"boolean", "string"}
		d.Pattern = booleanPattern
	case DateTime:
		d.Type = "string"
		d.Pattern = dateTimePattern
	case Decimal, Double:
		d.Type = []string{"number", "string"}
		d.Pattern = doublePattern
	default:
		d.Type = "string"
	}
}

// JSONSchema returns the model's JSON Schema (draft 2020-12) for bodies in
// the engine's JSON mapping: one entry of $defs per type, named as the
// type (Vm, VmStatus, xs:int, Network.usages), each object closed
// (additionalProperties false), enums listed, and scalars accepting the
// native JSON form and the string form with the XML validator's verdict.
// The document is generated once per model; the caller may keep or change
// the returned copy.
func (m *Model) JSONSchema() ([]byte, error) {
	c, err := m.jsonSchemas()
	if err != nil {
		return nil, err
	}
	c.docOnce.Do(func() { c.doc, c.docErr = m.generateJSONSchema(c.keys) })
	if c.docErr != nil {
		return nil, c.docErr
	}
	return bytes.Clone(c.doc), nil
}
