package proxy

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/elazarl/goproxy"

	"github.com/ovcompat/ovcompat/internal/expect"
	"github.com/ovcompat/ovcompat/rules"
	"github.com/ovcompat/ovcompat/schema"
)

// Proxy is the validating reverse proxy. It is an http.Handler; Serve runs
// it with its admin endpoints. Build it with New.
type Proxy struct {
	cfg     Config
	up      *url.URL
	gp      *goproxy.ProxyHttpServer
	tr      *http.Transport
	checker *rules.Checker
	log     *slog.Logger
	mem     *memBudget
	cmem    *checkMemory
	val     *validator
	rec     *recorder
	met     *metrics
	live    *liveReport
	sink    *violationSink
	// https is set when Serve listens with TLS: requests the expect
	// listener decrypted reach the handler without Request.TLS.
	https atomic.Bool

	started time.Time
	ready   atomic.Bool
	seq     atomic.Uint64
	idBase  string
	// self holds the proxy's own listen addresses: an absolute-form URL
	// naming one of them is not a request to go elsewhere.
	selfMu sync.RWMutex
	self   map[string]bool
}

// New builds a proxy from cfg. Close it (or let Serve end) to flush its
// outputs.
func New(cfg Config) (*Proxy, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	p := &Proxy{cfg: cfg, checker: cfg.Checker, log: cfg.Logger, self: map[string]bool{}}
	p.up = &url.URL{Scheme: cfg.Upstream.Scheme, Host: cfg.Upstream.Host}
	p.started = cfg.Now()
	p.idBase = fmt.Sprintf("ovcompat-%x-", p.started.UnixNano()&0xffffffff)
	p.tr = cfg.Transport
	if p.tr == nil {
		if p.tr, err = newTransport(cfg); err != nil {
			return nil, err
		}
	}
	p.mem = &memBudget{limit: cfg.BufferBytes}
	p.cmem = newCheckMemory(cfg.ValidationBytes)
	p.met = newMetrics(cfg.Registry, cfg.ToolVersion, cfg.ModelVersion)
	p.live = newLiveReport(cfg.ReportKeep)
	p.sink = newViolationSink(cfg.Violations)
	p.val = newValidator(p, cfg.QueueSize, cfg.Workers, newBudget(cfg.ValidationShare, cfg.CPUs, processCPU, systemCPU))
	p.met.gauge("ovcompat_proxy_validation_queue_depth", "Exchanges waiting for validation.", p.val.depth)
	p.met.gauge("ovcompat_proxy_validation_memory_bytes", "Memory reserved by the checks running (within --validation-memory).",
		func() float64 { return float64(p.cmem.held.Load()) })
	if cfg.RecordDir != "" {
		credit := "recorded by ovcompat proxy in front of " + p.up.String()
		if p.rec, err = newRecorder(cfg, credit, p.met); err != nil {
			return nil, err
		}
	}
	p.gp = goproxy.NewProxyHttpServer()
	p.gp.Tr = p.tr
	p.gp.Logger = goproxyLogger{p.log}
	// The client's Accept-Encoding reaches the engine and the engine's
	// encoding reaches the client: bytes pass as they are, and the
	// validator decompresses its own copy.
	p.gp.KeepAcceptEncoding = true
	p.gp.NonproxyHandler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeFault(w, r, http.StatusInternalServerError, "ovcompat: request not pinned to the upstream", "")
	})
	p.gp.OnRequest().DoFunc(p.onRequest)
	p.gp.OnResponse().DoFunc(p.onResponse)
	p.val.start()
	p.ready.Store(true)
	return p, nil
}

// exchange is one request and response as the proxy handles them.
type exchange struct {
	id                     string
	start, end             time.Time
	method, path, rawQuery string
	scheme, host, proto    string
	route                  string
	reqHeader, respHeader  http.Header
	// reqBody and respBody are captured as they stream (observe mode);
	// reqBytes and respBytes are read whole first (enforce mode).
	reqBody, respBody           *capture
	reqBytes, respBytes         []byte
	reqTruncated, respTruncated bool
	status                      int
	// own is set when the proxy answered itself (rejection, upstream
	// failure); engineStatus keeps the engine's status when it did.
	own          bool
	ownReason    string
	engineStatus int
	// capture: bodies are copied for validation or recording; validate:
	// the exchange goes to the validator; checked: it was checked inline.
	capture, validate, checked bool
	result                     rules.Result
	midBody                    atomic.Bool
	// reqTee reads the client's body (observe mode); reqBodyFailed: that
	// failed.
	reqTee        *teeBody
	reqBodyFailed atomic.Bool
	refs          atomic.Int32

	// decoded is the compressed response copy decoded, once, for the
	// validator and the recorder (responseBody).
	decodeOnce       sync.Once
	decoded          []byte
	decodedTruncated bool
}

type exchangeKey struct{}

// ServeHTTP is the outer handler: it refuses CONNECT and absolute-form
// URLs naming another host, pins the request to the upstream and hands it
// to goproxy.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodConnect {
		p.met.refused.WithLabelValues("connect").Inc()
		writeFault(w, r, http.StatusMethodNotAllowed, "ovcompat is a reverse proxy for one engine: CONNECT is refused", "")
		return
	}
	if r.URL.Host != "" && !p.ownHost(r.URL.Host) {
		p.met.refused.WithLabelValues("foreign-host").Inc()
		writeFault(w, r, http.StatusForbidden, "ovcompat is a reverse proxy for one engine: requests for other hosts are refused", "")
		return
	}
	x := p.newExchange(r)
	out := r.Clone(context.WithValue(r.Context(), exchangeKey{}, x))
	out.URL.Scheme, out.URL.Host = p.up.Scheme, p.up.Host
	out.RequestURI = ""
	if p.cfg.RewriteHost || out.Host == "" {
		out.Host = p.up.Host
	}
	expect.Restore(out.Header)
	removeHopByHop(out.Header)
	if _, ok := out.Header["User-Agent"]; !ok {
		// The transport would add Go's own; an empty value sends none.
		out.Header["User-Agent"] = []string{""}
	}
	if out.ContentLength == 0 {
		out.Body = nil
	}
	x.reqHeader = out.Header
	// Answer as soon as the engine answers: Go's HTTP/1 server otherwise
	// reads what is left of the request body before it writes the
	// response's headers. HTTP/2 is full duplex already.
	rc := http.NewResponseController(w)
	_ = rc.EnableFullDuplex()
	p.gp.ServeHTTP(w, out)
	p.finish(x)
	if x.reqTee != nil && !x.reqTee.ended.Load() {
		// Nobody needs the rest of the body: end the transport's wait for
		// it, and the server's.
		_ = rc.SetReadDeadline(time.Now())
	}
	// Go's server must not be left to close an unread body itself in
	// full-duplex mode: the read that finds its end would race its read
	// of the connection's next request ("invalid concurrent Body.Read").
	_ = r.Body.Close()
	if x.midBody.Load() {
		// The engine failed after the headers went out: abort the
		// response so the client cannot take a cut body for a whole one.
		panic(http.ErrAbortHandler)
	}
}

// ownHost reports whether an absolute-form URL's host is the upstream or
// the proxy itself.
func (p *Proxy) ownHost(h string) bool {
	h = strings.ToLower(h)
	if h == strings.ToLower(p.up.Host) || h == strings.ToLower(p.up.Hostname()) && defaultPort(p.up) {
		return true
	}
	p.selfMu.RLock()
	defer p.selfMu.RUnlock()
	return p.self[h]
}

func defaultPort(u *url.URL) bool {
	port := u.Port()
	return port == "" || u.Scheme == "https" && port == "443" || u.Scheme == "http" && port == "80"
}

// addSelf records a listen address as the proxy's own.
func (p *Proxy) addSelf(addr net.Addr) {
	p.selfMu.Lock()
	defer p.selfMu.Unlock()
	p.self[strings.ToLower(addr.String())] = true
	if host, port, err := net.SplitHostPort(addr.String()); err == nil && (host == "::" || host == "0.0.0.0" || host == "") {
		p.self["localhost:"+port] = true
		p.self["127.0.0.1:"+port] = true
	}
}

func (p *Proxy) newExchange(r *http.Request) *exchange {
	x := &exchange{start: p.cfg.Now(), method: r.Method, path: r.URL.EscapedPath(), rawQuery: r.URL.RawQuery,
		scheme: "http", host: r.Host, proto: r.Proto}
	if r.TLS != nil || p.https.Load() {
		x.scheme = "https"
	}
	if x.path == "" {
		x.path = "/"
	}
	x.id = r.Header.Get("Correlation-Id")
	if x.id == "" {
		x.id = p.idBase + strconv.FormatUint(p.seq.Add(1), 10)
	}
	x.route = p.routeLabel(x.method, x.path, r.Header.Get("Version"))
	x.validate = !p.cfg.DisableValidation && p.val.hasRoom()
	x.capture = x.validate || p.rec != nil
	return x
}

// routeLabel names the route for metrics: its template, or a placeholder
// that keeps the label's values few.
func (p *Proxy) routeLabel(method, path, version string) string {
	api, _, rel, ok := rules.Locate(path, version)
	if !ok {
		return "(outside the API)"
	}
	m := p.checker.Model(api)
	if m == nil {
		return fmt.Sprintf("(v%d)", api)
	}
	if match := m.Routes().Lookup(method, rel); match.Route != nil {
		return match.Route.Path
	}
	return "(unknown)"
}

// onRequest runs in goproxy before the upstream is asked: it hands the
// exchange to the round trip, captures the body, and in enforce mode
// checks the request.
func (p *Proxy) onRequest(req *http.Request, ctx *goproxy.ProxyCtx) (*http.Request, *http.Response) {
	x, _ := req.Context().Value(exchangeKey{}).(*exchange)
	if x == nil {
		return req, faultResponse(req, http.StatusInternalServerError, "ovcompat: request not pinned to the upstream", "")
	}
	ctx.UserData = x
	ctx.RoundTripper = goproxy.RoundTripperFunc(p.roundTrip)
	if p.cfg.Mode == Enforce {
		return req, p.enforceRequest(x, req)
	}
	if req.Body != nil && req.Body != http.NoBody {
		if x.capture {
			x.reqBody = newCapture(p.mem, p.cfg.MaxBody, req.ContentLength)
		}
		x.reqTee = newTee(req.Body, x.reqBody, req.ContentLength, func(error) { x.reqBodyFailed.Store(true) })
		req.Body = x.reqTee
	}
	return req, nil
}

// enforceRequest reads the request body and checks the request; it returns
// the proxy's 400 answer when an error-severity rule is violated.
func (p *Proxy) enforceRequest(x *exchange, req *http.Request) *http.Response {
	if req.Body != nil && req.Body != http.NoBody {
		data, read, truncated, err := readUpTo(req.Body, p.cfg.MaxBody, req.ContentLength)
		if err != nil {
			return p.badRequestBody(x, req)
		}
		x.reqBytes, x.reqTruncated = data, truncated
		req.Body = replay(read, truncated, req.Body)
		if truncated {
			// Too large to hold whole: it passes untouched, and the
			// validator reports it as schema.limit.
			return nil
		}
	}
	ex := p.rulesExchange(x)
	ex.NoResponse = true
	release, err := p.cmem.reserve(req.Context(), len(ex.RequestBody))
	if err != nil {
		return p.clientGone(x, req)
	}
	stop := p.met.timeValidation()
	res := p.checker.CheckRequest(ex)
	stop()
	release()
	if res.OK() {
		return nil
	}
	x.checked, x.result = true, res
	x.own, x.status, x.ownReason = true, http.StatusBadRequest, "request rejected"
	p.met.rejected.WithLabelValues("request").Inc()
	p.logRejection(x, "request", http.StatusBadRequest, res, res.Violations)
	reason, detail := violationFault("request", res.Violations)
	return faultResponse(req, http.StatusBadRequest, reason, detail)
}

// clientGone answers a request whose client went away while its check
// waited for memory.
func (p *Proxy) clientGone(x *exchange, req *http.Request) *http.Response {
	x.own, x.status, x.ownReason = true, 499, "client went away"
	return faultResponse(req, 499, "ovcompat: the client went away", "")
}

// badRequestBody answers a request whose body could not be read.
func (p *Proxy) badRequestBody(x *exchange, req *http.Request) *http.Response {
	x.own, x.status, x.ownReason = true, http.StatusBadRequest, "request body unreadable"
	return faultResponse(req, http.StatusBadRequest, "ovcompat could not read the request body", "")
}

// readUpTo reads r up to limit bytes and one more: truncated says r is
// longer than limit. read is every byte taken from r (give them all back
// when passing r on); data is the first limit of them. size is the length
// the sender announced (-1: unknown): the buffer starts at that size, up to
// maxSizeHint, so a body of known length is read without growing (and
// copying) the buffer several times; a length that lies costs no more.
func readUpTo(r io.Reader, limit, size int64) (data, read []byte, truncated bool, err error) {
	start := int64(512)
	if size >= 0 {
		start = min(size, limit, maxSizeHint) + 1
	}
	read = make([]byte, 0, start)
	lr := io.LimitReader(r, limit+1)
	for {
		if len(read) == cap(read) {
			read = append(read, 0)[:len(read)]
		}
		n, e := lr.Read(read[len(read):cap(read)])
		read = read[:len(read)+n]
		if e == io.EOF {
			break
		}
		if e != nil {
			err = e
			break
		}
	}
	if int64(len(read)) > limit {
		return read[:limit], read, true, err
	}
	return read, read, false, err
}

// maxSizeHint bounds the buffer readUpTo sets aside for an announced length.
const maxSizeHint = 1 << 20

// replay gives back a body whose start was read already.
func replay(data []byte, more bool, rc io.ReadCloser) io.ReadCloser {
	if !more {
		return &bufferedBody{Reader: bytes.NewReader(data), Closer: rc}
	}
	return &bufferedBody{Reader: io.MultiReader(bytes.NewReader(data), rc), Closer: rc}
}

// roundTrip asks the upstream, turns its failures into faults and wraps
// the response body for capture.
func (p *Proxy) roundTrip(req *http.Request, ctx *goproxy.ProxyCtx) (*http.Response, error) {
	x := ctx.UserData.(*exchange)
	resp, err := p.askUpstream(req)
	if err != nil && x.reqBodyFailed.Load() && req.Context().Err() == nil {
		// The client's body could not be read (a malformed chunk): the
		// client's fault, answered as enforce mode answers it.
		return p.badRequestBody(x, req), nil
	}
	if err != nil {
		return p.upstreamFailed(x, req, err), nil
	}
	removeHopByHop(resp.Header)
	x.status, x.engineStatus, x.respHeader = resp.StatusCode, resp.StatusCode, resp.Header
	if x.reqTee != nil && !x.reqTee.ended.Load() {
		// The engine answered before it had the whole request body
		// (libgovirt declares a body it does not send): the answer goes
		// out at once, and the connection is closed after it, since what
		// follows on it could not be told from the rest of the body. The
		// exchange keeps the engine's headers.
		resp.Header = resp.Header.Clone()
		resp.Header.Set("Connection", "close")
	}
	if p.cfg.EnforceResponses && req.Method != http.MethodHead && resp.ContentLength <= p.cfg.MaxBody {
		return p.enforceResponse(x, req, resp), nil
	}
	var c *capture
	if x.capture && req.Method != http.MethodHead {
		c = newCapture(p.mem, p.cfg.MaxBody, resp.ContentLength)
		x.respBody = c
		if p.streamable(x, req.Method, resp.Header) {
			// Too large to hold whole, or larger than streamFrom when no
			// copy is recorded, it is validated as it streams.
			c.px, c.spill, c.spillAt = p, x, p.spillAt()
			if resp.ContentLength > c.spillAt {
				if c.stream = p.startStream(x); c.stream != nil {
					c.truncated = true
				}
			}
		}
	}
	if resp.Body != nil {
		resp.Body = newTee(resp.Body, c, resp.ContentLength, func(err error) {
			if req.Context().Err() == nil { // not the client going away
				p.midBodyFailed(x, err)
			}
		})
	}
	return resp, nil
}

// enforceResponse reads and checks the response before the client sees
// it, and answers 502 in its place when it violates an error rule.
func (p *Proxy) enforceResponse(x *exchange, req *http.Request, resp *http.Response) *http.Response {
	data, read, truncated, err := readUpTo(resp.Body, p.cfg.MaxBody, resp.ContentLength)
	if err != nil {
		resp.Body.Close()
		x.respHeader = nil
		return p.upstreamFailed(x, req, err)
	}
	x.respBytes, x.respTruncated = data, truncated
	resp.Body = replay(read, truncated, resp.Body)
	res, err := p.check(req.Context(), x, wallClock)
	if err != nil {
		resp.Body.Close()
		return p.clientGone(x, req)
	}
	x.checked, x.result = true, res
	// A body too large to hold whole, as it came or decoded, passes
	// untouched; the check reported it as schema.limit. So does the
	// response to a request that passed for being too large to judge.
	vs := responseViolations(res.Violations)
	if _, cut, _, _ := x.responseBody(p.cfg.MaxBody); cut || !schema.HasErrors(vs) {
		return resp
	}
	resp.Body.Close()
	x.own, x.status, x.ownReason = true, http.StatusBadGateway, "response rejected"
	p.met.rejected.WithLabelValues("response").Inc()
	p.logRejection(x, "response", http.StatusBadGateway, res, vs)
	reason, detail := violationFault("engine's response", vs)
	return faultResponse(req, http.StatusBadGateway, reason, detail)
}

// responseViolations leaves out the request's violations (the checker
// places them under "request:").
func responseViolations(vs []schema.Violation) []schema.Violation {
	var out []schema.Violation
	for _, v := range vs {
		if !strings.HasPrefix(v.Location, "request:") {
			out = append(out, v)
		}
	}
	return out
}

// onResponse runs in goproxy after the round trip. Our round trip always
// answers, but a nil response must never reach goproxy's copy.
func (p *Proxy) onResponse(resp *http.Response, ctx *goproxy.ProxyCtx) *http.Response {
	if resp != nil {
		return resp
	}
	x, _ := ctx.UserData.(*exchange)
	err := ctx.Error
	if err == nil {
		err = fmt.Errorf("no response")
	}
	if x == nil {
		return faultResponse(ctx.Req, http.StatusBadGateway, "ovcompat could not reach the engine", "")
	}
	return p.upstreamFailed(x, ctx.Req, err)
}

// finish accounts for an exchange once the client has its answer and
// hands it to the validator and the recorder.
func (p *Proxy) finish(x *exchange) {
	x.end = p.cfg.Now()
	for _, c := range []*capture{x.reqBody, x.respBody} {
		if c != nil {
			c.seal()
		}
	}
	p.met.requests.WithLabelValues(x.route, methodLabel(x.method), strconv.Itoa(x.status)).Inc()
	p.met.duration.Observe(x.end.Sub(x.start).Seconds())
	if x.checked {
		p.emit(x, x.result)
	}
	toValidate := !x.checked && x.validate
	if toValidate && !p.completeForValidation(x) {
		toValidate = false
	}
	if !x.checked && !toValidate && !p.cfg.DisableValidation {
		p.met.shed.WithLabelValues(p.shedReason(x)).Inc()
	}
	refs := int32(0)
	if toValidate {
		refs++
	}
	if p.rec != nil {
		refs++
	}
	x.refs.Store(refs + 1)
	var stream *bodyStream
	if x.respBody != nil {
		stream = x.respBody.streamed()
	}
	switch {
	case stream != nil:
		// Its validator judges it once it has validated the whole body.
		stream.seal(toValidate)
	case toValidate && !p.val.submit(x):
		p.met.shed.WithLabelValues("queue-full").Inc()
		x.done()
	}
	if p.rec != nil {
		p.rec.submit(x)
	}
	x.done()
}

// completeForValidation reports whether the bodies were seen whole (or cut
// at the limit, which the checker reports). A copy incomplete for any
// other reason (a client that went away mid-body, an engine that answered
// before the body was sent) leaves nothing fair to judge: it is shed and
// counted, never reported as a violation of the traffic.
func (p *Proxy) completeForValidation(x *exchange) bool {
	for _, c := range []*capture{x.reqBody, x.respBody} {
		if c == nil {
			continue
		}
		complete, truncated := c.state()
		if !complete && !truncated {
			return false
		}
	}
	return true
}

func (p *Proxy) shedReason(x *exchange) string {
	if !x.validate {
		return "queue-full"
	}
	for _, c := range []*capture{x.reqBody, x.respBody} {
		if c == nil {
			continue
		}
		if r := c.shedReason(); r != "" {
			return r
		}
	}
	return "incomplete"
}

// done releases the exchange's captures once every consumer is through.
func (x *exchange) done() {
	if x.refs.Add(-1) != 0 {
		return
	}
	for _, c := range []*capture{x.reqBody, x.respBody} {
		if c != nil {
			c.release()
		}
	}
}

func methodLabel(m string) string {
	switch m {
	case "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH":
		return m
	}
	return "OTHER"
}

// goproxyLogger sends goproxy's own messages to slog.
type goproxyLogger struct{ log *slog.Logger }

func (g goproxyLogger) Printf(format string, v ...any) {
	msg := strings.TrimSpace(fmt.Sprintf(format, v...))
	if strings.Contains(msg, "WARN:") {
		g.log.Warn("goproxy: " + msg)
		return
	}
	g.log.Debug("goproxy: " + msg)
}
