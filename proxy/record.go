package proxy

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/ovcompat/ovcompat/har"
	"github.com/ovcompat/ovcompat/redact"
	"github.com/ovcompat/ovcompat/scenario"
	"github.com/ovcompat/ovcompat/scenario/harimport"
)

// entriesPerFile is how many exchanges one HAR file holds: each file is
// closed, and so valid, once full, so a crash loses at most the last.
const entriesPerFile = 1000

// recorder writes exchanges as HAR 1.2, redacted before anything reaches
// the disk, and each finished HAR file again as a scenario (the format
// `ovcompat replay` runs). It runs on its own goroutine behind a bounded
// queue. The folder never grows past limit bytes (files there at start
// included): past it, recording stops for good (see full).
type recorder struct {
	dir     string
	version string
	maxBody int64
	limit   int64
	log     *slog.Logger
	met     *metrics
	queue   chan *exchange
	mu      sync.RWMutex // guards closed against submit
	closed  bool
	done    chan struct{}
	stopped atomic.Bool // the folder reached limit: nothing more is recorded

	// scenarios: each closed HAR file is also written as a scenario.
	scenarios bool
	credit    string

	// owned by the writing goroutine
	used    int64 // bytes in the folder, the current file's included
	name    string
	f       *os.File
	w       *bufio.Writer
	n       int
	files   int
	stamp   string
	lastErr error
}

// newRecorder records into cfg.RecordDir; credit names where the traffic
// came from in the scenarios.
func newRecorder(cfg Config, credit string, met *metrics) (*recorder, error) {
	if err := os.MkdirAll(cfg.RecordDir, 0o750); err != nil {
		return nil, fmt.Errorf("proxy: --record: %w", err)
	}
	used, err := dirSize(cfg.RecordDir)
	if err != nil {
		return nil, fmt.Errorf("proxy: --record: %w", err)
	}
	r := &recorder{dir: cfg.RecordDir, version: cfg.ToolVersion, maxBody: cfg.MaxBody, limit: cfg.RecordLimit, used: used,
		log: cfg.Logger, met: met, queue: make(chan *exchange, 4096), done: make(chan struct{}),
		stamp: time.Now().UTC().Format("20060102T150405"), scenarios: cfg.RecordScenarios, credit: credit}
	if r.version == "" {
		r.version = "dev"
	}
	if used >= r.limit {
		r.full()
	}
	go r.run()
	return r, nil
}

// submit queues x for recording without waiting.
func (r *recorder) submit(x *exchange) {
	if r.stopped.Load() {
		r.met.recordCapped.Inc()
		x.done()
		return
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	if !r.closed {
		select {
		case r.queue <- x:
			return
		default:
		}
	}
	r.met.recordDropped.Inc()
	x.done()
}

func (r *recorder) run() {
	defer close(r.done)
	for x := range r.queue {
		if r.stopped.Load() {
			r.met.recordCapped.Inc()
			x.done()
			continue
		}
		e := harEntry(x, r.maxBody)
		x.done()
		err := r.write(e)
		switch {
		case err == nil:
			r.met.recorded.Inc()
		case errors.Is(err, errRecordFull):
			r.met.recordCapped.Inc()
			r.full()
			err = r.closeFile()
		}
		if err != nil && r.lastErr == nil {
			r.lastErr = err
			r.log.Error("recording failed", "dir", r.dir, "error", err)
		}
	}
	if err := r.closeFile(); err != nil {
		r.log.Error("recording failed", "dir", r.dir, "error", err)
	}
}

// harTail closes a HAR file's entries; write keeps room for it.
const harTail = "\n]}}\n"

func (r *recorder) write(e *har.Entry) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // bodies stay readable: <vm>, not \u003cvm\u003e
	if err := enc.Encode(e); err != nil {
		return fmt.Errorf("record: %w", err)
	}
	entry := bytes.TrimSuffix(b.Bytes(), []byte("\n"))
	var head []byte
	if r.f == nil {
		creator, _ := json.Marshal(har.Creator{Name: "ovcompat proxy", Version: r.version})
		head = fmt.Appendf(nil, "{\"log\": {\"version\": \"1.2\", \"creator\": %s, \"entries\": [\n", creator)
	}
	sep := ""
	if r.n > 0 {
		sep = ",\n"
	}
	if !r.fits(int64(len(head) + len(sep) + len(entry) + len(harTail))) {
		return errRecordFull
	}
	if r.f == nil {
		r.files++
		name := filepath.Join(r.dir, fmt.Sprintf("ovcompat-%s-%04d.har", r.stamp, r.files))
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("record: %w", err)
		}
		r.name, r.f, r.w, r.n = name, f, bufio.NewWriter(f), 0
		r.w.Write(head)
	}
	r.w.WriteString(sep)
	r.w.Write(entry)
	r.used += int64(len(head) + len(sep) + len(entry))
	r.n++
	if r.n >= entriesPerFile {
		return r.closeFile()
	}
	return r.w.Flush()
}

func (r *recorder) closeFile() error {
	if r.f == nil {
		return nil
	}
	r.w.WriteString(harTail)
	r.used += int64(len(harTail))
	err := r.w.Flush()
	if cerr := r.f.Close(); err == nil {
		err = cerr
	}
	r.f = nil
	if err != nil {
		return fmt.Errorf("record: %w", err)
	}
	if r.scenarios {
		return r.writeScenario(r.name)
	}
	return nil
}

// writeScenario writes a closed HAR file again as a scenario beside it:
// ids captured as variables, cleanup steps, the SSO exchanges left out
// (scenario.Build), so that `ovcompat replay` can run it.
func (r *recorder) writeScenario(harFile string) error {
	exs, err := harimport.ReadFile(harFile)
	if err != nil {
		return fmt.Errorf("record: scenario: %w", err)
	}
	name := strings.TrimSuffix(filepath.Base(harFile), ".har")
	sc, err := scenario.Build(exs, scenario.BuildOptions{Name: name, Credit: r.credit,
		Labels: scenario.Labels{Source: "recorded"}})
	if err != nil {
		return fmt.Errorf("record: scenario %s: %w", name, err)
	}
	if len(sc.Steps) == 0 {
		return nil // only SSO or nothing the API serves
	}
	data, err := scenario.Marshal(sc)
	if err != nil {
		return fmt.Errorf("record: scenario %s: %w", name, err)
	}
	if !r.fits(int64(len(data))) {
		r.full()
		return nil
	}
	if _, err := scenario.WriteFile(r.dir, sc); err != nil {
		return fmt.Errorf("record: %w", err)
	}
	r.used += int64(len(data))
	return nil
}

// close writes what is queued and closes the last file.
func (r *recorder) close() {
	r.mu.Lock()
	if !r.closed {
		r.closed = true
		close(r.queue)
	}
	r.mu.Unlock()
	<-r.done
}

// harEntry builds the redacted HAR entry of an exchange.
func harEntry(x *exchange, maxBody int64) *har.Entry {
	e := &har.Entry{StartedDateTime: x.start.UTC().Format("2006-01-02T15:04:05.000Z07:00"),
		Time: float64(x.end.Sub(x.start).Microseconds()) / 1000}
	e.Timings.Wait = e.Time
	u := url.URL{Scheme: x.scheme, Host: x.host, Path: "/", RawQuery: redact.Query(x.rawQuery)}
	rawPath := redact.Path(x.path)
	if p, err := url.PathUnescape(rawPath); err == nil {
		u.Path, u.RawPath = p, rawPath
	}
	e.Request = har.Request{Method: x.method, URL: u.String(), HTTPVersion: x.proto, Cookies: []har.Cookie{},
		Headers: harHeaders(x.reqHeader), QueryString: harQuery(u.RawQuery), HeadersSize: -1, BodySize: -1}
	var notes []string
	reqData, _, reqTrunc := x.requestBody()
	if len(reqData) > 0 {
		ctype := x.reqHeader.Get("Content-Type")
		e.Request.PostData = &har.PostData{MimeType: ctype, Text: string(redact.Body(ctype, reqData))}
		e.Request.BodySize = int64(len(reqData))
		if !utf8.ValidString(e.Request.PostData.Text) {
			e.Request.PostData.Text = ""
			notes = append(notes, "request body not recorded: not text")
		}
	}
	if reqTrunc {
		notes = append(notes, fmt.Sprintf("request body cut at %d bytes", maxBody))
	}
	e.Response = har.Response{Status: x.status, StatusText: http.StatusText(x.status), HTTPVersion: x.proto,
		Cookies: []har.Cookie{}, Headers: []har.Header{}, HeadersSize: -1, BodySize: -1}
	switch {
	case x.own && x.engineStatus != 0:
		notes = append(notes, fmt.Sprintf("the engine answered this; ovcompat answered %d instead (%s)", x.status, x.ownReason))
		e.Response.Status, e.Response.StatusText = x.engineStatus, http.StatusText(x.engineStatus)
	case x.own:
		notes = append(notes, "answered by ovcompat, the engine never answered: "+x.ownReason)
		e.Response.Headers = []har.Header{}
		e.Comment = strings.Join(notes, "; ")
		return e
	}
	e.Response.Headers = harHeaders(x.respHeader)
	e.Response.RedirectURL = redact.URL(x.respHeader.Get("Location"))
	ctype := x.respHeader.Get("Content-Type")
	e.Response.Content.MimeType = ctype
	data, truncated, enc, wire := x.responseBody(maxBody)
	if enc != "" {
		e.Response.BodySize = int64(wire)
		if data == nil {
			// Never store bytes that could not be decoded and redacted.
			notes = append(notes, "response body not recorded: its "+enc+" encoding could not be decoded")
		}
	}
	if len(data) > 0 {
		text := redact.Body(ctype, data)
		e.Response.Content.Size = int64(len(data))
		if utf8.Valid(text) {
			e.Response.Content.Text = string(text)
		} else {
			e.Response.Content.Text, e.Response.Content.Encoding = base64.StdEncoding.EncodeToString(text), "base64"
		}
	}
	if truncated {
		notes = append(notes, fmt.Sprintf("response body cut at %d bytes", maxBody))
	}
	e.Comment = strings.Join(notes, "; ")
	return e
}

// harHeaders lists headers, redacted, sorted by name for stable output.
func harHeaders(h http.Header) []har.Header {
	out := []har.Header{}
	for k, vs := range h {
		for _, v := range vs {
			if k == "User-Agent" && v == "" {
				continue // the proxy's marker for "no User-Agent"
			}
			out = append(out, har.Header{Name: k, Value: redact.HeaderValue(k, v)})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func harQuery(raw string) []har.Header {
	out := []har.Header{}
	for _, kv := range strings.Split(raw, "&") {
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		ku, err1 := url.QueryUnescape(k)
		vu, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			ku, vu = k, v
		}
		out = append(out, har.Header{Name: ku, Value: vu})
	}
	return out
}
