package reports

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./reports -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test ./reports -update and review the diff\n%s", path, firstDiff(want, got))
	}
}

// firstDiff shows the first line where two outputs differ.
func firstDiff(want, got []byte) string {
	wl, gl := bytes.Split(want, []byte("\n")), bytes.Split(got, []byte("\n"))
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g []byte
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if !bytes.Equal(w, g) {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + string(w) + "\n  got:  " + string(g)
		}
	}
	return ""
}

var t0 = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

// sample is a run with every kind of finding: a passing scenario, one that
// fails on a breaking difference and an error violation (with a transcript
// holding secrets), one that warns, a harness error and a skipped step.
func sample() *Results {
	r := &Results{
		Version: Version,
		Run: Run{
			Kind: "replay", Target: "https://engine.example.test/ovirt-engine/api",
			Product: "oVirt Engine", EngineVersion: "4.5.5-1.el8",
			ToolVersion: "v0.1.0", ModelVersion: "oVirt API model 4.6",
			Started: t0, Finished: t0.Add(93 * time.Second),
			LabelFilter: "resource:vms || resource:hosts",
		},
		Scenarios: []Scenario{
			{
				Name: "vms-list", Description: "List vms and get one.", Labels: []string{"resource:vms", "feature:list"},
				Source: "fixtures/scenarios/vms-list.yaml", Outcome: Pass, Duration: Duration(1200 * time.Millisecond),
				Steps: []Step{
					{Index: 0, Name: "list vms", Method: "GET", Path: "/vms", Route: "/vms", Role: "admin", Status: 200, RecordedStatus: 200, Outcome: Pass, Duration: Duration(300 * time.Millisecond),
						Skipped: []SkippedComparison{{Location: "/vms/vm[1]/@id", Why: "ids vary by nature"}, {Location: "/vms/vm[1]/creation_time", Why: "dates vary by nature"}}},
					{Index: 1, Name: "get vm", Method: "GET", Path: "/vms/123", Route: "/vms/{vm_id}", Role: "admin", Status: 200, RecordedStatus: 200, Outcome: Pass, Duration: Duration(250 * time.Millisecond),
						Violations: []Violation{{Rule: "rest.cache-headers", Severity: SeverityInfo, Location: "header:Cache-Control", Reason: "no caching headers"}}},
				},
			},
			{
				Name: "vms-start", Description: "Start a vm & poll until up.", Labels: []string{"resource:vms", "feature:actions"},
				Source: "fixtures/scenarios/vms-start.yaml", Outcome: Fail, Duration: Duration(4 * time.Second),
				Steps: []Step{
					{Index: 0, Name: "start", Method: "POST", Path: "/vms/123/start", Route: "/vms/{vm_id}/start", Role: "admin", Status: 200, RecordedStatus: 200, Outcome: Pass},
					{Index: 1, Name: "poll <until up>", Method: "GET", Path: "/vms/123", Route: "/vms/{vm_id}", Role: "admin", Status: 200, RecordedStatus: 200, Outcome: Fail, Duration: Duration(1500 * time.Millisecond),
						Violations: []Violation{{Rule: "schema.unknown-element", Severity: SeverityError, Location: "/vm/bogus", Line: 7, Column: 3, Reason: "element bogus is not in type Vm"}},
						Differences: []Difference{
							{Kind: "element-removed", Grade: Breaking, Location: "/vm/memory", Reason: "element memory was removed", Base: "present", New: "absent"},
							{Kind: "element-added", Grade: GradeInfo, Location: "/vm/bogus", Reason: "element bogus was added", Base: "absent", New: "present"},
						},
						Skipped: []SkippedComparison{{Location: "/vm/status", Why: "status of asynchronous objects varies"}},
						Transcript: &Transcript{
							Request: Message{Method: "GET", URL: "https://admin%40internal:hunter2@engine.example.test/ovirt-engine/api/vms/123?access_token=abc123&follow=nics",
								Headers: []Header{{Name: "Accept", Value: "application/xml"}, {Name: "Authorization", Value: "Bearer eyJhbGciOiJIUzI1NiJ9.secret"}, {Name: "Cookie", Value: "JSESSIONID=s3cr3t; locale=en"}}},
							Response: Message{Status: 200,
								Headers: []Header{{Name: "Content-Type", Value: "application/xml"}, {Name: "Set-Cookie", Value: "JSESSIONID=s3cr3t2; Path=/ovirt-engine; HttpOnly"}},
								Body:    "<vm id=\"123\">\n  <name>web</name>\n  <bogus>1</bogus>\n  <initialization>\n    <root_password>hunter2</root_password>\n  </initialization>\n  <status>up</status>\n</vm>\n"},
						}},
					{Index: 2, Name: "remove vm", Cleanup: true, Method: "DELETE", Path: "/vms/123", Route: "/vms/{vm_id}", Role: "admin", Status: 200, RecordedStatus: 200, Outcome: Pass},
				},
			},
			{
				Name: "hosts-json", Labels: []string{"resource:hosts"}, Source: "fixtures/scenarios/hosts-json.yaml", Outcome: Warn, Duration: Duration(800 * time.Millisecond),
				Steps: []Step{
					{Index: 0, Name: "list hosts as json", Method: "GET", Path: "/hosts", Route: "/hosts", Role: "viewer", Status: 206, RecordedStatus: 200, Outcome: Warn,
						Differences: []Difference{{Kind: "status-changed", Grade: GradeWarn, Location: "status", Reason: "status changed within its class", Base: "200", New: "206"}},
						Transcript: &Transcript{
							Request:  Message{Method: "GET", URL: "https://engine.example.test/ovirt-engine/api/hosts", Headers: []Header{{Name: "Accept", Value: "application/json"}}},
							Response: Message{Status: 206, Headers: []Header{{Name: "Content-Type", Value: "application/json"}}, Body: `{"host":[{"name":"h1","ssh":{"fingerprint":"x","password":"p4ss"}}]}`},
						}},
					{Index: 1, Name: "update host", Method: "PUT", Path: "/hosts/7", Route: "/hosts/{host_id}", Outcome: Skip, SkipReason: "read-only run: the step writes"},
				},
			},
			{
				Name: "sso-login", Labels: []string{"feature:auth"}, Source: "fixtures/scenarios/sso-login.yaml", Outcome: Error, Duration: Duration(30 * time.Second),
				Error: "step 0: target https://engine.example.test answered text/html, not the API",
				Steps: []Step{
					{Index: 0, Name: "token", Method: "POST", Path: "/sso/oauth/token", Outcome: Error, Error: "answered text/html, not the API",
						Transcript: &Transcript{
							Request:  Message{Method: "POST", URL: "https://engine.example.test/ovirt-engine/sso/oauth/token", Headers: []Header{{Name: "Content-Type", Value: "application/x-www-form-urlencoded"}}, Body: "grant_type=password&username=admin%40internal&password=hunter2&scope=ovirt-app-api"},
							Response: Message{Status: 200, Headers: []Header{{Name: "Content-Type", Value: "text/html"}}, Body: "<html><body>Maintenance</body></html>"},
						}},
				},
			},
			{
				Name: "recorded-refresh", Labels: []string{"resource:vms", "source:recorded"}, Source: "fixtures/scenarios/recorded/refresh.yaml",
				Outcome: Skip, LeftOut: "recorded traffic: its ids exist only on the engine that produced it", Steps: []Step{},
			},
		},
		Coverage: &Coverage{Resources: []ResourceCoverage{
			{Resource: "hosts", Routes: 92, Exercised: []string{"GET /hosts", "PUT /hosts/{host_id}"}},
			{Resource: "storagedomains", Routes: 61},
			{Resource: "vms", Routes: 122, Exercised: []string{"DELETE /vms/{vm_id}", "GET /vms", "GET /vms/{vm_id}", "POST /vms/{vm_id}/start"}},
		}},
	}
	return r
}

// namedRenderer is a renderer of a Results with a name for subtests.
type namedRenderer struct {
	name   string
	render func(io.Writer, *Results) error
}

// renderers are every renderer of a Results, in a fixed order.
func renderers() []namedRenderer {
	return []namedRenderer{
		{"json", Write},
		{"html", func(w io.Writer, r *Results) error { return WriteHTML(w, r, HTMLOptions{}) }},
		{"violations", func(w io.Writer, r *Results) error { return WriteViolationsHTML(w, r, HTMLOptions{}) }},
		{"markdown", func(w io.Writer, r *Results) error { return WriteMarkdown(w, r, MarkdownOptions{}) }},
		{"junit", WriteJUnit},
	}
}

// bigResults builds a run of scenarios*steps steps with a spread of
// outcomes, findings, skipped comparisons and transcripts.
func bigResults(scenarios, steps int) *Results {
	resources := []string{"vms", "hosts", "clusters", "storagedomains", "datacenters", "templates", "networks", "disks"}
	rules := []string{"schema.unknown-element", "schema.missing-element", "rest.location-on-create", "rest.self-href", "schema.unknown-enum", "rest.cache-headers", "schema.element-order"}
	r := &Results{Version: Version, Run: Run{Kind: "replay", Target: "http://127.0.0.1:8080/ovirt-engine/api", ToolVersion: "dev", ModelVersion: "oVirt API model 4.6", Started: t0, Finished: t0.Add(10 * time.Minute)}}
	cov := map[string]map[string]bool{}
	for i := 0; i < scenarios; i++ {
		res := resources[i%len(resources)]
		sc := Scenario{Name: fmt.Sprintf("%s-%04d", res, i), Labels: []string{"resource:" + res}, Source: fmt.Sprintf("scenarios/%s-%04d.yaml", res, i), Duration: Duration(time.Duration(steps) * 20 * time.Millisecond)}
		for j := 0; j < steps; j++ {
			n := i*steps + j
			route := fmt.Sprintf("/%s/{id}", res)
			if j%3 == 1 {
				route = fmt.Sprintf("/%s/{id}/nics/{nic_id}", res)
			}
			st := Step{Index: j, Name: fmt.Sprintf("step %d", j), Method: []string{"GET", "POST", "PUT", "DELETE"}[n%4], Path: strings.ReplaceAll(route, "{id}", fmt.Sprint(1000+n)), Route: route, Role: "admin", Status: 200, RecordedStatus: 200, Duration: Duration(20 * time.Millisecond)}
			switch {
			case n%97 == 0:
				st.Error = "connection reset by peer"
			case n%23 == 0:
				st.Outcome = Skip
				st.SkipReason = "read-only run: the step writes"
			case n%11 == 0:
				st.Violations = append(st.Violations, Violation{Rule: rules[n%len(rules)], Severity: SeverityError, Location: fmt.Sprintf("/vm/disks/disk[%d]", n%5), Reason: "element is not in the type"})
				st.Differences = append(st.Differences, Difference{Kind: "element-removed", Grade: Breaking, Location: "/vm/memory", Reason: "element memory was removed", Base: "present", New: "absent"})
			case n%7 == 0:
				st.Violations = append(st.Violations, Violation{Rule: rules[(n/7)%len(rules)], Severity: SeverityWarning, Location: "/vm/status", Reason: "value not in enum"})
			}
			st.Skipped = []SkippedComparison{{Location: "/vm/@id", Why: "ids vary by nature"}}
			if st.Outcome == "" {
				st.Outcome = Judge(st.Violations, st.Differences, st.Error)
			}
			if isProblem(st.Outcome) {
				st.Transcript = &Transcript{
					Request:  Message{Method: st.Method, URL: "http://127.0.0.1:8080/ovirt-engine/api" + st.Path, Headers: []Header{{Name: "Authorization", Value: "Bearer t0k3n"}, {Name: "Accept", Value: "application/xml"}}},
					Response: Message{Status: 200, Headers: []Header{{Name: "Content-Type", Value: "application/xml"}}, Body: strings.Repeat("<vm><name>x</name><password>p</password></vm>\n", 40)},
				}
			}
			if cov[res] == nil {
				cov[res] = map[string]bool{}
			}
			cov[res][st.Method+" "+route] = true
			sc.Steps = append(sc.Steps, st)
		}
		r.Scenarios = append(r.Scenarios, sc)
	}
	r.Settle()
	r.Coverage = &Coverage{}
	sort.Strings(resources)
	for _, res := range resources {
		rc := ResourceCoverage{Resource: res, Routes: 40}
		for k := range cov[res] {
			rc.Exercised = append(rc.Exercised, k)
		}
		sort.Strings(rc.Exercised)
		r.Coverage.Resources = append(r.Coverage.Resources, rc)
	}
	return r
}
