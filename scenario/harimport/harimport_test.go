package harimport

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ovcompat/ovcompat/har"
	"github.com/ovcompat/ovcompat/internal/sharedtest"
	"github.com/ovcompat/ovcompat/scenario"
)

// entry builds a HAR entry; headers are "Name: value".
func entry(method, url, reqType, reqBody string, status int, respType, respBody string, headers ...string) har.Entry {
	e := har.Entry{Request: har.Request{Method: method, URL: url, Headers: []har.Header{}},
		Response: har.Response{Status: status, Headers: []har.Header{}, Content: har.Content{MimeType: respType, Text: respBody}}}
	if reqBody != "" {
		e.Request.PostData = &har.PostData{MimeType: reqType, Text: reqBody}
	}
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ":")
		hs := &e.Request.Headers
		if n, ok := strings.CutPrefix(name, "<"); ok { // a response header
			name, hs = n, &e.Response.Headers
		}
		*hs = append(*hs, har.Header{Name: name, Value: strings.TrimSpace(value)})
	}
	return e
}

// secretHAR holds a secret in every place the SSO, the engine and its
// clients put one (the model's examples: VmGraphicsConsoleService.ticket,
// remoteViewerConnectionFile; the SSO token request and response of
// ../shared/ovirt/README.md's authentication note).
func secretHAR() *har.File {
	vv := "[virt-viewer]\ntype=spice\npassword=SECRET-vv-1\n"
	f := &har.File{Log: har.Log{Version: "1.2", Entries: []har.Entry{
		entry("POST", "https://engine.test/ovirt-engine/sso/oauth/token", "application/x-www-form-urlencoded",
			"grant_type=password&scope=ovirt-app-api&username=admin%40internal&password=SECRET-pw-2",
			200, "application/json", `{"access_token":"SECRET-token-3","token_type":"bearer","exp":"1700000000"}`,
			"Accept: application/json"),
		entry("POST", "https://engine.test/ovirt-engine/api/vms/1/graphicsconsoles/2/ticket", "application/xml", "<action/>",
			200, "application/xml", "<action><ticket><value>SECRET-ticket-4</value><expiry>120</expiry></ticket><status>complete</status></action>",
			"Authorization: Bearer SECRET-bearer-5", "Cookie: JSESSIONID=SECRET-cookie-6", "<Set-Cookie: JSESSIONID=SECRET-cookie-7; Path=/; HttpOnly"),
		entry("GET", "https://engine.test/ovirt-engine/api;jsessionid=SECRET-matrix-8/vms/1/graphicsconsoles/2?api_key=SECRET-query-9&max=1", "", "",
			200, "application/x-virt-viewer", "", "Accept: application/x-virt-viewer", "<Jsessionid: SECRET-header-10"),
		entry("PUT", "https://engine.test/ovirt-engine/api/vms/1", "application/json",
			`{"initialization":{"windows_license_key":"SECRET-license-11","host_name":"kept.example"}}`,
			200, "application/xml", "<vm id='1'><name>kept-name</name></vm>"),
		entry("GET", "https://engine.test/ovirt-engine/sso/oauth/authorize?response_type=code", "", "",
			302, "", "", "<Location: https://engine.test/app?code=SECRET-code-12&state=kept-state"),
	}}}
	f.Log.Entries[2].Response.Content = har.Content{MimeType: "application/x-virt-viewer", Encoding: "base64",
		Text: base64.StdEncoding.EncodeToString([]byte(vv))}
	return f
}

// dump is every byte an exchange carries, for searching.
func dump(exs []har.Exchange) string {
	var b strings.Builder
	for _, ex := range exs {
		b.WriteString(ex.Method + " " + ex.Path + "?" + ex.RawQuery + "\n")
		for _, h := range []http.Header{ex.RequestHeader, ex.ResponseHeader} {
			for k, vs := range h {
				b.WriteString(k + ": " + strings.Join(vs, ", ") + "\n")
			}
		}
		b.Write(ex.RequestBody)
		b.WriteByte('\n')
		b.Write(ex.ResponseBody)
		b.WriteByte('\n')
	}
	return b.String()
}

func TestExchangesRedact(t *testing.T) {
	exs, err := Exchanges(secretHAR())
	if err != nil {
		t.Fatal(err)
	}
	all := dump(exs)
	if i := strings.Index(all, "SECRET-"); i >= 0 {
		t.Errorf("an imported exchange holds %s", all[i:min(len(all), i+20)])
	}
	for _, kept := range []string{"<expiry>120</expiry>", "kept.example", "kept-name", "state=kept-state", "max=1",
		"/ovirt-engine/api;jsessionid=REDACTED/vms/1/graphicsconsoles/2", "password=REDACTED", "JSESSIONID=REDACTED; Path=/; HttpOnly",
		"Bearer REDACTED", `"token_type":"bearer"`} {
		if !strings.Contains(all, kept) {
			t.Errorf("the import lost %q:\n%s", kept, all)
		}
	}
	if got := exs[1].RequestHeader.Get("Content-Type"); got != "application/xml" {
		t.Errorf("the request's Content-Type comes from its postData: %q", got)
	}
	if exs[4].Status != 302 || exs[3].Method != "PUT" || exs[3].Path != "/ovirt-engine/api/vms/1" {
		t.Errorf("the exchanges changed: %+v", exs[3:])
	}
}

// TestScenarioHoldsNoSecret: what `ovcompat import` writes, the scenario
// built from the exchanges, holds no secret either.
func TestScenarioHoldsNoSecret(t *testing.T) {
	exs, err := Exchanges(secretHAR())
	if err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Build(exs, scenario.BuildOptions{Name: "secrets"})
	if err != nil {
		t.Fatal(err)
	}
	out, err := scenario.Marshal(sc)
	if err != nil {
		t.Fatal(err)
	}
	if i := bytes.Index(out, []byte("SECRET-")); i >= 0 || !bytes.Contains(out, []byte("<expiry>120</expiry>")) {
		t.Errorf("the scenario holds a secret or lost the ticket's expiry:\n%s", out)
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, f *har.File) string {
		var b bytes.Buffer
		if err := har.Write(&b, f); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	exs, err := ReadFile(write("secrets.har", secretHAR()))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Exchanges(secretHAR())
	if !reflect.DeepEqual(exs, want) {
		t.Error("ReadFile and Exchanges disagree")
	}
	if _, err := ReadFile(filepath.Join(dir, "none.har")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing file: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "x.har"), []byte(`{"log":{}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(filepath.Join(dir, "x.har")); !errors.Is(err, har.ErrNotHAR) {
		t.Errorf("not a HAR file: %v", err)
	}
	bad := secretHAR()
	bad.Log.Entries[1].Response.Content.Encoding = "base64" // and its text is not
	if _, err := ReadFile(write("bad.har", bad)); err == nil || !strings.Contains(err.Error(), "entry 1") {
		t.Errorf("an entry whose body cannot be decoded: %v", err)
	}
	bad = secretHAR()
	bad.Log.Entries[2].Request.URL = "http://[::1"
	if _, err := Exchanges(bad); err == nil || !strings.Contains(err.Error(), "entry 2") {
		t.Errorf("an entry whose URL cannot be parsed: %v", err)
	}
}

// toHAR writes exchanges back as HAR entries, as a recorder would: the
// way back of the round trip.
func toHAR(exs []har.Exchange) *har.File {
	f := &har.File{Log: har.Log{Version: "1.2", Entries: []har.Entry{}}}
	headers := func(h http.Header) []har.Header {
		out := []har.Header{}
		for _, k := range slices.Sorted(func(yield func(string) bool) {
			for k := range h {
				if !yield(k) {
					return
				}
			}
		}) {
			for _, v := range h[k] {
				out = append(out, har.Header{Name: k, Value: v})
			}
		}
		return out
	}
	for _, ex := range exs {
		u := "https://engine.test" + ex.Path
		if ex.RawQuery != "" {
			u += "?" + ex.RawQuery
		}
		e := har.Entry{Request: har.Request{Method: ex.Method, URL: u, Headers: headers(ex.RequestHeader)},
			Response: har.Response{Status: ex.Status, Headers: headers(ex.ResponseHeader)}}
		if len(ex.RequestBody) > 0 {
			e.Request.PostData = &har.PostData{MimeType: ex.RequestHeader.Get("Content-Type"), Text: string(ex.RequestBody)}
		}
		e.Response.Content.MimeType = ex.ResponseHeader.Get("Content-Type")
		if utf8.Valid(ex.ResponseBody) {
			e.Response.Content.Text = string(ex.ResponseBody)
		} else {
			e.Response.Content.Text, e.Response.Content.Encoding = base64.StdEncoding.EncodeToString(ex.ResponseBody), "base64"
		}
		f.Log.Entries = append(f.Log.Entries, e)
	}
	return f
}

// reimport writes f as a HAR file and imports it.
func reimport(t *testing.T, f *har.File) ([]har.Exchange, error) {
	var b bytes.Buffer
	if err := har.Write(&b, f); err != nil {
		t.Fatal(err)
	}
	h, err := har.Parse(b.Bytes())
	if err != nil {
		return nil, err
	}
	return Exchanges(h)
}

// FuzzExchanges imports HAR files: any bytes (never a panic), and files
// with fuzzed text around a secret in each place one goes (the secret
// never reaches the exchanges nor the scenario built from them). The round
// trip holds: the imported exchanges, written back as HAR and imported
// again, come back the same (redaction is idempotent and the conversion
// loses nothing else).
func FuzzExchanges(f *testing.F) {
	var seed bytes.Buffer
	har.Write(&seed, secretHAR())
	f.Add(seed.Bytes(), "<vm><name>x</name>", "a=1", "S3cr3tV4lue")
	f.Add([]byte(`{"log":{"entries":[{"request":{"url":"%"}}]}}`), `{"a":[`, "x=<", "Zz9Zz9Zz9")
	f.Fuzz(func(t *testing.T, raw []byte, text, param, secret string) {
		if h, err := har.Parse(raw); err == nil {
			if exs, err := Exchanges(h); err == nil {
				roundTrip(t, exs)
			}
		}
		if len(secret) < 6 || strings.Trim(secret, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != "" ||
			strings.Contains(text+param+"REDACTED", secret) {
			return
		}
		xml := strings.NewReplacer("<", "", "&", "").Replace(text)
		js := strings.NewReplacer(`"`, "", `\`, "").Replace(text)
		q := url.QueryEscape(param)
		if strings.Contains(xml+js+q, secret) {
			return
		}
		h := &har.File{Log: har.Log{Version: "1.2", Entries: []har.Entry{
			entry("POST", "https://e.test/ovirt-engine/sso/oauth/token?x="+q, "application/x-www-form-urlencoded",
				"a="+q+"&password="+secret, 200, "application/json", `{"a":"`+js+`","access_token":"`+secret+`"}`,
				"X-Text: "+q, "Authorization: Basic "+secret, "<Set-Cookie: JSESSIONID="+secret+"; Path=/"),
			entry("POST", "https://e.test/ovirt-engine/api;jsessionid="+secret+"/vms/1/ticket?a="+q+"&token="+secret, "application/xml",
				"<action>"+xml+"</action>", 200, "application/xml",
				"<action>"+xml+"<ticket>"+xml+"<value>"+secret+"</value></ticket></action>", "Cookie: a="+secret),
			entry("GET", "https://e.test/ovirt-engine/api/vms/1", "", "", 200, "application/json",
				`{"initialization":{"a":"`+js+`","windows_license_key":"`+secret+`"},"ticket":[{"value":"`+secret+`"}]}`),
		}}}
		exs, err := reimport(t, h)
		if err != nil {
			t.Fatalf("import: %v", err)
		}
		if strings.Contains(dump(exs), secret) {
			t.Fatalf("the secret survived the import:\n%s", dump(exs))
		}
		if sc, err := scenario.Build(exs, scenario.BuildOptions{Name: "fuzz"}); err == nil {
			if out, err := scenario.Marshal(sc); err == nil && bytes.Contains(out, []byte(secret)) {
				t.Fatalf("the secret survived in the scenario:\n%s", out)
			}
		}
		roundTrip(t, exs)
	})
}

// roundTrip checks that exchanges written back as HAR import as they are.
func roundTrip(t *testing.T, exs []har.Exchange) {
	t.Helper()
	again, err := reimport(t, toHAR(exs))
	if err != nil {
		t.Fatalf("imported exchanges do not import again: %v", err)
	}
	if !reflect.DeepEqual(norm(exs), norm(again)) {
		t.Fatalf("the round trip changed the exchanges:\n%s\n---\n%s", dump(exs), dump(again))
	}
}

// norm makes empty and nil bodies alike, as HAR does.
func norm(exs []har.Exchange) []har.Exchange {
	out := slices.Clone(exs)
	for i := range out {
		if len(out[i].RequestBody) == 0 {
			out[i].RequestBody = nil
		}
		if len(out[i].ResponseBody) == 0 {
			out[i].ResponseBody = nil
		}
	}
	return out
}

// TestRealTraffic imports every recording of real engines in the reference
// material (779 exchanges, ../shared/ovirt/traffic). Its secrets go: the
// session ids of the "Jsessionid" response headers and JSESSIONID cookies
// (refresher_target_vm.har: "name": "Jsessionid", "value":
// "GTPgk66t3bb5l8wgH-..."), which the redactor once kept, and the OVN
// provider's OpenStack Keystone exchange (refresher_ovn_provider.har:
// {"auth":{"passwordCredentials":{"username":"admin","password":"password"}}}
// answered by {"access": {"token": {"id": "lvi0mpFnsSumOE7q...", ...}}}).
// Nothing else changes: every other body comes through byte for byte.
func TestRealTraffic(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(sharedtest.Dir(t), "traffic", "*.har"))
	if len(files) == 0 {
		t.Skip("no traffic recordings")
	}
	n, tokens := 0, 0
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		h, err := har.Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		exs, err := Exchanges(h)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		all := dump(exs)
		for i, ex := range exs {
			n++
			e := h.Log.Entries[i]
			where := fmt.Sprintf("%s entry %d", filepath.Base(path), i)
			for _, hd := range append(e.Request.Headers, e.Response.Headers...) {
				if strings.EqualFold(hd.Name, "Jsessionid") && strings.Contains(all, hd.Value) {
					t.Errorf("%s: the session id %s survived", where, hd.Value)
				}
			}
			if pd := e.Request.PostData; pd != nil && strings.Contains(pd.Text, "passwordCredentials") &&
				strings.Contains(string(ex.RequestBody), `"password":"password"`) {
				t.Errorf("%s: the Keystone password survived: %s", where, ex.RequestBody)
			}
			raw, _ := e.Response.Content.Body()
			if bytes.Equal(raw, ex.ResponseBody) {
				continue
			}
			if !strings.HasSuffix(e.Request.URL, "/v2.0/tokens") || !bytes.HasPrefix(ex.ResponseBody, []byte(`{"access": {"token": "REDACTED", "user"`)) {
				t.Errorf("%s: the body changed, and it is not a Keystone token:\n%.300s", where, ex.ResponseBody)
			}
			tokens++
		}
	}
	if strings.Contains(strings.Join(files, ""), "refresher_ovn_provider") && tokens == 0 || n < 700 {
		t.Errorf("%d exchanges imported, %d Keystone tokens redacted", n, tokens)
	}
}
