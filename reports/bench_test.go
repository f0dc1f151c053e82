package reports

import (
	"io"
	"testing"
	"time"
)

// countingWriter counts bytes and keeps none.
type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

// bench10k is a run of 10,000 steps (1,000 scenarios of 10).
func bench10k() *Results { return bigResults(1000, 10) }

// TestHTMLSize10k holds the 10,000-step report under 10 MB.
func TestHTMLSize10k(t *testing.T) {
	if testing.Short() {
		t.Skip("renders 10,000 steps")
	}
	var c countingWriter
	if err := WriteHTML(&c, bench10k(), HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	if c.n >= 10<<20 {
		t.Errorf("report.html of 10,000 steps is %d bytes, want under 10 MB", c.n)
	}
	t.Logf("report.html of 10,000 steps: %.2f MB", float64(c.n)/(1<<20))
}

// BenchmarkRender10k renders a 10,000-step run with every renderer. Each
// reports its output size (MB) and its time as a ratio to encoding the
// same run as results.json (x-json), measured in the same run. Target:
// report.html under 2 s and under 10 MB.
func BenchmarkRender10k(b *testing.B) {
	r := bench10k()
	baseline := timeOf(func() { _ = Write(io.Discard, r) })
	for _, nr := range renderers() {
		name, render := nr.name, nr.render
		b.Run(name, func(b *testing.B) {
			var c countingWriter
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				c.n = 0
				if err := render(&c, r); err != nil {
					b.Fatal(err)
				}
			}
			perOp := b.Elapsed() / time.Duration(b.N)
			b.ReportMetric(float64(c.n)/(1<<20), "MB")
			b.ReportMetric(float64(perOp)/float64(baseline), "x-json")
		})
	}
}

// timeOf is the best of three runs of f.
func timeOf(f func()) time.Duration {
	best := time.Duration(1<<63 - 1)
	for range 3 {
		start := time.Now()
		f()
		best = min(best, time.Since(start))
	}
	return best
}
