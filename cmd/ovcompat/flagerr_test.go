package main

import (
	"strings"
	"testing"
)

// TestFlagErrors: a flag that does not parse on the command line is
// described in the house style, with the words an environment variable's or
// a config file's value gets (valueProblem), never pflag's ("invalid
// argument ... strconv.ParseInt", "unknown flag: --x", "flag needs an
// argument"): exit 2, nothing on standard output, one line on standard
// error, exactly as below.
func TestFlagErrors(t *testing.T) {
	up := "--upstream=http://127.0.0.1:1"
	for _, tc := range []struct {
		kind string
		args []string
		want string
	}{
		{"int", []string{"replay", "--parallel", "abc"}, `--parallel "abc": want a whole number (see ovcompat replay --help)`},
		{"int out of range", []string{"replay", "--parallel=99999999999999999999"}, `--parallel "99999999999999999999": out of range: want a whole number (see ovcompat replay --help)`},
		{"int64", []string{"sim", "--seed", "1.5"}, `--seed "1.5": want a whole number (see ovcompat sim --help)`},
		{"float", []string{"crawl", "--rate", "fast"}, `--rate "fast": want a number (see ovcompat crawl --help)`},
		{"bool", []string{"replay", "--read-only=maybe"}, `--read-only "maybe": want true or false (see ovcompat replay --help)`},
		{"duration", []string{"proxy", up, "--drain-timeout", "5"}, `--drain-timeout "5": want a duration such as 30s or 1m30s (see ovcompat proxy --help)`},
		{"size", []string{"proxy", up, "--record-limit", "12Q"}, `--record-limit "12Q": want a whole number of bytes with an optional unit: 1GiB, 512MiB, 2G, 1000000 (see ovcompat proxy --help)`},
		{"size zero", []string{"validate", "--max-body", "0", "x.xml"}, `--max-body "0": must be more than 0 (see ovcompat validate --help)`},
		// Enum-like flags are strings their command checks: the same shape.
		{"enum", []string{"proxy", up, "--mode", "bogus"}, `--mode "bogus": want observe or enforce`},
		{"unknown, nearest named", []string{"replay", "--paralel", "2"}, `unknown flag --paralel for "ovcompat replay"; did you mean --parallel? (see ovcompat replay --help)`},
		{"unknown, nearest inherited", []string{"schema", "routes", "--confg", "x.yaml"}, `unknown flag --confg for "ovcompat schema routes"; did you mean --config? (see ovcompat schema routes --help)`},
		{"unknown, one dash", []string{"replay", "-parallel", "2"}, `unknown flag -parallel for "ovcompat replay"; did you mean --parallel? (see ovcompat replay --help)`},
		{"unknown shorthand", []string{"-x"}, `unknown flag -x for "ovcompat" (see ovcompat --help)`},
		{"unknown, nothing near", []string{"proxy", up, "--frobnicate"}, `unknown flag --frobnicate for "ovcompat proxy" (see ovcompat proxy --help)`},
		{"missing value", []string{"replay", "--parallel"}, `--parallel needs a value: want a whole number (see ovcompat replay --help)`},
		{"missing string value", []string{"replay", "--target"}, `--target needs a value (see ovcompat replay --help)`},
		{"bad syntax", []string{"replay", "---x"}, `"---x" is not a flag: write --name or --name=value (see ovcompat replay --help)`},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			code, out, errs := ovcompat(t, tc.args...)
			if want := "ovcompat: " + tc.want + "\n"; code != 2 || errs != want || out != "" {
				t.Errorf("ovcompat %s:\nexit %d, stdout %q\nstderr %q\nwant exit 2, no output and\n       %q", strings.Join(tc.args, " "), code, out, errs, want)
			}
		})
	}
}

// TestValueWordsShared: a bad value reads the same from the command line,
// the environment and a config file, apart from where it came from.
func TestValueWordsShared(t *testing.T) {
	t.Setenv("OVCOMPAT_PROXY_RECORD_LIMIT", "12Q")
	code, _, errs := ovcompat(t, "proxy", "--upstream=http://127.0.0.1:1")
	want := `ovcompat: OVCOMPAT_PROXY_RECORD_LIMIT="12Q": want a whole number of bytes with an optional unit: 1GiB, 512MiB, 2G, 1000000 (--record-limit)` + "\n"
	if code != 2 || errs != want {
		t.Errorf("exit %d, stderr %q; want 2 and %q", code, errs, want)
	}
}
