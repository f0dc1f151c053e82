package lint

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
)

// exposed are the ports the image EXPOSEs.
func exposed(df *Dockerfile) []string {
	var out []string
	for _, c := range df.Stages[len(df.Stages)-1].Commands {
		if c, ok := c.(*instructions.ExposeCommand); ok {
			for _, p := range c.Ports {
				out = append(out, strings.TrimSuffix(p, "/tcp"))
			}
		}
	}
	slices.Sort(out)
	return out
}

// readmeDockerRun is the README's `docker run` recipe, continuation lines
// joined, split into words.
func readmeDockerRun(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(readme)
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(data), "\ndocker run ")
	if !ok {
		t.Fatal("the README has no docker run recipe")
	}
	var line strings.Builder
	line.WriteString("docker run ")
	for _, l := range strings.Split(rest, "\n") {
		cont := strings.HasSuffix(l, "\\")
		line.WriteString(strings.TrimSuffix(l, "\\") + " ")
		if !cont {
			break
		}
	}
	return words(t, line.String(), nil)
}

// port is the port of a host:port address.
func port(addr string) string { return addr[strings.LastIndex(addr, ":")+1:] }

// TestDockerfileRecipe: the README's `docker run` recipe runs the image as
// it is built: the entrypoint is ovcompat (the recipe names the subcommand),
// and the ports it publishes, the proxy's --listen and --admin ports in it
// and in the Kubernetes recipe, and the image's EXPOSE are the same.
func TestDockerfileRecipe(t *testing.T) {
	_, df := readDockerfile(t)
	expose := exposed(df)
	if len(expose) == 0 {
		t.Fatal("the image EXPOSEs no port")
	}
	if ep := entrypoint(t, df); len(ep) != 1 || !strings.HasSuffix(ep[0], "/ovcompat") {
		t.Errorf("ENTRYPOINT %q: want the ovcompat binary alone, so that docker run IMAGE proxy ... works", ep)
	}
	run := readmeDockerRun(t)
	image := slices.IndexFunc(run, func(w string) bool { return strings.Contains(w, "/ovcompat:") })
	if image < 0 || image+1 >= len(run) || run[image+1] != "proxy" {
		t.Fatalf("the README's docker run names no ovcompat image followed by the proxy subcommand: %q", run)
	}
	var published []string
	for i, w := range run[:image] {
		if w == "-p" && i+1 < image {
			published = append(published, port(run[i+1]))
		}
	}
	slices.Sort(published)
	if !slices.Equal(published, expose) {
		t.Errorf("the README's docker run publishes %v, the image EXPOSEs %v", published, expose)
	}
	args := run[image+1:]
	var served []string
	for _, f := range []string{"--listen", "--admin"} {
		if v := flagValue(args, f); v == "" || !strings.HasPrefix(v, "0.0.0.0:") {
			t.Errorf("the README's docker run: %s %q: inside a container the proxy must listen on all addresses (0.0.0.0:PORT)", f, v)
		} else {
			served = append(served, port(v))
		}
	}
	slices.Sort(served)
	if !slices.Equal(served, expose) {
		t.Errorf("the README's docker run serves on %v, the image EXPOSEs %v", served, expose)
	}
	m, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"listen", "admin"} {
		var addr string
		if v := regexp.MustCompile(`--` + f + `=(\S+)`).FindSubmatch(m); v != nil {
			addr = string(v[1])
		}
		if addr == "" || !slices.Contains(expose, port(addr)) {
			t.Errorf("the Kubernetes recipe's --%s is %q, not a port the image EXPOSEs (%v)", f, addr, expose)
		}
	}
}

// TestDockerignore: the build context (COPY . .) leaves out the checkout's
// history and what runs leave behind: reports and recordings hold traffic.
func TestDockerignore(t *testing.T) {
	data, err := os.ReadFile(dockerfile + ".dockerignore")
	if err != nil {
		t.Fatalf("%v: BuildKit reads Dockerfile.dockerignore beside the Dockerfile", err)
	}
	lines := strings.Split(string(data), "\n")
	for _, want := range []string{".git", "bin", "ovcompat-out"} {
		if !slices.Contains(lines, want) {
			t.Errorf("%s.dockerignore does not leave out %s", dockerfile, want)
		}
	}
}
