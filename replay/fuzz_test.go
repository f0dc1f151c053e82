package replay

import (
	"testing"

	"github.com/ovcompat/ovcompat/scenario"
)

// FuzzParseFilter: a label filter from the command line never panics the
// parser; one that parses keeps its text and matches any labels without
// panicking.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{"", "resource=vms", "feature=crud|json,source!=recorded", "smoke", "impact=infrastructure", "resource==vms", ",,", "=|"} {
		f.Add(s)
	}
	labels := scenario.Labels{Resource: []string{"vms"}, Feature: []string{"crud"}, API: "v4", Source: scenario.SourceRecorded, Impact: scenario.ImpactInfrastructure}
	f.Fuzz(func(t *testing.T, s string) {
		flt, err := ParseFilter(s)
		if err != nil {
			return
		}
		if flt.String() == "" && len(flt.Keys()) > 0 {
			t.Fatalf("%q: terms without text", s)
		}
		flt.Match(labels)
		(Selection{Filter: flt, LeaveOutRecorded: true}).Pick(&scenario.Scenario{Labels: labels})
	})
}
