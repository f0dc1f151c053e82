package schema

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Severity grades a violation. Higher is worse.
type Severity uint8

// Severities, in increasing order.
const (
	Info Severity = iota
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	}
	return "info"
}

// ParseSeverity reads "error", "warning" or "info".
func ParseSeverity(v string) (Severity, error) {
	switch strings.ToLower(v) {
	case "error":
		return Error, nil
	case "warning", "warn":
		return Warning, nil
	case "info":
		return Info, nil
	}
	return 0, fmt.Errorf("severity %q: want error, warning or info", v)
}

// MarshalText writes the severity's name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads a severity's name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	*s = v
	return err
}

// The rule IDs the schema validators report. The rules package catalogues
// them with their rationale.
const (
	RuleMalformed        = "schema.malformed"
	RuleDoctype          = "schema.doctype"
	RuleLimit            = "schema.limit"
	RuleWrongRoot        = "schema.wrong-root"
	RuleUnknownElement   = "schema.unknown-element"
	RuleUnknownAttribute = "schema.unknown-attribute"
	RuleMissingElement   = "schema.missing-element"
	RuleInvalidValue     = "schema.invalid-value"
	RuleUnknownEnum      = "schema.unknown-enum"
	RuleRepeatedElement  = "schema.repeated-element"
	RuleWrongItem        = "schema.wrong-item"
	RuleUnexpectedText   = "schema.unexpected-text"
	RuleElementOrder     = "schema.element-order"
	RuleLinkHref         = "schema.link-href"
	RuleUnknownRel       = "schema.unknown-rel"
	RuleUnknownAction    = "schema.unknown-action"
	RuleHrefID           = "schema.href-id"
	RuleUnknownParameter = "schema.unknown-parameter"
)

// Violation is one finding about a document or an exchange. Its JSON form
// is the shape every ovcompat output shares:
// {"rule","severity","location","reason"}, plus line and column when known.
type Violation struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	// Location is a path into the body such as /vms/vm[3]/memory, an
	// attribute as /vm/@href, or a part of the exchange ("status",
	// "header:Location").
	Location string `json:"location"`
	Line     int    `json:"line,omitempty"`
	Column   int    `json:"column,omitempty"`
	// Reason says what is wrong. It never echoes a value from the body.
	Reason string `json:"reason"`
}

// String formats the violation for people.
func (v Violation) String() string {
	loc := v.Location
	if v.Line > 0 {
		loc = fmt.Sprintf("%s (%d:%d)", loc, v.Line, v.Column)
	}
	return fmt.Sprintf("%s %s at %s: %s", v.Severity, v.Rule, loc, v.Reason)
}

// MarshalJSON keeps the output ASCII-safe whatever the reason holds.
func (v Violation) MarshalJSON() ([]byte, error) {
	type plain Violation
	p := plain(v)
	p.Location = asciiSafe(p.Location, 512)
	p.Reason = asciiSafe(p.Reason, 512)
	return json.Marshal(p)
}

// Worst returns the highest severity among vs, and false when vs is empty.
func Worst(vs []Violation) (Severity, bool) {
	if len(vs) == 0 {
		return Info, false
	}
	w := Info
	for _, v := range vs {
		if v.Severity > w {
			w = v.Severity
		}
	}
	return w, true
}

// HasErrors reports whether any violation has severity Error.
func HasErrors(vs []Violation) bool {
	for _, v := range vs {
		if v.Severity == Error {
			return true
		}
	}
	return false
}

// asciiSafe replaces every non-printable or non-ASCII rune, so that names
// taken from a body can be quoted in a reason or a header without breaking
// a client, and cuts the result at max bytes.
func asciiSafe(s string, max int) string {
	ok := len(s) <= max
	for i := 0; ok && i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			ok = false
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if b.Len() >= max {
			b.WriteString("...")
			break
		}
		switch {
		case r == utf8.RuneError:
			b.WriteString("?")
		case r >= 0x20 && r <= 0x7e:
			b.WriteRune(r)
		default:
			fmt.Fprintf(&b, "\\u%04x", r)
		}
	}
	return b.String()
}

// ASCIISafe is asciiSafe for other packages: it escapes non-ASCII and
// control characters and truncates to max bytes.
func ASCIISafe(s string, max int) string { return asciiSafe(s, max) }
