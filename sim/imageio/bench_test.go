package imageio

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkTransfer measures 8 MiB PUTs and ranged GETs over loopback
// against a baseline in the same run: a bare handler doing the same file
// I/O with no protocol (no ticket, no range checks, no accounting), with
// the same 256 KiB buffer.
func BenchmarkTransfer(b *testing.B) {
	const chunk = 8 << 20
	payload := bytes.Repeat([]byte("ovcompat"), chunk/8)

	f, err := os.Create(filepath.Join(b.TempDir(), "bare"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := f.Truncate(chunk); err != nil {
		b.Fatal(err)
	}
	bare := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			_, _ = io.CopyBuffer(io.NewOffsetWriter(f, 0), r.Body, make([]byte, 256<<10))
			return
		}
		w.Header().Set("Content-Length", fmt.Sprint(chunk))
		_, _ = io.Copy(w, io.NewSectionReader(f, 0, chunk))
	}))
	defer bare.Close()

	s := New(Options{Dir: b.TempDir()})
	defer s.Close()
	if err := s.AddTicket(Ticket{ID: "t", Image: "i", Size: chunk, Ops: Write}); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(s)
	defer srv.Close()

	run := func(b *testing.B, method, url string, header ...string) {
		c := srv.Client()
		b.SetBytes(chunk)
		for b.Loop() {
			var body io.Reader
			if method == http.MethodPut {
				body = bytes.NewReader(payload)
			}
			req, _ := http.NewRequest(method, url, body)
			for i := 0; i+1 < len(header); i += 2 {
				req.Header.Set(header[i], header[i+1])
			}
			resp, err := c.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			n, _ := io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode/100 != 2 || (method == http.MethodGet && n != chunk) {
				b.Fatalf("%s: %s, %d bytes", method, resp.Status, n)
			}
		}
	}
	cr := fmt.Sprintf("bytes 0-%d/*", chunk-1)
	rg := fmt.Sprintf("bytes=0-%d", chunk-1)
	b.Run("baseline=bare-put", func(b *testing.B) { run(b, http.MethodPut, bare.URL) })
	b.Run("put", func(b *testing.B) { run(b, http.MethodPut, srv.URL+"/images/t?flush=n", "Content-Range", cr) })
	b.Run("baseline=bare-get", func(b *testing.B) { run(b, http.MethodGet, bare.URL) })
	b.Run("get", func(b *testing.B) { run(b, http.MethodGet, srv.URL+"/images/t", "Range", rg) })
}
