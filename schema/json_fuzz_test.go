package schema_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"testing"

	"github.com/ovcompat/ovcompat/schema"
)

// jsonFuzzTargets are the targets the fuzzer validates against: every
// global element of the fixtures by type, and a few routes and statuses.
func jsonFuzzTargets(m *schema.Model) []schema.Target {
	r := m.Routes()
	out := []schema.Target{
		{Route: r.Find("GET", "/vms")},
		{Route: r.Find("GET", "/vms/{vm_id}")},
		{Route: r.Find("POST", "/vms/{vm_id}/start"), Direction: schema.Request},
		{Route: r.Find("POST", "/vms"), Direction: schema.Request},
		{Route: r.Find("POST", "/vms/{vm_id}/start"), Status: 409},
		{},
	}
	for _, el := range []string{"clusters", "data_centers", "disks", "hosts", "networks", "storage_domains", "templates", "vm", "vnic_profiles", "network"} {
		out = append(out, schema.Target{Type: m.Element(el)})
	}
	return out
}

// FuzzValidateJSON: whatever the body, JSON validation never panics,
// returns complete violations within the limit, and gives the same result
// twice; a body it accepts converts to XML that the XML validator accepts.
func FuzzValidateJSON(f *testing.F) {
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
		doc, err := schema.ParseXML(data, schema.Limits{})
		if err != nil {
			f.Fatal(err)
		}
		for i, tg := range targets {
			if tg.Type != nil && m.ElementOf(tg.Type) == doc.Root().Tag {
				js, err := m.DocumentJSON(doc, tg)
				if err != nil {
					f.Fatal(err)
				}
				f.Add(js, uint8(i))
			}
		}
	}
	for i, s := range []string{
		`{"vm":[{"id":"1","href":"/ovirt-engine/api/vms/1","memory":"1","status":"up"}]}`,
		`{"id":"1","href":"/ovirt-engine/api/vms/2","link":[{"rel":"nics"}],"actions":{"link":[{"rel":"fly","href":"x"}]}}`,
		`{"async":"TRUE","force":true,"vm":{"name":["a","b"]}}`,
		`{"name":"a","memory":1e999999999,"cpu":{"topology":{"cores":2.0}}}`,
		`{"status":"failed","fault":{"reason":"r"}}`,
		`[[[[]]]]`, `"vm"`, `null`, `{"a":{"b":{"c":[1,2,{"d":null}]}}}`, "{\"name\":\"\xff\"}",
	} {
		f.Add([]byte(s), uint8(i))
	}
	lim := schema.Limits{MaxBytes: 1 << 20, MaxDepth: 64, MaxViolations: 50}
	f.Fuzz(func(t *testing.T, data []byte, which uint8) {
		target := targets[int(which)%len(targets)]
		res := m.ValidateJSON(data, target, lim)
		if len(res.Violations) > lim.MaxViolations+1 {
			t.Fatalf("%d violations, over the limit", len(res.Violations))
		}
		for _, v := range res.Violations {
			if v.Rule == "" || v.Reason == "" || v.Location == "" {
				t.Fatalf("incomplete violation %+v", v)
			}
		}
		if again := m.ValidateJSON(data, target, lim); !reflect.DeepEqual(res, again) {
			t.Fatalf("two validations differ:\n%v\n%v", res.Violations, again.Violations)
		}
		if !res.OK() || res.Type == nil {
			return
		}
		doc, err := m.JSONDocument(data, target, lim)
		if errors.Is(err, schema.ErrNoXMLForm) {
			return // a name or a character XML cannot hold
		}
		if err != nil {
			t.Fatalf("an accepted body does not convert: %v", err)
		}
		xmlData, err := doc.WriteToBytes()
		if err != nil {
			t.Fatal(err)
		}
		if x := m.ValidateXML(xmlData, target, lim); !x.OK() {
			t.Fatalf("JSON accepts the body, XML rejects its XML form: %v\n%s", x.Violations, xmlData)
		}
	})
}
