package sim

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ovcompat/ovcompat/har"
	"github.com/ovcompat/ovcompat/rules"
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

// TestFaults injects each fault of the table into an eligible response
// and checks that the exchange breaks exactly the rule the table promises
// (with the one it says may come along), or none when it names none.
func TestFaults(t *testing.T) {
	vmBody := `<vm><name>%s</name><cluster><name>Default</name></cluster><template><name>Blank</name></template></vm>`
	checks := map[string]func(t *testing.T, resp *http.Response, body []byte){
		FaultDropLinks: func(t *testing.T, _ *http.Response, body []byte) {
			if strings.Contains(string(body), "<link") || strings.Contains(string(body), "<actions") {
				t.Error("links left")
			}
		},
	}
	for _, k := range FaultKinds() {
		if k.Name == FaultReset {
			continue // TestFaultReset: no exchange to check
		}
		t.Run(k.Name, func(t *testing.T) {
			e, srv := testEngine(t, Options{Seed: 1, Faults: []Fault{{k.Name, 1}}, Latency: time.Millisecond})
			m := e.Model()
			c := newClient(t, e, srv)
			method, path, body := "GET", "/vms", ""
			if k.Name == FaultNoLocation || k.Name == FaultWrongStatus {
				method, body = "POST", strings.ReplaceAll(vmBody, "%s", "f-"+k.Name)
			}
			resp, data := c.do(method, path, body)
			if got := resp.Header.Get("X-Ovcompat-Fault"); got != k.Name {
				t.Fatalf("X-Ovcompat-Fault %q", got)
			}
			ex := &har.Exchange{Method: method, Path: BasePath + path,
				RequestHeader: http.Header{"Accept": {"application/xml"}, "Content-Type": {"application/xml"}},
				RequestBody:   []byte(body), Status: resp.StatusCode, ResponseHeader: resp.Header, ResponseBody: data}
			found := map[string]string{}
			for _, v := range ruleChecker(t, m).Check(ex).Violations {
				found[v.Rule] = v.Severity.String()
			}
			delete(found, k.Also)
			switch {
			case k.Rule != "" && (found[k.Rule] != k.Severity || len(found) != 1):
				t.Errorf("findings %v, want exactly %s (%s)", found, k.Rule, k.Severity)
			case k.Rule == "" && len(found) > 0:
				t.Errorf("findings %v, want none in the exchange", found)
			}
			if check := checks[k.Name]; check != nil {
				check(t, resp, data)
			}
		})
	}
}

// TestFaultTable checks the table itself: rules are rules of the catalogue,
// differences are graded, a fault with a finding fails a run and one
// without passes it (or breaks the harness), and the README's table is the
// table (go test ./sim -run FaultTable -update rewrites it).
func TestFaultTable(t *testing.T) {
	known := func(id string) bool { _, ok := rules.Default().Rule(id); return ok }
	for _, k := range FaultKinds() {
		if (k.Rule != "" && !known(k.Rule)) || (k.Also != "" && !known(k.Also)) {
			t.Errorf("%s: %s or %s is no rule of the catalogue", k.Name, k.Rule, k.Also)
		}
		if (k.Difference == "") != (k.Grade == "") || (k.Rule == "") != (k.Severity == "") {
			t.Errorf("%s: a finding without its grade, or a grade without a finding", k.Name)
		}
		finds := k.Rule != "" || k.Difference != ""
		if finds != (k.Outcome == "fail") || (!finds && k.Outcome != "pass" && k.Outcome != "error") {
			t.Errorf("%s: outcome %s with rule %q and difference %q", k.Name, k.Outcome, k.Rule, k.Difference)
		}
		if k.eligible == nil || (k.body == nil) == (k.wire == nil) {
			t.Errorf("%s: needs eligible and exactly one of body and wire", k.Name)
		}
	}
	checkREADMESection(t, "### Fault injection", faultTableMarkdown())
}

// faultTableMarkdown renders the fault table as the README shows it.
func faultTableMarkdown() string {
	var b strings.Builder
	b.WriteString("| fault | what it does | expected finding |\n|---|---|---|\n")
	for _, k := range FaultKinds() {
		var parts []string
		if k.Rule != "" {
			r := fmt.Sprintf("rule `%s` (%s)", k.Rule, k.Severity)
			if k.Also != "" {
				r += fmt.Sprintf(" and `%s`", k.Also)
			}
			parts = append(parts, r)
		}
		if k.Difference != "" {
			parts = append(parts, fmt.Sprintf("%s difference `%s` on replay", k.Grade, k.Difference))
		}
		if k.Outcome == "pass" {
			parts = append(parts, "no finding")
		}
		if k.Note != "" {
			parts = append(parts, k.Note)
		}
		finding := strings.Join(parts, "; ")
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", k.Name, k.Does, finding)
	}
	return b.String()
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
