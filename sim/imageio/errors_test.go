package imageio

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestErrors holds every refusal to the daemon's status and message
// (handlers/images.py, extents.py, http.py Router/Range/ContentRange,
// validate.py, auth.py, errors.py AuthorizationError).
func TestErrors(t *testing.T) {
	f := newFixture(t, Options{})
	f.ticket(Ticket{ID: "rw", TransferID: "tr-rw", Image: "d", Size: 100, Ops: Write})
	f.ticket(Ticket{ID: "ro", TransferID: "tr-ro", Image: "d", Size: 100, Ops: Read})
	zero := func(body string) []byte { return []byte(body) }
	for _, tc := range []struct {
		name, method, path string
		body               []byte
		header             []string
		status             int
		msg                string // the whole message, or its start when it ends in "..."
		contentRange       string
		close              bool
	}{
		{"no such ticket", "GET", "/images/nope", nil, nil, 403, "You are not allowed to access this resource: No such ticket nope", "", true},
		{"read-only PUT", "PUT", "/images/ro", []byte("x"), nil, 403, "You are not allowed to access this resource: Transfer=tr-ro forbids write", "", true},
		{"read-only zero", "PATCH", "/images/ro", zero(`{"op": "zero", "size": 1}`), nil, 403, "You are not allowed to access this resource: Transfer=tr-ro forbids write", "", true},
		{"read-only flush", "PATCH", "/images/ro", zero(`{"op": "flush"}`), nil, 403, "You are not allowed to access this resource: Transfer=tr-ro forbids write", "", true},
		{"no ticket id", "GET", "/images/", nil, nil, 400, "Ticket id is required", "", false},
		{"multiple ranges", "GET", "/images/rw", nil, []string{"Range: bytes=0-1,5-6"}, 416, "Cannot satisfy range 'bytes=0-1,5-6', invalid range or multiple ranges", "", false},
		{"suffix range", "GET", "/images/rw", nil, []string{"Range: bytes=-5"}, 416, "suffix-byte-range-spec not supported yet", "", false},
		{"range beyond ticket", "GET", "/images/rw", nil, []string{"Range: bytes=50-100"}, 416, "Requested range out of allowed range", "bytes */100", false},
		{"range of 2^63 bytes", "GET", "/images/rw", nil, []string{"Range: bytes=0-9223372036854775807"}, 416, "Requested range out of allowed range", "bytes */100", false},
		{"open range at the end", "GET", "/images/rw", nil, []string{"Range: bytes=100-"}, 416, "Requested more bytes than available: 100 > 100", "bytes */100", false},
		{"bad content range", "PUT", "/images/rw", []byte("x"), []string{"Content-Range: bytes 0-0"}, 400, "Invalid Content-Range 'bytes 0-0'", "", true},
		{"PUT beyond ticket", "PUT", "/images/rw", make([]byte, 20), []string{"Content-Range: bytes 90-109/*"}, 416, "Requested range out of allowed range", "bytes */100", true},
		{"bad flush", "PUT", "/images/rw?flush=x", []byte("x"), nil, 400, "Unsupported value 'x' for 'flush', expecting one of ['n', 'y']", "", true},
		{"bad JSON", "PATCH", "/images/rw", zero(`{"op": `), nil, 400, "Invalid JSON message ...", "", false},
		{"no op", "PATCH", "/images/rw", zero(`{}`), nil, 400, "Missing required value for op", "", false},
		{"unknown op", "PATCH", "/images/rw", zero(`{"op": "trim"}`), nil, 400, "Unsupported value 'trim' for 'op', expecting one of ['flush', 'zero']", "", false},
		{"op not a string", "PATCH", "/images/rw", zero(`{"op": 3}`), nil, 400, "Unsupported value 3 for 'op', expecting one of ['flush', 'zero']", "", false},
		{"zero without size", "PATCH", "/images/rw", zero(`{"op": "zero"}`), nil, 400, "Missing required value for 'size'", "", false},
		{"negative size", "PATCH", "/images/rw", zero(`{"op": "zero", "size": -1}`), nil, 400, "Invalid value -1 < 0", "", false},
		{"size as text", "PATCH", "/images/rw", zero(`{"op": "zero", "size": "1"}`), nil, 400, "Integer required '1'", "", false},
		{"fractional size", "PATCH", "/images/rw", zero(`{"op": "zero", "size": 1.5}`), nil, 400, "Integer required 1.5", "", false},
		{"negative offset", "PATCH", "/images/rw", zero(`{"op": "zero", "size": 1, "offset": -3}`), nil, 400, "Invalid value -3 < 0", "", false},
		{"flush as text", "PATCH", "/images/rw", zero(`{"op": "zero", "size": 1, "flush": "yes"}`), nil, 400, "Boolean required 'yes'", "", false},
		{"zero beyond ticket", "PATCH", "/images/rw", zero(`{"op": "zero", "offset": 99, "size": 2}`), nil, 416, "Requested range out of allowed range", "bytes */100", false},
		{"message not an object", "PATCH", "/images/rw", zero(`["zero"]`), nil, 400, "Invalid JSON message: want an object, got ['zero']", "", false},
		{"bad context", "GET", "/images/rw/extents?context=foo", nil, nil, 400, "Unsupported value 'foo' for 'context', expecting one of ['dirty', 'zero']", "", false},
		{"no dirty extents", "GET", "/images/rw/extents?context=dirty", nil, nil, 404, "Ticket does not support dirty extents", "", false},
		{"extents of no ticket", "GET", "/images/nope/extents", nil, nil, 403, "You are not allowed to access this resource: No such ticket nope", "", true},
		{"DELETE", "DELETE", "/images/rw", nil, nil, 405, "Method 'DELETE' not defined for '/images/rw'", "", false},
		{"PUT extents", "PUT", "/images/rw/extents", []byte("x"), nil, 405, "Method 'PUT' not defined for '/images/rw/extents'", "", false},
		{"unknown method", "FOO", "/images/rw", nil, nil, 405, "Invalid method 'FOO'", "", false},
		{"unknown path", "GET", "/info/", nil, nil, 404, "No handler for '/info/'", "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := f.do(tc.method, tc.path, tc.body, tc.header...)
			msg, prefix := strings.CutSuffix(tc.msg, "...")
			body := string(r.body)
			okMsg := body == msg+"\n" || (prefix && strings.HasPrefix(body, msg) && strings.HasSuffix(body, "\n"))
			if r.status != tc.status || !okMsg {
				t.Errorf("got %v, want %d %q", r, tc.status, tc.msg)
			}
			if ct := r.header.Get("Content-Type"); ct != "text/plain; charset=UTF-8" {
				t.Errorf("Content-Type %q", ct)
			}
			if got := r.header.Get("Content-Range"); got != tc.contentRange {
				t.Errorf("Content-Range %q, want %q", got, tc.contentRange)
			}
			if r.close != tc.close {
				t.Errorf("connection closed %v, want %v", r.close, tc.close)
			}
		})
	}
	if r := f.do("HEAD", "/images/rw", nil); r.status != 405 {
		t.Errorf("HEAD: %v (the images handler has no head method)", r)
	}
}

// rawExchange sends a request as written and returns the answer, after
// closing the sending side when half is set (a client that stops early).
func rawExchange(t *testing.T, url, request string, half bool) *http.Response {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if _, err := io.WriteString(conn, request); err != nil {
		t.Fatal(err)
	}
	if half {
		if err := conn.(*net.TCPConn).CloseWrite(); err != nil {
			t.Fatal(err)
		}
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func readAll(t *testing.T, r io.ReadCloser) string {
	t.Helper()
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestBodyErrors: a PUT without Content-Length (chunked) and a PUT whose
// body ends before its Content-Length (errors.PartialContent).
func TestBodyErrors(t *testing.T) {
	f := newFixture(t, Options{})
	f.ticket(Ticket{ID: "rw", Image: "d", Size: 100, Ops: Write})
	resp := rawExchange(t, f.url, "PUT /images/rw HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n", false)
	if body := readAll(t, resp.Body); resp.StatusCode != 400 || body != "Content-Length header is required\n" {
		t.Errorf("chunked PUT: %d %q", resp.StatusCode, body)
	}
	resp = rawExchange(t, f.url, "PUT /images/rw HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\n0123456789", true)
	if body := readAll(t, resp.Body); resp.StatusCode != 400 || body != "Requested 50 bytes, available 10 bytes\n" {
		t.Errorf("short PUT: %d %q", resp.StatusCode, body)
	}
	if got := f.s.Usage("d"); got != (Usage{Data: 10, End: 10}) {
		t.Errorf("Usage %+v: the 10 bytes received are stored", got)
	}
}

// FuzzServe sends arbitrary requests to a ticket: every one is answered
// with a status the daemon uses, and nothing is stored beyond the ticket.
func FuzzServe(f *testing.F) {
	f.Add("PUT", "/images/rw?flush=n", "", "bytes 5-9/*", "hello")
	f.Add("GET", "/images/rw", "bytes=3-", "", "")
	f.Add("PATCH", "/images/rw", "", "", `{"op": "zero", "offset": 1, "size": 7}`)
	f.Add("GET", "/images/rw/extents?context=zero", "", "", "")
	f.Add("OPTIONS", "/images/*", "", "", "")
	s := New(Options{Dir: f.TempDir(), Limit: 64})
	defer s.Close()
	if err := s.AddTicket(Ticket{ID: "rw", Image: "d", Size: 32, Ops: Write, Holes: true}); err != nil {
		f.Fatal(err)
	}
	statuses := map[int]bool{200: true, 206: true, 400: true, 403: true, 404: true, 405: true, 413: true, 416: true}
	f.Fuzz(func(t *testing.T, method, path, rng, contentRange, body string) {
		req, err := http.NewRequest(method, "http://x"+path, strings.NewReader(body))
		if err != nil || !strings.HasPrefix(req.URL.Path, "/") {
			return
		}
		if rng != "" {
			req.Header.Set("Range", rng)
		}
		if contentRange != "" {
			req.Header.Set("Content-Range", contentRange)
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if !statuses[w.Code] {
			t.Fatalf("%s %s: status %d %q", method, path, w.Code, w.Body)
		}
		if u := s.Usage("d"); u.Data < 0 || u.Data > u.End || u.End > 32 || s.Used() != u.Data {
			t.Fatalf("Usage %+v, Used %d", u, s.Used())
		}
	})
}
