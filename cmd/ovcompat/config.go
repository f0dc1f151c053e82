package main

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"

	"github.com/ovcompat/ovcompat/internal/yamlline"
	"github.com/ovcompat/ovcompat/reports"
)

// envPrefix starts the name of every environment variable ovcompat reads.
const envPrefix = "OVCOMPAT_"

// envName returns the environment variable of a flag: --max-body is
// OVCOMPAT_MAX_BODY.
func envName(flag string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// applyConfig fills every flag not given on the command line from the
// environment, then from the config file. Precedence: flag, environment,
// config file, default.
func applyConfig(cmd *cobra.Command) error {
	path, file, err := loadConfigFile(cmd)
	if err != nil {
		return err
	}
	var firstErr error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if firstErr != nil || f.Changed || f.Name == "help" {
			return
		}
		// OVCOMPAT_<COMMAND>_<FLAG> (OVCOMPAT_VALIDATE_FORMAT) wins over
		// OVCOMPAT_<FLAG>, so that a flag name several commands share can
		// be set for one of them.
		for _, name := range []string{envName(cmd.Name() + "-" + f.Name), envName(f.Name)} {
			if v, ok := os.LookupEnv(name); ok {
				if err := f.Value.Set(v); err != nil {
					firstErr = fmt.Errorf("%s=%q: %w", name, v, valueError(f, err))
				}
				f.Changed = true
				return
			}
		}
		if v, ok := file[f.Name]; ok {
			if bad, err := setFromConfig(f, v); err != nil {
				firstErr = fmt.Errorf("config file %s: %s %q: %w", path, f.Name, bad, valueError(f, err))
			}
			f.Changed = true
		}
	})
	return firstErr
}

// loadConfigFile reads --config (or OVCOMPAT_CONFIG) into flag values: the
// top level, overridden by the section named after the command.
func loadConfigFile(cmd *cobra.Command) (string, map[string]any, error) {
	path, _ := cmd.Flags().GetString("config")
	if path == "" {
		path = os.Getenv(envPrefix + "CONFIG")
	}
	if path == "" {
		return "", nil, nil
	}
	flags, err := readConfigFile(cmd, path)
	return path, flags, err
}

// readConfigFile reads the config file at path into cmd's flag values.
func readConfigFile(cmd *cobra.Command, path string) (map[string]any, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config file: %w", err)
	}
	var raw map[string]any
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, yamlline.Syntax(data, err))
	}
	// One file serves every command: a top-level key applies to the
	// commands that have such a flag and is ignored by the others; only a
	// key no command has is an error (a typo). A section's keys are the
	// flags of its command.
	all := allFlags(cmd.Root())
	out := map[string]any{}
	for _, k := range slices.Sorted(maps.Keys(raw)) {
		v := raw[k]
		if _, section := v.(map[string]any); section {
			if !all.commands[k] {
				return nil, fmt.Errorf("config file %s: section %q is not a command of ovcompat%s", path, k, nearest(k, all.commandNames()))
			}
			continue
		}
		if !all.flags[k] {
			return nil, fmt.Errorf("config file %s: %q is not a flag of any ovcompat command%s", path, k, nearest(k, all.flagNames()))
		}
		if cmd.Flags().Lookup(k) != nil {
			out[k] = v
		}
	}
	if sec, ok := raw[cmd.Name()].(map[string]any); ok {
		for _, k := range slices.Sorted(maps.Keys(sec)) {
			if cmd.Flags().Lookup(k) == nil {
				return nil, fmt.Errorf("config file %s: %s: %q is not a flag of %s%s", path, cmd.Name(), k, cmd.CommandPath(), nearest(k, flagNames(cmd)))
			}
			out[k] = sec[k]
		}
	}
	return out, nil
}

// commandFlags are the names of every command and every flag of the tree.
type commandFlags struct{ commands, flags map[string]bool }

func allFlags(root *cobra.Command) commandFlags {
	all := commandFlags{commands: map[string]bool{}, flags: map[string]bool{}}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		all.commands[c.Name()] = true
		c.Flags().VisitAll(func(f *pflag.Flag) { all.flags[f.Name] = true })
		c.PersistentFlags().VisitAll(func(f *pflag.Flag) { all.flags[f.Name] = true })
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return all
}

func (a commandFlags) commandNames() []string { return slices.Sorted(maps.Keys(a.commands)) }
func (a commandFlags) flagNames() []string    { return slices.Sorted(maps.Keys(a.flags)) }

// flagNames lists the flags a command takes, its parents' persistent flags
// included once parsed, to suggest the nearest; hidden and deprecated ones
// are not suggested.
func flagNames(cmd *cobra.Command) []string {
	var out []string
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if !f.Hidden && f.Deprecated == "" {
			out = append(out, f.Name)
		}
	})
	return out
}

// nearest says "; did you mean X?" when one of names is a likely typo of s.
func nearest(s string, names []string) string {
	if n := reports.Nearest(s, names); n != "" {
		return fmt.Sprintf("; did you mean %q?", n)
	}
	return ""
}

// setFromConfig sets f to a config file's value v, each item of a list in
// turn; a value f refuses is returned with the error.
func setFromConfig(f *pflag.Flag, v any) (string, error) {
	items, ok := v.([]any)
	if !ok {
		items = []any{v}
	}
	for _, x := range items {
		s := fmt.Sprint(x)
		if err := f.Value.Set(s); err != nil {
			return s, err
		}
	}
	return "", nil
}
