package proxy

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
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
