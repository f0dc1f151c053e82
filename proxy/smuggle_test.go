package proxy

import (
	"bufio"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestNoRequestSmuggling replays the attack of issue 16 against the real
// proxy, in both modes, plain and over TLS: an unauthenticated POST whose
// obs-folded Content-Length hides a DELETE in its body, followed on the
// same connection by a victim's GET with admin credentials. The engine
// must never see the DELETE, and no body byte may change on the way.
func TestNoRequestSmuggling(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, fmt.Sprintf("%s %s auth=%q body=%q", r.Method, r.URL.Path, r.Header.Get("Authorization"), body))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/xml")
		w.Write([]byte("<api/>"))
	}))
	defer up.Close()

	hidden := "DELETE /ovirt-engine/api/vms/123 HTTP/1.1\r\nHost: x\r\nExpect: 201-created\r\n\r\n"
	attack := fmt.Sprintf("POST /ovirt-engine/api/vms HTTP/1.1\r\nHost: x\r\nContent-Type: application/xml\r\nContent-Length:\r\n %d\r\n\r\n%s", len(hidden), hidden) +
		"GET /ovirt-engine/api HTTP/1.1\r\nHost: x\r\nAuthorization: Basic YWRtaW5AaW50ZXJuYWw6c2VjcmV0\r\n\r\n"

	for _, mode := range []Mode{Observe, Enforce} {
		for _, useTLS := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/tls=%v", mode, useTLS), func(t *testing.T) {
				mu.Lock()
				seen = nil
				mu.Unlock()
				conn := dialProxy(t, up.URL, Config{Mode: mode}, useTLS)
				if _, err := io.WriteString(conn, attack); err != nil {
					t.Fatal(err)
				}
				resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
				if err != nil {
					t.Fatalf("no answer to the attack: %v", err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusBadRequest {
					t.Errorf("status %d, want 400 for a folded Content-Length", resp.StatusCode)
				}
				// The connection ends after the refusal: the victim's GET
				// is never read as part of the attacker's stream.
				_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
				if n, err := conn.Read(make([]byte, 1)); err == nil {
					t.Errorf("connection still open after the refusal (read %d bytes)", n)
				}
				mu.Lock()
				defer mu.Unlock()
				for _, s := range seen {
					if strings.HasPrefix(s, "DELETE") || strings.Contains(s, "auth=\"Basic") {
						t.Errorf("the engine executed a smuggled request: %s", s)
					}
				}
			})
		}
	}
}

// TestBodyBytesUntouched: Expect lines inside a body pass byte for byte,
// and the requests after it are framed where the client put them.
func TestBodyBytesUntouched(t *testing.T) {
	var mu sync.Mutex
	var bodies []string
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, r.Method+" "+string(body))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/xml")
		w.Write([]byte("<api/>"))
	}))
	defer up.Close()
	body := "<vm><name>a\r\nExpect: 201-created\r\n\r\nGET / HTTP/1.1\r\n</name></vm>"
	conn := dialProxy(t, up.URL, Config{}, false)
	raw := fmt.Sprintf("POST /ovirt-engine/api/vms HTTP/1.1\r\nHost: x\r\nContent-Type: application/xml\r\nContent-Length: %d\r\n\r\n%s", len(body), body) +
		"GET /ovirt-engine/api HTTP/1.1\r\nHost: x\r\n\r\n"
	if _, err := io.WriteString(conn, raw); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(conn)
	for i := range 2 {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("response %d: %v", i, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []string{"POST " + body, "GET "}; fmt.Sprint(bodies) != fmt.Sprint(want) {
		t.Errorf("the engine got %q, want %q", bodies, want)
	}
}

// dialProxy starts a proxy for upstream and dials it, over TLS (HTTP/1.1)
// when useTLS.
func dialProxy(t *testing.T, upstream string, cfg Config, useTLS bool) net.Conn {
	t.Helper()
	if !useTLS {
		r := startProxy(t, upstream, cfg)
		conn, err := net.Dial("tcp", strings.TrimPrefix(r.url, "http://"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		return conn
	}
	base := startTLSProxy(t, upstream, cfg)
	conn, err := tls.Dial("tcp", strings.TrimPrefix(base, "https://"), &tls.Config{InsecureSkipVerify: true, NextProtos: []string{"http/1.1"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// startTLSProxy serves a proxy for upstream over TLS with a throwaway
// certificate and returns its https base URL.
func startTLSProxy(t *testing.T, upstream string, cfg Config) string {
	t.Helper()
	certFile, keyFile, _ := throwawayCert(t)
	u, err := url.Parse(upstream)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Upstream, cfg.Logger = u, discardLogger()
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- p.Serve(ctx, Listeners{Proxy: ln, TLSCert: certFile, TLSKey: keyFile}) }()
	t.Cleanup(func() { cancel(); <-errc })
	return "https://" + ln.Addr().String()
}
