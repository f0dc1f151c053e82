package proxy

import (
	"slices"
	"testing"
	"time"

	"github.com/ovcompat/ovcompat/rules"
	"github.com/ovcompat/ovcompat/schema"
)

// BenchmarkCapacity: the highest open-loop rate of 13 KB responses
// (fixtures/bodies/v4/templates.xml) at which observe mode, with its
// defaults, sheds nothing and adds at most 2 ms at p99 to the engine
// answering directly, for the streaming validator and for the tree
// validator it replaced (rules.Options.TreeXML), in the same run. Both
// climb the same ladder of rates, a quarter higher each rung; at each rung
// the direct p99 and both proxies are measured in rotated order, and a
// variant stops at its second failure in a row. Reports the rates reached
// (as offered by the load generator, counted) and stream/tree.
func BenchmarkCapacity(b *testing.B) {
	body := fixture(b, "templates.xml")
	up := benchUpstream(b, body)
	defer up.Close()
	tree, err := rules.New(rules.Options{TreeXML: true, Limits: schema.Limits{MaxBytes: schema.DefaultMaxBytes}})
	if err != nil {
		b.Fatal(err)
	}
	direct := variant{name: "direct", url: up.URL, close: func() {}}
	vs := []variant{direct, proxyVariant(b, "stream", up.URL, Config{}), proxyVariant(b, "tree", up.URL, Config{Checker: tree})}
	defer func() {
		for _, v := range vs {
			v.close()
		}
	}()
	per := time.Second
	if testing.Short() {
		per = 300 * time.Millisecond
	}
	const addedP99 = 2 * time.Millisecond
	c := benchClient()
	var reached [2][]float64 // per proxied variant, per iteration
	for range b.N {
		for _, v := range vs {
			openLoop(b, c, v.url, 200, 200*time.Millisecond) // warm the pools
		}
		best, fails := [2]float64{}, [2]int{}
		for rung, rate := 0, 200; fails[0] < 2 || fails[1] < 2; rung, rate = rung+1, rate*5/4 {
			var p99 [3]time.Duration
			var offered [3]float64
			var shed [3]float64
			for i := range vs {
				k := (i + rung) % len(vs)
				v := vs[k]
				if k > 0 && fails[k-1] >= 2 {
					continue
				}
				var shed0 float64
				if v.proxy != nil {
					shed0 = counter(v.proxy, "ovcompat_proxy_validation_shed_total")
				}
				lat := openLoop(b, c, v.url, rate, per)
				if v.proxy != nil {
					v.proxy.val.drain()
					shed[k] = counter(v.proxy, "ovcompat_proxy_validation_shed_total") - shed0
				}
				slices.Sort(lat)
				p99[k], offered[k] = lat[len(lat)*99/100], float64(len(lat))/per.Seconds()
			}
			for k := range 2 {
				if fails[k] >= 2 {
					continue
				}
				if shed[k+1] == 0 && p99[k+1]-p99[0] <= addedP99 {
					best[k], fails[k] = offered[k+1], 0
				} else {
					fails[k]++
				}
			}
		}
		for k := range 2 {
			reached[k] = append(reached[k], best[k])
		}
	}
	med := func(xs []float64) float64 {
		xs = slices.Clone(xs)
		slices.Sort(xs)
		return xs[len(xs)/2]
	}
	b.ReportMetric(med(reached[0]), "stream-req/s")
	b.ReportMetric(med(reached[1]), "tree-req/s")
	b.ReportMetric(med(reached[0])/med(reached[1]), "stream/tree")
}
