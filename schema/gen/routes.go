package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ovcompat/ovcompat/schema"
)

// rsdlMeta is the layout of rsdl_metadata.yaml.
type rsdlMeta struct {
	Actions []struct {
		Name    string `json:"name"`
		Request struct {
			URLParams map[string]struct {
				Context  string `json:"context"`
				Type     string `json:"type"`
				Required bool   `json:"required"`
			} `json:"urlparams"`
			Headers map[string]struct {
				Required bool `json:"required"`
			} `json:"headers"`
			Body struct {
				ParameterType string `json:"parameterType"`
				Signatures    []struct {
					Mandatory map[string]any `json:"mandatoryArguments"`
					Optional  map[string]any `json:"optionalArguments"`
				} `json:"signatures"`
			} `json:"body"`
		} `json:"request"`
	} `json:"actions"`
}

// readMeta decodes rsdl_metadata.yaml. The file repeats a few mapping keys
// (the engine's loader keeps the last), which yaml.v3 refuses, so it is read
// as nodes, converted keeping the last value, and decoded from that.
func readMeta(data []byte) (*rsdlMeta, error) {
	// The document carries a Java class tag on its root; drop it.
	data = bytes.Replace(data, []byte("!!org.ovirt.engine.api.rsdl.MetaData"), nil, 1)
	// DELETE /storagedomains/{id} lists "destroy" twice; the second, "the
	// id or name of the host", is the host parameter. The engine needs a
	// host only when the domain is not destroyed, a condition a required
	// flag cannot say, so it is optional here.
	data = bytes.Replace(data, []byte(`      destroy:
        context: matrix
        type: xs:string
        value: the id or name of the host
        required: true`), []byte(`      host:
        context: matrix
        type: xs:string
        value: the id or name of the host
        required: false`), 1)
	var n yaml.Node
	if err := yaml.Unmarshal(data, &n); err != nil {
		return nil, fmt.Errorf("rsdl_metadata.yaml: %w", err)
	}
	js, err := json.Marshal(nodeValue(&n))
	if err != nil {
		return nil, fmt.Errorf("rsdl_metadata.yaml: %w", err)
	}
	var md rsdlMeta
	if err := json.Unmarshal(js, &md); err != nil {
		return nil, fmt.Errorf("rsdl_metadata.yaml: %w", err)
	}
	return &md, nil
}

func nodeValue(n *yaml.Node) any {
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil
		}
		return nodeValue(n.Content[0])
	case yaml.MappingNode:
		m := map[string]any{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			m[n.Content[i].Value] = nodeValue(n.Content[i+1])
		}
		return m
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			out = append(out, nodeValue(c))
		}
		return out
	case yaml.AliasNode:
		return nodeValue(n.Alias)
	}
	switch n.Tag {
	case "!!bool":
		return n.Value == "true"
	case "!!null":
		return nil
	}
	return n.Value
}

var placeholder = regexp.MustCompile(`\{[^}]*\}`)

// routeKey normalises a method and path template for matching the two
// sources: routes.tsv writes {vm_id}, the RSDL metadata {vm:id}.
func routeKey(method, path string) string {
	return method + " " + placeholder.ReplaceAllString(path, "{}")
}

// addRoutes reads routes.tsv and joins each route with its model method and
// its RSDL metadata (URL parameters, headers, body signatures).
func (g *generator) addRoutes(f *schema.File, tsv, meta []byte, st *stats) error {
	md, err := readMeta(meta)
	if err != nil {
		return err
	}
	byKey := map[string]int{}
	for i, a := range md.Actions {
		path, rel, ok := strings.Cut(a.Name, "|rel=")
		if !ok {
			continue
		}
		method := "POST"
		switch rel {
		case "get":
			method = "GET"
		case "add":
			method = "POST"
		case "update":
			method = "PUT"
		case "delete":
			method = "DELETE"
		}
		byKey[routeKey(method, path)] = i
	}
	st.rsdlTotal = len(byKey)
	lines := strings.Split(strings.TrimSpace(string(tsv)), "\n")
	for n, line := range lines[1:] {
		cols := strings.Split(line, "\t")
		if len(cols) != 4 {
			return fmt.Errorf("routes.tsv line %d: want 4 columns, have %d", n+2, len(cols))
		}
		method, path, svc, op := cols[0], strings.TrimPrefix(cols[1], f.BasePath), cols[2], cols[3]
		if path == "" {
			path = "/"
		}
		r, err := g.route(method, path, svc, op)
		if err != nil {
			return fmt.Errorf("routes.tsv line %d: %w", n+2, err)
		}
		if i, ok := byKey[routeKey(method, path)]; ok {
			st.rsdlMatched++
			a := md.Actions[i]
			for name, p := range a.Request.URLParams {
				addParam(&r, schema.ParamDef{Name: name, Context: p.Context, Type: p.Type, Required: p.Required})
			}
			for _, h := range sortedKeys(a.Request.Headers) {
				r.Headers = append(r.Headers, schema.Header{Name: h, Required: a.Request.Headers[h].Required})
			}
			for _, s := range a.Request.Body.Signatures {
				r.Signatures = append(r.Signatures, schema.SignatureDef{
					Mandatory: flattenArgs(s.Mandatory), Optional: flattenArgs(s.Optional)})
			}
		}
		sort.Slice(r.Params, func(i, j int) bool { return r.Params[i].Name < r.Params[j].Name })
		f.Routes = append(f.Routes, r)
	}
	return nil
}

// addParam adds p, or merges the RSDL's context and requiredness into the
// model's parameter of the same name.
func addParam(r *schema.RouteDef, p schema.ParamDef) {
	for i := range r.Params {
		if r.Params[i].Name == p.Name {
			if p.Context != "" {
				r.Params[i].Context = p.Context
			}
			r.Params[i].Required = r.Params[i].Required || p.Required
			return
		}
	}
	if p.Type == "" || strings.Contains(p.Type, "evic") {
		p.Type = "xs:string"
	}
	r.Params = append(r.Params, p)
}

// flattenArgs writes a signature's arguments as sorted dotted paths. A
// collection ("vm.disks.disk--COLLECTION" with {"disk.id": ...}) becomes
// "vm.disks.disk[].id".
func flattenArgs(args map[string]any) []string {
	var out []string
	for k, v := range args {
		base, coll := strings.CutSuffix(k, "--COLLECTION")
		sub, ok := v.(map[string]any)
		if !coll || !ok {
			out = append(out, k)
			continue
		}
		item := base[strings.LastIndexByte(base, '.')+1:]
		for sk := range sub {
			rest := strings.TrimPrefix(strings.TrimPrefix(sk, item), ".")
			if rest == "" {
				out = append(out, base+"[]")
			} else {
				out = append(out, base+"[]."+rest)
			}
		}
	}
	sort.Strings(out)
	return out
}

// method finds a service's method, looking through its base services.
func (g *generator) method(svc, op string) (methodJSON, bool) {
	s, ok := g.m.Services[svc]
	if !ok {
		return methodJSON{}, false
	}
	if m, ok := s.Methods[op]; ok {
		return m, true
	}
	for _, b := range s.Bases {
		if m, ok := g.method(b, op); ok {
			return m, true
		}
	}
	return methodJSON{}, false
}

// locators returns a service's locators, its bases' included.
func (g *generator) locators(svc string) []locatorJSON {
	s := g.m.Services[svc]
	out := append([]locatorJSON(nil), s.Locators...)
	for _, b := range s.Bases {
		out = append(out, g.locators(b)...)
	}
	return out
}

func (g *generator) route(method, path, svc, op string) (schema.RouteDef, error) {
	r := schema.RouteDef{Method: method, Path: path, Service: svc, Operation: op}
	md, ok := g.method(svc, op)
	if !ok {
		return r, fmt.Errorf("%s %s: service %s has no method %s", method, path, svc, op)
	}
	kind := op
	if !isStandard(op) {
		kind = "Action"
	}
	r.Kind = kind
	var structIn, out *paramJSON
	var actionParams []string
	for i := range md.Params {
		p := &md.Params[i]
		if p.Dir == "out" || p.Dir == "inout" {
			out = p
		}
		if (p.Dir == "in" || p.Dir == "inout") && g.isStruct(p.Type) && structIn == nil {
			structIn = p
		}
		if p.Dir == "in" || p.Dir == "inout" {
			actionParams = append(actionParams, p.XML)
		}
		if kind != "Action" && p.Dir == "in" && !g.isStruct(p.Type) && !p.List {
			typ := primitives[p.Type]
			if typ == "" {
				typ = "xs:string" // enums travel as their value
			}
			addParam(&r, schema.ParamDef{Name: p.XML, Context: "query", Type: typ})
		}
	}
	for _, e := range md.Extends {
		if strings.HasSuffix(e, "Follow") {
			addParam(&r, schema.ParamDef{Name: "follow", Context: "query", Type: "xs:string"})
		}
	}
	body := func(p *paramJSON, list bool) *schema.BodyDef {
		if list {
			return &schema.BodyDef{Element: pluralTag(p.Type), Type: pluralTypeName(p.Type)}
		}
		return &schema.BodyDef{Element: typeTag(p.Type), Type: xsdTypeName(p.Type)}
	}
	action := &schema.BodyDef{Element: "action", Type: "Action"}
	switch kind {
	case "Get", "List":
		if out == nil || !g.isStruct(out.Type) {
			return r, fmt.Errorf("%s %s: %s has no struct output", method, path, op)
		}
		r.Output = body(out, kind == "List")
	case "Add", "Update":
		if structIn == nil {
			return r, fmt.Errorf("%s %s: %s has no struct input", method, path, op)
		}
		r.Input = body(structIn, structIn.List)
		r.Output = body(structIn, structIn.List)
	case "Remove":
		if structIn != nil {
			// A few removes take their parameters in an <action> body.
			in := *action
			in.Params = actionParams
			r.Input = &in
		}
	case "Action":
		in := *action
		in.Params = actionParams
		r.Input = &in
		r.Output = action
	}
	if kind == "List" || kind == "Add" {
		for _, l := range g.locators(svc) {
			if l.ByID {
				r.Item = l.Service
			}
		}
	}
	return r, nil
}

// addHypermedia sets each resource type's link rels and actions: its link
// members (wire name without underscores), plus the locator segments and
// action names of every service whose Get returns the type.
func (g *generator) addHypermedia(f *schema.File) {
	rels := map[string]map[string]bool{}
	acts := map[string]map[string]bool{}
	add := func(m map[string]map[string]bool, t, v string) {
		if m[t] == nil {
			m[t] = map[string]bool{}
		}
		m[t][v] = true
	}
	getType := map[string]string{} // service -> type its Get returns
	for _, r := range f.Routes {
		if r.Operation == "Get" && r.Output != nil {
			getType[r.Service] = r.Output.Type
		}
	}
	for _, r := range f.Routes {
		t, ok := getType[r.Service]
		if !ok || r.Kind != "Action" {
			continue
		}
		add(acts, t, r.Path[strings.LastIndexByte(r.Path, '/')+1:])
	}
	searchable := map[string]bool{} // services whose List takes a search
	for _, r := range f.Routes {
		for _, p := range r.Params {
			if r.Kind == "List" && p.Name == "search" {
				searchable[r.Service] = true
			}
		}
	}
	for svc, t := range getType {
		for _, l := range g.locators(svc) {
			if !l.ByID {
				add(rels, t, l.Segment)
				// Engines also link a search form of searchable
				// sub-collections ("users/search" on a domain).
				if searchable[l.Service] {
					add(rels, t, l.Segment+"/search")
				}
			}
		}
	}
	// The API root links every top-level collection, and a search form of
	// those that take a search parameter ("vms/search").
	for _, r := range f.Routes {
		if r.Kind == "List" && strings.Count(r.Path, "/") == 1 {
			add(rels, "Api", strings.TrimPrefix(r.Path, "/"))
			for _, p := range r.Params {
				if p.Name == "search" {
					add(rels, "Api", strings.TrimPrefix(r.Path, "/")+"/search")
				}
			}
		}
	}
	for tn := range g.types {
		for x := tn; x != ""; {
			t := g.types[x]
			for _, m := range t.Members {
				if m.Link {
					add(rels, xsdTypeName(tn), strings.ReplaceAll(m.XML, "_", ""))
				}
			}
			if len(t.Bases) == 0 {
				break
			}
			x = t.Bases[0]
		}
	}
	for i := range f.Types {
		d := &f.Types[i]
		if d.Model == "" || d.Simple {
			continue
		}
		d.Rels = sortedKeys(rels[d.Name])
		d.Actions = sortedKeys(acts[d.Name])
	}
}
