package reports

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/websocket"
)

// chromiumPath is Debian's chromium; .ci/run installs it. Tests that need
// it skip when it is absent.
const chromiumPath = "/usr/bin/chromium"

// TestHTMLInChromium opens report.html in headless Chromium over the
// DevTools protocol: no console errors (a CSP violation, a missing asset or
// a script error would be one), the totals the page shows equal those of
// results.json, and it prints. A screenshot and a PDF are saved with the
// test's output (go test -artifacts keeps them).
func TestHTMLInChromium(t *testing.T) {
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("chromium not installed (%v): apt-get install -y chromium", err)
	}
	if testing.Short() {
		t.Skip("starts a browser")
	}
	dir := t.TempDir()
	r := sample()
	var js bytes.Buffer
	if err := Write(&js, r); err != nil {
		t.Fatal(err)
	}
	fromJSON, err := Read(bytes.NewReader(js.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(dir, "report.html")
	writeFile(t, page, func(b *bytes.Buffer) error { return WriteHTML(b, r, HTMLOptions{Now: t0}) })
	live := filepath.Join(dir, "violations.html")
	writeFile(t, live, func(b *bytes.Buffer) error {
		return WriteViolationsHTML(b, r, HTMLOptions{Traffic: &Traffic{Requests: 12, Validated: 11, Shed: 1, WithViolations: 2}})
	})
	// A control page under the same policy with an external image: the
	// harness must see the error it causes, or it would see none anywhere.
	control := filepath.Join(dir, "control.html")
	if err := os.WriteFile(control, []byte(`<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'"></head><body><img src="http://192.0.2.1/x.png"><script>console.error("control")</script></body></html>`), 0o644); err != nil {
		t.Fatal(err)
	}

	b := startChromium(t)
	art := t.ArtifactDir()

	t.Run("control page errors are seen", func(t *testing.T) {
		errs := strings.Join(b.open(t, control), "\n")
		if !strings.Contains(errs, "Content Security Policy") || !strings.Contains(errs, "console.error") {
			t.Fatalf("the control page's CSP violation and console.error were not both reported: the harness would miss errors\n%s", errs)
		}
		t.Logf("control page errors, as expected:\n%s", errs)
	})

	t.Run("report.html", func(t *testing.T) {
		if errs := b.open(t, page); len(errs) > 0 {
			t.Errorf("console errors in report.html:\n%s", strings.Join(errs, "\n"))
		}
		shown := b.totals(t)
		want := expectedTotals(fromJSON.Totals)
		for k, v := range want {
			if shown[k] != v {
				t.Errorf("page shows %s = %q, results.json says %q", k, shown[k], v)
			}
		}
		for k := range shown {
			if _, ok := want[k]; !ok {
				t.Errorf("page shows total %s that the test does not check", k)
			}
		}
		b.save(t, "Page.captureScreenshot", map[string]any{"format": "png", "captureBeyondViewport": true}, filepath.Join(art, "report.png"))
		b.save(t, "Page.printToPDF", map[string]any{"printBackground": true}, filepath.Join(art, "report.pdf"))
		t.Logf("screenshot and PDF in %s", art)
	})

	t.Run("violations.html", func(t *testing.T) {
		if errs := b.open(t, live); len(errs) > 0 {
			t.Errorf("console errors in violations.html:\n%s", strings.Join(errs, "\n"))
		}
		shown := b.totals(t)
		if shown["requests"] != "12" || shown["shed"] != "1" || shown["with_violations"] != "2" {
			t.Errorf("live page totals %v", shown)
		}
		b.save(t, "Page.captureScreenshot", map[string]any{"format": "png", "captureBeyondViewport": true}, filepath.Join(art, "violations.png"))
	})
}

func writeFile(t *testing.T, path string, render func(*bytes.Buffer) error) {
	t.Helper()
	var buf bytes.Buffer
	if err := render(&buf); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// expectedTotals is what the page's data-total cells must show.
func expectedTotals(t *Totals) map[string]string {
	m := map[string]string{"outcome": string(t.Outcome)}
	for _, o := range Outcomes() {
		m["scenarios."+string(o)] = strconv.Itoa(t.Scenarios.Of(o))
		m["steps."+string(o)] = strconv.Itoa(t.Steps.Of(o))
	}
	for _, s := range Severities() {
		m["violations."+string(s)] = strconv.Itoa(t.Violations.Of(s))
	}
	for _, g := range Grades() {
		m["differences."+string(g)] = strconv.Itoa(t.Differences.Of(g))
	}
	m["skipped_comparisons"] = strconv.Itoa(t.SkippedComparisons)
	m["routes_exercised"] = strconv.Itoa(t.RoutesExercised)
	m["routes_total"] = strconv.Itoa(t.RoutesTotal)
	if t.LeftOut > 0 { // shown only when some scenario was left out
		m["left_out"] = strconv.Itoa(t.LeftOut)
	}
	return m
}

// browser is a page of a headless Chromium driven over the DevTools
// protocol.
type browser struct {
	ws      *websocket.Conn
	session string
	mu      sync.Mutex
	nextID  int
	calls   map[int]chan cdpMessage
	events  chan cdpMessage
}

type cdpMessage struct {
	ID     int             `json:"id,omitempty"`
	Method string          `json:"method,omitempty"`
	Params json.RawMessage `json:"params,omitempty"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  *struct {
		Message string `json:"message"`
	} `json:"error,omitempty"`
}

// cdpTimeout bounds each wait on the browser, so that a hung browser fails
// the test instead of hanging it; it asserts nothing about speed.
const cdpTimeout = 60 * time.Second

var devtoolsLine = regexp.MustCompile(`DevTools listening on (ws://[^\s]+)`)

func startChromium(t *testing.T) *browser {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, chromiumPath,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), "--remote-debugging-port=0",
		"--remote-allow-origins=http://127.0.0.1", "--window-size=1280,1800", "about:blank")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	done := make(chan struct{})
	t.Cleanup(func() {
		cancel()
		<-done
	})
	found := make(chan string, 1)
	go func() {
		defer close(done)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := devtoolsLine.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
		cmd.Wait()
	}()
	var browserURL string
	select {
	case browserURL = <-found:
	case <-done:
		t.Fatal("chromium exited before its DevTools endpoint was up")
	case <-time.After(cdpTimeout):
		t.Fatal("chromium did not print its DevTools endpoint")
	}
	ws, err := websocket.Dial(browserURL, "", "http://127.0.0.1")
	if err != nil {
		t.Fatalf("connect to %s: %v", browserURL, err)
	}
	ws.MaxPayloadBytes = 256 << 20
	t.Cleanup(func() { ws.Close() })
	b := &browser{ws: ws, calls: map[int]chan cdpMessage{}, events: make(chan cdpMessage, 1024)}
	go b.read()
	// Drive one page through a flattened session on the browser socket.
	var created struct{ TargetID string }
	b.call(t, "", "Target.createTarget", map[string]any{"url": "about:blank"}, &created)
	var attached struct{ SessionID string }
	b.call(t, "", "Target.attachToTarget", map[string]any{"targetId": created.TargetID, "flatten": true}, &attached)
	b.session = attached.SessionID
	for _, domain := range []string{"Runtime.enable", "Log.enable", "Page.enable"} {
		b.call(t, b.session, domain, nil, nil)
	}
	return b
}

func (b *browser) read() {
	for {
		var raw []byte
		if err := websocket.Message.Receive(b.ws, &raw); err != nil {
			close(b.events)
			return
		}
		var m cdpMessage
		if json.Unmarshal(raw, &m) != nil {
			continue
		}
		if m.ID != 0 {
			b.mu.Lock()
			ch := b.calls[m.ID]
			delete(b.calls, m.ID)
			b.mu.Unlock()
			if ch != nil {
				ch <- m
			}
			continue
		}
		select {
		case b.events <- m:
		default: // nobody is listening for so many events: drop
		}
	}
}

// call sends a command (to the page's session when session is set) and
// decodes its result into out.
func (b *browser) call(t *testing.T, session, method string, params, out any) {
	t.Helper()
	b.mu.Lock()
	b.nextID++
	id := b.nextID
	ch := make(chan cdpMessage, 1)
	b.calls[id] = ch
	b.mu.Unlock()
	msg := map[string]any{"id": id, "method": method}
	if params != nil {
		msg["params"] = params
	}
	if session != "" {
		msg["sessionId"] = session
	}
	if err := websocket.JSON.Send(b.ws, msg); err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	select {
	case m := <-ch:
		if m.Error != nil {
			t.Fatalf("%s: %s", method, m.Error.Message)
		}
		if out != nil {
			if err := json.Unmarshal(m.Result, out); err != nil {
				t.Fatalf("%s: %v", method, err)
			}
		}
	case <-time.After(cdpTimeout):
		t.Fatalf("%s: no answer from chromium", method)
	}
}

// open loads a file, waits for its load event, and returns the console
// errors, exceptions and failed loads seen meanwhile.
func (b *browser) open(t *testing.T, path string) []string {
	t.Helper()
	return b.openURL(t, "file://"+path)
}

// openURL loads a URL like open.
func (b *browser) openURL(t *testing.T, url string) []string {
	t.Helper()
	for len(b.events) > 0 {
		<-b.events
	}
	b.call(t, b.session, "Page.navigate", map[string]any{"url": url}, nil)
	var errs []string
	deadline := time.After(cdpTimeout)
	loaded := false
	for !loaded {
		select {
		case ev, ok := <-b.events:
			if !ok {
				t.Fatal("chromium closed the connection")
			}
			loaded = ev.Method == "Page.loadEventFired"
			if e := eventError(ev); e != "" {
				errs = append(errs, e)
			}
		case <-deadline:
			t.Fatalf("%s did not load", url)
		}
	}
	// Errors reported just after the load event (late CSP reports) are
	// flushed by a round trip through the page.
	b.call(t, b.session, "Runtime.evaluate", map[string]any{"expression": "1"}, nil)
	for len(b.events) > 0 {
		if e := eventError(<-b.events); e != "" {
			errs = append(errs, e)
		}
	}
	return errs
}

func eventError(ev cdpMessage) string {
	switch ev.Method {
	case "Runtime.consoleAPICalled":
		var p struct {
			Type string
			Args []struct{ Value any }
		}
		json.Unmarshal(ev.Params, &p)
		if p.Type == "error" || p.Type == "assert" {
			return fmt.Sprintf("console.%s: %v", p.Type, p.Args)
		}
	case "Runtime.exceptionThrown":
		return "exception: " + string(ev.Params)
	case "Log.entryAdded":
		var p struct {
			Entry struct{ Level, Source, Text, URL string }
		}
		json.Unmarshal(ev.Params, &p)
		if p.Entry.Level == "error" {
			return fmt.Sprintf("%s: %s %s", p.Entry.Source, p.Entry.Text, p.Entry.URL)
		}
	}
	return ""
}

// totals reads every data-total cell of the page.
func (b *browser) totals(t *testing.T) map[string]string {
	t.Helper()
	var res struct {
		Result struct{ Value string }
	}
	b.call(t, b.session, "Runtime.evaluate", map[string]any{
		"expression":    `JSON.stringify(Object.fromEntries([...document.querySelectorAll('[data-total]')].map(e => [e.dataset.total, e.textContent.trim()])))`,
		"returnByValue": true,
	}, &res)
	m := map[string]string{}
	if err := json.Unmarshal([]byte(res.Result.Value), &m); err != nil {
		t.Fatalf("totals: %v", err)
	}
	return m
}

// save runs a command that answers base64 data (a screenshot, a PDF) and
// writes it to path.
func (b *browser) save(t *testing.T, method string, params map[string]any, path string) {
	t.Helper()
	var res struct{ Data string }
	b.call(t, b.session, method, params, &res)
	data, err := base64.StdEncoding.DecodeString(res.Data)
	if err != nil || len(data) == 0 {
		t.Fatalf("%s: %d bytes, %v", method, len(data), err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
