package proxy

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// TestHTTPSAndHTTP2 serves the proxy over TLS (--tls-cert, --tls-key) to
// an HTTP/2 client, in front of an engine that offers HTTP/2.
func TestHTTPSAndHTTP2(t *testing.T) {
	var upstreamProto atomic.Int32
	up := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		upstreamProto.Store(int32(r.ProtoMajor))
		w.Header().Set("Content-Type", "text/plain")
		io.WriteString(w, "over h2")
	}))
	up.EnableHTTP2 = true
	up.StartTLS()
	defer up.Close()

	dir := t.TempDir()
	cert := up.TLS.Certificates[0]
	key, err := x509.MarshalPKCS8PrivateKey(cert.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile, caFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"), filepath.Join(dir, "ca.pem")
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]})
	for f, data := range map[string][]byte{certFile: certPEM, caFile: certPEM,
		keyFile: pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key})} {
		if err := os.WriteFile(f, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	u, _ := url.Parse(up.URL)
	p, err := New(Config{Upstream: u, CAFile: caFile, Logger: discardLogger()})
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
	defer func() {
		cancel()
		if err := <-errc; err != nil {
			t.Error(err)
		}
	}()

	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(certPEM)
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true}}
	resp, body := get(t, c, "GET", "https://"+ln.Addr().String()+"/ovirt-engine/services/health", "")
	if resp.StatusCode != 200 || string(body) != "over h2" {
		t.Fatalf("status %d: %s", resp.StatusCode, body)
	}
	if resp.ProtoMajor != 2 {
		t.Errorf("client to proxy: HTTP/%d, want 2", resp.ProtoMajor)
	}
	if upstreamProto.Load() != 2 {
		t.Errorf("proxy to engine: HTTP/%d, want 2", upstreamProto.Load())
	}
}
