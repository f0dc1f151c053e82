package replay

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ovcompat/ovcompat/reports"
	"github.com/ovcompat/ovcompat/scenario"
)

// fakeEngine answers a few VM routes the way an engine does; polls see the
// VM powering up for two GETs before it is up.
type fakeEngine struct {
	mu    sync.Mutex
	polls int
	html  bool
	auths []string
}

func (f *fakeEngine) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.auths = append(f.auths, r.Header.Get("Authorization"))
	if f.html {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html><body>Welcome</body></html>"))
		return
	}
	w.Header().Set("Content-Type", "application/xml")
	switch {
	case r.Method == "POST" && r.URL.Path == "/ovirt-engine/api/vms":
		w.Header().Set("Location", "http://"+r.Host+"/ovirt-engine/api/vms/l1")
		w.WriteHeader(201)
		_, _ = w.Write(vmXML("l1", "down"))
	case r.Method == "GET" && r.URL.Path == "/ovirt-engine/api/vms/l1":
		f.polls++
		status := "powering_up"
		if f.polls > 2 {
			status = "up"
		}
		_, _ = w.Write(vmXML("l1", status))
	case r.Method == "DELETE" && r.URL.Path == "/ovirt-engine/api/vms/l1":
		_, _ = w.Write([]byte("<action><status>complete</status></action>"))
	default:
		w.WriteHeader(404)
	}
}

func vmXML(id, status string) []byte {
	return []byte(`<vm href="/ovirt-engine/api/vms/` + id + `" id="` + id + `"><name>lc</name><status>` + status + `</status></vm>`)
}

// plainSender resolves paths against a test server and marks requests with
// their role and auth mode.
func plainSender(base string) Sender {
	return SenderFunc(func(ctx context.Context, req *http.Request, role, auth string) (*http.Response, error) {
		u, err := url.Parse(base + req.URL.String())
		if err != nil {
			return nil, err
		}
		out := req.Clone(ctx)
		out.URL, out.RequestURI = u, ""
		out.Header.Set("Authorization", role+"/"+auth)
		return http.DefaultTransport.RoundTrip(out)
	})
}

const flow = `name: flow
labels: {resource: vms, feature: crud, source: simulator}
steps:
  - name: create
    request:
      method: POST
      path: /ovirt-engine/api/vms
      headers: {Content-Type: application/xml, Accept: application/xml}
      body: <vm><name>lc</name><cluster><name>Default</name></cluster><template><name>Blank</name></template></vm>
    response:
      status: 201
      headers: {Content-Type: application/xml, Location: http://old/ovirt-engine/api/vms/r1}
      body: <vm href="/ovirt-engine/api/vms/r1" id="r1"><name>lc</name><status>down</status></vm>
    capture: {vm.id: id}
  - name: wait until up
    role: viewer
    auth: basic
    request:
      method: GET
      path: /ovirt-engine/api/vms/{{vm.id}}
    response:
      status: 200
      headers: {Content-Type: application/xml}
      body: <vm href="/ovirt-engine/api/vms/r1" id="r1"><name>lc</name><status>up</status></vm>
    poll: {path: status, until: up, interval: 1ms, timeout: 10s}
cleanup:
  - request:
      method: DELETE
      path: /ovirt-engine/api/vms/{{vm.id}}
`

func load(t *testing.T, files ...string) *scenario.Loaded {
	t.Helper()
	l := &scenario.Loaded{}
	for i, f := range files {
		sc, err := scenario.Parse("s"+string(rune('a'+i))+".yaml", []byte(f))
		if err != nil {
			var pe *scenario.ParseError
			if !errors.As(err, &pe) {
				t.Fatal(err)
			}
			l.Errors = append(l.Errors, pe)
			continue
		}
		l.Scenarios = append(l.Scenarios, sc)
	}
	return l
}

func newRunner(t *testing.T, base string, o Options) *Runner {
	t.Helper()
	o.Sender = plainSender(base)
	o.Target = base
	r, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRunFlow(t *testing.T) {
	fe := &fakeEngine{}
	srv := httptest.NewServer(fe)
	defer srv.Close()
	res := newRunner(t, srv.URL, Options{}).Run(context.Background(), load(t, flow))
	sc := res.Scenarios[0]
	if len(sc.Steps) != 3 {
		t.Fatalf("steps %+v", sc.Steps)
	}
	for _, st := range sc.Steps {
		if st.Error != "" || st.Outcome == reports.Fail || st.Outcome == reports.Error {
			t.Errorf("step %d %s: %s %s %+v %+v", st.Index, st.Name, st.Outcome, st.Error, st.Violations, st.Differences)
		}
	}
	if st := sc.Steps[1]; st.Path != "/vms/l1" || st.Route != "/vms/{vm_id}" || st.Status != 200 || st.Role != "viewer" {
		t.Errorf("poll step %+v", st)
	}
	if !sc.Steps[2].Cleanup || sc.Steps[2].Method != "DELETE" {
		t.Errorf("cleanup step %+v", sc.Steps[2])
	}
	if fe.polls != 3 {
		t.Errorf("%d GETs, want 3 (polled until up)", fe.polls)
	}
	if fe.auths[1] != "viewer/basic" || fe.auths[0] != "admin/" {
		t.Errorf("roles and auth modes sent: %v", fe.auths)
	}
	if res.Run.Kind != "replay" || res.Run.ModelVersion == "" || res.Coverage == nil || res.Run.Finished.IsZero() {
		t.Errorf("run metadata %+v", res.Run)
	}
}

func TestRunBadInput(t *testing.T) {
	fe := &fakeEngine{}
	srv := httptest.NewServer(fe)
	defer srv.Close()
	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL
	down.Close()

	syntax := "name: broken\nsteps:\n  - request: {method: GET, path: /ovirt-engine/api\n"
	unbound := strings.Replace(flow, "path: /ovirt-engine/api/vms/{{vm.id}}\n    response", "path: /ovirt-engine/api/vms/{{vm.idd}}\n    response", 1)
	// The capture asks for a job the response never has.
	noCapture := strings.Replace(strings.Replace(flow, "capture: {vm.id: id}", "capture: {vm.id: {path: job/@id}}", 1), "name: flow", "name: nocapture", 1)

	t.Run("parse errors and captures", func(t *testing.T) {
		res := newRunner(t, srv.URL, Options{}).Run(context.Background(), load(t, syntax, unbound, noCapture))
		if len(res.Scenarios) != 3 {
			t.Fatalf("%d scenarios, want 3 (broken files listed)", len(res.Scenarios))
		}
		for _, sc := range res.Scenarios[:2] {
			if sc.Outcome != reports.Error || !strings.Contains(sc.Error, ".yaml:") {
				t.Errorf("broken file: %s %s %q", sc.Name, sc.Outcome, sc.Error)
			}
		}
		if !strings.Contains(res.Scenarios[1].Error, "{{vm.idd}}") {
			t.Errorf("unknown variable not named: %q", res.Scenarios[1].Error)
		}
		sc := res.Scenarios[2]
		if sc.Outcome != reports.Error || sc.Steps[0].Outcome != reports.Error || !strings.Contains(sc.Steps[0].Error, "step 1 (create): capture vm.id") {
			t.Errorf("failed capture: %s %+v", sc.Outcome, sc.Steps[0])
		}
		if sc.Steps[1].Outcome != reports.Skip || !strings.Contains(sc.Steps[1].SkipReason, "{{vm.id}}") {
			t.Errorf("dependent step: %+v", sc.Steps[1])
		}
		if sc.Steps[2].Outcome != reports.Skip {
			t.Errorf("cleanup of what was never created: %+v", sc.Steps[2])
		}
	})
	t.Run("target down", func(t *testing.T) {
		res := newRunner(t, downURL, Options{}).Run(context.Background(), load(t, flow))
		st := res.Scenarios[0].Steps[0]
		if st.Outcome != reports.Error || !strings.Contains(st.Error, "step 1 (create): target:") || res.Scenarios[0].Outcome != reports.Error {
			t.Errorf("target down: %+v", st)
		}
	})
	t.Run("target answers HTML", func(t *testing.T) {
		html := httptest.NewServer(&fakeEngine{html: true})
		defer html.Close()
		res := newRunner(t, html.URL, Options{}).Run(context.Background(), load(t, flow))
		st := res.Scenarios[0].Steps[0]
		if st.Outcome != reports.Error || !strings.Contains(st.Error, "HTML page") {
			t.Errorf("HTML: %+v", st)
		}
		if res.Count().Outcome != reports.Error {
			t.Errorf("run outcome %s, want error", res.Count().Outcome)
		}
	})
}

func TestRunReadOnlyAndFilter(t *testing.T) {
	fe := &fakeEngine{}
	srv := httptest.NewServer(fe)
	defer srv.Close()
	recorded := strings.Replace(strings.Replace(flow, "source: simulator", "source: recorded", 1), "name: flow", "name: tape\ncredit: test", 1)
	res := newRunner(t, srv.URL, Options{ReadOnly: true, LeaveOutRecorded: true}).Run(context.Background(), load(t, flow, recorded))
	sc := res.Scenarios[0]
	if sc.Outcome != reports.Skip || sc.Steps[0].SkipReason != "read-only run: the step writes" || !strings.Contains(sc.Steps[1].SkipReason, "read-only") {
		t.Errorf("read-only: %+v", sc)
	}
	if tape := res.Scenarios[1]; tape.Outcome != reports.Skip || !strings.Contains(tape.LeftOut, "recorded traffic") || len(tape.Steps) != 0 {
		t.Errorf("recorded scenario not left out: %+v", tape)
	}
	if c := res.Count(); c.LeftOut != 1 || c.Scenarios.Total() != 1 || c.Steps.Total() != 3 {
		t.Errorf("totals %+v: want the left-out scenario counted apart", c)
	}
	if len(fe.auths) != 0 {
		t.Errorf("a read-only run sent %d requests", len(fe.auths))
	}
	// A folder the user names runs whole, recorded traffic included.
	res = newRunner(t, srv.URL, Options{ReadOnly: true}).Run(context.Background(), load(t, flow, recorded))
	if tape := res.Scenarios[1]; tape.LeftOut != "" || len(tape.Steps) != 3 {
		t.Errorf("recorded scenario of a user's folder left out: %+v", tape)
	}
	f, err := ParseFilter("resource=hosts")
	if err != nil {
		t.Fatal(err)
	}
	res = newRunner(t, srv.URL, Options{Filter: f}).Run(context.Background(), load(t, flow))
	if sc := res.Scenarios[0]; sc.Outcome != reports.Skip || sc.LeftOut != "left out by the label filter resource=hosts" || res.Run.LabelFilter != "resource=hosts" {
		t.Errorf("filter: %+v", sc)
	}
}

func TestFilter(t *testing.T) {
	l := scenario.Labels{Resource: []string{"vms"}, Feature: []string{"crud", "json"}, API: "v4", Source: "simulator"}
	rec := scenario.Labels{Resource: []string{"vms"}, Source: "recorded"}
	tests := []struct {
		expr string
		// sim and tape: picked by the filter; bundledTape: picked from
		// the bundled set, which leaves recorded traffic out unless the
		// filter names the source.
		sim, tape, bundledTape bool
	}{
		{"", true, true, false},
		{"resource=vms", true, true, false},
		{"resource=hosts", false, false, false},
		{"feature=xml|json", true, false, false},
		{"feature!=json", false, true, false},
		{"source=recorded", false, true, true},
		{"source=recorded|simulator", true, true, true},
		{"json", true, false, false},
		{"api=v4,resource=vms", true, false, false},
	}
	for _, tt := range tests {
		f, err := ParseFilter(tt.expr)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := f.Match(l); got != tt.sim {
			t.Errorf("%q on simulator labels: %v", tt.expr, got)
		}
		if got, _ := f.Match(rec); got != tt.tape {
			t.Errorf("%q on recorded labels: %v", tt.expr, got)
		}
		sc := &scenario.Scenario{Labels: rec}
		if got, _ := (Selection{Filter: f, LeaveOutRecorded: true}).Pick(sc); got != tt.bundledTape {
			t.Errorf("%q on recorded labels of the bundled set: %v", tt.expr, got)
		}
	}
	// Scenarios of impact infrastructure run only when the filter names
	// the impact key, whatever their folder.
	infra := &scenario.Scenario{Labels: scenario.Labels{Resource: []string{"hosts"}, Impact: scenario.ImpactInfrastructure}}
	for expr, want := range map[string]bool{"": false, "resource=hosts": false, "impact=infrastructure": true, "resource=hosts,impact=infrastructure": true} {
		f, err := ParseFilter(expr)
		if err != nil {
			t.Fatal(err)
		}
		if got, why := (Selection{Filter: f}).Pick(infra); got != want || !got && !strings.Contains(why, "impact: infrastructure") {
			t.Errorf("%q on impact: infrastructure: %v (%s), want %v", expr, got, why, want)
		}
	}
	for _, bad := range []string{"colour=red", "resource=", "resource!=", "resource==vms", "resource=v ms", "resource=vms;feature=crud", "=vms"} {
		if _, err := ParseFilter(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

// TestNothingToRun: a selection of no scenario, and a run in which no
// step ran, are errors saying why (never a pass).
func TestNothingToRun(t *testing.T) {
	l := load(t, flow)
	f, err := ParseFilter("resource=vmz")
	if err != nil {
		t.Fatal(err)
	}
	err = Selection{Filter: f}.Check(l)
	if !errors.Is(err, ErrNothingToRun) || err.Error() != "0 of 1 scenarios selected by --labels resource=vmz (resource labels here: vms): nothing to run" {
		t.Errorf("selection error %v", err)
	}
	if err := (Selection{}).Check(l); err != nil {
		t.Errorf("no filter: %v", err)
	}
	fe := &fakeEngine{}
	srv := httptest.NewServer(fe)
	defer srv.Close()
	res := newRunner(t, srv.URL, Options{ReadOnly: true}).Run(context.Background(), l)
	err = Ran(res)
	if !errors.Is(err, ErrNothingToRun) || !strings.Contains(err.Error(), "no step ran; skipped: ") || !strings.Contains(err.Error(), "; 2: read-only run: the step writes") {
		t.Errorf("a run of skipped steps: %v", err)
	}
	if err := Ran(newRunner(t, srv.URL, Options{}).Run(context.Background(), l)); err != nil {
		t.Errorf("a run that ran: %v", err)
	}
}

// TestRoleWithoutCredentials: a step whose role the run has no user for is
// skipped with the reason, the steps that need what it would have captured
// too, and the run can still pass.
func TestRoleWithoutCredentials(t *testing.T) {
	fe := &fakeEngine{}
	srv := httptest.NewServer(fe)
	defer srv.Close()
	doer := &httpDoer{base: srv.URL}
	sender := Engine{Default: doer, NoAuth: "-"}
	r, err := New(Options{Sender: sender, Target: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	res := r.Run(context.Background(), load(t, flow))
	sc := res.Scenarios[0]
	poll := sc.Steps[1] // runs as viewer
	if poll.Outcome != reports.Skip || poll.SkipReason != `role "viewer" has no credentials: give --credentials FILE` {
		t.Errorf("step of a role without credentials: %+v", poll)
	}
	if res.Count().Outcome != reports.Pass || sc.Steps[0].Outcome != reports.Pass {
		t.Errorf("run %s, steps %+v: want a pass", res.Count().Outcome, sc.Steps)
	}
}

// httpDoer is an engine client of no role but the default, over HTTP.
type httpDoer struct{ base string }

func (d *httpDoer) Do(ctx context.Context, req *http.Request, _ string) (*http.Response, error) {
	return plainSender(d.base).Send(ctx, req, "", "")
}

func (d *httpDoer) Roles() []string { return nil }

// TestPreflight: the target is pinged once, before any scenario; its
// failure is the run's one error, and the results of the run it stopped
// say so in every scenario it would have run.
func TestPreflight(t *testing.T) {
	pings := 0
	r, err := New(Options{Sender: plainSender("http://127.0.0.1:1"), Ping: func(context.Context) error { pings++; return nil }})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Preflight(context.Background()); err != nil || pings != 1 {
		t.Errorf("preflight %v after %d pings", err, pings)
	}
	down := errors.New("engine: HEAD http://127.0.0.1:1/ovirt-engine/api: connection refused")
	r, err = New(Options{Sender: plainSender("http://127.0.0.1:1"), Ping: func(context.Context) error { return down }})
	if err != nil {
		t.Fatal(err)
	}
	err = r.Preflight(context.Background())
	if !errors.Is(err, down) || !strings.HasPrefix(err.Error(), "preflight (connect and sign in before any scenario): ") {
		t.Errorf("preflight error %v", err)
	}
	res := r.Aborted(context.Background(), load(t, flow), err)
	if sc := res.Scenarios[0]; sc.Outcome != reports.Error || sc.Error != err.Error() || sc.Steps[0].Outcome != reports.Skip {
		t.Errorf("aborted run: %+v", sc)
	}
}
func TestPollTimeout(t *testing.T) {
	fe := &fakeEngine{polls: -1000}
	srv := httptest.NewServer(fe)
	defer srv.Close()
	short := strings.Replace(flow, "timeout: 10s", "timeout: 20ms", 1)
	clock := time.Now
	res := newRunner(t, srv.URL, Options{Clock: clock}).Run(context.Background(), load(t, short))
	st := res.Scenarios[0].Steps[1]
	if st.Outcome != reports.Fail || len(st.Differences) == 0 || st.Differences[0].Kind != KindPollTimeout {
		t.Errorf("poll timeout: %+v", st)
	}
}

// fakeDoer is an engine client with a fixed set of roles.
type fakeDoer struct {
	roles []string
	sent  []string
}

func (d *fakeDoer) Do(_ context.Context, req *http.Request, role string) (*http.Response, error) {
	d.sent = append(d.sent, role)
	return &http.Response{StatusCode: 200, Body: http.NoBody, Header: http.Header{}}, nil
}

func (d *fakeDoer) Roles() []string { return d.roles }

func TestEngineRoles(t *testing.T) {
	token, basic := &fakeDoer{roles: []string{"viewer"}}, &fakeDoer{}
	e := Engine{Default: token, Token: token, Basic: basic, NoAuth: "-"}
	req := httptest.NewRequest("GET", "/ovirt-engine/api", nil)
	for _, c := range []struct{ role, auth string }{{"admin", ""}, {"viewer", "token"}, {"admin", "basic"}, {"admin", "none"}} {
		if _, err := e.Send(context.Background(), req, c.role, c.auth); err != nil {
			t.Fatal(err)
		}
	}
	if strings.Join(token.sent, ",") != ",viewer,-" || len(basic.sent) != 1 || basic.sent[0] != "" {
		t.Errorf("token client got %q, basic %q", token.sent, basic.sent)
	}
	if _, err := e.Send(context.Background(), req, "auditor", ""); err == nil || err.Error() != `role "auditor" has no credentials: give --credentials FILE` {
		t.Errorf("unknown role: %v", err)
	}
}
