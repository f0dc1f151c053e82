package proxy

// Load harness: run with
//
//	go test ./proxy -run '^$' -bench . -benchtime 1x
//
// Each benchmark measures its variants in one run, interleaved in rounds,
// and reports ratios; nothing here asserts a figure. BENCHMARKS.md holds
// the numbers and how they were taken.

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ovcompat/ovcompat/internal/expect"
)

const benchPath = "/ovirt-engine/api/templates"

// benchUpstream serves a real engine body at benchPath.
func benchUpstream(tb testing.TB, body []byte) *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/xml;charset=UTF-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	}))
}

// variant is one way of reaching the upstream.
type variant struct {
	name  string
	url   string
	proxy *Proxy
	close func()
}

func serveVariant(tb testing.TB, name string, h http.Handler, p *Proxy) variant {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	if p != nil {
		ln = expect.Listener(ln) // as Serve listens in production
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	return variant{name: name, url: "http://" + ln.Addr().String(), proxy: p, close: func() {
		srv.Close()
		if p != nil {
			p.Close()
		}
	}}
}

// benchCPUs is the cores the benchmark's proxies are told of when asTheCLI
// raised GOMAXPROCS above them (0: GOMAXPROCS).
var benchCPUs int

// asTheCLI runs a benchmark's process as `ovcompat proxy` runs its own:
// GOMAXPROCS raised by SpareProcs for one proxy's validation workers (one
// proxy at a time carries the load), every proxy told the cores. Run the
// benchmarks with GOGC=400 as well, the CLI's other setting.
func asTheCLI(tb testing.TB) {
	var c Config
	restore := SpareProcs(&c)
	benchCPUs = c.CPUs
	tb.Cleanup(func() {
		restore()
		benchCPUs = 0
	})
}

func proxyVariant(tb testing.TB, name, upstream string, cfg Config) variant {
	orDefault(&cfg.CPUs, benchCPUs)
	u, _ := url.Parse(upstream)
	cfg.Upstream = u
	cfg.Logger = discardLogger()
	p, err := New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return serveVariant(tb, name, p, p)
}

func httputilVariant(tb testing.TB, upstream string) variant {
	u, _ := url.Parse(upstream)
	tr, err := newTransport(Config{MaxIdleConns: DefaultMaxIdleConns, UpstreamTimeout: time.Minute})
	if err != nil {
		tb.Fatal(err)
	}
	rp := &httputil.ReverseProxy{Transport: tr, Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(u)
		pr.Out.Host = pr.In.Host
	}}
	return serveVariant(tb, "httputil", rp, nil)
}

func benchClient() *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256, DisableCompression: true}}
}

func fetch(c *http.Client, u string) (time.Duration, error) {
	req, _ := http.NewRequest("GET", u+benchPath, nil)
	req.Header.Set("Accept", "application/xml")
	req.Header.Set("Version", "4")
	start := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err == nil && resp.StatusCode != 200 {
		err = fmt.Errorf("status %d", resp.StatusCode)
	}
	return time.Since(start), err
}

// saturate runs clients closed-loop for d and returns the requests done.
func saturate(tb testing.TB, c *http.Client, u string, clients int, d time.Duration) int64 {
	var n atomic.Int64
	var wg sync.WaitGroup
	stop := time.Now().Add(d)
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(stop) {
				if _, err := fetch(c, u); err != nil {
					tb.Error(err)
					return
				}
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	return n.Load()
}

// counter sums a proxy counter over its labels.
func counter(p *Proxy, name string) float64 {
	mfs, _ := p.met.reg.Gather()
	sum := 0.0
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if c := m.GetCounter(); c != nil {
				sum += c.GetValue()
			}
			if h := m.GetHistogram(); h != nil {
				sum += h.GetSampleSum()
			}
		}
	}
	return sum
}

// BenchmarkSaturation: 32 clients closed-loop, a 13 KB real engine body
// (fixtures/bodies/v4/templates.xml). Reports observe mode against the
// same proxy with validation off and against httputil.ReverseProxy,
// enforce mode against the pass-through proxy, and the share validated.
func BenchmarkSaturation(b *testing.B) {
	asTheCLI(b)
	body := fixture(b, "templates.xml")
	up := benchUpstream(b, body)
	defer up.Close()
	vs := []variant{
		httputilVariant(b, up.URL),
		proxyVariant(b, "off", up.URL, Config{DisableValidation: true}),
		proxyVariant(b, "observe", up.URL, Config{}),
		proxyVariant(b, "enforce", up.URL, Config{Mode: Enforce}),
		proxyVariant(b, "enforce-responses", up.URL, Config{Mode: Enforce, EnforceResponses: true}),
	}
	defer func() {
		for _, v := range vs {
			v.close()
		}
	}()
	c := benchClient()
	// Short slices, interleaved and rotated every round, so that every
	// variant sees the same share of a noisy machine and follows every
	// other equally often.
	const clients = 32
	rounds, per := 20, 300*time.Millisecond
	if testing.Short() {
		rounds = 4
	}
	total := map[string]int64{}
	for range b.N {
		for _, v := range vs {
			saturate(b, c, v.url, clients, 200*time.Millisecond) // warm the pools
		}
		for r := range rounds {
			for i := range vs {
				v := vs[(i+r)%len(vs)]
				total[v.name] += saturate(b, c, v.url, clients, per)
			}
		}
	}
	secs := float64(b.N*rounds) * per.Seconds()
	rps := func(n string) float64 { return float64(total[n]) / secs }
	for _, v := range vs {
		b.ReportMetric(rps(v.name), v.name+"-req/s")
	}
	b.ReportMetric(rps("observe")/rps("off"), "observe/off")
	b.ReportMetric(rps("observe")/rps("httputil"), "observe/httputil")
	b.ReportMetric(rps("enforce")/rps("off"), "enforce/off")
	b.ReportMetric(rps("enforce-responses")/rps("off"), "enforce-responses/off")
	for _, v := range vs[2:4] {
		validated := counter(v.proxy, "ovcompat_proxy_validated_total")
		shed := counter(v.proxy, "ovcompat_proxy_validation_shed_total")
		b.ReportMetric(validated/(validated+shed), v.name+"-validated-share")
	}
}

// BenchmarkFixedLoad: an open-loop 500 requests/s (below saturation),
// 8 s per variant in rotated one-second slices: directly, through the
// proxy with validation off, in observe mode, and through
// httputil.ReverseProxy. Reports p50 and p99 latency, the p99 the proxy adds, the
// share validated and validation's cost per KB.
func BenchmarkFixedLoad(b *testing.B) {
	asTheCLI(b)
	body := fixture(b, "templates.xml")
	up := benchUpstream(b, body)
	defer up.Close()
	direct := variant{name: "direct", url: up.URL, close: func() {}}
	vs := []variant{direct, proxyVariant(b, "off", up.URL, Config{DisableValidation: true}), proxyVariant(b, "observe", up.URL, Config{}),
		httputilVariant(b, up.URL)}
	defer func() {
		for _, v := range vs {
			v.close()
		}
	}()
	// One-second slices, rotated every round, as in BenchmarkSaturation.
	rate, rounds := 500, 8
	if testing.Short() {
		rounds = 2
	}
	c := benchClient()
	lat := map[string][]time.Duration{}
	p := vs[2].proxy
	var validated0, shed0, secs0 float64
	for range b.N {
		for _, v := range vs {
			openLoop(c, v.url, rate, 200*time.Millisecond) // warm the pools
		}
		p.val.drain()
		validated0, shed0 = counter(p, "ovcompat_proxy_validated_total"), counter(p, "ovcompat_proxy_validation_shed_total")
		secs0 = counter(p, "ovcompat_proxy_validation_duration_seconds")
		for r := range rounds {
			for i := range vs {
				v := vs[(i+r)%len(vs)]
				l, failed := openLoop(c, v.url, rate, time.Second)
				if failed > 0 {
					b.Errorf("%s: %d of %d requests failed at %d/s", v.name, failed, failed+len(l), rate)
				}
				lat[v.name] = append(lat[v.name], l...)
			}
		}
	}
	pct := func(n string, q float64) float64 {
		l := lat[n]
		sort.Slice(l, func(i, j int) bool { return l[i] < l[j] })
		return float64(l[int(q*float64(len(l)-1))].Microseconds()) / 1000
	}
	for _, v := range vs {
		b.ReportMetric(pct(v.name, 0.5), v.name+"-p50-ms")
		b.ReportMetric(pct(v.name, 0.99), v.name+"-p99-ms")
	}
	b.ReportMetric(pct("observe", 0.99)-pct("direct", 0.99), "added-p99-ms")
	b.ReportMetric(pct("observe", 0.99)-pct("off", 0.99), "validation-added-p99-ms")
	p.val.drain() // finish the queue before counting
	validated := counter(p, "ovcompat_proxy_validated_total") - validated0
	shed := counter(p, "ovcompat_proxy_validation_shed_total") - shed0
	b.ReportMetric(validated/(validated+shed), "validated-share")
	secs := counter(p, "ovcompat_proxy_validation_duration_seconds") - secs0
	b.ReportMetric(secs/validated/(float64(len(body))/1024)*1e6, "validation-us/KB")
}

// openLoop offers rate requests per second for d, whatever the answers'
// pace: request i is due at start + i/rate, and its latency counts from
// that moment, so a generator (or a proxy) that falls behind shows in the
// latencies instead of silently offering less (no coordinated omission).
// Failed requests are counted, not latencies: past its capacity a proxy
// may refuse or fail some, and a rung with failures does not pass.
func openLoop(c *http.Client, u string, rate int, d time.Duration) (lat []time.Duration, failed int) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	n := int(d.Seconds() * float64(rate))
	start := time.Now()
	for i := range n {
		due := start.Add(time.Duration(i) * time.Second / time.Duration(rate))
		time.Sleep(time.Until(due))
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := fetch(c, u)
			l := time.Since(due)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failed++
				return
			}
			lat = append(lat, l)
		}()
	}
	wg.Wait()
	return lat, failed
}

// BenchmarkLargeResponses: 32 concurrent 50 MB responses (chunked, so no
// length tells the proxy in advance) through observe mode with recording
// off. Reports the peak RSS of the whole test process, sampled.
func BenchmarkLargeResponses(b *testing.B) {
	asTheCLI(b)
	const size, clients = 50 << 20, 32
	block := []byte(strings.Repeat(`<vm href="/ovirt-engine/api/vms/1" id="1"><name>vm</name></vm>`, 512))
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		io.WriteString(w, "<vms>")
		for sent := 0; sent < size; sent += len(block) {
			if _, err := w.Write(block); err != nil {
				return
			}
		}
		io.WriteString(w, "</vms>")
	}))
	defer up.Close()
	v := proxyVariant(b, "observe", up.URL, Config{})
	defer v.close()
	c := benchClient()
	base := rss()
	ctx, cancel := context.WithCancel(context.Background())
	var peak atomic.Int64
	go func() {
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if r := rss(); r > peak.Load() {
					peak.Store(r)
				}
			}
		}
	}()
	start := time.Now()
	var bytes atomic.Int64
	for range b.N {
		var wg sync.WaitGroup
		for range clients {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := c.Get(v.url + "/ovirt-engine/api/vms")
				if err != nil {
					b.Error(err)
					return
				}
				n, err := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil {
					b.Error(err)
				}
				bytes.Add(n)
			}()
		}
		wg.Wait()
	}
	cancel()
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-RSS-MB")
	b.ReportMetric(float64(base)/(1<<20), "start-RSS-MB")
	b.ReportMetric(float64(bytes.Load())/(1<<20)/time.Since(start).Seconds(), "MB/s")
}

// rss reads the process's resident set size from /proc (0 elsewhere).
func rss() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}
