package sim

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/schema"
)

func TestBadInput(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1, MaxBody: 1 << 16})
	m := e.Model()
	vmAdd := m.Routes().Find("POST", "/vms")
	deep := strings.Repeat("<cpu>", 300) + strings.Repeat("</cpu>", 300)
	for _, tc := range []struct {
		name, method, path, body, ctype string
		status                          int
		reason, detail                  string
	}{
		{"malformed XML", "POST", "/vms", "<vm><name>x</vm>", "", 400, syntaxReason, ""},
		{"not XML at all", "POST", "/vms", "hello", "", 400, syntaxReason, ""},
		{"unknown element", "POST", "/vms", "<vm><name>x</name><flavour>big</flavour></vm>", "", 400, syntaxReason, "flavour"},
		{"wrong root", "POST", "/vms", "<host><name>x</name></host>", "", 400, syntaxReason, "root element &lt;host&gt;"},
		{"bad value", "POST", "/vms", "<vm><name>x</name><memory>lots</memory></vm>", "", 400, syntaxReason, "memory"},
		{"doctype", "POST", "/vms", `<!DOCTYPE vm [<!ENTITY x "y">]><vm><name>&x;</name></vm>`, "", 400, syntaxReason, ""},
		{"too deep", "POST", "/vms", "<vm>" + deep + "</vm>", "", 400, syntaxReason, ""},
		{"empty body", "POST", "/vms", "", "", 400, syntaxReason, ""},
		{"missing mandatory", "POST", "/vms", "<vm><name>x</name></vm>", "", 400, "Incomplete parameters", "Vm [cluster.id|name, template.id|name] required for add"},
		{"malformed JSON", "POST", "/vms", `{"name": "x"`, "application/json", 400, syntaxReason, ""},
		{"JSON array", "POST", "/vms", `[1, 2]`, "application/json", 400, syntaxReason, ""},
		{"JSON missing mandatory", "POST", "/vms", `{"name": "x"}`, "application/json", 400, "Incomplete parameters", "template.id|name"},
		{"unknown cluster", "POST", "/vms", "<vm><name>x</name><cluster><name>nope</name></cluster><template><name>Blank</name></template></vm>", "", 404, "Operation Failed", "Entity not found: Cluster: name=nope"},
		{"duplicate name", "POST", "/vms", "<vm><name>web-01</name><cluster><name>Default</name></cluster><template><name>Blank</name></template></vm>", "", 409, "Operation Failed", "name is already in use"},
		{"huge body", "POST", "/vms", "<vm><description>" + strings.Repeat("x", 1<<17) + "</description></vm>", "", 413, "Request Entity Too Large", ""},
		{"unsupported media", "POST", "/vms", "name=x", "application/x-www-form-urlencoded", 415, "Unsupported Media Type", ""},
		{"bad search", "GET", "/vms?search=name%3D", "", "", 400, "Operation Failed", "syntax error"},
		{"unknown parameter of action", "POST", "/vms/{web}/start", "<action><pause>true</pause><bogus>1</bogus></action>", "", 400, syntaxReason, "bogus"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newClient(t, e, srv)
			path := strings.ReplaceAll(tc.path, "{web}", firstID(t, c, "/vms?search=name%3Dweb-01"))
			if tc.ctype != "" {
				c.header = http.Header{"Content-Type": {tc.ctype}}
			}
			resp, body := c.do(tc.method, path, tc.body)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, clipBody(body))
			}
			var res schema.Result
			if strings.Contains(resp.Header.Get("Content-Type"), "json") {
				res = m.ValidateJSON(body, schema.Target{Route: vmAdd, Status: resp.StatusCode}, schema.Limits{})
			} else {
				res = m.ValidateXML(body, schema.Target{Route: vmAdd, Status: resp.StatusCode}, schema.Limits{})
			}
			if res.Root != "fault" || len(res.Violations) > 0 {
				t.Errorf("the answer is not a valid fault (root %q, %v): %s", res.Root, res.Violations, body)
			}
			if !strings.Contains(string(body), tc.reason) || !strings.Contains(string(body), tc.detail) {
				t.Errorf("fault lacks reason %q / detail %q: %s", tc.reason, tc.detail, body)
			}
		})
	}
}

func TestNotFoundAndMethods(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1})
	c := newClient(t, e, srv)
	web := firstID(t, c, "/vms")
	for _, tc := range []struct {
		method, path string
		status       int
		allow        string
	}{
		{"PUT", "/vms/nope", 404, ""},
		{"GET", "/vms/00000000-1111-2222-3333-444444444444", 404, ""},
		{"GET", "/vms/" + web + "/nics/nope", 404, ""},
		{"DELETE", "/vms/nope", 404, ""},
		{"POST", "/vms/nope/start", 404, ""},
		{"GET", "/nothing", 404, ""},
		{"GET", "/vms/" + web + "/nothing/else", 404, ""},
		{"GET", "/v3/vms", 404, ""},
		{"DELETE", "/vms", 405, "GET, HEAD, POST"},
		{"PUT", "/vms", 405, "GET, HEAD, POST"},
		{"GET", "/vms/" + web + "/start", 405, "POST"},
		{"PATCH", "/vms/" + web, 405, "DELETE, GET, HEAD, PUT"},
	} {
		body := ""
		if tc.method == "PUT" || tc.method == "POST" {
			body = "<vm/>"
			if strings.HasSuffix(tc.path, "start") {
				body = "<action/>"
			}
		}
		resp, data := c.do(tc.method, tc.path, body)
		if resp.StatusCode != tc.status || len(data) != 0 || resp.Header.Get("Allow") != tc.allow {
			t.Errorf("%s %s: status %d, Allow %q, body %q; want %d, Allow %q, empty", tc.method, tc.path,
				resp.StatusCode, resp.Header.Get("Allow"), clipBody(data), tc.status, tc.allow)
		}
	}
	// Outside the API, the web server's page.
	resp, body := c.do("GET", "/ovirt-engine/nowhere", "")
	if resp.StatusCode != 404 || !strings.Contains(string(body), "Not Found") {
		t.Errorf("outside the API: %d %s", resp.StatusCode, body)
	}
}

// FuzzServe sends arbitrary requests: the engine answers each without a
// panic, with a status from the engine's set, and a body the model accepts
// whenever the path is a route.
func FuzzServe(f *testing.F) {
	f.Add("GET", "/vms", "")
	f.Add("POST", "/vms", "<vm><name>a</name><cluster><name>Default</name></cluster><template><name>Blank</name></template></vm>")
	f.Add("POST", "/vms;max=1/x/start", "<action><async>true</async></action>")
	f.Add("PUT", "/hosts/x", `{"name": 1}`)
	f.Add("GET", "/vms?search=name%3D%22a&follow=nics.statistics,cluster", "")
	f.Add("DELETE", "/datacenters//storagedomains/", "<action/>")
	e, err := New(Options{Seed: 1, Settle: -1})
	if err != nil {
		f.Fatal(err)
	}
	m := e.Model()
	f.Fuzz(func(t *testing.T, method, path, body string) {
		if len(method) == 0 || len(method) > 10 || strings.ContainsAny(method, " \t\r\n/") {
			return
		}
		req := httptest.NewRequest("GET", "/", strings.NewReader(body))
		req.Method = method
		req.URL.Path = BasePath + "/" + strings.TrimLeft(path, "/")
		req.URL.RawQuery = ""
		if i := strings.IndexByte(path, '?'); i >= 0 {
			req.URL.Path, req.URL.RawQuery = BasePath+"/"+strings.TrimLeft(path[:i], "/"), path[i+1:]
		}
		req.SetBasicAuth(AdminUser, e.AdminPassword())
		if strings.HasPrefix(strings.TrimSpace(body), "{") {
			req.Header.Set("Content-Type", "application/json")
		}
		w := httptest.NewRecorder()
		e.ServeHTTP(w, req)
		switch w.Code {
		case 200, 201, 202, 400, 403, 404, 405, 409, 413, 415:
		default:
			t.Fatalf("%s %q: status %d", method, path, w.Code)
		}
		if w.Body.Len() == 0 || !strings.Contains(w.Header().Get("Content-Type"), "xml") {
			return
		}
		rel := strings.TrimPrefix(req.URL.Path, BasePath)
		if r := m.Routes().Lookup(method, rel).Route; r != nil {
			res := m.ValidateXML(w.Body.Bytes(), schema.Target{Route: r, Status: w.Code}, schema.Limits{})
			if !res.OK() {
				t.Fatalf("%s %q: %d answer breaks the model: %v", method, path, w.Code, res.Violations)
			}
		}
	})
}
