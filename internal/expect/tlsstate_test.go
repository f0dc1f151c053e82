package expect

import (
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestWithTLS serves a TLSListener with ConnContext and WithTLS: a
// handler sees Request.TLS over HTTP/1.1 (decrypted by the listener) as
// over HTTP/2 (served by net/http itself), and not over plain HTTP.
func TestWithTLS(t *testing.T) {
	h := WithTLS(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "%s tls=%v %s", r.Proto, r.TLS != nil, Value(r.Header))
	}))
	plain := httptest.NewUnstartedServer(h)
	plain.Listener = Listener(plain.Listener)
	plain.Config.ConnContext = ConnContext
	plain.Start()
	defer plain.Close()

	ref := httptest.NewTLSServer(http.NotFoundHandler()) // for its certificate
	defer ref.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: h, ConnContext: ConnContext}
	cfg := ref.TLS.Clone()
	cfg.NextProtos = nil // TLSListener offers h2 and http/1.1
	go func() { _ = srv.Serve(TLSListener(ln, cfg)) }()
	defer srv.Close()

	for _, tc := range []struct {
		name, url string
		h2        bool
		want      string
	}{
		{"http/1.1 over tls", "https://" + ln.Addr().String(), false, "HTTP/1.1 tls=true 201-created"},
		{"http/2", "https://" + ln.Addr().String(), true, "HTTP/2.0 tls=true 201-created"},
		{"plain", plain.URL, false, "HTTP/1.1 tls=false 201-created"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tr := ref.Client().Transport.(*http.Transport).Clone()
			tr.ForceAttemptHTTP2 = tc.h2
			if !tc.h2 {
				tr.TLSNextProto = map[string]func(string, *tls.Conn) http.RoundTripper{}
			}
			req, _ := http.NewRequest("GET", tc.url, nil)
			req.Header.Set("Expect", "201-created")
			resp, err := (&http.Client{Transport: tr}).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if string(body) != tc.want {
				t.Errorf("got %q, want %q", body, tc.want)
			}
		})
	}
}
