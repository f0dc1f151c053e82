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
			"--users", users, "--seed", "4", "--inject", "slow:0", "--settle", "1m", "--image-limit", "2MiB"}, pw, io.Discard)
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
	if !strings.Contains(text, "image transfers:    "+base[1]+"/ovirt-imageio/images/ (at most 2MiB of data") {
		cancel()
		t.Fatalf("banner without the images:\n%s", text)
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
		// The CA it printed, handed out as an engine does (no credentials needed).
		{"", "", "/ovirt-engine/services/pki-resource?resource=ca-certificate&format=X509-PEM-CA", 200, "-----BEGIN CERTIFICATE-----"},
	} {
		method, path, body := "GET", tc.path, ""
		if m, p, ok := strings.Cut(tc.path, " "); ok {
			// With Expect: 201-created the new disk is answered once it is ok.
			method, path = m, p
			body = `<disk><format>cow</format><provisioned_size>1048576</provisioned_size><storage_domains><storage_domain><name>data1</name></storage_domain></storage_domains></disk>`
		}
		req, _ := http.NewRequest(method, base[1]+path, strings.NewReader(body))
		if tc.user != "" {
			req.SetBasicAuth(tc.user, tc.pass)
		}
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
	uploadThroughSim(t, client, base[1])
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
		{"sim", "--image-limit", "lots"},
		{"sim", "--image-limit", "0"},
	} {
		if code, _, errs := ovcompat(t, args...); code != 2 || errs == "" {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
}

// uploadThroughSim uploads to a new disk through the command's HTTPS
// listener over HTTP/1.1: the transfer URL is https (ovirt-imageio's
// client asserts it), and --image-limit bounds what it takes.
func uploadThroughSim(t *testing.T, client *http.Client, base string) {
	t.Helper()
	send := func(method, url, body string, header ...string) (*http.Response, string) {
		req, _ := http.NewRequest(method, url, strings.NewReader(body))
		req.SetBasicAuth("admin@internal", "secret")
		req.Header.Set("Expect", "201-created") // the Add answered once settled
		req.Header.Set("Content-Type", "application/xml")
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, url, err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(data)
	}
	idRe := regexp.MustCompile(`<disk [^>]*id="([^"]+)"`)
	_, body := send("POST", base+"/ovirt-engine/api/disks", `<disk><format>raw</format><provisioned_size>4194304</provisioned_size>
		<storage_domains><storage_domain><name>data1</name></storage_domain></storage_domains></disk>`)
	disk := idRe.FindStringSubmatch(body)
	if disk == nil {
		t.Fatalf("new disk: %s", body)
	}
	_, body = send("POST", base+"/ovirt-engine/api/imagetransfers", `<image_transfer><disk id="`+disk[1]+`"/><format>raw</format></image_transfer>`)
	url := regexp.MustCompile(`<transfer_url>([^<]+)</transfer_url>`).FindStringSubmatch(body)
	if url == nil || !strings.HasPrefix(url[1], base+"/ovirt-imageio/images/") {
		t.Fatalf("transfer: %s", body)
	}
	if resp, body := send("PUT", url[1], strings.Repeat("x", 1<<20)); resp.StatusCode != 200 {
		t.Fatalf("PUT 1 MiB: %d %s", resp.StatusCode, body)
	}
	resp, body := send("PUT", url[1], strings.Repeat("y", 2<<20), "Content-Range", "bytes 1048576-3145727/*")
	if resp.StatusCode != 413 || !strings.Contains(body, "--image-limit") {
		t.Errorf("PUT beyond --image-limit: %d %s", resp.StatusCode, body)
	}
}
