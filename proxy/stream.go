package proxy

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/ovcompat/ovcompat/har"
	"github.com/ovcompat/ovcompat/internal/media"
	"github.com/ovcompat/ovcompat/rules"
	"github.com/ovcompat/ovcompat/schema"
)

// streamLag is how far the validator of a streamed response may fall
// behind the stream beyond the --max-body a capture holds anyway (a
// chunked body is streamed once its copy outgrows --max-body): 8 MiB is
// 64 ms of a 1 Gb/s link.
const streamLag = 8 << 20

// errAbandoned: the stream abandoned its validation (shed) as it went.
var errAbandoned = errors.New("validation abandoned")

// streamFrom is the size past which an XML response the proxy need not
// hold whole is validated as it streams rather than held for a worker,
// when no copy of it is recorded (a recorded copy is held up to
// --max-body, the one rule for sizes). Holding is a copy the stream pays
// for: every byte of a large body copied for a worker that a busy proxy
// then sheds anyway is CPU taken from the transfer, so past 1 MiB (a
// large list; real engine documents are mostly far smaller) the body goes
// to its stream's validator, which a busy proxy abandons within paceLag.
const streamFrom = 1 << 20

// spillAt is the size past which a streamable response goes to its
// stream: --max-body when a copy is recorded, else streamFrom at most.
func (p *Proxy) spillAt() int64 {
	if p.rec != nil {
		return p.cfg.MaxBody
	}
	return min(p.cfg.MaxBody, streamFrom)
}

// headSize is how much of a streamed body the checker is given to tell
// how it is written (media.Sniff).
const headSize = 1 << 10

// bodyStream validates a response too large to hold whole as it streams
// past (the one rule for sizes, issue 14: what is checked as it is read is
// not held, so it is validated whatever its size). The response's capture
// hands it the body's bytes once the body outgrows --max-body, or
// streamFrom when no copy is recorded (at once when its Content-Length
// says so); a goroutine of its own feeds them, decoded
// when they are compressed, to the checker's XMLStream, paced by the
// validation budget as the workers are and by its own streamPace.
// The stream never waits for it: when more than --max-body + streamLag
// bytes wait to be validated, the exchange is abandoned and counted as
// shed (behind), and when the capture budget is spent, as shed (memory).
type bodyStream struct {
	p      *Proxy
	x      *exchange
	v      *schema.XMLStream
	enc    string // the body's encoding, "" when plain
	window int64
	wake   chan struct{}
	gone   chan struct{} // closed once the validation is no longer wanted

	mu      sync.Mutex
	queue   []*[]byte // chunks not yet taken by the validator
	waiting int64     // bytes received and not yet validated
	// heldAt is what waited when the validator was last held back: by
	// its pace, or before it first ran (a validator that gets no CPU in a
	// burst never reaches its pace); -1 while it goes on.
	heldAt  int64
	dropped string // why the stream was abandoned ("" while it is not)
	// sealed: the exchange is over; ok: it is to be judged (its bodies
	// were seen whole).
	sealed, ok bool
}

// streamable reports whether the response may be validated as it
// streams: a response the proxy does not hold whole (observe mode, or
// enforce mode without --enforce-responses), validated, XML as its
// Content-Type says, plain or in an encoding the proxy decodes (gzip,
// deflate: decoded as it streams, measured by its decoded size).
func (p *Proxy) streamable(x *exchange, method string, h http.Header) bool {
	enc := contentEncoding(h)
	return x.validate && !p.cfg.EnforceResponses && method != http.MethodHead &&
		(enc == "" || enc == "gzip" || enc == "x-gzip" || enc == "deflate") && media.Declared(h.Get("Content-Type")) == media.XML
}

// startStream starts validating x's response as it streams; nil when the
// proxy is closing or the checker has no model for it.
func (p *Proxy) startStream(x *exchange) *bodyStream {
	v := p.val
	v.mu.RLock()
	defer v.mu.RUnlock()
	if v.closed {
		return nil
	}
	xs := p.checker.StreamResponse(x.method, x.path, x.reqHeader.Get("Version"), x.engineStatus)
	if xs == nil {
		return nil
	}
	s := &bodyStream{p: p, x: x, v: xs, enc: contentEncoding(x.respHeader), window: p.cfg.MaxBody + streamLag, wake: make(chan struct{}, 1), gone: make(chan struct{})}
	v.pending.Add(1)
	v.wg.Add(1)
	go s.run()
	return s
}

// adopt takes the chunks a capture held when its body outgrew the limit,
// with the budget they hold (a chunk each).
func (s *bodyStream) adopt(chunks []*[]byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ch := range chunks {
		s.waiting += int64(len(*ch))
		if s.heldAt >= 0 {
			s.heldAt += int64(len(*ch)) // the copy held so far is no lag
		}
	}
	s.queue = append(s.queue, chunks...)
	s.signal()
}

// add copies the next bytes of the body for the validator.
func (s *bodyStream) add(p []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.dropped != "" || s.sealed {
		return
	}
	if w := s.waiting + int64(len(p)); w > s.window || s.heldAt >= 0 && w-s.heldAt > paceLag {
		s.drop("behind")
		return
	}
	s.waiting += int64(len(p))
	for len(p) > 0 {
		var last *[]byte
		if n := len(s.queue); n > 0 && len(*s.queue[n-1]) < chunkSize {
			last = s.queue[n-1]
		} else {
			if !s.p.mem.take(chunkSize) {
				s.drop("memory")
				return
			}
			last = chunkPool.Get().(*[]byte)
			*last = (*last)[:0]
			s.queue = append(s.queue, last)
		}
		n := min(len(p), chunkSize-len(*last))
		*last = append(*last, p[:n]...)
		p = p[n:]
	}
	s.signal()
}

// drop abandons the stream; s.mu is held.
func (s *bodyStream) drop(reason string) {
	s.dropped = reason
	s.unwanted()
	s.free(s.queue)
	s.queue, s.waiting = nil, 0
	s.signal()
}

// free gives chunks back to the pool and the capture budget.
func (s *bodyStream) free(chunks []*[]byte) {
	for _, ch := range chunks {
		chunkPool.Put(ch)
		s.p.mem.release(chunkSize)
	}
}

// hold is told by the validator's pace when it holds the validator back
// (on) and lets it go on; from the hold on, the stream may move paceLag
// before the validation is abandoned. It reports whether the validation is
// still wanted.
func (s *bodyStream) hold(on bool) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case !on:
		s.heldAt = -1
	case s.heldAt < 0:
		s.heldAt = s.waiting
	}
	return s.dropped == "" && !(s.sealed && !s.ok)
}

func (s *bodyStream) quit() <-chan struct{} { return s.gone }

// unwanted closes gone, once; s.mu is held.
func (s *bodyStream) unwanted() {
	select {
	case <-s.gone:
	default:
		close(s.gone)
	}
}

func (s *bodyStream) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// abandoned reports why the stream was abandoned, "" if it was not.
func (s *bodyStream) abandoned() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dropped
}

// seal ends the stream when its exchange is over: ok says the exchange is
// to be judged, and then the stream holds a reference to it (x.done).
func (s *bodyStream) seal(ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sealed, s.ok = true, ok
	if !ok {
		s.unwanted()
	}
	s.signal()
}

// take waits for chunks to validate; none once the stream is over, and
// then judge says whether the exchange is to be judged.
func (s *bodyStream) take() (chunks []*[]byte, judge bool) {
	for {
		s.mu.Lock()
		switch {
		case s.dropped != "" || s.sealed && !s.ok:
			// Nothing to judge: what is left is not worth validating.
			s.free(s.queue)
			s.queue = nil
			s.mu.Unlock()
			return nil, false
		case len(s.queue) > 0:
			chunks, s.queue = s.queue, nil
			s.mu.Unlock()
			return chunks, false
		case s.sealed:
			s.mu.Unlock()
			return nil, s.ok
		}
		s.mu.Unlock()
		<-s.wake
	}
}

// validated counts n bytes as validated; false when the stream was
// abandoned meanwhile.
func (s *bodyStream) validated(n int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waiting -= int64(n)
	return s.dropped == ""
}

// run feeds the body to the validator as it comes, decoded when it is
// compressed, then judges the exchange when it was seen whole.
func (s *bodyStream) run() {
	v := s.p.val
	defer v.wg.Done()
	defer v.pending.Add(-1)
	clock := lowerPriority()
	release, err := s.p.cmem.reserveBytes(context.Background(), schema.StreamCost)
	if err == nil {
		defer release()
	}
	r := &chunkReader{s: s}
	src, err := io.Reader(r), error(nil)
	if s.enc != "" {
		src, err = decoder(s.enc, r)
	}
	var head []byte
	if err == nil {
		head, err = s.p.feed(s.v, src, s, clock)
	}
	_, _ = io.Copy(io.Discard, r) // to the stream's end (or what is left after a failed decoding)
	verdict := s.v.Close()
	if r.judge {
		s.p.judgeStreamed(s.x, verdict, head, err)
	}
}

// feed validates what src reads with xs, paced by the validation budget
// and the stream's own pace, and returns the first bytes it read
// (headSize). ps, when set, is the stream src reads: it is told when the
// pace holds the validator back, and feed stops (errAbandoned) when it
// abandons the validation meanwhile. clock measures the validation
// (lowerPriority's).
func (p *Proxy) feed(xs *schema.XMLStream, src io.Reader, ps pacedStream, clock func() time.Duration) (head []byte, err error) {
	v := p.val
	bp := chunkPool.Get().(*[]byte)
	defer chunkPool.Put(bp)
	buf := (*bp)[:chunkSize]
	pace := newStreamPace(v.budget.cpu)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if len(head) < headSize {
				head = append(head, buf[:min(n, headSize-len(head))]...)
			}
			v.budget.wait(v.stop)
			if !pace.wait(v.budget, v.stop, ps) {
				return head, errAbandoned
			}
			start := clock()
			_, _ = xs.Write(buf[:n])
			d := clock() - start
			if ps != nil {
				// A stream's validation is charged as it goes; a worker
				// decoding a copy (checkDecoded) charges its check whole.
				v.budget.spend(d)
			}
			pace.spent += d
		}
		switch {
		case err == io.EOF:
			return head, nil
		case err != nil:
			return head, err
		}
	}
}

// chunkReader reads a stream's chunks as they come, giving each back once
// read; at the stream's end, judge says whether the exchange is judged.
type chunkReader struct {
	s     *bodyStream
	batch []*[]byte
	off   int
	judge bool
}

func (r *chunkReader) Read(p []byte) (int, error) {
	s := r.s
	for len(r.batch) == 0 {
		chunks, judge := s.take()
		if chunks == nil {
			r.judge = judge
			return 0, io.EOF
		}
		if hold := s.p.val.streamHold.Load(); hold != nil {
			(*hold)()
		}
		r.batch, r.off = chunks, 0
	}
	ch := r.batch[0]
	n := copy(p, (*ch)[r.off:])
	if r.off += n; r.off == len(*ch) {
		s.p.val.streamedBytes.Add(int64(r.off))
		s.free(r.batch[:1])
		read := r.off
		r.batch, r.off = r.batch[1:], 0
		if !s.validated(read) {
			s.free(r.batch)
			r.batch = nil
		}
	}
	return n, nil
}

// judgeStreamed checks the exchange with the verdict on its response,
// validated as it streamed (head: its first bytes), and reports it as the
// workers do.
func (p *Proxy) judgeStreamed(x *exchange, verdict schema.Result, head []byte, undecodable error) {
	defer x.done()
	ex := p.rulesExchange(x)
	release, err := p.cmem.reserve(context.Background(), len(ex.RequestBody))
	if err != nil {
		return
	}
	defer release()
	stop := p.met.timeValidation()
	res := p.checkStreamed(ex, verdict, head, undecodable)
	stop()
	p.met.validated.Inc()
	p.emit(x, res)
}

// checkStreamed checks an exchange whose response was validated as it
// streamed or decoded. A body that could not be decoded is not judged, as
// a copy that cannot be decoded never is.
func (p *Proxy) checkStreamed(ex *har.Exchange, verdict schema.Result, head []byte, undecodable error) rules.Result {
	if undecodable != nil {
		ex.ResponseBody, ex.ResponseTruncated = nil, false
		return p.checker.Check(ex)
	}
	ex.ResponseBody, ex.ResponseTruncated = head, true
	return p.checker.CheckStreamed(ex, verdict)
}

// checkDecoded checks an exchange whose compressed response was held whole
// but decodes past --max-body: measured by its decoded size, it is
// validated as it decodes, as it would have been had it come plain
// (streamed). ok is false when that does not apply.
func (p *Proxy) checkDecoded(ctx context.Context, x *exchange, ex *har.Exchange, clock func() time.Duration) (res rules.Result, ok bool, err error) {
	data, cut, enc := x.wireResponse()
	if !ex.ResponseTruncated || ex.NoResponse || cut || enc == "" || !p.streamable(x, x.method, x.respHeader) {
		return rules.Result{}, false, nil
	}
	xs := p.checker.StreamResponse(x.method, x.path, x.reqHeader.Get("Version"), x.engineStatus)
	if xs == nil {
		return rules.Result{}, false, nil
	}
	release, err := p.cmem.reserveBytes(ctx, schema.StreamCost+schema.Cost(int64(len(ex.RequestBody))))
	if err != nil {
		xs.Close()
		return rules.Result{}, true, err
	}
	defer release()
	var head []byte
	src, err := decoder(enc, bytes.NewReader(data))
	if err == nil {
		head, err = p.feed(xs, src, nil, clock)
	}
	return p.checkStreamed(ex, xs.Close(), head, err), true, nil
}
