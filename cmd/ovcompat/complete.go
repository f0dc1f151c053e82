package main

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ovcompat/ovcompat/schema"
)

// Shell completion of flag values (`ovcompat completion bash|zsh|fish|powershell`
// writes the script): a flag whose values are a fixed set completes them,
// whichever command it is on. Each set is read from where it is decided: a
// choice flag's own definition (--mode, --format, --fail-on, --log-level),
// the rules catalogue, the simulator's fault table, the release table.

// completer is a flag value of ours that completes itself from its own
// definition (a choice, --severity, --inject).
type completer interface {
	complete(toComplete string) []string
	// inParts tells a value built in parts (RULE=LEVEL, NAME:RATE,...,
	// html,md): the shell must not end the word after the first part.
	inParts() bool
}

// otherValues completes the flags whose values are not a completer's:
// --engine-version from the release table.
var otherValues = map[string]func() []string{
	"engine-version": releaseNames,
}

// addCompletions registers the value completions of every command's flags.
func addCompletions(root *cobra.Command) {
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) {
			var complete func(string) []string
			directive := cobra.ShellCompDirectiveNoFileComp
			if v, ok := f.Value.(completer); ok {
				complete = v.complete
				if v.inParts() {
					directive |= cobra.ShellCompDirectiveNoSpace
				}
			} else if names, ok := otherValues[f.Name]; ok {
				complete = func(string) []string { return names() }
			} else {
				return
			}
			_ = c.RegisterFlagCompletionFunc(f.Name, func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
				return complete(toComplete), directive
			})
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// afterComma completes the last of a comma-separated word with names: the
// ones the word does not hold yet, after what it holds.
func afterComma(toComplete string, names []string) []string {
	prefix := ""
	if i := strings.LastIndex(toComplete, ","); i >= 0 {
		prefix = toComplete[:i+1]
	}
	held := strings.Split(prefix, ",")
	var out []string
	for _, n := range names {
		if !slices.Contains(held, n) {
			out = append(out, prefix+n)
		}
	}
	return out
}

// releaseNames are the values of --engine-version: auto, every engine
// release of the embedded table (and its minor line, 4.4 for the newest
// 4.4), and model:X for every embedded model.
func releaseNames() []string {
	t, err := schema.Releases()
	if err != nil {
		return nil
	}
	names := []string{autoRelease}
	seen := map[string]bool{}
	for _, e := range t.Engines {
		parts := strings.SplitN(e.Engine, ".", 3)
		if minor := strings.Join(parts[:min(2, len(parts))], "."); !seen[minor] {
			seen[minor] = true
			names = append(names, minor)
		}
		names = append(names, e.Engine)
	}
	for _, m := range t.Models {
		names = append(names, "model:"+m)
	}
	return names
}
