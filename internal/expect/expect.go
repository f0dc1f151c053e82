// Package expect lets oVirt's "Expect: 201-created" through Go's HTTP/1
// server, which answers any Expect but 100-continue with 417 before a
// handler runs. oVirt clients send it to have an Add answered once the
// object exists; the simulator honours it and the proxy must pass it on.
//
// Listener renames the header to X-Ovcompat-Expect on the wire, before the
// server parses the request; Restore renames it back.
package expect

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"slices"
	"strconv"
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

// maxHeaderBlock bounds the request header a connection buffers; a larger
// one is passed on untouched (and refused by the server).
const maxHeaderBlock = 1 << 20

// Listener wraps ln so that an Expect header other than 100-continue
// reaches the handler as Header instead of being refused by net/http with
// 417. It frames requests by Content-Length; a connection that sends a
// chunked body is passed on untouched from then on. Serve through it:
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
	return &expectConn{Conn: c}, nil
}

// expectConn rewrites the header blocks of the requests it reads.
type expectConn struct {
	net.Conn
	in      []byte // read, not yet framed
	out     []byte // framed; out[sent:] not yet returned
	sent    int
	body    int64 // body bytes of the current request still to pass on
	through bool  // framing lost (chunked body): pass everything on
	// buf backs in: once in is consumed, the next header is read into
	// buf again and framed into out's memory again, so a connection
	// allocates nothing per request.
	buf []byte
}

// readChunk is how much a connection reads at a time while it looks for
// the end of a header block; the buffer grows for larger blocks.
const readChunk = 4 << 10

func (c *expectConn) Read(p []byte) (int, error) {
	for len(c.out) == 0 {
		if c.through || c.body > 0 {
			if len(c.in) > 0 {
				c.take()
				continue
			}
			if !c.through && int64(len(p)) > c.body {
				p = p[:c.body]
			}
			n, err := c.Conn.Read(p)
			if !c.through {
				c.body -= int64(n)
			}
			return n, err
		}
		if i := bytes.Index(c.in, []byte("\r\n\r\n")); i >= 0 {
			c.out = rewriteHeader(c.out, c.in[:i+4], &c.body, &c.through)
			c.in = c.in[i+4:]
			continue
		}
		if len(c.in) > maxHeaderBlock {
			c.through = true
			continue
		}
		err := c.fill()
		if err != nil {
			if len(c.in) == 0 {
				return 0, err
			}
			c.through = true // hand over what is left, then the error
		}
	}
	n := copy(p, c.out[c.sent:])
	c.sent += n
	if c.sent == len(c.out) {
		c.out, c.sent = c.out[:0], 0 // all returned: the next block reuses out
	}
	return n, nil
}

// fill reads from the connection into in.
func (c *expectConn) fill() error {
	if len(c.in) == 0 {
		c.in = c.buf[:0]
	}
	if cap(c.in)-len(c.in) < readChunk/4 {
		// Too little room left: in moves to a larger buffer, which
		// starts at in's first byte.
		c.in = slices.Grow(c.in, readChunk)
		c.buf = c.in[:0]
	}
	n, err := c.Conn.Read(c.in[len(c.in):cap(c.in)])
	c.in = c.in[:len(c.in)+n]
	return err
}

// take moves buffered body bytes (all of them when passing through) to out.
func (c *expectConn) take() {
	n := int64(len(c.in))
	if !c.through && n > c.body {
		n = c.body
	}
	c.out = append(c.out, c.in[:n]...)
	c.in = c.in[n:]
	if !c.through {
		c.body -= n
	}
}

// rewriteHeader appends a request's header block to out with Expect
// (other than 100-continue) renamed, and reads the length of the body that
// follows.
func rewriteHeader(out, block []byte, body *int64, through *bool) []byte {
	for i := 0; len(block) > 0; i++ {
		line := block
		if j := bytes.Index(block, []byte("\r\n")); j >= 0 {
			line = block[:j+2]
		}
		block = block[len(line):]
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok || i == 0 {
			out = append(out, line...)
			continue
		}
		switch name = bytes.TrimSpace(name); {
		case bytes.EqualFold(name, []byte("expect")):
			if !bytes.EqualFold(bytes.TrimSpace(value), []byte("100-continue")) {
				out = append(append(out, Header+":"...), value...)
				continue
			}
		case bytes.EqualFold(name, []byte("content-length")):
			if n, err := strconv.ParseInt(string(bytes.TrimSpace(value)), 10, 64); err == nil && n >= 0 {
				*body = n
			}
		case bytes.EqualFold(name, []byte("transfer-encoding")):
			*through = true
		}
		out = append(out, line...)
	}
	return out
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
		out = &expectConn{Conn: tc}
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
