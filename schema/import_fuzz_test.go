package schema_test

import (
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/schema"
)

// FuzzImportXSD: whatever the document, the importer returns a File or an
// error and never panics; a File that builds validates a document without
// panicking either, and an error says where.
func FuzzImportXSD(f *testing.F) {
	f.Add(xsdDoc(subsetXSD))
	f.Add(xsdDoc(smallXSD))
	f.Add(xsdDoc(`<xs:group name="G"><xs:sequence><xs:group ref="G"/></xs:sequence></xs:group>`))
	f.Add(xsdDoc(`<xs:complexType name="A"><xs:complexContent><xs:extension base="A"/></xs:complexContent></xs:complexType>`))
	f.Add([]byte(`<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="a"><xs:complexType><xs:choice maxOccurs="99999999999"/></xs:complexType></xs:element></xs:schema>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := schema.ImportXSD(data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		m, err := schema.Build(file)
		if err != nil {
			return
		}
		for _, name := range m.Elements() {
			m.ValidateXML([]byte("<"+name+"><x/></"+name+">"), schema.Target{}, schema.Limits{MaxDepth: 32})
		}
	})
}

// FuzzImportRSDL: whatever the document, the importer returns routes whose
// paths are templates the route table reads, or an error.
func FuzzImportRSDL(f *testing.F) {
	f.Add([]byte(smallRSDL))
	f.Add([]byte(`<rsdl><version major="4" minor="5"/><links><link href="vms/{vm:id}/start" rel="start"><request><http_method>POST</http_method>
<body><type>Action</type><parameters_set><parameter type="collection"><name>action.a.b</name><parameters_set><parameter><name>b.c</name></parameter></parameters_set></parameter></parameters_set></body></request></link></links></rsdl>`))
	f.Add([]byte(`<rsdl><links><link href="{a}/{b}" rel="get"><request><http_method>GET</http_method></request></link></links></rsdl>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := schema.ImportRSDL(data)
		if err != nil {
			return
		}
		for _, r := range file.Routes {
			if !strings.HasPrefix(r.Path, "/") || strings.Contains(r.Path, "//") {
				t.Fatalf("route path %q is not a template", r.Path)
			}
		}
		// Joined with a schema that lacks most types, it loads or fails
		// cleanly.
		_, _ = schema.LoadEngine(xsdDoc(smallXSD), data, "fuzz")
	})
}
