package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/ovcompat/ovcompat/reports"
)

// choice is a flag whose value is one of a fixed set of names (--mode
// observe|enforce): the one definition its parsing, its --help
// placeholder, its errors and its shell completion all read. A bad value
// is refused as it is parsed, whether it comes from the command line, an
// OVCOMPAT_* variable or the config file, in the same words (valueProblem).
type choice struct {
	value   *string
	names   []string            // the values, in the order errors and completion list them
	aliases map[string]string   // other spellings taken for a name: markdown for md
	what    string              // what a value is, where the names are too many to list
	nearest func(string) string // the name a typo meant, "" for none; default reports.Nearest
}

// choiceVar defines a choice flag on fs, as fs.StringVar does.
func choiceVar(fs *pflag.FlagSet, p *string, name, value string, names []string, aliases map[string]string, usage string) {
	*p = value
	fs.Var(&choice{value: p, names: names, aliases: aliases}, name, usage)
}

// Set takes a name or an alias, in any case, around spaces.
func (c *choice) Set(s string) error {
	n, err := c.pick(s)
	if err != nil {
		return err
	}
	*c.value = n
	return nil
}

func (c *choice) pick(s string) (string, error) {
	n := strings.ToLower(strings.TrimSpace(s))
	if a, ok := c.aliases[n]; ok {
		n = a
	}
	if !slices.Contains(c.names, n) {
		return "", c.problem(n)
	}
	return n, nil
}

func (c *choice) String() string { return *c.value }

// Type is the placeholder --help shows: the names (--mode observe|enforce).
func (c *choice) Type() string { return strings.Join(c.names, "|") }

// complete and inParts make a choice complete its names in the shell.
func (c *choice) complete(string) []string { return c.names }
func (c *choice) inParts() bool            { return false }

// want says what a value must be: "observe or enforce".
func (c *choice) want() string {
	if c.what != "" {
		return c.what
	}
	return orList(c.names)
}

// problem says what is wrong with n, naming the nearest name of a typo.
func (c *choice) problem(n string) error {
	msg := "want " + c.want()
	nearest := c.nearest
	if nearest == nil {
		nearest = func(n string) string { return reports.Nearest(n, c.names) }
	}
	if near := nearest(n); near != "" && n != "" {
		msg += fmt.Sprintf("; did you mean %s?", near)
	}
	return errors.New(msg)
}

// choices is a list flag of a choice's names, comma-separated or repeated
// (--format html,md): the first value given replaces the default, later
// ones add to it, as pflag's lists do.
type choices struct {
	choice
	list    *[]string
	changed bool
}

// choicesVar defines a list of choices on fs, as fs.StringSliceVar does.
func choicesVar(fs *pflag.FlagSet, p *[]string, name string, value, names []string, aliases map[string]string, usage string) {
	*p = value
	fs.Var(&choices{choice: choice{names: names, aliases: aliases}, list: p}, name, usage)
}

func (c *choices) Set(s string) error {
	var got []string
	for _, part := range strings.Split(s, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		n, err := c.pick(part)
		if err != nil {
			if len(strings.Split(s, ",")) > 1 {
				return fmt.Errorf("%q: %w", strings.TrimSpace(part), err)
			}
			return err
		}
		got = append(got, n)
	}
	if len(got) == 0 {
		return errors.New("want " + c.want())
	}
	if !c.changed {
		*c.list, c.changed = nil, true
	}
	for _, n := range got {
		if !slices.Contains(*c.list, n) {
			*c.list = append(*c.list, n)
		}
	}
	return nil
}

func (c *choices) String() string { return strings.Join(*c.list, ",") }

// complete completes the last name of the word, after the ones it holds.
func (c *choices) complete(toComplete string) []string { return afterComma(toComplete, c.names) }
func (c *choices) inParts() bool                       { return true }

// Type is the placeholder --help shows: the names, comma-separated.
func (c *choices) Type() string { return strings.Join(c.names, ",") }

// want says what a value must be: "one or more of html, md, junit, json".
func (c *choices) want() string {
	if c.what != "" {
		return c.what
	}
	return "one or more of " + strings.Join(c.names, ", ")
}

// orList writes names as a sentence does: "a", "a or b", "a, b or c".
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// namesOf lists the name of each row of a table, in its order: the values
// of a choice decided by a table.
func namesOf[T any](rows []T, name func(T) string) []string {
	out := make([]string, 0, len(rows))
	for _, r := range rows {
		out = append(out, name(r))
	}
	return out
}
