package sim

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestUnauthenticated(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1})
	for _, tc := range []struct {
		name string
		set  func(c *client)
	}{
		{"no credentials", func(c *client) { c.user = "" }},
		{"wrong password", func(c *client) { c.pass = "nope" }},
		{"unknown user", func(c *client) { c.user = "bob@internal" }},
		{"unknown token", func(c *client) { c.bearer = "forged" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newClient(t, e, srv)
			tc.set(c)
			for _, m := range []string{"GET", "HEAD", "POST"} {
				resp, body := c.do(m, "/vms", "")
				if resp.StatusCode != 401 {
					t.Fatalf("%s: status %d, want 401", m, resp.StatusCode)
				}
				if got := resp.Header.Get("WWW-Authenticate"); got != `Basic realm="RESTAPI"` {
					t.Errorf("WWW-Authenticate %q", got)
				}
				if m != "HEAD" && (!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(body), "Unauthorized")) {
					t.Errorf("%s: 401 body is not the engine's HTML page: %q %s", m, resp.Header.Get("Content-Type"), body)
				}
			}
		})
	}
}

// ssoPost sends form to the token endpoint and decodes the JSON answer.
func ssoPost(t *testing.T, srv, path string, form url.Values) (int, map[string]string) {
	t.Helper()
	resp, err := http.PostForm(srv+path, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("%s: answer is not JSON: %v", path, err)
	}
	return resp.StatusCode, out
}

func TestTokenEndpoint(t *testing.T) {
	clk := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	e, srv := testEngine(t, Options{Seed: 1, AdminPassword: "secret", TokenTTL: time.Minute, Clock: clk.Now})
	good := url.Values{"grant_type": {"password"}, "scope": {"ovirt-app-api"}, "username": {AdminUser}, "password": {"secret"}}
	for _, tc := range []struct {
		name, key, value, code string
	}{
		{"wrong password", "password", "nope", "access_denied"},
		{"no scope", "scope", "", "invalid_scope"},
		{"wrong grant", "grant_type", "client_credentials", "unsupported_grant_type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			form := url.Values{}
			for k, v := range good {
				form[k] = v
			}
			form.Set(tc.key, tc.value)
			status, out := ssoPost(t, srv.URL, TokenPath, form)
			if status != 400 || out["error_code"] != tc.code || out["error"] == "" {
				t.Errorf("status %d, answer %v; want 400 with error_code %s", status, out, tc.code)
			}
			if strings.Contains(out["error"], "nope") {
				t.Errorf("the error echoes the password: %q", out["error"])
			}
		})
	}
	t.Run("expiry and logout", func(t *testing.T) {
		tok := token(t, srv.URL, AdminUser, "secret")
		c := newClient(t, e, srv)
		c.bearer = tok
		c.must(200, "GET", "/", "")
		clk.Advance(2 * time.Minute)
		c.must(401, "GET", "/", "")
		c.bearer = token(t, srv.URL, AdminUser, "secret")
		c.must(200, "GET", "/", "")
		if status, _ := ssoPost(t, srv.URL, LogoutPath, url.Values{"scope": {""}, "token": {c.bearer}}); status != 200 {
			t.Fatalf("logout: status %d", status)
		}
		c.must(401, "GET", "/", "")
	})
}

func TestPersistentAuth(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1})
	c := newClient(t, e, srv)
	c.header = http.Header{"Prefer": {"persistent-auth"}}
	resp, _ := c.do("HEAD", "/", "")
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "JSESSIONID" {
			session = ck
		}
	}
	if resp.StatusCode != 200 || session == nil || session.Path != BasePath || !session.HttpOnly {
		t.Fatalf("HEAD with Prefer: persistent-auth: status %d, cookie %+v", resp.StatusCode, session)
	}
	c.user = ""
	c.header.Set("Cookie", "JSESSIONID="+session.Value)
	c.must(200, "GET", "/vms", "")
	// Without Prefer the session ends.
	c.header.Del("Prefer")
	c.must(401, "GET", "/vms", "")
	c.header.Set("Prefer", "persistent-auth")
	c.must(401, "GET", "/vms", "")
	// Without Prefer, Basic opens no session.
	plain := newClient(t, e, srv)
	if resp, _ := plain.do("GET", "/", ""); len(resp.Cookies()) != 0 {
		t.Errorf("a session was opened without Prefer: persistent-auth: %v", resp.Cookies())
	}
}

func TestFilteredUser(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1, Users: []User{
		{Name: "alice@internal", Password: "alice", Role: RoleUser, Permissions: []string{"vms/web-01"}},
		{Name: "ops@internal", Password: "ops", Role: RoleAdmin},
	}})
	admin := newClient(t, e, srv)
	alice := newClient(t, e, srv)
	alice.user, alice.pass = "alice@internal", "alice"
	alice.header = http.Header{"Filter": {"true"}}
	ops := newClient(t, e, srv)
	ops.user, ops.pass = "ops@internal", "ops"

	if n := strings.Count(string(ops.must(200, "GET", "/vms", "")), "<vm "); n != 10 {
		t.Errorf("a second admin sees %d VMs, want 10", n)
	}
	body := string(alice.must(200, "GET", "/vms", ""))
	if strings.Count(body, "<vm ") != 1 || !strings.Contains(body, "<name>web-01</name>") {
		t.Fatalf("alice sees other VMs than web-01: %s", clipBody([]byte(body)))
	}
	web01 := reID.FindStringSubmatch(body)[1]
	alice.must(200, "GET", "/vms/"+web01+"/nics", "")
	other := reID.FindStringSubmatch(string(admin.must(200, "GET", "/vms?search=name%3Ddb-01", "")))[1]
	alice.must(404, "GET", "/vms/"+other, "")
	alice.must(404, "POST", "/vms/"+other+"/start", "<action/>")
	alice.must(403, "POST", "/hosts", `<host><name>h</name><address>h.example.com</address><cluster><name>Default</name></cluster></host>`)
	// What she creates is hers.
	vm := reID.FindStringSubmatch(string(alice.must(201, "POST", "/vms",
		`<vm><name>alice-vm</name><cluster><name>Default</name></cluster><template><name>Blank</name></template></vm>`)))[1]
	body = string(alice.must(200, "GET", "/vms", ""))
	if strings.Count(body, "<vm ") != 2 || !strings.Contains(body, vm) {
		t.Errorf("alice does not see the VM she made: %s", clipBody([]byte(body)))
	}
	// Her permission shows on the VM and on her user.
	perms := string(admin.must(200, "GET", "/vms/"+web01+"/permissions", ""))
	if !strings.Contains(perms, "<permission ") {
		t.Errorf("no permission for alice on web-01: %s", perms)
	}
}

func TestCredentials(t *testing.T) {
	e, _ := testEngine(t, Options{Seed: 1, Users: []User{{Name: "u@internal", Password: "p"}}})
	creds := e.Credentials()
	if len(creds) != 2 || creds[0].Name != AdminUser || creds[0].Password != e.AdminPassword() || len(e.AdminPassword()) < 16 {
		t.Errorf("credentials %+v", creds)
	}
	for _, bad := range [][]User{
		{{Name: "x@internal"}},
		{{Name: AdminUser, Password: "p"}},
		{{Name: "x@internal", Password: "p", Role: "root"}},
		{{Name: "x@internal", Password: "p", Permissions: []string{"vms/none"}}},
		{{Name: "x@internal", Password: "p", Permissions: []string{"nothing"}}},
	} {
		if _, err := New(Options{Users: bad}); err == nil {
			t.Errorf("users %+v accepted", bad)
		}
	}
}

// TestWelcomePage: GET /ovirt-engine/ answers as an engine's welcome page
// (WelcomeServlet with the oVirt branding: title "Ovirt-Engine", "Version
// {0}", the portal links), without credentials; /ovirt-engine redirects to
// it.
func TestWelcomePage(t *testing.T) {
	_, srv := testEngine(t, Options{Seed: 1})
	resp, err := srv.Client().Get(srv.URL + "/ovirt-engine/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"<title>Ovirt-Engine</title>", "Version 4.", `href="webadmin/`, "Administration Portal"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("the welcome page lacks %q:\n%s", want, body)
		}
	}
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("welcome page: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	noRedirect := *srv.Client()
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err = noRedirect.Get(srv.URL + "/ovirt-engine")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != "/ovirt-engine/" {
		t.Errorf("/ovirt-engine: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
}
