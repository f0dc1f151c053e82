package imageio

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// fixture is a Server on a loopback listener.
type fixture struct {
	t   *testing.T
	s   *Server
	url string
	c   *http.Client
}

func newFixture(t *testing.T, o Options) *fixture {
	t.Helper()
	if o.Dir == "" {
		o.Dir = t.TempDir()
	}
	s := New(o)
	srv := httptest.NewServer(s)
	t.Cleanup(func() {
		srv.Close()
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return &fixture{t: t, s: s, url: srv.URL, c: srv.Client()}
}

func (f *fixture) ticket(t Ticket) {
	f.t.Helper()
	if err := f.s.AddTicket(t); err != nil {
		f.t.Fatal(err)
	}
}

// response is an answer read whole.
type response struct {
	status int
	header http.Header
	body   []byte
	close  bool // the server closes the connection after it
}

func (r response) String() string { return fmt.Sprintf("%d %q", r.status, r.body) }

// do sends a request; header is "Name: value" lines.
func (f *fixture) do(method, path string, body []byte, header ...string) response {
	f.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, f.url+path, rd)
	if err != nil {
		f.t.Fatal(err)
	}
	for _, h := range header {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	resp, err := f.c.Do(req)
	if err != nil {
		f.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		f.t.Fatalf("%s %s: read: %v", method, path, err)
	}
	return response{resp.StatusCode, resp.Header, data, resp.Close}
}

func randomBytes(t *testing.T, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

const mib = 1 << 20

// TestUploadDownload uploads an image as ovirt-imageio's client does and
// downloads it back. The client's requests (ovirt_imageio/_internal/
// backends/http.py): OPTIONS on the transfer URL; PUT path + "?flush=n"
// with "content-range: bytes {start}-{end}/*" and content-type
// application/octet-stream, expecting 200; PATCH {"op": "zero", "offset",
// "size", "flush": false} and {"op": "flush"}, expecting 200; GET with
// "range: bytes={start}-{end}", expecting 206 and a content-length equal
// to the length asked.
func TestUploadDownload(t *testing.T) {
	f := newFixture(t, Options{})
	const size = 6 * mib
	f.ticket(Ticket{ID: "up", TransferID: "tr-1", Image: "disk-1", Size: size, Ops: Write})
	if r := f.do("OPTIONS", "/images/up", nil); r.status != 200 {
		t.Fatalf("OPTIONS: %v", r)
	}
	img := randomBytes(t, size)
	// Data in 1 MiB chunks except a hole at [2, 3) MiB, sent as a zero.
	for off := 0; off < size; off += mib {
		if off == 2*mib {
			msg := fmt.Sprintf(`{"op": "zero", "offset": %d, "size": %d, "flush": false}`, off, mib)
			if r := f.do("PATCH", "/images/up", []byte(msg), "Content-Type: application/json"); r.status != 200 {
				t.Fatalf("PATCH zero: %v", r)
			}
			clear(img[off : off+mib])
			continue
		}
		r := f.do("PUT", "/images/up?flush=n", img[off:off+mib],
			"Content-Type: application/octet-stream", fmt.Sprintf("Content-Range: bytes %d-%d/*", off, off+mib-1))
		if r.status != 200 || len(r.body) != 0 {
			t.Fatalf("PUT at %d: %v", off, r)
		}
	}
	if r := f.do("PATCH", "/images/up", []byte(`{"op": "flush"}`), "Content-Type: application/json"); r.status != 200 {
		t.Fatalf("PATCH flush: %v", r)
	}
	if got := f.s.Usage("disk-1"); got != (Usage{Data: 5 * mib, End: size}) {
		t.Errorf("Usage %+v, want %d bytes of data (the zeroed MiB holds none) ending at %d", got, 5*mib, size)
	}

	// A download ticket of the same image reads what was uploaded.
	f.ticket(Ticket{ID: "down", TransferID: "tr-2", Image: "disk-1", Size: size, Ops: Read, Filename: "disk.raw"})
	r := f.do("GET", "/images/down", nil)
	if r.status != 200 || !bytes.Equal(r.body, img) {
		t.Fatalf("GET whole: status %d, %d bytes, same %v", r.status, len(r.body), bytes.Equal(r.body, img))
	}
	if h := r.header; h.Get("Content-Type") != "application/octet-stream" || h.Get("Content-Disposition") != "attachment; filename=disk.raw" || h.Get("Content-Range") != "" {
		t.Errorf("GET whole headers %v", h)
	}
	for _, rg := range []struct {
		header       string
		first, last  int
		contentRange string
	}{
		{"bytes=0-99", 0, 99, "bytes 0-99/6291456"},
		{"bytes=1048570-2097160", 1048570, 2097160, "bytes 1048570-2097160/6291456"},
		{"bytes=6291455-", 6291455, 6291455, "bytes 6291455-6291455/6291456"},
		{"bytes=5242880-", 5242880, size - 1, "bytes 5242880-6291455/6291456"},
	} {
		r := f.do("GET", "/images/down", nil, "Range: "+rg.header)
		want := img[rg.first : rg.last+1]
		if r.status != 206 || !bytes.Equal(r.body, want) || r.header.Get("Content-Range") != rg.contentRange ||
			r.header.Get("Content-Length") != fmt.Sprint(len(want)) {
			t.Errorf("GET %s: status %d, %d bytes (want %d), same %v, headers %v", rg.header, r.status, len(r.body), len(want), bytes.Equal(r.body, want), r.header)
		}
	}
}

// TestConcurrentWriters uploads with max_writers connections at once, as
// the client does when OPTIONS allows it.
func TestConcurrentWriters(t *testing.T) {
	f := newFixture(t, Options{})
	const size, chunk = 4 * mib, 256 << 10
	f.ticket(Ticket{ID: "up", Image: "d", Size: size, Ops: Write})
	img := randomBytes(t, size)
	var wg sync.WaitGroup
	errs := make(chan string, size/chunk)
	for w := range DefaultMaxConnections {
		wg.Go(func() {
			for off := w * chunk; off < size; off += DefaultMaxConnections * chunk {
				req, _ := http.NewRequest("PUT", f.url+"/images/up?flush=n", bytes.NewReader(img[off:off+chunk]))
				req.Header.Set("Content-Range", fmt.Sprintf("bytes %d-%d/*", off, off+chunk-1))
				resp, err := f.c.Do(req)
				if err != nil {
					errs <- err.Error()
					return
				}
				resp.Body.Close()
				if resp.StatusCode != 200 {
					errs <- resp.Status
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if r := f.do("GET", "/images/up", nil); !bytes.Equal(r.body, img) {
		t.Fatalf("download differs from upload: %v", r.status)
	}
	if f.s.Used() != size || f.s.Usage("d").Data != size {
		t.Errorf("Used %d, Usage %+v, want %d", f.s.Used(), f.s.Usage("d"), size)
	}
}

func TestOptions(t *testing.T) {
	f := newFixture(t, Options{MaxConnections: 4})
	f.ticket(Ticket{ID: "rw", Image: "d", Size: 10, Ops: Write})
	f.ticket(Ticket{ID: "ro", Image: "d", Size: 10, Ops: Read})
	f.ticket(Ticket{ID: "file", Image: "d", Size: 10, Ops: Write, Backend: File})
	// images.py options(): "*" reports the server's features, a ticket
	// its own, with the backend's max_readers and max_writers; no
	// unix_socket without a local service. Bodies are json.dumps + "\n".
	for _, tc := range []struct{ ticket, allow, body string }{
		{"*", "OPTIONS,GET,PUT,PATCH", `{"features": ["extents", "flush", "zero"]}`},
		{"rw", "OPTIONS,GET,PUT,PATCH", `{"features": ["extents", "flush", "zero"], "max_readers": 4, "max_writers": 4}`},
		{"ro", "OPTIONS,GET", `{"features": ["extents"], "max_readers": 4, "max_writers": 4}`},
		// FileBackend.max_writers: "Zeroing and trimming qcow2 format grows
		// the file and assumes a single writer."
		{"file", "OPTIONS,GET,PUT,PATCH", `{"features": ["extents", "flush", "zero"], "max_readers": 4, "max_writers": 1}`},
	} {
		r := f.do("OPTIONS", "/images/"+tc.ticket, nil)
		if r.status != 200 || string(r.body) != tc.body+"\n" || r.header.Get("Allow") != tc.allow || r.header.Get("Content-Type") != "application/json" {
			t.Errorf("OPTIONS %s: %v, Allow %q", tc.ticket, r, r.header.Get("Allow"))
		}
	}
	// cors.py: a browser's preflight gets the CORS headers.
	r := f.do("OPTIONS", "/images/rw", nil, "Origin: https://engine", "Access-Control-Request-Method: PUT", "Access-Control-Request-Headers: content-range")
	for k, v := range map[string]string{"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "OPTIONS,GET,PUT",
		"Access-Control-Allow-Headers": "*", "Access-Control-Max-Age": "86400"} {
		if got := r.header.Get(k); got != v {
			t.Errorf("preflight %s = %q, want %q", k, got, v)
		}
	}
}

func TestZeroAndExtents(t *testing.T) {
	f := newFixture(t, Options{})
	f.ticket(Ticket{ID: "raw", Image: "raw", Size: 100, Ops: Write})
	f.ticket(Ticket{ID: "cow", Image: "cow", Size: 100, Ops: Write, Holes: true})
	f.ticket(Ticket{ID: "bk", Image: "raw", Size: 100, Ops: Read, Dirty: true})
	f.ticket(Ticket{ID: "file", Image: "raw", Size: 100, Ops: Read, Backend: File})
	for _, id := range []string{"raw", "cow"} {
		if r := f.do("PUT", "/images/"+id, bytes.Repeat([]byte{7}, 60), "Content-Range: bytes 20-79/*"); r.status != 200 {
			t.Fatalf("PUT: %v", r)
		}
		if r := f.do("PATCH", "/images/"+id, []byte(`{"op":"zero","offset":40,"size":10}`)); r.status != 200 {
			t.Fatalf("PATCH: %v", r)
		}
	}
	want := append(append(append(append(make([]byte, 20), bytes.Repeat([]byte{7}, 20)...), make([]byte, 10)...), bytes.Repeat([]byte{7}, 30)...), make([]byte, 20)...)
	if r := f.do("GET", "/images/raw", nil); !bytes.Equal(r.body, want) {
		t.Fatalf("after zero: %v", r.body)
	}
	// extent.py ZeroExtent.to_dict: start, length, zero, hole; the nbd
	// backend reports holes only where the image has unallocated clusters
	// (qcow2), and merges consecutive extents alike (nbdutil.extents).
	for _, tc := range []struct{ path, body string }{
		{"/images/raw/extents", `[{"start": 0, "length": 20, "zero": true, "hole": false}, {"start": 20, "length": 20, "zero": false, "hole": false}, {"start": 40, "length": 10, "zero": true, "hole": false}, {"start": 50, "length": 30, "zero": false, "hole": false}, {"start": 80, "length": 20, "zero": true, "hole": false}]`},
		{"/images/cow/extents?context=zero", `[{"start": 0, "length": 20, "zero": true, "hole": true}, {"start": 20, "length": 20, "zero": false, "hole": false}, {"start": 40, "length": 10, "zero": true, "hole": false}, {"start": 50, "length": 30, "zero": false, "hole": false}, {"start": 80, "length": 20, "zero": true, "hole": true}]`},
		// backends/file.py extents(): one data extent, whatever the file holds.
		{"/images/file/extents", `[{"start": 0, "length": 100, "zero": false, "hole": false}]`},
		// extent.py DirtyExtent.to_dict: start, length, dirty, zero.
		{"/images/bk/extents?context=dirty", `[{"start": 0, "length": 20, "dirty": true, "zero": true}, {"start": 20, "length": 20, "dirty": true, "zero": false}, {"start": 40, "length": 10, "dirty": true, "zero": true}, {"start": 50, "length": 30, "dirty": true, "zero": false}, {"start": 80, "length": 20, "dirty": true, "zero": true}]`},
	} {
		r := f.do("GET", tc.path, nil)
		if r.status != 200 || string(r.body) != tc.body+"\n" {
			t.Errorf("GET %s: %v\nwant %s", tc.path, r, tc.body)
		}
		var ext []map[string]any
		if err := json.Unmarshal(r.body, &ext); err != nil {
			t.Error(err)
		}
	}
	if got := f.s.Usage("raw"); got != (Usage{Data: 50, End: 80}) {
		t.Errorf("Usage %+v, want 50 bytes of data ending at 80", got)
	}
}

// TestLimit fills the store to its limit: a write beyond it is refused
// with 413 before its body is read, rewriting stored bytes costs nothing,
// and zeroing or removing an image gives its bytes back.
func TestLimit(t *testing.T) {
	f := newFixture(t, Options{Limit: 3 * mib})
	f.ticket(Ticket{ID: "a", Image: "a", Size: 10 * mib, Ops: Write})
	f.ticket(Ticket{ID: "b", Image: "b", Size: 10 * mib, Ops: Write})
	put := func(id string, off, n int) response {
		return f.do("PUT", "/images/"+id, make([]byte, n), fmt.Sprintf("Content-Range: bytes %d-%d/*", off, off+n-1))
	}
	if r := put("a", 0, 2*mib); r.status != 200 {
		t.Fatalf("first 2 MiB: %v", r)
	}
	r := put("b", 0, 2*mib)
	if r.status != 413 || !strings.Contains(string(r.body), "limit of 3145728 bytes (ovcompat sim --image-limit)") || !r.close {
		t.Fatalf("beyond the limit: %v %v", r, r.header)
	}
	if r := put("a", mib, 2*mib); r.status != 200 {
		t.Fatalf("[1, 3) MiB of a holds only 1 new MiB: %v", r)
	}
	if f.s.Used() != 3*mib {
		t.Fatalf("Used %d", f.s.Used())
	}
	if r := put("b", 0, 1); r.status != 413 {
		t.Fatalf("one byte beyond: %v", r)
	}
	if r := f.do("PATCH", "/images/a", []byte(`{"op": "zero", "size": 1048576}`)); r.status != 200 {
		t.Fatalf("zero: %v", r)
	}
	if r := put("b", 0, mib); r.status != 200 {
		t.Fatalf("after zeroing 1 MiB: %v", r)
	}
	if err := f.s.RemoveImage("a"); err != nil {
		t.Fatal(err)
	}
	if f.s.Used() != mib {
		t.Fatalf("Used %d after removing a", f.s.Used())
	}
	if r := put("a", 0, 1); r.status != 403 {
		t.Fatalf("ticket of a removed image: %v", r)
	}
}

// TestClose: the scratch folder is made with the first ticket; Close
// removes it and refuses later requests.
func TestClose(t *testing.T) {
	parent := t.TempDir()
	s := New(Options{Dir: parent})
	srv := httptest.NewServer(s)
	defer srv.Close()
	if entries, _ := os.ReadDir(parent); s.Dir() != "" || len(entries) != 0 {
		t.Fatalf("a scratch folder before the first ticket: %q %v", s.Dir(), entries)
	}
	if err := s.AddTicket(Ticket{ID: "t", Image: "i", Size: 4096, Ops: Write}); err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("PUT", srv.URL+"/images/t", strings.NewReader("hello"))
	if resp, err := srv.Client().Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("PUT: %v %v", resp, err)
	}
	dir := s.Dir()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("scratch folder %s left: %v", dir, err)
	}
	resp, err := srv.Client().Get(srv.URL + "/images/t")
	if err != nil || resp.StatusCode != 403 {
		t.Fatalf("GET after Close: %v %v", resp, err)
	}
	if err := s.AddTicket(Ticket{ID: "u", Image: "j", Size: 1}); err == nil {
		t.Error("AddTicket after Close accepted")
	}
}

// TestStatus: a ticket reports its running operations as active and the
// bytes its operations covered, each counted once (auth.Ticket.active,
// transferred: a RangeList of the completed operations).
func TestStatus(t *testing.T) {
	f := newFixture(t, Options{})
	f.ticket(Ticket{ID: "up", Image: "d", Size: 1000, Ops: Write})
	if st, ok := f.s.Status("up"); !ok || st != (TicketStatus{}) {
		t.Fatalf("a new ticket: %+v %v", st, ok)
	}
	pr, pw := io.Pipe()
	done := make(chan response, 1)
	go func() {
		req, _ := http.NewRequest("PUT", f.url+"/images/up", pr)
		req.ContentLength = 100
		req.Header.Set("Content-Range", "bytes 0-99/*")
		resp, err := f.c.Do(req)
		if err != nil {
			done <- response{status: -1, body: []byte(err.Error())}
			return
		}
		resp.Body.Close()
		done <- response{status: resp.StatusCode}
	}()
	if _, err := pw.Write(make([]byte, 40)); err != nil {
		t.Fatal(err)
	}
	// The PUT waits for the rest of its body: it is running.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		if st, _ := f.s.Status("up"); st.Active {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("a PUT waiting for its body is not active")
		}
	}
	if _, err := pw.Write(make([]byte, 60)); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	if r := <-done; r.status != 200 {
		t.Fatalf("PUT: %v", r)
	}
	f.do("PUT", "/images/up", make([]byte, 100), "Content-Range: bytes 50-149/*")
	f.do("PATCH", "/images/up", []byte(`{"op": "zero", "offset": 200, "size": 100}`))
	f.do("GET", "/images/up", nil, "Range: bytes=0-9")
	if st, _ := f.s.Status("up"); st != (TicketStatus{Transferred: 250}) {
		t.Errorf("status %+v, want 250 bytes transferred and nothing running", st)
	}
	if _, ok := f.s.Status("nope"); ok {
		t.Error("status of an unknown ticket")
	}
}
