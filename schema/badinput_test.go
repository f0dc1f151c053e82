package schema_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/schema"
)

// TestBadInput: every hostile or broken body gets one clear violation and
// never a panic, an expansion or unbounded memory.
func TestBadInput(t *testing.T) {
	m, err := schema.V4()
	if err != nil {
		t.Fatal(err)
	}
	laughs := `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<vm><name>&lol2;</name></vm>`
	xxe := `<?xml version="1.0"?><!DOCTYPE vm [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><vm><name>&xxe;</name></vm>`
	deep := "<vm>" + strings.Repeat("<cpu>", 100_000) + strings.Repeat("</cpu>", 100_000) + "</vm>"
	tcs := []struct {
		name, body, rule string
		lim              schema.Limits
	}{
		{"not well-formed", `<vm><name>a</vm>`, schema.RuleMalformed, schema.Limits{}},
		{"truncated", `<vm><name>a</na`, schema.RuleMalformed, schema.Limits{}},
		{"billion laughs", laughs, schema.RuleDoctype, schema.Limits{}},
		{"external entity", xxe, schema.RuleDoctype, schema.Limits{}},
		{"undeclared entity", `<vm><name>&xxe;</name></vm>`, schema.RuleMalformed, schema.Limits{}},
		{"100,000 deep", deep, schema.RuleLimit, schema.Limits{}},
		{"over the size limit", "<vm>" + strings.Repeat("<name>a</name>", 1000) + "</vm>", schema.RuleLimit, schema.Limits{MaxBytes: 1000}},
		{"invalid UTF-8", "<vm><name>\xff\xfe</name></vm>", schema.RuleMalformed, schema.Limits{}},
		{"binary", "\x00\x01\x02\x03\x89PNG\r\n", schema.RuleMalformed, schema.Limits{}},
		{"empty", "", schema.RuleMalformed, schema.Limits{}},
		{"only a prolog", `<?xml version="1.0"?>`, schema.RuleMalformed, schema.Limits{}},
		{"two roots", `<vm/><vm/>`, schema.RuleMalformed, schema.Limits{}},
	}
	for _, tc := range tcs {
		t.Run(tc.name, func(t *testing.T) {
			res := m.ValidateXML([]byte(tc.body), schema.Target{}, tc.lim)
			if len(res.Violations) != 1 || res.Violations[0].Rule != tc.rule {
				t.Fatalf("want exactly one %s, got %v", tc.rule, res.Violations)
			}
			v := res.Violations[0]
			if v.Severity != schema.Error || v.Reason == "" {
				t.Errorf("want an error with a reason, got %+v", v)
			}
			if strings.Contains(v.Reason, "lol") || strings.Contains(v.Reason, "passwd") {
				t.Errorf("reason echoes the body: %q", v.Reason)
			}
		})
	}
}

// TestLargeBodyDefaultLimit: a 200 MB body is refused by the default limit
// before any parsing.
func TestLargeBodyDefaultLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates 200 MB")
	}
	m, _ := schema.V4()
	body := bytes.Repeat([]byte("<name>a</name>"), 200<<20/14)
	res := m.ValidateXML(body, schema.Target{}, schema.Limits{})
	if len(res.Violations) != 1 || res.Violations[0].Rule != schema.RuleLimit {
		t.Fatalf("want one %s, got %v", schema.RuleLimit, res.Violations)
	}
	if !strings.Contains(res.Violations[0].Reason, "limit") {
		t.Errorf("reason should name the limit: %q", res.Violations[0].Reason)
	}
}

// TestViolationCap: a document with thousands of faults stops at the cap.
func TestViolationCap(t *testing.T) {
	m, _ := schema.V4()
	body := "<vm>" + strings.Repeat("<bogus/>", 5000) + "</vm>"
	res := m.ValidateXML([]byte(body), schema.Target{}, schema.Limits{MaxViolations: 50})
	if len(res.Violations) != 51 || res.Violations[50].Rule != schema.RuleLimit {
		t.Fatalf("want 50 violations and a limit note, got %d", len(res.Violations))
	}
}
