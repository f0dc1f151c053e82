package proxy

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ovcompat/ovcompat/schema"
)

// spend reserves the whole budget, as checks of hostile bodies would,
// until the returned function (or the test's end) gives it back.
func spend(t *testing.T, p *Proxy) (release func()) {
	t.Helper()
	r, err := p.cmem.reserve(context.Background(), int(p.cmem.size))
	if err != nil {
		t.Fatal(err)
	}
	release = sync.OnceFunc(r)
	t.Cleanup(release)
	return release
}

// waitHeld waits until the checks hold want bytes of the budget.
func waitHeld(t *testing.T, p *Proxy, want int64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for p.cmem.held.Load() != want {
		if time.Now().After(deadline) {
			t.Fatalf("the checks hold %d bytes, want %d", p.cmem.held.Load(), want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestInlineChecksWaitForValidationMemory: enforce mode's inline checks
// reserve what their bodies may cost from the validation memory budget and
// wait while it is spent, which bounds how many run at once (issue 16 item
// 2: four hostile POSTs at once pushed an enforcing proxy past 9 GB). A
// request without a body costs nothing and passes meanwhile; a client that
// goes away while its check waits is answered by nobody, the engine sees
// nothing and the budget is whole again.
func TestInlineChecksWaitForValidationMemory(t *testing.T) {
	var s seen
	up := engine(t, &s)
	defer up.Close()
	const budget = 1 << 20
	px := startProxy(t, up.URL, Config{Mode: Enforce, ValidationBytes: budget})
	c := rawClient()

	hold := spend(t, px.p)
	if _, metrics := get(t, c, "GET", px.admin+"/metrics", ""); !strings.Contains(string(metrics), "ovcompat_proxy_validation_memory_bytes 1.048576e+06") {
		t.Error("the gauge does not show the budget spent")
	}
	const clients = 4
	statuses := make(chan int, clients)
	for range clients {
		go func() {
			req, _ := http.NewRequest("PUT", px.url+vmPath, strings.NewReader("<vm><bogus/></vm>"))
			req.Header.Set("Content-Type", "application/xml")
			resp, err := c.Do(req)
			if err != nil {
				statuses <- 0
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			statuses <- resp.StatusCode
		}()
	}
	if resp, body := get(t, c, "GET", px.url+vmPath, "", "Accept: application/xml"); resp.StatusCode != 200 {
		t.Errorf("a GET while the budget is spent: %d %s, want 200", resp.StatusCode, body)
	}
	select {
	case st := <-statuses:
		t.Fatalf("a check ran while the budget was spent (answered %d)", st)
	case <-time.After(300 * time.Millisecond):
	}
	hold()
	for range clients {
		if st := <-statuses; st != http.StatusBadRequest {
			t.Errorf("status %d once memory was free, want 400", st)
		}
	}
	if s.count() != 1 {
		t.Errorf("the engine saw %d requests, want 1 (the GET)", s.count())
	}
	waitHeld(t, px.p, 0)

	// A client that gives up while its check waits.
	hold = spend(t, px.p)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "PUT", px.url+vmPath, strings.NewReader("<vm><name>x</name></vm>"))
	req.Header.Set("Content-Type", "application/xml")
	if resp, err := c.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("answered %d while the budget was spent", resp.StatusCode)
	}
	deadline := time.Now().Add(10 * time.Second)
	for labelled(px.p, "ovcompat_proxy_requests_total", "status", "499") != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the waiting check of a client that went away was not ended (no 499 counted)")
		}
		time.Sleep(5 * time.Millisecond)
	}
	hold()
	waitHeld(t, px.p, 0)
	if s.count() != 1 {
		t.Errorf("the engine saw %d requests, want 1", s.count())
	}
}

// TestCheckMemoryReserve: a check reserves schema.Cost of its bodies; one
// that costs more than the whole budget takes all of it (it runs alone);
// a check without bodies never waits, even behind a waiting one.
func TestCheckMemoryReserve(t *testing.T) {
	m := newCheckMemory(schema.Cost(1000))
	small, err := m.reserve(context.Background(), 100, 0, 200)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.held.Load(); got != schema.Cost(300) {
		t.Errorf("held %d, want schema.Cost(300) = %d", got, schema.Cost(300))
	}
	// One larger than the budget waits for all of it.
	big := make(chan func())
	go func() {
		release, err := m.reserve(context.Background(), 1<<30)
		if err != nil {
			t.Error(err)
		}
		big <- release
	}()
	for m.sem.TryAcquire(0) { // until it waits
		time.Sleep(time.Millisecond)
	}
	// A bodiless check passes although one waits ahead of it.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	none, err := m.reserve(ctx, 0, 0)
	if err != nil {
		t.Fatalf("a check without bodies waited: %v", err)
	}
	none()
	small()
	release := <-big
	if got := m.held.Load(); got != m.size {
		t.Errorf("an oversized check holds %d, want the whole budget %d", got, m.size)
	}
	gone, cancelGone := context.WithCancel(context.Background())
	cancelGone()
	if _, err := m.reserve(gone, 1); err == nil {
		t.Error("a check reserved memory for a client that went away while the budget was spent")
	}
	release()
	if got := m.held.Load(); got != 0 {
		t.Errorf("held %d after every release, want 0", got)
	}
}
