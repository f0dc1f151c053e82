package schema_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/internal/sharedtest"
	"github.com/ovcompat/ovcompat/schema"
)

// smallRSDL has what real RSDLs have: general headers, matrix and query
// parameters, the engine's type typos, body parameter sets with
// collections, an optional body, a duplicate link and an OPTIONS link.
const smallRSDL = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<rsdl href="?rsdl" rel="rsdl">
  <version major="3" minor="6" build="0" revision="0"/>
  <general href="*" rel="*"><request><headers>
    <header required="false"><name>Session-TTL</name></header>
  </headers></request></general>
  <links>
    <link href="vms" rel="get">
      <request><http_method>GET</http_method>
        <url><parameters_set>
          <parameter required="false" type="xs:string" context="query"><name>search</name></parameter>
          <parameter required="false" type="xs:int" context="matrix"><name>max</name></parameter>
          <parameter required="false" type="xs:boolen" context="matrix"><name>case_sensitive</name></parameter>
        </parameters_set></url>
        <body/>
      </request>
      <response><type>VMs</type></response>
    </link>
    <link href="vms" rel="add">
      <request><http_method>POST</http_method>
        <headers><header required="true"><name>Content-Type</name></header></headers>
        <body><type>VM</type>
          <parameters_set>
            <parameter required="true" type="xs:string"><name>vm.name</name></parameter>
            <parameter required="true" type="xs:string"><name>vm.cluster.id|name</name></parameter>
            <parameter required="false" type="collection"><name>vm.disks.disk</name>
              <parameters_set><parameter required="true" type="xs:string"><name>disk.id</name></parameter></parameters_set>
            </parameter>
          </parameters_set>
          <parameters_set>
            <parameter required="true" type="xs:string"><name>vm.template.id|name</name></parameter>
          </parameters_set>
        </body>
      </request>
      <response><type>VM</type></response>
    </link>
    <link href="vms/{vm:id}" rel="get">
      <request><http_method>GET</http_method><body/></request>
      <response><type>VM</type></response>
    </link>
    <link href="vms/{vm:id}" rel="get">
      <request><http_method>GET</http_method>
        <headers><header required="false"><name>All-Content</name></header></headers>
      </request>
    </link>
    <link href="vms/{vm:id}" rel="delete">
      <request><http_method>DELETE</http_method>
        <url><parameters_set><parameter required="true" type="xs:boolean" context="matrix"><name>force</name></parameter></parameters_set></url>
        <body required="false"><type>Action</type>
          <parameters_set><parameter required="true" type="xs:boolean"><name>action.force</name></parameter></parameters_set>
        </body>
      </request>
    </link>
    <link href="vms/{vm:id}/start" rel="start">
      <request><http_method>POST</http_method>
        <body><type>Action</type>
          <parameters_set><parameter required="false" type="xs:boolean"><name>action.pause</name></parameter></parameters_set>
        </body>
      </request>
      <response><type>Action</type></response>
    </link>
    <link href="vms/{vm:id}/nics" rel="get">
      <request><http_method>GET</http_method></request>
      <response><type>Nics</type></response>
    </link>
    <link href="vms/{vm:id}" rel="options">
      <request><http_method>OPTIONS</http_method></request>
    </link>
  </links>
</rsdl>`

// smallXSD has the types smallRSDL names.
const smallXSD = `
  <xs:element name="api" type="API"/>
  <xs:complexType name="API"><xs:complexContent><xs:extension base="BaseResource"/></xs:complexContent></xs:complexType>
  <xs:complexType name="BaseResource">
    <xs:sequence>
      <xs:element name="actions" type="Actions" minOccurs="0"/>
      <xs:element name="name" type="xs:string" minOccurs="0"/>
      <xs:element ref="link" minOccurs="0" maxOccurs="unbounded"/>
    </xs:sequence>
    <xs:attribute name="id" type="xs:string"/>
    <xs:attribute name="href" type="xs:string"/>
  </xs:complexType>
  <xs:complexType name="Actions"><xs:sequence><xs:element ref="link" minOccurs="0" maxOccurs="unbounded"/></xs:sequence></xs:complexType>
  <xs:element name="link" type="Link"/>
  <xs:complexType name="Link"><xs:attribute name="href" type="xs:string"/><xs:attribute name="rel" type="xs:string"/></xs:complexType>
  <xs:element name="vm" type="VM"/>
  <xs:complexType name="VM"><xs:complexContent><xs:extension base="BaseResource"><xs:sequence>
    <xs:element name="cluster" type="Cluster" minOccurs="0"/>
    <xs:element name="template" type="Cluster" minOccurs="0"/>
    <xs:element ref="disks" minOccurs="0"/>
    <xs:element name="memory" type="xs:long" minOccurs="0"/>
  </xs:sequence></xs:extension></xs:complexContent></xs:complexType>
  <xs:element name="vms" type="VMs"/>
  <xs:complexType name="VMs"><xs:sequence><xs:element ref="vm" minOccurs="0" maxOccurs="unbounded"/></xs:sequence></xs:complexType>
  <xs:element name="cluster" type="Cluster"/>
  <xs:complexType name="Cluster"><xs:complexContent><xs:extension base="BaseResource"/></xs:complexContent></xs:complexType>
  <xs:element name="disks" type="Disks"/>
  <xs:complexType name="Disks"><xs:sequence><xs:element name="disk" type="Cluster" minOccurs="0" maxOccurs="unbounded"/></xs:sequence></xs:complexType>
  <xs:element name="nics" type="Nics"/>
  <xs:complexType name="Nics"><xs:sequence><xs:element name="nic" type="Cluster" minOccurs="0" maxOccurs="unbounded"/></xs:sequence></xs:complexType>
  <xs:element name="action" type="Action"/>
  <xs:complexType name="Action"><xs:complexContent><xs:extension base="BaseResource"><xs:sequence>
    <xs:element name="async" type="xs:boolean" minOccurs="0"/>
    <xs:element name="force" type="xs:boolean" minOccurs="0"/>
    <xs:element name="pause" type="xs:boolean" minOccurs="0"/>
    <xs:element ref="vm" minOccurs="0"/>
    <xs:element name="status" type="xs:string" minOccurs="0"/>
  </xs:sequence></xs:extension></xs:complexContent></xs:complexType>`

func TestImportRSDL(t *testing.T) {
	f, err := schema.ImportRSDL([]byte(smallRSDL))
	if err != nil {
		t.Fatal(err)
	}
	if f.API != 3 || f.Version != "3.6" || f.BasePath != "/api" {
		t.Errorf("v%d %q %q", f.API, f.Version, f.BasePath)
	}
	m, err := schema.LoadEngine(xsdDoc(smallXSD), []byte(smallRSDL), "test")
	if err != nil {
		t.Fatal(err)
	}
	// 7 links: the two GETs of vms/{vm:id} merge, OPTIONS describes no
	// route, and the entry point is added.
	if n := m.Routes().Len(); n != 7 {
		t.Errorf("%d routes, want 7", n)
	}
	list := m.Routes().Lookup("GET", "/vms;max=10").Route
	if list == nil || list.Kind != schema.List || list.Output.Element != "vms" {
		t.Fatalf("GET /vms: %+v", list)
	}
	if p := list.Param("case_sensitive"); p == nil || p.Type != schema.Boolean || p.Context != "matrix" {
		t.Errorf("xs:boolen is the engine's typo for xs:boolean: %+v", p)
	}
	if !slices.ContainsFunc(list.Headers, func(h schema.Header) bool { return h.Name == "Session-TTL" }) {
		t.Errorf("general headers apply to every route: %v", list.Headers)
	}
	get := m.Routes().Find("GET", "/vms/{vm_id}")
	if get == nil || get.Output.Element != "vm" || len(get.Headers) != 2 {
		t.Errorf("duplicate links merge: %+v", get)
	}
	add := m.Routes().Find("POST", "/vms")
	if add.Kind != schema.Add || add.Input.Element != "vm" || len(add.Signatures) != 2 {
		t.Fatalf("POST /vms: %+v", add)
	}
	if got := add.Signatures[0]; !slices.Equal(got.Mandatory, []string{"vm.cluster.id|name", "vm.disks.disk[].id", "vm.name"}) ||
		!slices.Equal(got.Optional, []string{"vm.disks.disk"}) {
		t.Errorf("signature: %+v", got)
	}
	del := m.Routes().Find("DELETE", "/vms/{vm_id}")
	if del.Kind != schema.Remove || !slices.Equal(del.Input.Params, []string{"async", "force"}) {
		t.Errorf("DELETE with an action body: %+v", del.Input)
	}
	if n := len(del.Signatures); n != 2 || len(del.Signatures[1].Mandatory) != 0 {
		t.Errorf("an optional body adds an empty signature: %+v", del.Signatures)
	}
	start := m.Routes().Find("POST", "/vms/{vm_id}/start")
	if start.Kind != schema.Action || !slices.Equal(start.Input.Params, []string{"async", "pause"}) {
		t.Errorf("action parameters (plus v3's async): %+v", start.Input)
	}
	if root := m.Routes().Lookup("GET", "/").Route; root == nil || root.Output.Element != "api" {
		t.Errorf("the entry point: %+v", root)
	}
	vm := m.Type("VM")
	if !vm.HasRel("nics") || !vm.HasAction("start") || !vm.HasRel("cluster") || vm.HasRel("memory") {
		t.Errorf("VM hypermedia: rels %v actions %v", vm.Rels, vm.Actions)
	}
	if api := m.Type("API"); !api.HasRel("vms") || !api.HasRel("vms/search") {
		t.Errorf("API rels %v", api.Rels)
	}
}

// TestImportRSDLRefusesBrokenDocuments: a broken RSDL is an error naming
// the link and its line.
func TestImportRSDLRefusesBrokenDocuments(t *testing.T) {
	link := func(href, inner string) string {
		return `<rsdl><version major="4" minor="5"/><links>
<link href="` + href + `" rel="get">` + inner + `</link>
</links></rsdl>`
	}
	get := `<request><http_method>GET</http_method></request>`
	for _, tc := range []struct {
		name, doc, want string
		line            int
	}{
		{"unclosed placeholder", link("vms/{vm:id", get), "partial placeholder", 2},
		{"placeholder inside a segment", link("vms/x{vm:id}", get), "partial placeholder", 2},
		{"empty placeholder", link("vms/{}", get), "empty or nested", 2},
		{"nested placeholder", link("vms/{{vm}}", get), "empty or nested", 2},
		{"empty segment", link("vms//nics", get), "empty segment", 2},
		{"query in the template", link("vms?search={q}", get), "not a path template", 2},
		{"no request", link("vms", ""), "no <request>", 2},
		{"no method", link("vms", "<request/>"), "no <http_method>", 2},
		{"bad method", link("vms", "<request><http_method>FETCH</http_method></request>"), "http_method", 2},
		{"parameters without a type", link("vms", `<request><http_method>POST</http_method><body><parameters_set>
<parameter required="true"><name>vm.name</name></parameter></parameters_set></body></request>`), "no <type>", 2},
		{"bad context", link("vms", `<request><http_method>GET</http_method><url><parameters_set>
<parameter context="cookie"><name>x</name></parameter></parameters_set></url></request>`), "context", 3},
		{"not a dotted path", link("vms", `<request><http_method>POST</http_method><body><type>Vm</type><parameters_set>
<parameter><name>vm..name</name></parameter></parameters_set></body></request>`), "dotted path", 3},
		{"no links", `<rsdl><version major="4"/></rsdl>`, "no <links>", 1},
		{"bad version", `<rsdl><version major="x"/><links/></rsdl>`, "major", 1},
		{"not an RSDL", `<api/>`, "not <rsdl>", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := schema.ImportRSDL([]byte(tc.doc))
			var re *schema.RSDLError
			if !errors.As(err, &re) {
				t.Fatalf("err %v, want an *RSDLError", err)
			}
			if !strings.Contains(err.Error(), tc.want) || re.Line != tc.line {
				t.Errorf("err %q (line %d), want %q at line %d", err, re.Line, tc.want, tc.line)
			}
		})
	}
	if _, err := schema.ImportRSDL([]byte("<!DOCTYPE rsdl><rsdl/>")); err == nil {
		t.Error("DOCTYPE accepted")
	}
}

// TestJoinErrors: an RSDL that does not fit its XSD fails to load.
func TestJoinErrors(t *testing.T) {
	v4RSDL := strings.Replace(smallRSDL, `major="3"`, `major="4"`, 1)
	if _, err := schema.LoadEngine(xsdDoc(smallXSD), []byte(v4RSDL), "t"); err == nil || !strings.Contains(err.Error(), "v3 but the routes are of v4") {
		t.Errorf("version mismatch: %v", err)
	}
	noNics := strings.Replace(smallRSDL, "<type>Nics</type>", "<type>NICs</type>", 1)
	if _, err := schema.LoadEngine(xsdDoc(smallXSD), []byte(noNics), "t"); err == nil || !strings.Contains(err.Error(), `type "NICs" is not in the XSD`) {
		t.Errorf("unknown type: %v", err)
	}
	if _, err := schema.LoadEngine(nil, []byte(smallRSDL), "t"); err == nil || !strings.Contains(err.Error(), "--schema") {
		t.Errorf("a v3 RSDL alone: %v", err)
	}
}

// TestImportV3Documents reads the real v3 XSD and both real v3 RSDLs.
func TestImportV3Documents(t *testing.T) {
	dir := sharedtest.Dir(t)
	xsd, err := os.ReadFile(filepath.Join(dir, "v3", "api.xsd"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"rsdl.xml", "rsdl-gluster.xml"} {
		t.Run(name, func(t *testing.T) {
			rsdl, err := os.ReadFile(filepath.Join(dir, "v3", name))
			if err != nil {
				t.Fatal(err)
			}
			m, err := schema.LoadEngine(xsd, rsdl, name)
			if err != nil {
				t.Fatal(err)
			}
			if m.API != 3 || m.Version != "3.6" || m.BasePath != "/api" || m.Routes().Len() < 200 {
				t.Errorf("v%d %s %s, %d routes", m.API, m.Version, m.BasePath, m.Routes().Len())
			}
		})
	}
	m, err := schema.LoadEngine(xsd, mustRead(t, filepath.Join(dir, "v3", "rsdl.xml")), "v3")
	if err != nil {
		t.Fatal(err)
	}
	start := m.Routes().Lookup("POST", "/vms/123/start").Route
	if start == nil || !start.Input.HasParam("vm") || !start.Input.HasParam("pause") || start.Input.HasParam("root_password") {
		t.Errorf("v3 start: %+v", start)
	}
	add := m.Routes().Lookup("POST", "/clusters/1/glustervolumes").Route
	if add == nil || !slices.Contains(add.Signatures[0].Mandatory, "gluster_volume.bricks.brick[].server_id") {
		t.Errorf("collection parameters: %+v", add)
	}
	if p := m.Routes().Lookup("GET", "/vms").Route.Param("max"); p == nil || p.Context != "matrix" || p.Type != schema.Int {
		t.Errorf("v3 max: %+v", p)
	}
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
