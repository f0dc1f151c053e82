package schema_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/schema"
)

// xsdDoc wraps type definitions in an xs:schema element.
func xsdDoc(body string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<xs:schema version="1.0" xmlns:xs="http://www.w3.org/2001/XMLSchema">
` + body + `
</xs:schema>`)
}

// subsetXSD uses every construct of the supported subset.
const subsetXSD = `
  <xs:element name="api" type="API"/>
  <xs:complexType name="API">
    <xs:complexContent><xs:extension base="BaseResource"/></xs:complexContent>
  </xs:complexType>
  <xs:complexType name="BaseResource">
    <xs:sequence>
      <xs:element name="name" type="xs:string" minOccurs="0"/>
      <xs:element ref="link" minOccurs="0" maxOccurs="unbounded"/>
    </xs:sequence>
    <xs:attribute name="id" type="xs:string"/>
    <xs:attribute name="href" type="xs:string"/>
  </xs:complexType>
  <xs:element name="link" type="Link"/>
  <xs:complexType name="Link">
    <xs:attribute name="href" type="xs:string"/>
    <xs:attribute name="rel" type="xs:string"/>
  </xs:complexType>
  <xs:group name="Target">
    <xs:sequence>
      <xs:element name="address" type="xs:string"/>
      <xs:element name="port" type="xs:int"/>
    </xs:sequence>
  </xs:group>
  <xs:group name="Extra">
    <xs:sequence>
      <xs:element name="note" type="xs:string"/>
    </xs:sequence>
  </xs:group>
  <xs:element name="iscsi" type="Iscsi"/>
  <xs:complexType name="Iscsi">
    <xs:sequence>
      <xs:annotation><xs:appinfo>ignored</xs:appinfo></xs:annotation>
      <xs:element name="lun" type="xs:long"/>
      <xs:choice>
        <xs:element name="initiator" type="xs:string"/>
        <xs:group ref="Target"/>
      </xs:choice>
      <xs:group ref="Extra" minOccurs="0"/>
      <xs:sequence maxOccurs="unbounded">
        <xs:element name="path" type="xs:string" minOccurs="0"/>
      </xs:sequence>
      <xs:element name="state" minOccurs="0">
        <xs:simpleType>
          <xs:restriction base="xs:string">
            <xs:enumeration value="up"/>
            <xs:enumeration value="down"/>
          </xs:restriction>
        </xs:simpleType>
      </xs:element>
      <xs:element name="options" minOccurs="0">
        <xs:complexType>
          <xs:sequence><xs:element name="option" type="xs:string" maxOccurs="unbounded"/></xs:sequence>
        </xs:complexType>
      </xs:element>
      <xs:element ref="storage_manager" minOccurs="0"/>
    </xs:sequence>
    <xs:attribute name="mode" use="required">
      <xs:simpleType><xs:restriction base="xs:string"><xs:enumeration value="a"/></xs:restriction></xs:simpleType>
    </xs:attribute>
  </xs:complexType>
  <xs:element name="storage_manager" type="StorageManager"/>
  <xs:complexType name="StorageManager">
    <xs:simpleContent>
      <xs:extension base="xs:boolean">
        <xs:attribute name="priority" type="xs:int"/>
      </xs:extension>
    </xs:simpleContent>
  </xs:complexType>
  <xs:complexType name="All">
    <xs:all><xs:element name="x" type="xs:int" minOccurs="0"/></xs:all>
  </xs:complexType>`

// TestImportXSDSubset: every construct of the subset is read with the
// meaning XML Schema gives it, as the validator then shows.
func TestImportXSDSubset(t *testing.T) {
	f, err := schema.ImportXSD(xsdDoc(subsetXSD))
	if err != nil {
		t.Fatal(err)
	}
	if f.API != 3 || f.BasePath != "/api" {
		t.Errorf("API %d base %q: the type of <api> is API, so this is v3 at /api", f.API, f.BasePath)
	}
	m, err := schema.Build(f)
	if err != nil {
		t.Fatal(err)
	}
	ic := m.Type("Iscsi")
	for name, want := range map[string][2]int{
		"lun":       {1, 1},
		"initiator": {0, 1}, // a choice's branches are optional
		"address":   {0, 1}, // so is a group inside a choice
		"note":      {0, 1}, // and a group ref with minOccurs="0"
		"path":      {0, schema.Unbounded},
	} {
		e := ic.Elem(name)
		if e == nil || e.Min != want[0] || e.Max != want[1] {
			t.Errorf("Iscsi <%s>: %+v, want %d..%d", name, e, want[0], want[1])
		}
	}
	if !ic.Elem("state").Type.HasEnumValue("up") || ic.Elem("options").Type.Item == nil {
		t.Errorf("inline enum or list wrapper not read: %+v %+v", ic.Elem("state").Type, ic.Elem("options").Type)
	}
	if a := ic.Attr("mode"); a == nil || !a.Required || !a.Type.HasEnumValue("a") {
		t.Errorf("required attribute with an inline enum: %+v", a)
	}
	if sm := m.Type("StorageManager"); !sm.Text || sm.Attr("priority") == nil {
		t.Errorf("simple content: %+v", sm)
	}
	if !m.Type("API").Resource {
		t.Error("API extends BaseResource: a resource")
	}
	for _, tc := range []struct {
		body, rule string
	}{
		{`<iscsi mode="a"><lun>1</lun><initiator>iqn</initiator><path>a</path><path>b</path><state>up</state><storage_manager priority="1">true</storage_manager></iscsi>`, ""},
		{`<iscsi mode="a"><lun>1</lun><address>h</address><port>3260</port></iscsi>`, ""},
		{`<iscsi mode="a"><initiator>iqn</initiator></iscsi>`, schema.RuleMissingElement},
		{`<iscsi><lun>1</lun></iscsi>`, schema.RuleMissingElement},
		{`<iscsi mode="a"><lun>1</lun><state>sideways</state></iscsi>`, schema.RuleUnknownEnum},
		{`<iscsi mode="a"><lun>x</lun></iscsi>`, schema.RuleInvalidValue},
		{`<iscsi mode="a"><lun>1</lun><lun>2</lun></iscsi>`, schema.RuleRepeatedElement},
		{`<iscsi mode="a"><lun>1</lun><options><bogus/></options></iscsi>`, schema.RuleWrongItem},
	} {
		res := m.ValidateXML([]byte(tc.body), schema.Target{}, schema.Limits{})
		got := rulesOf(res.Violations)
		if tc.rule == "" && len(got) > 0 || tc.rule != "" && !slices.Contains(got, tc.rule) {
			t.Errorf("%s: got %v, want %q", tc.body, got, tc.rule)
		}
	}
}

// TestImportXSDRefusesTheUnsupported: a construct outside the subset is an
// error naming the construct and its line, never silently accepted.
func TestImportXSDRefusesTheUnsupported(t *testing.T) {
	for _, tc := range []struct {
		name, body, construct string
		line                  int
	}{
		{"any", `<xs:complexType name="A">
  <xs:sequence><xs:any/></xs:sequence>
</xs:complexType>`, "xs:any", 4},
		{"import", `<xs:import namespace="urn:x"/>`, "xs:import", 3},
		{"include", `<xs:include schemaLocation="x.xsd"/>`, "xs:include", 3},
		{"attribute group", `<xs:complexType name="A"><xs:attributeGroup ref="G"/></xs:complexType>`, "xs:attributeGroup", 3},
		{"substitution group", `<xs:complexType name="A"><xs:sequence>
<xs:element name="b" type="xs:string" substitutionGroup="c"/></xs:sequence></xs:complexType>`, "xs:element substitutionGroup", 4},
		{"pattern facet", `<xs:simpleType name="S"><xs:restriction base="xs:string">
  <xs:pattern value="[a-z]+"/></xs:restriction></xs:simpleType>`, "xs:pattern", 4},
		{"list", `<xs:simpleType name="S"><xs:list itemType="xs:int"/></xs:simpleType>`, "xs:list", 3},
		{"union", `<xs:simpleType name="S"><xs:union memberTypes="xs:int"/></xs:simpleType>`, "xs:union", 3},
		{"complex restriction", `<xs:complexType name="A"><xs:complexContent>
<xs:restriction base="B"/></xs:complexContent></xs:complexType>`, "xs:restriction", 4},
		{"mixed", `<xs:complexType name="A" mixed="true"/>`, "xs:complexType mixed", 3},
		{"self-referring group", `<xs:group name="G"><xs:sequence><xs:group ref="G"/></xs:sequence></xs:group>
<xs:complexType name="A"><xs:sequence><xs:group ref="G"/></xs:sequence></xs:complexType>`, "xs:group", 3},
		{"unknown group", `<xs:complexType name="A"><xs:sequence><xs:group ref="Nope"/></xs:sequence></xs:complexType>`, "xs:group", 3},
		{"bad maxOccurs", `<xs:complexType name="A"><xs:sequence>
<xs:element name="b" type="xs:string" maxOccurs="many"/></xs:sequence></xs:complexType>`, "xs:element", 4},
		{"element declared twice", `<xs:element name="a" type="xs:string"/><xs:element name="a" type="xs:int"/>`, "xs:element", 3},
		{"foreign element", `<foo/>`, "foo", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := schema.ImportXSD(xsdDoc(tc.body))
			var xe *schema.XSDError
			if !errors.As(err, &xe) {
				t.Fatalf("err %v, want an *XSDError", err)
			}
			if xe.Construct != tc.construct || xe.Line != tc.line {
				t.Errorf("construct %q line %d, want %q line %d (%v)", xe.Construct, xe.Line, tc.construct, tc.line, err)
			}
			if !strings.Contains(err.Error(), tc.construct) {
				t.Errorf("message %q does not name %s", err, tc.construct)
			}
		})
	}
	for _, doc := range []string{`<schema/>`, `<xs:element xmlns:xs="http://www.w3.org/2001/XMLSchema"/>`, `<!DOCTYPE x><x/>`, `not xml`} {
		if _, err := schema.ImportXSD([]byte(doc)); err == nil {
			t.Errorf("%q: no error", doc)
		}
	}
}

// TestLoadEngineBadSchemas: inconsistent schemas fail to load, clearly.
func TestLoadEngineBadSchemas(t *testing.T) {
	api := `<xs:element name="api" type="Api"/><xs:complexType name="Api"/>`
	for _, tc := range []struct {
		name, xsd, want string
	}{
		{"cycle of extensions", api + `
<xs:complexType name="A"><xs:complexContent><xs:extension base="B"/></xs:complexContent></xs:complexType>
<xs:complexType name="B"><xs:complexContent><xs:extension base="A"/></xs:complexContent></xs:complexType>`, "cycle of extensions"},
		{"unknown base", api + `<xs:complexType name="A"><xs:complexContent><xs:extension base="Nope"/></xs:complexContent></xs:complexType>`, `unknown type "Nope"`},
		{"unknown element type", api + `<xs:element name="a" type="Nope"/>`, `unknown type "Nope"`},
		{"dangling ref", api + `<xs:complexType name="A"><xs:sequence><xs:element ref="nope"/></xs:sequence></xs:complexType>`, "no global element"},
		{"no api element", `<xs:complexType name="A"/>`, "API version is unknown"},
		{"v3 without RSDL", `<xs:element name="api" type="API"/><xs:complexType name="API"/>`, "RSDL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := schema.LoadEngine(xsdDoc(tc.xsd), nil, "test")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want one saying %q", err, tc.want)
			}
		})
	}
}
