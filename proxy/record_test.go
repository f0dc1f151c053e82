package proxy

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/har"
)

// secretEngine answers with secrets in every place an engine puts them.
func secretEngine(t testing.TB) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		h := w.Header()
		switch r.URL.Path {
		case "/ovirt-engine/sso/oauth/token":
			h.Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"access_token":"SECRET-access-1","refresh_token":"SECRET-refresh-2","id_token":"SECRET-id-3","token_type":"bearer","exp":"99"}`)
		case "/ovirt-engine/api/hosts/1":
			h.Set("Content-Type", "application/xml")
			h.Set("Content-Encoding", "gzip")
			h.Add("Set-Cookie", "JSESSIONID=SECRET-session-4; Path=/ovirt-engine/api; HttpOnly")
			w.Write(gzipped(t, []byte(`<host href="/ovirt-engine/api/hosts/1" id="1"><root_password>SECRET-root-5</root_password></host>`)))
		default:
			h.Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"href":"/ovirt-engine/api/vms/1","id":"1","initialization":{"root_password":"SECRET-json-6"}}`)
		}
	}))
}

func TestRecordingHoldsNoSecret(t *testing.T) {
	up := secretEngine(t)
	defer up.Close()
	dir := t.TempDir()
	px := startProxy(t, up.URL, Config{RecordDir: dir, RecordScenarios: true})
	c := rawClient()
	secrets := []string{"SECRET-access-1", "SECRET-refresh-2", "SECRET-id-3", "SECRET-session-4", "SECRET-root-5", "SECRET-json-6",
		"SECRET-password-7", "SECRET-bearer-8", "SECRET-cookie-9", "SECRET-basic-10", "SECRET-put-11", "SECRET-query-12", "SECRET-new-13"}
	get(t, c, "POST", px.url+"/ovirt-engine/sso/oauth/token", "grant_type=password&scope=ovirt-app-api&username=admin%40internal&password=SECRET-password-7",
		"Content-Type: application/x-www-form-urlencoded", "Accept: application/json")
	get(t, c, "GET", px.url+"/ovirt-engine/api/hosts/1", "", "Authorization: Bearer SECRET-bearer-8", "Cookie: JSESSIONID=SECRET-cookie-9",
		"Accept-Encoding: gzip", "Prefer: persistent-auth")
	get(t, c, "PUT", px.url+"/ovirt-engine/api/vms/1?access_token=SECRET-query-12",
		`{"initialization":{"root_password":"SECRET-put-11"},"new_password":"SECRET-new-13"}`,
		"Authorization: Basic "+base64.StdEncoding.EncodeToString([]byte("admin@internal:SECRET-basic-10")),
		"Content-Type: application/json", "Accept: application/json")
	if err := px.stop(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.har"))
	if len(files) == 0 {
		t.Fatal("nothing recorded")
	}
	scenarios, _ := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if len(scenarios) != 1 {
		t.Fatalf("scenarios written: %v", scenarios)
	}
	for _, f := range scenarios {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range secrets {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s holds %s", filepath.Base(f), s)
			}
		}
		if !bytes.Contains(data, []byte("/ovirt-engine/api/hosts/1")) {
			t.Errorf("scenario lacks the recorded steps: %s", data)
		}
	}
	entries := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range append(secrets, base64.StdEncoding.EncodeToString([]byte("admin@internal:SECRET-basic-10"))) {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s holds %s", filepath.Base(f), s)
			}
		}
		h, err := har.Parse(data)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		entries += len(h.Log.Entries)
		for _, e := range h.Log.Entries {
			if e.Response.Content.Encoding == "base64" {
				b, _ := base64.StdEncoding.DecodeString(e.Response.Content.Text)
				for _, s := range secrets {
					if bytes.Contains(b, []byte(s)) {
						t.Errorf("a base64 body holds %s", s)
					}
				}
			}
		}
		if !strings.Contains(string(data), "REDACTED") {
			t.Errorf("%s: nothing redacted", f)
		}
	}
	if entries != 3 {
		t.Errorf("%d entries recorded, want 3", entries)
	}
	if n := counter(px.p, "ovcompat_proxy_recorded_total"); n != 3 {
		t.Errorf("ovcompat_proxy_recorded_total = %v, want 3", n)
	}
	// The session cookie's name survives redaction, for the session rule.
	all, _ := os.ReadFile(files[0])
	if !bytes.Contains(all, []byte("JSESSIONID=REDACTED")) || !bytes.Contains(all, []byte("<root_password>REDACTED</root_password>")) {
		t.Errorf("redaction lost the structure: %s", all)
	}
}

// modelSecretEngine answers with the model's secrets whose names do not
// say so, and with the ones the recorder once kept in clear (issue 16:
// "a recording holds <windows_license_key> and a console ticket's
// <ticket><value> in clear"). The bodies follow the model's examples:
// VmGraphicsConsoleService.ticket answers
// <action><ticket><value>abcd12345</value><expiry>120</expiry></ticket></action>,
// remoteViewerConnectionFile a .vv file with a password= line.
func modelSecretEngine(t testing.TB) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		h := w.Header()
		p := r.URL.Path
		switch {
		case strings.HasSuffix(p, "/graphicsconsoles/2/ticket"):
			h.Set("Content-Type", "application/xml")
			fmt.Fprint(w, `<action><ticket><value>SECRET-ticket-1</value><expiry>120</expiry></ticket><status>complete</status></action>`)
		case strings.HasSuffix(p, "/graphicsconsoles/2/proxyticket"):
			h.Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"proxy_ticket":{"value":"SECRET-proxy-2"},"status":"complete"}`)
		case strings.HasSuffix(p, "/graphicsconsoles/2"):
			h.Set("Content-Type", "application/x-virt-viewer")
			fmt.Fprint(w, "[virt-viewer]\ntype=spice\nhost=192.0.2.1\npassword=SECRET-vv-3\ndelete-this-file=1\n")
		case strings.HasSuffix(p, "/authenticationkeys/2"):
			h.Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"uuid":"u1","value":"SECRET-ceph-4","usage_type":"ceph","id":"2"}`)
		case strings.HasPrefix(p, "/ovirt-engine/sso/oauth/authorize"):
			h.Set("Location", "https://engine.test/ovirt-engine/webadmin/?code=SECRET-code-5&state=s")
			w.WriteHeader(http.StatusFound)
		default:
			h.Set("Content-Type", "application/xml")
			fmt.Fprint(w, `<vm href="/ovirt-engine/api/vms/1" id="1"><name>v</name><initialization>`+
				`<windows_license_key>SECRET-license-6</windows_license_key><root_password>SECRET-root-7</root_password>`+
				`<host_name>kept.example</host_name></initialization>`+
				`<custom_properties><custom_property><name>p</name><value>kept-value</value></custom_property></custom_properties></vm>`)
		}
	}))
}

// TestRecordingHoldsNoModelSecret: through the real proxy and its
// recorder, no secret of the model reaches the HAR files, the scenarios,
// the violations, the log or the live report, and what is not secret
// (a ticket's expiry, a custom property's value) stays.
func TestRecordingHoldsNoModelSecret(t *testing.T) {
	up := modelSecretEngine(t)
	defer up.Close()
	dir := t.TempDir()
	px := startProxy(t, up.URL, Config{RecordDir: dir, RecordScenarios: true})
	c := rawClient()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	api := px.url + "/ovirt-engine/api"
	get(t, c, "POST", api+"/vms/1/graphicsconsoles/2/ticket", "<action/>", "Content-Type: application/xml")
	get(t, c, "POST", api+"/vms/1/graphicsconsoles/2/proxyticket", "{}", "Content-Type: application/json", "Accept: application/json")
	get(t, c, "GET", api+"/vms/1/graphicsconsoles/2", "", "Accept: application/x-virt-viewer")
	get(t, c, "GET", api+"/openstackvolumeproviders/1/authenticationkeys/2", "", "Accept: application/json")
	get(t, c, "GET", px.url+"/ovirt-engine/sso/oauth/authorize?client_id=c&response_type=code", "")
	get(t, c, "GET", api+";jsessionid=SECRET-session-8/vms/1", "")
	get(t, c, "PUT", api+"/vms/1", `<vm><initialization><windows_license_key>SECRET-license-9</windows_license_key></initialization></vm>`,
		"Content-Type: application/xml")
	_, report := get(t, c, "GET", px.admin+"/report", "")
	_, reportJSON := get(t, c, "GET", px.admin+"/report.json", "")
	if err := px.stop(); err != nil {
		t.Fatal(err)
	}
	outputs := map[string][]byte{"violations": []byte(px.violations.String()), "log": []byte(px.logs.String()), "live report": report, "live report JSON": reportJSON}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) < 2 {
		t.Fatalf("recorded %v, want a HAR file and a scenario", files)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		outputs[filepath.Base(f)] = data
	}
	for name, data := range outputs {
		if i := bytes.Index(data, []byte("SECRET-")); i >= 0 {
			t.Errorf("%s holds %s", name, data[i:min(len(data), i+20)])
		}
	}
	har := outputs[filepath.Base(files[0])]
	for _, kept := range []string{`<value>REDACTED</value><expiry>120</expiry>`, `<value>kept-value</value>`, "kept.example",
		`\"usage_type\":\"ceph\"`, "delete-this-file=1", "state=s", ";jsessionid=REDACTED"} {
		if !bytes.Contains(har, []byte(kept)) {
			t.Errorf("the recording lost %s", kept)
		}
	}
	if len(px.violations.String()) == 0 {
		t.Error("no violations were written: the test shows nothing about them")
	}
}

// TestLogHoldsNoSecret: an engine that cannot be reached makes the proxy
// log the failed request with its path; a session id in the path's
// matrix parameters (and any secret the log quotes) stays out of it.
func TestLogHoldsNoSecret(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()
	px := startProxy(t, dead, Config{})
	get(t, rawClient(), "GET", px.url+"/ovirt-engine/sso/oauth/token?grant_type=password&username=u&password=SECRET-query-1", "")
	get(t, rawClient(), "GET", px.url+"/ovirt-engine/api;jsessionid=SECRET-session-2/vms", "")
	if err := px.stop(); err != nil {
		t.Fatal(err)
	}
	logs := px.logs.String()
	if !strings.Contains(logs, "upstream request failed") || !strings.Contains(logs, "jsessionid=REDACTED") {
		t.Fatalf("the failure was not logged: %s", logs)
	}
	if strings.Contains(logs, "SECRET-") {
		t.Errorf("the log holds a secret: %s", logs)
	}
}
