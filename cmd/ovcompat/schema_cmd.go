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
	cmd.AddCommand(newSchemaRoutesCmd(stdout), newSchemaTypesCmd(stdout), newSchemaExportCmd(stdout),
		newSchemaVersionsCmd(stdout), newSchemaDiffCmd(stdout, stderr))
	return cmd
}

func newSchemaRoutesCmd(stdout io.Writer) *cobra.Command {
	var (
		match string
		wide  bool
		width int
	)
	cmd := &cobra.Command{
		Use:   "routes",
		Short: "List the routes: method, path template, service, operation, bodies",
		Long: `Routes lists the routes of the model. On a terminal each route takes two
lines that fit its width (a path longer than the line is cut in the middle);
elsewhere, or with --wide, one line per route with every column, for grep
and awk.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := schema.V4()
			if err != nil {
				return err
			}
			var routes []*schema.Route
			for _, r := range m.Routes().All() {
				if match == "" || strings.Contains(r.Path, match) || strings.Contains(r.Service, match) {
					routes = append(routes, r)
				}
			}
			if width == 0 && !wide {
				width = termWidth(stdout)
			}
			if wide || width <= 0 {
				err = writeRoutesTable(stdout, m.BasePath, routes)
			} else {
				err = writeRoutesNarrow(stdout, m.BasePath, routes, width)
			}
			if err != nil {
				return err
			}
			fmt.Fprintln(stdout, plural(len(routes), "route"))
			return nil
		},
	}
	cmd.Flags().StringVar(&match, "match", "", "only routes whose path or service contains `TEXT`")
	cmd.Flags().BoolVar(&wide, "wide", false, "one line per route with every column, whatever the terminal")
	cmd.Flags().IntVar(&width, "width", 0, "fit `COLUMNS` (default: the terminal's; one line per route when not a terminal)")
	return cmd
}

// writeRoutesTable writes one line per route, every column.
func writeRoutesTable(w io.Writer, base string, routes []*schema.Route) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "METHOD\tPATH\tSERVICE\tOPERATION\tINPUT\tOUTPUT")
	for _, r := range routes {
		fmt.Fprintf(tw, "%s\t%s%s\t%s\t%s\t%s\t%s\n", r.Method, base, r.Path, r.Service, r.Operation, bodyName(r.Input), bodyName(r.Output))
	}
	return tw.Flush()
}

// writeRoutesNarrow writes each route on two lines that fit width: the
// method and the path below the base path, then the operation and its
// bodies, indented.
func writeRoutesNarrow(w io.Writer, base string, routes []*schema.Route, width int) error {
	const indent = "        " // METHOD column: the longest method and a space
	if _, err := fmt.Fprintln(w, cutMiddle("paths below "+base, width)); err != nil {
		return err
	}
	for _, r := range routes {
		path := cutMiddle(r.Path, width-len(indent))
		op := r.Service + "." + r.Operation + " "
		if r.Input != nil {
			op += bodyName(r.Input) + " "
		}
		op = cutMiddle(op+"-> "+bodyName(r.Output), width-len(indent))
		if _, err := fmt.Fprintf(w, "%-8s%s\n%s%s\n", r.Method, path, indent, op); err != nil {
			return err
		}
	}
	return nil
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
			f := exportFormats[format]
			m, err := schema.V4()
			if err != nil {
				return err
			}
			return f(stdout, m)
		},
	}
	choiceVar(cmd.Flags(), &format, "format", "model", names, nil, "what to write")
	return cmd
}
