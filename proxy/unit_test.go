package proxy

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestCapture(t *testing.T) {
	b := &memBudget{limit: 4 * chunkSize}
	c := newCapture(b, 3*chunkSize, -1)
	c.add([]byte("hello "))
	c.add([]byte("world"))
	c.done(io.EOF)
	data, complete, truncated := c.snapshot()
	if string(data) != "hello world" || !complete || truncated {
		t.Errorf("got %q complete=%v truncated=%v", data, complete, truncated)
	}
	c.release()
	if b.used.Load() != 0 {
		t.Errorf("budget holds %d after release", b.used.Load())
	}

	big := make([]byte, 2*chunkSize+100)
	for i := range big {
		big[i] = byte(i)
	}
	c = newCapture(b, 3*chunkSize, -1)
	for p := big; len(p) > 0; p = p[min(len(p), 1000):] {
		c.add(p[:min(len(p), 1000)])
	}
	c.done(io.EOF)
	if data, complete, _ := c.snapshot(); !bytes.Equal(data, big) || !complete {
		t.Errorf("a body over several chunks came back as %d bytes", len(data))
	}
	c.release()

	over := newCapture(b, 10, -1)
	over.add([]byte("0123456789abc"))
	if _, _, truncated := over.snapshot(); !truncated || b.used.Load() != 0 {
		t.Errorf("a body over the limit: truncated=%v, budget %d", truncated, b.used.Load())
	}
	if c := newCapture(b, 10, 11); !c.truncated {
		t.Error("a declared length over the limit is not truncated at once")
	}

	hog := newCapture(b, 8*chunkSize, -1)
	hog.add(make([]byte, 4*chunkSize))
	small := newCapture(b, 1000, -1)
	small.add(make([]byte, 20))
	if small.shedReason() != "memory" {
		t.Error("a capture beyond the budget was not shed")
	}
	hog.release()
	small.release()
	if b.used.Load() != 0 {
		t.Errorf("budget holds %d", b.used.Load())
	}
}

func TestBudget(t *testing.T) {
	cpu := time.Duration(0)
	b := newBudget(0.05, runtime.GOMAXPROCS(0), func() (time.Duration, bool) { return cpu, true }, func() (uint64, uint64, bool) { return 0, 0, false })
	b.window = 10 * time.Millisecond
	b.capacity = 2
	b.allowed = b.allowance(0) // a saturated start: the floor only
	b.spend(b.allowed)
	stop := make(chan struct{})
	start := time.Now()
	b.wait(stop)
	if time.Since(start) < 5*time.Millisecond {
		t.Error("a spent window did not make the worker wait")
	}
	// Idle CPU raises the allowance.
	if full, floor := b.allowance(1), b.allowance(0); full <= floor {
		t.Errorf("allowance idle %v <= saturated %v", full, floor)
	}
	b.spend(time.Hour)
	close(stop)
	b.wait(stop) // must return at once when stopped
}

func TestRemoveHopByHop(t *testing.T) {
	h := http.Header{"Connection": {"close, X-Private"}, "X-Private": {"1"}, "Keep-Alive": {"5"},
		"Te": {"trailers"}, "Upgrade": {"h2c"}, "Version": {"4"}, "Proxy-Authorization": {"Basic x"}}
	removeHopByHop(h)
	for _, k := range []string{"Connection", "X-Private", "Keep-Alive", "Upgrade", "Proxy-Authorization"} {
		if _, ok := h[k]; ok {
			t.Errorf("%s kept", k)
		}
	}
	if h.Get("Version") != "4" || h.Get("Te") != "trailers" {
		t.Errorf("end-to-end headers lost: %v", h)
	}
}

func TestClassify(t *testing.T) {
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, tc := range []struct {
		ctx    context.Context
		err    error
		status int
		kind   string
	}{
		{context.Background(), syscall.ECONNREFUSED, 502, "refused"},
		{context.Background(), context.DeadlineExceeded, 504, "timeout"},
		{context.Background(), io.ErrUnexpectedEOF, 502, "reset"},
		{context.Background(), errors.New("odd"), 502, "error"},
		{canceled, context.Canceled, 499, "client-canceled"},
	} {
		if st, kind, what := classify(tc.ctx, tc.err); st != tc.status || kind != tc.kind || what == "" {
			t.Errorf("%v: %d %s, want %d %s", tc.err, st, kind, tc.status, tc.kind)
		}
	}
}

func TestFaultRepresentation(t *testing.T) {
	for _, tc := range []struct {
		headers http.Header
		json    bool
	}{
		{http.Header{}, false},
		{http.Header{"Accept": {"application/json"}}, true},
		{http.Header{"Accept": {"application/xml, application/json"}}, false},
		{http.Header{"Content-Type": {"application/json"}}, true},
		{http.Header{"Accept": {"*/*"}, "Content-Type": {"application/json"}}, true},
		{http.Header{"Accept": {"*/*"}}, false},
	} {
		body, ctype := faultBody(tc.headers, "bad <thing> \u00e9", "d")
		if isJSON := strings.HasPrefix(ctype, "application/json"); isJSON != tc.json {
			t.Errorf("%v: %s", tc.headers, ctype)
		}
		if strings.Contains(string(body), "<thing>") || strings.Contains(string(body), "\u00e9") {
			t.Errorf("fault not escaped or not ASCII: %s", body)
		}
	}
}
