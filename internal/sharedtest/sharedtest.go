// Package sharedtest finds the oVirt reference material (../shared/ovirt)
// for tests that check the project against it. The material is present on
// development machines and in CI, not in a user's clone: tests that need
// it skip, saying so, when it is missing.
package sharedtest

import (
	"os"
	"path/filepath"
	"testing"
)

// Dir returns the path of the shared/ovirt folder, or skips the test. The
// OVCOMPAT_SHARED environment variable overrides the search.
func Dir(tb testing.TB) string {
	tb.Helper()
	if d := os.Getenv("OVCOMPAT_SHARED"); d != "" {
		return d
	}
	wd, err := os.Getwd()
	if err != nil {
		tb.Skipf("shared material: %v", err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		for _, c := range []string{filepath.Join(d, "shared", "ovirt"), filepath.Join(d, "..", "shared", "ovirt")} {
			if _, err := os.Stat(filepath.Join(c, "README.md")); err == nil {
				return c
			}
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	tb.Skip("the oVirt reference material (../shared/ovirt) is not here; set OVCOMPAT_SHARED to run this test")
	return ""
}
