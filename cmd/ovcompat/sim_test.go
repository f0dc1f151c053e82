package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestSimCommand starts `ovcompat sim` on a free port with TLS and a
// users file, talks to it as a client would, and stops it.
func TestSimCommand(t *testing.T) {
	dir := t.TempDir()
	users := filepath.Join(dir, "users.yaml")
	if err := os.WriteFile(users, []byte("users:\n  - name: alice@internal\n    password: wonder\n    role: user\n    permissions: [vms/web-01]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"sim", "--listen", "127.0.0.1:0", "--tls-self-signed", "--admin-password", "secret",
			"--users", users, "--seed", "4", "--inject", "slow:0", "--settle", "1m"}, pw, io.Discard)
		pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	var banner []string
	for sc.Scan() {
		banner = append(banner, sc.Text())
		if strings.HasPrefix(sc.Text(), "Stop with") {
			break
		}
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	text := strings.Join(banner, "\n")
	base := regexp.MustCompile(`at (https://127\.0\.0\.1:\d+)/ovirt-engine/api`).FindStringSubmatch(text)
	ca := regexp.MustCompile(`CA certificate:\s+(\S+)`).FindStringSubmatch(text)
	if base == nil || ca == nil || !strings.Contains(text, "user admin@internal  password secret") || !strings.Contains(text, "alice@internal  password wonder  (user: vms/web-01)") {
		cancel()
		t.Fatalf("banner:\n%s", text)
	}
	pem, err := os.ReadFile(ca[1])
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	for _, tc := range []struct {
		user, pass, path string
		status           int
		want             string
	}{
		{"admin@internal", "secret", "/ovirt-engine/api/vms?search=name%3Dweb-01", 200, "<name>web-01</name>"},
		{"admin@internal", "secret", "POST /ovirt-engine/api/disks", 201, "<status>ok</status>"},
		{"alice@internal", "wonder", "/ovirt-engine/api/vms", 200, "<name>web-01</name>"},
		{"admin@internal", "wrong", "/ovirt-engine/api", 401, "Unauthorized"},
	} {
		method, path, body := "GET", tc.path, ""
		if m, p, ok := strings.Cut(tc.path, " "); ok {
			// With Expect: 201-created the new disk is answered once it is ok.
			method, path = m, p
			body = `<disk><format>cow</format><provisioned_size>1048576</provisioned_size><storage_domains><storage_domain><name>data1</name></storage_domain></storage_domains></disk>`
		}
		req, _ := http.NewRequest(method, base[1]+path, strings.NewReader(body))
		req.SetBasicAuth(tc.user, tc.pass)
		if body != "" {
			req.Header.Set("Content-Type", "application/xml")
			req.Header.Set("Expect", "201-created")
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("GET %s: %v", tc.path, err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.Contains(string(got), tc.want) {
			t.Errorf("%s as %s: %d %.300s", tc.path, tc.user, resp.StatusCode, got)
		}
		// HTTP/1.1 over TLS (this client does not ask for h2) is HTTPS to
		// the engine too: its Location is https.
		if loc := resp.Header.Get("Location"); resp.StatusCode == 201 && !strings.HasPrefix(loc, base[1]+"/") {
			t.Errorf("Location %q, want it under %s", loc, base[1])
		}
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d after interrupt", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("sim did not stop")
	}
}

func TestSimUsageErrors(t *testing.T) {
	dir := t.TempDir()
	badUsers := filepath.Join(dir, "users.yaml")
	if err := os.WriteFile(badUsers, []byte("- name: bob@internal\n  password: x\n  permissions: [vms/none]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"sim", "--inject", "explode"},
		{"sim", "--inject", "slow:7"},
		{"sim", "--tls-cert", "c.pem"},
		{"sim", "--tls-self-signed", "--tls-cert", "c.pem", "--tls-key", "k.pem"},
		{"sim", "--users", filepath.Join(dir, "missing.yaml")},
		{"sim", "--users", badUsers},
		{"sim", "--listen", "256.0.0.1:x"},
		{"sim", "extra"},
	} {
		if code, _, errs := ovcompat(t, args...); code != 2 || errs == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
}
