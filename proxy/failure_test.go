package proxy

import (
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestUpstreamFailures(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/slow":
			select {
			case <-release:
			case <-time.After(2 * time.Second):
			}
		case "/reset-chunked", "/reset-length":
			if r.URL.Path == "/reset-length" {
				w.Header().Set("Content-Length", "100000")
			}
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(200)
			io.WriteString(w, "<vms><vm>")
			w.(http.Flusher).Flush()
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.(*net.TCPConn).SetLinger(0)
				conn.Close()
			}
		case "/reset-headers":
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.(*net.TCPConn).SetLinger(0)
				conn.Close()
			}
		default:
			fmt.Fprint(w, "ok")
		}
	}))
	defer up.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedAddr := ln.Addr().String()
	ln.Close()

	tlsUp := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "tls ok") }))
	defer tlsUp.Close()
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tlsUp.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}

	c := rawClient()
	for _, tc := range []struct {
		name, upstream, path string
		cfg                  Config
		status               int
		kind                 string
	}{
		{"refused", "http://" + closedAddr, "/x", Config{}, 502, "refused"},
		{"timeout", up.URL, "/slow", Config{UpstreamTimeout: 200 * time.Millisecond}, 504, "timeout"},
		{"reset before headers", up.URL, "/reset-headers", Config{}, 502, "reset"},
		{"bad certificate", tlsUp.URL, "/", Config{}, 502, "certificate"},
		{"certificate from --ca-file", tlsUp.URL, "/", Config{CAFile: caFile}, 200, ""},
		{"--insecure", tlsUp.URL, "/", Config{Insecure: true}, 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			px := startProxy(t, tc.upstream, tc.cfg)
			resp, body := get(t, c, "GET", px.url+tc.path, "", "Accept: application/xml")
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
			}
			if tc.kind != "" {
				if !strings.Contains(string(body), "<fault>") {
					t.Errorf("no fault: %s", body)
				}
				if !strings.Contains(px.logs.String(), "kind="+tc.kind) {
					t.Errorf("failure not logged as %s: %s", tc.kind, px.logs.String())
				}
			}
			// The proxy keeps serving.
			if resp, _ := get(t, c, "GET", px.url+tc.path, "", "Accept: application/xml"); resp.StatusCode != tc.status {
				t.Errorf("second request: status %d", resp.StatusCode)
			}
			if err := px.stop(); err != nil {
				t.Fatal(err)
			}
		})
	}

	for _, path := range []string{"/reset-chunked", "/reset-length"} {
		t.Run("mid-body "+path, func(t *testing.T) {
			px := startProxy(t, up.URL, Config{})
			// The connection is aborted: before the headers (they were
			// still buffered) or inside the body, never a clean end.
			resp, err := rawRequest(t, px.url, "GET "+path+" HTTP/1.1\r\nHost: x\r\n\r\n")
			if err == nil {
				_, err = io.ReadAll(resp.Body)
			}
			if err == nil {
				t.Fatal("the client took a cut body for a whole one")
			}
			if !strings.Contains(px.logs.String(), "mid-body") {
				t.Errorf("mid-body failure not logged: %s", px.logs.String())
			}
			if resp, _ := get(t, c, "GET", px.url+"/", ""); resp.StatusCode != 200 {
				t.Errorf("the proxy stopped serving: %d", resp.StatusCode)
			}
		})
	}
}

func TestShutdownDrainsRequestsInFlight(t *testing.T) {
	entered, release := make(chan struct{}), make(chan struct{})
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/slow" {
			close(entered)
			<-release
		}
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "finished")
	}))
	defer up.Close()
	px := startProxy(t, up.URL, Config{})
	c := rawClient()
	type result struct {
		status int
		body   string
		err    error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := c.Get(px.url + "/slow")
		if err != nil {
			done <- result{err: err}
			return
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		done <- result{resp.StatusCode, string(b), err}
	}()
	<-entered
	stopped := make(chan error, 1)
	go func() { stopped <- px.stop() }()
	// Draining: not ready any more, but the request in flight goes on.
	deadline := time.Now().Add(5 * time.Second)
	for {
		resp, err := http.Get(px.admin + "/readyz")
		if err != nil || resp.StatusCode == http.StatusServiceUnavailable {
			if resp != nil {
				resp.Body.Close()
			}
			break
		}
		resp.Body.Close()
		if time.Now().After(deadline) {
			t.Fatal("/readyz stayed ready while draining")
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case err := <-stopped:
		t.Fatalf("Serve returned (%v) with a request in flight", err)
	case <-time.After(100 * time.Millisecond):
	}
	close(release)
	r := <-done
	if r.err != nil || r.status != 200 || r.body != "finished" {
		t.Fatalf("request in flight: %d %q %v", r.status, r.body, r.err)
	}
	if err := <-stopped; err != nil {
		t.Fatalf("Serve: %v", err)
	}
}
