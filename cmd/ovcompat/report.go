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
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if in == "" {
				return usageError("--in is required: the results.json of a run")
			}
			chosen, err := reports.ChooseFormats(formats)
			if err != nil {
				return usageError("--format: %v", err)
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
	choicesVar(cmd.Flags(), &formats, "format", reports.FormatNames(), reports.FormatNames(), formatAliases(reports.FormatNames()), "`FORMATS` to write, comma-separated: "+strings.Join(reports.FormatNames(), ", "))
	return cmd
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
func writeReports(dir string, r *reports.Results, now time.Time, formats []reports.Format) ([]string, error) {
	return writeFormats(dir, formats, func(f reports.Format, w io.Writer) error { return f.Results(w, r, now) })
}

// writeFormats writes one file per format into dir with write, and
// returns the paths of the files written (up to the first error).
func writeFormats(dir string, formats []reports.Format, write func(reports.Format, io.Writer) error) ([]string, error) {
	var written []string
	for _, f := range formats {
		path := filepath.Join(dir, f.File)
		if err := writeFileAtomic(path, func(w io.Writer) error { return write(f, w) }); err != nil {
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
