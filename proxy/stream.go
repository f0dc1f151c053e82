package proxy

import (
	"context"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ovcompat/ovcompat/internal/media"
	"github.com/ovcompat/ovcompat/schema"
)

// streamLag is how far the validator of a streamed response may fall
// behind the stream beyond the --max-body a capture holds anyway (a
// chunked body is streamed once its copy outgrows --max-body): 8 MiB is
// 64 ms of a 1 Gb/s link.
const streamLag = 8 << 20

// headSize is how much of a streamed body the checker is given to tell
// how it is written (media.Sniff).
const headSize = 1 << 10

// bodyStream validates a response too large to hold whole as it streams
// past (the one rule for sizes, issue 14: what is checked as it is read is
// not held, so it is validated whatever its size). The response's capture
// hands it the body's bytes once the body outgrows --max-body (at once when
// its Content-Length says so); a goroutine of its own feeds them to the
// checker's XMLStream, paced by the validation budget as the workers are.
// The stream never waits for it: when more than --max-body + streamLag
// bytes wait to be validated, the exchange is abandoned and counted as
// shed (behind), and when the capture budget is spent, as shed (memory).
type bodyStream struct {
	p      *Proxy
	x      *exchange
	v      *schema.XMLStream
	window int64
	wake   chan struct{}

	mu      sync.Mutex
	queue   []*[]byte // chunks not yet taken by the validator
	waiting int64     // bytes received and not yet validated
	head    []byte
	dropped string // why the stream was abandoned ("" while it is not)
	// sealed: the exchange is over; ok: it is to be judged (its bodies
	// were seen whole).
	sealed, ok bool
}

// streamable reports whether the response may be validated as it
// streams: a response the proxy does not hold whole (observe mode, or
// enforce mode without --enforce-responses), validated, XML as its
// Content-Type says, not compressed. A compressed response over
// --max-body is reported as schema.limit, as it was before streaming.
func (p *Proxy) streamable(x *exchange, req *http.Request, resp *http.Response) bool {
	enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding")))
	return x.validate && !p.cfg.EnforceResponses && req.Method != http.MethodHead &&
		(enc == "" || enc == "identity") && media.Declared(resp.Header.Get("Content-Type")) == media.XML
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
	s := &bodyStream{p: p, x: x, v: xs, window: p.cfg.MaxBody + streamLag, wake: make(chan struct{}, 1)}
	v.busy.Add(1)
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
		s.keepHead(*ch)
		s.waiting += int64(len(*ch))
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
	s.keepHead(p)
	if s.waiting+int64(len(p)) > s.window {
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

// keepHead keeps the body's first bytes; s.mu is held.
func (s *bodyStream) keepHead(p []byte) {
	if n := min(len(p), headSize-len(s.head)); n > 0 {
		s.head = append(s.head, p[:n]...)
	}
}

// drop abandons the stream; s.mu is held.
func (s *bodyStream) drop(reason string) {
	s.dropped = reason
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
	s.signal()
}

// take waits for chunks to validate; none once the stream is over, and
// then judge says whether the exchange is to be judged.
func (s *bodyStream) take() (chunks []*[]byte, judge bool) {
	for {
		s.mu.Lock()
		switch {
		case s.dropped != "":
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

// run feeds the body to the validator as it comes, then judges the
// exchange when it was seen whole.
func (s *bodyStream) run() {
	v := s.p.val
	defer v.wg.Done()
	defer v.busy.Add(-1)
	lowerPriority()
	release, err := s.p.cmem.reserveBytes(context.Background(), schema.StreamCost)
	if err == nil {
		defer release()
	}
	for {
		chunks, judge := s.take()
		if chunks == nil {
			verdict := s.v.Close()
			if judge {
				s.judge(verdict)
			}
			return
		}
		if hold := v.streamHold.Load(); hold != nil {
			(*hold)()
		}
		for i, ch := range chunks {
			v.budget.wait(v.stop)
			start := time.Now()
			s.v.Write(*ch)
			v.budget.spend(time.Since(start))
			v.streamedBytes.Add(int64(len(*ch)))
			if !s.validated(len(*ch)) {
				s.free(chunks[i:])
				break
			}
			s.free(chunks[i : i+1])
		}
	}
}

// judge checks the exchange with the verdict on its streamed response and
// reports it, as the workers do.
func (s *bodyStream) judge(verdict schema.Result) {
	p, x := s.p, s.x
	defer x.done()
	ex := p.rulesExchange(x)
	s.mu.Lock()
	ex.ResponseBody, ex.ResponseTruncated = s.head, true
	s.mu.Unlock()
	release, err := p.cmem.reserve(context.Background(), len(ex.RequestBody))
	if err != nil {
		return
	}
	defer release()
	stop := p.met.timeValidation()
	res := p.checker.CheckStreamed(ex, verdict)
	stop()
	p.met.validated.Inc()
	p.emit(x, res)
}
