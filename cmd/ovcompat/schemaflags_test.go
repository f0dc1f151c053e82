package main

import (
	"bytes"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ovcompat/ovcompat/har"
	"github.com/ovcompat/ovcompat/internal/sharedtest"
	"github.com/ovcompat/ovcompat/schema"
)

const enginePassword = "Engine-s3cret"

// schemaEngine is a TLS engine that publishes an XSD and an RSDL, behind
// the SSO, and counts how often they are fetched.
type schemaEngine struct {
	srv       *httptest.Server
	xsd, rsdl []byte

	mu      sync.Mutex
	version string
	fetches int
	html    bool // answer ?schema with a web page
}

func newSchemaEngine(t *testing.T, xsd, rsdl []byte) *schemaEngine {
	t.Helper()
	e := &schemaEngine{xsd: xsd, rsdl: rsdl, version: "4.5.4-1.el8"}
	e.srv = httptest.NewUnstartedServer(http.HandlerFunc(e.serve))
	e.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	e.srv.StartTLS()
	t.Cleanup(e.srv.Close)
	return e
}

func (e *schemaEngine) serve(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if r.URL.Path == "/ovirt-engine/sso/oauth/token" {
		w.Header().Set("Content-Type", "application/json")
		if r.FormValue("username") != "admin@internal" || r.FormValue("password") != enginePassword {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"error":"access_denied","error_description":"Cannot authenticate user"}`)
			return
		}
		fmt.Fprint(w, `{"access_token":"t0k3n","token_type":"bearer"}`)
		return
	}
	if r.Header.Get("Authorization") != "Bearer t0k3n" {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, "<html><body>Unauthorized</body></html>")
		return
	}
	w.Header().Set("Content-Type", "application/xml")
	switch r.URL.RawQuery {
	case "schema":
		e.fetches++
		if e.html {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<!DOCTYPE html><html><body>oVirt Engine Welcome</body></html>")
			return
		}
		w.Write(e.xsd)
	case "rsdl":
		w.Write(e.rsdl)
	default:
		fmt.Fprintf(w, "<api><product_info><version><full_version>%s</full_version><major>4</major></version></product_info></api>", e.version)
	}
}

func (e *schemaEngine) caFile(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: e.srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// exported writes the embedded model as the engine's two documents.
func exported(t *testing.T) (xsd, rsdl []byte) {
	t.Helper()
	code, x, errs := ovcompat(t, "schema", "export", "--format", "xsd")
	if code != 0 {
		t.Fatalf("export xsd: %d %s", code, errs)
	}
	code, r, errs := ovcompat(t, "schema", "export", "--format", "rsdl")
	if code != 0 {
		t.Fatalf("export rsdl: %d %s", code, errs)
	}
	return []byte(x), []byte(r)
}

// vmHAR writes a recording of one v4 GET of a VM.
func vmHAR(t *testing.T) string {
	t.Helper()
	body, err := os.ReadFile("../../fixtures/bodies/v4/vm.xml")
	if err != nil {
		t.Fatal(err)
	}
	id := between(string(body), `id="`, `"`)
	f := &har.File{Log: har.Log{Version: "1.2", Creator: har.Creator{Name: "test", Version: "1"}, Entries: []har.Entry{{
		Request: har.Request{Method: "GET", URL: "https://engine.example.com/ovirt-engine/api/vms/" + id, HTTPVersion: "HTTP/1.1",
			Headers: []har.Header{{Name: "Version", Value: "4"}, {Name: "Accept", Value: "application/xml"}}},
		Response: har.Response{Status: 200, HTTPVersion: "HTTP/1.1", Headers: []har.Header{{Name: "Content-Type", Value: "application/xml"}},
			Content: har.Content{MimeType: "application/xml", Text: string(body), Size: int64(len(body))}},
	}}}}
	var buf bytes.Buffer
	if err := har.Write(&buf, f); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "vm.har")
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func between(s, from, to string) string {
	_, rest, _ := strings.Cut(s, from)
	v, _, _ := strings.Cut(rest, to)
	return v
}

// TestSchemaExport: the XSD and RSDL written by `schema export` load back
// into a model with the embedded model's routes, and validate its bodies.
func TestSchemaExport(t *testing.T) {
	xsd, rsdl := exported(t)
	if !bytes.Contains(xsd, []byte(`<xs:complexType name="Vm">`)) || !bytes.Contains(rsdl, []byte(`<link href="vms/{vm:id}/start" rel="start">`)) {
		t.Fatal("the export does not look like an engine's schema and RSDL")
	}
	m, err := schema.LoadEngine(xsd, rsdl, "export")
	if err != nil {
		t.Fatal(err)
	}
	v4, _ := schema.V4()
	if m.API != 4 || m.Routes().Len() != v4.Routes().Len() {
		t.Errorf("v%d with %d routes, want v4 with %d", m.API, m.Routes().Len(), v4.Routes().Len())
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "api.xsd"), xsd, 0o600)
	os.WriteFile(filepath.Join(dir, "rsdl.xml"), rsdl, 0o600)
	code, out, errs := ovcompat(t, "validate", "--schema", filepath.Join(dir, "api.xsd"), "--rsdl", filepath.Join(dir, "rsdl.xml"), "../../fixtures/bodies/v4", vmHAR(t))
	if code != 0 || !strings.Contains(out, "checked 10, skipped 0") {
		t.Errorf("validate with the exported documents: exit %d\n%s%s", code, out, errs)
	}
}

// TestValidateV3Traffic: with the engine's v3 XSD and RSDL, the recorded
// v3 traffic (and the v4 traffic, against the embedded model) validates.
func TestValidateV3Traffic(t *testing.T) {
	dir := sharedtest.Dir(t)
	code, out, errs := ovcompat(t, "validate", "--schema", filepath.Join(dir, "v3", "api.xsd"), "--rsdl", filepath.Join(dir, "v3", "rsdl.xml"),
		filepath.Join(dir, "traffic"))
	if code != 0 || strings.Contains(out, "API version") || !strings.Contains(out, ": 0 errors") {
		t.Errorf("exit %d\n%s%s", code, out, errs)
	}
	// Without the v3 schema the v3 exchanges are skipped, saying why.
	_, out, _ = ovcompat(t, "validate", filepath.Join(dir, "traffic"))
	if !strings.Contains(out, "skipped 28: API version 3: no schema loaded for it") {
		t.Errorf("without --schema:\n%s", out)
	}
}

// TestSchemaFrom fetches the documents from a live engine, caches them by
// product version, and fetches again for another version.
func TestSchemaFrom(t *testing.T) {
	xsd, rsdl := exported(t)
	e := newSchemaEngine(t, xsd, rsdl)
	t.Setenv("OVCOMPAT_PASSWORD", enginePassword)
	cache := t.TempDir()
	args := []string{"validate", "--schema-from", e.srv.URL, "--ca-file", e.caFile(t), "--schema-cache", cache, vmHAR(t)}
	for i := 0; i < 2; i++ {
		if code, out, errs := ovcompat(t, args...); code != 0 || !strings.Contains(out, "checked 1, skipped 0") {
			t.Fatalf("run %d: exit %d\n%s%s", i, code, out, errs)
		}
	}
	if e.fetches != 1 {
		t.Errorf("fetched ?schema %d times in two runs, want 1 (the second from the cache)", e.fetches)
	}
	if _, err := os.Stat(filepath.Join(cache, "4.5.4-1.el8", "ovirt-engine_api", "schema.xsd")); err != nil {
		t.Errorf("cache entry: %v", err)
	}
	e.mu.Lock()
	e.version = "4.5.5-1.el8"
	e.mu.Unlock()
	if code, _, errs := ovcompat(t, args...); code != 0 || e.fetches != 2 {
		t.Errorf("an upgraded engine: exit %d, %d fetches, want 2\n%s", code, e.fetches, errs)
	}
}

// TestSchemaFlagErrors: each way of getting the schema wrong is a usage
// error (exit 2) that says what went wrong and never shows the password.
func TestSchemaFlagErrors(t *testing.T) {
	xsd, rsdl := exported(t)
	e := newSchemaEngine(t, xsd, rsdl)
	ca := e.caFile(t)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.xsd")
	os.WriteFile(bad, []byte(`<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
<xs:complexType name="A"><xs:sequence><xs:any/></xs:sequence></xs:complexType></xs:schema>`), 0o600)
	v3 := filepath.Join(dir, "v3.xsd")
	os.WriteFile(v3, []byte(`<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="api" type="API"/><xs:complexType name="API"/></xs:schema>`), 0o600)
	badRSDL := filepath.Join(dir, "bad-rsdl.xml")
	os.WriteFile(badRSDL, []byte(`<rsdl><version major="4"/><links><link href="vms/{vm:id" rel="get"><request><http_method>GET</http_method></request></link></links></rsdl>`), 0o600)
	har := vmHAR(t)
	for _, tc := range []struct {
		name     string
		password string
		html     bool
		args     []string
		want     string
	}{
		{"unsupported construct", enginePassword, false, []string{"--schema", bad}, "line 2: xs:any"},
		{"v3 schema without its RSDL", enginePassword, false, []string{"--schema", v3}, "RSDL"},
		{"broken RSDL template", enginePassword, false, []string{"--rsdl", badRSDL}, "partial placeholder"},
		{"both ways at once", enginePassword, false, []string{"--schema-from", e.srv.URL, "--schema", bad}, "alone"},
		{"missing file", enginePassword, false, []string{"--schema", filepath.Join(dir, "none.xsd")}, "no such file"},
		{"wrong password", "wrong-" + enginePassword, false, []string{"--schema-from", e.srv.URL, "--ca-file", ca}, "authentication failed"},
		{"engine answers HTML", enginePassword, true, []string{"--schema-from", e.srv.URL, "--ca-file", ca, "--schema-cache", t.TempDir()}, "HTML page"},
		{"URL answering 401", enginePassword, false, []string{"--schema", e.srv.URL + "/ovirt-engine/api?schema", "--ca-file", ca, "--basic"}, "status 401"},
		{"untrusted certificate", enginePassword, false, []string{"--schema-from", e.srv.URL}, "certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("OVCOMPAT_PASSWORD", tc.password)
			e.mu.Lock()
			e.html = tc.html
			e.mu.Unlock()
			code, _, errs := ovcompat(t, append(append([]string{"validate"}, tc.args...), har)...)
			if code != 2 || !strings.Contains(errs, tc.want) {
				t.Errorf("exit %d, stderr %q; want exit 2 saying %q", code, errs, tc.want)
			}
			if strings.Contains(errs, enginePassword) {
				t.Errorf("stderr shows the password: %s", errs)
			}
		})
	}
}
