package scenario

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoad reads a folder (recursively, broken and duplicate files as
// errors) and a single file, naming files from the path given on.
func TestLoad(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("a.yaml", lifecycle)
	write("sub/b.yml", strings.Replace(lifecycle, "name: vm-lifecycle", "name: other", 1))
	write("sub/c.yaml", lifecycle) // the name a.yaml already uses
	write("broken.yaml", "name: x\nsteps: nope\n")
	write("notes.txt", "not a scenario")

	t.Run("folder", func(t *testing.T) {
		l, err := Load(dir)
		if err != nil {
			t.Fatal(err)
		}
		var files, errs []string
		for _, sc := range l.Scenarios {
			files = append(files, sc.File)
		}
		for _, pe := range l.Errors {
			errs = append(errs, pe.File)
		}
		if want := []string{filepath.Join(dir, "a.yaml"), filepath.Join(dir, "sub/b.yml")}; strings.Join(files, " ") != strings.Join(want, " ") {
			t.Errorf("scenarios from %v, want %v", files, want)
		}
		if want := []string{filepath.Join(dir, "broken.yaml"), filepath.Join(dir, "sub/c.yaml")}; strings.Join(errs, " ") != strings.Join(want, " ") {
			t.Errorf("errors of %v, want %v", errs, want)
		}
	})
	t.Run("file", func(t *testing.T) {
		l, err := Load(good)
		if err != nil {
			t.Fatal(err)
		}
		if len(l.Scenarios) != 1 || len(l.Errors) != 0 || l.Scenarios[0].File != good {
			t.Fatalf("got %d scenarios, %v errors; want one from %s", len(l.Scenarios), l.Errors, good)
		}
	})
	t.Run("missing", func(t *testing.T) {
		if _, err := Load(filepath.Join(dir, "none")); err == nil {
			t.Error("no error for a missing folder")
		}
	})
}
