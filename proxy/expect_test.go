package proxy

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ovcompat/ovcompat/internal/expect"
)

// TestExpect201Created: oVirt clients send "Expect: 201-created" on adds.
// net/http would answer it with 417 itself; through the proxy, plain and
// over TLS (HTTP/1.1 and HTTP/2), the engine must get it as sent.
func TestExpect201Created(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	up := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		seen = append(seen, expect.Value(r.Header)+"|"+r.Header.Get(expect.Header))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/xml")
		w.Header().Set("Location", "/ovirt-engine/api/vms/1")
		w.WriteHeader(http.StatusCreated)
		w.Write([]byte(`<vm id="1" href="/ovirt-engine/api/vms/1"><name>a</name></vm>`))
	}))
	up.Listener = expect.Listener(up.Listener) // an engine takes the header; Go's server needs help
	up.Start()
	defer up.Close()

	certFile, keyFile, pool := throwawayCert(t)

	u, _ := url.Parse(up.URL)
	for _, tc := range []struct {
		name string
		tls  bool
		h2   bool
	}{{"plain", false, false}, {"tls http/1.1", true, false}, {"tls h2", true, true}} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := New(Config{Upstream: u, Logger: discardLogger()})
			if err != nil {
				t.Fatal(err)
			}
			ln, _ := net.Listen("tcp", "127.0.0.1:0")
			l := Listeners{Proxy: ln}
			scheme := "http"
			if tc.tls {
				l.TLSCert, l.TLSKey, scheme = certFile, keyFile, "https"
			}
			ctx, cancel := context.WithCancel(context.Background())
			errc := make(chan error, 1)
			go func() { errc <- p.Serve(ctx, l) }()
			defer func() { cancel(); <-errc }()
			tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: tc.h2}
			if tc.tls && !tc.h2 {
				tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
			}
			c := &http.Client{Timeout: 10 * time.Second, Transport: tr}
			req, _ := http.NewRequest("POST", scheme+"://"+ln.Addr().String()+"/ovirt-engine/api/vms", strings.NewReader(`<vm><name>a</name></vm>`))
			req.Header.Set("Expect", "201-created")
			req.Header.Set("Content-Type", "application/xml")
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated || (resp.ProtoMajor == 2) != tc.h2 {
				t.Fatalf("status %d over HTTP/%d", resp.StatusCode, resp.ProtoMajor)
			}
			mu.Lock()
			last := seen[len(seen)-1]
			mu.Unlock()
			// The engine got "Expect: 201-created" back under its own name
			// (the test engine's listener renames it again on arrival).
			if last != "201-created|201-created" {
				t.Errorf("the engine saw %q", last)
			}
		})
	}
}
