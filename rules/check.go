package rules

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ovcompat/ovcompat/har"
	"github.com/ovcompat/ovcompat/internal/media"
	"github.com/ovcompat/ovcompat/schema"
)

// Options configure a Checker.
type Options struct {
	// Models are the API models to check against, one per API version.
	// Without any, the embedded v4 model is used.
	Models []*schema.Model
	// Catalogue defaults to Default().
	Catalogue *Catalogue
	// Overrides switch rules off or change their severity.
	Overrides Overrides
	// Limits bound body validation.
	Limits schema.Limits
	// TreeXML validates XML bodies on an etree tree (schema.ParseXML, then
	// ValidateDocument), the validator the streaming one replaced. Same
	// verdicts, several times the cost: benchmarks measure the streaming
	// validator against it.
	TreeXML bool
}

// Checker checks exchanges. It is immutable and safe for concurrent use.
type Checker struct {
	models map[int]*schema.Model
	cat    *Catalogue
	over   Overrides
	lim    schema.Limits
	tree   bool
}

// New builds a Checker.
func New(o Options) (*Checker, error) {
	c := &Checker{models: map[int]*schema.Model{}, cat: o.Catalogue, over: o.Overrides, lim: o.Limits, tree: o.TreeXML}
	if c.cat == nil {
		c.cat = Default()
	}
	for _, m := range o.Models {
		c.models[m.API] = m
	}
	if len(c.models) == 0 {
		m, err := schema.V4()
		if err != nil {
			return nil, fmt.Errorf("rules: %w", err)
		}
		c.models[4] = m
	}
	return c, nil
}

// Catalogue returns the checker's rule catalogue.
func (c *Checker) Catalogue() *Catalogue { return c.cat }

// Overrides returns the checker's rule overrides.
func (c *Checker) Overrides() Overrides { return c.over }

// Model returns the model for API version api, or nil.
func (c *Checker) Model(api int) *schema.Model { return c.models[api] }

// Result is the verdict on one exchange.
type Result struct {
	// API is the API version the exchange addressed (0 when outside it).
	API int
	// Route is the route of the request, or nil.
	Route *schema.Route
	// Skipped, when not empty, says why the exchange (or its response)
	// could not be checked: outside the API, a version without a model,
	// an HTML page.
	Skipped string
	// Violations found, requests' first.
	Violations []schema.Violation
}

// OK reports whether no error-severity violation was found.
func (r Result) OK() bool { return !schema.HasErrors(r.Violations) }

// RouteName returns "METHOD /template" or "".
func (r Result) RouteName() string {
	if r.Route == nil {
		return ""
	}
	return r.Route.Method + " " + r.Route.Path
}

// Context is what a rule's Check sees: the exchange and what the checker
// learned of it.
type Context struct {
	Ex    *har.Exchange
	API   int
	Base  string // the base path the request used
	Rel   string // the path below it
	Model *schema.Model
	Match schema.Match
	Route *schema.Route
	// Req and Resp are what the checker learned of the bodies, alike
	// for XML and JSON.
	Req, Resp Body

	// reqJSON is the request body decoded, when it is JSON (the mandatory
	// body rule reads it as a tree).
	reqJSON any

	cat *Catalogue
	lim schema.Limits
	out []schema.Violation
	// params holds the URL parameters once read (urlParams).
	params     []urlParam
	paramsRead bool
}

// Body is what the checker learned of a request or response body, the same
// whether it is XML or JSON.
type Body struct {
	// Rep is the representation the body is in.
	Rep Representation
	// Read is set when the body could be read as a document: Root and
	// Facts hold what the validator learned of it.
	Read  bool
	Root  string
	Facts schema.Facts
}

// Report adds a finding of rule id, with the rule's default severity.
func (x *Context) Report(id, location, reason string) {
	x.add(schema.Violation{Rule: id, Location: location, Reason: reason})
}

// add adds a finding graded by the catalogue: whatever severity it came
// with, the catalogue's rule decides.
func (x *Context) add(v schema.Violation) {
	v.Severity = schema.Error
	if r, ok := x.cat.Rule(v.Rule); ok {
		v.Severity = r.Severity
	}
	x.out = append(x.out, v)
}

// Check checks a whole exchange: the request, then the response.
func (c *Checker) Check(ex *har.Exchange) Result { return c.check(ex, false, nil) }

// CheckRequest checks the request alone, as enforce mode does before the
// engine sees it.
func (c *Checker) CheckRequest(ex *har.Exchange) Result { return c.check(ex, true, nil) }

// StreamResponse starts validating the body of a response to method path
// (with the request's Version header) as it streams past, against what
// Check would validate it against: nil when the path is outside the API or
// its version has no model. Its verdict goes to CheckStreamed.
func (c *Checker) StreamResponse(method, path, version string, status int) *schema.XMLStream {
	api, _, rel, ok := Locate(path, version)
	m := c.models[api]
	if !ok || m == nil {
		return nil
	}
	t := schema.Target{Route: ResponseRoute(m, m.Routes().Lookup(method, rel).Route), Direction: schema.Response, Status: status}
	return m.NewXMLStream(t, c.lim)
}

// CheckStreamed checks an exchange whose response body was validated as
// it streamed past (StreamResponse), with that verdict: ex.ResponseBody
// holds only the body's first bytes, enough to tell how it is written, and
// ex.ResponseTruncated is set. A body those bytes show is not XML is
// reported as over the size limit, as Check reports it.
func (c *Checker) CheckStreamed(ex *har.Exchange, resp schema.Result) Result {
	return c.check(ex, false, &resp)
}

func (c *Checker) check(ex *har.Exchange, requestOnly bool, streamed *schema.Result) Result {
	api, base, rel, ok := Locate(ex.Path, ex.RequestHeader.Get("Version"))
	if !ok {
		return Result{Skipped: "path outside the oVirt API"}
	}
	m := c.models[api]
	if m == nil {
		return Result{API: api, Skipped: fmt.Sprintf("API version %d: no schema loaded for it (use --schema with the engine's XSD)", api)}
	}
	x := &Context{Ex: ex, API: api, Base: base, Rel: rel, Model: m, cat: c.cat, lim: c.lim}
	x.Match = m.Routes().Lookup(ex.Method, rel)
	x.Route = x.Match.Route
	res := Result{API: api, Route: x.Route}

	c.body(x, schema.Request, nil)
	if !requestOnly && !ex.NoResponse {
		if skip := c.body(x, schema.Response, streamed); skip != "" {
			res.Skipped = skip
		}
	}
	for _, r := range c.cat.rules {
		if r.Check == nil || (requestOnly && !r.Request) || c.over.Disabled[r.ID] {
			continue
		}
		if ex.NoResponse && !r.Request {
			continue
		}
		r.Check(x)
	}
	res.Violations = c.over.Apply(x.out)
	sort.SliceStable(res.Violations, func(i, j int) bool {
		return strings.HasPrefix(res.Violations[i].Location, "request") && !strings.HasPrefix(res.Violations[j].Location, "request")
	})
	return res
}

// Locate finds the API version, base path and the path below it. The
// version comes from a /v3 or /v4 path prefix, else from the Version
// header, else the base path's default (/api is v3, /ovirt-engine/api v4).
func Locate(path, versionHeader string) (api int, base, rel string, ok bool) {
	const engine = "/ovirt-engine/api"
	switch {
	case path == engine || strings.HasPrefix(path, engine+"/") || strings.HasPrefix(path, engine+";") || strings.HasPrefix(path, engine+"?"):
		base, rel = engine, path[len(engine):]
		api = 4
		if strings.TrimSpace(versionHeader) == "3" {
			api = 3
		}
	case path == "/api" || strings.HasPrefix(path, "/api/") || strings.HasPrefix(path, "/api;"):
		base, rel, api = "/api", path[len("/api"):], 3
	default:
		return 0, "", "", false
	}
	for _, v := range []struct {
		prefix string
		api    int
	}{{"/v4", 4}, {"/v3", 3}} {
		if rel == v.prefix || strings.HasPrefix(rel, v.prefix+"/") {
			base, rel, api = base+v.prefix, rel[len(v.prefix):], v.api
		}
	}
	if rel == "" {
		rel = "/"
	}
	return api, base, rel, true
}

// body validates the request or response body, or takes streamed as the
// verdict on an XML body validated as it streamed. It returns why the
// response could not be checked, if it could not.
func (c *Checker) body(x *Context, dir schema.Direction, streamed *schema.Result) string {
	ex := x.Ex
	data, ctype, truncated := ex.RequestBody, ex.RequestHeader.Get("Content-Type"), ex.RequestTruncated
	prefix := "request:"
	if dir == schema.Response {
		data, ctype, truncated, prefix = ex.ResponseBody, ex.ResponseHeader.Get("Content-Type"), ex.ResponseTruncated, ""
	}
	declared, sniffed := media.Declared(ctype), media.Sniff(data)
	seen := &x.Resp
	if dir == schema.Request {
		seen = &x.Req
	}
	seen.Rep = sniffed
	if len(data) == 0 {
		// A body over the limit may come with none of its bytes (the
		// proxy's observe mode keeps none): it is reported all the same,
		// unless its Content-Type says it is no API document.
		if truncated && (declared == None || declared == XML || declared == JSON) {
			x.Report(schema.RuleLimit, prefix+"/", limitReason(dir))
		}
		return ""
	}
	if (declared == XML || declared == JSON) && (sniffed == XML || sniffed == JSON || sniffed == HTML) && declared != sniffed {
		x.Report(RuleContentType, prefix+"header:Content-Type", fmt.Sprintf("Content-Type says %s but the %s body is %s", declared, dir, sniffed))
	}
	switch {
	case sniffed == HTML || declared == HTML:
		// Real engines answer some errors (401 without credentials, 404
		// outside the API) from their web server, with an HTML page: that
		// is how an engine behaves, checked by the REST rules, not a body
		// the schema describes.
		if dir == schema.Response && ex.Status < 400 {
			return fmt.Sprintf("HTML page (status %d), not an API document", ex.Status)
		}
		return ""
	case sniffed != XML && sniffed != JSON:
		if declared == XML || declared == JSON {
			x.Report(schema.RuleMalformed, prefix+"/", fmt.Sprintf("the %s body is neither XML nor JSON", dir))
		}
		return ""
	}
	if truncated && (streamed == nil || sniffed != XML) {
		x.Report(schema.RuleLimit, prefix+"/", limitReason(dir))
		return ""
	}
	t := schema.Target{Route: ResponseRoute(x.Model, x.Route), Direction: dir, Status: ex.Status}
	if dir == schema.Request {
		t.Route, t.Status = x.Route, 0
	}
	if sniffed == JSON && x.Route == nil && !(dir == schema.Response && ex.Status >= 400) {
		// A JSON body does not name its type: off the model's routes
		// (rest.unknown-route says so) there is nothing to check it against.
		return ""
	}
	var res schema.Result
	switch {
	case streamed != nil:
		res = *streamed
	case sniffed == XML && c.tree:
		res = validateTree(x.Model, data, t, c.lim)
	case sniffed == XML:
		res = x.Model.ValidateXML(data, t, c.lim)
	default:
		var v any
		res, v = x.Model.ValidateJSONValue(data, t, c.lim)
		if dir == schema.Request {
			x.reqJSON = v
		}
	}
	seen.Read, seen.Root, seen.Facts = res.Root != "", res.Root, res.Facts
	for _, v := range res.Violations {
		v.Location = prefix + v.Location
		x.add(v)
	}
	return ""
}

// validateTree validates an XML body as the tree validator did: parsed
// whole into a tree, then walked.
func validateTree(m *schema.Model, data []byte, t schema.Target, lim schema.Limits) schema.Result {
	doc, err := schema.ParseXML(data, lim)
	if err != nil {
		return schema.Result{Violations: []schema.Violation{schema.ParseViolation(err)}}
	}
	return m.ValidateDocument(doc, data, t, lim)
}

// limitReason is the reason of a body over the size limit.
func limitReason(dir schema.Direction) string {
	return fmt.Sprintf("the %s body exceeds the size limit and was not validated", dir)
}
