package sim

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// selfSigned makes a certificate for 127.0.0.1 that is its own authority.
func selfSigned(t testing.TB) (tls.Certificate, *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "engine.example.com"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, cert
}

// tlsEngine serves an engine over HTTPS (h2 and http/1.1 offered, as
// `ovcompat sim` does) with a certificate it hands out as its CA.
func tlsEngine(t testing.TB, o Options) (*Engine, *httptest.Server) {
	t.Helper()
	cert, ca := selfSigned(t)
	o.CA = ca
	e, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(e)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.EnableHTTP2 = true
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshakes that clients without the CA refuse
	srv.StartTLS()
	t.Cleanup(func() { srv.Close(); _ = e.Close() })
	return e, srv
}

// TestPKIResource: the engine hands out its CA as PKIResourceServlet does
// (GET /ovirt-engine/services/pki-resource?resource=ca-certificate&format=X509-PEM-CA,
// no credentials needed), in PEM with 76-character lines and the format's
// content type (PKIResources.Format: X509_PEM_CA("application/x-x509-ca-cert"),
// X509_PEM("application/x-x509-cert")); a client that trusts it reaches the
// API; a missing or unknown resource or format is 400 with the servlet's
// reason.
func TestPKIResource(t *testing.T) {
	e, srv := tlsEngine(t, Options{Seed: 1})
	insecure := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	get := func(query string) (*http.Response, string) {
		t.Helper()
		resp, err := insecure.Get(srv.URL + PKIPath + query)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b strings.Builder
		_, _ = io.Copy(&b, resp.Body)
		return resp, b.String()
	}
	resp, body := get("?resource=ca-certificate&format=X509-PEM-CA")
	block, _ := pem.Decode([]byte(body))
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/x-x509-ca-cert" || block == nil ||
		string(block.Bytes) != string(e.opt.CA.Raw) || len(strings.Split(body, "\n")[1]) != 76 {
		t.Fatalf("the CA: %d %s\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if resp, _ := get("?resource=ca-certificate&format=X509-PEM"); resp.Header.Get("Content-Type") != "application/x-x509-cert" {
		t.Errorf("X509-PEM: %s", resp.Header.Get("Content-Type"))
	}
	pool := x509.NewCertPool()
	pool.AddCert(e.opt.CA)
	trusting := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	req, _ := http.NewRequest("GET", srv.URL+BasePath, nil)
	req.SetBasicAuth(AdminUser, e.AdminPassword())
	api, err := trusting.Do(req)
	if err != nil {
		t.Fatalf("a client trusting the CA it was handed: %v", err)
	}
	api.Body.Close()
	for query, reason := range map[string]string{
		"":                                     "Missing resource name",
		"?resource=nothing":                    "Resource &#39;nothing&#39; is invalid",
		"?resource=ca-certificate&format=DER3": "Format &#39;DER3&#39; is invalid",
	} {
		if resp, body := get(query); resp.StatusCode != 400 || !strings.Contains(body, reason) {
			t.Errorf("%q: %d %s, want 400 %s", query, resp.StatusCode, body, reason)
		}
	}
}
