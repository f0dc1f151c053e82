package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ovcompat/ovcompat/reports"
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
	fs := cmd.Flags()
	fs.Var(&choices{choice: ruleChoice(), list: &f.disable}, "disable", "switch rule `RULE` off (repeatable, or comma-separated); `ovcompat rules` lists them")
	fs.Var(&severities{list: &f.severity, rule: ruleChoice(), level: levelChoice()}, "severity", "set the severity of a rule: `RULE=LEVEL` with LEVEL error, warning or info (repeatable, or comma-separated)")
	addMaxBody(fs, &f.maxBody)
}

// ruleChoice is the choice of a rule: an ID of the catalogue. A typo is
// matched against the rules of its area (schema.unknown-elemnt, not
// schema.no-such-rule, is near schema.unknown-element), or against all
// when the area is no rule's (schem.doctype).
func ruleChoice() choice {
	return choice{names: ruleIDs(), what: "a rule ID, as ovcompat rules lists them", nearest: nearestRule}
}

func nearestRule(id string) string {
	area, name, _ := strings.Cut(id, ".")
	var names []string
	for _, r := range ruleIDs() {
		if a, n, _ := strings.Cut(r, "."); a == area {
			names = append(names, n)
		}
	}
	if len(names) == 0 { // a typo in the area
		return reports.Nearest(id, ruleIDs())
	}
	if near := reports.Nearest(name, names); near != "" {
		return area + "." + near
	}
	return ""
}

// levelChoice is the choice of a severity, as schema.ParseSeverity reads
// it (warn for short).
func levelChoice() choice {
	return choice{names: []string{schema.Error.String(), schema.Warning.String(), schema.Info.String()},
		aliases: map[string]string{"warn": schema.Warning.String()}}
}

// severities is --severity: RULE=LEVEL, repeatable or comma-separated (as
// an environment variable can only be), each part checked as it is parsed
// by its choice, which completion reads too.
type severities struct {
	list        *[]string
	rule, level choice
}

func (s *severities) Set(v string) error {
	parts := strings.Split(v, ",")
	for _, p := range parts {
		if strings.TrimSpace(p) == "" && len(parts) > 1 {
			continue
		}
		if err := s.add(p); err != nil {
			if len(parts) > 1 {
				return fmt.Errorf("%q: %w", strings.TrimSpace(p), err)
			}
			return err
		}
	}
	return nil
}

func (s *severities) add(v string) error {
	rawID, rawLevel, ok := strings.Cut(v, "=")
	if !ok {
		return errors.New("want " + s.want())
	}
	id, err := s.rule.pick(rawID)
	if err != nil {
		return fmt.Errorf("rule %q: %w", strings.TrimSpace(rawID), err)
	}
	lvl, err := s.level.pick(rawLevel)
	if err != nil {
		return fmt.Errorf("level %q: %w", strings.TrimSpace(rawLevel), err)
	}
	*s.list = append(*s.list, id+"="+lvl)
	return nil
}

func (s *severities) String() string { return strings.Join(*s.list, ",") }
func (s *severities) Type() string   { return "RULE=LEVEL" }
func (s *severities) inParts() bool  { return true }
func (s *severities) want() string {
	return "RULE=LEVEL with LEVEL " + s.level.want() + ", e.g. schema.element-order=error"
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

// complete completes RULE=LEVEL: the rule IDs with "=", then the levels
// once a rule is given.
func (s *severities) complete(toComplete string) []string {
	var out []string
	if id, _, ok := strings.Cut(toComplete, "="); ok {
		for _, l := range s.level.names {
			out = append(out, id+"="+l)
		}
		return out
	}
	for _, id := range s.rule.names {
		out = append(out, id+"=")
	}
	return out
}
