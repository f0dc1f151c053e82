package expect

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
)

// TestExpectListener sends raw HTTP/1.1 over one connection: pipelined
// requests with and without Expect, a body that contains an Expect line,
// and a chunked body after which the connection is passed on untouched.
func TestListener(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s|%s|%s|%d", r.Header.Get(Header), r.Header.Get("Expect"), r.URL.Path, len(body))
	})}
	go func() { _ = srv.Serve(Listener(ln)) }()
	t.Cleanup(func() { _ = srv.Close() })
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	trick := "a\r\nExpect: 201-created\r\n\r\nb"
	reqs := []string{
		"POST /a HTTP/1.1\r\nHost: x\r\nExpect: 201-created\r\nContent-Length: 3\r\n\r\nabc",
		"GET /b HTTP/1.1\r\nHost: x\r\n\r\n",
		fmt.Sprintf("POST /c HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s", len(trick), trick),
		"POST /d HTTP/1.1\r\nHost: x\r\nexpect: 201-created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nxyz\r\n0\r\n\r\n",
		"GET /e HTTP/1.1\r\nHost: x\r\n\r\n",
	}
	if _, err := io.WriteString(conn, strings.Join(reqs, "")); err != nil {
		t.Fatal(err)
	}
	want := []string{"201-created||/a|3", "||/b|0", fmt.Sprintf("||/c|%d", len(trick)), "201-created||/d|3", "||/e|0"}
	br := bufio.NewReader(conn)
	for i, w := range want {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("response %d: %v", i, err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(got) != w {
			t.Errorf("response %d: %d %q, want %q", i, resp.StatusCode, got, w)
		}
	}
}

// trickleConn hands out its data a few bytes per Read, and a timeout on
// every timeoutEvery-th Read when that is not 0 (and gate, if set, allows
// it).
type trickleConn struct {
	net.Conn
	data         []byte
	step         int
	timeoutEvery int
	gate         func() bool
	reads        int
}

// errDeadline is a timeout that a connection survives.
var errDeadline = &net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}

func (c *trickleConn) Read(p []byte) (int, error) {
	c.reads++
	if c.timeoutEvery > 0 && c.reads%c.timeoutEvery == 0 && (c.gate == nil || c.gate()) {
		return 0, errDeadline
	}
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), c.step)], c.data)
	c.data = c.data[n:]
	return n, nil
}

// TestLargeHeaders reads requests whose header blocks outgrow the
// connection's read buffer, in reads of every size, with bodies between.
func TestLargeHeaders(t *testing.T) {
	big := strings.Repeat("x", 9000)
	raw := "POST /a HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\nExpect: 201-created\r\nContent-Length: 5\r\n\r\nhello" +
		"GET /b HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n\r\n" +
		"PUT /c HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nX-Big: " + big + big + "\r\nEXPECT:  201-created\r\n\r\nabc"
	for _, step := range []int{1, 7, 1000, 5000, 1 << 20} {
		br := bufio.NewReader(newConn(&trickleConn{data: []byte(raw), step: step}))
		var got []string
		for range 3 {
			r, err := http.ReadRequest(br)
			if err != nil {
				t.Fatalf("step %d: %v", step, err)
			}
			body, _ := io.ReadAll(r.Body)
			got = append(got, fmt.Sprintf("%s|%s|%s|%s|%d", r.URL.Path, r.Header.Get(Header), r.Header.Get("Expect"), body, len(r.Header.Get("X-Big"))))
		}
		want := "/a|201-created||hello|9000 /b||100-continue||0 /c|201-created||abc|18000"
		if strings.Join(got, " ") != want {
			t.Errorf("step %d: %q, want %q", step, strings.Join(got, " "), want)
		}
	}
}
