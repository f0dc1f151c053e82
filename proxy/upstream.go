package proxy

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"syscall"
	"time"
)

// newTransport builds the pooled transport to the upstream: connections
// kept for the load (goproxy's default keeps 2 per host), timeouts, HTTP/2
// when the engine offers it, certificates verified against the system's
// CAs and CAFile's.
// Compression is left to the client and the engine, so that bytes pass
// unchanged; proxies from the environment are not used (the upstream is
// one known engine).
func newTransport(c Config) (*http.Transport, error) {
	tlsConf := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: c.Insecure} //nolint:gosec // --insecure is the user's explicit choice
	if c.CAFile != "" {
		pem, err := os.ReadFile(c.CAFile)
		if err != nil {
			return nil, fmt.Errorf("proxy: --ca-file: %w", err)
		}
		pool, err := x509.SystemCertPool()
		if err != nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("proxy: --ca-file %s: no PEM certificate found", c.CAFile)
		}
		tlsConf.RootCAs = pool
	}
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	return &http.Transport{
		DialContext:           d.DialContext,
		TLSClientConfig:       tlsConf,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          c.MaxIdleConns,
		MaxIdleConnsPerHost:   c.MaxIdleConns,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: c.UpstreamTimeout,
		ExpectContinueTimeout: time.Second,
		DisableCompression:    true,
	}, nil
}

// errUpstreamIdle ends a response body the engine stopped sending.
var errUpstreamIdle = fmt.Errorf("the engine sent nothing of its response body for the idle timeout: %w", context.DeadlineExceeded)

// askUpstream sends req to the engine. The response's body fails with
// errUpstreamIdle (a timeout) when the engine sends nothing of it for
// UpstreamIdleTimeout while the proxy waits for it; req keeps the client's
// context, so that a client going away is told from an engine failing.
func (p *Proxy) askUpstream(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancelCause(req.Context())
	resp, err := p.tr.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel(nil)
		return nil, err
	}
	t := time.AfterFunc(p.cfg.UpstreamIdleTimeout, func() { cancel(errUpstreamIdle) })
	t.Stop()
	resp.Body = &idleBody{rc: resp.Body, ctx: ctx, cancel: cancel, timer: t, idle: p.cfg.UpstreamIdleTimeout}
	return resp, nil
}

// idleBody is an upstream response body whose every read may wait at most
// idle. The clock runs only while the proxy reads: a slow client, which
// the proxy waits for between reads, does not count against the engine.
type idleBody struct {
	rc     io.ReadCloser
	ctx    context.Context
	cancel context.CancelCauseFunc
	timer  *time.Timer
	idle   time.Duration
}

func (b *idleBody) Read(p []byte) (int, error) {
	b.timer.Reset(b.idle)
	n, err := b.rc.Read(p)
	b.timer.Stop()
	if err != nil && errors.Is(context.Cause(b.ctx), errUpstreamIdle) {
		err = errUpstreamIdle
	}
	return n, err
}

func (b *idleBody) Close() error {
	err := b.rc.Close()
	b.timer.Stop()
	b.cancel(nil)
	return err
}

// classify maps an upstream error to the status the client gets (a
// timeout is 504, anything else 502), a metric label and words for the
// fault. It never quotes the error, which may hold the URL.
func classify(ctx context.Context, err error) (status int, kind, what string) {
	var (
		netErr   net.Error
		certErr  *tls.CertificateVerificationError
		unknown  x509.UnknownAuthorityError
		hostErr  x509.HostnameError
		invalid  x509.CertificateInvalidError
		recordEr tls.RecordHeaderError
	)
	switch {
	case ctx.Err() != nil && errors.Is(err, context.Canceled):
		return 499, "client-canceled", "the client went away"
	case errors.As(err, &certErr), errors.As(err, &unknown), errors.As(err, &hostErr), errors.As(err, &invalid):
		return http.StatusBadGateway, "certificate", "the engine's certificate did not verify (see --ca-file)"
	case errors.As(err, &recordEr):
		return http.StatusBadGateway, "tls", "the engine does not speak TLS there (check the upstream's scheme)"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return http.StatusGatewayTimeout, "timeout", "the engine did not answer in time"
	case errors.Is(err, syscall.ECONNREFUSED):
		return http.StatusBadGateway, "refused", "the engine refused the connection"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return http.StatusBadGateway, "reset", "the engine closed the connection"
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return http.StatusBadGateway, "dns", "the engine's name does not resolve"
	}
	return http.StatusBadGateway, "error", "the request to the engine failed"
}

// upstreamFailed answers for an engine that could not be asked.
func (p *Proxy) upstreamFailed(x *exchange, req *http.Request, err error) *http.Response {
	status, kind, what := classify(req.Context(), err)
	x.own, x.status, x.ownReason = true, status, "upstream "+kind
	p.met.upstreamErrors.WithLabelValues(kind).Inc()
	log := p.log.Warn
	if kind == "client-canceled" {
		log = p.log.Debug
	}
	log("upstream request failed", "correlation_id", x.id, "method", x.method, "path", x.path,
		"kind", kind, "status", status, "error", err)
	return faultResponse(req, status, "ovcompat could not get an answer from the engine: "+what, "upstream failure: "+kind)
}

// midBodyFailed records an engine that failed after its headers went out.
func (p *Proxy) midBodyFailed(x *exchange, err error) {
	if !x.midBody.CompareAndSwap(false, true) {
		return
	}
	kind := "reset"
	if _, k, _ := classify(context.Background(), err); k == "timeout" {
		kind = k
	}
	p.met.upstreamErrors.WithLabelValues("mid-body-" + kind).Inc()
	p.log.Warn("upstream failed mid-body; the client's response is aborted", "correlation_id", x.id,
		"method", x.method, "path", x.path, "status", x.status, "error", err)
}
