package expect

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// benchStream is 100 pipelined requests as an SDK sends them: GETs and
// POSTs with small XML bodies, some with Expect: 201-created.
func benchStream() []byte {
	var b strings.Builder
	body := `<vm><name>web-01</name><cluster><name>Default</name></cluster><template><name>Blank</name></template></vm>`
	for i := range 50 {
		b.WriteString("GET /ovirt-engine/api/vms?search=name%3Dweb* HTTP/1.1\r\nHost: engine.example.com\r\nAccept: application/xml\r\nVersion: 4\r\nAuthorization: Bearer abcdefghijklmnopqrstuvwxyz0123456789\r\nUser-Agent: PythonSDK/4.6.2\r\n\r\n")
		b.WriteString("POST /ovirt-engine/api/vms HTTP/1.1\r\nHost: engine.example.com\r\nContent-Type: application/xml\r\nAccept: application/xml\r\nVersion: 4\r\nAuthorization: Bearer abcdefghijklmnopqrstuvwxyz0123456789\r\n")
		if i%2 == 0 {
			b.WriteString("Expect: 201-created\r\n")
		}
		b.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body)
	}
	return []byte(b.String())
}

// serverRead reads every request of r as net/http's server does.
func serverRead(r io.Reader) int {
	br := bufio.NewReader(r)
	n := 0
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return n
		}
		_, _ = io.Copy(io.Discard, req.Body)
		n++
	}
}

// BenchmarkFraming measures the listener's cost on a pipelined stream
// against its baseline, net/http's own reading of the same bytes (what
// the server does anyway), alternating the two so noise hits both alike.
// x-net/http is the time with the listener as a multiple of without.
func BenchmarkFraming(b *testing.B) {
	data := benchStream()
	if got := serverRead(bytes.NewReader(data)); got != 100 {
		b.Fatalf("the stream holds %d requests, want 100", got)
	}
	var base, with time.Duration
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		t0 := time.Now()
		serverRead(bytes.NewReader(data))
		t1 := time.Now()
		if got := serverRead(newConn(&trickleConn{data: data, step: 32 << 10})); got != 100 {
			b.Fatalf("through the listener: %d requests, want 100", got)
		}
		base += t1.Sub(t0)
		with += time.Since(t1)
	}
	b.ReportMetric(float64(with)/float64(base), "x-net/http")
	b.ReportMetric(float64(with-base)/float64(b.N)/100/1e3, "µs-added/req")
}
