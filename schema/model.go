// Package schema is the compiled model of the oVirt REST API: its types,
// elements, enums and routes, and the validators that check XML and JSON
// bodies against it.
//
// A Model is built once (from the embedded v4 artifact, or from an engine's
// own XSD and RSDL) and is immutable afterwards, so one value can be shared
// by every goroutine of the proxy, the simulator and the replayer.
package schema

import (
	"sort"
	"strings"
	"sync"
)

// Scalar is the lexical type of a simple value.
type Scalar uint8

// The scalar types that oVirt's XSDs use.
const (
	String        Scalar = iota
	Int                  // xs:int, 32 bits
	Long                 // xs:long, 64 bits
	UnsignedInt          // xs:unsignedInt
	Boolean              // xs:boolean
	DateTime             // xs:dateTime
	Decimal              // xs:decimal
	Double               // xs:double (exponents, INF, NaN)
	Short                // xs:short
	UnsignedShort        // xs:unsignedShort
	Byte                 // xs:byte
)

var scalarNames = [...]string{
	String: "xs:string", Int: "xs:int", Long: "xs:long", UnsignedInt: "xs:unsignedInt",
	Boolean: "xs:boolean", DateTime: "xs:dateTime", Decimal: "xs:decimal", Double: "xs:double",
	Short: "xs:short", UnsignedShort: "xs:unsignedShort", Byte: "xs:byte",
}

// String returns the XSD name of the scalar, such as "xs:int".
func (s Scalar) String() string {
	if int(s) < len(scalarNames) {
		return scalarNames[s]
	}
	return "xs:string"
}

// ParseScalar maps an XSD built-in type name ("xs:int", "xsd:long") to a
// Scalar. ok is false for names outside the subset oVirt uses.
func ParseScalar(name string) (s Scalar, ok bool) {
	if i := strings.IndexByte(name, ':'); i >= 0 {
		name = name[i+1:]
	}
	switch name {
	case "string", "anyURI", "token", "normalizedString", "ID", "IDREF", "NCName", "base64Binary":
		return String, true
	case "int", "integer":
		return Int, true
	case "long":
		return Long, true
	case "unsignedInt", "unsignedLong", "nonNegativeInteger", "positiveInteger":
		return UnsignedInt, true
	case "boolean":
		return Boolean, true
	case "dateTime", "date":
		return DateTime, true
	case "decimal", "float":
		return Decimal, true
	case "double":
		return Double, true
	case "short":
		return Short, true
	case "unsignedShort":
		return UnsignedShort, true
	case "byte", "unsignedByte":
		return Byte, true
	}
	return String, false
}

// Unbounded is the Max of an element that may repeat without limit.
const Unbounded = -1

// Type is a complex or simple type of the model. Complex types have
// attributes and a sequence of child elements; simple types have a scalar
// lexical form and, for enums, a closed set of values.
type Type struct {
	// Name is the XSD type name ("Vm", "BaseResource", "VmStatus").
	Name string
	// Model is the name in the oVirt API model, when the type comes from it.
	Model string
	// Base is the type this one extends, or nil.
	Base *Type

	// Simple is true for scalar and enum types.
	Simple bool
	// Scalar is the lexical form of a simple type's values.
	Scalar Scalar
	// Enum lists the allowed values of an enum type, sorted.
	Enum []string
	// DeprecatedValues lists the enum values the model deprecates, sorted.
	DeprecatedValues []string

	// Attrs are the XML attributes, inherited ones included.
	Attrs []*Attr
	// Elems is the effective element sequence: the base's first, then the
	// type's own, in XSD order.
	Elems []*Elem
	// Text is true when the type has simple content besides attributes.
	Text bool

	// Resource is true for types that extend BaseResource: they carry id and
	// href attributes, <actions> and <link> elements.
	Resource bool
	// Item is set on collection and list-wrapper types: the one element
	// that they repeat.
	Item *Elem
	// Rels are the link rels a resource of this type may carry, sorted.
	Rels []string
	// Actions are the action names a resource of this type may carry, sorted.
	Actions []string
	// Deprecated marks types the model deprecates.
	Deprecated bool

	required  []int
	enumSet   map[string]struct{}
	elemIndex nameTable
	relSet    map[string]struct{}
	actionSet map[string]struct{}
}

// Elem is one element particle of a complex type's sequence.
type Elem struct {
	// Name is the element's tag.
	Name string
	// Type is the element's type.
	Type *Type
	// Min and Max are the occurrence bounds; Max is Unbounded or ≥ 1.
	Min, Max int
	// Index is the element's position in the effective sequence: a child
	// whose Index is lower than its predecessor's is out of order.
	Index int
	// Link is true for members that the model marks as links to other
	// resources (written as <cluster id href/> or as a <link rel>).
	Link bool
	// Deprecated marks members the model deprecates.
	Deprecated bool
}

// Attr is an XML attribute of a complex type.
type Attr struct {
	Name     string
	Type     *Type
	Required bool
}

// Elem returns the element particle named name, or nil.
func (t *Type) Elem(name string) *Elem {
	if i := t.elemIndex.find(name); i >= 0 {
		return t.Elems[i]
	}
	return nil
}

// Attr returns the attribute named name, or nil.
func (t *Type) Attr(name string) *Attr {
	for _, a := range t.Attrs {
		if a.Name == name {
			return a
		}
	}
	return nil
}

// HasEnumValue reports whether v is one of the enum's values. It is false
// for types that are not enums.
func (t *Type) HasEnumValue(v string) bool {
	_, ok := t.enumSet[v]
	return ok
}

// IsEnum reports whether the type restricts its values to a closed set.
func (t *Type) IsEnum() bool { return len(t.Enum) > 0 }

// HasRel reports whether a resource of this type may carry a link with rel.
func (t *Type) HasRel(rel string) bool {
	_, ok := t.relSet[rel]
	return ok
}

// HasAction reports whether a resource of this type may carry action name.
func (t *Type) HasAction(name string) bool {
	_, ok := t.actionSet[name]
	return ok
}

// Extends reports whether t is base or derives from it.
func (t *Type) Extends(base *Type) bool {
	for x := t; x != nil; x = x.Base {
		if x == base {
			return true
		}
	}
	return false
}

// finish builds the lookup tables of a type once its fields are set.
func (t *Type) finish() {
	if len(t.Enum) > 0 {
		t.enumSet = make(map[string]struct{}, len(t.Enum))
		for _, v := range t.Enum {
			t.enumSet[v] = struct{}{}
		}
	}
	for i, e := range t.Elems {
		e.Index = i
		if e.Min > 0 {
			t.required = append(t.required, i)
		}
	}
	if len(t.Elems) > 0 {
		t.elemIndex = newNameTable(t.Elems)
	}
	t.relSet = toSet(t.Rels)
	t.actionSet = toSet(t.Actions)
}

func toSet(xs []string) map[string]struct{} {
	if len(xs) == 0 {
		return nil
	}
	m := make(map[string]struct{}, len(xs))
	for _, x := range xs {
		m[x] = struct{}{}
	}
	return m
}

// Model is a compiled API description: the types, the global elements a
// document may start with, and the route table. It is immutable.
type Model struct {
	// API is the major API version the model describes: 4 or 3.
	API int
	// Version is the model's own version, such as "4.6".
	Version string
	// BasePath is the API's root path, such as "/ovirt-engine/api".
	BasePath string
	// Source says where the model came from, for reports.
	Source string
	// Hypermedia is true when the model knows the link rels and actions of
	// each resource type, so that unknown ones are reported.
	Hypermedia bool
	// Release is what the model is judged as: for an embedded model the
	// release named and the model version (see ModelFor); zero for a model
	// loaded from an engine's documents.
	Release Release

	// The fields below are shared by the copies ModelFor stamps with
	// another Release (see as): they must stay pointers, maps or values
	// that are never written after Build.
	types    map[string]*Type
	elements map[string]*Type
	routes   *RouteTable
	jsonSch  *jsonSchemaCache

	// elementOf is ElementOf's answer for each type of a global element.
	elementOf map[*Type]string
	// streams holds idle streaming validators (*xmlStream), so a valid
	// document costs no allocation.
	streams sync.Pool
}

// Type returns the named type, or nil.
func (m *Model) Type(name string) *Type { return m.types[name] }

// Element returns the type of the global element name (a document root such
// as "vm", "vms" or "fault"), or nil.
func (m *Model) Element(name string) *Type { return m.elements[name] }

// Types returns every type, sorted by name.
func (m *Model) Types() []*Type {
	out := make([]*Type, 0, len(m.types))
	for _, t := range m.types {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Elements returns the names of the global elements, sorted.
func (m *Model) Elements() []string {
	out := make([]string, 0, len(m.elements))
	for n := range m.elements {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// ElementOf returns the global element whose type is t (the first by
// name when several are), or "".
func (m *Model) ElementOf(t *Type) string { return m.elementOf[t] }

// indexElements builds elementOf.
func (m *Model) indexElements() {
	m.elementOf = make(map[*Type]string, len(m.elements))
	for n, t := range m.elements {
		if best, ok := m.elementOf[t]; !ok || n < best {
			m.elementOf[t] = n
		}
	}
}

func (m *Model) hypermedia() bool { return m.Hypermedia }

// Describe names the model for results and reports: "oVirt API model
// 4.4.35 (engine 4.4.10, model 4.4.34, checked with model 4.4.35)" for an
// embedded model judged as an engine release, its Source otherwise.
func (m *Model) Describe() string {
	if m.Release.Model == "" {
		return m.Source
	}
	d := "oVirt API model " + m.Release.Model
	if r := m.Release.String(); r != "model "+m.Release.Model {
		d += " (" + r + ")"
	}
	return d
}

// as returns a copy of m judged as release r: the same types and routes,
// sharing every field but its own pool of idle validators.
func (m *Model) as(r Release) *Model {
	return &Model{API: m.API, Version: m.Version, BasePath: m.BasePath, Source: m.Source,
		Hypermedia: m.Hypermedia, Release: r, types: m.types, elements: m.elements,
		routes: m.routes, jsonSch: m.jsonSch, elementOf: m.elementOf}
}

// Routes returns the model's route table.
func (m *Model) Routes() *RouteTable { return m.routes }
