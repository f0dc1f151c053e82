package compat

import (
	"mime"
	"net/url"
	"sort"
	"strings"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/schema"
)

// Usage is what one client used of the API, as its recordings show it,
// read against the model of the release it was recorded with.
type Usage struct {
	Client string
	// Routes used, by "METHOD template".
	Routes map[string]*RouteUsage
	// Outside counts requests to paths the model has no route for, by
	// "METHOD path".
	Outside map[string]int
	// Skipped counts requests left out: not the v4 API.
	Skipped int
}

// RouteUsage is what a client used of one route.
type RouteUsage struct {
	Method, Route string
	Requests      int
	// Read and Sent are the members the client read in responses and sent
	// in requests, by the type they were met in.
	Read, Sent map[member]bool
	// Values are the enum values read or sent, by enum type.
	Values map[member]bool
	// EnumsRead are the enum types met in responses.
	EnumsRead map[string]bool
	// Types are every type met, either way.
	Types map[*schema.Type]bool
	// Params are the URL parameters sent (query and matrix).
	Params map[string]bool
	// Bodies are request bodies, for checking what a release makes
	// mandatory (at most maxBodies).
	Bodies []*etree.Element
}

// member is a member of a type (an element, "@attribute" or enum value).
type member struct {
	t    *schema.Type
	name string
}

const maxBodies = 32

// Use reads what each client used in the exchanges, against model m.
// Clients come sorted by name.
func Use(m *schema.Model, exs []Exchange) []*Usage {
	by := map[string]*Usage{}
	for i := range exs {
		ex := &exs[i]
		u := by[ex.Client]
		if u == nil {
			u = &Usage{Client: ex.Client, Routes: map[string]*RouteUsage{}, Outside: map[string]int{}}
			by[ex.Client] = u
		}
		u.add(m, ex)
	}
	out := make([]*Usage, 0, len(by))
	for _, u := range by {
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Client < out[j].Client })
	return out
}

// apiPath returns a request's path below the API's base, and whether it
// is a v4 request at all.
func apiPath(m *schema.Model, ex *Exchange) (string, url.Values, bool) {
	u, err := url.Parse(ex.URL)
	if err != nil || ex.Version == "3" {
		return "", nil, false
	}
	rel, ok := strings.CutPrefix(u.Path, m.BasePath)
	if !ok || strings.HasPrefix(rel, "/v3") {
		return "", nil, false
	}
	rel = strings.TrimPrefix(rel, "/v4")
	if rel == "" {
		rel = "/"
	}
	return rel, u.Query(), true
}

func (u *Usage) add(m *schema.Model, ex *Exchange) {
	rel, query, ok := apiPath(m, ex)
	if !ok {
		u.Skipped++
		return
	}
	match := m.Routes().Lookup(ex.Method, rel)
	if match.Route == nil {
		u.Outside[ex.Method+" "+rel]++
		return
	}
	r := match.Route
	key := r.String()
	ru := u.Routes[key]
	if ru == nil {
		ru = &RouteUsage{Method: r.Method, Route: r.Path, Read: map[member]bool{}, Sent: map[member]bool{},
			Values: map[member]bool{}, EnumsRead: map[string]bool{}, Types: map[*schema.Type]bool{}, Params: map[string]bool{}}
		u.Routes[key] = ru
	}
	ru.Requests++
	for name := range query {
		ru.Params[name] = true
	}
	for name := range match.Matrix {
		ru.Params[name] = true
	}
	if root := body(m, r, schema.Request, ex.ReqType, ex.ReqBody); root != nil {
		if len(ru.Bodies) < maxBodies {
			ru.Bodies = append(ru.Bodies, root)
		}
		ru.walkRoot(m, r.Input, root, ru.Sent, false)
	}
	if ex.Status >= 200 && ex.Status < 300 {
		if root := body(m, r, schema.Response, ex.RspType, ex.RspBody); root != nil {
			ru.walkRoot(m, r.Output, root, ru.Read, true)
		}
	}
}

// body parses a body, XML or JSON as its Content-Type says, or nil.
func body(m *schema.Model, r *schema.Route, dir schema.Direction, contentType string, data []byte) *etree.Element {
	if len(strings.TrimSpace(string(data))) == 0 {
		return nil
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	var doc *etree.Document
	var err error
	if strings.HasSuffix(mt, "json") {
		doc, err = m.JSONDocument(data, schema.Target{Route: r, Direction: dir}, schema.Limits{})
	} else {
		doc, err = schema.ParseXML(data, schema.Limits{})
	}
	if err != nil || doc.Root() == nil {
		return nil
	}
	return doc.Root()
}

// walkRoot records what a document holds, from its root: the type the
// route says, else the type of its root element.
func (ru *RouteUsage) walkRoot(m *schema.Model, b *schema.Body, root *etree.Element, into map[member]bool, read bool) {
	t := m.Element(root.Tag)
	if b != nil && b.Element == root.Tag {
		t = b.Type
	}
	if t == nil {
		return
	}
	ru.walk(t, root, into, read)
}

// walk records the members of el, of type t, and below it. Hypermedia
// (<link>, <actions>) is the engine's, not a member a client reads.
func (ru *RouteUsage) walk(t *schema.Type, el *etree.Element, into map[member]bool, read bool) {
	ru.Types[t] = true
	for _, a := range el.Attr {
		if a.Space == "" && t.Attr(a.Key) != nil {
			into[member{t, "@" + a.Key}] = true
		}
	}
	for _, c := range el.ChildElements() {
		if c.Space != "" || c.Tag == "link" || c.Tag == "actions" {
			continue
		}
		e := t.Elem(c.Tag)
		if e == nil {
			continue
		}
		into[member{t, c.Tag}] = true
		ru.value(e.Type, c, into, read)
	}
}

// value records what an element of type t holds: an enum's value, a
// list's items, a structure's members.
func (ru *RouteUsage) value(t *schema.Type, el *etree.Element, into map[member]bool, read bool) {
	switch {
	case t.IsEnum():
		ru.Types[t] = true
		ru.Values[member{t, strings.TrimSpace(el.Text())}] = true
		if read {
			ru.EnumsRead[t.Name] = true
		}
	case t.Item != nil && t.Model == "":
		ru.Types[t] = true
		for _, c := range el.ChildElements() {
			if c.Tag == t.Item.Name {
				ru.value(t.Item.Type, c, into, read)
			}
		}
	case !t.Simple:
		ru.walk(t, el, into, read)
	}
}
