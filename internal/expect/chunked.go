package expect

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
)

// chunkedBody frames a chunked request body with net/http's own body
// reader (chunks, extensions, trailers and its limits), over a source that
// records the raw bytes it hands the reader: what the reader consumed is
// what passes on.
type chunkedBody struct {
	src     *recorder
	br      *bufio.Reader
	body    io.Reader
	scratch []byte
}

// recorder reads the connection's unframed bytes, then the connection,
// and keeps what it read.
type recorder struct {
	c   *expectConn
	rec []byte
}

func (r *recorder) Read(p []byte) (int, error) {
	var n int
	var err error
	if len(r.c.in) > 0 {
		n = copy(p, r.c.in)
		r.c.in = r.c.in[n:]
	} else {
		n, err = r.c.Conn.Read(p)
	}
	r.rec = append(r.rec, p[:n]...)
	return n, err
}

// newChunkedBody parses the request's header block again, now with the
// connection behind it, for net/http's body reader.
func newChunkedBody(block []byte, c *expectConn) (*chunkedBody, error) {
	cb := &chunkedBody{src: &recorder{c: c}, scratch: make([]byte, bodyChunk)}
	head := bytes.NewReader(block)
	cb.br = bufio.NewReaderSize(io.MultiReader(head, cb.src), 4<<10)
	req, err := http.ReadRequest(cb.br)
	if err != nil {
		return nil, err
	}
	// The block parsed alone before; here it must end in the same place.
	if head.Len() != 0 || len(cb.src.rec) != cb.br.Buffered() {
		return nil, io.ErrUnexpectedEOF
	}
	cb.body = req.Body
	return cb, nil
}

// readChunked frames the next piece of a chunked body. At its end, what
// the reader read ahead goes back to the connection's unframed bytes.
func (c *expectConn) readChunked() {
	cb := c.chunked
	_, err := cb.body.Read(cb.scratch)
	n := len(cb.src.rec) - cb.br.Buffered()
	c.out = append(c.out, cb.src.rec[:n]...)
	cb.src.rec = cb.src.rec[n:]
	switch {
	case err == io.EOF:
		c.in = append(cb.src.rec, c.in...)
		c.chunked, c.state = nil, stateHeader
	case err != nil:
		// A body net/http cannot decode (bad chunking, a connection
		// that ends early): the server fails on the same bytes; nothing
		// after them is framed.
		c.done(err)
	}
}
