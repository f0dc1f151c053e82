package proxy

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestMalformedRequestBody: a request whose chunked body cannot be read is
// the client's fault: 400 in every mode, never a 502 "could not get an
// answer from the engine" counted as an upstream error (issue 16 item 4).
func TestMalformedRequestBody(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusCreated)
	}))
	defer up.Close()
	for _, mode := range []Mode{Observe, Enforce} {
		t.Run(mode.String(), func(t *testing.T) {
			px := startProxy(t, up.URL, Config{Mode: mode})
			resp, err := rawRequest(t, px.url, "POST /ovirt-engine/api/vms HTTP/1.1\r\nHost: x\r\nVersion: 4\r\n"+
				"Content-Type: application/xml\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n<vm/>\r\nzz\r\n")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "<fault>") {
				t.Errorf("status %d, want 400 with a fault: %s", resp.StatusCode, body)
			}
			if n := counter(px.p, "ovcompat_proxy_upstream_errors_total"); n != 0 {
				t.Errorf("counted as %v upstream errors", n)
			}
		})
	}
}

// TestUpstreamStallsAfterHeaders: an engine that sends its headers and
// then nothing holds the client no longer than --upstream-idle-timeout:
// the client's response is aborted (so a cut body is never taken for a
// whole one), or answered 504 when the proxy holds the response whole. An
// engine that sends slowly but steadily is not cut (issue 16 item 4).
func TestUpstreamStallsAfterHeaders(t *testing.T) {
	release := make(chan struct{})
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, "<vms>")
		w.(http.Flusher).Flush()
		if r.URL.Path == "/ovirt-engine/api/vms/trickle" {
			for range 10 {
				time.Sleep(20 * time.Millisecond)
				io.WriteString(w, "<vm/>")
				w.(http.Flusher).Flush()
			}
			io.WriteString(w, "</vms>")
			return
		}
		<-release
	}))
	defer up.Close()
	defer close(release) // before Close, which waits for the handlers
	c := rawClient()
	t.Run("observe", func(t *testing.T) {
		px := startProxy(t, up.URL, Config{UpstreamIdleTimeout: 100 * time.Millisecond})
		resp, err := rawRequest(t, px.url, "GET /ovirt-engine/api/vms HTTP/1.1\r\nHost: x\r\n\r\n")
		if err == nil {
			_, err = io.ReadAll(resp.Body)
		}
		if err == nil {
			t.Fatal("the client took a stalled body for a whole one")
		}
		if n := counter(px.p, "ovcompat_proxy_upstream_errors_total"); n != 1 || !strings.Contains(px.logs.String(), "upstream failed mid-body") {
			t.Errorf("%v upstream errors, want the stall counted once: %s", n, px.logs.String())
		}
	})
	t.Run("enforce-responses", func(t *testing.T) {
		px := startProxy(t, up.URL, Config{Mode: Enforce, EnforceResponses: true, UpstreamIdleTimeout: 100 * time.Millisecond})
		resp, body := get(t, c, "GET", px.url+"/ovirt-engine/api/vms", "", "Version: 4")
		if resp.StatusCode != http.StatusGatewayTimeout {
			t.Errorf("status %d, want 504: %s", resp.StatusCode, body)
		}
	})
	t.Run("trickle", func(t *testing.T) {
		px := startProxy(t, up.URL, Config{UpstreamIdleTimeout: 2 * time.Second})
		resp, body := get(t, c, "GET", px.url+"/ovirt-engine/api/vms/trickle", "", "Version: 4")
		if resp.StatusCode != http.StatusOK || !strings.HasSuffix(string(body), "<vm/></vms>") {
			t.Errorf("status %d, body %q", resp.StatusCode, body)
		}
	})
}
