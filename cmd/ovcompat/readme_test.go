package main

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/ovcompat/ovcompat/engine"
	"github.com/ovcompat/ovcompat/fixtures/target"
	"github.com/ovcompat/ovcompat/sim"
)

// shellLines returns the command lines of the ```sh blocks of a Markdown
// file: continuation lines joined, comments and environment assignments
// dropped.
func shellLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	in, cont := false, ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "```sh"):
			in = true
			continue
		case strings.HasPrefix(line, "```"):
			in = false
			continue
		case !in:
			continue
		}
		if i := strings.Index(line, " #"); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		if strings.HasSuffix(line, `\`) {
			cont += strings.TrimSuffix(line, `\`) + " "
			continue
		}
		line = strings.TrimSpace(cont + line)
		cont = ""
		if line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out
}

// splitArgs splits a command line as a shell would for the simple quoting
// the documentation uses.
func splitArgs(s string) []string {
	var out []string
	var cur strings.Builder
	quote, in := byte(0), false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			cur.WriteByte(c)
		case c == '\'' || c == '"':
			quote, in = c, true
		case c == ' ' || c == '\t':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if in {
		out = append(out, cur.String())
	}
	return out
}

var envAssign = regexp.MustCompile(`^[A-Z_]+=\S*$`)

// checkInvocation checks that args name an ovcompat command and that its
// flags and arguments parse.
func checkInvocation(t *testing.T, where string, args []string) {
	t.Helper()
	root := newRoot(io.Discard, io.Discard)
	cmd, rest, err := root.Find(args)
	if err != nil || cmd == root {
		t.Errorf("%s: %q is not a command: %v", where, strings.Join(args, " "), err)
		return
	}
	if err := cmd.ParseFlags(rest); err != nil {
		t.Errorf("%s: %q: %v", where, strings.Join(args, " "), err)
		return
	}
	if err := cmd.ValidateArgs(cmd.Flags().Args()); err != nil {
		t.Errorf("%s: %q: %v", where, strings.Join(args, " "), err)
	}
}

// TestREADMECommands: every ovcompat command line the README shows names
// a real command with real flags, and every make target exists. (What each
// command does is tested beside its own code.)
func TestREADMECommands(t *testing.T) {
	makefile, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, doc := range []string{"../../README.md", "../../fixtures/README.md"} {
		for _, line := range shellLines(t, doc) {
			args := splitArgs(line)
			for len(args) > 0 && envAssign.MatchString(args[0]) {
				args = args[1:]
			}
			if len(args) == 0 {
				continue
			}
			switch args[0] {
			case "ovcompat":
				checkInvocation(t, doc, args[1:])
				seen++
			case "make":
				for _, target := range args[1:] {
					if strings.Contains(target, "=") {
						continue
					}
					if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(target) + `:`).Match(makefile) {
						t.Errorf("%s: make %s: no such target in the Makefile", doc, target)
					}
				}
			}
		}
	}
	if seen < 15 {
		t.Errorf("only %d ovcompat command lines found in the READMEs", seen)
	}
}

// TestDeployFiles: the sidecar manifest, the systemd unit and the config
// file they carry use real commands, flags and config keys.
func TestDeployFiles(t *testing.T) {
	data, err := os.ReadFile("../../deploy/kubernetes/ovcompat-sidecar.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	containers := 0
	for {
		var doc map[string]any
		if err := dec.Decode(&doc); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if cfg, ok := dig(doc, "data", "ovcompat.yaml").(string); ok {
			checkConfigFile(t, cfg)
		}
		cs, _ := dig(doc, "spec", "template", "spec", "containers").([]any)
		for _, c := range cs {
			cm, _ := c.(map[string]any)
			if cm["name"] != "ovcompat" {
				continue
			}
			var args []string
			for _, a := range cm["args"].([]any) {
				args = append(args, a.(string))
			}
			checkInvocation(t, "kubernetes manifest", args)
			containers++
		}
	}
	if containers != 1 {
		t.Errorf("the manifest has %d ovcompat containers, want 1", containers)
	}
	unit, err := os.ReadFile("../../deploy/systemd/ovcompat-proxy.service")
	if err != nil {
		t.Fatal(err)
	}
	exec := ""
	for _, l := range strings.Split(strings.ReplaceAll(string(unit), "\\\n", " "), "\n") {
		if v, ok := strings.CutPrefix(l, "ExecStart="); ok {
			exec = v
		}
	}
	args := splitArgs(exec)
	if len(args) < 2 || !strings.HasSuffix(args[0], "/ovcompat") {
		t.Fatalf("systemd ExecStart: %q", exec)
	}
	checkInvocation(t, "systemd unit", args[1:])
	wf, err := os.ReadFile("../../deploy/github-actions/conformance.yml")
	if err != nil {
		t.Fatal(err)
	}
	var workflow map[string]any
	if err := yaml.Unmarshal(wf, &workflow); err != nil {
		t.Fatalf("workflow: %v", err)
	}
	if !strings.Contains(string(wf), "make conformance") || !strings.Contains(string(wf), "GITHUB_STEP_SUMMARY") {
		t.Error("the workflow must run the suite and write the summary")
	}
}

// checkConfigFile checks a config file's keys against the flags of the
// commands it configures.
func checkConfigFile(t *testing.T, cfg string) {
	t.Helper()
	var raw map[string]any
	if err := yaml.Unmarshal([]byte(cfg), &raw); err != nil {
		t.Fatalf("config file: %v", err)
	}
	root := newRoot(io.Discard, io.Discard)
	for name, sec := range raw {
		cmd, _, err := root.Find([]string{name})
		if err != nil || cmd == root {
			t.Errorf("config file: section %q is not a command", name)
			continue
		}
		for k, v := range sec.(map[string]any) {
			f := cmd.Flags().Lookup(k)
			if f == nil {
				t.Errorf("config file: %s has no flag %q", name, k)
				continue
			}
			if _, err := setFromConfig(f, v); err != nil {
				t.Errorf("config file: %s %s: %v", name, k, err)
			}
		}
	}
}

func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// yamlBlocks returns the ```yaml blocks of a Markdown file.
func yamlBlocks(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, part := range strings.Split(string(data), "```yaml\n")[1:] {
		block, _, _ := strings.Cut(part, "```")
		out = append(out, block)
	}
	return out
}

// TestREADMERoleFiles: the README's users file for the simulator and its
// credentials file for replay give the bundled scenarios' role "user"
// exactly the account the scenarios were recorded with.
func TestREADMERoleFiles(t *testing.T) {
	users, creds := 0, 0
	for _, block := range yamlBlocks(t, "../../README.md") {
		switch {
		case strings.HasPrefix(block, "users:"):
			users++
			path := filepath.Join(t.TempDir(), "users.yaml")
			if err := os.WriteFile(path, []byte(block), 0o600); err != nil {
				t.Fatal(err)
			}
			us, err := readUsers(path)
			if err != nil || len(us) != 1 {
				t.Fatalf("the README's users file: %v %+v", err, us)
			}
			u := us[0]
			if u.Name != target.User || u.Role != sim.RoleUser || !slices.Equal(u.Permissions, target.UserPermissions()) {
				t.Errorf("the README's users file gives %+v; the bundled scenarios need %s, an account of role user, permissions %v",
					u, target.User, target.UserPermissions())
			}
		case strings.HasPrefix(block, target.UserRole+":"):
			creds++
			t.Setenv("USER_PASSWORD", "wonder")
			path := filepath.Join(t.TempDir(), "roles.yaml")
			if err := os.WriteFile(path, []byte(block), 0o600); err != nil {
				t.Fatal(err)
			}
			roles, err := engine.LoadCredentials(path)
			if err != nil || roles[target.UserRole].User != target.User || roles[target.UserRole].Password != "wonder" {
				t.Errorf("the README's credentials file: %v %v", err, roles)
			}
		}
	}
	if users != 1 || creds != 1 {
		t.Errorf("the README has %d users files and %d credentials files, want one of each", users, creds)
	}
}
