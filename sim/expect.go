package sim

import (
	"bytes"
	"net"
	"strconv"
	"strings"
)

// Go's HTTP/1 server answers a request whose Expect header is anything but
// 100-continue with 417 before any handler sees it, and oVirt clients send
// "Expect: 201-created" to have an Add answered once the object exists.
// ExpectListener lets such requests through.

// ExpectHeader is the header the engine reads Expect from when
// ExpectListener renamed it.
const ExpectHeader = "X-Ovcompat-Expect"

// maxHeaderBlock bounds the request header a connection buffers; a larger
// one is passed on untouched (and refused by the server).
const maxHeaderBlock = 1 << 20

// ExpectListener wraps ln so that an Expect header other than
// 100-continue reaches the handler as X-Ovcompat-Expect instead of being
// refused by net/http with 417. It frames requests by Content-Length; a
// connection that sends a chunked body is passed on untouched from then
// on. Serve the engine through it:
//
//	srv := httptest.NewUnstartedServer(eng)
//	srv.Listener = sim.ExpectListener(srv.Listener)
//	srv.Start()
func ExpectListener(ln net.Listener) net.Listener { return &expectListener{ln} }

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
	out     []byte // framed, not yet returned
	body    int64  // body bytes of the current request still to pass on
	through bool   // framing lost (chunked body): pass everything on
}

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
			c.out = append(c.out, rewriteHeader(c.in[:i+4], &c.body, &c.through)...)
			c.in = c.in[i+4:]
			continue
		}
		if len(c.in) > maxHeaderBlock {
			c.through = true
			continue
		}
		buf := make([]byte, 32<<10)
		n, err := c.Conn.Read(buf)
		c.in = append(c.in, buf[:n]...)
		if err != nil {
			if len(c.in) == 0 {
				return 0, err
			}
			c.through = true // hand over what is left, then the error
		}
	}
	n := copy(p, c.out)
	c.out = c.out[n:]
	return n, nil
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

// rewriteHeader renames Expect (other than 100-continue) in a request's
// header block and reads the length of the body that follows.
func rewriteHeader(block []byte, body *int64, through *bool) []byte {
	lines := strings.Split(string(block), "\r\n")
	for i, l := range lines {
		name, value, ok := strings.Cut(l, ":")
		if !ok || i == 0 {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "expect":
			if !strings.EqualFold(strings.TrimSpace(value), "100-continue") {
				lines[i] = ExpectHeader + ":" + value
			}
		case "content-length":
			if n, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64); err == nil && n >= 0 {
				*body = n
			}
		case "transfer-encoding":
			*through = true
		}
	}
	return []byte(strings.Join(lines, "\r\n"))
}
