package proxy

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ovcompat/ovcompat/internal/expect"
)

// AdminHandler serves the admin endpoints: /metrics (Prometheus),
// /healthz (the process is alive), /readyz (it takes traffic; 503 while
// draining), /report (a live HTML page of the traffic's totals and the
// violations so far, grouped by rule and route, each leading to its
// exchange by correlation id; it updates itself in place) and /report.json
// (the same as JSON, reports.WriteLiveJSON).
func (p *Proxy) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(p.met.reg, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if !p.ready.Load() {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintln(w, "draining")
			return
		}
		fmt.Fprintln(w, "ready")
	})
	mux.HandleFunc("GET /report", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if err := p.writeReport(w); err != nil {
			p.log.Error("rendering /report failed", "error", err)
		}
	})
	mux.HandleFunc("GET /report.json", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if err := p.writeReportJSON(w); err != nil {
			p.log.Error("rendering /report.json failed", "error", err)
		}
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/report", http.StatusFound)
	})
	return mux
}

// Listeners are where Serve listens. Admin may be nil.
type Listeners struct {
	Proxy, Admin net.Listener
	// TLSCert and TLSKey, when set, make the proxy listener serve HTTPS
	// (HTTP/2 included).
	TLSCert, TLSKey string
}

// Serve runs the proxy and its admin endpoints until ctx is done, then
// shuts down gracefully: /readyz turns 503, requests in flight finish
// (within DrainTimeout), queued validations and recordings are written,
// and the outputs are flushed. It returns nil after a clean shutdown.
func (p *Proxy) Serve(ctx context.Context, l Listeners) error {
	p.addSelf(l.Proxy.Addr())
	srv := &http.Server{Handler: p, ReadHeaderTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second,
		ErrorLog: newStdLogger(p.log)}
	errc := make(chan error, 2)
	// net/http answers an Expect other than 100-continue with 417 before
	// any handler runs; the expect listeners let oVirt's "Expect:
	// 201-created" through, and ServeHTTP restores the header.
	ln := expect.Listener(l.Proxy)
	if l.TLSCert != "" {
		cert, err := tls.LoadX509KeyPair(l.TLSCert, l.TLSKey)
		if err != nil {
			return fmt.Errorf("proxy: --tls-cert: %w", err)
		}
		ln = expect.TLSListener(l.Proxy, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
		p.https.Store(true)
	}
	go func() { errc <- srv.Serve(ln) }()
	var admin *http.Server
	adminAddr := "none"
	if l.Admin != nil {
		admin = &http.Server{Handler: p.AdminHandler(), ReadHeaderTimeout: 10 * time.Second}
		go func() { errc <- admin.Serve(l.Admin) }()
		adminAddr = l.Admin.Addr().String()
	}
	p.log.Info("proxy listening", "listen", l.Proxy.Addr().String(), "admin", adminAddr, "upstream", p.up.String(),
		"mode", p.cfg.Mode.String(), "enforce_responses", p.cfg.EnforceResponses)
	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	p.ready.Store(false)
	p.log.Info("proxy draining", "timeout", p.cfg.DrainTimeout.String())
	dctx, cancel := context.WithTimeout(context.Background(), p.cfg.DrainTimeout)
	defer cancel()
	err := srv.Shutdown(dctx)
	if err != nil {
		err = fmt.Errorf("proxy: drain: %w", err)
		_ = srv.Close()
	}
	if admin != nil {
		_ = admin.Shutdown(dctx)
	}
	p.Close()
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("proxy: serve: %w", serveErr)
	}
	return err
}

// Close validates what is queued, finishes the recording and flushes the
// outputs. The handler must not be serving any more.
func (p *Proxy) Close() {
	p.ready.Store(false)
	p.val.close()
	if p.rec != nil {
		p.rec.close()
	}
	p.tr.CloseIdleConnections()
	p.log.Info("proxy stopped")
}
