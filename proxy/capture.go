package proxy

import (
	"io"
	"sync"
	"sync/atomic"
)

// memBudget bounds the bytes held by captured bodies, in flight and queued.
type memBudget struct {
	limit int64
	used  atomic.Int64
}

// take reserves n bytes, or reports that the budget is spent.
func (b *memBudget) take(n int64) bool {
	if b.used.Add(n) > b.limit {
		b.used.Add(-n)
		return false
	}
	return true
}

func (b *memBudget) release(n int64) { b.used.Add(-n) }

// chunkSize is the unit captures grow by: bodies are kept as a list of
// pooled chunks, never as one buffer that doubles, so a large body that
// ends up dropped leaves no garbage behind and small ones cost no
// allocation at all.
const chunkSize = 32 << 10

// chunkPool holds free chunks; a *[]byte avoids an allocation per Put.
var chunkPool = sync.Pool{New: func() any { b := make([]byte, 0, chunkSize); return &b }}

// capture keeps a copy of a body as it streams past, up to a limit and
// within the memory budget. It never blocks or fails the stream: when the
// body outgrows the limit the copy is dropped and marked truncated, and
// when the budget is spent it is dropped and marked shed.
//
// The exchange is judged as it was when it finished: seal freezes the
// capture, and what its reader does afterwards (the transport reading a
// closed client body once more to see its end) is no part of it.
type capture struct {
	mu     sync.Mutex
	budget *memBudget
	limit  int64
	chunks []*[]byte
	size   int64
	joined []byte // the chunks as one slice, once asked for
	held   int64  // bytes reserved from the budget
	// truncated: the body is larger than the limit; shed: the budget was
	// spent; eof: the body was read to its end; err: reading it failed
	// before it was whole; sealed: the exchange is over.
	truncated, shed, eof, sealed bool
	err                          error
	// spill, when set, is the exchange whose body is validated as it
	// streams once it outgrows the limit (Proxy.startStream, by px);
	// stream is that validation, which then has the copy and every byte
	// that follows instead of the capture.
	// spillAt is the size past which that exchange's body goes to its
	// stream: limit, or streamFrom when no copy must be kept (proxy.go).
	px      *Proxy
	spill   *exchange
	spillAt int64
	stream  *bodyStream
}

// newCapture starts a capture; size is the declared length (-1 unknown).
func newCapture(b *memBudget, limit, size int64) *capture {
	c := &capture{budget: b, limit: limit}
	if size > limit {
		c.truncated = true
	}
	return c
}

// add copies p into the capture.
func (c *capture) add(p []byte) {
	if len(p) == 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stream != nil && !c.sealed {
		c.stream.add(p)
		return
	}
	if c.truncated || c.shed || c.sealed {
		return
	}
	if c.spill != nil && c.size+int64(len(p)) > c.spillAt {
		if c.stream = c.px.startStream(c.spill); c.stream != nil {
			// The copy so far goes to the stream's validator, with its
			// budget.
			c.truncated = true
			c.stream.adopt(c.chunks)
			c.chunks, c.joined, c.size, c.held = nil, nil, 0, 0
			c.stream.add(p)
			return
		}
		c.spill = nil // no stream: held as any other body
	}
	if c.size+int64(len(p)) > c.limit {
		c.truncated = true
		c.drop()
		return
	}
	for len(p) > 0 {
		var last *[]byte
		if n := len(c.chunks); n > 0 && len(*c.chunks[n-1]) < chunkSize {
			last = c.chunks[n-1]
		} else {
			if !c.budget.take(chunkSize) {
				c.shed = true
				c.drop()
				return
			}
			c.held += chunkSize
			last = chunkPool.Get().(*[]byte)
			*last = (*last)[:0]
			c.chunks = append(c.chunks, last)
		}
		n := min(len(p), chunkSize-len(*last))
		*last = append(*last, p[:n]...)
		c.size += int64(n)
		p = p[n:]
	}
}

// drop frees the copy; c.mu is held.
func (c *capture) drop() {
	for _, ch := range c.chunks {
		chunkPool.Put(ch)
	}
	c.chunks, c.joined, c.size = nil, nil, 0
	c.budget.release(c.held)
	c.held = 0
}

// done records how reading ended (io.EOF: the body is whole, as its
// teeBody judges). An error once the body is whole does not unmake the
// copy: a late read may fail.
func (c *capture) done(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.sealed:
	case err == io.EOF:
		c.eof = true
	case c.err == nil && !c.eof:
		c.err = err
	}
}

// whole reports whether the copy is the whole body; c.mu is held.
func (c *capture) whole() bool { return c.eof && !c.truncated && !c.shed && c.err == nil }

// seal freezes the capture when its exchange is over.
func (c *capture) seal() {
	c.mu.Lock()
	c.sealed = true
	c.mu.Unlock()
}

// state reports whether the copy is the whole body and whether the body
// outgrew the limit, without joining the chunks (snapshot's work, left to
// the validator and the recorder). A body validated as it streamed was
// complete when its end was read and its validator kept up.
func (c *capture) state() (complete, truncated bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stream != nil {
		return c.eof && c.err == nil && c.stream.abandoned() == "", false
	}
	return c.whole(), c.truncated
}

// streamed returns the validation of the body as it streams, if any.
func (c *capture) streamed() *bodyStream {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stream
}

// snapshot returns the bytes captured and whether they are the whole body.
// The bytes stay valid until release.
func (c *capture) snapshot() (data []byte, complete, truncated bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	complete = c.whole()
	switch {
	case c.joined != nil:
		data = c.joined
	case len(c.chunks) == 1:
		data = *c.chunks[0]
	case len(c.chunks) > 1:
		c.joined = make([]byte, 0, c.size)
		for _, ch := range c.chunks {
			c.joined = append(c.joined, *ch...)
		}
		data = c.joined
	}
	return data, complete, c.truncated
}

// shedReason reports why the copy cannot be judged: "memory" when the
// budget ran out, the stream's reason when its validation was abandoned,
// "" otherwise.
func (c *capture) shedReason() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.shed:
		return "memory"
	case c.stream != nil:
		return c.stream.abandoned()
	}
	return ""
}

// release gives the capture's memory back to the pool and the budget.
func (c *capture) release() {
	c.mu.Lock()
	c.sealed = true
	c.drop()
	c.mu.Unlock()
}

// teeBody copies what a body's reader reads into a capture (when c is
// not nil), tells when the body ended and reports read errors.
type teeBody struct {
	rc io.ReadCloser
	c  *capture
	// want is the declared length (-1 unknown): once that many bytes have
	// passed, the body is whole though its reader has not said io.EOF (a
	// transport stops at Content-Length and may ask for the end later,
	// or never).
	want  int64
	seen  atomic.Int64
	ended atomic.Bool
	// onErr is told of a read error other than EOF.
	onErr func(error)
}

func newTee(rc io.ReadCloser, c *capture, want int64, onErr func(error)) *teeBody {
	return &teeBody{rc: rc, c: c, want: want, onErr: onErr}
}

func (t *teeBody) Read(p []byte) (int, error) {
	n, err := t.rc.Read(p)
	if t.c != nil {
		t.c.add(p[:n])
	}
	seen := t.seen.Add(int64(n))
	if (err == io.EOF || t.want >= 0 && seen >= t.want) && t.ended.CompareAndSwap(false, true) && t.c != nil {
		t.c.done(io.EOF)
	}
	if err != nil && err != io.EOF {
		if t.c != nil {
			t.c.done(err)
		}
		if t.onErr != nil {
			t.onErr(err)
		}
	}
	return n, err
}

func (t *teeBody) Close() error { return t.rc.Close() }

// WriteTo copies the body to w through a pooled buffer. goproxy copies
// bodies with io.Copy, which prefers WriteTo: without it, every response
// would allocate a fresh 32 KiB buffer in the ResponseWriter's ReadFrom.
func (t *teeBody) WriteTo(w io.Writer) (int64, error) {
	bp := chunkPool.Get().(*[]byte)
	defer chunkPool.Put(bp)
	buf := (*bp)[:chunkSize]
	var total int64
	for {
		n, err := t.Read(buf)
		if n > 0 {
			m, werr := w.Write(buf[:n])
			total += int64(m)
			if werr != nil {
				return total, werr
			}
			if m < n {
				return total, io.ErrShortWrite
			}
		}
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
}

// bufferedBody replays bytes already read from a body, then the rest of it.
type bufferedBody struct {
	io.Reader
	io.Closer
}
