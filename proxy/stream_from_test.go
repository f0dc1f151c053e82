package proxy

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
)

// TestStreamFrom: an XML response past streamFrom and under --max-body
// is validated as it streams when no copy of it is recorded (chunked: its
// first streamFrom bytes handed over; sized: from its first byte), with
// the verdict a whole copy gets (its bad value found by path), and held
// whole for the worker when it is recorded (the recording is the whole
// body, never cut). Holding it would be a copy the stream pays for
// (BenchmarkStreamedResponse).
func TestStreamFrom(t *testing.T) {
	const size = 3 * streamFrom
	var paced atomic.Pointer[Proxy]
	sent := make(chan [32]byte, 1)
	up := streamUpstream(t, &paced, sent)
	defer up.Close()
	for _, c := range []struct {
		name     string
		query    string
		record   bool
		streamed int64 // bytes validated as they streamed, at least
	}{
		{"chunked", "", false, size},
		{"sized", "&sized=1", false, size},
		{"chunked/recorded", "", true, 0},
		{"sized/recorded", "&sized=1", true, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := Config{MaxBody: 4 * streamFrom}
			dir := t.TempDir()
			if c.record {
				cfg.RecordDir = dir
			}
			r := startProxy(t, up.URL, cfg)
			paced.Store(r.p)
			defer paced.Store(nil)
			got := fetchDigest(t, r.url+"/ovirt-engine/api/vms?bad=1&size="+strconv.Itoa(size)+c.query)
			if want := <-sent; got != want {
				t.Errorf("the client got a body other than the engine's")
			}
			settle(t, r.p, 1)
			if n := counter(r.p, "ovcompat_proxy_validated_total"); n != 1 {
				t.Errorf("validated %v exchanges, want 1 (shed behind %v)", n, shedBy(r.p, "behind"))
			}
			n := r.p.val.streamedBytes.Load()
			if c.streamed == 0 && n != 0 || c.streamed > 0 && n < c.streamed {
				t.Errorf("%d bytes validated as they streamed, want %d", n, c.streamed)
			}
			var found []string
			for _, v := range violationsOf(t, r) {
				if v.Rule != "rsdl.unknown-param" {
					found = append(found, v.Rule+" at "+v.Location)
				}
			}
			if len(found) != 1 || !strings.HasPrefix(found[0], "schema.invalid-value at "+badPath(size)) {
				t.Errorf("violations %q, want the one bad memory at %s", found, badPath(size))
			}
			if err := r.stop(); err != nil {
				t.Fatal(err)
			}
			hars, _ := filepath.Glob(filepath.Join(dir, "*.har"))
			if !c.record {
				if len(hars) != 0 {
					t.Errorf("recorded %v without --record", hars)
				}
				return
			}
			if len(hars) != 1 {
				t.Fatalf("recorded %v, want one HAR file", hars)
			}
			data, err := os.ReadFile(hars[0])
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(data), badPath(size)) {
				t.Errorf("the recording (%d bytes) does not hold the whole %d-byte body", len(data), size)
			}
		})
	}
}
