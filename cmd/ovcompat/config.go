package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"
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
	file, err := loadConfigFile(cmd)
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
					firstErr = fmt.Errorf("%s=%q: %w", name, v, err)
				}
				f.Changed = true
				return
			}
		}
		if v, ok := file[f.Name]; ok {
			if err := setFromConfig(f, v); err != nil {
				firstErr = fmt.Errorf("config file: %s: %w", f.Name, err)
			}
			f.Changed = true
		}
	})
	return firstErr
}

// loadConfigFile reads --config (or OVCOMPAT_CONFIG) into flag values: the
// top level, overridden by the section named after the command.
func loadConfigFile(cmd *cobra.Command) (map[string]any, error) {
	path, _ := cmd.Flags().GetString("config")
	if path == "" {
		path = os.Getenv(envPrefix + "CONFIG")
	}
	if path == "" {
		return nil, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config file: %w", err)
	}
	var raw map[string]any
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("config file %s: %w", path, err)
	}
	out := map[string]any{}
	for k, v := range raw {
		if _, section := v.(map[string]any); !section {
			out[k] = v
		}
	}
	if sec, ok := raw[cmd.Name()].(map[string]any); ok {
		for k, v := range sec {
			out[k] = v
		}
	}
	for k := range out {
		if cmd.Flags().Lookup(k) == nil && k != "config" {
			return nil, fmt.Errorf("config file %s: %q is not a flag of %s", path, k, cmd.CommandPath())
		}
	}
	return out, nil
}

func setFromConfig(f *pflag.Flag, v any) error {
	if list, ok := v.([]any); ok {
		for _, x := range list {
			if err := f.Value.Set(fmt.Sprint(x)); err != nil {
				return err
			}
		}
		return nil
	}
	return f.Value.Set(fmt.Sprint(v))
}
