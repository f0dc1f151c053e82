package main

import (
	"errors"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/ovcompat/ovcompat/sim"
)

// faultSpec is --inject: NAME[:RATE],..., checked as it is parsed by the
// simulator's own parser (sim.ParseFaults), whose fault table completion
// reads too; words lists whole values a command adds (demo's broken).
type faultSpec struct {
	value *string
	words []string
}

// injectVar defines --inject on fs.
func injectVar(fs *pflag.FlagSet, p *string, words []string, usage string) {
	fs.Var(&faultSpec{value: p, words: words}, "inject", usage)
}

func (f *faultSpec) Set(s string) error {
	if !slices.Contains(f.words, strings.TrimSpace(s)) {
		if _, err := sim.ParseFaults(s); err != nil {
			// The flag names the value: the package's name is no news.
			return errors.New(strings.TrimPrefix(err.Error(), "sim: "))
		}
	}
	*f.value = strings.TrimSpace(s)
	return nil
}

func (f *faultSpec) String() string { return *f.value }
func (f *faultSpec) Type() string   { return "FAULTS" }
func (f *faultSpec) inParts() bool  { return true }

func (f *faultSpec) want() string {
	w := "NAME[:RATE],... with NAME " + orList(sim.FaultNames())
	for _, x := range f.words {
		w += ", or " + x
	}
	return w
}

// complete completes the last fault of the word, and the whole words when
// the word holds no fault yet.
func (f *faultSpec) complete(toComplete string) []string {
	out := afterComma(toComplete, sim.FaultNames())
	if !strings.Contains(toComplete, ",") {
		out = append(out, f.words...)
	}
	return out
}
