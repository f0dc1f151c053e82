package main

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ovcompat/ovcompat/schema"
)

func newSchemaCmd(stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "schema",
		Short: "Inspect and export the API model",
	}
	cmd.AddCommand(newSchemaRoutesCmd(stdout), newSchemaTypesCmd(stdout), newSchemaExportCmd(stdout))
	return cmd
}

func newSchemaRoutesCmd(stdout io.Writer) *cobra.Command {
	var match string
	cmd := &cobra.Command{
		Use:   "routes",
		Short: "List the routes: method, path template, service, operation, bodies",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := schema.V4()
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "METHOD\tPATH\tSERVICE\tOPERATION\tINPUT\tOUTPUT")
			n := 0
			for _, r := range m.Routes().All() {
				if match != "" && !strings.Contains(r.Path, match) && !strings.Contains(r.Service, match) {
					continue
				}
				n++
				fmt.Fprintf(tw, "%s\t%s%s\t%s\t%s\t%s\t%s\n", r.Method, m.BasePath, r.Path, r.Service, r.Operation, bodyName(r.Input), bodyName(r.Output))
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%d routes\n", n)
			return nil
		},
	}
	cmd.Flags().StringVar(&match, "match", "", "only routes whose path or service contains `TEXT`")
	return cmd
}

func bodyName(b *schema.Body) string {
	if b == nil {
		return "-"
	}
	return "<" + b.Element + ">"
}

func newSchemaTypesCmd(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "types [NAME]",
		Short: "List the types, or show one type (a type name such as Vm, or an element such as vm)",
		Args:  atMostOne("type or element name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := schema.V4()
			if err != nil {
				return err
			}
			if len(args) == 0 {
				for _, t := range m.Types() {
					kind := "complex"
					switch {
					case t.IsEnum():
						kind = "enum"
					case t.Simple:
						kind = "simple"
					case t.Item != nil:
						kind = "list of <" + t.Item.Name + ">"
					}
					fmt.Fprintf(stdout, "%-40s %s\n", t.Name, kind)
				}
				return nil
			}
			t := m.Type(args[0])
			if t == nil {
				t = m.Element(args[0])
			}
			if t == nil {
				return usageError("no type or element named %q; `ovcompat schema types` lists them", args[0])
			}
			printType(stdout, m, t)
			return nil
		},
	}
}

func printType(w io.Writer, m *schema.Model, t *schema.Type) {
	fmt.Fprintf(w, "type %s", t.Name)
	if t.Base != nil {
		fmt.Fprintf(w, " extends %s", t.Base.Name)
	}
	if el := m.ElementOf(t); el != "" {
		fmt.Fprintf(w, " (element <%s>)", el)
	}
	fmt.Fprintln(w)
	if t.IsEnum() {
		fmt.Fprintf(w, "  values: %s\n", strings.Join(t.Enum, ", "))
		return
	}
	if t.Simple {
		fmt.Fprintf(w, "  scalar: %s\n", t.Scalar)
		return
	}
	for _, a := range t.Attrs {
		fmt.Fprintf(w, "  @%-30s %s\n", a.Name, a.Type.Name)
	}
	for _, e := range t.Elems {
		card := "0..1"
		switch {
		case e.Max == schema.Unbounded:
			card = fmt.Sprintf("%d..*", e.Min)
		case e.Min > 0 || e.Max > 1:
			card = fmt.Sprintf("%d..%d", e.Min, e.Max)
		}
		extra := ""
		if e.Link {
			extra = " link"
		}
		if e.Deprecated {
			extra += " deprecated"
		}
		fmt.Fprintf(w, "  <%s>%s %s %s%s\n", e.Name, strings.Repeat(" ", max(1, 30-len(e.Name))), card, e.Type.Name, extra)
	}
	if len(t.Rels) > 0 {
		fmt.Fprintf(w, "  link rels: %s\n", strings.Join(t.Rels, ", "))
	}
	if len(t.Actions) > 0 {
		fmt.Fprintf(w, "  actions: %s\n", strings.Join(t.Actions, ", "))
	}
}

// exportFormats are the formats `schema export` writes.
var exportFormats = map[string]func(w io.Writer, m *schema.Model) error{
	"model": func(w io.Writer, m *schema.Model) error {
		_, err := w.Write(schema.EmbeddedV4())
		return err
	},
	// xsd is the whole schema an engine serves at ?schema (api-base.xsd
	// and the model-generated part); rsdl what it serves at ?rsdl.
	"xsd":  func(w io.Writer, m *schema.Model) error { return m.WriteXSD(w) },
	"rsdl": func(w io.Writer, m *schema.Model) error { return m.WriteRSDL(w) },
	"jsonschema": func(w io.Writer, m *schema.Model) error {
		doc, err := m.JSONSchema()
		if err != nil {
			return err
		}
		_, err = w.Write(doc)
		return err
	},
}

func newSchemaExportCmd(stdout io.Writer) *cobra.Command {
	var format string
	names := make([]string, 0, len(exportFormats))
	for n := range exportFormats {
		names = append(names, n)
	}
	sort.Strings(names)
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the model in another form for other tools (" + strings.Join(names, ", ") + ")",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, ok := exportFormats[format]
			if !ok {
				return usageError("--format %q: want one of %s", format, strings.Join(names, ", "))
			}
			m, err := schema.V4()
			if err != nil {
				return err
			}
			return f(stdout, m)
		},
	}
	cmd.Flags().StringVar(&format, "format", "model", "what to write: "+strings.Join(names, ", "))
	return cmd
}
