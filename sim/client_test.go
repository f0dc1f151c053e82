package sim

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
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
// installs): it lists the API's VMs, hosts, clusters and storage domains
// and starts and stops a VM, over HTTPS as libgovirt requires, each
// request answered at once (the client's timeout only bounds a hang).
func TestLibgovirt(t *testing.T) {
	const python = "/usr/bin/python3"
	if _, err := os.Stat(python); err != nil {
		t.Skip("no " + python + ": libgovirt is not installed (apt-get install python3-gi gir1.2-govirt-1.0)")
	}
	e, err := New(Options{Seed: 1, Settle: -1})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewTLSServer(e)
	t.Cleanup(func() { srv.Close(); _ = e.Close() })
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, filepath.Join("testdata", "libgovirt.py"),
		srv.Listener.Addr().String(), ca, e.AdminPassword())
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
	for name, want := range map[string]float64{"vms": 10, "hosts": 3, "clusters": 2, "storage_domains": 3} {
		if got, _ := steps[name]["count"].(float64); got != want {
			t.Errorf("libgovirt listed %v %s, want %v: %v", got, name, want, steps[name])
		}
	}
	if steps["api"]["ok"] != true || steps["start"]["state"] != "up" || steps["stop"]["state"] != "down" {
		t.Errorf("libgovirt: api %v, after start %v, after stop %v", steps["api"], steps["start"], steps["stop"])
	}
}

func stderrOf(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return string(ee.Stderr)
	}
	return ""
}
