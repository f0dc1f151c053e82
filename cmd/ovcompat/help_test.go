package main

import (
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// pflagWords are what --help must not show: pflag's type names for lists
// and wide numbers, list defaults in brackets, durations with zero units,
// sizes as raw byte counts.
var pflagWords = regexp.MustCompile(`\b(stringArray|stringSlice|strings|int64|float64|uint64)\b|\(default \[|\b\d+[hm]0s\b|\(default \d{6,}\)`)

// TestHelpReadsWell runs --help of every command of the tree through the
// CLI: exit 0, the help on standard output, and none of pflag's own words
// in it (TestHelpTidyTurnsUp shows the check sees them).
func TestHelpReadsWell(t *testing.T) {
	var walk func(c *cobra.Command)
	var paths [][]string
	walk = func(c *cobra.Command) {
		if c.Hidden {
			return
		}
		path := strings.Fields(c.CommandPath())[1:]
		paths = append(paths, path)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRoot(io.Discard, io.Discard))
	if len(paths) < 15 {
		t.Fatalf("only %d commands found", len(paths))
	}
	for _, path := range paths {
		t.Run("ovcompat "+strings.Join(path, " "), func(t *testing.T) {
			code, out, errs := ovcompat(t, append(path, "--help")...)
			if code != 0 || errs != "" || !strings.Contains(out, "Usage:") {
				t.Fatalf("exit %d, stderr %q, stdout %q", code, errs, out)
			}
			for _, line := range strings.Split(out, "\n") {
				if m := pflagWords.FindString(line); m != "" {
					t.Errorf("pflag's words (%q) in: %s", m, strings.TrimSpace(line))
				}
			}
		})
	}
}

// TestHelpTidyTurnsUp: without the tidying, the check above sees pflag's
// words in the help (so that it is not vacuous).
func TestHelpTidyTurnsUp(t *testing.T) {
	for _, line := range []string{
		"--format strings   formats (default [html,md,junit,json])",
		"--feature stringArray   feature label",
		"--engine-timeout duration   time limit (default 1m0s)",
		"--max-body int   largest body (default 16777216)",
	} {
		if pflagWords.FindString(line) == "" {
			t.Errorf("not seen: %s", line)
		}
	}
	for in, want := range map[string]string{"1m0s": "1m", "1h0m0s": "1h", "1h30m0s": "1h30m", "30s": "30s", "0s": "0s", "1m30s": "1m30s", "10m0s": "10m"} {
		if got := shortDuration(in); got != want {
			t.Errorf("shortDuration(%s) = %s, want %s", in, got, want)
		}
	}
}
