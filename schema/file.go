package schema

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// FileFormat is the version of the File layout this package reads.
const FileFormat = 1

// File is the serialised form of a Model: what `make schema` generates from
// the oVirt API model and embeds, and what the XSD and RSDL importers
// produce. Types refer to each other by name; Build links them.
type File struct {
	Format   int    `json:"format"`
	API      int    `json:"api"`
	Version  string `json:"version"`
	BasePath string `json:"base_path"`
	Source   string `json:"source"`
	// Hypermedia is true when types carry their link rels and actions.
	Hypermedia bool          `json:"hypermedia,omitempty"`
	Types      []TypeDef     `json:"types"`
	Elements   []ElementDecl `json:"elements"`
	Routes     []RouteDef    `json:"routes"`
}

// TypeDef is a type as written in a File. Elems and Attrs are the type's
// own; Build prepends the base's.
type TypeDef struct {
	Name      string   `json:"name"`
	Model     string   `json:"model,omitempty"`
	Base      string   `json:"base,omitempty"`
	Anonymous bool     `json:"anonymous,omitempty"`
	Simple    bool     `json:"simple,omitempty"`
	Scalar    string   `json:"scalar,omitempty"`
	Enum      []string `json:"enum,omitempty"`
	// DeprecatedValues are the enum values the model deprecates.
	DeprecatedValues []string  `json:"deprecated_values,omitempty"`
	Attrs            []AttrDef `json:"attrs,omitempty"`
	Elems            []ElemDef `json:"elems,omitempty"`
	Text             bool      `json:"text,omitempty"`
	Item             string    `json:"item,omitempty"`
	Rels             []string  `json:"rels,omitempty"`
	Actions          []string  `json:"actions,omitempty"`
	Deprecated       bool      `json:"deprecated,omitempty"`
}

// ElemDef is an element particle as written in a File. An empty Type
// refers to the global element of the same name (xs:element ref).
type ElemDef struct {
	Name       string `json:"name"`
	Type       string `json:"type,omitempty"`
	Min        int    `json:"min,omitempty"`
	Max        int    `json:"max"`
	Link       bool   `json:"link,omitempty"`
	Deprecated bool   `json:"deprecated,omitempty"`
}

// AttrDef is an attribute as written in a File.
type AttrDef struct {
	Name     string `json:"name"`
	Type     string `json:"type"`
	Required bool   `json:"required,omitempty"`
}

// ElementDecl is a global element: a name a document may start with.
type ElementDecl struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// RouteDef is a route as written in a File.
type RouteDef struct {
	Method     string         `json:"method"`
	Path       string         `json:"path"`
	Service    string         `json:"service,omitempty"`
	Operation  string         `json:"operation"`
	Kind       string         `json:"kind"`
	Item       string         `json:"item,omitempty"`
	Input      *BodyDef       `json:"input,omitempty"`
	Output     *BodyDef       `json:"output,omitempty"`
	Params     []ParamDef     `json:"params,omitempty"`
	Headers    []Header       `json:"headers,omitempty"`
	Signatures []SignatureDef `json:"signatures,omitempty"`
	Deprecated bool           `json:"deprecated,omitempty"`
}

// BodyDef is a route's request or response body as written in a File.
type BodyDef struct {
	Element string   `json:"element"`
	Type    string   `json:"type"`
	Params  []string `json:"params,omitempty"`
	// DeprecatedParams are the action parameters the model deprecates.
	DeprecatedParams []string `json:"deprecated_params,omitempty"`
}

// ParamDef is a URL parameter as written in a File.
type ParamDef struct {
	Name       string `json:"name"`
	Context    string `json:"context"`
	Type       string `json:"type"`
	Required   bool   `json:"required,omitempty"`
	Deprecated bool   `json:"deprecated,omitempty"`
}

// SignatureDef is a Signature as written in a File.
type SignatureDef struct {
	Mandatory []string `json:"mandatory,omitempty"`
	Optional  []string `json:"optional,omitempty"`
}

// Load decodes a File from JSON and builds its Model.
func Load(data []byte) (*Model, error) {
	var f File
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("schema: decode model: %w", err)
	}
	return Build(&f)
}

// ErrModel is wrapped by every error Build returns for an inconsistent File.
var ErrModel = errors.New("inconsistent model")

// Build links a File into a Model. It fails on references to unknown types,
// cycles of extensions and other inconsistencies, naming the type at fault.
func Build(f *File) (*Model, error) {
	if f.Format != 0 && f.Format != FileFormat {
		return nil, fmt.Errorf("schema: model format %d, this build reads %d: regenerate it with `make schema`", f.Format, FileFormat)
	}
	b := &builder{f: f, types: map[string]*Type{}, defs: map[string]*TypeDef{}, state: map[string]int{},
		globals: map[string]string{}}
	for _, e := range f.Elements {
		b.globals[e.Name] = e.Type
	}
	for i := range f.Types {
		d := &f.Types[i]
		if _, dup := b.defs[d.Name]; dup {
			return nil, fmt.Errorf("schema: type %q defined twice: %w", d.Name, ErrModel)
		}
		b.defs[d.Name] = d
	}
	names := make([]string, 0, len(b.defs))
	for n := range b.defs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if _, err := b.resolve(n); err != nil {
			return nil, err
		}
	}
	m := &Model{API: f.API, Version: f.Version, BasePath: f.BasePath, Source: f.Source, Hypermedia: f.Hypermedia,
		types: map[string]*Type{}, elements: map[string]*Type{}}
	for n, t := range b.types {
		if !strings.HasPrefix(n, "xs:") && !b.defs[n].Anonymous {
			m.types[n] = t
		}
	}
	for _, e := range f.Elements {
		t, err := b.resolve(e.Type)
		if err != nil {
			return nil, fmt.Errorf("schema: element %q: %w", e.Name, err)
		}
		m.elements[e.Name] = t
	}
	m.indexElements()
	routes := make([]*Route, 0, len(f.Routes))
	for i := range f.Routes {
		r, err := b.route(&f.Routes[i])
		if err != nil {
			return nil, err
		}
		routes = append(routes, r)
	}
	m.routes = newRouteTable(routes)
	m.jsonSch = &jsonSchemaCache{}
	return m, nil
}

type builder struct {
	f     *File
	types map[string]*Type
	defs  map[string]*TypeDef
	state map[string]int // 1 resolving, 2 done
	// globals maps global element names to their types, for refs.
	globals map[string]string
}

// builtin returns the type of an XSD built-in ("xs:int").
func (b *builder) builtin(name string) (*Type, bool) {
	s, ok := ParseScalar(name)
	if !ok || !(strings.HasPrefix(name, "xs:") || strings.HasPrefix(name, "xsd:")) {
		return nil, false
	}
	key := s.String()
	if t := b.types[key]; t != nil {
		return t, true
	}
	t := &Type{Name: key, Simple: true, Scalar: s}
	t.finish()
	b.types[key] = t
	return t, true
}

// ref returns the type named name, creating its shell on first use. Shells
// are filled in by complete; references between types (Vm -> Disks -> Disk
// -> Vm) only need the pointer.
func (b *builder) ref(name string) (*Type, error) {
	if t, ok := b.builtin(name); ok {
		return t, nil
	}
	if t := b.types[name]; t != nil {
		return t, nil
	}
	d := b.defs[name]
	if d == nil {
		return nil, fmt.Errorf("schema: unknown type %q: %w", name, ErrModel)
	}
	t := &Type{Name: d.Name, Model: d.Model, Simple: d.Simple, Text: d.Text, Deprecated: d.Deprecated,
		Rels: d.Rels, Actions: d.Actions}
	b.types[name] = t
	return t, nil
}

// resolve returns the complete type named name. Completing a type first
// completes its base, so only a cycle of extensions can loop, and that is
// an error.
func (b *builder) resolve(name string) (*Type, error) {
	t, err := b.ref(name)
	if err != nil || t.Simple && b.defs[name] == nil {
		return t, err
	}
	switch b.state[name] {
	case 2:
		return t, nil
	case 1:
		return nil, fmt.Errorf("schema: type %q: cycle of extensions: %w", name, ErrModel)
	}
	b.state[name] = 1
	d := b.defs[name]
	if d.Base != "" {
		base, err := b.resolve(d.Base)
		if err != nil {
			return nil, fmt.Errorf("schema: type %q: base: %w", name, err)
		}
		t.Base = base
		t.Attrs = append(t.Attrs, base.Attrs...)
		for _, e := range base.Elems {
			cp := *e
			t.Elems = append(t.Elems, &cp)
		}
		if t.Simple || base.Simple {
			t.Simple, t.Scalar = true, base.Scalar
		}
		t.Text = t.Text || base.Text
		t.Resource = base.Resource
	}
	if d.Name == "BaseResource" {
		t.Resource = true
	}
	if d.Scalar != "" {
		s, ok := ParseScalar(d.Scalar)
		if !ok {
			return nil, fmt.Errorf("schema: type %q: unsupported scalar %q: %w", name, d.Scalar, ErrModel)
		}
		t.Scalar = s
	}
	if len(d.Enum) > 0 {
		t.Enum = append([]string(nil), d.Enum...)
		sort.Strings(t.Enum)
	}
	if len(d.DeprecatedValues) > 0 {
		t.DeprecatedValues = append([]string(nil), d.DeprecatedValues...)
		sort.Strings(t.DeprecatedValues)
	}
	for _, a := range d.Attrs {
		at, err := b.ref(a.Type)
		if err != nil {
			return nil, fmt.Errorf("schema: type %q attribute %q: %w", name, a.Name, err)
		}
		t.Attrs = append(t.Attrs, &Attr{Name: a.Name, Type: at, Required: a.Required})
	}
	for _, e := range d.Elems {
		tn := e.Type
		if tn == "" {
			if tn = b.globals[e.Name]; tn == "" {
				return nil, fmt.Errorf("schema: type %q: element ref %q: no global element of that name: %w", name, e.Name, ErrModel)
			}
		}
		et, err := b.ref(tn)
		if err != nil {
			return nil, fmt.Errorf("schema: type %q element %q: %w", name, e.Name, err)
		}
		max := e.Max
		if max == 0 {
			max = 1
		}
		t.Elems = append(t.Elems, &Elem{Name: e.Name, Type: et, Min: e.Min, Max: max, Link: e.Link, Deprecated: e.Deprecated})
	}
	t.finish()
	if d.Item != "" {
		t.Item = t.Elem(d.Item)
		if t.Item == nil {
			return nil, fmt.Errorf("schema: type %q: item element %q is not in its sequence: %w", name, d.Item, ErrModel)
		}
	}
	b.state[name] = 2
	return t, nil
}

func (b *builder) body(d *BodyDef, where string) (*Body, error) {
	if d == nil {
		return nil, nil
	}
	t, err := b.resolve(d.Type)
	if err != nil {
		return nil, fmt.Errorf("schema: route %s: %w", where, err)
	}
	body := &Body{Element: d.Element, Type: t, Params: append([]string(nil), d.Params...),
		DeprecatedParams: append([]string(nil), d.DeprecatedParams...)}
	sort.Strings(body.Params)
	sort.Strings(body.DeprecatedParams)
	body.paramSet = toSet(body.Params)
	return body, nil
}

func (b *builder) route(d *RouteDef) (*Route, error) {
	where := d.Method + " " + d.Path
	r := &Route{Method: d.Method, Path: d.Path, Service: d.Service, Operation: d.Operation,
		Item: d.Item, Headers: d.Headers, Deprecated: d.Deprecated}
	switch d.Kind {
	case "Get":
		r.Kind = Get
	case "List":
		r.Kind = List
	case "Add":
		r.Kind = Add
	case "Update":
		r.Kind = Update
	case "Remove":
		r.Kind = Remove
	case "Action":
		r.Kind = Action
	default:
		return nil, fmt.Errorf("schema: route %s: unknown kind %q: %w", where, d.Kind, ErrModel)
	}
	var err error
	if r.Input, err = b.body(d.Input, where); err != nil {
		return nil, err
	}
	if r.Output, err = b.body(d.Output, where); err != nil {
		return nil, err
	}
	for _, p := range d.Params {
		s, _ := ParseScalar(p.Type)
		r.Params = append(r.Params, Param{Name: p.Name, Context: p.Context, Type: s, Required: p.Required, Deprecated: p.Deprecated})
	}
	sort.Slice(r.Params, func(i, j int) bool { return r.Params[i].Name < r.Params[j].Name })
	for _, s := range d.Signatures {
		r.Signatures = append(r.Signatures, Signature{Mandatory: s.Mandatory, Optional: s.Optional})
	}
	return r, nil
}
