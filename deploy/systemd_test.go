package deploy

import (
	"bufio"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

const unitFile = "systemd/ovcompat-proxy.service"

// maxExposure is the worst `systemd-analyze security` score the unit may have
// (0 is fully locked down, 10 is unprotected; the unit scored 6.9 before).
const maxExposure = 4.0

// TestSystemdUnitSecurity scores the unit as systemd itself does, offline.
func TestSystemdUnitSecurity(t *testing.T) {
	if _, err := exec.LookPath("systemd-analyze"); err != nil {
		t.Skip("systemd-analyze is not installed (Debian: apt-get install systemd): the unit's exposure is not scored")
	}
	out, err := exec.Command("systemd-analyze", "security", "--offline=yes", "--no-pager", unitFile).CombinedOutput()
	if err != nil {
		t.Fatalf("systemd-analyze security: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`Overall exposure level for \S+: ([0-9.]+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("no overall exposure level in:\n%s", out)
	}
	score, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		t.Fatal(err)
	}
	if score > maxExposure {
		t.Errorf("exposure %.1f, want %.1f or better; what is left open:\n%s", score, maxExposure, failed(out))
	}
	t.Logf("systemd-analyze security: exposure %.1f", score)
}

// failed keeps the lines of systemd-analyze's table that count against the unit.
func failed(out []byte) string {
	var b strings.Builder
	for _, l := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(l, "✗") {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// TestSystemdUnitCredential: the TLS key is handed over with LoadCredential=
// and the proxy reads it from the credentials folder (%d), never from its
// root-only path.
func TestSystemdUnitCredential(t *testing.T) {
	unit := readUnit(t)
	var src string
	for _, v := range unit["LoadCredential"] {
		if id, path, ok := strings.Cut(v, ":"); ok && id == "tls.key" {
			src = path
		}
	}
	if src == "" {
		t.Fatalf("no LoadCredential=tls.key:PATH in %s", unitFile)
	}
	exec := strings.Join(unit["ExecStart"], " ")
	if !strings.Contains(exec, "--tls-key %d/tls.key") {
		t.Errorf("ExecStart does not read the key from the credentials folder (--tls-key %%d/tls.key): %s", exec)
	}
	if strings.Contains(exec, src) {
		t.Errorf("ExecStart names the key's own path %s; the service must read the credential", src)
	}
	if got := unit["DynamicUser"]; len(got) != 1 || got[0] != "yes" {
		t.Errorf("DynamicUser = %v, want yes (no fixed account owns the key's copy)", got)
	}
}

// readUnit parses a unit file into its settings (continuation lines joined,
// comments dropped); a setting given twice keeps both values in order.
func readUnit(t *testing.T) map[string][]string {
	t.Helper()
	f, err := os.Open(unitFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]string{}
	var cont string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if cont == "" && (line == "" || line[0] == '#' || line[0] == ';' || line[0] == '[') {
			continue
		}
		if strings.HasSuffix(line, "\\") {
			cont += strings.TrimSuffix(line, "\\") + " "
			continue
		}
		line, cont = cont+line, ""
		if k, v, ok := strings.Cut(line, "="); ok {
			out[k] = append(out[k], strings.Join(strings.Fields(v), " "))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
