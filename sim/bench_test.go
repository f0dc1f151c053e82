package sim

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Benchmarks report their cost next to a baseline measured in the same
// run: the same HTTP exchange served by a handler that writes a fixed
// body of the same size, so the ratio is what the engine adds.

// getter sends GET path to a real loopback server of h.
type getter struct {
	srv        *httptest.Server
	path, user string
	pass       string
}

func newGetter(h http.Handler, path, user, pass string) *getter {
	return &getter{srv: httptest.NewServer(h), path: path, user: user, pass: pass}
}

func (g *getter) get(b *testing.B) {
	req, _ := http.NewRequest("GET", g.srv.URL+g.path, nil)
	req.SetBasicAuth(g.user, g.pass)
	resp, err := g.srv.Client().Do(req)
	if err != nil {
		b.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		b.Fatalf("GET %s: status %d", g.path, resp.StatusCode)
	}
}

// baseline measures the time per call of fn over n calls (testing.Benchmark
// cannot run inside a benchmark).
func baseline(b *testing.B, n int, fn func(*testing.B)) float64 {
	start := time.Now()
	for range n {
		fn(b)
	}
	return float64(time.Since(start).Nanoseconds()) / float64(n)
}

// static serves body for every request.
func static(body []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", ctypeXML)
		_, _ = w.Write(body)
	})
}

// BenchmarkGetVMs is GET /vms of the seeded 10 VMs; x-static is the
// engine's time per request over that of a static handler.
func BenchmarkGetVMs(b *testing.B) {
	e, err := New(Options{Seed: 1, Settle: -1})
	if err != nil {
		b.Fatal(err)
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("GET", BasePath+"/vms", nil)
	req.SetBasicAuth(AdminUser, e.AdminPassword())
	e.ServeHTTP(rec, req)
	body := rec.Body.Bytes()
	st := newGetter(static(body), BasePath+"/vms", "", "")
	defer st.srv.Close()
	base := baseline(b, 2000, st.get)
	g := newGetter(e, BasePath+"/vms", AdminUser, e.AdminPassword())
	defer g.srv.Close()
	b.ResetTimer()
	for b.Loop() {
		g.get(b)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/base, "x-static")
	b.ReportMetric(float64(len(body)), "bytes/resp")
}

// BenchmarkPostVM is POST /vms of a VM made from a template with a disk, a
// NIC and a CD-ROM; x-get is its time over that of GET /vms.
func BenchmarkPostVM(b *testing.B) {
	e, err := New(Options{Seed: 1, Settle: -1})
	if err != nil {
		b.Fatal(err)
	}
	g := newGetter(e, BasePath+"/vms/"+firstVM(b, e), AdminUser, e.AdminPassword())
	defer g.srv.Close()
	get := baseline(b, 2000, g.get)
	srv, client := g.srv, g.srv.Client()
	i := 0
	b.ResetTimer()
	for b.Loop() {
		i++
		body := fmt.Sprintf(`<vm><name>bench-%d</name><cluster><name>Default</name></cluster><template><name>centos-stream-9</name></template></vm>`, i)
		req, _ := http.NewRequest("POST", srv.URL+BasePath+"/vms", strings.NewReader(body))
		req.SetBasicAuth(AdminUser, e.AdminPassword())
		req.Header.Set("Content-Type", "application/xml")
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 201 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/get, "x-get-vm")
}

func firstVM(b *testing.B, e *Engine) string {
	e.mu.RLock()
	defer e.mu.RUnlock()
	for _, r := range e.st.roots["vms"].list() {
		return r.id
	}
	b.Fatal("no VM")
	return ""
}

// BenchmarkMemory10kVMs creates 10,000 VMs (each with its disk, NIC and
// CD-ROM copied from a template) and reports the heap they take, per VM
// and in all, against the heap of the seeded engine.
func BenchmarkMemory10kVMs(b *testing.B) {
	for b.Loop() {
		e, err := New(Options{Seed: 1, Settle: -1})
		if err != nil {
			b.Fatal(err)
		}
		before := heap()
		for i := range 10000 {
			body := fmt.Sprintf(`<vm><name>mem-%d</name><cluster><name>Default</name></cluster><template><name>centos-stream-9</name></template></vm>`, i)
			req := httptest.NewRequest("POST", BasePath+"/vms", strings.NewReader(body))
			req.SetBasicAuth(AdminUser, e.AdminPassword())
			req.Header.Set("Content-Type", "application/xml")
			w := httptest.NewRecorder()
			e.ServeHTTP(w, req)
			if w.Code != 201 {
				b.Fatalf("status %d: %s", w.Code, w.Body)
			}
		}
		after := heap()
		b.ReportMetric(float64(after-before)/10000, "heap-bytes/VM")
		b.ReportMetric(float64(after-before)/(1<<20), "heap-MiB/10kVMs")
		b.ReportMetric(float64(after)/float64(before), "x-seeded")
		b.ReportMetric(float64(before)/(1<<20), "seeded-heap-MiB")
		runtime.KeepAlive(e)
	}
}

func heap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
