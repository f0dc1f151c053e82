package schema

import (
	"sort"
	"strings"
)

// Kind is what an operation does, as the oVirt model names it.
type Kind uint8

// The operation kinds of the oVirt model. Every other operation is an
// action: POST to .../{name} with an <action> body.
const (
	Get Kind = iota
	List
	Add
	Update
	Remove
	Action
)

var kindNames = [...]string{"Get", "List", "Add", "Update", "Remove", "Action"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Action"
}

// Body is the document a route takes or returns: its root element and type.
type Body struct {
	// Element is the root element's name ("vm", "vms", "action").
	Element string
	// Type is the root element's type.
	Type *Type
	// Params, for action bodies, lists the parameters this action takes
	// (the children of <action> that belong to it), sorted.
	Params []string
	// DeprecatedParams lists the action parameters the model deprecates,
	// sorted.
	DeprecatedParams []string

	paramSet map[string]struct{}
}

// HasParam reports whether an action body takes parameter name.
func (b *Body) HasParam(name string) bool {
	_, ok := b.paramSet[name]
	return ok
}

// Param is a URL parameter of a route.
type Param struct {
	Name string
	// Context is "query" or "matrix".
	Context  string
	Type     Scalar
	Required bool
	// Deprecated marks parameters the model deprecates.
	Deprecated bool
}

// Header is a request header a route documents.
type Header struct {
	Name     string
	Required bool
}

// Signature is one accepted combination of body fields, as dotted paths
// from the root ("vm.cluster.id|name": the id or the name of the cluster).
type Signature struct {
	Mandatory []string
	Optional  []string
}

// Route is one method and path template of the API.
type Route struct {
	Method string
	// Path is the template below the base path, e.g. "/vms/{vm_id}/start".
	Path string
	// Service and Operation name the model's service and method.
	Service   string
	Operation string
	Kind      Kind
	// Item is the service that serves a single item of a collection route
	// (List, Add), or "".
	Item string
	// Input is the request body, or nil when the route takes none.
	Input *Body
	// Output is the response body, or nil when the route returns none.
	Output *Body
	// Params are the URL parameters the route accepts, sorted by name.
	Params []Param
	// Headers are the request headers the route documents.
	Headers []Header
	// Signatures are the accepted combinations of body fields.
	Signatures []Signature
	// Deprecated marks routes the model deprecates.
	Deprecated bool
}

// String returns "METHOD /path".
func (r *Route) String() string { return r.Method + " " + r.Path }

// IsAction reports whether the route is an action (POST .../{name}).
func (r *Route) IsAction() bool { return r.Kind == Action }

// Param returns the named URL parameter, or nil.
func (r *Route) Param(name string) *Param {
	i := sort.Search(len(r.Params), func(i int) bool { return r.Params[i].Name >= name })
	if i < len(r.Params) && r.Params[i].Name == name {
		return &r.Params[i]
	}
	return nil
}

// RouteTable finds the route of a method and path.
type RouteTable struct {
	routes []*Route
	root   *node
}

type node struct {
	literal map[string]*node
	param   *node
	methods map[string]*Route
}

func newRouteTable(routes []*Route) *RouteTable {
	t := &RouteTable{routes: routes, root: &node{}}
	for _, r := range routes {
		n := t.root
		for _, seg := range splitPath(r.Path) {
			if isTemplateParam(seg) {
				if n.param == nil {
					n.param = &node{}
				}
				n = n.param
				continue
			}
			if n.literal == nil {
				n.literal = map[string]*node{}
			}
			next := n.literal[seg]
			if next == nil {
				next = &node{}
				n.literal[seg] = next
			}
			n = next
		}
		if n.methods == nil {
			n.methods = map[string]*Route{}
		}
		if _, dup := n.methods[r.Method]; !dup {
			n.methods[r.Method] = r
		}
	}
	return t
}

func isTemplateParam(seg string) bool {
	return strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}")
}

func splitPath(p string) []string {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil
	}
	return strings.Split(p, "/")
}

// All returns every route, in the table's order.
func (t *RouteTable) All() []*Route { return t.routes }

// Len returns the number of routes.
func (t *RouteTable) Len() int { return len(t.routes) }

// Match is the result of finding a path in the table.
type Match struct {
	// Route is the route found, or nil.
	Route *Route
	// Allowed lists the methods the path takes when the path exists but
	// the method does not (HTTP 405), sorted.
	Allowed []string
	// Matrix holds the matrix parameters (";max=10") found in the path.
	Matrix map[string]string
	// IDs are the values of the template's parameters, in path order.
	IDs []string
}

// Lookup finds the route of method and rel, a path below the base path.
// HEAD is looked up as GET. Matrix parameters are stripped from each
// segment and returned in Match.Matrix.
func (t *RouteTable) Lookup(method, rel string) Match {
	var m Match
	n := t.root
	for _, seg := range splitPath(rel) {
		if i := strings.IndexByte(seg, ';'); i >= 0 {
			for _, kv := range strings.Split(seg[i+1:], ";") {
				if kv == "" {
					continue
				}
				k, v, _ := strings.Cut(kv, "=")
				if m.Matrix == nil {
					m.Matrix = map[string]string{}
				}
				m.Matrix[k] = v
			}
			seg = seg[:i]
		}
		if next := n.literal[seg]; next != nil {
			n = next
			continue
		}
		if n.param == nil || seg == "" {
			return Match{}
		}
		m.IDs = append(m.IDs, seg)
		n = n.param
	}
	if len(n.methods) == 0 {
		return Match{}
	}
	if method == "HEAD" {
		method = "GET"
	}
	if r := n.methods[method]; r != nil {
		m.Route = r
		return m
	}
	for k := range n.methods {
		m.Allowed = append(m.Allowed, k)
	}
	sort.Strings(m.Allowed)
	return m
}

// Find returns the route with exactly this method and template, or nil.
func (t *RouteTable) Find(method, template string) *Route {
	for _, r := range t.routes {
		if r.Method == method && r.Path == template {
			return r
		}
	}
	return nil
}
