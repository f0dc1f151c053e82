package schema_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ovcompat/ovcompat/schema"
)

// FuzzValidateXML: whatever the body, validation returns violations with a
// rule and a reason and never panics; a document that parses validates to
// the same rules after a round trip through the serializer.
func FuzzValidateXML(f *testing.F) {
	files, _ := filepath.Glob("../fixtures/bodies/v4/*.xml")
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil && len(data) < 20_000 {
			f.Add(data)
		}
	}
	for _, s := range []string{
		`<vm><name>a</name><memory>x</memory></vm>`,
		`<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><vm>&b;</vm>`,
		`<vms><vm id="1" href="/ovirt-engine/api/vms/2"><link rel="nics"/></vm></vms>`,
		`<action><status>complete</status></action>`,
		"<vm>\xff</vm>",
	} {
		f.Add([]byte(s))
	}
	m, err := schema.V4()
	if err != nil {
		f.Fatal(err)
	}
	lim := schema.Limits{MaxBytes: 1 << 20, MaxDepth: 64}
	f.Fuzz(func(t *testing.T, data []byte) {
		res := m.ValidateXML(data, schema.Target{}, lim)
		for _, v := range res.Violations {
			if v.Rule == "" || v.Reason == "" || v.Location == "" {
				t.Fatalf("incomplete violation %+v", v)
			}
		}
		doc, err := schema.ParseXML(data, lim)
		if err != nil {
			return
		}
		again, err := doc.WriteToBytes()
		if err != nil {
			t.Fatalf("a parsed document does not serialise: %v", err)
		}
		res2 := m.ValidateXML(again, schema.Target{}, lim)
		if !slices.Equal(rulesOf(res.Violations), rulesOf(res2.Violations)) {
			t.Fatalf("round trip changed the verdict:\n%v\n%v", res.Violations, res2.Violations)
		}
	})
}

func rulesOf(vs []schema.Violation) []string {
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		out = append(out, v.Rule)
	}
	slices.Sort(out)
	return out
}
