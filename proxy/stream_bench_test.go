package proxy

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"
)

// BenchmarkStreamedResponse: one 50 MB chunked XML response at a time, as
// fast as loopback carries it, through the proxy with validation off and
// in observe mode, where it is validated as it streams (issue 14, Size).
// Interleaved rounds, rotating order; reports the median throughput of
// each and the median of the rounds' ratios (validation must never slow
// the stream: each round's pair runs back to back, so the ratio of a
// round cancels the machine's drift, which a ratio of medians does not),
// the median CPU time the process spent on a transfer in observe mode
// beyond the same transfer with validation off (client, proxy and engine
// share the cores, so that is what observe mode takes from the transfer),
// and how many of observe mode's responses were validated whole or shed
// (behind: the validator, paced by the validation budget, fell behind the
// stream).
func BenchmarkStreamedResponse(b *testing.B) {
	asTheCLI(b)
	var body bytes.Buffer
	if err := hugeList(&body, 50<<20, false, nil); err != nil {
		b.Fatal(err)
	}
	data := body.Bytes()
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		for p := data; len(p) > 0; p = p[min(len(p), chunkSize):] {
			if _, err := w.Write(p[:min(len(p), chunkSize)]); err != nil {
				return
			}
		}
	}))
	defer up.Close()
	vs := []variant{
		proxyVariant(b, "off", up.URL, Config{DisableValidation: true}),
		proxyVariant(b, "observe", up.URL, Config{}),
	}
	defer func() {
		for _, v := range vs {
			v.close()
		}
	}()
	c := benchClient()
	rounds := 15
	if testing.Short() {
		rounds = 3
	}
	rates := make([][]float64, len(vs))
	cpus := make([][]float64, len(vs)) // the process's CPU per transfer, ms
	for range b.N {
		for r := range rounds {
			for k := range vs {
				i := (k + r) % len(vs)
				cpu0, _ := processCPU()
				start := time.Now()
				resp, err := c.Get(vs[i].url + "/ovirt-engine/api/vms")
				if err != nil {
					b.Fatal(err)
				}
				n, err := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if err != nil || n != int64(len(data)) {
					b.Fatalf("%s: %d bytes, %v", vs[i].name, n, err)
				}
				rates[i] = append(rates[i], float64(n)/(1<<20)/time.Since(start).Seconds())
				cpu1, _ := processCPU()
				cpus[i] = append(cpus[i], float64(cpu1-cpu0)/1e6)
			}
		}
	}
	median := func(xs []float64) float64 { s := slices.Sorted(slices.Values(xs)); return s[len(s)/2] }
	ratios, extra := make([]float64, len(rates[0])), make([]float64, len(rates[0]))
	for r := range ratios {
		ratios[r] = rates[1][r] / rates[0][r]
		extra[r] = cpus[1][r] - cpus[0][r]
	}
	off, observe := median(rates[0]), median(rates[1])
	p := vs[1].proxy
	p.val.drain()
	b.ReportMetric(off, "off-MB/s")
	b.ReportMetric(observe, "observe-MB/s")
	b.ReportMetric(median(ratios), "observe/off")
	b.ReportMetric(median(extra), "observe-extra-CPU-ms")
	b.ReportMetric(counter(p, "ovcompat_proxy_validated_total"), "validated")
	b.ReportMetric(shedBy(p, "behind"), "shed-behind")
	b.ReportMetric(shedBy(p, "memory"), "shed-memory")
}
