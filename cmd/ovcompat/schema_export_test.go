package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/schema"
)

// TestSchemaExportJSONSchema: the exported JSON Schema is a 2020-12
// document with a $defs entry per type, and a JSON body converted from a
// real response validates with `ovcompat validate --type`.
func TestSchemaExportJSONSchema(t *testing.T) {
	code, out, errs := ovcompat(t, "schema", "export", "--format", "jsonschema")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc struct {
		Schema string                     `json:"$schema"`
		Defs   map[string]json.RawMessage `json:"$defs"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Schema != schema.JSONSchemaDraft || doc.Defs["Vm"] == nil || doc.Defs["VmStatus"] == nil {
		t.Fatalf("$schema %q, %d $defs", doc.Schema, len(doc.Defs))
	}

	m, err := schema.V4()
	if err != nil {
		t.Fatal(err)
	}
	xmlData, err := os.ReadFile("../../fixtures/bodies/v4/vm.xml")
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := schema.ParseXML(xmlData, schema.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	js, err := m.DocumentJSON(parsed, schema.Target{Type: m.Type("Vm")})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "vm.json")
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(good, js, 0o644)
	var v map[string]any
	if err := json.Unmarshal(js, &v); err != nil {
		t.Fatal(err)
	}
	v["status"] = "sideways"
	broken, _ := json.Marshal(v)
	os.WriteFile(bad, broken, 0o644)
	if code, out, errs := ovcompat(t, "validate", "--type", "Vm", good); code != 0 {
		t.Fatalf("converted vm.xml: exit %d\n%s%s", code, out, errs)
	}
	if code, out, _ := ovcompat(t, "validate", "--type", "Vm", bad); code != 1 || !strings.Contains(out, "schema.unknown-enum") {
		t.Fatalf("bad enum: exit %d\n%s", code, out)
	}
}
