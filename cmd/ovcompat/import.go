package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ovcompat/ovcompat/scenario"
	"github.com/ovcompat/ovcompat/scenario/harimport"
)

func newImportCmd(stdout, _ io.Writer) *cobra.Command {
	var (
		out, name, source, credit, description string
		features                               []string
		noCleanup, force                       bool
	)
	cmd := &cobra.Command{
		Use:   "import FILE.har... --out DIR",
		Short: "Turn HAR recordings into scenarios, capturing ids automatically",
		Long: `Import turns each HAR file into one scenario file in --out (see
fixtures/README.md for the format). A scenario file that exists is not
overwritten unless --force is given; nothing is written then. Ids are captured automatically: an id that
a response carries (the Location or id of what an Add created, an id in a list)
and a later request uses becomes a variable ({{vm.id}}), so the scenario can be
replayed against another engine. What the recording created and never removed
gets a cleanup step. Repeated GETs of a resource whose status changes become a
polling step.

Secrets are redacted before anything is written: credentials, cookies, the
SSO exchanges (left out entirely) and every element, field or parameter named
like a password or a token.

Imported traffic is labelled source: recorded by default: its ids exist only on
the engine that produced it; --credit says where it comes from. A folder given
to replay with --scenarios runs whole, recorded scenarios included (you asked
for them): replay them against the engine they were recorded from, or select
the others with --labels source!=recorded. (Of the bundled scenarios, the
recorded ones are left out unless --labels names the source.)`,
		Example: `  ovcompat import session.har --out scenarios/
  ovcompat import --source hand-written --name "list vms" vms.har --out scenarios/`,
		Args: atLeastOne("HAR files"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if out == "" {
				return usageError("--out DIR is required")
			}
			if name != "" && len(args) > 1 {
				return usageError("--name names one scenario: give one HAR file")
			}
			// Every scenario is built, and every name checked, before
			// anything is written: an import either writes all or nothing.
			var built []*scenario.Scenario
			from := map[string]string{} // scenario file -> the HAR file it comes from
			for _, f := range args {
				sc, err := importHAR(f, scenario.BuildOptions{Name: name, Description: description, Credit: credit, NoCleanup: noCleanup,
					Labels: scenario.Labels{Source: source, Feature: features}})
				if err != nil {
					return usageError("%s: %v", f, err)
				}
				path := filepath.Join(out, scenario.FileName(sc.Name))
				if other, ok := from[path]; ok {
					return usageError("%s and %s would both be written to %s: import them one at a time with --name", other, f, path)
				}
				from[path] = f
				if _, err := os.Lstat(path); err == nil && !force {
					return usageError("%s exists: give --force to overwrite it, or --out another folder", path)
				}
				built = append(built, sc)
			}
			for _, sc := range built {
				path, err := scenario.WriteFile(out, sc)
				if err != nil {
					return usageError("%v", err)
				}
				vars := 0
				for _, st := range sc.Steps {
					vars += len(st.Captures)
				}
				fmt.Fprintf(stdout, "%s: %s, %s, %s\n", path, plural(len(sc.Steps), "step"), plural(len(sc.Cleanup), "cleanup step"), plural(vars, "variable"))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&out, "out", "", "folder to write the scenario files to (created if missing)")
	f.StringVar(&name, "name", "", "scenario name (default: the HAR file's name)")
	f.StringVar(&description, "description", "", "scenario description")
	f.StringVar(&source, "source", scenario.SourceRecorded, "source label: recorded, simulator or hand-written")
	f.StringVar(&credit, "credit", "", "where the traffic comes from (default: the HAR file's name)")
	f.StringArrayVar(&features, "feature", nil, "feature `LABEL` (repeatable)")
	f.BoolVar(&noCleanup, "no-cleanup", false, "add no cleanup steps for what the recording created")
	f.BoolVar(&force, "force", false, "overwrite scenario files that exist in --out")
	return cmd
}

// importHAR reads a HAR file and builds a scenario of its entries.
func importHAR(path string, o scenario.BuildOptions) (*scenario.Scenario, error) {
	exs, err := harimport.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if o.Name == "" {
		o.Name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	if o.Credit == "" {
		o.Credit = "imported from " + filepath.Base(path)
	}
	return scenario.Build(exs, o)
}
