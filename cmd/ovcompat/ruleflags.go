package main

import (
	"context"

	"github.com/spf13/cobra"

	"github.com/ovcompat/ovcompat/rules"
	"github.com/ovcompat/ovcompat/schema"
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

// checker builds the checker of a command that checks traffic: the default
// catalogue with --disable and --severity applied, against the models the
// schema flags choose. Errors are usage errors.
func (f *ruleFlags) checker(ctx context.Context, sf *schemaFlags, lim schema.Limits) (*rules.Checker, error) {
	cat := rules.Default()
	over, err := cat.ParseOverrides(f.disable, f.severity)
	if err != nil {
		return nil, usageError("%v", err)
	}
	models, err := sf.models(ctx)
	if err != nil {
		return nil, err
	}
	checker, err := rules.New(rules.Options{Models: models, Catalogue: cat, Overrides: over, Limits: lim})
	if err != nil {
		return nil, usageError("%v", err)
	}
	return checker, nil
}
