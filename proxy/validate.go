package proxy

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"errors"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ovcompat/ovcompat/har"
	"github.com/ovcompat/ovcompat/rules"
)

// validator checks exchanges beside the stream: a bounded queue, a few
// workers and a CPU budget. Producers never wait: a full queue sheds.
type validator struct {
	p       *Proxy
	queue   chan *exchange
	workers int
	budget  *budget
	stop    chan struct{}
	wg      sync.WaitGroup
	once    sync.Once
	mu      sync.RWMutex // guards closed against submit
	closed  bool
	// pending counts the exchanges submitted and not yet through: raised
	// before one enters the queue, so drain never sees an empty queue and
	// no work in the moment a worker takes one.
	pending atomic.Int32
	// streamedBytes counts the bytes of responses validated as they
	// streamed (stream.go); streamHold, when set, runs before a stream
	// validates what it received (tests hold it back with it).
	streamedBytes atomic.Int64
	streamHold    atomic.Pointer[func()]
}

func newValidator(p *Proxy, size, workers int, b *budget) *validator {
	return &validator{p: p, queue: make(chan *exchange, size), workers: workers, budget: b, stop: make(chan struct{})}
}

func (v *validator) start() {
	for range v.workers {
		v.wg.Add(1)
		go v.run()
	}
}

// hasRoom reports whether the queue can take more now.
func (v *validator) hasRoom() bool { return len(v.queue) < cap(v.queue) }

func (v *validator) depth() float64 { return float64(len(v.queue)) }

// drain waits until the queue is empty and the exchange being validated,
// if any, is through (tests and benchmarks count after it).
func (v *validator) drain() {
	for v.pending.Load() > 0 {
		time.Sleep(time.Millisecond)
	}
}

// submit queues x without waiting; false means it was shed.
func (v *validator) submit(x *exchange) bool {
	v.mu.RLock()
	defer v.mu.RUnlock()
	if v.closed {
		return false
	}
	v.pending.Add(1)
	select {
	case v.queue <- x:
		return true
	default:
		v.pending.Add(-1)
		return false
	}
}

func (v *validator) run() {
	defer v.wg.Done()
	clock := lowerPriority()
	// Without a P of its own (SpareProcs), a worker yields after each
	// validation, so that traffic waiting for its P runs first; with one,
	// the kernel arbitrates (its thread is niced) and a yield is only a
	// costly handoff of its locked thread.
	yield := runtime.GOMAXPROCS(0) <= v.p.cfg.CPUs
	for x := range v.queue {
		v.budget.wait(v.stop)
		start := clock()
		res, _ := v.p.check(context.Background(), x, clock)
		v.budget.spend(clock() - start)
		v.p.met.validated.Inc()
		v.p.emit(x, res)
		x.done()
		v.pending.Add(-1)
		if yield {
			runtime.Gosched()
		}
	}
}

// close validates what is queued, without pacing, and stops the workers.
func (v *validator) close() {
	v.once.Do(func() {
		v.mu.Lock()
		v.closed = true
		close(v.queue)
		v.mu.Unlock()
		close(v.stop)
		v.budget.lift()
		v.wg.Wait()
	})
}

// check runs the checker on an exchange, within the validation memory
// budget; it fails only when ctx is done while it waits for memory.
// clock measures the validation of a compressed copy that decodes past
// --max-body (checkDecoded), paced as a stream is.
func (p *Proxy) check(ctx context.Context, x *exchange, clock func() time.Duration) (rules.Result, error) {
	ex := p.rulesExchange(x)
	if res, ok, err := p.checkDecoded(ctx, x, ex, clock); ok {
		return res, err
	}
	release, err := p.cmem.reserve(ctx, len(ex.RequestBody), len(ex.ResponseBody))
	if err != nil {
		return rules.Result{}, err
	}
	defer release()
	defer p.met.timeValidation()()
	return p.checker.Check(ex), nil
}

// rulesExchange turns what the proxy saw into the checker's exchange,
// decompressing the response copy when the engine compressed it.
func (p *Proxy) rulesExchange(x *exchange) *har.Exchange {
	ex := &har.Exchange{Method: x.method, Path: x.path, RawQuery: x.rawQuery,
		RequestHeader: x.reqHeader, Status: x.status, ResponseHeader: x.respHeader}
	// finish submits only copies that are whole or cut at the limit.
	ex.RequestBody, _, ex.RequestTruncated = x.requestBody()
	if x.own && x.engineStatus == 0 || x.respHeader == nil {
		// The engine never answered: check the request alone.
		ex.NoResponse, ex.Status, ex.ResponseHeader = true, 0, http.Header{}
		return ex
	}
	ex.Status = x.engineStatus
	ex.ResponseBody, ex.ResponseTruncated, _, _ = x.responseBody(p.cfg.MaxBody)
	return ex
}

// requestBody returns the request body's copy: the one captured as it
// streamed (observe mode) or the one read whole (enforce mode).
func (x *exchange) requestBody() (data []byte, complete, truncated bool) {
	if x.reqBody != nil {
		return x.reqBody.snapshot()
	}
	return x.reqBytes, true, x.reqTruncated
}

// responseBody returns the response body's copy as the engine meant it:
// decompressed, up to limit bytes, when the engine compressed it. The
// validator and the recorder both read it, concurrently: it is decoded once
// for both (both pass the proxy's MaxBody). enc is the copy's encoding
// ("" when none) and wire its length as it came; a compressed copy that
// was cut, or that could not be decoded, yields no data (nil).
func (x *exchange) responseBody(limit int64) (data []byte, truncated bool, enc string, wire int) {
	data, truncated, enc = x.wireResponse()
	if enc == "" {
		return data, truncated, "", len(data)
	}
	wire = len(data)
	if truncated {
		return nil, true, enc, wire // a cut compressed stream cannot be read; the limit rule still fires
	}
	x.decodeOnce.Do(func() { x.decoded, x.decodedTruncated = decode(enc, data, limit) })
	return x.decoded, x.decodedTruncated, enc, wire
}

// wireResponse returns the response body's copy as it came, whether the
// body outgrew the limit, and its encoding ("" when none or no copy).
func (x *exchange) wireResponse() (data []byte, truncated bool, enc string) {
	data, truncated = x.respBytes, x.respTruncated
	if x.respBody != nil {
		data, _, truncated = x.respBody.snapshot()
	}
	enc = contentEncoding(x.respHeader)
	if len(data) == 0 {
		enc = ""
	}
	return data, truncated, enc
}

// contentEncoding is a response's encoding, "" for none (identity).
func contentEncoding(h http.Header) string {
	enc := strings.ToLower(strings.TrimSpace(h.Get("Content-Encoding")))
	if enc == "identity" {
		return ""
	}
	return enc
}

// decode decompresses a body copy, up to limit bytes. An encoding it
// cannot read yields no body, so no rule judges bytes it cannot see.
func decode(enc string, data []byte, limit int64) ([]byte, bool) {
	r, err := decoder(enc, bytes.NewReader(data))
	if err != nil {
		return nil, false
	}
	out, _, truncated, err := readUpTo(r, limit, -1)
	if err != nil {
		return nil, false
	}
	return out, truncated
}

// errEncoding: a Content-Encoding the proxy cannot decode.
var errEncoding = errors.New("unknown content encoding")

// decoder reads r decompressed as enc says: gzip (x-gzip) or deflate.
func decoder(enc string, r io.Reader) (io.Reader, error) {
	switch enc {
	case "gzip", "x-gzip":
		return gzip.NewReader(r)
	case "deflate":
		// "deflate" is zlib by the RFC, raw deflate in practice: a zlib
		// header (method 8, a multiple of 31) tells them apart.
		br := bufio.NewReader(r)
		if h, err := br.Peek(2); err == nil && h[0]&0x0f == 8 && (uint16(h[0])<<8|uint16(h[1]))%31 == 0 {
			return zlib.NewReader(br)
		}
		return flate.NewReader(br), nil
	}
	return nil, errEncoding
}
