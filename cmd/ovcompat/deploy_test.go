package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/ovcompat/ovcompat/proxy"
)

// recipeFlag is a flag a recipe passes: its line and its value.
type recipeFlag struct {
	line  int
	value string
}

// recipeFlags returns the --flags a deployment recipe passes to `ovcompat
// proxy` (re's first group: the name, its second: the value).
func recipeFlags(t *testing.T, path string, re *regexp.Regexp) map[string]recipeFlag {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]recipeFlag{}
	for i, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		for _, m := range re.FindAllStringSubmatch(line, -1) {
			out[m[1]] = recipeFlag{line: i + 1, value: m[2]}
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s passes no flags", path)
	}
	return out
}

func proxyCommand(t *testing.T) *cobra.Command {
	t.Helper()
	root := newRoot(os.Stdout, os.Stderr)
	cmd, _, err := root.Find([]string{"proxy"})
	if err != nil {
		t.Fatal(err)
	}
	return cmd
}

// TestDeployRecipesUseRealFlags: the systemd unit and the Kubernetes sidecar
// pass only flags `ovcompat proxy` has, with values that parse, so a renamed
// flag or a misspelt value cannot leave a recipe that fails at start.
func TestDeployRecipesUseRealFlags(t *testing.T) {
	proxy := proxyCommand(t)
	for path, re := range map[string]*regexp.Regexp{
		"../../deploy/systemd/ovcompat-proxy.service":   regexp.MustCompile(`(?:^|\s)--([a-z][a-z0-9-]*)\s+([^\s\\]+)`),
		"../../deploy/kubernetes/ovcompat-sidecar.yaml": regexp.MustCompile(`^\s*- --([a-z][a-z0-9-]*)=(\S+)`),
	} {
		for flag, at := range recipeFlags(t, path, re) {
			if proxy.Flags().Lookup(flag) == nil {
				t.Errorf("%s:%d: --%s is not a flag of ovcompat proxy", filepath.Base(path), at.line, flag)
			} else if err := proxy.Flags().Set(flag, at.value); err != nil {
				t.Errorf("%s:%d: --%s %s: %v", filepath.Base(path), at.line, flag, at.value, err)
			}
		}
	}
}

// TestSidecarConfigApplies: the ConfigMap's config file is one the proxy
// accepts (its keys are flags of ovcompat proxy, its values parse).
func TestSidecarConfigApplies(t *testing.T) {
	data, err := os.ReadFile("../../deploy/kubernetes/ovcompat-sidecar.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// The file is the block under "ovcompat.yaml: |", indented four spaces.
	_, rest, ok := strings.Cut(string(data), "ovcompat.yaml: |\n")
	if !ok {
		t.Fatal("no ovcompat.yaml in the ConfigMap")
	}
	var cfg strings.Builder
	for _, line := range strings.Split(rest, "\n") {
		if !strings.HasPrefix(line, "    ") && strings.TrimSpace(line) != "" {
			break
		}
		cfg.WriteString(strings.TrimPrefix(line, "    ") + "\n")
	}
	file := filepath.Join(t.TempDir(), "ovcompat.yaml")
	if err := os.WriteFile(file, []byte(cfg.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("OVCOMPAT_CONFIG", file)
	cmd := proxyCommand(t)
	if err := applyConfig(cmd); err != nil {
		t.Fatalf("the sidecar's config file:\n%s\n%v", cfg.String(), err)
	}
	if got := cmd.Flags().Lookup("severity").Value.String(); !strings.Contains(got, "schema.element-order=info") {
		t.Errorf("--severity = %s: the sidecar's config file was not applied:\n%s", got, cfg.String())
	}
	if _, err := proxy.ParseMode(cmd.Flags().Lookup("mode").Value.String()); err != nil {
		t.Errorf("the sidecar's config file: %v", err)
	}
}
