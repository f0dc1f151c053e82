package crawl_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/ovcompat/ovcompat/crawl"
	"github.com/ovcompat/ovcompat/fixtures/target"
)

// BenchmarkCrawl crawls the bundled simulator (unpaced: --rate aside, what
// a crawl costs) and reports the time per 1,000 requests. The baseline,
// measured in the same run, is the same requests sent as plain GETs
// through the same engine client, bodies read and dropped: crawl to
// baseline is the cost of checking every answer with every rule, finding
// its links and keeping the results. Baseline and crawl alternate within
// each iteration.
func BenchmarkCrawl(b *testing.B) {
	tg, err := target.Start(target.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer tg.Close()
	client, _, err := tg.Clients()
	if err != nil {
		b.Fatal(err)
	}
	once := func() *crawl.Result {
		c, err := crawl.New(crawl.Options{Client: client, Rate: -1})
		if err != nil {
			b.Fatal(err)
		}
		res, err := c.Run(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		return res
	}
	scs, err := once().Scenarios()
	if err != nil {
		b.Fatal(err)
	}
	var refs []string
	for _, sc := range scs {
		for _, st := range sc.Steps {
			q := url.Values{}
			for _, p := range st.Request.Query {
				q.Add(p.Name, p.Value)
			}
			ref := st.Request.Path
			if len(q) > 0 {
				ref += "?" + q.Encode()
			}
			refs = append(refs, ref)
		}
	}
	plain := func() {
		for _, ref := range refs {
			req, err := http.NewRequest(http.MethodGet, ref, nil)
			if err != nil {
				b.Fatal(err)
			}
			resp, err := client.Do(context.Background(), req, "")
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}
	// Baseline and crawl alternate within each iteration, so that a
	// machine busy with other work slows both alike.
	var base, crawled time.Duration
	for range b.N {
		t0 := time.Now()
		plain()
		t1 := time.Now()
		once()
		crawled += time.Since(t1)
		base += t1.Sub(t0)
	}
	n := float64(len(refs) * b.N)
	b.ReportMetric(crawled.Seconds()*1000/n, "s/1000req")
	b.ReportMetric(base.Seconds()*1000/n, "baseline-s/1000req")
	b.ReportMetric(float64(len(refs)), "requests")
	b.ReportMetric(float64(crawled)/float64(base), "x-baseline")
}
