package engine

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	testUser     = "admin@internal"
	testPassword = "s3cret-Pa55"
)

// fakeEngine is an httptest TLS server that behaves like an engine's SSO
// and API for the client's purposes: it issues tokens for known users,
// answers API requests with a valid token or Basic credentials, and can
// revoke every token it issued (as an expiry does).
type fakeEngine struct {
	srv *httptest.Server

	mu       sync.Mutex
	users    map[string]string // user -> password
	valid    map[string]string // token -> user
	signIns  int
	n        int
	bodies   []string // request bodies the API saw
	authSeen []string // Authorization headers the API saw
	// rootBody is the API entry point's answer.
	rootBody string
	// refuseAll makes the API refuse every token.
	refuseAll bool
}

func newFakeEngine(t *testing.T) *fakeEngine {
	t.Helper()
	f := &fakeEngine{users: map[string]string{testUser: testPassword, "viewer@internal": "view-pw"},
		valid: map[string]string{}, rootBody: v4Root}
	f.srv = httptest.NewUnstartedServer(http.HandlerFunc(f.serve))
	// Refused handshakes are what some tests want; keep them out of the log.
	f.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	f.srv.StartTLS()
	t.Cleanup(f.srv.Close)
	return f
}

const v4Root = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<api><link href="/ovirt-engine/api/vms" rel="vms"/><product_info><name>oVirt Engine</name><vendor>ovirt.org</vendor>
<version><build>4</build><full_version>4.5.4-1.el8</full_version><major>4</major><minor>5</minor><revision>0</revision></version>
</product_info></api>`

const v3Root = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<api><product_info><name>oVirt Engine</name><vendor>ovirt.org</vendor><version major="3" minor="6" build="7" revision="0"/>
</product_info></api>`

func (f *fakeEngine) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.URL.Path == TokenPath {
		f.signIns++
		if r.Method != http.MethodPost || r.FormValue("grant_type") != "password" || r.FormValue("scope") != "ovirt-app-api" ||
			r.Header.Get("Accept") != "application/json" {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"error":"invalid_request","error_description":"bad token request"}`)
			return
		}
		if pw, ok := f.users[r.FormValue("username")]; !ok || pw != r.FormValue("password") {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			// A careless SSO might echo what it got; the client must not.
			fmt.Fprintf(w, `{"error":"access_denied","error_description":"Cannot authenticate user %s with password %s"}`,
				r.FormValue("username"), r.FormValue("password"))
			return
		}
		f.n++
		tok := fmt.Sprintf("tok-%d", f.n)
		f.valid[tok] = r.FormValue("username")
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"access_token":%q,"token_type":"bearer","scope":"ovirt-app-api","exp":"%d"}`, tok, time.Now().Add(time.Hour).UnixMilli())
		return
	}
	if !strings.HasPrefix(r.URL.Path, "/ovirt-engine/api") {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<!DOCTYPE html><html><body>Welcome to oVirt</body></html>")
		return
	}
	auth := r.Header.Get("Authorization")
	f.authSeen = append(f.authSeen, auth)
	body, _ := io.ReadAll(r.Body)
	f.bodies = append(f.bodies, string(body))
	ok := false
	if tok, found := strings.CutPrefix(auth, "Bearer "); found {
		_, ok = f.valid[tok]
	} else if u, p, basic := r.BasicAuth(); basic {
		ok = f.users[u] == p && p != ""
	}
	if !ok || f.refuseAll {
		w.Header().Set("WWW-Authenticate", `Basic realm="RESTAPI"`)
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, "<html><head><title>Error</title></head><body>Unauthorized</body></html>")
		return
	}
	switch {
	case r.URL.RawQuery == "html":
		w.Header().Set("Content-Type", "text/html;charset=UTF-8")
		fmt.Fprint(w, "<!doctype html><html></html>")
	case r.URL.Path == "/ovirt-engine/api" || r.URL.Path == "/ovirt-engine/api/":
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprint(w, f.rootBody)
	default:
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprintf(w, "<echo>%d</echo>", len(body))
	}
}

// revoke forgets every token, as the SSO does when they expire.
func (f *fakeEngine) revoke() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.valid = map[string]string{}
}

func (f *fakeEngine) counts() (signIns int, bodies []string, auth []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.signIns, append([]string(nil), f.bodies...), append([]string(nil), f.authSeen...)
}

// caFile writes the server's certificate as a PEM CA file.
func caFile(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ca.pem")
	data := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// otherCA writes a freshly made self-signed CA certificate (httptest's
// servers all share one certificate, so another server would not do).
func otherCA(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "Other CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true,
		BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "other-ca.pem")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func (f *fakeEngine) client(t *testing.T, mod func(*Config)) *Client {
	t.Helper()
	cfg := Config{URL: f.srv.URL, Password: testPassword, CAFile: caFile(t, f.srv)}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func get(t *testing.T, c *Client, ref, role string) (int, string) {
	t.Helper()
	req, err := c.NewRequest(context.Background(), http.MethodGet, ref, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(context.Background(), req, role)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestTokenFlow(t *testing.T) {
	f := newFakeEngine(t)
	c := f.client(t, nil)
	for i := 0; i < 3; i++ {
		if st, _ := get(t, c, "vms", ""); st != http.StatusOK {
			t.Fatalf("request %d: status %d", i, st)
		}
	}
	n, _, auth := f.counts()
	if n != 1 {
		t.Errorf("signed in %d times for 3 requests, want 1 (the token is reused)", n)
	}
	for _, a := range auth {
		if a != "Bearer tok-1" {
			t.Errorf("Authorization %q, want the bearer token", a)
		}
	}
}

func TestTokenRenewedOnceAfterExpiry(t *testing.T) {
	f := newFakeEngine(t)
	c := f.client(t, nil)
	if st, _ := get(t, c, "vms", ""); st != http.StatusOK {
		t.Fatalf("status %d", st)
	}
	f.revoke()
	const body = "<action><async>false</async></action>"
	req, err := c.NewRequest(context.Background(), http.MethodPost, "/ovirt-engine/api/vms/123/start", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.Do(context.Background(), req, "")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("after renewal: status %d, want 200", resp.StatusCode)
	}
	n, bodies, auth := f.counts()
	if n != 2 {
		t.Errorf("signed in %d times, want 2 (once more after the expiry)", n)
	}
	// The refused request and its retry both carried the whole body.
	if got := bodies[len(bodies)-2:]; got[0] != body || got[1] != body {
		t.Errorf("bodies sent: %q, want the body twice", got)
	}
	if auth[len(auth)-1] != "Bearer tok-2" {
		t.Errorf("retry carried %q, want the new token", auth[len(auth)-1])
	}
}

func TestSecondRefusalIsReturned(t *testing.T) {
	f := newFakeEngine(t)
	c := f.client(t, nil)
	get(t, c, "vms", "")
	// The engine now refuses every token, even fresh ones.
	f.mu.Lock()
	f.refuseAll = true
	f.mu.Unlock()
	if st, _ := get(t, c, "vms", ""); st != http.StatusUnauthorized {
		t.Errorf("status %d, want the second 401 returned", st)
	}
	if n, _, _ := f.counts(); n != 2 {
		t.Errorf("signed in %d times, want 2: one renewal, no loop", n)
	}
}

func TestConcurrentRenewalSignsInOnce(t *testing.T) {
	f := newFakeEngine(t)
	c := f.client(t, nil)
	get(t, c, "vms", "")
	f.revoke()
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := c.NewRequest(context.Background(), http.MethodGet, "vms", nil)
			resp, err := c.Do(context.Background(), req, "")
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("status %d", resp.StatusCode)
			}
		}()
	}
	wg.Wait()
	if n, _, _ := f.counts(); n != 2 {
		t.Errorf("signed in %d times, want 2: concurrent requests share one renewal", n)
	}
}

func TestBasicAuth(t *testing.T) {
	f := newFakeEngine(t)
	c := f.client(t, func(c *Config) { c.Basic = true })
	if st, _ := get(t, c, "vms", ""); st != http.StatusOK {
		t.Fatalf("status %d", st)
	}
	n, _, auth := f.counts()
	if n != 0 {
		t.Errorf("Basic authentication signed in to the SSO %d times", n)
	}
	if !strings.HasPrefix(auth[0], "Basic ") {
		t.Errorf("Authorization %q, want Basic", auth[0])
	}
}

func TestRoles(t *testing.T) {
	f := newFakeEngine(t)
	c := f.client(t, func(c *Config) {
		c.Roles = map[string]Credentials{"viewer": {User: "viewer@internal", Password: "view-pw"}}
	})
	if st, _ := get(t, c, "vms", "viewer"); st != http.StatusOK {
		t.Fatalf("viewer: status %d", st)
	}
	f.mu.Lock()
	user := f.valid["tok-1"]
	f.mu.Unlock()
	if user != "viewer@internal" {
		t.Errorf("the viewer role signed in as %q", user)
	}
	if st, _ := get(t, c, "vms", NoAuth); st != http.StatusUnauthorized {
		t.Errorf("NoAuth: status %d, want 401", st)
	}
	if _, _, auth := f.counts(); auth[len(auth)-1] != "" {
		t.Errorf("NoAuth sent Authorization %q", auth[len(auth)-1])
	}
	req, _ := c.NewRequest(context.Background(), http.MethodGet, "vms", nil)
	if _, err := c.Do(context.Background(), req, "auditor"); !errors.Is(err, ErrUnknownRole) {
		t.Errorf("unknown role: err %v, want ErrUnknownRole", err)
	}
	if got := c.Roles(); len(got) != 1 || got[0] != "viewer" {
		t.Errorf("Roles() = %v", got)
	}
}

func TestTLSVerification(t *testing.T) {
	f := newFakeEngine(t)
	cases := []struct {
		name string
		mod  func(*Config)
		ok   bool
	}{
		{"engine CA file", nil, true},
		{"system roots only", func(c *Config) { c.CAFile = "" }, false},
		{"another CA", func(c *Config) { c.CAFile = otherCA(t) }, false},
		{"insecure", func(c *Config) { c.CAFile = ""; c.Insecure = true }, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := f.client(t, tc.mod)
			_, err := c.ProductVersion(context.Background())
			if tc.ok && err != nil {
				t.Fatalf("err %v", err)
			}
			if !tc.ok {
				if err == nil || !strings.Contains(err.Error(), "certificate") {
					t.Fatalf("err %v, want a certificate error", err)
				}
				if strings.Contains(err.Error(), testPassword) {
					t.Errorf("error leaks the password: %v", err)
				}
			}
		})
	}
}

func TestBadCredentials(t *testing.T) {
	f := newFakeEngine(t)
	c := f.client(t, func(c *Config) { c.Password = "wrong-" + testPassword })
	_, err := c.ProductVersion(context.Background())
	if !errors.Is(err, ErrAuth) {
		t.Fatalf("err %v, want ErrAuth", err)
	}
	if strings.Contains(err.Error(), testPassword) {
		t.Errorf("error leaks the password: %v", err)
	}
	c = f.client(t, func(c *Config) { c.Password = testPassword; c.Basic = true; c.User = "nobody@internal" })
	_, err = c.Fetch(context.Background(), "?schema", "", 0)
	var se *StatusError
	if !errors.As(err, &se) || se.Status != http.StatusUnauthorized || !errors.Is(err, ErrAuth) {
		t.Fatalf("err %v, want a 401 StatusError wrapping ErrAuth", err)
	}
}

func TestFetchRefusesHTML(t *testing.T) {
	f := newFakeEngine(t)
	c := f.client(t, nil)
	if _, err := c.Fetch(context.Background(), "?html", "application/xml", 0); !errors.Is(err, ErrHTML) {
		t.Errorf("HTML answer: err %v, want ErrHTML", err)
	}
	// A wrong base URL reaches the web server's welcome page.
	c = f.client(t, func(c *Config) { c.URL = f.srv.URL + "/welcome" })
	if _, err := c.ProductVersion(context.Background()); !errors.Is(err, ErrHTML) {
		t.Errorf("welcome page: err %v, want ErrHTML", err)
	}
}

func TestProductVersion(t *testing.T) {
	f := newFakeEngine(t)
	c := f.client(t, nil)
	for _, tc := range []struct{ root, want string }{{v4Root, "4.5.4-1.el8"}, {v3Root, "3.6.7.0"}} {
		f.mu.Lock()
		f.rootBody = tc.root
		f.mu.Unlock()
		v, err := c.ProductVersion(context.Background())
		if err != nil || v != tc.want {
			t.Errorf("ProductVersion = %q, %v; want %q", v, err, tc.want)
		}
	}
	f.mu.Lock()
	f.rootBody = "<vms/>"
	f.mu.Unlock()
	if _, err := c.ProductVersion(context.Background()); err == nil {
		t.Error("a root that is not <api> gave no error")
	}
}

func TestConfigChecks(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"no scheme", Config{URL: "engine.example.com"}},
		{"credentials in URL", Config{URL: "https://admin:" + testPassword + "@engine.example.com"}},
		{"insecure and CA", Config{URL: "https://e", Insecure: true, CAFile: "ca.pem"}},
		{"missing CA file", Config{URL: "https://e", CAFile: filepath.Join(t.TempDir(), "none.pem")}},
		{"role without user", Config{URL: "https://e", Roles: map[string]Credentials{"x": {Password: "p"}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg)
			if !errors.Is(err, ErrConfig) {
				t.Fatalf("err %v, want ErrConfig", err)
			}
			if strings.Contains(err.Error(), testPassword) {
				t.Errorf("error leaks the password: %v", err)
			}
		})
	}
	c, err := New(Config{URL: "https://e"})
	if err != nil {
		t.Fatal(err)
	}
	req, _ := c.NewRequest(context.Background(), http.MethodGet, "vms", nil)
	if _, err := c.Do(context.Background(), req, ""); !errors.Is(err, ErrConfig) {
		t.Errorf("no password: err %v, want ErrConfig", err)
	}
}

func TestResolve(t *testing.T) {
	c, err := New(Config{URL: "https://engine.example.com/ovirt-engine/api/"})
	if err != nil {
		t.Fatal(err)
	}
	for ref, want := range map[string]string{
		"":                               "https://engine.example.com/ovirt-engine/api",
		"?schema":                        "https://engine.example.com/ovirt-engine/api?schema",
		"vms/1":                          "https://engine.example.com/ovirt-engine/api/vms/1",
		"/ovirt-engine/api;max=1":        "https://engine.example.com/ovirt-engine/api;max=1",
		"https://engine.example.com/api": "https://engine.example.com/api",
	} {
		u, err := c.Resolve(ref)
		if err != nil || u.String() != want {
			t.Errorf("Resolve(%q) = %v, %v; want %s", ref, u, err, want)
		}
	}
	if _, err := c.Resolve("https://elsewhere.example.com/x"); !errors.Is(err, ErrConfig) {
		t.Errorf("another host: err %v, want ErrConfig", err)
	}
}

func TestSecretsNeverPrinted(t *testing.T) {
	cfg := Config{URL: "https://e", Password: testPassword,
		Roles: map[string]Credentials{"viewer": {User: "v@internal", Password: testPassword}}}
	for _, s := range []string{
		fmt.Sprint(cfg), fmt.Sprintf("%v", cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg),
		fmt.Sprint(cfg.Roles["viewer"]), fmt.Sprintf("%+v", cfg.Roles["viewer"]), fmt.Sprintf("%#v", cfg.Roles["viewer"]),
		cfg.LogValue().String(),
	} {
		if strings.Contains(s, testPassword) {
			t.Errorf("printed secret: %s", s)
		}
	}
}

// TestPing: a HEAD of the entry point says in one error whether the
// engine is up, takes the credentials and is the API.
func TestPing(t *testing.T) {
	f := newFakeEngine(t)
	if err := f.client(t, nil).Ping(context.Background()); err != nil {
		t.Errorf("ping: %v", err)
	}
	for name, tc := range map[string]struct {
		mod  func(*Config)
		want error
	}{
		"wrong password":       {func(c *Config) { c.Password = "wrong" }, ErrAuth},
		"wrong password basic": {func(c *Config) { c.Password = "wrong"; c.Basic = true }, ErrAuth},
		"welcome page":         {func(c *Config) { c.URL = f.srv.URL + "/welcome"; c.Basic = true }, ErrHTML},
		"no password":          {func(c *Config) { c.Password = "" }, ErrConfig},
	} {
		err := f.client(t, tc.mod).Ping(context.Background())
		if !errors.Is(err, tc.want) || strings.Contains(err.Error(), "\n") || strings.Contains(err.Error(), testPassword) {
			t.Errorf("%s: %v, want one line wrapping %v", name, err, tc.want)
		}
	}
	c := f.client(t, func(c *Config) { c.URL = "https://127.0.0.1:1" })
	if err := c.Ping(context.Background()); err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("down: %v", err)
	}
}
