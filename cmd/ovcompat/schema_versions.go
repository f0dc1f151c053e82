package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ovcompat/ovcompat/schema"
)

func newSchemaVersionsCmd(stdout io.Writer) *cobra.Command {
	var all bool
	cmd := &cobra.Command{
		Use:   "versions",
		Short: "List the embedded releases of the model and the engine releases that ship each",
		Long: `Versions lists the embedded models, the last release of each minor line of
the oVirt API model, and the engine releases whose model is checked with
each: an engine release is resolved to the model version it shipped (from
oVirt/ovirt-engine's pom.xml at its tag), then to the embedded model of that
model's minor line. --all lists every engine release.

Name a release for --engine-version, schema diff and compat as an engine
release (4.4.10; 4.4 is the newest 4.4 release) or as model:X.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			t, err := schema.Releases()
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			if all {
				fmt.Fprintln(tw, "ENGINE\tSHIPPED MODEL\tCHECKED WITH\tTAGGED")
				for _, e := range t.Engines {
					r, err := t.Resolve(e.Engine)
					if err != nil {
						return err
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", e.Engine, e.Model, r.Model, e.Date)
				}
				return tw.Flush()
			}
			fmt.Fprintln(tw, "MODEL\tENGINE RELEASES\tMODELS SHIPPED")
			for _, m := range t.Models {
				s := t.Shipping(m)
				engines, shipped := "-", "-"
				if len(s) > 0 {
					engines = fmt.Sprintf("%s to %s (%d)", s[0].Engine, s[len(s)-1].Engine, len(s))
					lo, hi := s[0].Model, s[0].Model
					for _, e := range s {
						lo, hi = minVersion(lo, e.Model), maxVersion(hi, e.Model)
					}
					shipped = lo + " to " + hi
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\n", m, engines, shipped)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%d engine releases, %s to %s; newer engines are checked with model %s\n",
				len(t.Engines), t.Engines[0].Engine, t.Engines[len(t.Engines)-1].Engine, t.Models[len(t.Models)-1])
			return nil
		},
	}
	cmd.Flags().BoolVar(&all, "all", false, "list every engine release: the model it shipped and the model it is checked with")
	return cmd
}

func minVersion(a, b string) string {
	if schema.CompareVersions(a, b) <= 0 {
		return a
	}
	return b
}

func maxVersion(a, b string) string {
	if schema.CompareVersions(a, b) >= 0 {
		return a
	}
	return b
}
