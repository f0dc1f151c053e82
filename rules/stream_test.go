package rules

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/schema"
)

// TestCheckStreamedAgreesWithCheck: a response validated as it streamed
// (StreamResponse fed in pieces, its verdict given to CheckStreamed with
// only the body's first bytes) gets the verdict Check gives on the whole
// body, for the real bodies of fixtures/bodies and for one of them broken;
// a body whose first bytes are no XML is reported as over the limit.
func TestCheckStreamedAgreesWithCheck(t *testing.T) {
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("../fixtures/bodies/v4/*.xml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".xml")
		broken := bytes.Replace(bytes.Replace(body, []byte("<name>"), []byte("<nmae>"), 1), []byte("</name>"), []byte("</nmae>"), 1)
		for i, b := range [][]byte{body, broken} {
			path := "/ovirt-engine/api/" + name
			whole := c.Check(exchange("GET", path, 200, "application/xml", b))
			if i == 1 && !hasRule(whole.Violations, schema.RuleUnknownElement) {
				t.Errorf("%s broken: %v, want %s", f, whole.Violations, schema.RuleUnknownElement)
			}
			xs := c.StreamResponse("GET", path, "4", 200)
			for p := b; len(p) > 0; p = p[min(len(p), 777):] {
				xs.Write(p[:min(len(p), 777)])
			}
			ex := exchange("GET", path, 200, "application/xml", b[:min(len(b), 1024)])
			ex.ResponseTruncated = true
			streamed := c.CheckStreamed(ex, xs.Close())
			if !reflect.DeepEqual(whole.Violations, streamed.Violations) {
				t.Errorf("%s: streamed %v, whole %v", f, streamed.Violations, whole.Violations)
			}
		}
	}
	json := exchange("GET", "/ovirt-engine/api/vms", 200, "application/xml", []byte(`{"vm": []}`))
	json.ResponseTruncated = true
	res := c.CheckStreamed(json, c.StreamResponse("GET", "/ovirt-engine/api/vms", "4", 200).Close())
	if !hasRule(res.Violations, schema.RuleLimit) {
		t.Errorf("a JSON body streamed as XML: %v, want schema.limit", res.Violations)
	}
	if c.StreamResponse("GET", "/elsewhere", "", 200) != nil {
		t.Errorf("a stream for a path outside the API")
	}
}

func hasRule(vs []schema.Violation, rule string) bool {
	for _, v := range vs {
		if v.Rule == rule {
			return true
		}
	}
	return false
}
