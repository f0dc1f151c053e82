package proxy

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ovcompat/ovcompat/internal/syncbuf"
)

// vmPost is a small POST /vms body, as an SDK sends it (about 350 bytes
// with its headers).
const vmPost = `<vm><name>myvm</name><cluster><name>Default</name></cluster><template><name>Blank</name></template></vm>`

// heldConn lets its first write through (the request's headers: the
// transport flushes them before it copies a body it does not hold in
// memory) and holds every later one (the body) until release is closed,
// after passing its bytes on. The engine has the whole request and answers
// while the transport's copy of the body has not returned yet.
type heldConn struct {
	net.Conn
	release <-chan struct{}
	mu      sync.Mutex
	writes  int
}

func (c *heldConn) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	c.mu.Lock()
	c.writes++
	hold := c.writes > 1
	c.mu.Unlock()
	if hold {
		<-c.release
	}
	return n, err
}

// TestRequestCaptureOutlivesExchange: the false schema.limit of issue 16
// item 3. The transport copies a request body of known length straight to
// the engine's socket, then reads the client's body once more to see its
// end. Under load that read comes after the engine answered and the
// exchange was finished; the server has closed the client's body by then,
// so the read fails ("http: invalid Read on closed Body"). The capture,
// complete when the exchange finished, took the late error for its own
// and the validator, judging it later, reported the 350-byte body as over
// the size limit. Here the transport's write is held until the exchange
// is finished and the client's connection has moved on, and the validator
// until the late read is done: deterministically the order of the race.
func TestRequestCaptureOutlivesExchange(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `<fault><detail>no</detail><reason>Operation Failed</reason></fault>`)
	}))
	defer up.Close()
	release := make(chan struct{})
	var once sync.Once
	d := &net.Dialer{}
	tr := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		conn, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		held := false
		once.Do(func() { held = true })
		if !held {
			return conn, nil
		}
		return &heldConn{Conn: conn, release: release}, nil
	}}
	defer tr.CloseIdleConnections()
	viol := &syncbuf.Buffer{}
	p := newTestProxy(t, up.URL, Config{Transport: tr, Workers: 1, Violations: viol})
	// The validator waits until the late read is done (Close below).
	p.val.budget.mu.Lock()
	p.val.budget.window, p.val.budget.spent = time.Hour, p.val.budget.allowed
	p.val.budget.mu.Unlock()
	late := make(chan error, 1)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			r.Body = &lateReadBody{ReadCloser: r.Body, late: late}
		}
		p.ServeHTTP(w, r)
	}))
	defer front.Close()

	conn, err := net.Dial("tcp", strings.TrimPrefix(front.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	br := bufio.NewReader(conn)
	send := func(method, path, body string) *http.Response {
		t.Helper()
		fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: engine\r\nVersion: 4\r\nContent-Type: application/xml\r\nContent-Length: %d\r\n\r\n%s",
			method, path, len(body), body)
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	if resp := send("POST", "/ovirt-engine/api/vms", vmPost); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("status %d", resp.StatusCode)
	}
	// The server reads the connection's next request only once it has
	// closed the first one's body: the late read can only fail now.
	send("GET", "/ovirt-engine/api", "")
	close(release)
	select {
	case err := <-late:
		t.Logf("the transport's late read: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the transport did not read the body again")
	}
	p.Close() // validates what is queued, without pacing
	if v := viol.String(); strings.Contains(v, "schema.limit") {
		t.Errorf("a 104-byte body was reported over the size limit:\n%s", v)
	}
	if got := counter(p, "ovcompat_proxy_validated_total"); got != 2 {
		t.Errorf("validated %v exchanges, want 2 (shed: %v)", got, counter(p, "ovcompat_proxy_validation_shed_total"))
	}
}

// lateReadBody tells late of the first read of the client's body that
// fails: a read after the server closed it.
type lateReadBody struct {
	io.ReadCloser
	late chan<- error
}

func (b *lateReadBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		select {
		case b.late <- err:
		default:
		}
	}
	return n, err
}

// newTestProxy builds a proxy for upstream, closed when the test ends.
func newTestProxy(t *testing.T, upstream string, cfg Config) *Proxy {
	t.Helper()
	u, err := url.Parse(upstream)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Upstream = u
	if cfg.Logger == nil {
		cfg.Logger = discardLogger()
	}
	p, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// stepBody returns its bytes, then io.EOF in a read of its own, then,
// once the exchange is over, the error of a read on a closed body.
type stepBody struct {
	data   []byte
	reads  int
	closed bool
}

func (b *stepBody) Read(p []byte) (int, error) {
	b.reads++
	switch {
	case b.closed:
		return 0, http.ErrBodyReadAfterClose
	case len(b.data) > 0:
		n := copy(p, b.data)
		b.data = b.data[n:]
		return n, nil
	}
	return 0, io.EOF
}

func (b *stepBody) Close() error { return nil }

// TestCaptureJudgedAtFinish: a transport that stops at Content-Length
// never asks for the end of a body whose reader returns its last bytes
// and io.EOF in separate reads; the exchange is finished first, and the
// read that follows fails. A body whose declared bytes all passed is
// whole and validated; one of unknown length that never showed its end
// is shed as incomplete, never reported as a violation.
func TestCaptureJudgedAtFinish(t *testing.T) {
	for _, tc := range []struct {
		name               string
		length             int64
		validated, shedded float64
	}{
		{"declared length", int64(len(vmPost)), 1, 0},
		{"unknown length", -1, 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			viol := &syncbuf.Buffer{}
			p := newTestProxy(t, "http://engine.invalid", Config{Violations: viol})
			req := httptest.NewRequest(http.MethodPost, "/ovirt-engine/api/vms", nil)
			req.Header.Set("Content-Type", "application/xml")
			x := p.newExchange(req)
			x.reqHeader = req.Header
			x.reqBody = newCapture(p.mem, p.cfg.MaxBody, tc.length)
			body := &stepBody{data: []byte(vmPost)}
			tee := newTee(body, x.reqBody, tc.length, nil)
			// The transport copies Content-Length bytes and stops.
			if _, err := io.Copy(io.Discard, io.LimitReader(tee, int64(len(vmPost)))); err != nil {
				t.Fatal(err)
			}
			x.status, x.engineStatus, x.respHeader = http.StatusAccepted, http.StatusAccepted, http.Header{}
			p.finish(x)
			body.closed = true
			if _, err := tee.Read(make([]byte, 1)); err != http.ErrBodyReadAfterClose {
				t.Fatalf("late read: %v", err)
			}
			p.Close()
			if v := viol.String(); strings.Contains(v, "schema.limit") {
				t.Errorf("reported over the limit:\n%s", v)
			}
			if got := counter(p, "ovcompat_proxy_validated_total"); got != tc.validated {
				t.Errorf("validated %v, want %v", got, tc.validated)
			}
			if got := counter(p, "ovcompat_proxy_validation_shed_total"); got != tc.shedded {
				t.Errorf("shed %v, want %v", got, tc.shedded)
			}
			if got := p.mem.used.Load(); got != 0 {
				t.Errorf("the capture budget still holds %d bytes", got)
			}
		})
	}
}
