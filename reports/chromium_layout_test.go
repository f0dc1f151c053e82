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
// refreshing every second. The reader opens a section, closes the one open
// by default, chooses a filter and scrolls down; then a refresh brings new
// data (the totals change, and a new, worse rule comes first, so every
// section moves down one place). After it the page shows the new data, the
// section opened is still open and the others closed (matched by key, not
// position), the filter keeps its value and hides the new section, and the
// scroll position stays: the page's script, allowed by its hash in the
// Content-Security-Policy, swaps the content in place.
func TestLivePageInChromium(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("chromium not installed (%v): apt-get install -y chromium", err)
	}
	if testing.Short() {
		t.Skip("starts a browser")
	}
	const (
		opened  = "schema.unknown-element GET /vms/{vm_id}"
		arrives = "schema.malformed GET /clusters/{cluster_id}"
	)
	var scrolled atomic.Bool // new data comes only once the reader has chosen and scrolled
	results := func() *Results {
		r := &Results{Run: Run{Kind: "proxy", Target: "http://engine"}, Scenarios: []Scenario{{Name: "live traffic"}}}
		add := func(method, path, route string, v Violation) {
			st := &r.Scenarios[0].Steps
			*st = append(*st, Step{Index: len(*st), Name: fmt.Sprintf("corr-%d", len(*st)), Method: method, Path: path, Route: route, Status: 200, Violations: []Violation{v}})
		}
		for i := range 150 {
			add("GET", fmt.Sprintf("/vms/%d", i), "/vms/{vm_id}", Violation{Rule: "schema.unknown-element", Severity: SeverityError, Location: "/vm/bogus", Reason: "element bogus is not in type Vm"})
		}
		for i := range 3 {
			add("GET", fmt.Sprintf("/hosts/%d", i), "/hosts/{host_id}", Violation{Rule: "schema.missing-element", Severity: SeverityWarning, Location: "/host/name", Reason: "element name is missing"})
		}
		if scrolled.Load() { // what the next refresh brings: a worse rule, sorted first
			for i := range 200 {
				add("GET", fmt.Sprintf("/clusters/%d", i), "/clusters/{cluster_id}", Violation{Rule: "schema.malformed", Severity: SeverityError, Location: "/cluster", Reason: "not well-formed"})
			}
		}
		for i := range r.Scenarios[0].Steps {
			st := &r.Scenarios[0].Steps[i]
			st.Outcome = Judge(st.Violations, nil, "")
		}
		r.Settle()
		return r
	}
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n := served.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		WriteViolationsHTML(w, results(), HTMLOptions{Refresh: 1, Traffic: &Traffic{Requests: n, WithViolations: 150,
			Violations: []RuleRouteCount{{Rule: "schema.unknown-element", Severity: SeverityError, Route: "GET /vms/{vm_id}", Count: 150}}}})
	}))
	defer srv.Close()
	b := startChromium(t)
	b.call(t, b.session, "Emulation.setDeviceMetricsOverride", map[string]any{"width": 420, "height": 800, "deviceScaleFactor": 1, "mobile": false}, nil)
	if errs := b.openURL(t, srv.URL+"/report"); len(errs) > 0 {
		t.Fatalf("console errors (is the script allowed by the policy?):\n%s", strings.Join(errs, "\n"))
	}
	var first string
	b.eval(t, `document.querySelector('[data-total=requests]').textContent`, &first)
	// The reader's choices: open a section, close the one open by default,
	// keep only one rule, scroll down.
	var chose bool
	b.eval(t, `(() => {
		const sec = document.querySelector('details[data-key="`+opened+`"]'), since = document.querySelector('details[data-key="since-start"]');
		if (!sec || !since || sec.open || !since.open) return false;
		sec.querySelector('summary').click(); since.querySelector('summary').click();
		const f = document.getElementById('f-rule'); f.value = 'schema.unknown-element'; f.dispatchEvent(new Event('change'));
		return sec.open && !since.open;
	})()`, &chose)
	if !chose {
		t.Fatalf("the live page has no collapsed section %q and open section \"since-start\" to toggle", opened)
	}
	var y float64
	b.eval(t, `(window.scrollTo(0, 3000), window.scrollY)`, &y)
	if y < 2000 {
		t.Fatalf("the page is too short to scroll: scrollY %v", y)
	}
	scrolled.Store(true)
	deadline := time.Now().Add(20 * time.Second)
	for {
		var now struct {
			Requests string
			Arrived  bool
		}
		b.eval(t, `({Requests: document.querySelector('[data-total=requests]').textContent, Arrived: !!document.querySelector('details[data-key="`+arrives+`"]')})`, &now)
		if now.Requests != first && now.Arrived {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the page did not update in 20 s (requests still %s, new section there: %v, served %d)", now.Requests, now.Arrived, served.Load())
		}
		time.Sleep(200 * time.Millisecond)
	}
	var after struct {
		ScrollY      float64
		Open         []string
		Rule         string
		FirstKey     string
		ArrivedShown bool
		OpenedShown  bool
	}
	b.eval(t, `({ScrollY: window.scrollY, Open: [...document.querySelectorAll('details[data-key][open]')].map(d => d.dataset.key),
		Rule: document.getElementById('f-rule').value, FirstKey: document.querySelector('details.item[data-key]').dataset.key,
		ArrivedShown: document.querySelector('details[data-key="`+arrives+`"]').getClientRects().length > 0,
		OpenedShown: document.querySelector('details[data-key="`+opened+`"]').getClientRects().length > 0})`, &after)
	if after.FirstKey != arrives {
		t.Fatalf("the new data does not reorder the sections (first is %q): the test would not tell keys from positions", after.FirstKey)
	}
	if len(after.Open) != 1 || after.Open[0] != opened {
		t.Errorf("after the update the open sections are %q, want only the one the reader opened, %q", after.Open, opened)
	}
	if after.Rule != "schema.unknown-element" || after.ArrivedShown || !after.OpenedShown {
		t.Errorf("after the update the rule filter is %q (want schema.unknown-element), the new section shown: %v (want hidden), the opened one shown: %v",
			after.Rule, after.ArrivedShown, after.OpenedShown)
	}
	if after.ScrollY != y {
		t.Errorf("the update moved the scroll from %v to %v", y, after.ScrollY)
	}
	var anchor bool
	b.eval(t, `!!document.getElementById(document.querySelector('a[href^="#x-"]').getAttribute('href').slice(1))`, &anchor)
	if !anchor {
		t.Error("a violation's \"first seen\" link leads to no exchange")
	}
	// The live page's filters work as the report's do.
	var reset int
	b.eval(t, `(() => { const f = document.getElementById('f-rule'); f.value = ''; f.dispatchEvent(new Event('change')); return 0; })()`, &reset)
	b.checkFilters(t)
}
