package schema_test

import (
	"testing"

	"github.com/ovcompat/ovcompat/schema"
)

// TestRuleTable: every rule the validators report is in the one table,
// once, with a rationale, and findings carry the table's severity.
func TestRuleTable(t *testing.T) {
	ids := []string{schema.RuleMalformed, schema.RuleDoctype, schema.RuleLimit, schema.RuleWrongRoot, schema.RuleUnknownElement, schema.RuleUnknownAttribute,
		schema.RuleMissingElement, schema.RuleInvalidValue, schema.RuleUnknownEnum, schema.RuleRepeatedElement, schema.RuleWrongItem, schema.RuleUnexpectedText,
		schema.RuleElementOrder, schema.RuleLinkHref, schema.RuleUnknownRel, schema.RuleUnknownAction, schema.RuleHrefID, schema.RuleUnknownParameter}
	seen := map[string]bool{}
	for _, r := range schema.Rules() {
		if seen[r.ID] || r.Rationale == "" {
			t.Errorf("rule %s twice or without a rationale", r.ID)
		}
		seen[r.ID] = true
	}
	for _, id := range ids {
		if !seen[id] {
			t.Errorf("%s is not in the table", id)
		}
	}
	if len(seen) != len(ids) {
		t.Errorf("the table has %d rules, the validators %d", len(seen), len(ids))
	}
	m, err := schema.V4()
	if err != nil {
		t.Fatal(err)
	}
	res := m.ValidateXML([]byte(`<vm><comment>c</comment><name>n</name><nosuch/><nosuch2/></vm>`), schema.Target{}, schema.Limits{MaxViolations: 2})
	if len(res.Violations) != 3 {
		t.Fatalf("want 3 findings, got %v", res.Violations)
	}
	for _, v := range res.Violations {
		if v.Severity != schema.SeverityOf(v.Rule) {
			t.Errorf("%v: graded %s, the table says %s", v, v.Severity, schema.SeverityOf(v.Rule))
		}
	}
	if res.Violations[0].Severity != schema.Warning || res.Violations[2].Rule != schema.RuleLimit || res.Violations[2].Severity != schema.Error {
		t.Errorf("findings: %v", res.Violations)
	}
}
