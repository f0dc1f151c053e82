package schema

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/beevik/etree"
)

// WriteXSD writes the model as an XML Schema in the form oVirt's schema
// generator gives it (oVirt/ovirt-engine-api-metamodel, see
// wire-names.md): enums as xs:string restrictions, each complex type's own
// elements as one xs:sequence in an xs:extension of its base, list
// wrappers as inline types, and a global element per document root. The
// hand-written part of the engine's schema (api-base.xsd: Link,
// BaseResource, the RSDL types) is in the model too, so the output is one
// self-contained document: what an engine serves at ?schema. ImportXSD
// reads it back into the same types.
func (m *Model) WriteXSD(w io.Writer) error {
	doc := newXMLDocument()
	s := doc.CreateElement("xs:schema")
	s.CreateAttr("version", "1.0")
	s.CreateAttr("xmlns:xs", xsdNamespace)
	s.CreateComment(fmt.Sprintf(" oVirt API v%d %s, written by ovcompat from: %s ", m.API, m.Version, commentSafe(m.Source)))
	xw := &xsdWriter{m: m}
	for _, t := range m.Types() {
		if t.Simple {
			st := s.CreateElement("xs:simpleType")
			st.CreateAttr("name", t.Name)
			xw.simpleBody(st, t)
			continue
		}
		ct := s.CreateElement("xs:complexType")
		ct.CreateAttr("name", t.Name)
		xw.complexBody(ct, t)
	}
	for _, name := range m.Elements() {
		e := s.CreateElement("xs:element")
		e.CreateAttr("name", name)
		xw.typeOf(e, m.Element(name))
	}
	return writeIndented(w, doc)
}

// newXMLDocument starts a document with the engine's XML declaration.
func newXMLDocument() *etree.Document {
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8" standalone="yes"`)
	return doc
}

// writeIndented writes doc indented by two spaces.
func writeIndented(w io.Writer, doc *etree.Document) error {
	doc.Indent(2)
	_, err := doc.WriteTo(w)
	return err
}

type xsdWriter struct {
	m *Model
}

// named reports whether t is written by name (a model type or a built-in)
// rather than inline.
func (xw *xsdWriter) named(t *Type) bool {
	return strings.HasPrefix(t.Name, "xs:") || xw.m.Type(t.Name) == t
}

// typeOf gives an element or attribute its type: by name, or inline.
func (xw *xsdWriter) typeOf(el *etree.Element, t *Type) {
	if xw.named(t) {
		el.CreateAttr("type", t.Name)
		return
	}
	if t.Simple {
		xw.simpleBody(el.CreateElement("xs:simpleType"), t)
		return
	}
	xw.complexBody(el.CreateElement("xs:complexType"), t)
}

func (xw *xsdWriter) simpleBody(st *etree.Element, t *Type) {
	r := st.CreateElement("xs:restriction")
	r.CreateAttr("base", t.Scalar.String())
	for _, v := range t.Enum {
		r.CreateElement("xs:enumeration").CreateAttr("value", v)
	}
}

// complexBody writes a complex type's content: an extension of its base
// (simple content for text types) holding its own elements and attributes.
func (xw *xsdWriter) complexBody(ct *etree.Element, t *Type) {
	elems, attrs := t.Elems, t.Attrs
	body := ct
	switch {
	case t.Text:
		ext := ct.CreateElement("xs:simpleContent").CreateElement("xs:extension")
		base := "xs:string"
		if t.Base != nil {
			base = t.Base.Name
			attrs = attrs[len(t.Base.Attrs):]
		}
		ext.CreateAttr("base", base)
		body = ext
	case t.Base != nil:
		ext := ct.CreateElement("xs:complexContent").CreateElement("xs:extension")
		ext.CreateAttr("base", t.Base.Name)
		elems, attrs = elems[len(t.Base.Elems):], attrs[len(t.Base.Attrs):]
		body = ext
	}
	if len(elems) > 0 && !t.Text {
		seq := body.CreateElement("xs:sequence")
		for _, e := range elems {
			x := seq.CreateElement("xs:element")
			x.CreateAttr("name", e.Name)
			xw.typeOf(x, e.Type)
			x.CreateAttr("minOccurs", strconv.Itoa(e.Min))
			if e.Max == Unbounded {
				x.CreateAttr("maxOccurs", "unbounded")
			} else {
				x.CreateAttr("maxOccurs", strconv.Itoa(e.Max))
			}
		}
	}
	for _, a := range attrs {
		x := body.CreateElement("xs:attribute")
		x.CreateAttr("name", a.Name)
		xw.typeOf(x, a.Type)
		if a.Required {
			x.CreateAttr("use", "required")
		}
	}
}

// commentSafe keeps text fit for an XML comment.
func commentSafe(s string) string {
	return strings.ReplaceAll(asciiSafe(s, 200), "--", "- -")
}
