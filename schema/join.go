package schema

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Join combines the types and elements of an XSD's File with the routes of
// another File (an RSDL's, from ImportRSDL, or a model's) into one File
// that Build turns into a Model. It fills in what neither says alone:
//
//   - each body's root element, from the XSD's global element of the
//     route's type (Bookmark -> <bookmark>);
//   - List rather than Get for a GET answering a collection;
//   - the parameters of each action body: the children of <action> its
//     signatures name (plus async in v3, where every action takes it), or,
//     when the RSDL names none, any child the XSD allows;
//   - a GET / route answering <api> when the RSDL does not describe the
//     entry point (engines do not);
//   - the hypermedia: when the routes' File knows the link rels and
//     actions of its types, those; else, for each type a GET route
//     answers, the segments of the routes one level below (an action, such
//     as "start", for POST actions; a link rel, such as "nics", for the
//     others), the search form of searchable collections ("users/search"),
//     and for every type the members that refer to resources, as the
//     engine names their links ("disk_profile" is rel "diskprofile").
//
// The API version is the one both Files give (they must agree); a route
// whose type the XSD lacks is an error naming both.
func Join(types, routes *File) (*File, error) {
	api := types.API
	if routes.API != 0 {
		if api != 0 && api != routes.API {
			return nil, fmt.Errorf("schema: the XSD describes API v%d but the routes are of v%d: %w", api, routes.API, ErrModel)
		}
		api = routes.API
	}
	if api == 0 {
		return nil, fmt.Errorf("schema: neither the XSD nor the routes say which API version they describe: %w", ErrModel)
	}
	pm, err := Build(&File{Format: FileFormat, API: api, Types: types.Types, Elements: types.Elements})
	if err != nil {
		return nil, err
	}
	out := &File{Format: FileFormat, API: api, Version: routes.Version, BasePath: routes.BasePath,
		Source: types.Source, Hypermedia: true, Elements: types.Elements,
		Types: append([]TypeDef(nil), types.Types...)}
	if out.Version == "" {
		// The XSD's own version attribute is the schema document's ("1.0"),
		// not the API's.
		out.Version = strconv.Itoa(api)
	}
	if out.BasePath == "" {
		out.BasePath = BasePathOf(api)
	}
	j := &joiner{pm: pm, api: api}
	hasRoot := false
	for i := range routes.Routes {
		r, err := j.route(&routes.Routes[i])
		if err != nil {
			return nil, err
		}
		hasRoot = hasRoot || r.Method == "GET" && r.Path == "/"
		out.Routes = append(out.Routes, r)
	}
	if at := pm.Element("api"); !hasRoot && at != nil {
		out.Routes = append(out.Routes, RouteDef{Method: "GET", Path: "/", Operation: "Get", Kind: "Get",
			Output: &BodyDef{Element: "api", Type: at.Name}})
	}
	if knowsHypermedia(routes) {
		copyHypermedia(out, routes)
	} else {
		deriveHypermedia(out, pm, api)
	}
	return out, nil
}

type joiner struct {
	pm  *Model
	api int
}

// body resolves a body's type and root element against the XSD.
func (j *joiner) body(b *BodyDef, where string) (*BodyDef, *Type, error) {
	if b == nil {
		return nil, nil, nil
	}
	t := j.pm.Type(b.Type)
	if t == nil {
		return nil, nil, fmt.Errorf("schema: route %s: type %q is not in the XSD: %w", where, b.Type, ErrModel)
	}
	out := *b
	out.Params = append([]string(nil), b.Params...)
	if out.Element == "" || j.pm.Element(out.Element) != t {
		out.Element = j.pm.ElementOf(t)
	}
	if out.Element == "" {
		return nil, nil, fmt.Errorf("schema: route %s: type %q has no global element in the XSD: %w", where, b.Type, ErrModel)
	}
	return &out, t, nil
}

func (j *joiner) route(d *RouteDef) (RouteDef, error) {
	r := *d
	where := r.Method + " " + r.Path
	var err error
	var in, outT *Type
	if r.Input, in, err = j.body(d.Input, where); err != nil {
		return r, err
	}
	if r.Output, outT, err = j.body(d.Output, where); err != nil {
		return r, err
	}
	if r.Kind == "Get" && outT != nil && outT.Item != nil {
		r.Kind = "List"
	}
	if r.Operation == "" {
		r.Operation = r.Kind
	}
	if r.Input != nil && r.Input.Element == "action" && len(r.Input.Params) == 0 && (r.Kind == "Action" || r.Kind == "Remove") {
		r.Input.Params = j.actionParams(d, in)
	}
	return r, nil
}

// actionParams returns the children of <action> a route's signatures
// name. A route whose RSDL gives no parameter set at all (v3 engines leave
// some out, copy and move among them, which do take parameters) may carry
// any child the XSD allows.
func (j *joiner) actionParams(d *RouteDef, action *Type) []string {
	set := map[string]bool{}
	if len(d.Signatures) == 0 {
		for _, e := range action.Elems {
			set[e.Name] = true
		}
		return setKeys(set)
	}
	for _, s := range d.Signatures {
		for _, p := range append(append([]string(nil), s.Mandatory...), s.Optional...) {
			segs := strings.Split(p, ".")
			if len(segs) < 2 || segs[0] != "action" {
				continue
			}
			for _, alt := range strings.Split(strings.TrimSuffix(segs[1], "[]"), "|") {
				if action.Elem(alt) != nil { // others are unknown elements anyway
					set[alt] = true
				}
			}
		}
	}
	if j.api == 3 && action.Elem("async") != nil {
		set["async"] = true
	}
	if len(set) == 0 {
		return []string{}
	}
	return setKeys(set)
}

// knowsHypermedia reports whether a File carries link rels and actions.
func knowsHypermedia(f *File) bool {
	if !f.Hypermedia {
		return false
	}
	for _, t := range f.Types {
		if len(t.Rels) > 0 || len(t.Actions) > 0 {
			return true
		}
	}
	return false
}

func copyHypermedia(out, from *File) {
	byName := make(map[string]*TypeDef, len(from.Types))
	for i := range from.Types {
		byName[from.Types[i].Name] = &from.Types[i]
	}
	for i := range out.Types {
		if src := byName[out.Types[i].Name]; src != nil {
			out.Types[i].Rels = append([]string(nil), src.Rels...)
			out.Types[i].Actions = append([]string(nil), src.Actions...)
		}
	}
}

// deriveHypermedia sets the link rels and actions of the types from the
// routes one level below the paths that answer them, and from their
// members that refer to resources.
func deriveHypermedia(out *File, pm *Model, api int) {
	rels := map[string]map[string]bool{}
	acts := map[string]map[string]bool{}
	add := func(m map[string]map[string]bool, t, v string) {
		if m[t] == nil {
			m[t] = map[string]bool{}
		}
		m[t][v] = true
	}
	// Types answered at each path (a path may answer one type, and a type
	// may be answered at many paths: a disk under a VM and at top level).
	typesAt := map[string][]string{}
	for _, r := range out.Routes {
		if r.Method == "GET" && r.Output != nil {
			typesAt[r.Path] = append(typesAt[r.Path], r.Output.Type)
		}
	}
	for _, r := range out.Routes {
		i := strings.LastIndexByte(r.Path, '/')
		parent, seg := r.Path[:i], r.Path[i+1:]
		if parent == "" {
			parent = "/"
		}
		if seg == "" || isTemplateParam(seg) {
			continue
		}
		for _, t := range typesAt[parent] {
			if r.Kind == "Action" {
				add(acts, t, seg)
				continue
			}
			add(rels, t, seg)
			if r.Kind == "List" && hasParam(r, "search") {
				add(rels, t, seg+"/search")
			}
		}
	}
	for _, t := range pm.Types() {
		for _, e := range t.Elems {
			if e.Type.Resource || e.Type.Item != nil && e.Type.Item.Type.Resource {
				add(rels, t.Name, strings.ReplaceAll(e.Name, "_", ""))
			}
		}
	}
	if api == 3 {
		for t, rs := range v3EngineRels() {
			for _, r := range rs {
				add(rels, t, r)
			}
		}
	}
	for i := range out.Types {
		d := &out.Types[i]
		d.Rels = setKeys(rels[d.Name])
		d.Actions = setKeys(acts[d.Name])
	}
}

// v3EngineRels are the links a v3 engine writes that its RSDL does not
// describe, as the v3 engine's LinkHelper and BackendApiResource write
// them: the entry point's special objects, and an action's links to the
// resource it acted on and to itself.
func v3EngineRels() map[string][]string {
	return map[string][]string{
		"SpecialObjects": {"templates/blank", "tags/root"},
		"Action":         {"parent", "replay"},
	}
}

func hasParam(r RouteDef, name string) bool {
	for _, p := range r.Params {
		if p.Name == name {
			return true
		}
	}
	return false
}

func setKeys(m map[string]bool) []string {
	if len(m) == 0 {
		return nil
	}
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
