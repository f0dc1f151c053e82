package main

import (
	"bytes"
	"debug/buildinfo"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The memory a hostile body costs is measured on the real command, built
// without the race detector and run as a process of its own: its peak
// resident set is what an operator would see (measuredProcess).

// buildOvcompat builds the command once for the memory tests, without the
// race detector even when GOFLAGS asks for it (its shadow memory would
// inflate what is measured), and checks that it is so.
func buildOvcompat(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the command as a process of its own")
	}
	bin := filepath.Join(t.TempDir(), "ovcompat")
	out, err := exec.Command("go", "build", "-race=false", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	info, err := buildinfo.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range info.Settings {
		if s.Key == "-race" && s.Value == "true" {
			t.Fatal("the measured command was built with the race detector")
		}
	}
	return bin
}

// hostile are bodies that cost the validators the most, each about 8 MB,
// as JSON or XML: hundreds of thousands of bad links (within the node cap
// of a 16 MiB --max-body), a million unknown elements, a million
// attributes, a million comments between text (no nodes, but a million
// tokens each in the tree the mandatory-members rule reads), millions of
// numbers where links belong.
func hostile() map[string][]byte {
	rep := func(head, item, sep, tail string, n int) []byte {
		var b bytes.Buffer
		b.WriteString(head)
		for i := range n {
			if i > 0 {
				b.WriteString(sep)
			}
			b.WriteString(item)
		}
		b.WriteString(tail)
		return b.Bytes()
	}
	attrs := func(n int) []byte {
		var b bytes.Buffer
		b.WriteString("<vm")
		for i := range n {
			fmt.Fprintf(&b, ` a%x=""`, i)
		}
		b.WriteString("/>")
		return b.Bytes()
	}
	return map[string][]byte{
		"json-links":    rep(`{"name":"a","link":[`, `{"rel":"x","href":"bad"}`, ",", `]}`, 320_000),
		"json-numbers":  rep(`{"name":"a","link":[`, `0`, ",", `]}`, 4_000_000),
		"xml-links":     rep(`<vm>`, `<link rel="x" href="bad"/>`, "", `</vm>`, 300_000),
		"xml-elements":  rep(`<vm>`, `<z/>`, "", `</vm>`, 1_000_000),
		"xml-attrs":     attrs(1_000_000),
		"xml-comments":  rep(`<vm>`, `a<!---->`, "", `</vm>`, 1_000_000),
		"json-wrongtyp": rep(`{"name":"a","link":[`, `{"rel":1,"href":2}`, ",", `]}`, 400_000),
	}
}

// TestProxyMemoryUnderHostileBodies: four clients at once send hostile
// bodies of about 8 MB through an enforcing proxy (requests and responses
// checked inline) for several rounds; the process stays under 512 MB, and
// every body is judged (issue 16 item 2: four such POSTs pushed an
// enforcing proxy past 9 GB).
func TestProxyMemoryUnderHostileBodies(t *testing.T) {
	bin := buildOvcompat(t)
	bodies := hostile()
	kinds := make([]string, 0, len(bodies))
	for k := range bodies {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds) // the same bodies meet in every run
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		kind := filepath.Base(r.URL.Path)
		if strings.HasPrefix(kind, "json") {
			w.Header().Set("Content-Type", "application/json")
		} else {
			w.Header().Set("Content-Type", "application/xml")
		}
		w.Write(bodies[kind])
	}))
	defer up.Close()
	listen, admin := freeAddr(t), freeAddr(t)
	proc := measuredProcess(t, bin, "proxy", "--upstream", up.URL, "--listen", listen, "--admin", admin,
		"--mode", "enforce", "--enforce-responses", "--log-level", "error")
	var stderr bytes.Buffer
	proc.Stderr = &stderr
	if err := proc.Start(); err != nil {
		t.Fatal(err)
	}
	defer proc.Process.Kill()
	waitReady(t, "http://"+admin+"/readyz", &stderr)

	const clients, rounds = 4, 3
	statuses := make(chan string, clients*rounds*2)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hc := &http.Client{Timeout: 5 * time.Minute}
			for r := range rounds {
				kind := kinds[(c+r*clients)%len(kinds)]
				ctype := "application/xml"
				if strings.HasPrefix(kind, "json") {
					ctype = "application/json"
				}
				req, _ := http.NewRequest("POST", "http://"+listen+"/ovirt-engine/api/vms", bytes.NewReader(bodies[kind]))
				req.Header.Set("Content-Type", ctype)
				req.Header.Set("Version", "4")
				statuses <- do(hc, req, "request "+kind)
				req, _ = http.NewRequest("GET", "http://"+listen+"/ovirt-engine/api/vms/"+kind, nil)
				req.Header.Set("Accept", ctype)
				req.Header.Set("Version", "4")
				statuses <- do(hc, req, "response "+kind)
			}
		}()
	}
	wg.Wait()
	close(statuses)
	for s := range statuses {
		// Every hostile body is judged: a request rejected with 400, a
		// response replaced by a 502.
		if !strings.HasSuffix(s, " 400") && !strings.HasSuffix(s, " 502") {
			t.Errorf("%s, want 400 for a request, 502 for a response", s)
		}
	}
	if err := proc.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := proc.Wait(); err != nil {
		t.Fatalf("proxy: %v\n%s", err, stderr.String())
	}
	rss, helper := proc.peak(t)
	t.Logf("%d clients, %d rounds of requests and responses of %d kinds of hostile body: peak RSS %d MB (measuring parent %d MB)",
		clients, rounds, len(kinds), rss>>20, helper>>20)
	if rss >= 512<<20 {
		t.Errorf("the proxy's peak RSS is %d MB, want under 512 MB", rss>>20)
	}
}

// do sends req and returns what came back, "what status".
func do(hc *http.Client, req *http.Request, what string) string {
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Sprintf("%s: %v", what, err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return fmt.Sprintf("%s %d", what, resp.StatusCode)
}

func waitReady(t *testing.T, url string, stderr *bytes.Buffer) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready: %v\n%s", err, stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestValidateMemoryOnHostileBodies: `ovcompat validate` judges each
// hostile body within bounded memory, stopping at the first 100
// violations (issue 16 item 2: 8 MB of bad links took it to 1.4 GB).
func TestValidateMemoryOnHostileBodies(t *testing.T) {
	bin := buildOvcompat(t)
	dir := t.TempDir()
	for kind, body := range hostile() {
		ext := ".xml"
		if strings.HasPrefix(kind, "json") {
			ext = ".json"
		}
		path := filepath.Join(dir, kind+ext)
		if err := os.WriteFile(path, body, 0o600); err != nil {
			t.Fatal(err)
		}
		proc := measuredProcess(t, bin, "validate", "--type", "Vm", path)
		var out bytes.Buffer
		proc.Stdout, proc.Stderr = &out, &out
		start := time.Now()
		err := proc.Run()
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 {
			t.Errorf("%s: %v, want exit 1 (findings)\n%s", kind, err, out.String())
			continue
		}
		rss, helper := proc.peak(t)
		t.Logf("%-13s %5.1f MB: %4.1f s, peak RSS %3d MB (measuring parent %d MB): %s", kind, float64(len(body))/1e6, time.Since(start).Seconds(), rss>>20, helper>>20,
			strings.TrimSpace(out.String()[strings.LastIndex(strings.TrimSpace(out.String()), "\n")+1:]))
		if rss >= 512<<20 {
			t.Errorf("%s: peak RSS %d MB, want under 512 MB", kind, rss>>20)
		}
	}
}
