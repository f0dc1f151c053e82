package expect

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
)

// tlsStateKey keys a connection's TLS state in its context.
type tlsStateKey struct{}

// ConnContext is an http.Server's ConnContext for a TLSListener: it keeps
// the TLS state of an HTTP/1 connection the listener decrypted, which
// net/http cannot see, for WithTLS to hand to the connection's requests.
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	if ec, ok := c.(*expectConn); ok {
		if tc, ok := ec.Conn.(*tls.Conn); ok {
			cs := tc.ConnectionState()
			return context.WithValue(ctx, tlsStateKey{}, &cs)
		}
	}
	return ctx
}

// WithTLS serves h with Request.TLS set on the requests of the connections
// ConnContext kept the state of, as net/http sets it on its own TLS
// connections: handlers see HTTPS as HTTPS (the absolute URLs they write,
// Secure cookies). Serve a TLSListener with both:
//
//	srv := &http.Server{Handler: expect.WithTLS(h), ConnContext: expect.ConnContext}
func WithTLS(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS == nil {
			if cs, ok := r.Context().Value(tlsStateKey{}).(*tls.ConnectionState); ok {
				r2 := *r
				r2.TLS = cs
				r = &r2
			}
		}
		h.ServeHTTP(w, r)
	})
}
