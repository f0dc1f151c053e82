package lint

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/shell"
)

const (
	dockerfile = "../Dockerfile"
	repoRoot   = "../.."
	manifest   = "../kubernetes/ovcompat-sidecar.yaml"
	readme     = "../../README.md"
)

func readDockerfile(t *testing.T) ([]byte, *Dockerfile) {
	t.Helper()
	data, err := os.ReadFile(dockerfile)
	if err != nil {
		t.Fatal(err)
	}
	df, err := ParseDockerfile(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(df.Stages) < 2 {
		t.Fatalf("%s has %d stages, want a build stage and the image's", dockerfile, len(df.Stages))
	}
	return data, df
}

// spoil replaces old by new in the Dockerfile's text, once; the case must
// still apply to today's file.
func spoil(t *testing.T, data []byte, old, new string) []byte {
	t.Helper()
	if !strings.Contains(string(data), old) {
		t.Fatalf("the Dockerfile no longer contains %q: update the case", old)
	}
	return []byte(strings.Replace(string(data), old, new, 1))
}

// TestDockerfileBuildChecks: BuildKit's build checks, what `docker build
// --check` runs, find nothing.
func TestDockerfileBuildChecks(t *testing.T) {
	data, _ := readDockerfile(t)
	found, err := BuildChecks(context.Background(), data)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range found {
		t.Error(f)
	}
}

// TestDockerfileBuildChecksCatch: the same checks report a copy spoiled in
// one place, so TestDockerfileBuildChecks's pass means something.
func TestDockerfileBuildChecksCatch(t *testing.T) {
	data, _ := readDockerfile(t)
	cases := []struct{ name, old, new, rule string }{
		{"shell-form entrypoint", `ENTRYPOINT ["/usr/local/bin/ovcompat"]`, `ENTRYPOINT /usr/local/bin/ovcompat`, "JSONArgsRecommended"},
		{"relative workdir", "WORKDIR /src", "WORKDIR src", "WorkdirRelativePath"},
		{"secret in ENV", "ARG VERSION=dev", "ARG VERSION=dev\nENV ENGINE_PASSWORD=x", "SecretsUsedInArgOrEnv"},
		{"mixed casing", "AS build", "as build", "FromAsCasing"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			found, err := BuildChecks(context.Background(), spoil(t, data, c.old, c.new))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(found, func(f Finding) bool { return f.Rule == c.rule }) {
				t.Errorf("BuildKit did not report %s; it reported %v", c.rule, found)
			}
		})
	}
}

// unpinned lists the base images not pinned by digest (a tag can be moved
// by whoever owns the image, a digest cannot; hadolint DL3006/DL3007 ask
// for less, Scorecard's Pinned-Dependencies for this).
func unpinned(df *Dockerfile) []string {
	digest := regexp.MustCompile(`@sha256:[0-9a-f]{64}$`)
	var out []string
	stages := map[string]bool{"scratch": true}
	for _, s := range df.Stages {
		if !stages[strings.ToLower(s.BaseName)] && !digest.MatchString(s.BaseName) {
			out = append(out, s.BaseName)
		}
		stages[strings.ToLower(s.Name)] = true
	}
	return out
}

// TestDockerfilePinned: every base image is pinned by digest.
func TestDockerfilePinned(t *testing.T) {
	data, df := readDockerfile(t)
	if u := unpinned(df); len(u) > 0 {
		t.Errorf("base images not pinned by digest: %v", u)
	}
	spoiled, err := ParseDockerfile(spoil(t, data, "golang:1.26@sha256:", "golang:1.26 AS x\nFROM golang@sha256:"))
	if err != nil {
		t.Fatal(err)
	}
	if u := unpinned(spoiled); !slices.Equal(u, []string{"golang:1.26"}) {
		t.Errorf("a FROM by tag only was not caught: %v", u)
	}
}

// TestDockerfileNonRootUser: the image runs as a numeric non-root user
// (Kubernetes' runAsNonRoot cannot verify a user name), the one the
// Kubernetes recipe names.
func TestDockerfileNonRootUser(t *testing.T) {
	_, df := readDockerfile(t)
	final := df.Stages[len(df.Stages)-1]
	var user string
	for _, c := range final.Commands {
		if u, ok := c.(*instructions.UserCommand); ok {
			user = u.User
		}
	}
	uid, _, _ := strings.Cut(user, ":")
	if !regexp.MustCompile(`^[0-9]+$`).MatchString(uid) || strings.TrimLeft(uid, "0") == "" {
		t.Fatalf("the image's USER is %q: want a numeric user other than root", user)
	}
	m, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	if want := regexp.MustCompile(`runAsUser: ([0-9]+)`).FindSubmatch(m); want == nil || string(want[1]) != uid {
		t.Errorf("USER %s, but the Kubernetes recipe runs the sidecar as %q", uid, want)
	}
}

// TestDockerfileNoADD: files come in with COPY (hadolint DL3020); an ADD
// of a URL would bring bytes no digest pins.
func TestDockerfileNoADD(t *testing.T) {
	_, df := readDockerfile(t)
	for _, s := range df.Stages {
		for _, c := range s.Commands {
			if a, ok := c.(*instructions.AddCommand); ok {
				t.Errorf("stage %q: ADD %v: use COPY", s.Name, a.SourcePaths)
			}
		}
	}
}

// words splits a shell command line as BuildKit's shell lexer does,
// expanding variables from env.
func words(t *testing.T, line string, env []string) []string {
	t.Helper()
	w, err := shell.NewLex('\\').ProcessWords(line, shell.EnvsFromSlice(env))
	if err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	return w
}

// goBuild is the build stage's `go build` command: the environment it sets
// on its line and its words, with variables expanded from the stage's ARG
// defaults, buildArgs overriding them (docker build --build-arg).
func goBuild(t *testing.T, df *Dockerfile, buildArgs ...string) (env, argv []string) {
	t.Helper()
	for _, s := range df.Stages[:len(df.Stages)-1] {
		var vars []string
		for _, c := range s.Commands {
			switch c := c.(type) {
			case *instructions.ArgCommand:
				for _, a := range c.Args {
					if a.Value != nil {
						vars = append(vars, a.Key+"="+*a.Value)
					}
				}
			case *instructions.EnvCommand:
				for _, kv := range c.Env {
					vars = append(vars, kv.Key+"="+kv.Value)
				}
			case *instructions.RunCommand:
				line := strings.Join(c.CmdLine, " ")
				if !strings.Contains(line, "go build") {
					continue
				}
				w := words(t, line, append(vars, buildArgs...))
				for len(w) > 0 && regexp.MustCompile(`^[A-Z_][A-Z0-9_]*=`).MatchString(w[0]) {
					env, w = append(env, w[0]), w[1:]
				}
				return append(vars, env...), w
			}
		}
	}
	t.Fatal("no build stage runs go build")
	return nil, nil
}

// flagValue is the word after name in argv ("" when absent).
func flagValue(argv []string, name string) string {
	if i := slices.Index(argv, name); i >= 0 && i+1 < len(argv) {
		return argv[i+1]
	}
	return ""
}

// TestDockerfileBuildIsMakes: the build stage runs the Makefile's `go
// build` (the same flags, the version in the same ldflags), the image's
// binary is the one it builds, and built exactly so (the stage's
// environment, its words) the binary reports the VERSION make image passes.
func TestDockerfileBuildIsMakes(t *testing.T) {
	for _, tool := range []string{"make", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	_, df := readDockerfile(t)
	const version = "v9.8.7-test"
	env, argv := goBuild(t, df, "VERSION="+version)
	out := flagValue(argv, "-o")
	if out == "" {
		t.Fatalf("the build stage's go build names no output (-o): %v", argv)
	}
	cmd := exec.Command("make", "-s", "-n", "build", "GO=go", "BIN=OUT", "VERSION="+version)
	cmd.Dir = repoRoot
	mk, err := cmd.Output()
	if err != nil {
		t.Fatalf("make -n build: %v", err)
	}
	makes := words(t, strings.TrimSpace(string(mk)), nil)
	docker := slices.Clone(argv)
	docker[slices.Index(docker, "-o")+1] = "OUT"
	if !slices.Equal(docker, makes) {
		t.Errorf("the Dockerfile builds with\n  %q\nthe Makefile with\n  %q", docker, makes)
	}

	final := df.Stages[len(df.Stages)-1]
	var installed string
	for _, c := range final.Commands {
		if c, ok := c.(*instructions.CopyCommand); ok && c.From == df.Stages[0].Name && slices.Contains(c.SourcePaths, out) {
			installed = c.DestPath
		}
	}
	if ep := entrypoint(t, df); installed == "" || !slices.Equal(ep, []string{installed}) {
		t.Errorf("ENTRYPOINT %q does not run the binary built to %s (copied to %q)", ep, out, installed)
	}

	bin := filepath.Join(t.TempDir(), "ovcompat")
	argv[slices.Index(argv, "-o")+1] = bin
	build := exec.Command(argv[0], argv[1:]...)
	build.Dir = repoRoot // WORKDIR /src holds the repository (COPY . .)
	build.Env = append(os.Environ(), env...)
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("%v: %v\n%s", argv, err, b)
	}
	got, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatalf("ovcompat version: %v", err)
	}
	if first, _, _ := strings.Cut(string(got), "\n"); first != "ovcompat "+version {
		t.Errorf("ovcompat version says %q, want %q", first, "ovcompat "+version)
	}
}

// entrypoint is the image's ENTRYPOINT, which must be in exec form.
func entrypoint(t *testing.T, df *Dockerfile) []string {
	t.Helper()
	var ep *instructions.EntrypointCommand
	for _, c := range df.Stages[len(df.Stages)-1].Commands {
		if c, ok := c.(*instructions.EntrypointCommand); ok {
			ep = c
		}
	}
	if ep == nil || ep.PrependShell {
		t.Fatal("the image needs an ENTRYPOINT in exec form")
	}
	return ep.CmdLine
}
