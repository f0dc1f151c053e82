package proxy

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

const (
	vmID   = "0d37ca3b-cdbc-4b78-b0b9-7cd71ddc7e35"
	vmPath = "/ovirt-engine/api/vms/" + vmID
	date   = "Mon, 16 Jan 2017 08:21:35 GMT"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../fixtures/bodies/v4/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func gzipped(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// seen is what an upstream received.
type seen struct {
	mu   sync.Mutex
	reqs []*http.Request
	body [][]byte
}

func (s *seen) add(r *http.Request, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqs = append(s.reqs, r)
	s.body = append(s.body, body)
}

func (s *seen) last() (*http.Request, []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.reqs) == 0 {
		return nil, nil
	}
	return s.reqs[len(s.reqs)-1], s.body[len(s.body)-1]
}

func (s *seen) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.reqs)
}

// engine is a fake engine answering a few paths with real bodies.
func engine(t testing.TB, s *seen) *httptest.Server {
	vm, hosts := fixture(t, "vm.xml"), fixture(t, "hosts.xml")
	vmJSON := []byte(`{"href":"` + vmPath + `","id":"` + vmID + `","name":"vm1"}`)
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if s != nil {
			s.add(r, body)
		}
		h := w.Header()
		h["Date"] = []string{date}
		h.Set("Correlation-Id", "c-1")
		h.Set("X-Engine", "fake")
		h.Set("Keep-Alive", "timeout=5") // hop-by-hop: must not pass
		switch {
		case r.URL.Path == vmPath && strings.Contains(r.Header.Get("Accept"), "json"):
			h.Set("Content-Type", "application/json")
			w.Write(vmJSON)
		case r.URL.Path == vmPath:
			h.Set("Content-Type", "application/xml;charset=UTF-8")
			w.Write(vm)
		case r.URL.Path == "/ovirt-engine/api/hosts" && strings.Contains(r.Header.Get("Accept-Encoding"), "gzip"):
			h.Set("Content-Type", "application/xml;charset=UTF-8")
			h.Set("Content-Encoding", "gzip")
			h.Set("Vary", "Accept-Encoding")
			w.Write(gzipped(t, hosts))
		case r.URL.Path == "/ovirt-engine/api/hosts":
			h.Set("Content-Type", "application/xml;charset=UTF-8")
			// no Content-Length: chunked
			w.Write(hosts[:100])
			w.(http.Flusher).Flush()
			w.Write(hosts[100:])
		case r.URL.Path == "/ovirt-engine/sso/oauth/token":
			h.Set("Content-Type", "application/json")
			fmt.Fprint(w, `{"access_token":"tok-SECRET-1","token_type":"bearer","exp":"1"}`)
		case strings.HasPrefix(r.URL.Path, "/ovirt-engine/services/"):
			h.Set("Content-Type", "text/plain")
			fmt.Fprint(w, "DB Up!Welcome to Health Status!")
		case r.URL.Path == "/ovirt-engine/api/vms/bad":
			h.Set("Content-Type", "application/xml")
			fmt.Fprint(w, `<vm href="/ovirt-engine/api/vms/bad" id="bad"><bogus>1</bogus></vm>`)
		default:
			w.WriteHeader(http.StatusNotFound)
		}
	}))
}

// comparable drops the headers a proxy may legitimately change.
func comparable(h http.Header) http.Header {
	out := h.Clone()
	for _, k := range hopHeaders {
		out.Del(k)
	}
	return out
}

func TestObservePassesBytesUnchanged(t *testing.T) {
	var direct, proxied seen
	up := engine(t, &direct)
	defer up.Close()
	up2 := engine(t, &proxied)
	defer up2.Close()
	px := startProxy(t, up2.URL, Config{})
	c := rawClient()
	cases := []struct {
		name, method, path string
		headers            []string
		body               string
	}{
		{"xml", "GET", vmPath, []string{"Accept: application/xml", "Version: 4"}, ""},
		{"json", "GET", vmPath, []string{"Accept: application/json"}, ""},
		{"gzip", "GET", "/ovirt-engine/api/hosts", []string{"Accept: application/xml", "Accept-Encoding: gzip"}, ""},
		{"chunked", "GET", "/ovirt-engine/api/hosts", []string{"Accept: application/xml"}, ""},
		{"head", "HEAD", "/ovirt-engine/api", nil, ""},
		{"sso", "POST", "/ovirt-engine/sso/oauth/token", []string{"Content-Type: application/x-www-form-urlencoded", "Accept: application/json"},
			"grant_type=password&scope=ovirt-app-api&username=admin%40internal&password=pw-SECRET-2"},
		{"services", "GET", "/ovirt-engine/services/health", nil, ""},
		{"404", "GET", "/ovirt-engine/api/vms/none", []string{"Accept: application/xml"}, ""},
		{"query and matrix", "GET", "/ovirt-engine/api/vms;max=1?search=name%3Dx", []string{"Accept: application/xml"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := append([]string{"Correlation-Id: test-" + tc.name, "User-Agent: ovirt-sdk"}, tc.headers...)
			dr, db := get(t, c, tc.method, up.URL+tc.path, tc.body, h...)
			pr, pb := get(t, c, tc.method, px.url+tc.path, tc.body, h...)
			if dr.StatusCode != pr.StatusCode {
				t.Errorf("status %d through the proxy, %d direct", pr.StatusCode, dr.StatusCode)
			}
			if !bytes.Equal(db, pb) {
				t.Errorf("body differs: %d bytes through the proxy, %d direct", len(pb), len(db))
			}
			if d, p := comparable(dr.Header), comparable(pr.Header); !equalHeaders(d, p) {
				t.Errorf("headers differ:\ndirect %v\nproxy  %v", d, p)
			}
			if pr.Header.Get("Keep-Alive") != "" {
				t.Error("hop-by-hop Keep-Alive passed")
			}
			if (dr.ContentLength >= 0) != (pr.ContentLength >= 0) {
				t.Errorf("Content-Length: %d direct, %d through the proxy", dr.ContentLength, pr.ContentLength)
			}
			// What the engine received must be what the client sent.
			dq, dbody := direct.last()
			pq, pbody := proxied.last()
			if dq.Method != pq.Method || dq.URL.RequestURI() != pq.URL.RequestURI() || !bytes.Equal(dbody, pbody) {
				t.Errorf("the engine got %s %s (%d bytes) through the proxy, %s %s (%d bytes) direct",
					pq.Method, pq.URL.RequestURI(), len(pbody), dq.Method, dq.URL.RequestURI(), len(dbody))
			}
			if d, p := comparable(dq.Header), comparable(pq.Header); !equalHeaders(d, p) {
				t.Errorf("request headers differ:\ndirect %v\nproxy  %v", d, p)
			}
		})
	}
	if err := px.stop(); err != nil {
		t.Fatal(err)
	}
}

func equalHeaders(a, b http.Header) bool {
	norm := func(h http.Header) string {
		var lines []string
		for k, vs := range h {
			lines = append(lines, k+": "+strings.Join(vs, "\x00"))
		}
		sort.Strings(lines)
		return strings.Join(lines, "\n")
	}
	return norm(a) == norm(b)
}

func TestRequestWithoutUserAgentGetsNone(t *testing.T) {
	var s seen
	up := engine(t, &s)
	defer up.Close()
	px := startProxy(t, up.URL, Config{})
	resp, err := rawRequest(t, px.url, "GET "+vmPath+" HTTP/1.1\r\nHost: x\r\nConnection: close, X-Hop\r\nX-Hop: 1\r\n\r\n")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	r, _ := s.last()
	if r == nil {
		t.Fatal("the engine got nothing")
	}
	if ua, ok := r.Header["User-Agent"]; ok {
		t.Errorf("the engine got User-Agent %q the client never sent", ua)
	}
	if r.Header.Get("X-Hop") != "" {
		t.Error("a header named in Connection passed")
	}
	if r.Header.Get("X-Forwarded-For") != "" {
		t.Error("the proxy added X-Forwarded-For")
	}
}

func TestNeverAnOpenProxy(t *testing.T) {
	var s seen
	up := engine(t, &s)
	defer up.Close()
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { elsewhere.Add(1) }))
	defer other.Close()
	px := startProxy(t, up.URL, Config{})
	addr := strings.TrimPrefix(px.url, "http://")
	otherHost := strings.TrimPrefix(other.URL, "http://")
	upHost := strings.TrimPrefix(up.URL, "http://")
	for _, tc := range []struct {
		name, request string
		status        int
	}{
		{"connect", "CONNECT " + otherHost + " HTTP/1.1\r\nHost: " + otherHost + "\r\n\r\n", http.StatusMethodNotAllowed},
		{"absolute-form elsewhere", "GET " + other.URL + "/x HTTP/1.1\r\nHost: " + otherHost + "\r\n\r\n", http.StatusForbidden},
		{"absolute-form https elsewhere", "GET https://example.invalid/ HTTP/1.1\r\nHost: example.invalid\r\n\r\n", http.StatusForbidden},
		{"absolute-form upstream", "GET " + up.URL + vmPath + " HTTP/1.1\r\nHost: " + upHost + "\r\n\r\n", http.StatusOK},
		{"absolute-form proxy itself", "GET " + px.url + vmPath + " HTTP/1.1\r\nHost: " + addr + "\r\n\r\n", http.StatusOK},
		{"Host header elsewhere goes upstream", "GET " + vmPath + " HTTP/1.1\r\nHost: " + otherHost + "\r\n\r\n", http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := s.count()
			resp, err := rawRequest(t, px.url, tc.request)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
			}
			if tc.status != http.StatusOK {
				if !bytes.Contains(body, []byte("<fault>")) {
					t.Errorf("refusal without a fault: %s", body)
				}
				if s.count() != before {
					t.Error("a refused request reached the engine")
				}
			} else if s.count() != before+1 {
				t.Error("the request did not reach the engine")
			}
		})
	}
	if n := elsewhere.Load(); n != 0 {
		t.Fatalf("the proxy sent %d requests to another host", n)
	}
}

// violationLines parses the proxy's JSON lines.
func violationLines(t testing.TB, s string) []Line {
	t.Helper()
	var out []Line
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		var l Line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("violation line %q: %v", sc.Text(), err)
		}
		out = append(out, l)
	}
	return out
}

func hasRule(ls []Line, rule string) *Line {
	for i := range ls {
		if ls[i].Rule == rule {
			return &ls[i]
		}
	}
	return nil
}

func TestObserveReportsViolations(t *testing.T) {
	up := engine(t, nil)
	defer up.Close()
	px := startProxy(t, up.URL, Config{})
	c := rawClient()
	resp, _ := get(t, c, "GET", px.url+"/ovirt-engine/api/vms/bad", "", "Correlation-Id: corr-7", "Accept: application/xml")
	if resp.StatusCode != 200 {
		t.Fatalf("observe mode changed the status to %d", resp.StatusCode)
	}
	get(t, c, "GET", px.url+vmPath, "", "Accept: application/xml")
	get(t, c, "GET", px.url+"/ovirt-engine/api/hosts", "", "Accept: application/xml", "Accept-Encoding: gzip")
	if err := px.stop(); err != nil {
		t.Fatal(err)
	}
	lines := violationLines(t, px.violations.String())
	l := hasRule(lines, "schema.unknown-element")
	if l == nil {
		t.Fatalf("no schema.unknown-element in %s", px.violations.String())
	}
	if l.CorrelationID != "corr-7" || l.Method != "GET" || l.Path != "/ovirt-engine/api/vms/bad" ||
		l.Route != "GET /vms/{vm_id}" || l.Severity != "error" || l.Location == "" || l.Time.IsZero() {
		t.Errorf("line lacks its exchange: %+v", *l)
	}
	for _, l := range lines {
		if l.Path != "/ovirt-engine/api/vms/bad" && l.Severity == "error" {
			t.Errorf("false positive on real traffic: %+v", l)
		}
	}
}
