package schema

import (
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/beevik/etree"
)

// WriteRSDL writes the model's routes as an RSDL document, the form an
// engine serves at ?rsdl: one <link> per route with its method, headers,
// URL parameters, body type and parameter sets (one per signature), and
// response type. Path placeholders are written the engine's way
// ({vm_id} as {vm:id}). An action's parameters that no signature names
// are added to each set as optional, and an action without any gets an
// empty set, so that ImportRSDL and Join give the action back the same
// parameters.
func (m *Model) WriteRSDL(w io.Writer) error {
	doc := newXMLDocument()
	root := doc.CreateElement("rsdl")
	root.CreateAttr("href", "?rsdl")
	root.CreateAttr("rel", "rsdl")
	root.CreateElement("description").SetText("The oVirt RESTful API description language.")
	v := root.CreateElement("version")
	major, minor, _ := strings.Cut(m.Version, ".")
	if _, err := strconv.Atoi(major); err != nil {
		major = strconv.Itoa(m.API)
	}
	v.CreateAttr("major", major)
	if minor == "" {
		minor = "0"
	}
	minor, _, _ = strings.Cut(minor, ".")
	v.CreateAttr("minor", minor)
	v.CreateAttr("build", "0")
	v.CreateAttr("revision", "0")
	sc := root.CreateElement("schema")
	sc.CreateAttr("href", "?schema")
	sc.CreateAttr("rel", "schema")
	sc.CreateElement("name").SetText("ovirt-engine-api-schema.xsd")
	sc.CreateElement("description").SetText("oVirt API entities schema.")
	links := root.CreateElement("links")
	for _, r := range m.Routes().All() {
		writeLink(links.CreateElement("link"), r)
	}
	return writeIndented(w, doc)
}

// rsdlHref writes a route path as an RSDL href: no leading slash, and
// {vm_id} as {vm:id}.
func rsdlHref(path string) string {
	segs := splitPath(path)
	for i, s := range segs {
		if isTemplateParam(s) {
			name := s[1 : len(s)-1]
			if base, ok := strings.CutSuffix(name, "_id"); ok {
				name = base + ":id"
			}
			segs[i] = "{" + name + "}"
		}
	}
	return strings.Join(segs, "/")
}

func rsdlRel(r *Route) string {
	switch r.Kind {
	case Get, List:
		return "get"
	case Add:
		return "add"
	case Update:
		return "update"
	case Remove:
		return "delete"
	}
	return r.Path[strings.LastIndexByte(r.Path, '/')+1:]
}

func writeLink(l *etree.Element, r *Route) {
	l.CreateAttr("href", rsdlHref(r.Path))
	l.CreateAttr("rel", rsdlRel(r))
	req := l.CreateElement("request")
	req.CreateElement("http_method").SetText(r.Method)
	if len(r.Headers) > 0 {
		hs := req.CreateElement("headers")
		for _, h := range r.Headers {
			x := hs.CreateElement("header")
			x.CreateAttr("required", strconv.FormatBool(h.Required))
			x.CreateElement("name").SetText(h.Name)
		}
	}
	if len(r.Params) > 0 {
		set := req.CreateElement("url").CreateElement("parameters_set")
		for _, p := range r.Params {
			x := set.CreateElement("parameter")
			x.CreateAttr("required", strconv.FormatBool(p.Required))
			x.CreateAttr("type", p.Type.String())
			x.CreateAttr("context", p.Context)
			x.CreateElement("name").SetText(p.Name)
		}
	}
	body := req.CreateElement("body")
	if r.Input != nil {
		body.CreateElement("type").SetText(r.Input.Type.Name)
		sigs := r.Signatures
		if len(sigs) == 0 && r.Input.Element == "action" {
			// An empty set says "these parameters and no other" (see Join).
			sigs = []Signature{{}}
		}
		for _, s := range sigs {
			writeSignature(body.CreateElement("parameters_set"), r.Input, s)
		}
	}
	if r.Output != nil {
		l.CreateElement("response").CreateElement("type").SetText(r.Output.Type.Name)
	}
}

// writeSignature writes one parameter set. Paths through a collection
// ("vm.disks.disk[].id") become a collection parameter ("vm.disks.disk")
// holding its items' parameters ("disk.id").
func writeSignature(set *etree.Element, in *Body, s Signature) {
	type param struct {
		path     string
		required bool
	}
	var ps []param
	named := map[string]bool{}
	for _, p := range s.Mandatory {
		ps = append(ps, param{p, true})
	}
	for _, p := range s.Optional {
		ps = append(ps, param{p, false})
	}
	for _, p := range ps {
		if segs := strings.Split(p.path, "."); len(segs) > 1 && segs[0] == in.Element {
			named[strings.TrimSuffix(segs[1], "[]")] = true
		}
	}
	for _, p := range in.Params {
		if !named[p] {
			ps = append(ps, param{in.Element + "." + p, false})
		}
	}
	collections := map[string]*etree.Element{}
	required := map[string]bool{}
	for _, p := range ps {
		if !strings.Contains(p.path, "[]") {
			required[p.path] = required[p.path] || p.required
		}
	}
	for _, p := range ps {
		coll, rest, isItem := strings.Cut(p.path, "[]")
		if !isItem {
			continue
		}
		c := collections[coll]
		if c == nil {
			c = set.CreateElement("parameter")
			c.CreateAttr("required", strconv.FormatBool(required[coll]))
			c.CreateAttr("type", "collection")
			c.CreateElement("name").SetText(coll)
			c.CreateElement("parameters_set")
			collections[coll] = c
		}
		item := coll[strings.LastIndexByte(coll, '.')+1:]
		writeParam(c.SelectElement("parameters_set"), item+rest, paramType(in.Type, p.path), p.required)
	}
	names := make([]string, 0, len(required))
	for p := range required {
		if collections[p] == nil {
			names = append(names, p)
		}
	}
	sort.Strings(names)
	for _, p := range names {
		writeParam(set, p, paramType(in.Type, p), required[p])
	}
}

func writeParam(set *etree.Element, name, typ string, required bool) {
	x := set.CreateElement("parameter")
	x.CreateAttr("required", strconv.FormatBool(required))
	x.CreateAttr("type", typ)
	x.CreateElement("name").SetText(name)
}

// paramType returns the XSD type of the value a body parameter path
// ("vm.cpu.topology.cores", "vm.cluster.id|name") leads to from the body's
// root type t: its scalar, or xs:string when the path does not resolve to
// a simple value.
func paramType(t *Type, path string) string {
	segs := strings.Split(path, ".")
	for _, seg := range segs[1:] {
		seg, _, _ = strings.Cut(strings.TrimSuffix(seg, "[]"), "|")
		if t == nil || t.Simple {
			return "xs:string"
		}
		if a := t.Attr(seg); a != nil {
			t = a.Type
			continue
		}
		e := t.Elem(seg)
		if e == nil {
			return "xs:string"
		}
		t = e.Type
	}
	if t == nil || !t.Simple {
		return "xs:string"
	}
	return t.Scalar.String()
}
