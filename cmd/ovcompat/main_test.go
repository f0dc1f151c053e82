package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// ovcompat runs the CLI in-process and returns exit code, stdout, stderr.
func ovcompat(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestVersion(t *testing.T) {
	code, out, _ := ovcompat(t, "version")
	if code != 0 || !strings.Contains(out, "ovcompat ") || !strings.Contains(out, "oVirt API model 4.6") {
		t.Fatalf("version: %d %q", code, out)
	}
}

func TestValidateExitCodes(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.xml")
	os.WriteFile(bad, []byte(`<vm><memory>lots</memory></vm>`), 0o644)
	if code, out, errs := ovcompat(t, "validate", "../../fixtures/bodies"); code != 0 || !strings.Contains(out, "checked 9") {
		t.Errorf("fixtures: exit %d\n%s%s", code, out, errs)
	}
	code, out, _ := ovcompat(t, "validate", bad)
	if code != 1 || !strings.Contains(out, "schema.invalid-value") || !strings.Contains(out, "/vm/memory") {
		t.Errorf("bad body: exit %d\n%s", code, out)
	}
	if code, _, errs := ovcompat(t, "validate", filepath.Join(dir, "nope.xml")); code != 2 || errs == "" {
		t.Errorf("missing file: exit %d %q", code, errs)
	}
	if code, _, errs := ovcompat(t, "validate", "--bogus-flag", bad); code != 2 || !strings.Contains(errs, "--help") {
		t.Errorf("bad flag: exit %d %q", code, errs)
	}
	if code, _, errs := ovcompat(t, "validate", "--disable", "schema.no-such-rule", bad); code != 2 || !strings.Contains(errs, `--disable "schema.no-such-rule": want a rule ID, as ovcompat rules lists them (see`) {
		t.Errorf("unknown rule: exit %d %q", code, errs)
	}
	if code, _, _ := ovcompat(t, "validate", "--disable", "schema.invalid-value", bad); code != 0 {
		t.Errorf("--disable: exit %d", code)
	}
	if code, out, _ := ovcompat(t, "validate", "--severity", "schema.invalid-value=warning", bad); code != 0 || !strings.Contains(out, "warning") {
		t.Errorf("--severity: exit %d %s", code, out)
	}
}

func TestValidateJSONLines(t *testing.T) {
	code, out, _ := ovcompat(t, "validate", "--format", "json", "../../fixtures/bodies/v4")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 9 {
		t.Fatalf("want 9 lines, got %d", len(lines))
	}
	for _, l := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"file", "entry", "method", "path", "route", "ok", "skipped", "violations"} {
			if _, ok := rec[k]; !ok && k != "method" && k != "path" && k != "route" {
				t.Errorf("line lacks %q: %s", k, l)
			}
		}
		if _, ok := rec["violations"].([]any); !ok {
			t.Errorf("violations is not a list: %s", l)
		}
	}
}

// TestConfigPrecedence: flag > environment > config file > default.
func TestConfigPrecedence(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "ovcompat.yaml")
	os.WriteFile(cfg, []byte("validate:\n  format: json\n"), 0o644)
	_, out, _ := ovcompat(t, "--config", cfg, "validate", "../../fixtures/bodies/v4/vm.xml")
	if !strings.HasPrefix(out, "{") {
		t.Errorf("config file not applied: %q", out)
	}
	t.Setenv("OVCOMPAT_FORMAT", "text")
	_, out, _ = ovcompat(t, "--config", cfg, "validate", "../../fixtures/bodies/v4/vm.xml")
	if strings.HasPrefix(out, "{") {
		t.Errorf("environment must win over the config file: %q", out)
	}
	t.Setenv("OVCOMPAT_VALIDATE_FORMAT", "json")
	_, out, _ = ovcompat(t, "--config", cfg, "validate", "../../fixtures/bodies/v4/vm.xml")
	if !strings.HasPrefix(out, "{") {
		t.Errorf("the command's variable must win over the shared one: %q", out)
	}
	t.Setenv("OVCOMPAT_VALIDATE_FORMAT", "text")
	_, out, _ = ovcompat(t, "--config", cfg, "validate", "--format", "json", "../../fixtures/bodies/v4/vm.xml")
	if !strings.HasPrefix(out, "{") {
		t.Errorf("flag must win over the environment: %q", out)
	}
	os.WriteFile(cfg, []byte("validate:\n  no-such-flag: 1\n"), 0o644)
	if code, _, errs := ovcompat(t, "--config", cfg, "validate", "../../fixtures/bodies/v4/vm.xml"); code != 2 || !strings.Contains(errs, "no-such-flag") {
		t.Errorf("unknown config key: exit %d %q", code, errs)
	}
}

func TestSchemaAndRulesCommands(t *testing.T) {
	if code, out, _ := ovcompat(t, "schema", "routes", "--match", "/vms/{vm_id}/start"); code != 0 || !strings.Contains(out, "VmService") {
		t.Errorf("schema routes: %d %s", code, out)
	}
	if code, out, _ := ovcompat(t, "schema", "types", "vm"); code != 0 || !strings.Contains(out, "type Vm extends VmBase") || !strings.Contains(out, "actions: ") {
		t.Errorf("schema types vm: %d %s", code, out)
	}
	if code, _, _ := ovcompat(t, "schema", "types", "Starship"); code != 2 {
		t.Errorf("unknown type: exit %d", code)
	}
	code, out, _ := ovcompat(t, "rules", "--format", "json")
	var rs []map[string]string
	if code != 0 || json.Unmarshal([]byte(out), &rs) != nil || len(rs) < 10 {
		t.Fatalf("rules json: %d %s", code, out)
	}
	for _, r := range rs {
		if r["id"] == "" || r["rationale"] == "" || r["severity"] == "" {
			t.Errorf("incomplete rule %v", r)
		}
	}
}
