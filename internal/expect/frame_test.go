package expect

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// framed is one request as net/http reads it: the fields that decide
// what a handler sees, and the body decoded.
type framed struct {
	Method, URI, Proto string
	Header             http.Header
	Body               string
}

func (f framed) String() string {
	return fmt.Sprintf("%s %s %s %v %q", f.Method, f.URI, f.Proto, f.Header, f.Body)
}

// frames reads data as net/http's server reads a connection: requests
// one after another (with the server's tolerance of CR and LF after a
// POST), each body read whole. It stops at the first error or at a
// request after which the connection is no longer HTTP/1 requests, and
// reports how many bytes it consumed.
func frames(data []byte) (reqs []framed, consumed int, err error) {
	src := bytes.NewReader(data)
	br := bufio.NewReader(src)
	pos := func() int { return len(data) - src.Len() - br.Buffered() }
	post := false
	for {
		if post {
			peek, _ := br.Peek(4)
			_, _ = br.Discard(leadingCRorLF(peek))
		}
		req, err := http.ReadRequest(br)
		if err != nil {
			return reqs, pos(), err
		}
		body, err := io.ReadAll(req.Body)
		if err != nil {
			return reqs, pos(), err
		}
		reqs = append(reqs, framed{req.Method, req.RequestURI, req.Proto, req.Header, string(body)})
		if handsOver(req) {
			return reqs, pos(), errHandedOver
		}
		post = req.Method == http.MethodPost
	}
}

var errHandedOver = errors.New("handed over")

// restored folds a renamed Expect back, with values sorted (a rename
// moves a value behind the ones left in place).
func restored(f framed) framed {
	h := f.Header.Clone()
	if v, ok := h[Header]; ok {
		h["Expect"] = append(h["Expect"], v...)
		delete(h, Header)
	}
	if v, ok := h["Expect"]; ok {
		slices.Sort(v)
	}
	f.Header = h
	return f
}

// through runs data through a connection that hands it out step bytes
// per read, and returns what the server would read.
func through(data []byte, step int) []byte { return throughTimeouts(data, step, 0) }

// throughTimeouts is through with a timeout on every every-th read of the
// connection (none when every is 0) while a header block is read, which
// the reader survives and reads on after, as net/http's server does after
// it interrupts its background read between requests. (A deadline inside
// a body is the server's own ReadTimeout: net/http fails that request on
// its own connection as well, and the listener hands the error on.)
func throughTimeouts(data []byte, step, every int) []byte {
	tc := &trickleConn{data: slices.Clone(data), step: step, timeoutEvery: every}
	c := newConn(tc)
	tc.gate = func() bool { return c.state == stateHeader }
	var out []byte
	buf := make([]byte, 512)
	for {
		n, err := c.Read(buf)
		out = append(out, buf[:n]...)
		if err != nil && !isTimeout(err) {
			return out
		}
	}
}

// checkFraming is the listener's contract, for any bytes: it either frames
// exactly as net/http does (same requests, same bodies, byte for byte, in
// the same places) or refuses, which net/http's server answers with 400
// and the end of the connection. It never frames differently.
func checkFraming(t *testing.T, data []byte, step, timeoutEvery int) {
	t.Helper()
	want, wantAt, wantErr := frames(data)
	out := throughTimeouts(data, step, timeoutEvery)
	got, _, _ := frames(out)
	if len(got) > len(want) {
		t.Fatalf("step %d: the listener made %d requests out of %d:\n in: %q\nout: %q", step, len(got), len(want), data, out)
	}
	for i := range got {
		if g, w := restored(got[i]), restored(want[i]); g.String() != w.String() {
			t.Fatalf("step %d: request %d framed differently:\n got %s\nwant %s\n in: %q\nout: %q", step, i, g, w, data, out)
		}
	}
	if len(got) < len(want) && !bytes.HasSuffix(out, []byte(refusal)) {
		t.Fatalf("step %d: the listener stopped after %d of %d requests without refusing:\n in: %q\nout: %q", step, len(got), len(want), data, out)
	}
	if errors.Is(wantErr, errHandedOver) && len(got) == len(want) && !bytes.HasSuffix(out, data[wantAt:]) {
		t.Fatalf("step %d: bytes after a hand-over were altered:\n in: %q\nout: %q", step, data, out)
	}
}

var framingSeeds = []string{
	"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
	"POST /a HTTP/1.1\r\nHost: x\r\nExpect: 201-created\r\nContent-Length: 3\r\n\r\nabc",
	// The reported smuggling: an obs-folded Content-Length and a body
	// that hides a request and Expect lines.
	"POST /vms HTTP/1.1\r\nHost: x\r\nContent-Length:\r\n 62\r\n\r\nDELETE /ovirt-engine/api/vms/1 HTTP/1.1\r\nHost: x\r\nExpect: 201-created\r\n\r\n" +
		"GET /ovirt-engine/api HTTP/1.1\r\nHost: x\r\nAuthorization: Basic YWRtaW46eA==\r\n\r\n",
	"GET / HTTP/1.1\nHost: x\n\n",
	"GET / HTTP/1.1\nHost: x\nExpect: 201-created\n\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n",
	"POST /c HTTP/1.1\r\nHost: x\r\nContent-Length: 28\r\n\r\na\r\nExpect: 201-created\r\n\r\nbcd",
	"POST /d HTTP/1.1\r\nHost: x\r\nexpect: 201-created\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nxyz\r\n0\r\n\r\nGET /e HTTP/1.1\r\nHost: x\r\nExpect: 201-created\r\n\r\n",
	"POST /d HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nxyz\r\n0\r\nTrailer-A: b\r\n\r\nGET /e HTTP/1.1\r\nHost: x\r\n\r\n",
	"POST /d HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\nxyz\r\n0\r\n\r\n",
	"POST /f HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
	"POST /f HTTP/1.1\r\nHost: x\r\nContent-Length: +3\r\n\r\nabc",
	"POST /f HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
	"POST /g HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n\r\na\r\n\r\nGET /h HTTP/1.1\r\nHost: x\r\n\r\n",
	"GET /i HTTP/1.1\r\nHost: x\r\nX-Ovcompat-Expect: 201-created\r\n\r\n",
	"GET /j HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nExpect: 201-created\r\n\r\n",
	"GET /k HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nExpect: 201-created\r\n\r\n",
	"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00",
	"GET /l HTTP/1.1\r\nHost: x\r\n Expect: 201-created\r\n\r\n",
	"GET /m HTTP/1.1\r\nHost: x\r\nExpect : 201-created\r\n\r\n",
	"GET /n HTTP/1.0\r\n\r\n",
	"GET /o HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nab",
}

// FuzzListener is the differential oracle of issue 16: for every byte
// sequence, every read size and every pattern of timeouts, the listener
// frames as net/http or refuses.
func FuzzListener(f *testing.F) {
	for _, s := range framingSeeds {
		f.Add([]byte(s), uint16(1), uint8(0))
		f.Add([]byte(s), uint16(4096), uint8(3))
	}
	f.Fuzz(func(t *testing.T, data []byte, step uint16, timeoutEvery uint8) {
		every := int(timeoutEvery)
		if every == 1 {
			every = 2 // a connection that only ever times out delivers nothing
		}
		checkFraming(t, data, max(int(step), 1), every)
	})
}

// TestFramingSeeds runs the oracle on the seeds with reads of several
// sizes, so that `go test` alone holds the contract.
func TestFramingSeeds(t *testing.T) {
	for i, s := range framingSeeds {
		for _, step := range []int{1, 2, 3, 7, 64, 4096} {
			for _, every := range []int{0, 2, 3} {
				t.Run(fmt.Sprintf("%d/%d/%d", i, step, every), func(t *testing.T) { checkFraming(t, []byte(s), step, every) })
			}
		}
	}
}

// TestRefusals names what the listener refuses, and checks that nothing
// of a refused request (or after it) reaches the server.
func TestRefusals(t *testing.T) {
	for name, raw := range map[string]string{
		"obs-fold Content-Length": "POST /vms HTTP/1.1\r\nHost: x\r\nContent-Length:\r\n 5\r\n\r\nhello",
		"obs-fold Expect":         "GET / HTTP/1.1\r\nHost: x\r\nX-A: b\r\n Expect: 201-created\r\n\r\n",
		"client's own rename":     "GET / HTTP/1.1\r\nHost: x\r\nX-Ovcompat-Expect: 201-created\r\n\r\n",
		"two Content-Lengths":     "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
		"unreadable length":       "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0x3\r\n\r\nabc",
		"no header end":           "GET / HTTP/1.1\r\nHost: x\r\nX: " + strings.Repeat("y", maxHeaderBytes+8192) + "\r\n\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			out := through([]byte("GET /first HTTP/1.1\r\nHost: x\r\n\r\n"+raw+"GET /victim HTTP/1.1\r\nHost: x\r\n\r\n"), 4096)
			want := "GET /first HTTP/1.1\r\nHost: x\r\n\r\n" + refusal
			if string(out) != want {
				t.Fatalf("the server reads %.200q, want %q", out, want)
			}
		})
	}
}

// TestTimeoutInBody: a deadline inside a chunked body (the server's own
// ReadTimeout) is handed on once and ends the connection; no reader spins
// on it.
func TestTimeoutInBody(t *testing.T) {
	// Seed 6's header block is 78 bytes: read 81 falls inside its body.
	c := newConn(&trickleConn{data: []byte(framingSeeds[6]), step: 1, timeoutEvery: 81})
	buf := make([]byte, 512)
	var out []byte
	var timeouts int
	for range 10000 {
		n, err := c.Read(buf)
		out = append(out, buf[:n]...)
		switch {
		case isTimeout(err):
			timeouts++
		case err != nil:
			if timeouts != 1 || !errors.Is(err, io.EOF) || bytes.Contains(out, []byte("GET /e")) {
				t.Fatalf("ended with %v after %d timeouts, having handed on %q; want one timeout, then EOF, nothing after the body", err, timeouts, out)
			}
			return
		}
	}
	t.Fatalf("still reading after 10000 reads (%d timeouts)", timeouts)
}

// TestBareLF: requests whose lines end in LF alone, which net/http
// accepts, are framed at once (the old listener waited for CRLFCRLF).
func TestBareLF(t *testing.T) {
	raw := "POST /a HTTP/1.1\nHost: x\nExpect: 201-created\nContent-Length: 2\n\nokGET /b HTTP/1.1\nHost: x\n\n"
	reqs, _, err := frames(through([]byte(raw), 4096))
	if !errors.Is(err, io.EOF) || len(reqs) != 2 {
		t.Fatalf("got %v (%v), want two requests", reqs, err)
	}
	if reqs[0].Header.Get(Header) != "201-created" || reqs[0].Body != "ok" || reqs[1].URI != "/b" {
		t.Errorf("got %v", reqs)
	}
}
