package main

import (
	"context"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ovcompat/ovcompat/rules"
	"github.com/ovcompat/ovcompat/schema"
)

// ruleFlags are --disable, --severity and --max-body, shared by every
// command that checks traffic.
type ruleFlags struct {
	disable  []string
	severity []string
	maxBody  int64
}

func (f *ruleFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&f.disable, "disable", nil, "switch rule `RULE` off (repeatable, or comma-separated); `ovcompat rules` lists them")
	cmd.Flags().StringArrayVar(&f.severity, "severity", nil, "set the severity of a rule: `RULE=LEVEL` with LEVEL error, warning or info (repeatable)")
	addMaxBody(cmd.Flags(), &f.maxBody)
}

// addMaxBody adds --max-body, the one bound of every command on what it
// holds of a body whole in memory, with its one default: a size (16MiB),
// so it is positive.
func addMaxBody(fs *pflag.FlagSet, v *int64) {
	*v = schema.DefaultMaxBytes
	fs.Var((*byteSize)(v), "max-body", "largest body held whole in memory, in `BYTES` (16MiB, 1GiB, ...: a request enforce mode judges, a response --enforce-responses judges, a JSON body, a recorded copy); a larger one is passed on untouched and reported as schema.limit. XML read as it streams is validated whatever its size")
}

// checker builds the checker of a command that checks traffic: the default
// catalogue with --disable and --severity applied, against the models the
// schema flags choose. Errors are usage errors.
func (f *ruleFlags) checker(ctx context.Context, sf *schemaFlags) (*rules.Checker, error) {
	lim := schema.Limits{MaxBytes: f.maxBody}
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
