package sim

import (
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/internal/expect"
	"github.com/ovcompat/ovcompat/schema"
)

// testEngine starts an engine behind a real HTTP server on loopback.
func testEngine(t testing.TB, o Options) (*Engine, *httptest.Server) {
	t.Helper()
	if o.Settle == 0 {
		o.Settle = -1
	}
	e, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(e)
	srv.Listener = expect.Listener(srv.Listener)
	srv.Start()
	t.Cleanup(func() { srv.Close(); _ = e.Close() })
	return e, srv
}

// firstID returns the id of the first item a list returns.
func firstID(t testing.TB, c *client, path string) string {
	t.Helper()
	m := reAnyID.FindSubmatch(c.must(200, "GET", path, ""))
	if m == nil {
		t.Fatalf("GET %s: no item", path)
	}
	return string(m[1])
}

// client sends requests as admin with Basic auth unless told otherwise.
type client struct {
	t      testing.TB
	srv    *httptest.Server
	user   string
	pass   string
	bearer string
	json   bool
	header http.Header
}

func newClient(t testing.TB, e *Engine, srv *httptest.Server) *client {
	return &client{t: t, srv: srv, user: AdminUser, pass: e.AdminPassword()}
}

// do sends a request; path is below the API base unless it starts with
// /ovirt-engine.
func (c *client) do(method, path, body string) (*http.Response, []byte) {
	c.t.Helper()
	resp, data := c.doQuiet(method, path, body)
	if resp == nil {
		c.t.Fatalf("%s %s: %s", method, path, data)
	}
	return resp, data
}

// doQuiet is do for other goroutines than the test's: a transport error
// gives a nil response and the error text as the body.
func (c *client) doQuiet(method, path, body string) (*http.Response, []byte) {
	if !strings.HasPrefix(path, "/ovirt-engine") {
		path = BasePath + path
	}
	req, err := http.NewRequest(method, c.srv.URL+path, strings.NewReader(body))
	if err != nil {
		return nil, []byte(err.Error())
	}
	switch {
	case c.bearer != "":
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	case c.user != "":
		req.SetBasicAuth(c.user, c.pass)
	}
	ct := "application/xml"
	if c.json {
		ct = "application/json"
	}
	req.Header.Set("Accept", ct)
	if body != "" {
		req.Header.Set("Content-Type", ct)
	}
	for k, vs := range c.header {
		req.Header[k] = vs
	}
	resp, err := c.srv.Client().Do(req)
	if err != nil {
		return nil, []byte(err.Error())
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, []byte("read body: " + err.Error())
	}
	return resp, data
}

// idIn returns the id of the object a body holds, in XML or JSON.
func idIn(body []byte, isJSON bool) string {
	if isJSON {
		var v map[string]any
		if json.Unmarshal(body, &v) != nil {
			return ""
		}
		id, _ := v["id"].(string)
		return id
	}
	doc := etree.NewDocument()
	if doc.ReadFromBytes(body) != nil || doc.Root() == nil {
		return ""
	}
	return doc.Root().SelectAttrValue("id", "")
}

// must sends a request and fails the test unless the status is want.
func (c *client) must(want int, method, path, body string) []byte {
	c.t.Helper()
	resp, data := c.do(method, path, body)
	if resp.StatusCode != want {
		c.t.Fatalf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, want, clipBody(data))
	}
	return data
}

func clipBody(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "..."
	}
	return string(b)
}

// validXML checks a response body against the model with zero violations.
func validXML(t testing.TB, m *schema.Model, r *schema.Route, status int, body []byte) {
	t.Helper()
	if len(body) == 0 {
		return
	}
	res := m.ValidateXML(body, schema.Target{Route: r, Status: status}, schema.Limits{})
	for _, v := range res.Violations {
		t.Errorf("%s (status %d): %s %s at %s: %s", r, status, v.Severity, v.Rule, v.Location, v.Reason)
	}
}

var update = flag.Bool("update", false, "rewrite the README tables the tests derive")

// checkREADMESection checks that the first table after heading in the
// repository's README is table; with -update it rewrites it.
func checkREADMESection(t *testing.T, heading, table string) {
	t.Helper()
	const path = "../README.md"
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(data)
	h := strings.Index(doc, "\n"+heading+"\n")
	if h < 0 {
		t.Fatalf("README has no %q section", heading)
	}
	start := h + strings.Index(doc[h:], "\n|") + 1
	end := start
	for end < len(doc) && doc[end] == '|' {
		end += strings.IndexByte(doc[end:], '\n') + 1
	}
	if doc[start:end] == table {
		return
	}
	if !*update {
		t.Errorf("the README's table under %q is not the table the code holds (go test ./sim -run %s -update rewrites it):\n%s", heading, t.Name(), table)
		return
	}
	if err := os.WriteFile(path, []byte(doc[:start]+table+doc[end:]), 0o644); err != nil {
		t.Fatal(err)
	}
}
