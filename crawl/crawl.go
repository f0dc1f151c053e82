// Package crawl explores an oVirt engine's API by its own hypermedia,
// read-only: from the entry point it follows what the engine advertises
// (every <link rel>, the collections and sub-collections, up to K items of
// each list, the objects they link to, `follow` of those links), and HEADs
// the entry point as clients do to see that the engine is up. Every
// exchange is checked with every rule. Routes nothing links to are reached
// from the model's templates where a value for their parameters is known.
//
// The crawler can only read: its client (see verb) expresses GET and HEAD
// and nothing else. It paces itself (requests per second) and stops at a
// request budget. Its result is the reports package's model ("kind":
// "crawl") with, per GET route of the model, whether the crawl reached it
// and why not; and its exchanges, which Scenarios turns into scenarios
// that replay against the same engine. Its scenarios (one per resource)
// finish as it goes, each told of once (Options.ScenarioDone, finish.go).
package crawl

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/ovcompat/ovcompat/reports"
	"github.com/ovcompat/ovcompat/rules"
	"github.com/ovcompat/ovcompat/schema"
)

// Defaults of the crawl.
const (
	DefaultMaxRequests   = 10000
	DefaultRate          = 20
	DefaultPerCollection = 3
	// DefaultMaxBody bounds one answer's body: --max-body, the same for
	// every command.
	DefaultMaxBody = schema.DefaultMaxBytes
)

// Options configure a crawl.
type Options struct {
	// Client talks to the engine (required).
	Client Client
	// Target is the engine's URL as results show it (no credentials).
	Target string
	// Checker checks every exchange; rules.New with defaults when nil.
	// The crawl follows the routes of its v4 model.
	Checker *rules.Checker
	// MaxRequests is the request budget (DefaultMaxRequests when zero).
	MaxRequests int
	// Rate is the most requests per second (DefaultRate when zero; a
	// negative rate does not pace at all).
	Rate float64
	// PerCollection is how many items of each list are followed
	// (DefaultPerCollection when zero).
	PerCollection int
	// Filter sends "Filter: true", which a user who is no administrator
	// needs: the engine then shows what the user may see.
	Filter bool
	// MaxBody bounds an answer's body (DefaultMaxBody when zero).
	MaxBody int64
	// Clock stamps the results; time.Now when nil.
	Clock func() time.Time
	// Progress, when set, is called after every request.
	Progress func(Progress)
	// ScenarioDone, when set, is called with each scenario of the results
	// as it finishes (see finish.go), each once: during the crawl, and
	// when it ends for those that had not finished. Not called when the
	// entry point could not be read.
	ScenarioDone func(reports.Scenario)
	// ToolVersion is ovcompat's version, for the results.
	ToolVersion string
}

// Progress is where a crawl stands, after a request.
type Progress struct {
	// Requests sent of MaxRequests; Queued waiting to be sent.
	Requests, MaxRequests, Queued int
	// Reached GET routes of Routes, the model's.
	Reached, Routes int
	// Finished scenarios (resources) so far.
	Finished int
	// Method, Path and Status of the request just answered (Status 0 when
	// none came).
	Method, Path string
	Status       int
}

// ErrEntryPoint is the error of a crawl that could not read the API's
// entry point: the engine is down, refuses the credentials or is not an
// oVirt API. Nothing else was crawled.
var ErrEntryPoint = errors.New("the API's entry point could not be read")

// Crawler crawls one engine. It is used once, by one goroutine.
type Crawler struct {
	o     Options
	model *schema.Model
	r     *reader
	base  string // the API's base path, as the client reaches it

	seen  map[string]bool
	fresh []*item // items of routes no request has tried yet
	again []*item // the others
	// spare holds what the items of lists beyond the first PerCollection
	// link to: sent, once nothing else waits, for routes not reached yet.
	spare     []*item
	spareSeen map[string]bool
	routes    map[*schema.Route]*routeState
	// concrete maps a GET route to the first path below base at which it
	// answered 2xx: where the model's templates continue from.
	concrete map[*schema.Route]string
	seeded   map[*schema.Route]bool
	visits   []*visit
	// reached counts the GET routes that answered 2xx, of getRoutes.
	reached, getRoutes int
	// getByPath finds a GET route by its template.
	getByPath map[string]*schema.Route
	// resources are the scenarios, by resource (see finish.go);
	// finished counts those finished, unfollowed the links to them
	// found after.
	resources            map[string]*resource
	finished, unfollowed int
	// begun is set once the entry point answered: scenarios finish from
	// then on.
	begun   bool
	product productInfo
	// interrupted is set when the context ended the crawl.
	interrupted bool
}

// New checks the options and builds a Crawler. It does not contact the
// engine.
func New(o Options) (*Crawler, error) {
	if o.Client == nil {
		return nil, errors.New("crawl: no client to talk to the engine")
	}
	if o.Checker == nil {
		c, err := rules.New(rules.Options{})
		if err != nil {
			return nil, fmt.Errorf("crawl: %w", err)
		}
		o.Checker = c
	}
	m := o.Checker.Model(4)
	if m == nil {
		return nil, errors.New("crawl: the checker has no v4 model to follow")
	}
	if o.MaxRequests <= 0 {
		o.MaxRequests = DefaultMaxRequests
	}
	if o.Rate == 0 {
		o.Rate = DefaultRate
	}
	if o.PerCollection <= 0 {
		o.PerCollection = DefaultPerCollection
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	h := http.Header{"Accept": {"application/xml"}, "Version": {"4"}}
	if o.Filter {
		h.Set("Filter", "true")
	}
	byPath := map[string]*schema.Route{}
	for _, r := range m.Routes().All() {
		if r.Method == http.MethodGet {
			byPath[r.Path] = r
		}
	}
	return &Crawler{o: o, model: m, base: strings.TrimSuffix(o.Client.URL().EscapedPath(), "/"),
		getRoutes: len(byPath), getByPath: byPath, resources: resources(byPath),
		r:    &reader{c: o.Client, header: h, pace: newPacer(o.Rate), maxBody: o.MaxBody},
		seen: map[string]bool{}, spareSeen: map[string]bool{}, routes: map[*schema.Route]*routeState{}, concrete: map[*schema.Route]string{},
		seeded: map[*schema.Route]bool{}}, nil
}

// item is a request waiting its turn.
type item struct {
	v     verb
	rel   string // the path below the base ("" for the entry point), with the query
	route *schema.Route
	// how says how the crawl came to it, for the step's name: "" for a
	// link, "follow", "from the model".
	how string
}

// routeState is what the crawl learned of one GET route.
type routeState struct {
	queued, sent, ok int
	// lastStatus and lastPath are the last answer that was not 2xx;
	// lastErr the last transport error.
	lastStatus int
	lastPath   string
	lastErr    string
	// items counts the items of 2xx answers of a List route; lists the
	// 2xx answers of it that were read.
	items, lists int
	// spare counts its spare items waiting, spareSent those sent (see
	// spare.go).
	spare, spareSent int
	followed         bool
	// res is the route's resource.
	res *resource
}

// visit is one request and what came of it.
type visit struct {
	it   *item
	ans  answer
	step reports.Step
}

// Run crawls the engine and returns what it found. Its error is for a
// crawl that could not begin (ErrEntryPoint) or was cancelled; either way
// the result holds what was crawled.
func (c *Crawler) Run(ctx context.Context) (*Result, error) {
	if len(c.visits) > 0 {
		return nil, errors.New("crawl: a Crawler runs once")
	}
	started := c.o.Clock().UTC()
	entry := c.model.Routes().Lookup(http.MethodGet, "/").Route
	if entry == nil {
		return nil, errors.New("crawl: the model has no entry point (GET /)")
	}
	// Clients HEAD the entry point to see that the engine is up; then the
	// entry point itself must answer, or there is nothing to crawl.
	its := []*item{{v: head, route: entry}, {v: get, route: entry}}
	for _, it := range its {
		c.mark(it)
		c.waits(it.route, 1)
	}
	for _, it := range its {
		if err := c.entryError(c.visit(ctx, it)); err != nil {
			return c.result(started), err
		}
	}
	c.begun = true
	c.settle(c.state(entry).res)
	for {
		if err := ctx.Err(); err != nil {
			c.interrupted = true
			c.finishRest()
			return c.result(started), fmt.Errorf("crawl: %w", err)
		}
		it := c.pop()
		if it == nil && (c.seed() || c.useSpare()) {
			continue
		}
		if it == nil {
			break
		}
		if c.r.sent >= c.o.MaxRequests {
			c.unpop(it)
			break
		}
		c.visit(ctx, it)
	}
	c.finishRest()
	return c.result(started), nil
}

// entryError says, in one line, why the entry point could not be read: a
// transport error, credentials refused, or (for GET) any answer but 200.
func (c *Crawler) entryError(v *visit) error {
	what := ""
	switch {
	case v.ans.err != nil:
		what = v.ans.err.Error()
	case v.ans.ex.Status == http.StatusUnauthorized || v.ans.ex.Status == http.StatusForbidden:
		what = fmt.Sprintf("status %d: the engine refused the credentials (check --user and OVCOMPAT_PASSWORD or --password-file)", v.ans.ex.Status)
	case v.ans.ex.Status != http.StatusOK:
		what = fmt.Sprintf("status %d (is --target the engine, such as https://engine.example.com?)", v.ans.ex.Status)
	case v.it.v == get && v.step.Route == "":
		what = "the answer is no API entry point (is --target the engine, such as https://engine.example.com?)"
	default:
		return nil
	}
	return fmt.Errorf("crawl: %s %s: %w: %s", v.it.v, c.base, ErrEntryPoint, what)
}

// mark notes that an item is queued or sent, and reports whether it is
// new: the crawl sends every request once.
func (c *Crawler) mark(it *item) bool {
	key := it.v.String() + " " + it.rel
	if c.seen[key] {
		return false
	}
	c.seen[key] = true
	return true
}

// push queues an item, once per request, unless its resource finished
// (see finish.go).
func (c *Crawler) push(it *item) {
	if c.state(it.route).res.done {
		if c.mark(it) {
			c.unfollowed++
		}
		return
	}
	if !c.mark(it) {
		return
	}
	c.waits(it.route, 1)
	if c.state(it.route).sent == 0 {
		c.fresh = append(c.fresh, it)
	} else {
		c.again = append(c.again, it)
	}
}

// pop takes the next item: one of a route no request has tried yet when
// there is one, so that a budget reaches as many routes as it can.
func (c *Crawler) pop() *item {
	for len(c.fresh) > 0 {
		it := c.fresh[0]
		c.fresh = c.fresh[1:]
		if c.state(it.route).sent == 0 {
			return it
		}
		c.again = append(c.again, it)
	}
	if len(c.again) == 0 {
		return nil
	}
	it := c.again[0]
	c.again = c.again[1:]
	return it
}

// unpop puts back an item the budget kept from going.
func (c *Crawler) unpop(it *item) { c.fresh = append([]*item{it}, c.fresh...) }

func (c *Crawler) state(r *schema.Route) *routeState {
	s := c.routes[r]
	if s == nil {
		s = &routeState{res: c.resources[reports.ResourceOf(r.Path)]}
		c.routes[r] = s
	}
	return s
}

// waits counts n more (or, negative, fewer) requests of r waiting, of the
// route and of its resource.
func (c *Crawler) waits(r *schema.Route, n int) {
	st := c.state(r)
	st.queued += n
	st.res.queued += n
}

// visit sends an item, checks the exchange and harvests the answer.
func (c *Crawler) visit(ctx context.Context, it *item) *visit {
	c.waits(it.route, -1)
	st := c.state(it.route)
	st.sent++
	ans := c.r.send(ctx, it.v, c.base+it.rel)
	v := &visit{it: it, ans: ans, step: c.judge(it, ans)}
	c.visits = append(c.visits, v)
	st.res.visits = append(st.res.visits, v)
	switch {
	case ans.err != nil:
		st.lastErr = ans.err.Error()
	case ans.ex.Status >= 200 && ans.ex.Status < 300:
		if st.ok++; st.ok == 1 {
			c.reached++
			st.res.unreached--
		}
		if _, ok := c.concrete[it.route]; !ok {
			c.concrete[it.route] = pathOf(it.rel)
		}
		if it.v == get {
			c.harvest(it, st, ans.ex.ResponseBody)
		}
	default:
		st.lastStatus, st.lastPath = ans.ex.Status, pathOf(it.rel)
	}
	if c.begun {
		c.settle(st.res)
	}
	if p := c.o.Progress; p != nil {
		pr := Progress{Requests: c.r.sent, MaxRequests: c.o.MaxRequests, Queued: len(c.fresh) + len(c.again),
			Reached: c.reached, Routes: c.getRoutes, Finished: c.finished, Method: it.v.String(), Path: c.base + it.rel}
		if ans.ex != nil {
			pr.Status = ans.ex.Status
		}
		p(pr)
	}
	return v
}
