package main

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestUnknownSubcommand: a subcommand that does not exist is an error (exit
// 2) that names the nearest one; a group given nothing prints its help.
func TestUnknownSubcommand(t *testing.T) {
	for _, tc := range []struct {
		args       []string
		code       int
		stderr     []string
		stdoutHelp bool
	}{
		{[]string{"schema", "routs"}, 2, []string{`unknown command "routs" for "ovcompat schema"`, `did you mean "routes"?`, "ovcompat schema --help"}, false},
		{[]string{"frob"}, 2, []string{`unknown command "frob" for "ovcompat"`}, false},
		{[]string{"completion", "bahs"}, 2, []string{`unknown command "bahs" for "ovcompat completion"`, `did you mean "bash"?`}, false},
		{[]string{"schema"}, 0, nil, true},
		{nil, 0, nil, true},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errs := ovcompat(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.code, errs)
			}
			for _, w := range tc.stderr {
				if !strings.Contains(errs, w) {
					t.Errorf("stderr %q lacks %q", errs, w)
				}
			}
			if tc.stdoutHelp != strings.Contains(out, "Available Commands:") {
				t.Errorf("help on stdout: %v, want %v: %q", !tc.stdoutHelp, tc.stdoutHelp, out)
			}
		})
	}
}

// TestArgumentErrors: positional-argument errors say what the command takes
// in the house style, not cobra's "requires at least 1 arg(s)"; nothing is
// printed before them.
func TestArgumentErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"import", "--out", t.TempDir()}, "import takes one or more HAR files, got none (see ovcompat import --help)"},
		{[]string{"validate"}, "validate takes one or more .xml, .json or .har files or folders, got none"},
		{[]string{"version", "extra"}, `version takes no arguments, got "extra"`},
		{[]string{"schema", "types", "Vm", "Host"}, `schema types takes at most one type or element name, got 2: "Vm Host"`},
		{[]string{"diff", "a.json"}, "diff takes two results files"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errs := ovcompat(t, tc.args...)
			if code != 2 || !strings.HasPrefix(errs, "ovcompat: ") || !strings.Contains(errs, tc.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errs, tc.want)
			}
			if strings.Contains(errs, "arg(s)") {
				t.Errorf("cobra's wording: %q", errs)
			}
			if out != "" {
				t.Errorf("output before the usage error: %q", out)
			}
		})
	}
}

// TestEnvironmentValueNamesItself: an environment variable that does not
// parse is named, with what its value must be.
func TestEnvironmentValueNamesItself(t *testing.T) {
	t.Setenv("OVCOMPAT_REPLAY_PARALLEL", "abc")
	code, _, errs := ovcompat(t, "replay", "--target", "http://127.0.0.1:1")
	want := `OVCOMPAT_REPLAY_PARALLEL="abc": want a whole number (--parallel)`
	if code != 2 || !strings.Contains(errs, want) || strings.Contains(errs, "strconv") {
		t.Errorf("exit %d, stderr %q; want 2 and %q", code, errs, want)
	}
	t.Setenv("OVCOMPAT_REPLAY_PARALLEL", "")
	os.Unsetenv("OVCOMPAT_REPLAY_PARALLEL")
	t.Setenv("OVCOMPAT_INSECURE", "maybe")
	if code, _, errs := ovcompat(t, "replay", "--target", "http://127.0.0.1:1"); code != 2 || !strings.Contains(errs, `OVCOMPAT_INSECURE="maybe": want true or false (--insecure)`) {
		t.Errorf("bool: exit %d, stderr %q", code, errs)
	}
}

// TestConfigFileServesEveryCommand: a top-level key applies to the commands
// that have such a flag and is ignored by the others; a key that no command
// has, or a section's key its command does not have, is an error naming the
// nearest flag.
func TestConfigFileServesEveryCommand(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "ovcompat.yaml")
	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(cfg, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("format: json\nmode: enforce\nparallel: 2\nupstream: https://engine.example.com\nproxy:\n  log-format: json\n")
	code, out, errs := ovcompat(t, "--config", cfg, "validate", "../../fixtures/bodies/v4/vm.xml")
	if code != 0 || !strings.HasPrefix(out, "{") {
		t.Errorf("validate: exit %d, stdout %q, stderr %q; want the top-level format applied, mode and parallel ignored", code, out, errs)
	}
	if code, out, errs := ovcompat(t, "--config", cfg, "version"); code != 0 || !strings.Contains(out, "ovcompat ") {
		t.Errorf("version: exit %d %q %q", code, out, errs)
	}
	for _, tc := range []struct{ file, want string }{
		{"mod: enforce\n", `"mod" is not a flag of any ovcompat command; did you mean "mode"?`},
		{"validate:\n  formt: json\n", `validate: "formt" is not a flag of ovcompat validate; did you mean "format"?`},
		{"validat:\n  format: json\n", `section "validat" is not a command of ovcompat; did you mean "validate"?`},
		{"validate:\n  max-body: lots\n", `max-body "lots": want a whole number of bytes with an optional unit: 1GiB, 512MiB, 2G, 1000000 (--max-body)`},
	} {
		write(tc.file)
		if code, _, errs := ovcompat(t, "--config", cfg, "validate", "../../fixtures/bodies/v4/vm.xml"); code != 2 || !strings.Contains(errs, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %q", tc.file, code, errs, tc.want)
		}
	}
}

// TestCompletion: the shell completes flag values from where they are
// decided: a choice flag's own names (modes, formats, grades, log levels),
// faults, rule IDs, RULE=LEVEL, releases; exactly those for a choice.
func TestCompletion(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"proxy", "--mode", ""}, []string{"observe", "enforce"}},
		{[]string{"proxy", "--log-format", ""}, []string{"text", "json"}},
		{[]string{"proxy", "--log-level", ""}, []string{"debug", "info", "warn", "error"}},
		{[]string{"diff", "--fail-on", ""}, []string{"breaking", "warning"}},
		{[]string{"compat", "--fail-on", ""}, []string{"breaking", "warning"}},
		{[]string{"schema", "export", "--format", ""}, []string{"jsonschema", "model", "rsdl", "xsd"}},
		{[]string{"rules", "--format", ""}, []string{"text", "json"}},
		{[]string{"crawl", "--format", ""}, []string{"text", "md", "json", "github"}},
		{[]string{"schema", "diff", "--format", ""}, []string{"text", "md", "json", "github"}},
		{[]string{"report", "--format", ""}, []string{"html", "md", "junit", "json"}},
		{[]string{"report", "--format", "html,md,"}, []string{"html,md,junit", "html,md,json"}},
		{[]string{"validate", "--format", ""}, []string{"text", "json"}},
		{[]string{"diff", "--format", ""}, []string{"text", "md", "json", "github"}},
		{[]string{"replay", "--format", ""}, []string{"text", "md", "json", "github"}},
		{[]string{"validate", "--disable", "schema.unk"}, []string{"schema.unknown-element", "schema.unknown-enum"}},
		{[]string{"replay", "--severity", "schema.u"}, []string{"schema.unknown-element="}},
		{[]string{"proxy", "--severity", "rest.version="}, []string{"rest.version=error", "rest.version=warning", "rest.version=info"}},
		{[]string{"sim", "--inject", ""}, []string{"drop-links", "wrong-type"}},
		{[]string{"sim", "--inject", "drop-links:0.3,"}, []string{"drop-links:0.3,wrong-type"}},
		{[]string{"demo", "--inject", ""}, []string{"broken", "drop-links"}},
		{[]string{"replay", "--engine-version", ""}, []string{"auto", "4.4", "4.4.10", "4.5.7", "model:4.6.1"}},
		{[]string{"sim", "--engine-version", ""}, []string{"4.0", "model:4.0.40"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, out, errs := ovcompat(t, append([]string{"__complete"}, tc.args...)...)
			if code != 0 {
				t.Fatalf("exit %d %q", code, errs)
			}
			got := strings.Split(strings.TrimSpace(out), "\n")
			if directive := got[len(got)-1]; strings.HasPrefix(directive, ":") {
				got = got[:len(got)-1]
			}
			// The rows of the longer lists name some of the values.
			some := map[string]bool{"--disable": true, "--severity": true, "--inject": true, "--engine-version": true}
			if !some[tc.args[len(tc.args)-2]] && !slices.Equal(got, tc.want) {
				t.Errorf("completions %q, want exactly %q", got, tc.want)
			}
			for _, w := range tc.want {
				if !slices.Contains(got, w) {
					t.Errorf("completions %q lack %q", got, w)
				}
			}
		})
	}
}

// TestVersionFromBuildInfo: without a version from the linker, the module's
// version (go install module@version) is reported, else the VCS revision.
func TestVersionFromBuildInfo(t *testing.T) {
	bi := func(v string, settings ...string) func() (*debug.BuildInfo, bool) {
		return func() (*debug.BuildInfo, bool) {
			b := &debug.BuildInfo{Main: debug.Module{Path: "github.com/ovcompat/ovcompat", Version: v}}
			for i := 0; i+1 < len(settings); i += 2 {
				b.Settings = append(b.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
			}
			return b, true
		}
	}
	none := func() (*debug.BuildInfo, bool) { return nil, false }
	for _, tc := range []struct {
		name, linker string
		read         func() (*debug.BuildInfo, bool)
		want         string
	}{
		{"linker wins", "v2.0.0", bi("v1.4.2"), "v2.0.0"},
		{"go install module@version", "", bi("v1.4.2"), "v1.4.2"},
		{"pseudo-version", "", bi("v0.0.0-20261204143207-decd509e1f2a"), "v0.0.0-20261204143207-decd509e1f2a"},
		{"go build in a checkout", "", bi("(devel)", "vcs.revision", "decd509e1f2a0000", "vcs.modified", "true"), "devel decd509e1f2a (modified)"},
		{"no build info", "", none, "dev"},
		{"devel without VCS", "", bi("(devel)"), "dev"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := versionFrom(tc.linker, tc.read); got != tc.want {
				t.Errorf("versionFrom = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestUsersFile: a users file is a list or {users: [...]}; a key that is no
// user's field is named with its line; a syntax error is on its own line.
func TestUsersFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, doc := range []string{
		"users:\n  - name: a@internal\n    password: x\n    role: admin\n",
		"- name: a@internal\n  password: x\n  role: admin\n",
	} {
		us, err := readUsers(write("ok.yaml", doc))
		if err != nil || len(us) != 1 || us[0].Name != "a@internal" || us[0].Password != "x" {
			t.Errorf("%q: %+v %v", doc, us, err)
		}
	}
	for _, tc := range []struct{ doc, want string }{
		{"users:\n  - name: a@internal\n    passwd: x\n", `line 3: unknown key "passwd"`},
		{"- name: a@internal\n  password: x\n  rol: admin\n", `line 3: unknown key "rol"`},
		{"users:\n  - name: a@internal\n    password: x\n  - oops\n bad: 1\n", "line 5: YAML syntax"},
	} {
		code, _, errs := ovcompat(t, "sim", "--users", write("bad.yaml", tc.doc), "--listen", "127.0.0.1:0")
		if code != 2 || !strings.Contains(errs, tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %q", tc.doc, code, errs, tc.want)
		}
	}
}

// TestConfigYAMLErrorLine: a syntax error in the config file is reported on
// its own line (yaml.v3 names the line where the enclosing block began).
func TestConfigYAMLErrorLine(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "ovcompat.yaml")
	if err := os.WriteFile(cfg, []byte("format: json\nvalidate:\n  format: json\n  max-body: 1024\n  - stray\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := ovcompat(t, "--config", cfg, "validate", "../../fixtures/bodies/v4/vm.xml")
	if code != 2 || !strings.Contains(errs, cfg+": line 5: YAML syntax") {
		t.Errorf("exit %d, stderr %q; want 2 and line 5", code, errs)
	}
}

// TestSchemaRoutesFitsTerminal: at a terminal's width every line fits and
// every route is there; a path too long for the line is cut in the middle;
// --wide (and output that is not a terminal) keeps one line per route.
func TestSchemaRoutesFitsTerminal(t *testing.T) {
	_, wide, _ := ovcompat(t, "schema", "routes", "--wide")
	_, piped, _ := ovcompat(t, "schema", "routes")
	if wide != piped || !strings.HasPrefix(wide, "METHOD  PATH") {
		t.Fatalf("not a terminal: want the one-line table, got %.200q", piped)
	}
	total := strings.Count(wide, "\n") - 2 // the header and the count
	for _, width := range []int{80, 60} {
		code, out, errs := ovcompat(t, "schema", "routes", "--width", strconv.Itoa(width))
		if code != 0 {
			t.Fatalf("exit %d %s", code, errs)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		cut := 0
		for _, l := range lines {
			if n := utf8.RuneCountInString(l); n > width {
				t.Errorf("width %d: a line of %d: %q", width, n, l)
			}
			if strings.Contains(l, "…") {
				cut++
			}
		}
		if got := (len(lines) - 2) / 2; got != total || lines[len(lines)-1] != plural(total, "route") {
			t.Errorf("width %d: %d routes, want %d (last line %q)", width, got, total, lines[len(lines)-1])
		}
		if cut == 0 {
			t.Errorf("width %d: no path was cut, yet the longest is over 100 characters", width)
		}
	}
	// A short path stays whole, its operation and bodies below it.
	_, out, _ := ovcompat(t, "schema", "routes", "--width", "80", "--match", "/vms/{vm_id}/start")
	if !strings.Contains(out, "POST    /vms/{vm_id}/start\n        VmService.Start <action> -> <action>\n") {
		t.Errorf("narrow layout:\n%s", out)
	}
}
