package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestHTMLLayoutInChromium opens report.html in headless Chromium at a
// phone's width (420 px) and a wide screen: no sideways scroll, the
// verdict visible without scrolling, "what broke, where" before the
// coverage, and the filters (outcome, resource, rule) hiding exactly the
// items that do not match, without a script in the page.
func TestHTMLLayoutInChromium(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("chromium not installed (%v): apt-get install -y chromium", err)
	}
	if testing.Short() {
		t.Skip("starts a browser")
	}
	dir := t.TempDir()
	_, drop := dropLinks()
	// A failing step with long recorded and received bodies side by side.
	long := "<vms><vm href=\"/ovirt-engine/api/vms/123e4567-e89b-12d3-a456-426614174000\" id=\"123e4567-e89b-12d3-a456-426614174000\"><name>" + strings.Repeat("x", 200) + "</name></vm></vms>"
	drop.Scenarios[0].Steps[0].Transcript = &Transcript{Request: Message{Method: "GET", URL: "/ovirt-engine/api/vms?search=" + strings.Repeat("name%3Dx+or+", 20)},
		Response: Message{Status: 200, Body: strings.ReplaceAll(long, "<name>", "<comment/><name>")}, Recorded: &Message{Status: 200, Body: long}}
	pages := map[string]*Results{"sample.html": sample(), "drop-links.html": drop}
	b := startChromium(t)
	art := t.ArtifactDir()
	for name, r := range pages {
		page := filepath.Join(dir, name)
		writeFile(t, page, func(buf *bytes.Buffer) error { return WriteHTML(buf, r, HTMLOptions{Now: t0}) })
		for _, size := range []struct{ w, h int }{{420, 800}, {1440, 900}} {
			t.Run(fmt.Sprintf("%s at %dx%d", name, size.w, size.h), func(t *testing.T) {
				b.call(t, b.session, "Emulation.setDeviceMetricsOverride", map[string]any{"width": size.w, "height": size.h, "deviceScaleFactor": 1, "mobile": false}, nil)
				if errs := b.open(t, page); len(errs) > 0 {
					t.Errorf("console errors:\n%s", strings.Join(errs, "\n"))
				}
				var lay struct {
					ScrollWidth, InnerWidth, InnerHeight int
					VerdictTop, VerdictBottom            float64
					Broke, Coverage                      float64
					Widest                               string
				}
				var opened int
				b.eval(t, `(() => { const ds = document.querySelectorAll('details'); ds.forEach(d => d.open = true); return ds.length; })()`, &opened)
				b.eval(t, `(() => {
					const v = document.querySelector('[data-total=outcome]').getBoundingClientRect();
					const top = id => { const e = document.getElementById(id); return e ? e.getBoundingClientRect().top : -1; };
					let widest = '';
					for (const e of document.body.querySelectorAll('*')) {
						if (e.getBoundingClientRect().right > window.innerWidth + 1) { widest = e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 60); break; }
					}
					return {ScrollWidth: document.documentElement.scrollWidth, InnerWidth: window.innerWidth, InnerHeight: window.innerHeight,
						VerdictTop: v.top, VerdictBottom: v.bottom, Broke: top('broke'), Coverage: top('charts'), Widest: widest};
				})()`, &lay)
				t.Logf("layout with %d details open: %+v", opened, lay)
				if lay.ScrollWidth > lay.InnerWidth {
					t.Errorf("the page scrolls sideways: %d px of content in %d px (first too wide: %s)", lay.ScrollWidth, lay.InnerWidth, lay.Widest)
				}
				if lay.VerdictTop < 0 || lay.VerdictBottom > float64(lay.InnerHeight) {
					t.Errorf("the verdict is not visible without scrolling: %v..%v of %d", lay.VerdictTop, lay.VerdictBottom, lay.InnerHeight)
				}
				if lay.Broke < 0 || lay.Coverage < lay.Broke {
					t.Errorf("\"what broke, where\" (at %v px) does not come before the charts and coverage (at %v px)", lay.Broke, lay.Coverage)
				}
				if size.w > 1000 && lay.Broke > float64(lay.InnerHeight) {
					t.Errorf("on a wide screen \"what broke, where\" starts below the fold (%v px of %d)", lay.Broke, lay.InnerHeight)
				}
				b.save(t, "Page.captureScreenshot", map[string]any{"format": "png"}, filepath.Join(art, fmt.Sprintf("%s-%d.png", strings.TrimSuffix(name, ".html"), size.w)))
				b.checkFilters(t)
			})
		}
	}
}

// checkFilters chooses every value of every filter in turn and checks
// that exactly the items holding it stay shown.
func (b *browser) checkFilters(t *testing.T) {
	t.Helper()
	hid := false // some choice hid some item: the filters do something
	defer func() {
		if !hid {
			t.Error("no filter value hid any item")
		}
	}()
	for _, f := range []struct{ id, attr string }{{"f-outcome", "outcome"}, {"f-resource", "resource"}, {"f-rule", "rule"}} {
		var values []string
		b.eval(t, `[...document.querySelectorAll('#`+f.id+` option')].map(o => o.value).filter(v => v)`, &values)
		if len(values) == 0 {
			t.Errorf("filter %s offers nothing", f.id)
		}
		for _, v := range values {
			var got struct{ Shown, Want, Wrong, Total int }
			arg, _ := json.Marshal(v)
			b.eval(t, `(() => {
				const s = document.getElementById('`+f.id+`'); s.value = `+string(arg)+`; s.dispatchEvent(new Event('change'));
				const items = [...document.querySelectorAll('.item')];
				const has = e => (e.dataset['`+f.attr+`'] || '').split(' ').includes(`+string(arg)+`);
				const shown = items.filter(e => e.getClientRects().length > 0);
				return {Shown: shown.length, Want: items.filter(has).length, Wrong: shown.filter(e => !has(e)).length, Total: items.length};
			})()`, &got)
			if got.Want == 0 || got.Shown != got.Want || got.Wrong != 0 {
				t.Errorf("filter %s = %q shows %d items (%d not matching), want the %d that match", f.id, v, got.Shown, got.Wrong, got.Want)
			}
			hid = hid || got.Shown < got.Total
		}
		var all struct{ Shown, Total int }
		b.eval(t, `(() => { const s = document.getElementById('`+f.id+`'); s.value = ''; s.dispatchEvent(new Event('change'));
			const items = [...document.querySelectorAll('.item')];
			return {Shown: items.filter(e => e.getClientRects().length > 0).length, Total: items.length}; })()`, &all)
		if all.Shown != all.Total {
			t.Errorf("filter %s back to any shows %d of %d items", f.id, all.Shown, all.Total)
		}
	}
}

// eval evaluates a JavaScript expression in the page and decodes its
// value into out.
func (b *browser) eval(t *testing.T, expr string, out any) {
	t.Helper()
	var res struct {
		Result struct {
			Value json.RawMessage
		}
		ExceptionDetails *struct{ Text string }
	}
	b.call(t, b.session, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true}, &res)
	if res.ExceptionDetails != nil {
		t.Fatalf("evaluate: %s", res.ExceptionDetails.Text)
	}
	if err := json.Unmarshal(res.Result.Value, out); err != nil {
		t.Fatalf("evaluate: %v (%s)", err, res.Result.Value)
	}
}

// TestLivePageInChromium serves the proxy's live page over loopback HTTP,
// refreshing every second, scrolls down, and checks that the page updates
// (the totals change on every request) while the scroll position stays:
// the page's script, allowed by its hash in the Content-Security-Policy,
// swaps the content in place.
func TestLivePageInChromium(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("chromium not installed (%v): apt-get install -y chromium", err)
	}
	if testing.Short() {
		t.Skip("starts a browser")
	}
	r := &Results{Run: Run{Kind: "proxy", Target: "http://engine"}, Scenarios: []Scenario{{Name: "live traffic"}}}
	for i := range 150 {
		r.Scenarios[0].Steps = append(r.Scenarios[0].Steps, Step{Index: i, Name: fmt.Sprintf("corr-%d", i), Method: "GET", Path: fmt.Sprintf("/vms/%d", i), Route: "/vms/{vm_id}", Status: 200,
			Violations: []Violation{{Rule: "schema.unknown-element", Severity: SeverityError, Location: "/vm/bogus", Reason: "element bogus is not in type Vm"}}})
	}
	r.Settle()
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n := served.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		WriteViolationsHTML(w, r, HTMLOptions{Refresh: 1, Traffic: &Traffic{Requests: n, WithViolations: 150}})
	}))
	defer srv.Close()
	b := startChromium(t)
	b.call(t, b.session, "Emulation.setDeviceMetricsOverride", map[string]any{"width": 420, "height": 800, "deviceScaleFactor": 1, "mobile": false}, nil)
	if errs := b.openURL(t, srv.URL+"/report"); len(errs) > 0 {
		t.Fatalf("console errors (is the script allowed by the policy?):\n%s", strings.Join(errs, "\n"))
	}
	var first string
	b.eval(t, `document.querySelector('[data-total=requests]').textContent`, &first)
	var y float64
	b.eval(t, `(window.scrollTo(0, 3000), window.scrollY)`, &y)
	if y < 2000 {
		t.Fatalf("the page is too short to scroll: scrollY %v", y)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		var now string
		b.eval(t, `document.querySelector('[data-total=requests]').textContent`, &now)
		if now != first {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the page did not update in 20 s (requests still %s, served %d)", now, served.Load())
		}
		time.Sleep(200 * time.Millisecond)
	}
	var after float64
	b.eval(t, `window.scrollY`, &after)
	if after != y {
		t.Errorf("the update moved the scroll from %v to %v", y, after)
	}
	var anchor bool
	b.eval(t, `!!document.getElementById(document.querySelector('a[href^="#x-"]').getAttribute('href').slice(1))`, &anchor)
	if !anchor {
		t.Error("a violation's \"first seen\" link leads to no exchange")
	}
}
