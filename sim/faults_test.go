package sim

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ovcompat/ovcompat/rules"
	"github.com/ovcompat/ovcompat/schema"
)

func TestParseFaults(t *testing.T) {
	fs, err := ParseFaults(" drop-links:0.5, slow ,reset:0")
	if err != nil || len(fs) != 3 || fs[0] != (Fault{FaultDropLinks, 0.5}) || fs[1] != (Fault{FaultSlow, 1}) || fs[2].Rate != 0 {
		t.Fatalf("ParseFaults: %v, %v", fs, err)
	}
	if fs, err := ParseFaults(""); err != nil || len(fs) != 0 {
		t.Errorf("empty spec: %v, %v", fs, err)
	}
	for _, bad := range []string{"nope", "slow:2", "slow:-1", "slow:x", "slow,slow", "drop-links:"} {
		if _, err := ParseFaults(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestFaults injects each fault into every eligible response and checks
// that it produces the finding the README's table promises, and only
// that.
func TestFaults(t *testing.T) {
	vmBody := `<vm><name>%s</name><cluster><name>Default</name></cluster><template><name>Blank</name></template></vm>`
	for _, tc := range []struct {
		fault, method, path, body string
		// finding is the rule the exchange must break ("" for none); a
		// second one may come with it (labelling XML as JSON also answers
		// an Accept the client did not send).
		finding, also string
		check         func(t *testing.T, resp *http.Response, body []byte)
	}{
		{FaultDropLinks, "GET", "/vms", "", "", "", func(t *testing.T, _ *http.Response, body []byte) {
			if strings.Contains(string(body), "<link") || strings.Contains(string(body), "<actions") {
				t.Error("links left")
			}
		}},
		{FaultWrongType, "GET", "/vms", "", schema.RuleInvalidValue, "", nil},
		{FaultBadEnum, "GET", "/vms", "", schema.RuleUnknownEnum, "", nil},
		{FaultUnknownElement, "GET", "/vms", "", schema.RuleUnknownElement, "", nil},
		{FaultNoLocation, "POST", "/vms", vmBody, rules.RuleLocation, "", nil},
		{FaultWrongStatus, "POST", "/vms", vmBody, rules.RuleStatus, "", nil},
		{FaultWrongContentType, "GET", "/vms", "", rules.RuleContentType, rules.RuleAccept, nil},
		{FaultSlow, "GET", "/vms", "", "", "", nil},
	} {
		t.Run(tc.fault, func(t *testing.T) {
			e, srv := testEngine(t, Options{Seed: 1, Faults: []Fault{{tc.fault, 1}}, Latency: time.Millisecond})
			m := e.Model()
			c := newClient(t, e, srv)
			path := tc.path
			body := strings.ReplaceAll(tc.body, "%s", "f-"+tc.fault)
			resp, data := c.do(tc.method, path, body)
			if got := resp.Header.Get("X-Ovcompat-Fault"); got != tc.fault {
				t.Fatalf("X-Ovcompat-Fault %q", got)
			}
			r := m.Routes().Find(tc.method, path)
			ex := &rules.Exchange{Method: tc.method, Path: BasePath + path,
				RequestHeader: http.Header{"Accept": {"application/xml"}, "Content-Type": {"application/xml"}},
				RequestBody:   []byte(body), Status: resp.StatusCode, ResponseHeader: resp.Header, ResponseBody: data}
			found := map[string]bool{}
			for _, v := range ruleChecker(t, m).Check(ex).Violations {
				found[v.Rule] = true
			}
			if tc.finding == "" && len(found) > 0 {
				t.Errorf("findings %v, want none", found)
			}
			delete(found, tc.also)
			if tc.finding != "" && (!found[tc.finding] || len(found) != 1) {
				t.Errorf("findings %v, want exactly %s (route %s)", found, tc.finding, r)
			}
			if tc.check != nil {
				tc.check(t, resp, data)
			}
		})
	}
}

func TestFaultReset(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1, Faults: []Fault{{FaultReset, 1}}})
	req, _ := http.NewRequest("GET", srv.URL+BasePath+"/vms", nil)
	req.SetBasicAuth(AdminUser, e.AdminPassword())
	resp, err := srv.Client().Do(req)
	if err != nil {
		return // cut before the headers: also a transport error
	}
	defer resp.Body.Close()
	if _, err := io.ReadAll(resp.Body); err == nil {
		t.Error("the body was read whole despite the reset fault")
	}
}

// TestFaultRateIsSeeded checks that a rate corrupts a share of the
// responses and that the inject seed repeats the choice.
func TestFaultRateIsSeeded(t *testing.T) {
	pattern := func(seed int64) string {
		e, srv := testEngine(t, Options{Seed: 1, Faults: []Fault{{FaultDropLinks, 0.5}}, InjectSeed: seed})
		c := newClient(t, e, srv)
		var b strings.Builder
		for range 40 {
			resp, _ := c.do("GET", "/vms", "")
			if resp.Header.Get("X-Ovcompat-Fault") != "" {
				b.WriteByte('x')
			} else {
				b.WriteByte('.')
			}
		}
		return b.String()
	}
	a, b, other := pattern(9), pattern(9), pattern(10)
	if a != b {
		t.Errorf("the same inject seed chose differently:\n%s\n%s", a, b)
	}
	if a == other {
		t.Errorf("two inject seeds chose alike: %s", a)
	}
	if n := strings.Count(a, "x"); n < 8 || n > 32 {
		t.Errorf("rate 0.5 corrupted %d of 40 responses: %s", n, a)
	}
}
