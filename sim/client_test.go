package sim

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAnswersWithoutUnreadBody sends what libgovirt sends after a 401 (a
// GET that declares a body with Content-Length and sends none) and reads
// the answer: the engine answers at once, without waiting for a body the
// route ignores (http.ResponseController.EnableFullDuplex; Go's server
// otherwise reads the rest of the body before it writes the response, and
// the client waits until the read times out). The deadline only bounds a
// hang; nothing here measures speed.
func TestAnswersWithoutUnreadBody(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1})
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	auth := base64.StdEncoding.EncodeToString([]byte(AdminUser + ":" + e.AdminPassword()))
	req := "GET " + BasePath + "/vms HTTP/1.1\r\nHost: sim\r\nAuthorization: Basic " + auth +
		"\r\nContent-Type: application/xml\r\nContent-Length: 17\r\n\r\n"
	if _, err := conn.Write([]byte(req)); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		t.Fatal("no answer while the declared body is unsent: the engine waits for it")
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("status %d", resp.StatusCode)
	}
}

// TestLibgovirt drives the simulator with libgovirt itself (Debian's
// /usr/bin/python3 with python3-gi and gir1.2-govirt-1.0, which .ci/run
// installs), served as `ovcompat sim` serves (HTTPS offering h2 and
// http/1.1, its CA handed out at PKIPath, and plain HTTP):
// testdata/libgovirt.py runs what libgovirt's
// own suite (tests/test-govirt.c: test-https-ca, test-http, test-list-vms,
// test-parse-vm-host-cluster, test-404) checks against its mock engine,
// here against a live one, then what remote-viewer does to open a console
// (a ticket, the display's address and port while the VM runs: VmMapper
// writes them from the VM's graphics info) and change its CD, and starts,
// stops and removes a VM. Every request is answered at once (the client's
// timeout only bounds a hang).
func TestLibgovirt(t *testing.T) {
	const python = "/usr/bin/python3"
	if _, err := os.Stat(python); err != nil {
		t.Skip("no " + python + ": libgovirt is not installed (apt-get install python3-gi gir1.2-govirt-1.0)")
	}
	e, srv := tlsEngine(t, Options{Seed: 1, Settle: -1})
	plain := httptest.NewServer(e)
	t.Cleanup(plain.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: e.opt.CA.Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, filepath.Join("testdata", "libgovirt.py"),
		srv.Listener.Addr().String(), ca, e.AdminPassword(), plain.Listener.Addr().String())
	out, err := cmd.Output()
	if ee := (*exec.ExitError)(nil); errors.As(err, &ee) && ee.ExitCode() == 2 {
		t.Skipf("libgovirt is not installed (apt-get install python3-gi gir1.2-govirt-1.0): %s", out)
	}
	if ctx.Err() != nil {
		t.Fatalf("libgovirt did not finish: the engine kept it waiting\n%s", out)
	}
	if err != nil {
		t.Fatalf("libgovirt: %v\n%s%s", err, out, stderrOf(err))
	}
	steps := map[string]map[string]any{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) != nil {
			t.Fatalf("libgovirt printed %q", line)
		}
		steps[m["step"].(string)] = m
	}
	for name, want := range map[string]float64{"vms": 10, "hosts": 3, "clusters": 2, "storage_domains": 3, "data_centers": 1} {
		if got, _ := steps[name]["count"].(float64); got != want {
			t.Errorf("libgovirt listed %v %s, want %v: %v", got, name, want, steps[name])
		}
	}
	if steps["https-no-ca"]["error"] == nil || steps["api"]["ok"] != true || steps["http"]["ok"] != true {
		t.Errorf("libgovirt: without the CA %v, with it %v, over plain HTTP %v", steps["https-no-ca"], steps["api"], steps["http"])
	}
	if got := fmt.Sprint(steps["search"]["names"]); got != "[web-01 web-02 web-03]" {
		t.Errorf("libgovirt searched name=web*: %s", got)
	}
	vm := steps["vm"]
	shown, _ := vm["display"].(map[string]any)
	if vm["state"] != "up" || vm["cluster"] != "Default" || vm["data_center"] != "Default" || vm["host"] == nil ||
		shown["address"] != fmt.Sprint(vm["host"], ".example.com") || shown["port"].(float64) < 5900 {
		t.Errorf("libgovirt read a running VM, its host and cluster as %v", vm)
	}
	ticket, _ := steps["ticket"]["display"].(map[string]any)
	if ticket["ticket"] == nil || ticket["expiry"] != float64(7200) {
		t.Errorf("libgovirt's console ticket: %v", steps["ticket"])
	}
	if steps["cdrom"]["count"] != float64(1) || steps["cdrom"]["file"] != "fedora.iso" {
		t.Errorf("libgovirt changed the CD: %v", steps["cdrom"])
	}
	started, _ := steps["start"]["display"].(map[string]any)
	stopped, _ := steps["stop"]["display"].(map[string]any)
	if steps["start"]["state"] != "up" || started["address"] == nil || steps["stop"]["state"] != "down" || stopped["address"] != nil {
		t.Errorf("libgovirt: after start %v, after stop %v", steps["start"], steps["stop"])
	}
	if gone, _ := steps["gone"]["error"].(map[string]any); gone["code"] != float64(404) {
		t.Errorf("libgovirt refreshed a removed VM: %v, want 404", steps["gone"])
	}
}

func stderrOf(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return string(ee.Stderr)
	}
	return ""
}
