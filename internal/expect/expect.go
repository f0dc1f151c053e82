// Package expect lets oVirt's "Expect: 201-created" through Go's HTTP/1
// server, which answers any Expect but 100-continue with 417 before a
// handler runs. oVirt clients send it to have an Add answered once the
// object exists; the simulator honours it and the proxy must pass it on.
//
// Listener renames the header to X-Ovcompat-Expect on the wire, before the
// server parses the request; Restore renames it back.
package expect

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"
)

// Header is the name Listener gives a renamed Expect header.
const Header = "X-Ovcompat-Expect"

// Restore renames Header back to Expect, for a request that goes on to an
// engine as it came.
func Restore(h http.Header) {
	if v, ok := h[Header]; ok {
		h["Expect"] = v
		delete(h, Header)
	}
}

// Value returns the request's Expect, renamed or not.
func Value(h http.Header) string {
	if v := h.Get(Header); v != "" {
		return v
	}
	return h.Get("Expect")
}

// Listener wraps ln so that an Expect header other than 100-continue
// reaches the handler as Header instead of being refused by net/http with
// 417. It frames each connection's requests exactly as net/http does
// (with net/http's own parser), renames nothing but Expect header lines,
// and hands the server a request it refuses with 400 in place of one it
// will not rewrite safely (folded header lines, a client's own
// X-Ovcompat-Expect) or that net/http would not parse. Serve through it:
//
//	srv := httptest.NewUnstartedServer(handler)
//	srv.Listener = expect.Listener(srv.Listener)
//	srv.Start()
func Listener(ln net.Listener) net.Listener { return &expectListener{ln} }

type expectListener struct{ net.Listener }

func (l *expectListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return newConn(c), nil
}

// TLSListener serves TLS on ln. A connection that negotiates HTTP/2 is
// handed to the server as the *tls.Conn it is (Go's HTTP/2 server lets any
// Expect through); an HTTP/1 one is decrypted here and rewritten like
// Listener's, so the server sees it as plain HTTP (Request.TLS is nil
// unless served with ConnContext and WithTLS).
// Handshakes run concurrently, each within 10 seconds.
func TLSListener(ln net.Listener, cfg *tls.Config) net.Listener {
	cfg = cfg.Clone()
	if len(cfg.NextProtos) == 0 {
		cfg.NextProtos = []string{"h2", "http/1.1"}
	}
	l := &tlsListener{Listener: ln, cfg: cfg, conns: make(chan net.Conn), done: make(chan struct{})}
	go l.loop()
	return l
}

type tlsListener struct {
	net.Listener
	cfg   *tls.Config
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
	err   error
}

func (l *tlsListener) loop() {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				time.Sleep(5 * time.Millisecond)
				continue
			}
			l.once.Do(func() { l.err = err; close(l.done) })
			return
		}
		go l.handshake(c)
	}
}

func (l *tlsListener) handshake(c net.Conn) {
	tc := tls.Server(c, l.cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	err := tc.HandshakeContext(ctx)
	cancel()
	if err != nil {
		_ = tc.Close()
		return
	}
	var out net.Conn = tc
	if tc.ConnectionState().NegotiatedProtocol != "h2" {
		out = newConn(tc)
	}
	select {
	case l.conns <- out:
	case <-l.done:
		_ = tc.Close()
	}
}

func (l *tlsListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.conns:
		return c, nil
	case <-l.done:
		return nil, l.err
	}
}

func (l *tlsListener) Close() error {
	l.once.Do(func() { l.err = net.ErrClosed; close(l.done) })
	return l.Listener.Close()
}
