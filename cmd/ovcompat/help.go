package main

import (
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// tidyHelp makes every command's flag list show defaults as a user writes
// them, not as pflag prints its types: a duration without trailing zero
// units (1m, not 1m0s), a list without brackets (html,md, not [html,md]).
// It changes only what --help prints; the values are untouched.
func tidyHelp(cmd *cobra.Command) {
	tidy := func(f *pflag.Flag) {
		switch f.Value.Type() {
		case "duration":
			f.DefValue = shortDuration(f.DefValue)
		case "stringSlice", "stringArray":
			if inner, ok := strings.CutPrefix(f.DefValue, "["); ok && len(inner) > 1 {
				f.DefValue = strings.TrimSuffix(inner, "]")
			}
		}
	}
	cmd.Flags().VisitAll(tidy)
	cmd.PersistentFlags().VisitAll(tidy)
	for _, c := range cmd.Commands() {
		tidyHelp(c)
	}
}

// shortDuration drops the zero units time.Duration.String ends with: 1m0s
// is 1m, 1h0m0s is 1h, 1h30m0s is 1h30m.
func shortDuration(s string) string {
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
