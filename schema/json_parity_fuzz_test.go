package schema_test

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/schema"
)

// parityVerdict is verdict with the one divergence TestJSONAttributeDivergence
// records folded in: an attribute the type lacks is, in JSON, a property
// the type lacks.
func parityVerdict(vs []schema.Violation) []string {
	var out []string
	for _, v := range verdict(vs) {
		if rest, ok := strings.CutPrefix(v, "error "+schema.RuleUnknownAttribute+" "); ok {
			v = "error " + schema.RuleUnknownElement + " " + strings.Replace(rest, "/@", "/", 1)
		}
		out = append(out, v)
	}
	slices.Sort(out)
	return out
}

// FuzzJSONParity: the XML and the JSON representation of the same
// resource get the same verdict (issue 14's fuzz of the two against each
// other). Whatever XML body the scanner accepts and the engine's JSON
// mapping can write (schema's DocumentJSON), validating it as XML and its
// JSON twin as JSON gives the same rule IDs at the same locations, but for
// schema.element-order (JSON objects are unordered).
func FuzzJSONParity(f *testing.F) {
	m, err := schema.V4()
	if err != nil {
		f.Fatal(err)
	}
	targets := jsonFuzzTargets(m)
	files, _ := filepath.Glob("../fixtures/bodies/v4/*.xml")
	sort.Strings(files)
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil || len(data) > 20_000 {
			continue
		}
		for i := range targets {
			f.Add(data, uint8(i))
		}
	}
	f.Add([]byte(`<vm id="1" href="/ovirt-engine/api/vms/1" flavour="x"><name>a</name><memory>x</memory></vm>`), uint8(1))
	lim := schema.Limits{MaxBytes: 1 << 20, MaxDepth: 64, MaxViolations: 1000}
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		target := targets[int(which)%len(targets)]
		if target.Route == nil && target.Type == nil {
			return // a JSON body names no type: without one it is not checked
		}
		doc, err := schema.ParseXML(data, lim)
		if err != nil {
			return
		}
		x := m.ValidateXML(data, target, lim)
		js, err := m.DocumentJSON(doc, target)
		wrongRoot := slices.ContainsFunc(x.Violations, func(v schema.Violation) bool { return v.Rule == schema.RuleWrongRoot })
		if err != nil || wrongRoot || len(x.Violations) >= lim.MaxViolations {
			// A JSON body names no root: on a root the target does not
			// expect, its twin is another document, not the same resource.
			return
		}
		j := m.ValidateJSON(js, target, lim)
		if xv, jv := parityVerdict(x.Violations), parityVerdict(j.Violations); !slices.Equal(xv, jv) {
			t.Errorf("XML and JSON disagree on\n%s\nJSON %s\n XML: %q\nJSON: %q", data, js, xv, jv)
		}
	})
}
