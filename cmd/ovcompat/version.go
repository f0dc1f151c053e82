package main

import (
	"fmt"
	"io"
	"runtime/debug"

	"github.com/spf13/cobra"

	"github.com/ovcompat/ovcompat/schema"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = ""

// toolVersion returns the build's version: the linker's (make build), else
// the module's (go install github.com/ovcompat/ovcompat/cmd/ovcompat@v1.2.3),
// else the commit a checkout was built from, else "dev".
func toolVersion() string { return versionFrom(version, debug.ReadBuildInfo) }

func versionFrom(linker string, read func() (*debug.BuildInfo, bool)) string {
	if linker != "" {
		return linker
	}
	bi, ok := read()
	if !ok {
		return "dev"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev string
	var modified bool
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev == "" {
		return "dev"
	}
	out := "devel " + rev[:min(12, len(rev))]
	if modified {
		out += " (modified)"
	}
	return out
}

// modelVersion describes the embedded API model.
func modelVersion() string {
	m, err := schema.V4()
	if err != nil {
		return "unavailable: " + err.Error()
	}
	return "oVirt API model " + m.Version
}

func newVersionCmd(stdout, _ io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the tool version and the embedded API model version",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(stdout, "ovcompat %s\nmodel: %s\n", toolVersion(), modelVersion())
			return nil
		},
	}
}
