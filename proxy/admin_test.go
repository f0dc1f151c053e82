package proxy

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

func adminGet(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestAdminEndpoints(t *testing.T) {
	up := engine(t, nil)
	defer up.Close()
	px := startProxy(t, up.URL, Config{})
	c := rawClient()
	get(t, c, "GET", px.url+"/ovirt-engine/api/vms/bad", "", "Accept: application/xml")
	get(t, c, "GET", px.url+vmPath, "", "Accept: application/xml", "Correlation-Id: corr-42")
	// Validation runs beside the stream: wait for it.
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(px.violations.String(), "schema.unknown-element") {
		if time.Now().After(deadline) {
			t.Fatal("violation never reported")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if st, body := adminGet(t, px.admin+"/healthz"); st != 200 || !strings.Contains(body, "ok") {
		t.Errorf("/healthz: %d %s", st, body)
	}
	if st, _ := adminGet(t, px.admin+"/readyz"); st != 200 {
		t.Errorf("/readyz: %d", st)
	}
	st, metrics := adminGet(t, px.admin+"/metrics")
	if st != 200 {
		t.Fatalf("/metrics: %d", st)
	}
	for _, want := range []string{
		`ovcompat_proxy_requests_total{method="GET",route="/vms/{vm_id}",status="200"} 2`,
		`ovcompat_proxy_violations_total{rule="schema.unknown-element",severity="error"} 1`,
		"ovcompat_proxy_validation_duration_seconds_count",
		"ovcompat_proxy_validation_queue_depth",
		"ovcompat_proxy_validation_memory_bytes",
		`ovcompat_proxy_validation_shed_total{reason="queue-full"} 0`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	st, page := adminGet(t, px.admin+"/report")
	if st != 200 || !strings.Contains(page, "schema.unknown-element") || !strings.Contains(page, "/vms/{vm_id}") {
		t.Errorf("/report: %d, no rule or route in the page", st)
	}
	// The live page counts exchanges, not scenarios and steps, leads from
	// a violation to its exchange and its correlation id, and updates in
	// place (a script allowed by its hash) rather than by reloading.
	for _, want := range []string{`data-total="requests">2<`, `href="#x-0"`, `id="x-0"`, "correlation id <code>corr-42</code>", "script-src &#39;sha256-"} {
		if !strings.Contains(page, want) {
			t.Errorf("/report lacks %s", want)
		}
	}
	if strings.Contains(page, `http-equiv="refresh"`) || strings.Contains(page, "Scenarios") {
		t.Error("/report reloads itself or counts scenarios")
	}
	st, body := adminGet(t, px.admin+"/report.json")
	var live struct {
		Kind    string
		Traffic struct {
			Requests       int64 `json:"requests"`
			WithViolations int64 `json:"exchanges_with_violations"`
			Violations     []struct {
				Rule, Route string
				Count       int64
			}
		}
		Exchanges []struct {
			CorrelationID string `json:"correlation_id"`
			Route         string
			Violations    []struct{ Rule string }
		}
	}
	if err := json.Unmarshal([]byte(body), &live); st != 200 || err != nil {
		t.Fatalf("/report.json: %d, %v\n%s", st, err, body)
	}
	perRule := map[string]int64{}
	for _, v := range live.Traffic.Violations {
		if v.Route == "GET /vms/{vm_id}" {
			perRule[v.Rule] += v.Count
		}
	}
	if live.Kind != "proxy" || live.Traffic.Requests != 2 || live.Traffic.WithViolations != 2 || perRule["schema.unknown-element"] != 1 {
		t.Errorf("/report.json traffic: %+v", live.Traffic)
	}
	found := false
	for _, x := range live.Exchanges {
		found = found || x.CorrelationID == "corr-42" && x.Route == "/vms/{vm_id}" && len(x.Violations) > 0
	}
	if len(live.Exchanges) != 2 || !found {
		t.Errorf("/report.json exchanges, want the one of correlation id corr-42 among 2: %+v", live.Exchanges)
	}
}
