package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"
)

// Exit codes shared by every command.
const (
	exitOK       = 0 // everything conforms
	exitFindings = 1 // the engine or the documents do not conform
	exitUsage    = 2 // bad flags, unreadable input, or a broken harness
)

// exitError carries an exit code out of a command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// findings ends a command with exit code 1 and no further message.
func findings() error { return &exitError{code: exitFindings} }

// usageError ends a command with exit code 2.
func usageError(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// run builds the command tree and runs it, returning the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintln(stderr, "ovcompat:", ee.err)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "ovcompat:", err)
	return exitUsage
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "ovcompat",
		Short: "API compatibility proxy and conformance tester for the oVirt engine REST API",
		Long: `ovcompat checks that an oVirt engine's REST API behaves as its clients expect.

  - as a sidecar in staging, a reverse proxy validates live traffic (ovcompat proxy)
  - in CI, recorded scenarios are replayed against an engine (ovcompat replay)
  - reports say what broke between engines, graded (ovcompat report, ovcompat diff)

Every flag can also be set through an environment variable named OVCOMPAT_
followed by the flag's name in upper case with dashes as underscores
(--max-body: OVCOMPAT_MAX_BODY), or for one command only with the command's
name before the flag's (OVCOMPAT_VALIDATE_FORMAT), or in a YAML config file
(--config FILE or OVCOMPAT_CONFIG; keys are flag names, a section per command
overrides the top level). Precedence: the command line, then the
command's variable, then the shared variable, then the config file, then
the default.

Exit codes: 0 conforms, 1 findings, 2 usage or harness error.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.PersistentFlags().String("config", "", "YAML file of flag values (keys are flag names; a section per command overrides the top level)")
	root.PersistentPreRunE = func(cmd *cobra.Command, _ []string) error {
		if err := applyConfig(cmd); err != nil {
			return &exitError{code: exitUsage, err: err}
		}
		return nil
	}
	root.SetFlagErrorFunc(flagError)
	for _, add := range commands {
		root.AddCommand(add(stdout, stderr))
	}
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	requireSubcommands(root)
	addCompletions(root)
	tidyHelp(root)
	return root
}

// commands are the subcommands; each file adds its own.
var commands = []func(stdout, stderr io.Writer) *cobra.Command{
	newVersionCmd,
	newValidateCmd,
	newSchemaCmd,
	newRulesCmd,
	newDemoCmd,
	newReportCmd,
	newDiffCmd,
	newProxyCmd,
	newSimCmd,
	newReplayCmd,
	newImportCmd,
	newCrawlCmd,
	newGenerateCmd,
	newCompatCmd,
}
