package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// Positional-argument rules in the house style: they say what the command
// takes, what it got, and where to look, and end with exit code 2 (cobra's
// own say "requires at least 1 arg(s), only received 0").

// noArgs is the rule of a command that takes no positional argument.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageError("%s takes no arguments, got %q (see %s --help)", cmdName(cmd), strings.Join(args, " "), cmd.CommandPath())
	}
	return nil
}

// atLeastOne is the rule of a command that takes one or more what ("HAR
// files").
func atLeastOne(what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return usageError("%s takes one or more %s, got none (see %s --help)", cmdName(cmd), what, cmd.CommandPath())
		}
		return nil
	}
}

// atMostOne is the rule of a command that takes at most one what ("type
// name").
func atMostOne(what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) > 1 {
			return usageError("%s takes at most one %s, got %d: %q (see %s --help)", cmdName(cmd), what, len(args), strings.Join(args, " "), cmd.CommandPath())
		}
		return nil
	}
}

// cmdName is a command's path below the root ("schema types"), as errors
// name it after the "ovcompat:" they start with.
func cmdName(cmd *cobra.Command) string {
	if !cmd.HasParent() {
		return cmd.Name()
	}
	return strings.TrimPrefix(cmd.CommandPath(), cmd.Root().Name()+" ")
}

// requireSubcommands makes every command that only groups others (ovcompat,
// ovcompat schema, ovcompat completion) refuse an unknown subcommand with
// exit code 2, naming the nearest one, instead of printing its help and
// exiting 0. Given no argument, it still prints its help.
func requireSubcommands(cmd *cobra.Command) {
	for _, c := range cmd.Commands() {
		requireSubcommands(c)
	}
	if !cmd.HasSubCommands() || cmd.Runnable() {
		return
	}
	cmd.Args = cobra.ArbitraryArgs
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2 // cobra's own default for the root
	}
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return cmd.Help()
		}
		msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
		if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
			msg += fmt.Sprintf("; did you mean %q?", s[0])
		}
		return usageError("%s (see %s --help)", msg, cmd.CommandPath())
	}
}
