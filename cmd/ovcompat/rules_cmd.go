package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ovcompat/ovcompat/rules"
)

func newRulesCmd(stdout, _ io.Writer) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List the rules: ID, default severity, rationale",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cat := rules.Default()
			if format == "json" {
				type row struct {
					ID        string `json:"id"`
					Severity  string `json:"severity"`
					Rationale string `json:"rationale"`
				}
				var out []row
				for _, r := range cat.Rules() {
					out = append(out, row{r.ID, r.Severity.String(), r.Rationale})
				}
				enc := json.NewEncoder(stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(out)
			}
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "RULE\tSEVERITY\tRATIONALE")
			for _, r := range cat.Rules() {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", r.ID, r.Severity, r.Rationale)
			}
			return tw.Flush()
		},
	}
	choiceVar(cmd.Flags(), &format, "format", "text", rulesFormats(), nil, "a table for people or json")
	return cmd
}

// rulesFormats are the values of rules' --format.
func rulesFormats() []string { return []string{"text", "json"} }
