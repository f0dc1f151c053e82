package scenario

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

const lifecycle = `name: vm-lifecycle
description: Create a VM, start it, wait until it is up, remove it.
labels:
  resource: vms
  feature: [crud, actions, polling]
  api: v4
  source: simulator
steps:
  - name: create a VM
    request:
      method: POST
      path: /ovirt-engine/api/vms
      headers:
        Accept: application/xml
        Content-Type: application/xml
      body: |
        <vm><name>lc</name><cluster><name>Default</name></cluster><template><name>Blank</name></template></vm>
    response:
      status: 201
      headers:
        Content-Type: application/xml
        Location: http://engine/ovirt-engine/api/vms/123e4567
      body: <vm href="/ovirt-engine/api/vms/123e4567" id="123e4567"><name>lc</name><status>down</status></vm>
    capture:
      vm.id: id
      vm.href: href
      vm.loc: location
      vm.name: {path: name}
  - name: start
    request:
      method: post
      path: /ovirt-engine/api/vms/{{vm.id}}/start
      body: <action/>
  - name: wait until up
    role: admin
    auth: basic
    request:
      method: GET
      path: /ovirt-engine/api/vms/{{ vm.id }}
      query:
        follow: disk_attachments
        max: 10
    poll:
      path: status
      until: up
      interval: 10ms
      timeout: 1s
cleanup:
  - request:
      method: DELETE
      path: /ovirt-engine/api/vms/{{vm.id}}
`

func TestParseLifecycle(t *testing.T) {
	sc, err := Parse("lc.yaml", []byte(lifecycle))
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != "vm-lifecycle" || sc.File != "lc.yaml" || len(sc.Steps) != 3 || len(sc.Cleanup) != 1 {
		t.Fatalf("parsed %+v", sc)
	}
	if got, want := sc.Labels.Pairs(), []string{"api:v4", "feature:crud", "feature:actions", "feature:polling", "resource:vms", "source:simulator"}; !reflect.DeepEqual(got, want) {
		t.Errorf("labels %v, want %v", got, want)
	}
	st := sc.Steps[0]
	if st.Line != 9 || st.Response.Status != 201 || len(st.Captures) != 4 || st.Captures[3].From != FromPath || st.Captures[3].Arg != "name" {
		t.Errorf("step 1: %+v", st)
	}
	if sc.Steps[1].Request.Method != "POST" || !sc.Steps[1].Writes() {
		t.Errorf("method not upper-cased: %q", sc.Steps[1].Request.Method)
	}
	p := sc.Steps[2].Poll
	if p == nil || p.Path != "status" || !p.Done("up") || p.Done("down") || p.Interval != 10*time.Millisecond || p.Timeout != time.Second {
		t.Errorf("poll %+v", p)
	}
	if q := sc.Steps[2].Request.Query; len(q) != 2 || q[1] != (Pair{"max", "10"}) {
		t.Errorf("query %v: numbers are kept as written", q)
	}
	if sc.Steps[2].Auth != AuthBasic || sc.Steps[2].EffectiveRole() != "admin" || sc.Steps[0].EffectiveRole() != "admin" {
		t.Errorf("auth/role: %+v", sc.Steps[2])
	}
	if sc.Steps[2].Writes() {
		t.Error("GET writes")
	}
}

func TestParseRoundTrip(t *testing.T) {
	sc, err := Parse("lc.yaml", []byte(lifecycle))
	if err != nil {
		t.Fatal(err)
	}
	sc.Labels.Impact = ImpactInfrastructure
	out, err := Marshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Parse("lc.yaml", out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	clearLines(sc)
	clearLines(again)
	if !reflect.DeepEqual(sc, again) {
		t.Errorf("round trip changed the scenario:\n%s", out)
	}
	if !strings.Contains(string(out), "impact: infrastructure\n") || !slices.Contains(again.Labels.Pairs(), "impact:infrastructure") {
		t.Errorf("the impact label does not round-trip:\n%s", out)
	}
	if !strings.Contains(string(out), "body: |\n") {
		t.Errorf("multi-line bodies are literal blocks:\n%s", out)
	}
}

func clearLines(sc *Scenario) {
	for i := range sc.Steps {
		sc.Steps[i].Line = 0
		sc.Steps[i].Request.lines = nil
	}
	for i := range sc.Cleanup {
		sc.Cleanup[i].Line = 0
		sc.Cleanup[i].Request.lines = nil
	}
}

func TestParseErrors(t *testing.T) {
	step := "steps:\n  - request:\n      method: GET\n      path: /ovirt-engine/api\n"
	tests := []struct {
		name  string
		in    string
		line  int
		field string
		want  string
	}{
		{"syntax", "name: x\nsteps: [\n", 2, "", "YAML syntax"},
		{"tab indentation", "name: x\n\tsteps: 1\n", 2, "", "YAML syntax"},
		// yaml.v3 says line 3 (where the step's mapping begins); the stray
		// list item is on line 9.
		{"syntax error far from its block's start", "name: x\nsteps:\n  - request:\n      method: GET\n      path: /ovirt-engine/api\n    response:\n      status: 200\n      body: <api/>\n    - bad\n", 9, "", "YAML syntax"},
		{"empty", "", 0, "", "empty"},
		{"no name", step, 1, "name", "missing"},
		{"no steps", "name: x\n", 1, "steps", "at least one step"},
		{"unknown top field", "name: x\nstep: []\n", 2, "step", "unknown field"},
		{"unknown request field", "name: x\nsteps:\n  - request:\n      method: GET\n      pth: /x\n", 5, "steps[1].request.pth", "unknown field"},
		{"missing path", "name: x\nsteps:\n  - request:\n      method: GET\n", 4, "steps[1].request.path", "missing"},
		{"bad method", "name: x\nsteps:\n  - request:\n      method: FETCH\n      path: /x\n", 4, "steps[1].request.method", "not an HTTP method"},
		{"relative path", "name: x\nsteps:\n  - request:\n      method: GET\n      path: vms\n", 5, "steps[1].request.path", "starts with /"},
		{"query in path", "name: x\nsteps:\n  - request:\n      method: GET\n      path: /vms?max=1\n", 5, "steps[1].request.path", "query"},
		{"no request", "name: x\nsteps:\n  - name: y\n", 3, "steps[1].request", "missing"},
		{"bad status", "name: x\nsteps:\n  - request: {method: GET, path: /x}\n    response: {status: 99}\n", 4, "steps[1].response.status", "status code"},
		{"unknown capture source", "name: x\nsteps:\n  - request: {method: GET, path: /x}\n    capture:\n      vm.id: idd\n", 5, "steps[1].capture.vm.id", "unknown capture source"},
		{"unknown capture kind", "name: x\nsteps:\n  - request: {method: GET, path: /x}\n    capture:\n      vm.id: {xpath: /a}\n", 5, "steps[1].capture.vm.id", "unknown capture source"},
		{"bad capture path", "name: x\nsteps:\n  - request: {method: GET, path: /x}\n    capture:\n      vm.id: {path: 'a[0]'}\n", 5, "steps[1].capture.vm.id.path", "count from 1"},
		{"bad variable name", "name: x\nsteps:\n  - request: {method: GET, path: /x}\n    capture:\n      1vm: id\n", 5, "steps[1].capture.1vm", "variable name"},
		{"unbound variable", "name: x\nsteps:\n  - request:\n      method: GET\n      path: /vms/{{vm.id}}\n", 5, "steps[1].request.path", "unknown variable {{vm.id}}"},
		{"unbound in a header", "name: x\nsteps:\n  - request:\n      method: GET\n      path: /vms\n      headers:\n        Correlation-Id: '{{run.id}}'\n", 7, "steps[1].request.headers.Correlation-Id", "unknown variable {{run.id}}"},
		{"captured later", "name: x\nsteps:\n  - request:\n      method: GET\n      path: /vms/{{vm.id}}\n  - request: {method: GET, path: /x}\n    capture: {vm.id: id}\n", 5, "steps[1].request.path", "no earlier step"},
		{"cleanup unbound", "name: x\n" + step + "cleanup:\n  - request:\n      method: DELETE\n      path: /vms/{{vm.id}}\n", 9, "cleanup[1].request.path", "unknown variable"},
		{"credentials", "name: x\nsteps:\n  - request:\n      method: GET\n      path: /x\n      headers:\n        Authorization: Basic eA==\n", 7, "steps[1].request.headers.Authorization", "secrets never"},
		{"cookie recorded", "name: x\nsteps:\n  - request: {method: GET, path: /x}\n    response:\n      status: 200\n      headers:\n        Set-Cookie: a=b\n", 7, "steps[1].response.headers.Set-Cookie", "secrets never"},
		{"alias", "name: &n x\n" + step, 1, "name", "aliases"},
		{"duplicate key", "name: x\nname: y\n" + step, 2, "name", "twice"},
		{"bad source", "name: x\nlabels: {source: tape}\n" + step, 2, "labels.source", "want one of simulator, recorded, hand-written, crawled, generated"},
		{"bad impact", "name: x\nlabels: {impact: big}\n" + step, 2, "labels.impact", "want infrastructure"},
		{"recorded without credit", "name: x\nlabels: {source: recorded}\n" + step, 1, "credit", "comes from"},
		{"bad label", "name: x\nlabels: {feature: 'a b'}\n" + step, 2, "labels.feature", "label"},
		{"bad auth", "name: x\nsteps:\n  - auth: digest\n    request: {method: GET, path: /x}\n", 3, "steps[1].auth", "token, basic or none"},
		{"poll without until", "name: x\nsteps:\n  - request: {method: GET, path: /x}\n    poll: {path: status}\n", 4, "steps[1].poll", "until"},
		{"bad duration", "name: x\nsteps:\n  - request: {method: GET, path: /x}\n    poll: {path: status, until: up, interval: soon}\n", 4, "steps[1].poll.interval", "duration"},
		{"steps not a list", "name: x\nsteps: {request: 1}\n", 2, "steps", "list of steps"},
		{"name a list", "name: [a]\n" + step, 1, "name", "want a value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("bad.yaml", []byte(tt.in))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T), want *ParseError", err, err)
			}
			if pe.File != "bad.yaml" || pe.Line != tt.line || pe.Field != tt.field || !strings.Contains(pe.Error(), tt.want) {
				t.Errorf("got file %q line %d field %q: %v\nwant line %d field %q containing %q", pe.File, pe.Line, pe.Field, pe, tt.line, tt.field, tt.want)
			}
			if !strings.HasPrefix(pe.Error(), "bad.yaml") {
				t.Errorf("error does not start with the file name: %v", pe)
			}
		})
	}
}

func TestExpand(t *testing.T) {
	v := Vars{"vm.id": "42", "disk.id": "7"}
	r := Request{Method: "PUT", Path: "/vms/{{vm.id}}/disks/{{ disk.id }}", Query: []Pair{{"search", "id={{vm.id}}"}},
		Header: []Pair{{"Correlation-Id", "c-{{disk.id}}"}}, Body: "<vm id='{{vm.id}}'/>"}
	got, err := r.Expand(v)
	if err != nil {
		t.Fatal(err)
	}
	if got.Path != "/vms/42/disks/7" || got.Query[0].Value != "id=42" || got.Header[0].Value != "c-7" || got.Body != "<vm id='42'/>" {
		t.Errorf("expanded %+v", got)
	}
	if refs := r.References(); !reflect.DeepEqual(refs, []string{"vm.id", "disk.id"}) {
		t.Errorf("references %v", refs)
	}
	_, err = (&Request{Path: "/vms/{{nic.id}}"}).Expand(v)
	var ue *UnboundError
	if !errors.As(err, &ue) || ue.Var != "nic.id" || !errors.Is(err, ErrUnbound) {
		t.Errorf("unbound: %v", err)
	}
}
