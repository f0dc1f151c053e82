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
	res := newRunner(t, srv.URL, Options{ReadOnly: true}).Run(context.Background(), load(t, flow, recorded))
	sc := res.Scenarios[0]
	if sc.Outcome != reports.Skip || sc.Steps[0].SkipReason != "read-only run: the step writes" || !strings.Contains(sc.Steps[1].SkipReason, "read-only") {
		t.Errorf("read-only: %+v", sc)
	}
	if tape := res.Scenarios[1]; tape.Outcome != reports.Skip || !strings.Contains(tape.Steps[0].SkipReason, "recorded traffic") {
		t.Errorf("recorded scenario not left out: %+v", tape)
	}
	if len(fe.auths) != 0 {
		t.Errorf("a read-only run sent %d requests", len(fe.auths))
	}
	f, err := ParseFilter("resource=hosts")
	if err != nil {
		t.Fatal(err)
	}
	res = newRunner(t, srv.URL, Options{Filter: f}).Run(context.Background(), load(t, flow))
	if res.Scenarios[0].Outcome != reports.Skip || res.Run.LabelFilter != "resource=hosts" {
		t.Errorf("filter: %+v", res.Scenarios[0])
	}
}

func TestFilter(t *testing.T) {
	l := scenario.Labels{Resource: []string{"vms"}, Feature: []string{"crud", "json"}, API: "v4", Source: "simulator"}
	rec := scenario.Labels{Resource: []string{"vms"}, Source: "recorded"}
	tests := []struct {
		expr      string
		sim, tape bool
	}{
		{"", true, false},
		{"resource=vms", true, false},
		{"resource=hosts", false, false},
		{"feature=xml|json", true, false},
		{"feature!=json", false, false},
		{"source=recorded", false, true},
		{"source=recorded|simulator", true, true},
		{"json", true, false},
		{"api=v4,resource=vms", true, false},
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
	}
	for _, bad := range []string{"colour=red", "resource=", "resource!="} {
		if _, err := ParseFilter(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
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
	if _, err := e.Send(context.Background(), req, "auditor", ""); err == nil || !strings.Contains(err.Error(), "--credentials") {
		t.Errorf("unknown role: %v", err)
	}
}
