package scenario

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/ovcompat/ovcompat/har"
	"github.com/ovcompat/ovcompat/schema"
)

// BuildOptions describe the scenario Build makes.
type BuildOptions struct {
	// Name of the scenario (required).
	Name        string
	Description string
	Labels      Labels
	Credit      string
	// Model is the API model used to recognise routes and name variables;
	// the embedded v4 model when nil.
	Model *schema.Model
	// NoCleanup leaves out the cleanup steps Build adds for resources the
	// scenario creates and never removes.
	NoCleanup bool
}

// Build turns a sequence of exchanges into a scenario, capturing ids
// automatically: an id that a response carries (the Location of an Add, the
// id attribute of the root or of a nested element) and a later request uses
// becomes a variable ({{vm.id}}), captured by the step whose response first
// carried it. Every resource an Add created gets a cleanup step that
// removes it (the replayer skips it when a step already did). Consecutive identical GETs of a resource
// with a status collapse into one step that polls until the last status. SSO token and logout exchanges are
// left out: credentials are the replayer's business.
func Build(exs []har.Exchange, o BuildOptions) (*Scenario, error) {
	if o.Name == "" {
		return nil, fmt.Errorf("scenario: build: a scenario needs a name")
	}
	m := o.Model
	if m == nil {
		var err error
		if m, err = schema.V4(); err != nil {
			return nil, fmt.Errorf("scenario: build: %w", err)
		}
	}
	b := &builder{model: m, vars: map[string]string{}, byValue: map[string]string{}}
	for i := range exs {
		if IsAuth(&exs[i]) {
			continue
		}
		b.add(redacted(&exs[i]))
	}
	if len(b.steps) == 0 {
		return nil, fmt.Errorf("scenario: build %s: no API exchanges to make steps of", o.Name)
	}
	sc := &Scenario{Name: o.Name, Description: o.Description, Labels: o.Labels, Credit: o.Credit}
	for _, s := range b.steps {
		sc.Steps = append(sc.Steps, s.Step)
	}
	if sc.Labels.API == "" {
		sc.Labels.API = b.api
	}
	if len(sc.Labels.Resource) == 0 {
		sc.Labels.Resource = b.resources
	}
	if !o.NoCleanup {
		sc.Cleanup = b.cleanup()
	}
	return sc, nil
}

// IsAuth reports whether the exchange is no API call but the engine's
// SSO (a token) or a logout, which Build leaves out.
func IsAuth(ex *har.Exchange) bool {
	return strings.HasPrefix(ex.Path, "/ovirt-engine/sso/") || strings.HasPrefix(ex.Path, "/ovirt-engine/services/")
}

type builder struct {
	model     *schema.Model
	steps     []*built
	vars      map[string]string // variable -> recorded value
	byValue   map[string]string // recorded value -> variable
	created   []created
	api       string
	resources []string
}

type built struct {
	Step
	root *Node
	rel  string
}

type created struct {
	v    string // variable
	path string // the item's path with the variable in it
}

// locate splits an API path into its API version and the path below the
// base ("/ovirt-engine/api/v4/vms" -> 4, "/vms").
func locate(p, versionHeader string) (api int, rel string, ok bool) {
	switch {
	case p == "/ovirt-engine/api" || strings.HasPrefix(p, "/ovirt-engine/api/"):
		api, rel = 4, strings.TrimPrefix(p, "/ovirt-engine/api")
		if strings.TrimSpace(versionHeader) == "3" {
			api = 3
		}
	case p == "/api" || strings.HasPrefix(p, "/api/"):
		api, rel = 3, strings.TrimPrefix(p, "/api")
	default:
		return 0, "", false
	}
	if v, after, found := strings.Cut(strings.TrimPrefix(rel, "/"), "/"); found || v == "v4" || v == "v3" {
		switch v {
		case "v4":
			api, rel = 4, "/"+after
		case "v3":
			api, rel = 3, "/"+after
		}
	}
	if rel == "" {
		rel = "/"
	}
	return api, rel, true
}

func (b *builder) add(ex *har.Exchange) {
	st := &built{Step: Step{Request: Request{Method: strings.ToUpper(ex.Method), Path: ex.Path, Body: string(ex.RequestBody)}}}
	st.Request.Header = keepHeaders(ex.RequestHeader, requestKeep())
	st.Request.Query = splitQuery(ex.RawQuery)
	st.Auth = authOf(ex)
	if ex.Role != RoleAdmin {
		st.Role = ex.Role
	}
	api, rel, inAPI := locate(ex.Path, ex.RequestHeader.Get("Version"))
	st.rel = rel
	var match schema.Match
	if inAPI {
		if b.api == "" {
			b.api = "v" + strconv.Itoa(api)
		}
		if seg, _, _ := strings.Cut(strings.TrimPrefix(rel, "/"), "/"); seg != "" && !slices.Contains(b.resources, seg) {
			b.resources = append(b.resources, seg)
			slices.Sort(b.resources)
		}
		match = b.model.Routes().Lookup(st.Request.Method, rel)
		if match.Route != nil {
			st.Name = st.Request.Method + " " + match.Route.Path
		}
	}
	b.substitute(st, match)
	if ex.Status > 0 {
		st.Response = &Response{Status: ex.Status, Header: keepHeaders(ex.ResponseHeader, responseKeep()), Body: string(ex.ResponseBody)}
		if root, err := ParseBody(ex.ResponseBody); err == nil {
			st.root = root
		}
	}
	if b.collapse(st) {
		return
	}
	b.steps = append(b.steps, st)
	if st.Response != nil && (match.Route != nil && match.Route.Kind == schema.Add || match.Route == nil && st.Request.Method == http.MethodPost) &&
		(ex.Status == http.StatusCreated || ex.Status == http.StatusAccepted) {
		b.captureCreated(st, ex)
	}
}

// substitute replaces ids in the request with variables, capturing them
// from the earlier response that first carried them.
func (b *builder) substitute(st *built, match schema.Match) {
	var params []string
	if match.Route != nil {
		for _, seg := range strings.Split(match.Route.Path, "/") {
			if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
				params = append(params, strings.Trim(seg, "{}"))
			}
		}
	}
	for i, id := range match.IDs {
		if _, known := b.byValue[id]; known || !idLike(id) {
			continue
		}
		param := "item_id"
		if i < len(params) {
			param = params[i]
		}
		b.captureEarlier(id, param)
	}
	// Ids in the request body (<network_attachment id="..."/>, "id": "...")
	// that an earlier response carried become variables too.
	if root, err := ParseBody([]byte(st.Request.Body)); err == nil {
		var walk func(n *Node)
		walk = func(n *Node) {
			if id, ok := n.Attr("id"); ok && idLike(id) {
				if _, known := b.byValue[id]; !known && n.Name != "" {
					b.captureEarlier(id, n.Name+"_id")
				}
			}
			for _, c := range n.Children {
				walk(c)
			}
		}
		walk(root)
	}
	// Replace every known value, longest first so one id inside another
	// never breaks it.
	values := make([]string, 0, len(b.byValue))
	for v := range b.byValue {
		values = append(values, v)
	}
	slices.SortFunc(values, func(x, y string) int {
		if len(x) != len(y) {
			return len(y) - len(x)
		}
		return strings.Compare(x, y)
	})
	for _, v := range values {
		ref := "{{" + b.byValue[v] + "}}"
		st.Request.Path = replaceSegments(st.Request.Path, v, ref)
		st.Request.Body = strings.ReplaceAll(st.Request.Body, v, ref)
		for j := range st.Request.Query {
			st.Request.Query[j].Value = strings.ReplaceAll(st.Request.Query[j].Value, v, ref)
		}
	}
}

// replaceSegments replaces path segments (or their part before a matrix
// parameter) equal to v.
func replaceSegments(p, v, ref string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		base, matrix, hasMatrix := strings.Cut(s, ";")
		if base == v {
			segs[i] = ref
			if hasMatrix {
				segs[i] += ";" + matrix
			}
		}
	}
	return strings.Join(segs, "/")
}

// idLike keeps short or common path segments from becoming variables.
func idLike(s string) bool {
	if len(s) < 6 {
		return false
	}
	for _, r := range s {
		if !(r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F') {
			return false
		}
	}
	return true
}

// newVar returns a fresh variable name for a template parameter ("vm_id"
// gives vm.id, then vm2.id).
func (b *builder) newVar(param string) string {
	base := strings.TrimSuffix(param, "_id")
	if base == "" || base == param {
		base = strings.ReplaceAll(param, "_", "-")
	}
	for n := 1; ; n++ {
		name := base + ".id"
		if n > 1 {
			name = base + strconv.Itoa(n) + ".id"
		}
		if _, used := b.vars[name]; !used {
			return name
		}
	}
}

func (b *builder) bind(st *built, v, value string, c Capture) {
	c.Var = v
	st.Captures = append(st.Captures, c)
	b.vars[v] = value
	b.byValue[value] = v
}

// captureEarlier finds id in an earlier response and captures it there.
func (b *builder) captureEarlier(id, param string) {
	for _, st := range b.steps {
		if st.Response == nil {
			continue
		}
		var c Capture
		switch {
		case st.root != nil && attrIs(st.root, "id", id):
			c = Capture{From: FromID}
		case lastSegment(Get(st.Response.Header, "Location")) == id:
			c = Capture{From: FromLocation}
		case st.root != nil:
			p, ok := b.pathTo(st.root, id)
			if !ok {
				continue
			}
			c = Capture{From: FromPath, Arg: p}
		default:
			continue
		}
		b.bind(st, b.newVar(param), id, c)
		return
	}
}

func attrIs(n *Node, name, value string) bool {
	v, ok := n.Attr(name)
	return ok && v == value
}

// pathTo returns a path to the first element below root whose id is id,
// preferring name predicates to positions so that the capture survives a
// list in another order.
func (b *builder) pathTo(root *Node, id string) (string, bool) {
	var steps []string
	var walk func(n *Node) bool
	walk = func(n *Node) bool {
		for i, c := range n.Children {
			steps = append(steps, b.stepFor(n, i))
			if attrIs(c, "id", id) {
				return true
			}
			if walk(c) {
				return true
			}
			steps = steps[:len(steps)-1]
		}
		return false
	}
	if !walk(root) {
		return "", false
	}
	return strings.Join(steps, "/") + "/@id", true
}

// stepFor writes the path step that selects the i-th child of n.
func (b *builder) stepFor(n *Node, i int) string {
	c := n.Children[i]
	pos, count := 0, 0
	for j, s := range n.Children {
		if s.Name == c.Name {
			count++
			if j == i {
				pos = count
			}
		}
	}
	if count == 1 {
		return c.Name
	}
	// A predicate survives a list in another order: the item's name, else
	// the id of a top-level object it refers to (a network attachment's
	// network), whose id lives as long as the object.
	keys := []string{"name"}
	for _, ch := range c.Children {
		if _, ok := ch.Attr("id"); ok && ch.Simple() && b.topLevel(ch.Name) {
			keys = append(keys, ch.Name+"/@id")
		}
	}
	for _, key := range keys {
		kp, err := ParsePath(key)
		if err != nil {
			continue
		}
		v, err := kp.Eval(c)
		if err != nil || v == "" || strings.ContainsAny(v, `"/[]`) || !unique(n, c.Name, kp, v) {
			continue
		}
		return c.Name + "[" + key + `="` + v + `"]`
	}
	return c.Name + "[" + strconv.Itoa(pos) + "]"
}

// topLevel reports whether elements named name refer to objects of a
// top-level collection of the API (network: /networks/{id}).
func (b *builder) topLevel(name string) bool {
	return b.model.Routes().Lookup(http.MethodGet, "/"+strings.ReplaceAll(name, "_", "")+"s/x").Route != nil
}

// unique reports whether one child elem of n has v at key.
func unique(n *Node, elem string, key Path, v string) bool {
	count := 0
	for _, s := range n.Children {
		if s.Name == elem {
			if x, err := key.Eval(s); err == nil && x == v {
				count++
			}
		}
	}
	return count == 1
}

// captureCreated binds the id of what an Add created.
func (b *builder) captureCreated(st *built, ex *har.Exchange) {
	id, from := "", From(0)
	if st.root != nil {
		if v, ok := st.root.Attr("id"); ok && v != "" {
			id, from = v, FromID
		}
	}
	loc := ex.ResponseHeader.Get("Location")
	if id == "" && loc != "" {
		id, from = lastSegment(loc), FromLocation
	}
	if id == "" {
		return
	}
	if _, known := b.byValue[id]; known {
		return
	}
	param := "item_id"
	if m := b.model.Routes().Lookup(http.MethodGet, strings.TrimSuffix(st.rel, "/")+"/"+id); m.Route != nil {
		segs := strings.Split(m.Route.Path, "/")
		param = strings.Trim(segs[len(segs)-1], "{}")
	}
	v := b.newVar(param)
	b.bind(st, v, id, Capture{From: from})
	item := strings.TrimSuffix(st.Request.Path, "/") + "/{{" + v + "}}"
	b.created = append(b.created, created{v: v, path: item})
}

// collapse merges a GET that repeats the previous step's request, both
// answering with a status, into one step that polls until the last status.
func (b *builder) collapse(st *built) bool {
	if len(b.steps) == 0 || st.Request.Method != http.MethodGet || st.root == nil {
		return false
	}
	prev := b.steps[len(b.steps)-1]
	if prev.Request.Method != http.MethodGet || prev.Request.Path != st.Request.Path || !slices.Equal(prev.Request.Query, st.Request.Query) || prev.root == nil {
		return false
	}
	before, after := prev.root.Child("status"), st.root.Child("status")
	if before == nil || after == nil || !before.Simple() || !after.Simple() {
		return false
	}
	st.Name = prev.Name
	st.Captures = prev.Captures
	st.Poll = &Poll{Path: "status", Values: []string{after.Text}, Interval: DefaultPollInterval, Timeout: DefaultPollTimeout}
	b.steps[len(b.steps)-1] = st
	return true
}

// cleanup removes, newest first, what the scenario created. The replayer
// skips the cleanup of what a step already removed.
func (b *builder) cleanup() []Step {
	var out []Step
	for i := len(b.created) - 1; i >= 0; i-- {
		c := b.created[i]
		out = append(out, Step{Name: "remove what the scenario created ({{" + c.v + "}})",
			Request: Request{Method: http.MethodDelete, Path: c.path}})
	}
	return out
}

// authOf says how a recorded request authenticated. Recordings keep the
// scheme of a redacted Authorization header; a request without one that
// got 401 ran without credentials on purpose.
func authOf(ex *har.Exchange) string {
	scheme, _, _ := strings.Cut(ex.RequestHeader.Get("Authorization"), " ")
	switch {
	case strings.EqualFold(scheme, "basic"):
		return AuthBasic
	case scheme == "" && ex.Status == http.StatusUnauthorized:
		return AuthNone
	}
	return AuthDefault
}

// requestKeep and responseKeep list the headers a scenario keeps.
// Everything else (credentials, cookies, hop-by-hop and transport headers,
// dates) is left out.
func requestKeep() []string {
	return []string{"Accept", "Content-Type", "Version", "Filter", "All-Content", "Prefer", "Expect", "Correlation-Id"}
}

func responseKeep() []string {
	return []string{"Content-Type", "Location", "Allow", "WWW-Authenticate"}
}

func keepHeaders(h http.Header, keep []string) []Pair {
	var out []Pair
	for _, name := range keep {
		for _, v := range h.Values(name) {
			out = append(out, Pair{Name: name, Value: v})
		}
	}
	return out
}

func splitQuery(raw string) []Pair {
	if raw == "" {
		return nil
	}
	var out []Pair
	for _, kv := range strings.Split(raw, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		if uk, err := url.QueryUnescape(k); err == nil {
			k = uk
		}
		if uv, err := url.QueryUnescape(v); err == nil {
			v = uv
		}
		out = append(out, Pair{Name: k, Value: v})
	}
	return out
}
