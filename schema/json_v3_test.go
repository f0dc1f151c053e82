package schema_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/internal/sharedtest"
	"github.com/ovcompat/ovcompat/schema"
)

// TestJSONOnEngineModelV3: JSON works on a model loaded from an engine's
// own XSD and RSDL (here the v3 ones): the recorded v3 responses get the
// same verdict in XML and in JSON, and a type with simple content and
// attributes (StorageManager) maps its text to "value" and back.
func TestJSONOnEngineModelV3(t *testing.T) {
	dir := sharedtest.Dir(t)
	xsd, err := os.ReadFile(filepath.Join(dir, "v3", "api.xsd"))
	if err != nil {
		t.Fatal(err)
	}
	rsdl, err := os.ReadFile(filepath.Join(dir, "v3", "rsdl.xml"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := schema.LoadEngine(xsd, rsdl, "v3 test")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.JSONSchema(); err != nil {
		t.Fatal(err)
	}
	n := 0
	harEntries(t, dir, func(file string, i int, e *harEntry) {
		if e.requestHeader("Version") != "3" || !strings.Contains(e.Response.Content.MimeType, "xml") || e.Response.Content.Text == "" {
			return
		}
		doc := parseBody(t, []byte(e.Response.Content.Text))
		x, j := bothWays(t, m, doc, schema.Target{Type: m.Element(doc.Root().Tag)})
		sameVerdict(t, file+"#"+strconv.Itoa(i), x, j)
		n++
	})
	if n < 20 {
		t.Fatalf("only %d v3 bodies", n)
	}
	doc := parseBody(t, []byte(`<storage_manager priority="2">true</storage_manager>`))
	typ := m.Element("storage_manager")
	if typ == nil || !typ.Text {
		t.Fatal("StorageManager is not a type with simple content in the v3 XSD")
	}
	v := m.ToJSON(doc.Root(), typ)
	if want := map[string]any{"priority": "2", "value": "true"}; !reflect.DeepEqual(v, want) {
		t.Fatalf("ToJSON: %v", v)
	}
	back, err := m.FromJSON(v, "storage_manager", typ)
	if err != nil || canonXML(back, true) != canonXML(doc.Root(), true) {
		t.Fatalf("FromJSON: %v %s", err, canonXML(back, true))
	}
	if res := m.ValidateJSON([]byte(`{"priority":"2","value":"true"}`), schema.Target{Type: typ}, schema.Limits{}); len(res.Violations) > 0 {
		t.Fatalf("ValidateJSON: %v", res.Violations)
	}
	t.Logf("%d v3 bodies get the same verdict in XML and in JSON", n)
}
