package proxy

import (
	"os"
	"strconv"
	"testing"
	"time"
)

func BenchmarkZZProbe(b *testing.B) {
	body := fixture(b, "templates.xml")
	up := benchUpstream(b, body)
	defer up.Close()
	direct := variant{name: "direct", url: up.URL, close: func() {}}
	vs := []variant{direct, proxyVariant(b, "off", up.URL, Config{DisableValidation: true}), proxyVariant(b, "stream", up.URL, Config{})}
	rate, _ := strconv.Atoi(os.Getenv("RATE"))
	c := benchClient()
	lat := map[string][]time.Duration{}
	for r := range 3 {
		for i := range vs {
			v := vs[(i+r)%len(vs)]
			l, _ := openLoop(c, v.url, rate, time.Second)
			lat[v.name] = append(lat[v.name], l...)
		}
	}
	for _, v := range vs {
		b.ReportMetric(float64(p99(lat[v.name]).Microseconds())/1000, v.name+"-p99-ms")
	}
	b.ReportMetric(float64((p99(lat["stream"])-p99(lat["direct"])).Microseconds())/1000, "added-ms")
}
