package expect

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
)

// How a connection is framed. A header block is collected up to the line
// that ends it (the lines and the end that net/http's textproto reader
// finds: LF or CRLF, the first empty line) and parsed whole with
// http.ReadRequest; if the parser does not consume exactly that block, or
// fails, the request is refused. A Content-Length body is counted; a
// chunked body is read by net/http's own body reader, and the raw bytes
// it consumed are what is handed on. So request boundaries and bodies are
// those net/http itself finds, byte for byte. Only header lines are ever
// rewritten, and only once the whole block has parsed. What this framer
// will not rewrite safely (obs-fold, a client-sent X-Ovcompat-Expect) is
// refused too: the server is handed a request line that it answers with
// 400, and the connection ends.
//
// Reads of a header block survive a timeout: net/http's server interrupts
// its background read between requests with a deadline in the past and
// reads on afterwards, so an error there keeps what was collected.

// maxHeaderBytes bounds a header block as net/http's server bounds it by
// default (DefaultMaxHeaderBytes plus its bufio slop); a larger one is
// refused.
const maxHeaderBytes = http.DefaultMaxHeaderBytes + 4096

// readChunk is how much a connection reads at a time while it collects a
// header block.
const readChunk = 4 << 10

// bodyChunk is how much of a chunked body is decoded per read.
const bodyChunk = 32 << 10

// refusal is what the server is handed in place of a request that is
// refused: an invalid method, which net/http answers with "400 Bad
// Request" and Connection: close before any handler runs.
const refusal = "\x00 / HTTP/1.1\r\n\r\n"

// errRefused ends a connection after its refusal was handed over.
var errRefused = errors.New("expect: request refused")

type state uint8

const (
	stateHeader  state = iota // the next bytes start a request
	stateLength               // inside a Content-Length body
	stateChunked              // inside a chunked body
	stateThrough              // framing handed over: bytes pass untouched
	stateDone                 // refused or failed: only err is left
)

// expectConn frames the requests it reads as net/http does and renames
// Expect header lines (other than 100-continue) on the way.
type expectConn struct {
	net.Conn
	state state
	in    []byte // read from the connection, not yet framed
	// scanned is how much of in holds no end of a header block.
	scanned int
	out     []byte // framed, not yet returned; out[sent:] is left
	sent    int
	left    int64        // stateLength: body bytes still to pass
	chunked *chunkedBody // stateChunked
	post    bool         // the last request was a POST (see leadingCRorLF)
	err     error        // returned once out is drained, in stateDone
	buf     []byte       // backs in between requests
}

func newConn(c net.Conn) *expectConn { return &expectConn{Conn: c} }

func (c *expectConn) Read(p []byte) (int, error) {
	for len(c.out) == c.sent {
		c.out, c.sent = c.out[:0], 0
		switch c.state {
		case stateDone:
			err := c.err
			if isTimeout(err) {
				// A deadline inside a body ended the framing: the
				// server fails that request, as net/http would on its
				// own connection, and reads nothing more.
				c.err = io.EOF
			}
			return 0, err
		case stateThrough:
			if len(c.in) > 0 {
				return c.pass(p, int64(len(p))), nil
			}
			return c.Conn.Read(p)
		case stateLength:
			if len(c.in) > 0 {
				n := c.pass(p, c.left)
				c.left -= int64(n)
				c.next()
				return n, nil
			}
			n, err := c.Conn.Read(p[:min(int64(len(p)), c.left)])
			c.left -= int64(n)
			c.next()
			return n, err
		case stateChunked:
			c.readChunked()
		case stateHeader:
			if err := c.readHeader(); err != nil {
				return 0, err
			}
		}
	}
	n := copy(p, c.out[c.sent:])
	c.sent += n
	if c.sent == len(c.out) && c.state == stateLength && len(c.in) > 0 {
		// The body bytes already read go with their header, as the
		// connection delivered them: a server sees the body arrive with
		// the request, not one read later.
		m := c.pass(p[n:], c.left)
		c.left -= int64(m)
		c.next()
		n += m
	}
	return n, nil
}

// pass hands out up to limit buffered bytes.
func (c *expectConn) pass(p []byte, limit int64) int {
	n := copy(p[:min(int64(len(p)), limit)], c.in)
	c.in = c.in[n:]
	return n
}

// next moves on to the next request once a counted body has passed.
func (c *expectConn) next() {
	if c.state == stateLength && c.left == 0 {
		c.state = stateHeader
	}
}

// readHeader frames the next request's header block. It returns an error
// only to hand on a read error that leaves the connection usable (a
// timeout); anything else ends in stateDone.
func (c *expectConn) readHeader() error {
	if c.post {
		// net/http's server skips up to four CR or LF bytes after a
		// POST (RFC 7230 section 3 tolerance); they pass as they are.
		for len(c.in) < 4 {
			if err := c.fill(); err != nil {
				if isTimeout(err) {
					return err // decided on the next Read, as net/http's Peek(4) is
				}
				break
			}
		}
		n := leadingCRorLF(c.in[:min(len(c.in), 4)])
		c.out, c.in, c.post = append(c.out, c.in[:n]...), c.in[n:], false
		c.scanned = 0
		if len(c.out) > 0 {
			return nil
		}
	}
	end := -1
	for end < 0 {
		end = blockEnd(c.in, &c.scanned)
		if end >= 0 {
			break
		}
		if len(c.in) > maxHeaderBytes {
			c.refuse()
			return nil
		}
		if err := c.fill(); err != nil {
			if isTimeout(err) {
				return err // what was collected stays for the next Read
			}
			if len(c.in) > 0 && errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			c.done(err) // the server gets the error, and nothing unfinished
			return nil
		}
	}
	block := c.in[:end]
	req, ok := parseBlock(block)
	mark := len(c.out)
	if ok {
		c.out, ok = rewriteHeader(c.out, block)
	}
	if !ok {
		c.out = c.out[:mark]
		c.refuse()
		return nil
	}
	c.in, c.scanned = c.in[end:], 0
	c.post = req.Method == http.MethodPost
	switch {
	case handsOver(req):
		c.state = stateThrough
	case len(req.TransferEncoding) > 0:
		cb, err := newChunkedBody(block, c)
		if err != nil {
			c.out = c.out[:mark]
			c.refuse()
			return nil
		}
		c.chunked, c.state = cb, stateChunked
	case req.ContentLength > 0:
		c.left, c.state = req.ContentLength, stateLength
	}
	return nil
}

// fill reads from the connection into in.
func (c *expectConn) fill() error {
	if len(c.in) == 0 {
		c.in = c.buf[:0]
	}
	if cap(c.in)-len(c.in) < readChunk/4 {
		c.in = append(c.in[:len(c.in):len(c.in)], make([]byte, readChunk)...)[:len(c.in)]
		c.buf = c.in[:0]
	}
	n, err := c.Conn.Read(c.in[len(c.in):cap(c.in)])
	c.in = c.in[:len(c.in)+n]
	if n > 0 {
		return nil
	}
	if err == nil {
		err = io.ErrNoProgress
	}
	return err
}

// blockEnd returns the length of the header block at the start of in (up
// to and including the empty line that ends it), or -1 while in holds no
// such line. Lines end in LF, with an optional CR before it, as
// bufio.Reader.ReadLine reads them. *scanned is the start of the first
// line not yet seen whole, where the next search resumes. An empty first
// line ends the block too: net/http refuses it at once.
func blockEnd(in []byte, scanned *int) int {
	for {
		i := bytes.IndexByte(in[*scanned:], '\n')
		if i < 0 {
			return -1
		}
		line := bytes.TrimSuffix(in[*scanned:*scanned+i], []byte("\r"))
		*scanned += i + 1
		if len(line) == 0 {
			return *scanned
		}
	}
}

// parseBlock parses a complete header block with net/http's parser, and
// reports whether the parser took exactly the block.
func parseBlock(block []byte) (*http.Request, bool) {
	src := bytes.NewReader(block)
	br := bufio.NewReaderSize(src, len(block)+16)
	req, err := http.ReadRequest(br)
	if err != nil || src.Len() != 0 || br.Buffered() != 0 {
		return nil, false
	}
	return req, true
}

// refuse hands the server a request it answers with 400, and ends.
func (c *expectConn) refuse() {
	c.out = append(c.out, refusal...)
	c.done(errRefused)
}

func (c *expectConn) done(err error) {
	c.state, c.err, c.chunked, c.in = stateDone, err, nil, nil
}

// handsOver reports whether the connection stops being a sequence of
// HTTP/1 requests after req: a CONNECT, an Upgrade, or HTTP/2's prior
// knowledge preface. From then on bytes pass untouched (nothing is
// renamed, so nothing can be framed differently).
func handsOver(req *http.Request) bool {
	return req.Method == http.MethodConnect || req.Header.Get("Upgrade") != "" ||
		(req.Method == "PRI" && req.Proto == "HTTP/2.0")
}

// isTimeout reports whether err is a deadline that the connection
// survives (net/http's server ends its background read with one).
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func leadingCRorLF(v []byte) (n int) {
	for _, b := range v {
		if b != '\r' && b != '\n' {
			break
		}
		n++
	}
	return n
}

// rewriteHeader appends to out a header block that http.ReadRequest
// accepted, with each Expect line whose value is not 100-continue
// renamed. ok is false for a block it will not rewrite: a folded line
// (obs-fold, which net/http joins to the line before) or a client's own
// Header line.
func rewriteHeader(out, block []byte) ([]byte, bool) {
	first := true
	for len(block) > 0 {
		line := block
		if i := bytes.IndexByte(block, '\n'); i >= 0 {
			line = block[:i+1]
		}
		block = block[len(line):]
		if first {
			first = false
			out = append(out, line...)
			continue
		}
		if line[0] == ' ' || line[0] == '\t' {
			return out, false
		}
		name, value, found := bytes.Cut(line, []byte(":"))
		switch {
		case !found: // the empty line that ends the block
		case bytes.EqualFold(name, []byte(Header)):
			return out, false
		case bytes.EqualFold(name, []byte("Expect")) &&
			!strings.EqualFold(strings.Trim(string(value), " \t\r\n"), "100-continue"):
			out = append(append(out, Header+":"...), value...)
			continue
		}
		out = append(out, line...)
	}
	return out, true
}
