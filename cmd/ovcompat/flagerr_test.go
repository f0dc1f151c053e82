package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/ovcompat/ovcompat/reports"
	"github.com/ovcompat/ovcompat/sim"
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
		// Choice flags are checked as they are parsed (TestChoiceWordsEverywhere has them all).
		{"choice", []string{"proxy", up, "--mode", "bogus"}, `--mode "bogus": want observe or enforce (see ovcompat proxy --help)`},
		{"choice, nearest", []string{"proxy", up, "--mode", "Enforc"}, `--mode "Enforc": want observe or enforce; did you mean enforce? (see ovcompat proxy --help)`},
		{"choice, missing value", []string{"proxy", up, "--log-level"}, `--log-level needs a value: want debug, info, warn or error (see ovcompat proxy --help)`},
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

// TestChoiceWordsEverywhere: every flag whose value is one of a fixed set
// (a choice, a list of choices, RULE=LEVEL, faults) refuses a bad value as
// it is parsed, in the same words from the command line, an OVCOMPAT_*
// variable and the config file, each naming where the value came from:
// exit 2, nothing on standard output, exactly one line on standard error.
func TestChoiceWordsEverywhere(t *testing.T) {
	up := "--upstream=http://127.0.0.1:1"
	for _, tc := range []struct {
		args        []string // the command, without the flag
		flag, value string
		problem     string
	}{
		{[]string{"proxy", up}, "mode", "bogus", "want observe or enforce"},
		{[]string{"proxy", up}, "log-level", "verbose", "want debug, info, warn or error"},
		{[]string{"proxy", up}, "log-format", "yaml", "want text or json"},
		{[]string{"validate", "x.xml"}, "format", "xml", "want text or json"},
		{[]string{"rules"}, "format", "yaml", "want text or json"},
		{[]string{"replay"}, "format", "html", "want text, md, json or github"},
		{[]string{"crawl"}, "format", "jsn", "want text, md, json or github; did you mean json?"},
		{[]string{"diff", "a.json", "b.json"}, "fail-on", "info", "want breaking or warning"},
		{[]string{"diff", "a.json", "b.json"}, "format", "junit", "want text, md, json or github"},
		{[]string{"schema", "diff", "4.4", "4.5"}, "fail-on", "never", "want breaking or warning"},
		{[]string{"compat", "--to", "4.5.7", "x.har"}, "format", "html", "want text, md, json or github"},
		{[]string{"schema", "export"}, "format", "xs", "want jsonschema, model, rsdl or xsd; did you mean xsd?"},
		{[]string{"report", "--in", "results.json"}, "format", "html,pdf", `"pdf": want html, md, junit or json`},
		{[]string{"validate", "x.xml"}, "disable", "schema.unknown-elemnt", "want a rule ID, as ovcompat rules lists them; did you mean schema.unknown-element?"},
		{[]string{"proxy", up}, "severity", "schema.element-order", "want RULE=LEVEL with LEVEL error, warning or info, e.g. schema.element-order=error"},
		{[]string{"replay"}, "severity", "schema.element-order=loud", `level "loud": want error, warning or info`},
		{[]string{"crawl"}, "severity", "rest.version=info,schema.elemnt-order=info", `"schema.elemnt-order=info": rule "schema.elemnt-order": want a rule ID, as ovcompat rules lists them; did you mean schema.element-order?`},
		{[]string{"sim"}, "inject", "drop-links:2", `fault drop-links: rate "2" is not a number from 0 to 1`},
		{[]string{"demo"}, "inject", "bogus", `unknown fault "bogus" (known: ` + strings.Join(sim.FaultNames(), ", ") + ")"},
	} {
		cmd := strings.Join(tc.args[:1], "")
		if tc.args[0] == "schema" {
			cmd = "schema " + tc.args[1]
		}
		t.Run(cmd+" --"+tc.flag, func(t *testing.T) {
			expect := func(source string, args []string, want string) {
				t.Helper()
				code, out, errs := ovcompat(t, args...)
				if want = "ovcompat: " + want + "\n"; code != 2 || errs != want || out != "" {
					t.Errorf("%s: exit %d, stdout %q\nstderr %q\nwant exit 2, no output and\n       %q", source, code, out, errs, want)
				}
			}
			expect("command line", append(slices.Clone(tc.args), "--"+tc.flag, tc.value),
				fmt.Sprintf("--%s %q: %s (see ovcompat %s --help)", tc.flag, tc.value, tc.problem, cmd))

			env := envName(tc.flag)
			t.Setenv(env, tc.value)
			expect("environment", tc.args, fmt.Sprintf("%s=%q: %s (--%s)", env, tc.value, tc.problem, tc.flag))
			os.Unsetenv(env)

			file := filepath.Join(t.TempDir(), "ovcompat.yaml")
			section := strings.TrimPrefix(cmd, "schema ")
			if err := os.WriteFile(file, fmt.Appendf(nil, "%s:\n  %s: %q\n", section, tc.flag, tc.value), 0o644); err != nil {
				t.Fatal(err)
			}
			expect("config file", append([]string{"--config", file}, tc.args...),
				fmt.Sprintf("config file %s: %s %q: %s (--%s)", file, tc.flag, tc.value, tc.problem, tc.flag))
		})
	}
}

// TestChoiceTakes: a choice takes its names in any case, around spaces,
// and its aliases (markdown for md, warn for warning, xml for junit); a
// list of choices replaces its default with the first value given and
// keeps each name once.
func TestChoiceTakes(t *testing.T) {
	var format, failOn, level string
	var formats, severity []string
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	summaryFormatVar(fs, &format, "")
	failOnVar(fs, &failOn, "")
	choiceVar(fs, &level, "log-level", "info", namesOf(logLevels, func(l logLevel) string { return l.name }), nil, "")
	choicesVar(fs, &formats, "out-format", reports.FormatNames(), reports.FormatNames(), formatAliases(reports.FormatNames()), "")
	fs.Var(&severities{list: &severity, rule: ruleChoice(), level: levelChoice()}, "severity", "")
	err := fs.Parse([]string{"--format", "Markdown", "--fail-on", " warn ", "--log-level=ERROR",
		"--out-format", "xml,html", "--out-format", "junit,md", "--severity", "rest.version=WARN,schema.element-order=info"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ got, want string }{
		{format, "md"}, {failOn, "warning"}, {level, "error"},
		{strings.Join(formats, ","), "junit,html,md"},
		{strings.Join(severity, ","), "rest.version=warning,schema.element-order=info"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
	if got := fs.Lookup("out-format").DefValue; got != "html,md,junit,json" {
		t.Errorf("default shown as %q", got)
	}
}
