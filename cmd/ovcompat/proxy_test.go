package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestProxyUsage(t *testing.T) {
	expectUsage(t, []usageCase{
		{"no upstream", []string{"proxy"}, "--upstream is required"},
		{"bad upstream", []string{"proxy", "--upstream", "engine.example.com"}, "want http(s)://host"},
		{"bad mode", []string{"proxy", "--upstream", "http://e", "--mode", "block"}, "want observe or enforce"},
		{"insecure and ca-file", []string{"proxy", "--upstream", "https://e", "--insecure", "--ca-file", "x"}, "exclude each other"},
		{"cert without key", []string{"proxy", "--upstream", "https://e", "--tls-cert", "c.pem"}, "go together"},
		{"unknown rule", []string{"proxy", "--upstream", "http://e", "--disable", "rest.nope"}, `--disable "rest.nope": want a rule ID`},
		{"bad listen address", []string{"proxy", "--upstream", "http://e", "--listen", "256.0.0.1:1"}, "--listen"},
	})
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestProxyCommand runs `ovcompat proxy` in front of a fake engine, sends
// a request through it, stops it like a signal would, and reads its
// violations file.
func TestProxyCommand(t *testing.T) {
	t.Setenv("GOGC", "100") // keep the test process's collector as it is
	procs := runtime.GOMAXPROCS(0)
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprint(w, `<vm href="/ovirt-engine/api/vms/2" id="2"><bogus/></vm>`)
	}))
	defer up.Close()
	dir := t.TempDir()
	violations := filepath.Join(dir, "v.jsonl")
	listen, admin := freeAddr(t), freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var stderr strings.Builder
	go func() {
		done <- run(ctx, []string{"proxy", "--upstream", up.URL, "--listen", listen, "--admin", admin,
			"--violations", violations, "--record", filepath.Join(dir, "rec"), "--disable", "rest.self-href"}, io.Discard, &stderr)
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get("http://" + admin + "/readyz")
		if err == nil && resp.StatusCode == 200 {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("proxy never ready: %v\n%s", err, stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	resp, err := http.Get("http://" + listen + "/ovirt-engine/api/vms/1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "<bogus/>") {
		t.Errorf("observe mode changed the answer: %d %s", resp.StatusCode, body)
	}
	// A spare scheduler slot per validation worker while it runs
	// (proxy.SpareProcs), the process's own again once it stops.
	want := procs + max(1, procs/2)
	if os.Getenv("GOMAXPROCS") != "" {
		want = procs // the user's setting wins
	}
	if got := runtime.GOMAXPROCS(0); got != want {
		t.Errorf("GOMAXPROCS while the proxy runs: %d, want %d (%d cores + workers)", got, want, procs)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d after a clean stop: %s", code, stderr.String())
	}
	if got := runtime.GOMAXPROCS(0); got != procs {
		t.Errorf("GOMAXPROCS after the proxy stopped: %d, want %d", got, procs)
	}
	data, err := os.ReadFile(violations)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"rule":"schema.unknown-element"`) || strings.Contains(string(data), "rest.self-href") {
		t.Errorf("violations file: %s", data)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "rec", "*.har")); len(files) != 1 {
		t.Errorf("recordings: %v", files)
	}
}
