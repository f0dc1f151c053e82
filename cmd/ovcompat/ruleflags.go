package main

import (
	"github.com/spf13/cobra"

	"github.com/ovcompat/ovcompat/rules"
)

// ruleFlags are --disable and --severity, shared by every command that
// checks traffic.
type ruleFlags struct {
	disable  []string
	severity []string
}

func (f *ruleFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&f.disable, "disable", nil, "switch rule `RULE` off (repeatable, or comma-separated); `ovcompat rules` lists them")
	cmd.Flags().StringArrayVar(&f.severity, "severity", nil, "set the severity of a rule: `RULE=LEVEL` with LEVEL error, warning or info (repeatable)")
}

func (f *ruleFlags) overrides(cat *rules.Catalogue) (rules.Overrides, error) {
	o, err := cat.ParseOverrides(f.disable, f.severity)
	if err != nil {
		return o, usageError("%v", err)
	}
	return o, nil
}
