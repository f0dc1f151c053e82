package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ovcompat/ovcompat/schema"
	"github.com/ovcompat/ovcompat/validate"
)

func newValidateCmd(stdout, _ io.Writer) *cobra.Command {
	var (
		cfg    validate.Config
		format string
		rf     ruleFlags
		ef     engineFlags
		sf     schemaFlags
	)
	cmd := &cobra.Command{
		Use:   "validate [flags] PATH...",
		Short: "Validate XML and JSON bodies and HAR recordings against the oVirt API model",
		Long: `Validate checks recorded traffic offline.

PATH is a file or a folder (searched for .xml, .json and .har files):
  .xml   a body, identified by its root element (or by --type / --route)
  .json  a body; JSON has no root element, so it needs --type or --route
  .har   a recording: for each entry the route is found from the method and
         URL path, the request body is checked against the route's input and
         the response against its output and status, with every rule of
         ` + "`ovcompat rules`" + `

By default traffic is checked against the newest embedded oVirt v4 model;
--engine-version names another release (an engine release such as 4.4.10,
or model:4.4.35), or auto: the version the first recorded answer of the API
entry point reports in its product_info. --schema
(the engine's XSD) and --rsdl (its RSDL), or --schema-from (both, fetched
from a live engine), check it against what the engine itself publishes; the
API version they describe (v3 or v4) is read from them, and entries of the
other version are checked with the embedded v4 model, or skipped when none
fits.

Exit code 0 when no error-severity violation was found, 1 when some was,
2 on usage or I/O errors.`,
		Example: `  ovcompat validate fixtures/bodies
  ovcompat validate --type Vm vm.json
  ovcompat validate --route 'GET /vms/{vm_id}' vm.xml
  ovcompat validate --format json recording.har
  ovcompat validate --engine-version 4.3 recording.har
  ovcompat validate --schema api.xsd --rsdl rsdl.xml v3-recording.har
  OVCOMPAT_PASSWORD=... ovcompat validate --schema-from https://engine.example.com --ca-file ca.pem traffic.har`,
		Args: atLeastOne(".xml, .json or .har files or folders"),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg.Limits.MaxBytes = rf.maxBody
			sf.product, sf.warn = recordedProduct(args), cmd.ErrOrStderr()
			checker, err := rf.checker(cmd.Context(), &sf)
			if err != nil {
				return err
			}
			cfg.Checker = checker
			cfg.Paths = args
			out := newValidateOutput(stdout, format)
			out.model = checker.Model(4).Describe()
			err = validate.Run(cmd.Context(), cfg, out.emit)
			if errors.Is(err, validate.ErrUsage) {
				// Said before any totals: nothing was checked.
				return usageError("%v", err)
			}
			out.finish()
			switch {
			case err != nil:
				return &exitError{code: exitUsage, err: err}
			case out.errors > 0:
				return findings()
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&cfg.Type, "type", "", "expected type of bare bodies: a model type (`Vm`) or an element (vm)")
	cmd.Flags().StringVar(&cfg.Route, "route", "", "route of bare bodies: `'METHOD PATH'`, a template or a concrete path")
	cmd.Flags().BoolVar(&cfg.Request, "request", false, "validate bare bodies as the route's request body (default: response)")
	cmd.Flags().IntVar(&cfg.Status, "status", 0, "response status bare bodies were answered with (an error status expects a <fault>)")
	choiceVar(cmd.Flags(), &format, "format", "text", validateFormats(), nil, "output format: text (for people) or json (one object per line)")
	rf.add(cmd)
	sf.add(cmd, &ef, "")
	ef.add(cmd)
	return cmd
}

// validateFormats are the values of validate's --format.
func validateFormats() []string { return []string{"text", "json"} }

// validateOutput prints records as they come and counts them.
type validateOutput struct {
	w                       io.Writer
	format                  string
	enc                     *json.Encoder
	files, checked, skipped int
	errors, warnings, infos int
	skipReasons             map[string]int
	lastFile                string
	model                   string // what v4 traffic was judged against
}

func newValidateOutput(w io.Writer, format string) *validateOutput {
	o := &validateOutput{w: w, format: format, skipReasons: map[string]int{}}
	if format == "json" {
		o.enc = json.NewEncoder(w)
		o.enc.SetEscapeHTML(false)
	}
	return o
}

func (o *validateOutput) emit(r validate.Record) {
	if r.Violations == nil {
		r.Violations = []schema.Violation{}
	}
	if r.Skipped != "" {
		o.skipped++
		o.skipReasons[r.Skipped]++
	} else {
		o.checked++
	}
	for _, v := range r.Violations {
		switch v.Severity {
		case schema.Error:
			o.errors++
		case schema.Warning:
			o.warnings++
		default:
			o.infos++
		}
	}
	if o.enc != nil {
		_ = o.enc.Encode(r)
		return
	}
	if r.File != o.lastFile {
		o.files++
		o.lastFile = r.File
	}
	if len(r.Violations) == 0 {
		return
	}
	head := r.File
	if r.Entry != nil {
		head = fmt.Sprintf("%s entry %d: %s %s", r.File, *r.Entry, r.Method, r.Path)
		if r.Route != "" {
			head += "  (route " + r.Route + ")"
		}
	} else if r.Route != "" {
		head += "  (route " + r.Route + ")"
	}
	fmt.Fprintln(o.w, head)
	for _, v := range r.Violations {
		loc := v.Location
		if v.Line > 0 {
			loc = fmt.Sprintf("%s %d:%d", loc, v.Line, v.Column)
		}
		fmt.Fprintf(o.w, "  %-7s %-26s %s\n          %s\n", v.Severity, v.Rule, loc, v.Reason)
	}
}

func (o *validateOutput) finish() {
	if o.enc != nil {
		return
	}
	fmt.Fprintf(o.w, "checked %d, skipped %d: %s, %s, %d info\n", o.checked, o.skipped, plural(o.errors, "error"), plural(o.warnings, "warning"), o.infos)
	if o.model != "" {
		fmt.Fprintf(o.w, "  against %s\n", o.model)
	}
	reasons := make([]string, 0, len(o.skipReasons))
	for r := range o.skipReasons {
		reasons = append(reasons, r)
	}
	sort.Strings(reasons)
	for _, r := range reasons {
		fmt.Fprintf(o.w, "  skipped %d: %s\n", o.skipReasons[r], strings.TrimSpace(r))
	}
}
