package proxy

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ovcompat/ovcompat/sim"
)

// answerAtOnce is a real engine's way with a body it has no use for: it
// answers without reading it (Go's server would otherwise read it first),
// whole (the handlers here give a Content-Length), then lets what is left
// of the body go. Go's server must not be left to close
// an unread body itself in full-duplex mode: the read that finds its end
// then races the read of the next request ("invalid concurrent Body.Read
// call").
func answerAtOnce(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc := http.NewResponseController(w)
		_ = rc.EnableFullDuplex()
		h.ServeHTTP(w, r)
		_ = rc.Flush()
		r.Body.Close()
	})
}

// TestDeclaredBodyNeverSent: a client that declares a body it does not
// send gets the engine's answer as soon as the engine gives it, as it
// would from the engine itself; the connection is closed after it, since
// what follows could not be told from the body (issue 16 item 6). Before,
// the answer waited for the body: Go's server reads what is left of the
// request body before it writes the response headers.
func TestDeclaredBodyNeverSent(t *testing.T) {
	up := httptest.NewServer(answerAtOnce(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Test-Read-Body") != "" {
			// An engine that reads the body first: whether the proxy
			// has the whole body when it answers no longer races.
			_, _ = io.Copy(io.Discard, r.Body)
		}
		const api = `<api><product_info><name>oVirt Engine</name></product_info></api>`
		w.Header().Set("Content-Type", "application/xml")
		w.Header().Set("Content-Length", strconv.Itoa(len(api)))
		io.WriteString(w, api)
	})))
	defer up.Close()
	px := startProxy(t, up.URL, Config{})
	conn, err := net.Dial("tcp", strings.TrimPrefix(px.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(conn, "GET /ovirt-engine/api HTTP/1.1\r\nHost: engine\r\nContent-Type: application/xml\r\nContent-Length: 17\r\n\r\n")
	br := bufio.NewReader(conn)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "oVirt Engine") {
		t.Fatalf("status %d, body %q, err %v", resp.StatusCode, body, err)
	}
	if !resp.Close {
		t.Error("the connection stays open: what the client sends next would be taken for the body")
	}
	if _, err := br.ReadByte(); err != io.EOF {
		t.Errorf("after the answer: %v, want the connection closed", err)
	}
	// The proxy keeps serving, a body sent whole keeps the connection.
	resp2, _ := get(t, rawClient(), "GET", px.url+"/ovirt-engine/api", "<action></action>", "Content-Type: application/xml", "X-Test-Read-Body: 1")
	if resp2.StatusCode != http.StatusOK || resp2.Close {
		t.Errorf("a GET with its body: status %d, close %v", resp2.StatusCode, resp2.Close)
	}
	if err := px.stop(); err != nil {
		t.Fatal(err)
	}
	if n := counter(px.p, "ovcompat_proxy_upstream_errors_total"); n != 0 {
		t.Errorf("%v upstream errors", n)
	}
}

// TestLibgovirtThroughProxy runs libgovirt itself (Debian's
// gir1.2-govirt-1.0 through python3-gi) against the simulator through the
// proxy: its resent GETs declare a body they do not send.
func TestLibgovirtThroughProxy(t *testing.T) {
	const python = "/usr/bin/python3"
	if _, err := os.Stat(python); err != nil {
		t.Skip("no " + python + " (.ci/run installs python3-gi and gir1.2-govirt-1.0)")
	}
	if err := exec.Command(python, "-c", "import gi; gi.require_version('GoVirt', '1.0')").Run(); err != nil {
		t.Skip("libgovirt's introspection data is missing (.ci/run installs python3-gi and gir1.2-govirt-1.0)")
	}
	e, err := sim.New(sim.Options{Seed: 7, Settle: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	up := httptest.NewServer(answerAtOnce(e))
	defer up.Close()
	px := startProxy(t, up.URL, Config{})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, python, "testdata/govirt.py", strings.TrimPrefix(px.url, "http://"), sim.AdminUser, e.AdminPassword()).CombinedOutput()
	if err != nil {
		t.Fatalf("libgovirt through the proxy: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "vms 10") {
		t.Errorf("libgovirt saw: %s", out)
	}
}
