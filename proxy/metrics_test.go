package proxy

import (
	"bufio"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ovcompat/ovcompat/internal/syncbuf"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape fetches /metrics over loopback as Prometheus does and parses it.
func scrape(t *testing.T, admin string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(admin + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: %s", resp.Status)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	mfs, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("/metrics does not parse: %v", err)
	}
	return mfs
}

// sample returns the value of the series of family name whose labels
// include want (a counter's or gauge's value, a histogram's count).
func sample(mfs map[string]*dto.MetricFamily, name string, want map[string]string) (float64, bool) {
	mf := mfs[name]
	if mf == nil {
		return 0, false
	}
	for _, m := range mf.GetMetric() {
		labels := map[string]string{}
		for _, lp := range m.GetLabel() {
			labels[lp.GetName()] = lp.GetValue()
		}
		ok := true
		for k, v := range want {
			ok = ok && labels[k] == v
		}
		if !ok {
			continue
		}
		switch {
		case m.Counter != nil:
			return m.GetCounter().GetValue(), true
		case m.Gauge != nil:
			return m.GetGauge().GetValue(), true
		case m.Histogram != nil:
			return float64(m.GetHistogram().GetSampleCount()), true
		}
	}
	return 0, false
}

// waitFor polls until cond holds (validation runs beside the stream).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestMetricsScrape: what an operator's Prometheus reads from the admin
// port, scraped over loopback: the runtime's and the process's collectors,
// ovcompat_build_info, enforce-mode rejections, upstream errors and the
// validation duration histogram.
func TestMetricsScrape(t *testing.T) {
	up := engine(t, nil)
	defer up.Close()
	px := startProxy(t, up.URL, Config{Mode: Enforce, EnforceResponses: true, ToolVersion: "v1.2.3-test", ModelVersion: "oVirt API model 4.6.1"})
	c := rawClient()
	if resp, body := get(t, c, "GET", px.url+vmPath, "<vm/>", "Content-Type: application/xml"); resp.StatusCode != 400 {
		t.Fatalf("GET with a body: %d %s, want 400", resp.StatusCode, body)
	}
	if resp, body := get(t, c, "GET", px.url+"/ovirt-engine/api/vms/bad", "", "Accept: application/xml"); resp.StatusCode != 502 {
		t.Fatalf("a response with an unknown element: %d %s, want 502", resp.StatusCode, body)
	}
	if resp, _ := get(t, c, "GET", px.url+vmPath, "", "Accept: application/xml"); resp.StatusCode != 200 {
		t.Fatalf("valid GET: %d", resp.StatusCode)
	}

	mfs := scrape(t, px.admin)
	for _, name := range []string{"go_goroutines", "go_memstats_heap_alloc_bytes", "go_gc_duration_seconds", "go_info",
		"process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds"} {
		if runtime.GOOS != "linux" && strings.HasPrefix(name, "process_") {
			continue // the process collector reads /proc
		}
		if mfs[name] == nil {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	for _, tc := range []struct {
		name   string
		labels map[string]string
		min    float64
	}{
		{"ovcompat_build_info", map[string]string{"version": "v1.2.3-test", "model": "oVirt API model 4.6.1", "goversion": runtime.Version()}, 1},
		{"ovcompat_proxy_rejected_total", map[string]string{"direction": "request"}, 1},
		{"ovcompat_proxy_rejected_total", map[string]string{"direction": "response"}, 1},
		{"ovcompat_proxy_validation_duration_seconds", nil, 2},
	} {
		if v, ok := sample(mfs, tc.name, tc.labels); !ok || v < tc.min {
			t.Errorf("%s%v = %v (present %v), want at least %v", tc.name, tc.labels, v, ok, tc.min)
		}
	}
	if mf := mfs["ovcompat_proxy_validation_duration_seconds"]; mf == nil || mf.GetType() != dto.MetricType_HISTOGRAM {
		t.Error("ovcompat_proxy_validation_duration_seconds is not a histogram")
	}

	// An engine that is not there: one upstream error, by kind.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gone := "http://" + ln.Addr().String()
	ln.Close()
	down := startProxy(t, gone, Config{})
	if resp, _ := get(t, c, "GET", down.url+vmPath, ""); resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("engine down: %d, want 502", resp.StatusCode)
	}
	if v, ok := sample(scrape(t, down.admin), "ovcompat_proxy_upstream_errors_total", map[string]string{"kind": "refused"}); !ok || v != 1 {
		t.Errorf(`ovcompat_proxy_upstream_errors_total{kind="refused"} = %v (present %v), want 1`, v, ok)
	}
}

// jsonLines decodes JSON lines into maps.
func jsonLines(t *testing.T, s string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("not a JSON line: %v: %s", err, sc.Text())
		}
		out = append(out, m)
	}
	return out
}

// TestLogs: the admin address is logged at start; every enforce rejection
// is logged with its exchange and rules; violation lines carry level and msg
// as the slog lines do, so one pipeline reads both.
func TestLogs(t *testing.T) {
	up := engine(t, nil)
	defer up.Close()
	logs := &syncbuf.Buffer{}
	px := startProxy(t, up.URL, Config{Mode: Enforce, EnforceResponses: true,
		Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	c := rawClient()
	get(t, c, "PUT", px.url+vmPath, "<vm><bogus/></vm>", "Content-Type: application/xml", "Correlation-Id: put-1")
	get(t, c, "GET", px.url+"/ovirt-engine/api/vms/bad", "", "Accept: application/xml", "Correlation-Id: get-1")
	if err := px.stop(); err != nil {
		t.Fatal(err)
	}

	find := func(msg string) []map[string]any {
		var out []map[string]any
		for _, l := range jsonLines(t, logs.String()) {
			if l["msg"] == msg {
				out = append(out, l)
			}
		}
		return out
	}
	started := find("proxy listening")
	if len(started) != 1 || started[0]["admin"] != strings.TrimPrefix(px.admin, "http://") {
		t.Errorf("proxy listening: %v, want admin=%s", started, px.admin)
	}
	for _, tc := range []struct{ msg, id, rule, status string }{
		{"request rejected", "put-1", "schema.unknown-element", "400"},
		{"response rejected", "get-1", "schema.unknown-element", "502"},
	} {
		got := find(tc.msg)
		if len(got) != 1 {
			t.Errorf("%d lines %q, want 1", len(got), tc.msg)
			continue
		}
		l := got[0]
		rules, _ := l["rules"].([]any)
		if l["level"] != "WARN" || l["correlation_id"] != tc.id || !slices.Contains(rules, any(tc.rule)) ||
			fmt.Sprint(l["status"]) != tc.status || l["route"] == "" || !strings.HasPrefix(l["first"].(string), tc.rule+" at ") {
			t.Errorf("%s: %v", tc.msg, l)
		}
	}

	vl := jsonLines(t, px.violations.String())
	if len(vl) == 0 {
		t.Fatal("no violation lines")
	}
	levels := map[string]string{"error": "ERROR", "warning": "WARN", "info": "INFO"}
	for _, l := range vl {
		if l["msg"] != "violation" || l["level"] != levels[l["severity"].(string)] || l["time"] == nil {
			t.Errorf("violation line without slog's time, level and msg: %v", l)
		}
	}
}
