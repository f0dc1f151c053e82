package proxy

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/har"
)

// vmsEngine answers every request with the same 4 KiB VM.
func vmsEngine() (*httptest.Server, string) {
	body := `<vm href="/ovirt-engine/api/vms/1" id="1"><name>v</name><description>` + strings.Repeat("x", 4<<10) + `</description></vm>`
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprint(w, body)
	})), body
}

// TestRecordLimit: through the real proxy, the recordings folder never
// grows past --record-limit (HAR files and scenarios together); past it the
// recording stops, logged once and counted, every file left is whole, and
// every client still gets its full answer.
func TestRecordLimit(t *testing.T) {
	up, body := vmsEngine()
	defer up.Close()
	dir := t.TempDir()
	const limit, requests = 48 << 10, 40
	px := startProxy(t, up.URL, Config{RecordDir: dir, RecordScenarios: true, RecordLimit: limit})
	c := rawClient()
	for i := range requests {
		resp, got := get(t, c, "GET", fmt.Sprintf("%s/ovirt-engine/api/vms/%d", px.url, i), "")
		if resp.StatusCode != http.StatusOK || string(got) != body {
			t.Fatalf("request %d: %d, %d bytes: the limit reached the traffic", i, resp.StatusCode, len(got))
		}
	}
	if err := px.stop(); err != nil {
		t.Fatal(err)
	}
	size, err := dirSize(dir)
	if err != nil {
		t.Fatal(err)
	}
	if size > limit {
		t.Errorf("the recordings hold %d bytes, past the limit of %d", size, limit)
	}
	recorded := counter(px.p, "ovcompat_proxy_recorded_total")
	capped := counter(px.p, "ovcompat_proxy_record_capped_total")
	if recorded == 0 || capped == 0 || recorded+capped+counter(px.p, "ovcompat_proxy_record_dropped_total") != requests {
		t.Errorf("recorded %v, capped %v of %d exchanges: want some of each, all counted", recorded, capped, requests)
	}
	entries := 0
	files, _ := filepath.Glob(filepath.Join(dir, "*.har"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		h, err := har.Parse(data)
		if err != nil {
			t.Fatalf("%s is not whole: %v", filepath.Base(f), err)
		}
		entries += len(h.Log.Entries)
	}
	if float64(entries) != recorded {
		t.Errorf("%d entries in the HAR files, ovcompat_proxy_recorded_total = %v", entries, recorded)
	}
	if n := strings.Count(px.logs.String(), "recording stopped"); n != 1 {
		t.Errorf("logged %d times that the recording stopped, want once:\n%s", n, px.logs)
	}
}

// TestRecordLimitCountsWhatIsThere: recordings an earlier run left in the
// folder (an emptyDir outlives its container) count against the limit.
func TestRecordLimitCountsWhatIsThere(t *testing.T) {
	up, _ := vmsEngine()
	defer up.Close()
	dir := t.TempDir()
	earlier := bytes.Repeat([]byte("x"), 20<<10)
	if err := os.WriteFile(filepath.Join(dir, "ovcompat-earlier-0001.har"), earlier, 0o600); err != nil {
		t.Fatal(err)
	}
	px := startProxy(t, up.URL, Config{RecordDir: dir, RecordLimit: 16 << 10})
	for i := range 3 {
		if resp, _ := get(t, rawClient(), "GET", px.url+"/ovirt-engine/api/vms/1", ""); resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d: %d", i, resp.StatusCode)
		}
	}
	if err := px.stop(); err != nil {
		t.Fatal(err)
	}
	if got := counter(px.p, "ovcompat_proxy_record_capped_total"); got != 3 {
		t.Errorf("ovcompat_proxy_record_capped_total = %v, want 3", got)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "*")); len(files) != 1 {
		t.Errorf("the folder holds %v, want only the earlier recording", files)
	}
	if !strings.Contains(px.logs.String(), "recording stopped") {
		t.Errorf("not logged:\n%s", px.logs)
	}
}
