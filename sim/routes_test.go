package sim

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/har"
	"github.com/ovcompat/ovcompat/rules"
	"github.com/ovcompat/ovcompat/schema"
)

// TestEveryRoute drives every route of the route table, in XML and in
// JSON, creating the objects its path needs, and checks every exchange
// with the schema validator and the whole rule catalogue: zero violations.
func TestEveryRoute(t *testing.T) {
	for _, rep := range []string{"xml", "json"} {
		t.Run(rep, func(t *testing.T) {
			e, srv := testEngine(t, Options{Seed: 3})
			m := e.Model()
			checker := ruleChecker(t, m)
			setup := newClient(t, e, srv)
			d := &driver{t: t, m: m, c: setup}
			routes := append([]*schema.Route(nil), m.Routes().All()...)
			// Removes last, so the objects other routes need still exist.
			sort.SliceStable(routes, func(i, j int) bool {
				return routes[i].Kind != schema.Remove && routes[j].Kind == schema.Remove
			})
			statuses := map[int][]string{}
			for _, r := range routes {
				path, ok := d.concrete(r, r.Kind == schema.Remove)
				if !ok {
					t.Errorf("%s: could not make the objects of its path (stopped at %s)", r, path)
					continue
				}
				path = d.params(r, path)
				body := d.body(r, path)
				c := newClient(t, e, srv)
				c.json = rep == "json"
				req := xmlString(body)
				if c.json && body != nil {
					req = jsonString(m, body, r.Input.Type)
				}
				resp, data := c.do(r.Method, path, req)
				statuses[resp.StatusCode] = append(statuses[resp.StatusCode], r.String())
				checkExchange(t, m, checker, r, c, path, req, resp, data)
			}
			var codes []int
			for code := range statuses {
				codes = append(codes, code)
			}
			sort.Ints(codes)
			var summary []string
			for _, code := range codes {
				summary = append(summary, fmt.Sprintf("%d: %d", code, len(statuses[code])))
			}
			t.Logf("%d routes driven; statuses %s", len(routes), strings.Join(summary, ", "))
			for _, code := range codes {
				if code/100 != 2 {
					t.Logf("status %d: %s", code, strings.Join(statuses[code], "; "))
				}
			}
			for _, code := range codes {
				for _, r := range statuses[code] {
					if code/100 != 2 && !expectedConflicts[r] {
						t.Errorf("%s: status %d", r, code)
					}
				}
			}
		})
	}
}

// expectedConflicts are the routes the driver reaches with an object in a
// state that forbids the operation: the engine's answer is 409 with a
// fault, which the test validates like any other.
var expectedConflicts = map[string]bool{
	"POST /datacenters/{data_center_id}/storagedomains/{storage_domain_id}/activate": true, // already active
	"POST /hosts/{host_id}/activate":                                                 true, // already up
	"POST /templates":                                                                true, // the first VM is running
	"POST /jobs/{job_id}/end":                                                        true, // the first job has ended
	"DELETE /users/{user_id}/roles/{role_id}":                                        true, // a predefined role, in use (RemoveRoleCommand)
	"DELETE /groups/{group_id}/roles/{role_id}":                                      true, // a predefined role, in use (RemoveRoleCommand)
	"POST /vms/{vm_id}/suspend":                                                      true, // stopped by an earlier route
	"POST /vms/{vm_id}/ticket":                                                       true, // stopped: no console to open
	"POST /vms/{vm_id}/graphicsconsoles/{console_id}/ticket":                         true, // stopped: no console to open
	"DELETE /hosts/{host_id}":                                                        true, // not in maintenance
	// The seed's roles are the predefined, read-only ones (RolesCommandBase.checkIfRoleIsReadOnly);
	// TestPredefinedRolesReadOnly changes the permits of a role of its own.
	"POST /roles/{role_id}/permits":                                 true,
	"POST /users/{user_id}/roles/{role_id}/permits":                 true,
	"POST /groups/{group_id}/roles/{role_id}/permits":               true,
	"DELETE /roles/{role_id}/permits/{permit_id}":                   true,
	"DELETE /users/{user_id}/roles/{role_id}/permits/{permit_id}":   true,
	"DELETE /groups/{group_id}/roles/{role_id}/permits/{permit_id}": true,
}

// ruleChecker is the rule catalogue as every command uses it.
func ruleChecker(t testing.TB, m *schema.Model) *rules.Checker {
	t.Helper()
	c, err := rules.New(rules.Options{Models: []*schema.Model{m}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// checkExchange validates a response against the model and the exchange
// against every rule.
func checkExchange(t *testing.T, m *schema.Model, checker *rules.Checker, r *schema.Route, c *client, path, req string, resp *http.Response, data []byte) {
	t.Helper()
	if len(data) > 0 {
		target := schema.Target{Route: rules.ResponseRoute(m, r), Status: resp.StatusCode}
		var res schema.Result
		if c.json {
			res = m.ValidateJSON(data, target, schema.Limits{})
		} else {
			res = m.ValidateXML(data, target, schema.Limits{})
		}
		for _, v := range res.Violations {
			t.Errorf("%s (%d): %s %s at %s: %s", r, resp.StatusCode, v.Severity, v.Rule, v.Location, v.Reason)
		}
	}
	reqHeader := http.Header{}
	reqHeader.Set("Accept", "application/xml")
	if c.json {
		reqHeader.Set("Accept", "application/json")
	}
	if req != "" {
		reqHeader.Set("Content-Type", reqHeader.Get("Accept"))
	}
	u := strings.SplitN(path, "?", 2)
	ex := &har.Exchange{Method: r.Method, Path: BasePath + u[0], RequestHeader: reqHeader, RequestBody: []byte(req),
		Status: resp.StatusCode, ResponseHeader: resp.Header, ResponseBody: data}
	if len(u) > 1 {
		ex.RawQuery = u[1]
	}
	for _, v := range checker.Check(ex).Violations {
		t.Errorf("%s (%d) rules: %s %s at %s: %s", r, resp.StatusCode, v.Severity, v.Rule, v.Location, v.Reason)
	}
}
