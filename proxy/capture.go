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

// capture keeps a copy of a body as it streams past, up to a limit and
// within the memory budget. It never blocks or fails the stream: when the
// body outgrows the limit the copy is dropped and marked truncated, and
// when the budget is spent it is dropped and marked shed.
type capture struct {
	mu     sync.Mutex
	budget *memBudget
	limit  int64
	buf    []byte
	held   int64 // bytes reserved from the budget
	// truncated: the body is larger than the limit; shed: the budget was
	// spent; eof: the body was read to its end; err: reading it failed.
	truncated, shed, eof bool
	err                  error
}

// newCapture starts a capture; size is the expected length (-1 unknown).
func newCapture(b *memBudget, limit, size int64) *capture {
	c := &capture{budget: b, limit: limit}
	if size > limit {
		c.truncated = true
		return c
	}
	if size > 0 {
		if !b.take(size) {
			c.shed = true
			return c
		}
		c.held = size
		c.buf = make([]byte, 0, size)
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
	if c.truncated || c.shed {
		return
	}
	n := int64(len(c.buf) + len(p))
	if n > c.limit {
		c.truncated = true
		c.drop()
		return
	}
	if n > c.held {
		grow := min(c.limit, max(n, 2*c.held, 4096)) - c.held
		if !c.budget.take(grow) {
			c.shed = true
			c.drop()
			return
		}
		c.held += grow
		if int64(cap(c.buf)) < c.held {
			nb := make([]byte, len(c.buf), c.held)
			copy(nb, c.buf)
			c.buf = nb
		}
	}
	c.buf = append(c.buf, p...)
}

// drop frees the copy; c.mu is held.
func (c *capture) drop() {
	c.buf = nil
	c.budget.release(c.held)
	c.held = 0
}

// done records how reading ended.
func (c *capture) done(err error) {
	c.mu.Lock()
	if err == io.EOF {
		c.eof = true
	} else if c.err == nil {
		c.err = err
	}
	c.mu.Unlock()
}

// snapshot returns the bytes captured and whether they are the whole body.
func (c *capture) snapshot() (data []byte, complete, truncated bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.buf, c.eof && !c.truncated && !c.shed && c.err == nil, c.truncated
}

// wasShed reports whether the budget ran out.
func (c *capture) wasShed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.shed
}

// release gives the capture's memory back to the budget.
func (c *capture) release() {
	c.mu.Lock()
	c.drop()
	c.mu.Unlock()
}

// teeBody copies what a body's reader reads into a capture (when c is
// not nil) and reports read errors.
type teeBody struct {
	rc io.ReadCloser
	c  *capture
	// onErr is told of a read error other than EOF.
	onErr func(error)
}

func (t *teeBody) Read(p []byte) (int, error) {
	n, err := t.rc.Read(p)
	if t.c != nil {
		t.c.add(p[:n])
		if err != nil {
			t.c.done(err)
		}
	}
	if err != nil {
		if err != io.EOF && t.onErr != nil {
			t.onErr(err)
		}
	}
	return n, err
}

func (t *teeBody) Close() error { return t.rc.Close() }

// bufferedBody replays bytes already read from a body, then the rest of it.
type bufferedBody struct {
	io.Reader
	io.Closer
}
