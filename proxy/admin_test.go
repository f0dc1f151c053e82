package proxy

import (
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
	get(t, c, "GET", px.url+vmPath, "", "Accept: application/xml")
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
}
