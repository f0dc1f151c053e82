package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/ovcompat/ovcompat/reports"
)

// defaultOutDir is the shared output folder.
const defaultOutDir = "ovcompat-out"

// reportFormat is one output of ovcompat report: its --format names, its
// fixed file name and its renderer.
type reportFormat struct {
	names []string
	file  string
	write func(w io.Writer, r *reports.Results, now time.Time) error
}

// reportFormats lists the outputs in the order they are written.
func reportFormats() []reportFormat {
	return []reportFormat{
		{[]string{"html"}, "report.html", func(w io.Writer, r *reports.Results, now time.Time) error {
			return reports.WriteHTML(w, r, reports.HTMLOptions{Now: now})
		}},
		{[]string{"md", "markdown"}, "report.md", func(w io.Writer, r *reports.Results, _ time.Time) error {
			return reports.WriteMarkdown(w, r, reports.MarkdownOptions{})
		}},
		{[]string{"junit", "xml"}, "junit.xml", func(w io.Writer, r *reports.Results, _ time.Time) error { return reports.WriteJUnit(w, r) }},
		{[]string{"json"}, "results.json", func(w io.Writer, r *reports.Results, _ time.Time) error { return reports.Write(w, r) }},
	}
}

func newReportCmd(stdout, _ io.Writer) *cobra.Command {
	var (
		in, out string
		formats []string
	)
	cmd := &cobra.Command{
		Use:   "report --in results.json [--out DIR] [--format html,md,junit,json]",
		Short: "Render results.json as report.html, report.md, junit.xml and results.json",
		Long: `Report renders the results of a run (results.json, version 1, as written by
ovcompat replay and the conformance suite) into the output folder, under fixed
names CI recipes can rely on:

  report.html   one self-contained page: outcomes, charts, coverage, the steps
                that did not pass with their findings and redacted transcripts
  report.md     a summary for CI step summaries and pull-request comments
  junit.xml     one testsuite per scenario, one testcase per step
  results.json  the results themselves, normalised (totals recomputed)

--in - reads the results from standard input. The exit code is 0 when the
reports were written, whatever the run's outcome, and 2 on bad input.`,
		Example: `  ovcompat report --in ovcompat-out/results.json
  ovcompat report --in results.json --out public --format html,md`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if in == "" {
				return usageError("--in is required: the results.json of a run")
			}
			chosen, err := chooseFormats(formats)
			if err != nil {
				return err
			}
			r, err := readResults(cmd, in)
			if err != nil {
				return err
			}
			if err := os.MkdirAll(out, 0o755); err != nil {
				return usageError("output folder: %v", err)
			}
			written, err := writeReports(out, r, time.Now().UTC(), chosen)
			for _, path := range written {
				fmt.Fprintln(stdout, path)
			}
			if err != nil {
				return usageError("%v", err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&in, "in", "", "results `FILE` to render (- for standard input)")
	cmd.Flags().StringVar(&out, "out", defaultOutDir, "output `DIR`")
	cmd.Flags().StringSliceVar(&formats, "format", []string{"html", "md", "junit", "json"}, "formats to write: html, md, junit, json (comma-separated)")
	return cmd
}

// chooseFormats turns --format names into outputs, in reportFormats' order
// and without repeats.
func chooseFormats(names []string) ([]reportFormat, error) {
	all := reportFormats()
	want := map[int]bool{}
	for _, n := range names {
		n = strings.ToLower(strings.TrimSpace(n))
		found := false
		for i, f := range all {
			for _, alias := range f.names {
				if alias == n {
					want[i], found = true, true
				}
			}
		}
		if !found {
			return nil, usageError("--format %q: want html, md, junit or json", n)
		}
	}
	var out []reportFormat
	for i, f := range all {
		if want[i] {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return nil, usageError("--format: name at least one of html, md, junit, json")
	}
	return out, nil
}

// readResults reads a results.json, or the command's standard input for
// "-"; every error is a usage error (exit 2).
func readResults(cmd *cobra.Command, path string) (*reports.Results, error) {
	rd := cmd.InOrStdin()
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, usageError("%v", err)
		}
		defer f.Close()
		rd = f
	}
	r, err := reports.Read(rd)
	if err != nil {
		return nil, usageError("%s: %v", path, err)
	}
	return r, nil
}

// writeReports writes r into the folder dir in each format, and returns
// the paths of the files written (up to the first error).
func writeReports(dir string, r *reports.Results, now time.Time, formats []reportFormat) ([]string, error) {
	var written []string
	for _, f := range formats {
		path := filepath.Join(dir, f.file)
		if err := writeFileAtomic(path, func(w io.Writer) error { return f.write(w, r, now) }); err != nil {
			return written, err
		}
		written = append(written, path)
	}
	return written, nil
}

// writeFileAtomic writes a file through a temporary file in the same folder,
// so that a reader never sees half a report and a failed write leaves the
// old file in place.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
