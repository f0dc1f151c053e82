package schema_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/internal/sharedtest"
	"github.com/ovcompat/ovcompat/schema"
)

// canonXML writes el for comparison: attributes sorted, whitespace-only
// text dropped. With ordered false, children are grouped by tag (tags
// sorted), keeping their order within a tag: what JSON's unordered objects
// keep of a document.
func canonXML(el *etree.Element, ordered bool) string {
	var b strings.Builder
	var walk func(e *etree.Element)
	walk = func(e *etree.Element) {
		b.WriteString("<" + e.FullTag())
		attrs := make([]string, 0, len(e.Attr))
		for _, a := range e.Attr {
			attrs = append(attrs, a.FullKey()+"="+a.Value)
		}
		sort.Strings(attrs)
		for _, a := range attrs {
			b.WriteString(" " + a)
		}
		b.WriteString(">")
		kids := e.ChildElements()
		if len(kids) == 0 {
			if s := e.Text(); strings.TrimSpace(s) != "" {
				b.WriteString(s)
			}
		}
		if !ordered {
			sort.SliceStable(kids, func(i, j int) bool { return kids[i].FullTag() < kids[j].FullTag() })
		}
		for _, k := range kids {
			walk(k)
		}
		b.WriteString("</" + e.FullTag() + ">")
	}
	walk(el)
	return b.String()
}

func decodeNumbers(t testing.TB, data []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, data)
	}
	return v
}

// TestJSONRoundTripTraffic converts every v4 body of the recorded traffic
// to JSON and back: the tree comes back the same (in the XSD's order, which
// is the recording's where the recording keeps it), and the encoder writes
// the same value as ToJSON builds.
func TestJSONRoundTripTraffic(t *testing.T) {
	m := v4Model(t)
	reordered := 0
	for _, b := range v4TrafficBodies(t, m) {
		doc := parseBody(t, b.data)
		root := doc.Root()
		v := m.DocumentToJSON(doc, b.target)
		enc, err := m.DocumentJSON(doc, b.target)
		if err != nil {
			t.Fatalf("%s: %v", b.name, err)
		}
		if got := decodeNumbers(t, enc); !reflect.DeepEqual(got, v) {
			t.Fatalf("%s: the encoder and ToJSON disagree", b.name)
		}
		name, typ := m.JSONRoot(v, b.target)
		if name != root.Tag {
			t.Fatalf("%s: JSONRoot says <%s>, the document is <%s>", b.name, name, root.Tag)
		}
		back, err := m.FromJSON(v, name, typ)
		if err != nil {
			t.Fatalf("%s: %v", b.name, err)
		}
		if canonXML(back, false) != canonXML(root, false) {
			t.Fatalf("%s: XML -> JSON -> XML changed the tree", b.name)
		}
		if canonXML(back, true) != canonXML(root, true) {
			reordered++ // recorded out of the XSD's order: see validate/traffic_test.go
		}
		again, err := m.JSONDocument(enc, b.target, schema.Limits{})
		if err != nil {
			t.Fatalf("%s: %v", b.name, err)
		}
		if canonXML(again.Root(), false) != canonXML(root, false) {
			t.Fatalf("%s: JSONDocument changed the tree", b.name)
		}
	}
	t.Logf("%d bodies were recorded out of the XSD's element order and come back in it", reordered)
}

// TestJSONMappingMatchesEngineExample: the model's documentation shows the
// same network in XML and in JSON; converting the XML gives the JSON.
func TestJSONMappingMatchesEngineExample(t *testing.T) {
	dir := sharedtest.Dir(t)
	m := v4Model(t)
	xmlData, err := os.ReadFile(filepath.Join(dir, "examples", "doc_network_list.xml"))
	if err != nil {
		t.Fatal(err)
	}
	jsonData, err := os.ReadFile(filepath.Join(dir, "examples", "doc_network_list.json"))
	if err != nil {
		t.Fatal(err)
	}
	doc := parseBody(t, xmlData)
	got := m.ToJSON(doc.Root(), m.Element("network"))
	want := decodeNumbers(t, jsonData).(map[string]any)["network"].([]any)[0]
	if !reflect.DeepEqual(got, want) {
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want, "", " ")
		t.Fatalf("ToJSON of the XML example:\n%s\nthe engine's JSON:\n%s", g, w)
	}
}

func TestToJSONShapes(t *testing.T) {
	m := v4Model(t)
	cases := []struct {
		name, root, xml, want string
	}{
		{"empty collection", "vms", `<vms/>`, `{}`},
		{"collection of one", "vms", `<vms><vm id="1"><name>a</name></vm></vms>`, `{"vm":[{"id":"1","name":"a"}]}`},
		{"actions", "vm", `<vm><actions><link href="/a" rel="start"/></actions></vm>`,
			`{"actions":{"link":[{"href":"/a","rel":"start"}]}}`},
		{"one link is an array", "vm", `<vm><link href="/a" rel="nics"/></vm>`, `{"link":[{"href":"/a","rel":"nics"}]}`},
		{"list wrapper", "network", `<network><usages><usage>vm</usage></usages></network>`, `{"usages":{"usage":["vm"]}}`},
		{"scalars are strings", "vm", `<vm><memory>1024</memory><stateless>false</stateless><description></description></vm>`,
			`{"memory":"1024","stateless":"false","description":""}`},
		{"link to a resource", "vm", `<vm><cluster href="/c/1" id="1"/></vm>`, `{"cluster":{"href":"/c/1","id":"1"}}`},
		{"empty complex element", "vm", `<vm><cpu/></vm>`, `{"cpu":{}}`},
		{"repeated single element", "vm", `<vm><memory>1</memory><memory>2</memory></vm>`, `{"memory":["1","2"]}`},
		{"unknown leaf", "vm", `<vm><flavour>x</flavour></vm>`, `{"flavour":"x"}`},
		{"unknown tree", "vm", `<vm><x a="1"><y>2</y><y>3</y></x></vm>`, `{"x":{"a":"1","y":["2","3"]}}`},
		{"fault", "fault", `<fault><reason>r</reason><detail>d</detail></fault>`, `{"reason":"r","detail":"d"}`},
		{"escapes", "vm", "<vm><name>a\"b\\c\t&lt;\u2028</name></vm>", `{"name":"a\"b\\c\t<\u2028"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := parseBody(t, []byte(c.xml))
			var buf bytes.Buffer
			if err := m.EncodeJSON(&buf, doc.Root(), m.Element(c.root)); err != nil {
				t.Fatal(err)
			}
			if buf.String() != c.want {
				t.Fatalf("EncodeJSON:\n got %s\nwant %s", buf.String(), c.want)
			}
			if !reflect.DeepEqual(m.ToJSON(doc.Root(), m.Element(c.root)), decodeNumbers(t, buf.Bytes())) {
				t.Fatal("ToJSON disagrees with EncodeJSON")
			}
		})
	}
}

func TestFromJSON(t *testing.T) {
	m := v4Model(t)
	cases := []struct {
		name, root, json, want string
	}{
		{"attributes first, XSD order", "vm", `{"memory":"1","name":"a","id":"7","href":"/vms/7"}`,
			`<vm href="/vms/7" id="7"><name>a</name><memory>1</memory></vm>`},
		{"native scalars", "vm", `{"memory":1073741824,"stateless":true,"cpu":{"topology":{"cores":2}}}`,
			`<vm><cpu><topology><cores>2</cores></topology></cpu><memory>1073741824</memory><stateless>true</stateless></vm>`},
		{"integers as JSON Schema reads them", "vm", `{"memory":1e3,"cpu":{"topology":{"cores":2.0,"sockets":1.5}},"memory_policy":{"guaranteed":1E+2}}`,
			`<vm><cpu><topology><cores>2</cores><sockets>1.5</sockets></topology></cpu><memory>1000</memory><memory_policy><guaranteed>100</guaranteed></memory_policy></vm>`},
		{"other numbers as written", "vm", `{"name":1e3,"cpu":{"topology":{"cores":1e999999}}}`,
			`<vm><name>1e3</name><cpu><topology><cores>1e999999</cores></topology></cpu></vm>`},
		{"null is absent", "vm", `{"name":null,"link":[null]}`, `<vm/>`},
		{"collection", "vms", `{"vm":[{"id":"1"},{"id":"2"}]}`, `<vms><vm id="1"/><vm id="2"/></vms>`},
		{"empty collection", "vms", `{}`, `<vms/>`},
		{"unknown properties sorted, after", "vm", `{"zz":"1","aa":{"b":"2"},"name":"n"}`,
			`<vm><name>n</name><aa><b>2</b></aa><zz>1</zz></vm>`},
		{"action parameters", "action", `{"async":"false","force":true}`, `<action><async>false</async><force>true</force></action>`},
		{"an object attribute is an element", "vm", `{"id":{"x":"1"}}`, `<vm><id><x>1</x></id></vm>`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			el, err := m.FromJSON(decodeNumbers(t, []byte(c.json)), c.root, m.Element(c.root))
			if err != nil {
				t.Fatal(err)
			}
			doc := etree.NewDocument()
			doc.SetRoot(el)
			got, _ := doc.WriteToString()
			if got != c.want {
				t.Fatalf("\n got %s\nwant %s", got, c.want)
			}
		})
	}
	bad := []struct{ name, json string }{
		{"array in array", `{"link":[[{"rel":"a"}]]}`},
		{"not an XML name", `{"a b":"1"}`},
		{"namespace prefix", `{"x:y":"1"}`},
		{"control character", `{"name":"a\u0001"}`},
		{"null body", `null`},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := m.FromJSON(decodeNumbers(t, []byte(c.json)), "vm", m.Element("vm"))
			if !errors.Is(err, schema.ErrNoXMLForm) {
				t.Fatalf("got %v, want ErrNoXMLForm", err)
			}
		})
	}
}

// TestJSONNoAttributeElementClash: the mapping puts attributes and
// elements in one object, which works because no type of the model has an
// attribute and an element of the same name.
func TestJSONNoAttributeElementClash(t *testing.T) {
	m := v4Model(t)
	for _, typ := range m.Types() {
		for _, a := range typ.Attrs {
			if typ.Elem(a.Name) != nil {
				t.Errorf("%s has an attribute and an element named %s", typ.Name, a.Name)
			}
		}
	}
}

func TestJSONRootForTargets(t *testing.T) {
	m := v4Model(t)
	start := m.Routes().Find("POST", "/vms/{vm_id}/start")
	list := m.Routes().Find("GET", "/vms")
	if start == nil || list == nil {
		t.Fatal("routes missing from the model")
	}
	cases := []struct {
		name   string
		v      string
		target schema.Target
		want   string
	}{
		{"list response", `{}`, schema.Target{Route: list}, "vms"},
		{"action request", `{}`, schema.Target{Route: start, Direction: schema.Request}, "action"},
		{"error", `{"reason":"x"}`, schema.Target{Route: list, Status: 404}, "fault"},
		{"failed action", `{"status":"failed","fault":{}}`, schema.Target{Route: start, Status: 409}, "action"},
		{"fault of an action", `{"reason":"x","detail":"y"}`, schema.Target{Route: start, Status: 409}, "fault"},
		{"type", `{}`, schema.Target{Type: m.Type("Vm")}, "vm"},
		{"nothing", `{}`, schema.Target{}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got, _ := m.JSONRoot(decodeNumbers(t, []byte(c.v)), c.target); got != c.want {
				t.Fatalf("got %q, want %q", got, c.want)
			}
		})
	}
}
