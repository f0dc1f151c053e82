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

// toolVersion returns the build's version: the linker's, else the module's,
// else "dev".
func toolVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
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
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintf(stdout, "ovcompat %s\nmodel: %s\n", toolVersion(), modelVersion())
			return nil
		},
	}
}
