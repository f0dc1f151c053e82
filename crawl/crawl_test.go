package crawl_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ovcompat/ovcompat/crawl"
	"github.com/ovcompat/ovcompat/engine"
	"github.com/ovcompat/ovcompat/fixtures/target"
	"github.com/ovcompat/ovcompat/reports"
)

// front stands between the crawler and the simulator: it notes every
// request and answers some paths itself, to put the crawler in the
// situations a real engine can.
type front struct {
	next http.Handler
	// answers are tried in order; the first whose pattern matches the
	// path and query answers.
	answers []answer

	mu   sync.Mutex
	seen []seenRequest
}

type answer struct {
	pattern *regexp.Regexp
	status  int
	body    string
}

type seenRequest struct {
	method, path, query string
	header              http.Header
}

func (f *front) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.seen = append(f.seen, seenRequest{method: r.Method, path: r.URL.Path, query: r.URL.RawQuery, header: r.Header.Clone()})
	f.mu.Unlock()
	if strings.HasPrefix(r.URL.Path, "/ovirt-engine/api") {
		for _, a := range f.answers {
			if a.pattern.MatchString(r.URL.Path + "?" + r.URL.RawQuery) {
				if a.body != "" {
					w.Header().Set("Content-Type", "application/xml")
				}
				w.WriteHeader(a.status)
				_, _ = w.Write([]byte(a.body))
				return
			}
		}
	}
	f.next.ServeHTTP(w, r)
}

// api returns the requests to the API (the SSO sign-in aside).
func (f *front) api() []seenRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []seenRequest
	for _, s := range f.seen {
		if strings.HasPrefix(s.path, "/ovirt-engine/api") {
			out = append(out, s)
		}
	}
	return out
}

// setup starts the simulator the bundled scenarios use, behind a front.
func setup(t *testing.T, answers ...answer) (*front, *engine.Client, *target.Target) {
	t.Helper()
	tg, err := target.Start(target.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tg.Close() })
	f := &front{next: tg.Engine, answers: answers}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	client, _, err := target.Clients(tg.Config(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	return f, client, tg
}

func run(t *testing.T, o crawl.Options) *crawl.Result {
	t.Helper()
	if o.Rate == 0 {
		o.Rate = -1
	}
	c, err := crawl.New(o)
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// reach returns the reach of every GET route, by route.
func reach(res *crawl.Result) map[string]reports.RouteReach {
	out := map[string]reports.RouteReach{}
	for _, rc := range res.Results.Coverage.Resources {
		for _, r := range rc.Reach {
			out[r.Route] = r
		}
	}
	return out
}

// TestCrawlReadsOnly: every request the crawl sends to the API is a GET or
// a HEAD, the first is the HEAD of the entry point clients send, every
// request carries Filter: true when asked, each request is sent once, and
// every exchange is a checked step of the results. Without a budget in the
// way, the crawl reaches every GET route the simulator has objects for,
// and says of the others that there was no object (the simulator's lists
// are empty there), never that it was turned away.
func TestCrawlReadsOnly(t *testing.T) {
	f, client, _ := setup(t)
	res := run(t, crawl.Options{Client: client, Filter: true})
	seen := f.api()
	if len(seen) < 100 {
		t.Fatalf("the crawl sent %d requests to the API; want a crawl of the whole simulator", len(seen))
	}
	if s := seen[0]; s.method != http.MethodHead || s.path != "/ovirt-engine/api" {
		t.Errorf("first request %s %s, want HEAD /ovirt-engine/api", s.method, s.path)
	}
	once := map[string]bool{}
	follows := 0
	for _, s := range seen {
		if s.method != http.MethodGet && s.method != http.MethodHead {
			t.Errorf("the crawl sent %s %s", s.method, s.path)
		}
		if s.header.Get("Filter") != "true" {
			t.Errorf("%s %s without Filter: true", s.method, s.path)
		}
		key := s.method + " " + s.path + "?" + s.query
		if once[key] {
			t.Errorf("%s sent twice", key)
		}
		once[key] = true
		if strings.HasPrefix(s.query, "follow=") {
			follows++
		}
	}
	if follows == 0 {
		t.Error("no request followed an object's links (follow=)")
	}
	if n := res.Results.Count().Steps.Total(); n != len(seen) {
		t.Errorf("%d steps in the results for %d requests", n, len(seen))
	}
	if res.Results.Run.Kind != "crawl" || !res.Results.Run.ReadOnly {
		t.Errorf("run %+v, want kind crawl, read-only", res.Results.Run)
	}
	reached, total := res.Results.Coverage.Reached()
	if total != 411 {
		t.Errorf("reach of %d GET routes, want the model's 411", total)
	}
	if reached < 200 {
		t.Errorf("reached %d of %d GET routes", reached, total)
	}
	for route, r := range reach(res) {
		if !r.Reached && r.Why != reports.NoObject {
			t.Errorf("%s: %s (%s), want reached or no-object", route, r.Why, r.Detail)
		}
	}
	if o := res.Results.Count().Outcome; o != reports.Pass {
		t.Errorf("crawl of the simulator: %s, want pass", o)
	}
	// Nothing links to a configuration option: the model's documentation
	// names one.
	if r := reach(res)["GET /options/{option_id}"]; !r.Reached || !strings.Contains(r.Detail, "from the model") {
		t.Errorf("GET /options/{option_id}: %+v, want reached from the model", r)
	}
}

// TestCrawlSaysWhyNot: each reason a route goes unreached, from an engine
// that answers so.
func TestCrawlSaysWhyNot(t *testing.T) {
	const api = "^/ovirt-engine/api"
	fault := "<fault><reason>Operation Failed</reason><detail>no</detail></fault>"
	_, client, _ := setup(t,
		// The engine fails a follow of what the object lacks; this one
		// fails them all, so that lists are all there is.
		answer{regexp.MustCompile(`follow=`), http.StatusInternalServerError, fault},
		answer{regexp.MustCompile(api + "/bookmarks[?]"), http.StatusOK, "<bookmarks/>"},
		answer{regexp.MustCompile(api + "/vms/[^/]+/watchdogs[?]"), http.StatusNotFound, ""},
		answer{regexp.MustCompile(api + "/clusters[?]"), http.StatusForbidden, fault},
		answer{regexp.MustCompile(api + "/clusters/[^/]+[?]"), http.StatusForbidden, fault},
		answer{regexp.MustCompile(api + "/vms/[^/]+/cdroms[?]"), http.StatusOK, "<cdroms><cdrom><file id=\"a.iso\"/></cdrom></cdroms>"},
		answer{regexp.MustCompile(api + "/datacenters[?]"), http.StatusInternalServerError, fault},
	)
	got := reach(run(t, crawl.Options{Client: client}))
	for _, tt := range []struct {
		route string
		why   reports.Unreached
	}{
		{"GET /bookmarks/{bookmark_id}", reports.NoObject},
		{"GET /vms/{vm_id}/watchdogs", reports.NotFound},
		{"GET /vms/{vm_id}/watchdogs/{watchdog_id}", reports.NotFound},
		{"GET /clusters", reports.NotPermitted},
		{"GET /vms/{vm_id}/cdroms/{cdrom_id}", reports.Unlinked},
		{"GET /datacenters", reports.Failed},
	} {
		r := got[tt.route]
		if r.Reached || r.Why != tt.why || r.Detail == "" {
			t.Errorf("%s: %+v, want not reached: %s, with a detail", tt.route, r, tt.why)
		}
	}
	if r := got["GET /vms/{vm_id}/cdroms"]; !r.Reached {
		t.Errorf("GET /vms/{vm_id}/cdroms: %+v, want reached", r)
	}
}

// TestCrawlBudget: the crawl sends no more requests than its budget, and
// says of the routes still waiting that the budget ran out.
func TestCrawlBudget(t *testing.T) {
	f, client, _ := setup(t)
	res := run(t, crawl.Options{Client: client, MaxRequests: 25})
	if n := len(f.api()); n != 25 {
		t.Errorf("%d requests, want the budget of 25", n)
	}
	spent := 0
	for _, r := range reach(res) {
		if r.Why == reports.BudgetSpent {
			spent++
		}
	}
	if spent == 0 {
		t.Error("no route left unreached for lack of budget")
	}
}

// TestCrawlRate: requests are spaced by the rate (a lower bound: the
// crawl is never faster than asked).
func TestCrawlRate(t *testing.T) {
	_, client, _ := setup(t)
	began := time.Now()
	run(t, crawl.Options{Client: client, MaxRequests: 6, Rate: 50})
	if took := time.Since(began); took < 100*time.Millisecond {
		t.Errorf("6 requests at 50 a second took %s, want at least 100ms", took)
	}
}

// TestCrawlEntryPoint: a target that is down and credentials the engine
// refuses end the crawl at once, with one line saying so.
func TestCrawlEntryPoint(t *testing.T) {
	tg, err := target.Start(target.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer tg.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + ln.Addr().String()
	ln.Close()
	for _, tt := range []struct {
		name string
		cfg  engine.Config
		want string
	}{
		{"down", engine.Config{URL: down, Password: "x", Basic: true}, "connection refused"},
		{"wrong password", engine.Config{URL: tg.URL, Password: "wrong"}, "password is incorrect"},
		{"wrong password, Basic", engine.Config{URL: tg.URL, Password: "wrong", Basic: true}, "refused the credentials"},
		{"not the API", engine.Config{URL: tg.URL + "/elsewhere", Password: tg.AdminPassword, Basic: true}, "status 404"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			client, err := engine.New(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			c, err := crawl.New(crawl.Options{Client: client, Rate: -1})
			if err != nil {
				t.Fatal(err)
			}
			res, err := c.Run(context.Background())
			if !errors.Is(err, crawl.ErrEntryPoint) || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %v, want one line with ErrEntryPoint and %q", err, tt.want)
			}
			if n := res.Results.Count().Steps.Total(); n > 2 {
				t.Errorf("%d requests after the entry point failed", n)
			}
		})
	}
}
