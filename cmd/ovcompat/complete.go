package main

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ovcompat/ovcompat/proxy"
	"github.com/ovcompat/ovcompat/reports"
	"github.com/ovcompat/ovcompat/schema"
	"github.com/ovcompat/ovcompat/sim"
)

// Shell completion of flag values (`ovcompat completion bash|zsh|fish|powershell`
// writes the script): a flag whose values are a fixed set completes them,
// whichever command it is on. Each set is read from where it is decided
// (the rules catalogue, the simulator's fault table, the proxy's modes).

// flagValues returns, for a flag name, what its value may be; the --format
// of each command is its own (formatValues).
func flagValues() map[string]func(cmd *cobra.Command, toComplete string) []string {
	fixed := func(vs ...string) func(*cobra.Command, string) []string {
		return func(*cobra.Command, string) []string { return vs }
	}
	return map[string]func(*cobra.Command, string) []string{
		"mode":           fixed(proxy.Observe.String(), proxy.Enforce.String()),
		"log-level":      fixed("debug", "info", "warn", "error"),
		"log-format":     fixed("text", "json"),
		"fail-on":        fixed("breaking", "warning"),
		"inject":         completeFaults,
		"engine-version": func(*cobra.Command, string) []string { return releaseNames() },
		"disable":        func(_ *cobra.Command, _ string) []string { return ruleIDs() },
		"severity":       completeSeverity,
		"format": func(cmd *cobra.Command, _ string) []string {
			return formatValues()[cmd.CommandPath()]
		},
	}
}

// formatValues are the --format values of each command, by command path.
func formatValues() map[string][]string {
	return map[string][]string{
		"ovcompat validate": validateFormats(),
		"ovcompat rules":    rulesFormats(),
		"ovcompat diff":     reports.SummaryFormats(),
		"ovcompat replay":   reports.SummaryFormats(),
		"ovcompat crawl":    reports.SummaryFormats(),
		"ovcompat report":   reports.FormatNames(),
	}
}

// addCompletions registers the value completions of every command's flags.
func addCompletions(root *cobra.Command) {
	values := flagValues()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		c.Flags().VisitAll(func(f *pflag.Flag) {
			complete, ok := values[f.Name]
			if !ok {
				return
			}
			directive := cobra.ShellCompDirectiveNoFileComp
			if builtInParts(f.Name) {
				directive |= cobra.ShellCompDirectiveNoSpace
			}
			_ = c.RegisterFlagCompletionFunc(f.Name, func(cmd *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
				return complete(cmd, toComplete), directive
			})
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// builtInParts tells the flags whose value is built in parts (RULE=LEVEL,
// NAME:RATE,...): the shell must not end the word after the first part.
func builtInParts(flag string) bool {
	return flag == "severity" || flag == "inject"
}

// completeSeverity completes RULE=LEVEL: the rule IDs with "=", then the
// levels once a rule is given.
func completeSeverity(_ *cobra.Command, toComplete string) []string {
	if id, _, ok := strings.Cut(toComplete, "="); ok {
		var out []string
		for _, l := range []string{"error", "warning", "info"} {
			out = append(out, id+"="+l)
		}
		return out
	}
	var out []string
	for _, id := range ruleIDs() {
		out = append(out, id+"=")
	}
	return out
}

// completeFaults completes NAME[:RATE],...: the faults, and "broken" for
// demo's mix, after whatever faults the word already holds.
func completeFaults(cmd *cobra.Command, toComplete string) []string {
	prefix := ""
	if i := strings.LastIndex(toComplete, ","); i >= 0 {
		prefix = toComplete[:i+1]
	}
	var out []string
	for _, n := range sim.FaultNames() {
		out = append(out, prefix+n)
	}
	if prefix == "" && cmd.Name() == "demo" {
		out = append(out, "broken")
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
