package main

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/ovcompat/ovcompat/reports"
)

// flagError is the root's flag-error function, inherited by every command:
// a flag that does not parse on the command line is described in the house
// style, as an environment variable's or a config file's value is (what was
// wrong, what the flag wants, where to look), never in pflag's words
// ("invalid argument "abc" for "--parallel" flag: strconv.ParseInt: ..."),
// and ends the command with exit code 2.
func flagError(cmd *cobra.Command, err error) error {
	return &exitError{code: exitUsage, err: fmt.Errorf("%s (see %s --help)", describeFlagError(cmd, err), cmd.CommandPath())}
}

func describeFlagError(cmd *cobra.Command, err error) string {
	var (
		invalid *pflag.InvalidValueError
		missing *pflag.ValueRequiredError
		unknown *pflag.NotExistError
		syntax  *pflag.InvalidSyntaxError
	)
	switch {
	case errors.As(err, &invalid):
		f := invalid.GetFlag()
		return fmt.Sprintf("--%s %q: %s", f.Name, invalid.GetValue(), valueProblem(f, invalid.Unwrap()))
	case errors.As(err, &missing):
		f := missing.GetFlag()
		if want, ok := wantOf(f); ok {
			return fmt.Sprintf("--%s needs a value: want %s", f.Name, want)
		}
		return fmt.Sprintf("--%s needs a value", f.Name)
	case errors.As(err, &unknown):
		return unknownFlag(cmd, unknown)
	case errors.As(err, &syntax):
		return fmt.Sprintf("%q is not a flag: write --name or --name=value", syntax.GetSpecifiedFlag())
	}
	return err.Error()
}

// unknownFlag names the flag as it was typed and the nearest the command
// has. A long name typed with one dash (-parallel) reads as shorthands to
// pflag; it is named whole, so that --parallel is found.
func unknownFlag(cmd *cobra.Command, e *pflag.NotExistError) string {
	typed, dashes := e.GetSpecifiedName(), "--"
	if group := e.GetSpecifiedShortnames(); group != "" {
		typed, dashes = group, "-"
	}
	msg := fmt.Sprintf("unknown flag %s%s for %q", dashes, typed, cmd.CommandPath())
	if near := reports.Nearest(typed, flagNames(cmd)); near != "" {
		msg += fmt.Sprintf("; did you mean --%s?", near)
	}
	return msg
}

// wantOf says what a value of f's type must be, for the types whose
// parser's own words would not tell a user (strconv.ParseInt: parsing
// "abc": invalid syntax).
func wantOf(f *pflag.Flag) (string, bool) {
	if w, ok := f.Value.(wanter); ok {
		return w.want(), true
	}
	want, ok := map[string]string{
		"int": "a whole number", "int32": "a whole number", "int64": "a whole number", "uint": "a whole number",
		"float64": "a number", "bool": "true or false", "duration": "a duration such as 30s or 1m30s",
	}[f.Value.Type()]
	return want, ok
}

// wanter is a flag value of ours that says what it wants (a choice).
type wanter interface{ want() string }

// valueProblem says what is wrong with a value that f's parser refused
// with err: what the flag wants, or the parser's own reason for a type of
// ours (a size says what a size looks like). The command line
// (flagError), the environment and the config file (valueError) all
// describe a bad value by it.
func valueProblem(f *pflag.Flag, err error) string {
	want, ok := wantOf(f)
	_, ours := f.Value.(wanter)
	switch {
	case !ok || ours:
		return err.Error()
	case errors.Is(err, strconv.ErrRange):
		return "out of range: want " + want
	}
	return "want " + want
}

// valueError is valueProblem for a value from the environment or a config
// file, where the flag is not named otherwise: "want a whole number
// (--parallel)".
func valueError(f *pflag.Flag, err error) error {
	return fmt.Errorf("%s (--%s)", valueProblem(f, err), f.Name)
}
