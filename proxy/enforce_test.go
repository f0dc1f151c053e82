package proxy

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/schema"
)

func TestEnforceRejectsInvalidRequests(t *testing.T) {
	var s seen
	up := engine(t, &s)
	defer up.Close()
	px := startProxy(t, up.URL, Config{Mode: Enforce})
	c := rawClient()
	m, err := schema.V4()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, method, path, body string
		headers                  []string
		status                   int
		rule                     string
		json                     bool
	}{
		{"GET with a body", "GET", vmPath, "<vm/>", []string{"Content-Type: application/xml"}, 400, "rest.unexpected-body", false},
		{"JSON client", "GET", vmPath, `{"name":"x"}`, []string{"Content-Type: application/json", "Accept: application/json"}, 400, "rest.unexpected-body", true},
		{"unknown element in an update", "PUT", vmPath, "<vm><bogus/></vm>", []string{"Content-Type: application/xml"}, 400, "schema.unknown-element", false},
		{"unknown route", "GET", "/ovirt-engine/api/nothing", "", nil, 400, "rest.unknown-route", false},
		{"bad Version", "GET", vmPath, "", []string{"Version: 9"}, 400, "rest.version", false},
		{"valid GET", "GET", vmPath, "", []string{"Accept: application/xml"}, 200, "", false},
		{"valid update", "PUT", vmPath, "<vm><name>x</name></vm>", []string{"Content-Type: application/xml"}, 200, "", false},
		{"outside the API", "POST", "/ovirt-engine/sso/oauth/token", "grant_type=password&password=x", []string{"Content-Type: application/x-www-form-urlencoded"}, 200, "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := s.count()
			resp, body := get(t, c, tc.method, px.url+tc.path, tc.body, tc.headers...)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
			}
			if tc.status == 200 {
				if s.count() != before+1 {
					t.Error("a valid request did not reach the engine")
				}
				_, got := s.last()
				if string(got) != tc.body {
					t.Errorf("the engine got body %q, want %q", got, tc.body)
				}
				return
			}
			if s.count() != before {
				t.Error("the engine saw a rejected request")
			}
			var reason string
			if tc.json {
				if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
					t.Errorf("Content-Type %q for a JSON client", resp.Header.Get("Content-Type"))
				}
				var f struct{ Reason, Detail string }
				if err := json.Unmarshal(body, &f); err != nil {
					t.Fatalf("JSON fault: %v: %s", err, body)
				}
				reason = f.Reason
			} else {
				res := m.ValidateXML(body, schema.Target{Type: m.Type("Fault")}, schema.Limits{})
				if !res.OK() || res.Root != "fault" {
					t.Fatalf("not a valid <fault>: %v: %s", res.Violations, body)
				}
				reason = string(body)
			}
			if !strings.Contains(reason, tc.rule) || !strings.Contains(reason, " at ") {
				t.Errorf("the reason does not name %s and its location: %s", tc.rule, reason)
			}
		})
	}
	if err := px.stop(); err != nil {
		t.Fatal(err)
	}
	if l := hasRule(violationLines(t, px.violations.String()), "rest.unexpected-body"); l == nil {
		t.Error("rejected requests' violations were not logged")
	}
}

func TestEnforceResponses(t *testing.T) {
	up := engine(t, nil)
	defer up.Close()
	c := rawClient()
	for _, enforce := range []bool{false, true} {
		px := startProxy(t, up.URL, Config{Mode: Enforce, EnforceResponses: enforce})
		resp, body := get(t, c, "GET", px.url+"/ovirt-engine/api/vms/bad", "", "Accept: application/xml")
		want := http.StatusOK
		if enforce {
			want = http.StatusBadGateway
		}
		if resp.StatusCode != want {
			t.Errorf("enforce-responses %v: status %d, want %d", enforce, resp.StatusCode, want)
		}
		if enforce && !strings.Contains(string(body), "schema.unknown-element") {
			t.Errorf("502 does not name the rule: %s", body)
		}
		// A valid response passes whole, compressed or not.
		resp, body = get(t, c, "GET", px.url+"/ovirt-engine/api/hosts", "", "Accept: application/xml", "Accept-Encoding: gzip")
		if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "gzip" || len(body) == 0 {
			t.Errorf("enforce-responses %v: valid gzip response: status %d, encoding %q", enforce, resp.StatusCode, resp.Header.Get("Content-Encoding"))
		}
		if err := px.stop(); err != nil {
			t.Fatal(err)
		}
		if hasRule(violationLines(t, px.violations.String()), "schema.unknown-element") == nil {
			t.Errorf("enforce-responses %v: violation not logged", enforce)
		}
	}
}
