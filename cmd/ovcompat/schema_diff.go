package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/ovcompat/ovcompat/compat"
	"github.com/ovcompat/ovcompat/schema"
)

func newSchemaDiffCmd(stdout, stderr io.Writer) *cobra.Command {
	var g gradedFlags
	cmd := &cobra.Command{
		Use:   "diff A B [--fail-on breaking|warning] [--out DIR] [--format text|md|json]",
		Short: "Grade every change of the API between two releases, for clients",
		Long: `Schema diff lists every change between two releases of the API (named as
for --engine-version: an engine release such as 4.4.10, 4.4 for the newest
4.4, or model:4.6.1), grouped by service and by type, each with its wire name
(vm.display.video_type, POST /vms/{vm_id}/start parameter attach_wgt), and
graded for clients as oasdiff grades OpenAPI specs:

  breaking  a type, member, enum value, service, method, route, parameter,
            link or action removed; a member's type changed; a single value
            became a list or a list a single value; a request body field
            became mandatory (compared only between releases that both take
            what is mandatory from the model's @InputDetail, 4.2 and later)
  warning   something deprecated; an enum value added that clients read
            (strict clients fail on values they do not know)
  info      anything added; anything no longer deprecated or mandatory

Exit code 0 when no change reaches --fail-on, 1 when one does, 2 on bad
input. --out writes results.json ("kind": "schema-diff"), report.html,
report.md and junit.xml; --format chooses what standard output shows.`,
		Example: `  ovcompat schema diff 4.4 4.5
  ovcompat schema diff 4.3.10 4.5.5 --fail-on warning --out upgrade-report
  ovcompat schema diff model:4.5.12 model:4.6.1 --format md >> "$GITHUB_STEP_SUMMARY"`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) != 2 {
				return usageError("schema diff takes two releases, A and B (got %d arguments)", len(args))
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			threshold := g.threshold()
			a, err := releaseArg(stderr, args[0])
			if err != nil {
				return err
			}
			b, err := releaseArg(stderr, args[1])
			if err != nil {
				return err
			}
			now := time.Now().UTC()
			res := compat.Compare(a, b).Results(compat.Meta{ToolVersion: toolVersion(), Now: now})
			return g.emit(stdout, res, threshold, now)
		},
	}
	g.add(cmd)
	return cmd
}

// releaseArg loads the model of a release named on the command line,
// saying on stderr what its resolution assumed.
func releaseArg(stderr io.Writer, name string) (*schema.Model, error) {
	r, err := schema.ResolveRelease(name)
	if err != nil {
		return nil, usageError("%v (`ovcompat schema versions` lists the releases)", err)
	}
	if r.Warning != "" {
		fmt.Fprintf(stderr, "ovcompat: warning: %s\n", r.Warning)
	}
	return schema.ModelFor(r)
}
