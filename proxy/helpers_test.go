package proxy

import (
	"bufio"
	"context"
	"crypto/x509"
	"encoding/pem"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ovcompat/ovcompat/internal/syncbuf"
)

// running is a proxy served on loopback for a test.
type running struct {
	p          *Proxy
	url        string // the proxy's base URL
	admin      string // the admin base URL
	violations *syncbuf.Buffer
	logs       *syncbuf.Buffer
	stop       func() error // shuts down and returns Serve's error
}

// startProxy serves a proxy for upstream with cfg's other fields.
func startProxy(t testing.TB, upstream string, cfg Config) *running {
	t.Helper()
	u, err := url.Parse(upstream)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Upstream = u
	r := &running{violations: &syncbuf.Buffer{}, logs: &syncbuf.Buffer{}}
	if cfg.Violations == nil {
		cfg.Violations = r.violations
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	r.p = p
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	aln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r.url, r.admin = "http://"+ln.Addr().String(), "http://"+aln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- p.Serve(ctx, Listeners{Proxy: ln, Admin: aln}) }()
	var once sync.Once
	var serveErr error
	r.stop = func() error {
		once.Do(func() {
			cancel()
			select {
			case serveErr = <-errc:
			case <-time.After(30 * time.Second):
				t.Error("proxy did not stop")
			}
		})
		return serveErr
	}
	t.Cleanup(func() { _ = r.stop() })
	return r
}

// get fetches url with headers ("Name: value") and returns the response
// with its body read.
func get(t testing.TB, c *http.Client, method, url string, body string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Add(k, strings.TrimSpace(v))
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, url, err)
	}
	return resp, data
}

// rawRequest sends request as written, byte for byte, to the proxy at
// base and reads the response's head; the body is left to the caller.
func rawRequest(t testing.TB, base, request string) (*http.Response, error) {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := io.WriteString(conn, request); err != nil {
		t.Fatal(err)
	}
	return http.ReadResponse(bufio.NewReader(conn), nil)
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// rawClient never negotiates compression itself, so bodies arrive as sent.
func rawClient() *http.Client {
	return &http.Client{Transport: &http.Transport{DisableCompression: true, Proxy: nil}, Timeout: 30 * time.Second}
}

// throwawayCert writes a self-signed certificate and its key (httptest's)
// into a temporary folder, and returns their files and a pool that
// trusts the certificate.
func throwawayCert(t testing.TB) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	donor := httptest.NewUnstartedServer(nil)
	donor.StartTLS() // only for its certificate
	cert := donor.TLS.Certificates[0]
	donor.Close()
	key, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]})
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key}), 0o600); err != nil {
		t.Fatal(err)
	}
	pool = x509.NewCertPool()
	pool.AppendCertsFromPEM(certPEM)
	return certFile, keyFile, pool
}
