// Package metamodel reads the oVirt API model from its sources: the
// Java-interface language of oVirt/ovirt-engine-api-metamodel, as the
// model's repository (oVirt/ovirt-engine-api-model) writes it. A @Type
// interface is a struct (its methods are members; @Link marks links), a
// @Type enum an enum, a @Service interface a service: its nested
// interfaces are methods, with @In/@Out parameters, nested signature
// interfaces and an @InputDetail default method listing mandatory and
// optional input; its @Service methods are locators of sub-services.
//
// Only what the model states is read: Javadoc and the bodies of default
// methods other than @InputDetail are ignored.
package metamodel

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// Model is one release of the API model.
type Model struct {
	Types    map[string]*Struct
	Enums    map[string]*Enum
	Services map[string]*Service
}

// Struct is a @Type interface.
type Struct struct {
	Name       string
	Bases      []string
	Members    []Member
	Deprecated bool
}

// Member is a struct's member (or a method's parameter) with its wire
// name: the model name in snake case ("bootProtocol" is boot_protocol).
type Member struct {
	Name       string
	XML        string
	Type       string
	List       bool
	Link       bool
	Deprecated bool
}

// Enum is a @Type enum; its values are written as on the wire.
type Enum struct {
	Name       string
	Values     []EnumValue
	Deprecated bool
}

// EnumValue is one value of an enum.
type EnumValue struct {
	Value      string
	Deprecated bool
}

// Service is a @Service interface.
type Service struct {
	Name  string
	Bases []string
	// Methods are the service's own, in the order the source declares them.
	Methods    []*Method
	Locators   []Locator
	Root       bool
	Deprecated bool
}

// Method is an operation of a service (Get, List, Add, Update, Remove,
// or an action such as Start).
type Method struct {
	Name string
	// Extends are the mixins the method includes, as written ("Follow").
	Extends []string
	// Params are the method's parameters and then its signatures' own.
	Params []Param
	// Detail is the method's own @InputDetail, nil when it has none.
	Detail *Detail
	// Signatures are the nested interfaces naming alternative inputs.
	Signatures []Signature
	Deprecated bool
}

// Param is a parameter of a method.
type Param struct {
	Member
	// Dir is "in", "out" or "inout".
	Dir string
}

// Signature is one alternative input of a method: a nested interface
// extending it, with its own parameters and @InputDetail.
type Signature struct {
	Name       string
	Detail     *Detail
	Deprecated bool
}

// Locator gives access to a sub-service: Segment is the path segment of
// a collection's service (ByID false) or the item of one (ByID true).
type Locator struct {
	Service string
	Name    string
	Segment string
	ByID    bool
}

// Read parses every .java file below dir of fsys. Files that declare no
// model (package-info.java, annotation types) are skipped.
func Read(fsys fs.FS, dir string) (*Model, error) {
	m := &Model{Types: map[string]*Struct{}, Enums: map[string]*Enum{}, Services: map[string]*Service{}}
	err := fs.WalkDir(fsys, dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || path.Ext(p) != ".java" {
			return err
		}
		src, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		decls, err := parseFile(src)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		for _, d := range decls {
			if err := m.add(d); err != nil {
				return fmt.Errorf("%s: %w", p, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("metamodel: %w", err)
	}
	m.resolveServices()
	return m, nil
}

// resolveServices names every located and base service by its full name.
// The metamodel compares service names without their "Service" suffix, so
// 4.0's GlusterBricksService locates "GlusterBrick", its GlusterBrickService.
func (m *Model) resolveServices() {
	full := func(name string) string {
		if m.Services[name] == nil && m.Services[name+"Service"] != nil {
			return name + "Service"
		}
		return name
	}
	for _, s := range m.Services {
		for i := range s.Locators {
			s.Locators[i].Service = full(s.Locators[i].Service)
		}
		for i := range s.Bases {
			s.Bases[i] = full(s.Bases[i])
		}
	}
}

// add records a top-level declaration.
func (m *Model) add(d *decl) error {
	switch {
	case d.kind == declEnum && d.has("Type"):
		if m.Enums[d.name] != nil || m.Types[d.name] != nil {
			return fmt.Errorf("line %d: type %s declared twice", d.line, d.name)
		}
		e := &Enum{Name: d.name, Deprecated: d.has("Deprecated")}
		for _, v := range d.values {
			e.Values = append(e.Values, EnumValue{Value: strings.ToLower(v.name), Deprecated: has(v.annotations, "Deprecated")})
		}
		m.Enums[d.name] = e
	case d.kind == declInterface && d.has("Type"):
		if m.Enums[d.name] != nil || m.Types[d.name] != nil {
			return fmt.Errorf("line %d: type %s declared twice", d.line, d.name)
		}
		s := &Struct{Name: d.name, Bases: d.extends, Deprecated: d.has("Deprecated")}
		for _, md := range d.members {
			if md.kind != declMethod || md.isDefault {
				continue
			}
			s.Members = append(s.Members, member(md))
		}
		m.Types[d.name] = s
	case d.kind == declInterface && (d.has("Service") || d.has("Root")):
		if m.Services[d.name] != nil {
			return fmt.Errorf("line %d: service %s declared twice", d.line, d.name)
		}
		s, err := service(d)
		if err != nil {
			return err
		}
		m.Services[d.name] = s
	}
	return nil
}

func has(annotations []string, name string) bool {
	for _, a := range annotations {
		if a == name {
			return true
		}
	}
	return false
}

func member(d *decl) Member {
	name := strings.TrimLeft(d.name, "_") // "_interface" escapes a Java keyword
	return Member{Name: name, XML: wireName(name), Type: d.typ, List: d.list,
		Link: d.has("Link"), Deprecated: d.has("Deprecated")}
}

func service(d *decl) (*Service, error) {
	s := &Service{Name: d.name, Bases: d.extends, Root: d.has("Root"), Deprecated: d.has("Deprecated")}
	for _, md := range d.members {
		switch {
		case md.kind == declInterface:
			meth, err := method(md)
			if err != nil {
				return nil, fmt.Errorf("%s.%s: %w", d.name, md.name, err)
			}
			if s.Method(md.name) != nil {
				return nil, fmt.Errorf("line %d: %s.%s declared twice", md.line, d.name, md.name)
			}
			s.Methods = append(s.Methods, meth)
		case md.kind == declMethod && md.has("Service"):
			s.Locators = append(s.Locators, Locator{Service: md.typ, Name: md.name,
				Segment: strings.ToLower(md.name), ByID: len(md.params) > 0})
		}
	}
	return s, nil
}

// Method returns the service's own method named name, or nil.
func (s *Service) Method(name string) *Method {
	for _, m := range s.Methods {
		if m.Name == name {
			return m
		}
	}
	return nil
}

// method reads a service's nested interface.
func method(d *decl) (*Method, error) {
	m := &Method{Name: d.name, Extends: d.extends, Deprecated: d.has("Deprecated")}
	if err := m.read(d, nil); err != nil {
		return nil, err
	}
	return m, nil
}

// read adds the parameters and input detail of d (the method itself, or
// one of its signatures when sig is not nil).
func (m *Method) read(d *decl, sig *Signature) error {
	for _, md := range d.members {
		switch {
		case md.kind == declInterface && sig == nil:
			s := Signature{Name: md.name, Deprecated: md.has("Deprecated")}
			if err := m.read(md, &s); err != nil {
				return fmt.Errorf("%s: %w", md.name, err)
			}
			m.Signatures = append(m.Signatures, s)
		case md.kind == declMethod && md.isDefault && md.has("InputDetail"):
			det, err := parseDetail(md.body)
			if err != nil {
				return fmt.Errorf("line %d: input detail: %w", md.line, err)
			}
			if sig != nil {
				sig.Detail = det
			} else {
				m.Detail = det
			}
		case md.kind == declMethod && (md.has("In") || md.has("Out")):
			p := Param{Member: member(md), Dir: direction(md.has("In"), md.has("Out"))}
			if !m.hasParam(p.Name) {
				m.Params = append(m.Params, p)
			}
		}
	}
	return nil
}

func direction(in, out bool) string {
	switch {
	case in && out:
		return "inout"
	case out:
		return "out"
	}
	return "in"
}

func (m *Method) hasParam(name string) bool {
	for _, p := range m.Params {
		if p.Name == name {
			return true
		}
	}
	return false
}

// Param returns the named parameter, or nil.
func (m *Method) Param(name string) *Param {
	for i := range m.Params {
		if m.Params[i].Name == name {
			return &m.Params[i]
		}
	}
	return nil
}

// wireName turns a model name into its wire form: words of the camel-case
// name joined by '_' ("ipv6BootProtocol" is ipv6_boot_protocol).
func wireName(name string) string { return strings.Join(Words(name), "_") }

// Words splits a camel-case name into lower-case words as the metamodel's
// name parser does: "HostNic" is [host nic], "OpenStackImage" [open stack
// image], "ipv6BootProtocol" [ipv6 boot protocol], "MDevType" [m dev type].
func Words(name string) []string {
	var out []string
	start := 0
	isUpper := func(c byte) bool { return c >= 'A' && c <= 'Z' }
	isLower := func(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
	for i := 1; i < len(name); i++ {
		if !isUpper(name[i]) {
			continue
		}
		prevLower := isLower(name[i-1])
		nextLower := i+1 < len(name) && name[i+1] >= 'a' && name[i+1] <= 'z'
		if prevLower || nextLower && isUpper(name[i-1]) {
			out = append(out, strings.ToLower(name[start:i]))
			start = i
		}
	}
	return append(out, strings.ToLower(name[start:]))
}

// SortedKeys returns a map's keys in order.
func SortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
