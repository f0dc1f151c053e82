package schema

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/beevik/etree"
)

// XSDError is an error in an XML Schema document: a construct outside the
// subset oVirt engines generate, or a reference that does not resolve.
type XSDError struct {
	Line      int
	Construct string
	Reason    string
}

func (e *XSDError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("xsd line %d: %s: %s", e.Line, e.Construct, e.Reason)
	}
	return fmt.Sprintf("xsd: %s: %s", e.Construct, e.Reason)
}

const xsdNamespace = "http://www.w3.org/2001/XMLSchema"

// ImportXSD reads the subset of XML Schema that oVirt engines generate
// (complexType with sequence, choice, all and complexContent or
// simpleContent extension, elements with min/maxOccurs, ref and inline
// types, attributes, simpleType restrictions with enumerations, named
// groups, the xs: scalar types; annotations and JAXB bindings ignored) into
// a File. Any other construct (xs:any, xs:import, attribute groups,
// substitution groups, facets other than enumerations, lists, unions,
// restrictions of complex types, mixed content) is an *XSDError naming it
// and its line. The File has types and elements but no routes.
//
// The API version is read from the schema itself: the entry point's
// element <api> has type API in the v3 schema (hand-written, JAXB naming)
// and type Api in v4's (generated from the API model). The File's API is 3
// or 4 accordingly, with the version's base path, and 0 for a schema
// without <api> (such as api-base.xsd alone).
func ImportXSD(data []byte) (*File, error) {
	doc, err := parseXML(data, Limits{})
	if err != nil {
		return nil, fmt.Errorf("schema: read xsd: %w", err)
	}
	root := doc.Root()
	if root == nil || root.Tag != "schema" || root.NamespaceURI() != xsdNamespace {
		return nil, &XSDError{Construct: "document", Reason: "root element is not xs:schema (of namespace " + xsdNamespace + ")"}
	}
	im := &xsdImporter{data: data, root: root, prefix: root.Space, groups: map[string]*etree.Element{},
		anon: map[string]int{}, inGroup: map[string]bool{}, globals: map[string]bool{}}
	for _, a := range root.Attr {
		if a.Space == "xmlns" && a.Value == xsdNamespace {
			im.prefix = a.Key
		}
	}
	if err := im.run(); err != nil {
		if xe := (*XSDError)(nil); errors.As(err, &xe) {
			fillLine(&xe.Line, data, root, im.at)
		}
		return nil, err
	}
	return im.f, nil
}

type xsdImporter struct {
	data   []byte
	root   *etree.Element
	prefix string
	f      *File
	groups map[string]*etree.Element
	anon   map[string]int
	at     *etree.Element // element being read, for error lines
	// inGroup holds the groups being expanded, to refuse a group that
	// refers to itself.
	inGroup map[string]bool
	globals map[string]bool // global element names
}

func (im *xsdImporter) fail(el *etree.Element, construct, reason string) error {
	im.at = el
	return &XSDError{Construct: construct, Reason: reason}
}

// isXS reports whether el is the XML Schema element tag.
func (im *xsdImporter) isXS(el *etree.Element, tag string) bool {
	return el.Tag == tag && el.Space == im.prefix
}

func (im *xsdImporter) typeRef(v string) string {
	if i := strings.IndexByte(v, ':'); i >= 0 {
		if v[:i] == im.prefix {
			return "xs:" + v[i+1:]
		}
		return v[i+1:]
	}
	return v
}

func (im *xsdImporter) run() error {
	im.f = &File{Format: FileFormat}
	if v := im.root.SelectAttrValue("version", ""); v != "" {
		im.f.Version = v
	}
	// Groups first: sequences may refer to a group defined later.
	for _, el := range im.root.ChildElements() {
		if im.isXS(el, "group") {
			im.groups[el.SelectAttrValue("name", "")] = el
		}
	}
	for _, el := range im.root.ChildElements() {
		im.at = el
		switch {
		case el.Space != im.prefix:
			return im.fail(el, el.FullTag(), "element outside the XML Schema namespace")
		case el.Tag == "annotation" || el.Tag == "group":
		case el.Tag == "element":
			if err := im.globalElement(el); err != nil {
				return err
			}
		case el.Tag == "complexType":
			if _, err := im.complexType(el, el.SelectAttrValue("name", "")); err != nil {
				return err
			}
		case el.Tag == "simpleType":
			if _, err := im.simpleType(el, el.SelectAttrValue("name", "")); err != nil {
				return err
			}
		default:
			return im.fail(el, "xs:"+el.Tag, "not in the supported subset of XML Schema")
		}
	}
	sort.Slice(im.f.Elements, func(i, j int) bool { return im.f.Elements[i].Name < im.f.Elements[j].Name })
	im.f.API = xsdAPI(im.f)
	if im.f.API != 0 {
		im.f.BasePath = BasePathOf(im.f.API)
	}
	return nil
}

// xsdAPI tells the API version a schema describes from the type of its
// <api> element: API in v3, Api in v4.
func xsdAPI(f *File) int {
	for _, e := range f.Elements {
		if e.Name != "api" {
			continue
		}
		switch e.Type {
		case "API":
			return 3
		case "Api":
			return 4
		}
	}
	return 0
}

func (im *xsdImporter) anonName(base string) string {
	im.anon[base]++
	if n := im.anon[base]; n > 1 {
		return base + "#" + strconv.Itoa(n)
	}
	return base
}

func (im *xsdImporter) globalElement(el *etree.Element) error {
	name := el.SelectAttrValue("name", "")
	if name == "" {
		return im.fail(el, "xs:element", "global element without a name")
	}
	if im.globals[name] {
		return im.fail(el, "xs:element", fmt.Sprintf("global element %q declared twice", asciiSafe(name, 80)))
	}
	im.globals[name] = true
	typ := im.typeRef(el.SelectAttrValue("type", ""))
	if typ == "" {
		var err error
		if typ, err = im.inlineType(el, name+".type"); err != nil {
			return err
		}
		if typ == "" {
			typ = "xs:string"
		}
	}
	im.f.Elements = append(im.f.Elements, ElementDecl{Name: name, Type: typ})
	return nil
}

// inlineType reads an anonymous complexType or simpleType child of el, if
// any, and returns the name it was given.
func (im *xsdImporter) inlineType(el *etree.Element, name string) (string, error) {
	for _, c := range el.ChildElements() {
		switch {
		case im.isXS(c, "complexType"):
			return im.complexType(c, im.anonName(name))
		case im.isXS(c, "simpleType"):
			return im.simpleType(c, im.anonName(name))
		case im.isXS(c, "annotation"):
		default:
			return "", im.fail(c, "xs:"+c.Tag, "not supported inside xs:element")
		}
	}
	return "", nil
}

func (im *xsdImporter) simpleType(el *etree.Element, name string) (string, error) {
	if name == "" {
		return "", im.fail(el, "xs:simpleType", "top-level simple type without a name")
	}
	d := TypeDef{Name: name, Simple: true, Anonymous: el.Parent() != im.root}
	for _, c := range el.ChildElements() {
		switch {
		case im.isXS(c, "annotation"):
		case im.isXS(c, "restriction"):
			d.Base = im.typeRef(c.SelectAttrValue("base", "xs:string"))
			for _, f := range c.ChildElements() {
				switch {
				case im.isXS(f, "enumeration"):
					d.Enum = append(d.Enum, f.SelectAttrValue("value", ""))
				case im.isXS(f, "annotation"):
				default:
					return "", im.fail(f, "xs:"+f.Tag, "facet not supported (only xs:enumeration is)")
				}
			}
		default:
			return "", im.fail(c, "xs:"+c.Tag, "not supported in xs:simpleType (only xs:restriction is)")
		}
	}
	im.f.Types = append(im.f.Types, d)
	return name, nil
}

func (im *xsdImporter) complexType(el *etree.Element, name string) (string, error) {
	if name == "" {
		return "", im.fail(el, "xs:complexType", "top-level complex type without a name")
	}
	if el.SelectAttrValue("mixed", "false") == "true" {
		return "", im.fail(el, "xs:complexType mixed", "mixed content is not supported")
	}
	idx := len(im.f.Types)
	im.f.Types = append(im.f.Types, TypeDef{Name: name, Anonymous: el.Parent() != im.root})
	if err := im.content(el, idx); err != nil {
		return "", err
	}
	d := &im.f.Types[idx]
	if len(d.Elems) == 1 && d.Elems[0].Max == Unbounded {
		d.Item = d.Elems[0].Name
	}
	return name, nil
}

// content reads the children of a complexType (or of its extension).
func (im *xsdImporter) content(el *etree.Element, idx int) error {
	for _, c := range el.ChildElements() {
		im.at = c
		switch {
		case im.isXS(c, "annotation"):
		case im.isXS(c, "sequence"), im.isXS(c, "choice"), im.isXS(c, "all"), im.isXS(c, "group"):
			if err := im.particles(c, idx, false, 1); err != nil {
				return err
			}
		case im.isXS(c, "attribute"):
			if err := im.attribute(c, idx); err != nil {
				return err
			}
		case im.isXS(c, "complexContent"), im.isXS(c, "simpleContent"):
			for _, x := range c.ChildElements() {
				switch {
				case im.isXS(x, "annotation"):
				case im.isXS(x, "extension"):
					base := im.typeRef(x.SelectAttrValue("base", ""))
					if strings.HasPrefix(base, "xs:") {
						im.f.Types[idx].Text = true
					} else {
						im.f.Types[idx].Base = base
					}
					if err := im.content(x, idx); err != nil {
						return err
					}
				default:
					return im.fail(x, "xs:"+x.Tag, "not supported in xs:"+c.Tag+" (only xs:extension is)")
				}
			}
		default:
			return im.fail(c, "xs:"+c.Tag, "not in the supported subset of XML Schema")
		}
	}
	return nil
}

func occurs(el *etree.Element, attr string, def int) (int, error) {
	v := el.SelectAttrValue(attr, "")
	switch v {
	case "":
		return def, nil
	case "unbounded":
		return Unbounded, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%s=%q is not a count", attr, v)
	}
	return n, nil
}

// particles reads a sequence, choice, all or group reference into the
// type's elements. Particles that may be left out (minOccurs="0", and
// every branch of a choice) make their elements optional: the validator
// checks what each element may be, not which branch was taken. A repeated
// particle multiplies its elements' maxOccurs.
func (im *xsdImporter) particles(el *etree.Element, idx int, optional bool, outerMax int) error {
	min, err := occurs(el, "minOccurs", 1)
	if err != nil {
		return im.fail(el, "xs:"+el.Tag, err.Error())
	}
	max, err := occurs(el, "maxOccurs", 1)
	if err != nil {
		return im.fail(el, "xs:"+el.Tag, err.Error())
	}
	if max == 0 {
		return nil
	}
	optional = optional || min == 0 || im.isXS(el, "choice")
	max = mulOccurs(outerMax, max)
	kids := el.ChildElements()
	if im.isXS(el, "group") {
		ref := im.typeRef(el.SelectAttrValue("ref", ""))
		g := im.groups[ref]
		if g == nil {
			return im.fail(el, "xs:group", fmt.Sprintf("no group named %q", asciiSafe(ref, 80)))
		}
		if im.inGroup[ref] {
			return im.fail(el, "xs:group", fmt.Sprintf("group %q refers to itself", asciiSafe(ref, 80)))
		}
		im.inGroup[ref] = true
		defer delete(im.inGroup, ref)
		kids = g.ChildElements()
	}
	for _, c := range kids {
		im.at = c
		switch {
		case im.isXS(c, "annotation"):
		case im.isXS(c, "element"):
			if err := im.element(c, idx, optional, max); err != nil {
				return err
			}
		case im.isXS(c, "sequence"), im.isXS(c, "choice"), im.isXS(c, "all"), im.isXS(c, "group"):
			if err := im.particles(c, idx, optional, max); err != nil {
				return err
			}
		default:
			return im.fail(c, "xs:"+c.Tag, "not in the supported subset of XML Schema")
		}
	}
	return nil
}

// mulOccurs multiplies two maxOccurs, either of which may be Unbounded.
func mulOccurs(a, b int) int {
	if a == Unbounded || b == Unbounded {
		return Unbounded
	}
	if a > 1<<20 || b > 1<<20 {
		return Unbounded // beyond any real document's repetition
	}
	return a * b
}

func (im *xsdImporter) element(c *etree.Element, idx int, optional bool, outerMax int) error {
	for _, a := range []string{"substitutionGroup", "abstract"} {
		if c.SelectAttr(a) != nil {
			return im.fail(c, "xs:element "+a, "not in the supported subset of XML Schema")
		}
	}
	min, err := occurs(c, "minOccurs", 1)
	if err != nil {
		return im.fail(c, "xs:element", err.Error())
	}
	max, err := occurs(c, "maxOccurs", 1)
	if err != nil {
		return im.fail(c, "xs:element", err.Error())
	}
	if max == 0 {
		return nil
	}
	max = mulOccurs(outerMax, max)
	if optional {
		min = 0
	}
	owner := im.f.Types[idx].Name
	e := ElemDef{Name: c.SelectAttrValue("name", ""), Type: im.typeRef(c.SelectAttrValue("type", "")), Min: min, Max: max}
	if ref := c.SelectAttrValue("ref", ""); ref != "" {
		// A ref takes the global element's type; Build resolves it, so
		// that a reference may cross documents (api-base.xsd refers to
		// <fault>, which the model-generated part defines).
		e.Name, e.Type = im.typeRef(ref), ""
	} else if e.Type == "" {
		t, err := im.inlineType(c, owner+"."+e.Name)
		if err != nil {
			return err
		}
		if t == "" {
			t = "xs:string"
		}
		e.Type = t
	}
	if e.Name == "" {
		return im.fail(c, "xs:element", "element without a name or ref")
	}
	im.f.Types[idx].Elems = append(im.f.Types[idx].Elems, e)
	return nil
}

func (im *xsdImporter) attribute(c *etree.Element, idx int) error {
	a := AttrDef{Name: c.SelectAttrValue("name", ""), Type: im.typeRef(c.SelectAttrValue("type", "xs:string")),
		Required: c.SelectAttrValue("use", "") == "required"}
	if a.Name == "" {
		return im.fail(c, "xs:attribute", "attribute without a name (attribute refs are not supported)")
	}
	for _, x := range c.ChildElements() {
		switch {
		case im.isXS(x, "annotation"):
		case im.isXS(x, "simpleType"):
			t, err := im.simpleType(x, im.anonName(im.f.Types[idx].Name+"@"+a.Name))
			if err != nil {
				return err
			}
			a.Type = t
		default:
			return im.fail(x, "xs:"+x.Tag, "not supported in xs:attribute")
		}
	}
	im.f.Types[idx].Attrs = append(im.f.Types[idx].Attrs, a)
	return nil
}

// fillLine sets *line to the line of el, unless it is known or el is nil.
func fillLine(line *int, data []byte, root, el *etree.Element) {
	if *line == 0 && el != nil {
		*line = lineOf(data, root, el)
	}
}

// lineOf finds the line of el in data by counting start tags in document
// order: etree keeps no positions, and errors are rare enough to pay for
// a second scan.
func lineOf(data []byte, root, el *etree.Element) int {
	ord := ordinals(root, map[*etree.Element]struct{}{el: {}})
	pos := positions(bytes.NewReader(data), []int{ord[el]})
	return pos[ord[el]].Line
}
