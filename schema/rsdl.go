package schema

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/beevik/etree"
)

// RSDLError is an error in an RSDL document, naming the link (its href and
// rel) and the line.
type RSDLError struct {
	Line   int
	Link   string // "href rel=..." or "" for the document
	Reason string
}

func (e *RSDLError) Error() string {
	where := "rsdl"
	if e.Line > 0 {
		where += " line " + strconv.Itoa(e.Line)
	}
	if e.Link != "" {
		where += ": link " + e.Link
	}
	return where + ": " + e.Reason
}

// ImportRSDL reads an engine's RSDL (`GET /ovirt-engine/api?rsdl`, or
// `/api?rsdl` for v3) into a File holding its routes: one per link, with
// the method, the path template ("vms/{vm:id}" becomes "/vms/{vm_id}"),
// the documented headers and URL parameters (the RSDL's <general> ones are
// added to every route), the request and response types, and the body
// parameters as signatures. The File's API and Version come from the
// RSDL's <version>; its types are left to the XSD: Join combines the two.
//
// Links with the same method and path are merged. The engine's own typos
// in parameter types (xs:boolen, xs.string, "xs:int,") are read as what
// they mean; a type outside the XSD scalars is kept and never checked.
// An OPTIONS link describes no route and is skipped.
func ImportRSDL(data []byte) (*File, error) {
	doc, err := parseXML(data, Limits{})
	if err != nil {
		return nil, fmt.Errorf("schema: read rsdl: %w", err)
	}
	root := doc.Root()
	if root.Tag != "rsdl" || root.Space != "" {
		return nil, &RSDLError{Reason: fmt.Sprintf("root element is <%s>, not <rsdl>: is this the engine's ?rsdl document?", safeName(root.FullTag()))}
	}
	im := &rsdlImporter{f: &File{Format: FileFormat}, index: map[string]int{}}
	if err := im.run(root); err != nil {
		if re := (*RSDLError)(nil); errors.As(err, &re) {
			fillLine(&re.Line, data, root, im.at)
		}
		return nil, err
	}
	return im.f, nil
}

type rsdlImporter struct {
	f       *File
	index   map[string]int // "METHOD path" -> route index, for merging
	general RouteDef       // headers and parameters valid for every link
	at      *etree.Element
	link    string
}

func (im *rsdlImporter) fail(el *etree.Element, format string, args ...any) error {
	im.at = el
	return &RSDLError{Link: im.link, Reason: fmt.Sprintf(format, args...)}
}

func (im *rsdlImporter) run(root *etree.Element) error {
	if v := root.SelectElement("version"); v != nil {
		major, err := strconv.Atoi(v.SelectAttrValue("major", ""))
		if err != nil || major < 1 {
			return im.fail(v, "<version> has no numeric major attribute")
		}
		im.f.API = major
		im.f.Version = strconv.Itoa(major)
		if minor := v.SelectAttrValue("minor", ""); minor != "" {
			im.f.Version += "." + minor
		}
		im.f.BasePath = BasePathOf(major)
	}
	if g := root.SelectElement("general"); g != nil {
		if req := g.SelectElement("request"); req != nil {
			if err := im.headers(req, &im.general); err != nil {
				return err
			}
			if err := im.urlParams(req, &im.general); err != nil {
				return err
			}
		}
	}
	links := root.SelectElement("links")
	if links == nil {
		return im.fail(root, "no <links>: the RSDL describes no route")
	}
	for _, l := range links.SelectElements("link") {
		if err := im.addLink(l); err != nil {
			return err
		}
	}
	im.link = ""
	if len(im.f.Routes) == 0 {
		return im.fail(links, "<links> holds no link")
	}
	for i := range im.f.Routes {
		r := &im.f.Routes[i]
		for _, h := range im.general.Headers {
			addHeader(r, h)
		}
		for _, p := range im.general.Params {
			addURLParam(r, p)
		}
		sort.Slice(r.Params, func(a, b int) bool { return r.Params[a].Name < r.Params[b].Name })
	}
	return nil
}

// BasePathOf returns the base path an API version is served under: /api
// for v3, /ovirt-engine/api otherwise. (v3 is also served under
// /ovirt-engine/api to requests with the header Version: 3.)
func BasePathOf(api int) string {
	if api == 3 {
		return "/api"
	}
	return "/ovirt-engine/api"
}

func (im *rsdlImporter) addLink(l *etree.Element) error {
	href, rel := l.SelectAttrValue("href", ""), l.SelectAttrValue("rel", "")
	im.link = fmt.Sprintf("%q rel=%q", asciiSafe(href, 120), asciiSafe(rel, 40))
	im.at = l
	path, err := rsdlTemplate(href)
	if err != nil {
		return im.fail(l, "%v", err)
	}
	if rel == "" {
		return im.fail(l, "no rel")
	}
	req := l.SelectElement("request")
	if req == nil {
		return im.fail(l, "no <request>")
	}
	hm := req.SelectElement("http_method")
	if hm == nil {
		return im.fail(req, "no <http_method>")
	}
	method := strings.ToUpper(strings.TrimSpace(hm.Text()))
	r := RouteDef{Method: method, Path: path, Operation: rel}
	switch method {
	case "GET", "HEAD":
		r.Method, r.Kind = "GET", "Get"
	case "POST":
		r.Kind = "Action"
		if rel == "add" {
			r.Kind = "Add"
		}
	case "PUT":
		r.Kind = "Update"
	case "DELETE":
		r.Kind = "Remove"
	case "OPTIONS":
		return nil
	default:
		return im.fail(hm, "http_method %q is not GET, POST, PUT, DELETE or OPTIONS", asciiSafe(method, 20))
	}
	if err := im.headers(req, &r); err != nil {
		return err
	}
	if err := im.urlParams(req, &r); err != nil {
		return err
	}
	if err := im.body(req, &r); err != nil {
		return err
	}
	if resp := l.SelectElement("response"); resp != nil {
		if t := strings.TrimSpace(selectText(resp, "type")); t != "" {
			r.Output = &BodyDef{Type: t}
		}
	}
	key := r.Method + " " + r.Path
	if i, dup := im.index[key]; dup {
		mergeRoute(&im.f.Routes[i], &r)
		return nil
	}
	im.index[key] = len(im.f.Routes)
	im.f.Routes = append(im.f.Routes, r)
	return nil
}

// selectText returns the text of el's first child named tag, or "".
func selectText(el *etree.Element, tag string) string {
	if c := el.SelectElement(tag); c != nil {
		return c.Text()
	}
	return ""
}

// mergeRoute adds what a second link of the same method and path says.
func mergeRoute(r, o *RouteDef) {
	for _, h := range o.Headers {
		addHeader(r, h)
	}
	for _, p := range o.Params {
		addURLParam(r, p)
	}
	if r.Input == nil {
		r.Input = o.Input
	}
	if r.Output == nil {
		r.Output = o.Output
	}
	r.Signatures = append(r.Signatures, o.Signatures...)
}

func addHeader(r *RouteDef, h Header) {
	for i := range r.Headers {
		if strings.EqualFold(r.Headers[i].Name, h.Name) {
			r.Headers[i].Required = r.Headers[i].Required || h.Required
			return
		}
	}
	r.Headers = append(r.Headers, h)
}

func addURLParam(r *RouteDef, p ParamDef) {
	for i := range r.Params {
		if r.Params[i].Name == p.Name {
			r.Params[i].Required = r.Params[i].Required || p.Required
			return
		}
	}
	r.Params = append(r.Params, p)
}

// rsdlTemplate turns an RSDL href ("vms/{vm:id}/start") into a route path
// ("/vms/{vm_id}/start"), refusing anything that is not a path of literal
// segments and whole-segment placeholders.
func rsdlTemplate(href string) (string, error) {
	h := strings.TrimSpace(href)
	if strings.ContainsAny(h, "?#; \t\r\n") {
		return "", fmt.Errorf("href %q is not a path template (no query, matrix or spaces)", asciiSafe(href, 120))
	}
	h = strings.Trim(h, "/")
	if h == "" {
		return "/", nil
	}
	var b strings.Builder
	for _, seg := range strings.Split(h, "/") {
		b.WriteByte('/')
		switch {
		case seg == "":
			return "", fmt.Errorf("href %q has an empty segment", asciiSafe(href, 120))
		case strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}"):
			name := seg[1 : len(seg)-1]
			if name == "" || strings.ContainsAny(name, "{}") {
				return "", fmt.Errorf("href %q: placeholder %q is empty or nested", asciiSafe(href, 120), asciiSafe(seg, 60))
			}
			b.WriteString("{" + strings.ReplaceAll(name, ":", "_") + "}")
		case strings.ContainsAny(seg, "{}"):
			return "", fmt.Errorf("href %q: segment %q has an unbalanced or partial placeholder (a placeholder is a whole segment such as {vm:id})",
				asciiSafe(href, 120), asciiSafe(seg, 60))
		default:
			b.WriteString(seg)
		}
	}
	return b.String(), nil
}

func (im *rsdlImporter) headers(req *etree.Element, r *RouteDef) error {
	hs := req.SelectElement("headers")
	if hs == nil {
		return nil
	}
	for _, h := range hs.SelectElements("header") {
		name := strings.TrimSpace(selectText(h, "name"))
		if name == "" {
			return im.fail(h, "<header> without a <name>")
		}
		addHeader(r, Header{Name: name, Required: h.SelectAttrValue("required", "") == "true"})
	}
	return nil
}

func (im *rsdlImporter) urlParams(req *etree.Element, r *RouteDef) error {
	u := req.SelectElement("url")
	if u == nil {
		return nil
	}
	for _, set := range u.SelectElements("parameters_set") {
		for _, p := range set.SelectElements("parameter") {
			name := strings.TrimSpace(selectText(p, "name"))
			if name == "" {
				return im.fail(p, "URL <parameter> without a <name>")
			}
			ctx := p.SelectAttrValue("context", "query")
			if ctx != "query" && ctx != "matrix" {
				return im.fail(p, "URL parameter %q: context %q is not query or matrix", asciiSafe(name, 60), asciiSafe(ctx, 20))
			}
			addURLParam(r, ParamDef{Name: name, Context: ctx, Type: rsdlScalar(p.SelectAttrValue("type", "")),
				Required: p.SelectAttrValue("required", "") == "true"})
		}
	}
	return nil
}

// rsdlScalar reads a parameter type as the engine meant it.
func rsdlScalar(t string) string {
	t = strings.TrimRight(strings.TrimSpace(t), ",")
	t = strings.Replace(t, "xs.", "xs:", 1)
	switch t {
	case "xs:boolen":
		return "xs:boolean"
	case "":
		return "xs:string"
	}
	return t
}

// body reads a request body: its type and its parameter sets, each one a
// signature (required parameters mandatory, the others optional). A body
// the RSDL marks required="false" may be left out: it gets an empty
// signature, which an absent body satisfies.
func (im *rsdlImporter) body(req *etree.Element, r *RouteDef) error {
	b := req.SelectElement("body")
	if b == nil {
		return nil
	}
	t := strings.TrimSpace(selectText(b, "type"))
	if t == "" {
		// Real RSDLs have bodies with an empty parameter set and no type.
		for _, set := range b.SelectElements("parameters_set") {
			if set.SelectElement("parameter") != nil {
				return im.fail(b, "<body> has parameters but no <type>")
			}
		}
		return nil
	}
	r.Input = &BodyDef{Type: t}
	for _, set := range b.SelectElements("parameters_set") {
		var sig SignatureDef
		if err := im.signature(set, "", &sig); err != nil {
			return err
		}
		sort.Strings(sig.Mandatory)
		sort.Strings(sig.Optional)
		r.Signatures = append(r.Signatures, sig)
	}
	if b.SelectAttrValue("required", "") == "false" && len(r.Signatures) > 0 {
		r.Signatures = append(r.Signatures, SignatureDef{})
	}
	return nil
}

// signature flattens a parameter set into dotted paths. A collection
// parameter ("vm.disks.disk", holding "disk.id") gives its own path,
// "vm.disks.disk" (mandatory when it is required: at least one <disk>), and
// its items' paths, "vm.disks.disk[].id" (mandatory: every <disk> there
// needs an id).
func (im *rsdlImporter) signature(set *etree.Element, prefix string, sig *SignatureDef) error {
	for _, p := range set.SelectElements("parameter") {
		name := strings.TrimSpace(selectText(p, "name"))
		if name == "" || strings.Contains(name, "..") || strings.HasPrefix(name, ".") || strings.HasSuffix(name, ".") {
			return im.fail(p, "body parameter %q is not a dotted path", asciiSafe(name, 80))
		}
		required := p.SelectAttrValue("required", "") == "true"
		path := name
		if prefix != "" {
			// Inside a collection "vm.disks.disk", "disk.id" is the id of
			// each <disk>; a name not starting with the item is below it.
			item := strings.TrimSuffix(prefix[strings.LastIndexByte(prefix, '.')+1:], "[]")
			path = prefix + "[]"
			switch {
			case name == item:
			case strings.HasPrefix(name, item+"."):
				path += name[len(item):]
			default:
				path += "." + name
			}
		}
		if p.SelectAttrValue("type", "") == "collection" {
			for _, n := range p.SelectElements("parameters_set") {
				if err := im.signature(n, path, sig); err != nil {
					return err
				}
			}
		}
		if required {
			sig.Mandatory = append(sig.Mandatory, path)
		} else {
			sig.Optional = append(sig.Optional, path)
		}
	}
	return nil
}
