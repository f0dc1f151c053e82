package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/ovcompat/ovcompat/generate"
	"github.com/ovcompat/ovcompat/scenario"
	"github.com/ovcompat/ovcompat/schema"
)

func newGenerateCmd(stdout, stderr io.Writer) *cobra.Command {
	var (
		out       string
		resources []string
		release   string
	)
	cmd := &cobra.Command{
		Use:   "generate --out DIR [--resources LIST]",
		Short: "Write scenarios for every operation of the model",
		Long: `Generate writes scenarios (the usual format, labelled source: generated) that
exercise every operation of the model, from the model alone:

  - for every collection with an Add: an object created with a minimal valid
    body (the mandatory members of the route's signatures; objects it refers
    to found by name, such as the cluster Default and the template Blank, or
    at run time), read, listed, searched by name, updated, put through its
    actions (polling until it settles), and removed, with a cleanup that
    always runs; a malformed body and one without its mandatory members must
    be refused with 400 and a fault;
  - for every resource, negative checks that change nothing: unknown ids
    answer 404, a method a path lacks 405 with Allow, a request without
    credentials 401, a user who is no administrator (the scenario role
    "user") with Filter: true sees what it may.

Operations that need real infrastructure or disturb it (adding hosts or
storage, fencing, migrating...) are in scenarios labelled impact:
infrastructure, which replay and the conformance suite run only when asked
(--labels impact=infrastructure).

--engine-version generates for the model of a release (its routes, and its
mandatory members: @InputDetail from 4.2 on, the RSDL's for 4.0 and 4.1);
the newest model when not given.

Run them with replay or the Ginkgo suite like any other scenario.`,
		Example: `  ovcompat generate --out generated/
  ovcompat generate --out generated/ --resources vms,disks
  ovcompat generate --out generated-4.4/ --engine-version 4.4.10
  ovcompat replay --target https://engine.example.com --scenarios generated/ --credentials roles.yaml`,
		Args: noArgs,
		RunE: func(_ *cobra.Command, _ []string) error {
			if out == "" {
				return usageError("--out DIR is required")
			}
			m, err := generationModel(release, stderr)
			if err != nil {
				return err
			}
			res, err := generate.Generate(generate.Options{Model: m, Resources: resources})
			if errors.Is(err, generate.ErrNoResource) {
				return usageError("--resources: %v", err)
			}
			if err != nil {
				return err
			}
			infra, steps := 0, 0
			for _, sc := range res.Scenarios {
				if _, err := scenario.WriteFile(out, sc); err != nil {
					return usageError("%v", err)
				}
				steps += sc.StepCount()
				if sc.Labels.Impact == scenario.ImpactInfrastructure {
					infra++
				}
			}
			for _, g := range res.Gaps {
				fmt.Fprintf(stdout, "gap  %s: %s\n", g.Route, g.Why)
			}
			fmt.Fprintf(stdout, "%s, %s in %s, sending requests to %d of %s of %s; %d of impact infrastructure (run them with --labels impact=infrastructure)\n",
				plural(len(res.Scenarios), "scenario"), plural(steps, "step"), out, len(res.Exercised), plural(res.Routes, "route"), m.Release, infra)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&out, "out", "", "folder to write the scenarios to")
	f.StringSliceVar(&resources, "resources", nil, "top-level `COLLECTIONS` to generate for, comma-separated (vms,disks); all when not given")
	f.StringVar(&release, "engine-version", "", "release of the oVirt API to generate for: an engine release (`4.4.10`, 4.4 for the newest 4.4) "+
		"or model:X for a model version; the newest model when empty. `ovcompat schema versions` lists them")
	return cmd
}

// generationModel returns the embedded model of a release, saying on warn
// what its resolution assumed. There is no engine to ask: auto is refused.
func generationModel(release string, warn io.Writer) (*schema.Model, error) {
	if release == autoRelease {
		return nil, usageError("--engine-version auto: generate talks to no engine; name a release (ovcompat schema versions)")
	}
	r, err := resolveRelease(context.Background(), release, nil)
	if err != nil {
		return nil, usageError("--engine-version: %v", err)
	}
	if r.Warning != "" {
		fmt.Fprintf(warn, "ovcompat: warning: %s\n", r.Warning)
	}
	return schema.ModelFor(r)
}
