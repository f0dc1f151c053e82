package reports

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// diffView is what the diff's HTML template draws.
type diffView struct {
	Failed     bool
	Verdict    string
	Base, New  string
	FailOn     Grade
	Counts     GradeCounts
	Accepted   int
	Groups     []diffGroupView
	AcceptedBy []AcceptedGroup
	Unused     []Accepted
}

type diffGroupView struct {
	Group *FindingGroup
	Open  bool
}

// WriteDiffHTML renders the diff as one self-contained page in the style
// of the run's report: the verdict and counts first, then what changed
// grouped by kind, route and location pattern (groups that fail the gate
// open), what each baseline entry accepted, and the entries that matched
// nothing.
func WriteDiffHTML(w io.Writer, d *Diff, opts DiffOptions) error {
	opts = opts.withDefaults()
	counts, accepted := d.Counts()
	v := &diffView{Failed: len(d.Failing(opts.FailOn)) > 0, Verdict: verdict(d, opts.FailOn), Base: runLine(d.Base), New: runLine(d.New),
		FailOn: opts.FailOn, Counts: counts, Accepted: accepted, AcceptedBy: d.AcceptedByEntry(), Unused: d.Unused}
	groups := d.Groups(false)
	for i := range groups {
		v.Groups = append(v.Groups, diffGroupView{Group: &groups[i], Open: groups[i].Grade.AtLeast(opts.FailOn)})
	}
	return execute(w, "diff", v)
}

// WriteDiffJUnit renders the diff as JUnit XML in the shape of a run's
// (WriteJUnit): one testsuite "ovcompat diff", one testcase per group of
// changes not accepted (a failure when it fails the gate, its places in
// system-out otherwise) and one passing testcase per baseline entry that
// accepted changes.
func WriteDiffJUnit(w io.Writer, d *Diff, opts DiffOptions) error {
	opts = opts.withDefaults()
	s := junitSuite{Name: "ovcompat diff", Time: "0.000", Properties: []junitProperty{{"base", runLine(d.Base)}, {"new", runLine(d.New)}, {"fail_on", string(opts.FailOn)}}}
	groups := d.Groups(false)
	for i := range groups {
		g := &groups[i]
		var b strings.Builder
		for _, pl := range g.Places {
			fmt.Fprintf(&b, "%d: %s (first: %s): %s\n", pl.Count, pl.where(), pl.first(), pl.Reason)
		}
		c := junitCase{Name: string(g.Grade) + " " + g.Title(), Classname: "ovcompat.diff", Time: "0.000"}
		if g.Grade.AtLeast(opts.FailOn) {
			c.Failure = &junitProblem{Message: oneLine(groupLine(g)), Type: g.Kind, Text: xmlSafe(b.String())}
		} else {
			c.SystemOut = &junitText{Text: xmlSafe(groupLine(g) + "\n" + b.String())}
		}
		s.add(c)
	}
	for _, a := range d.AcceptedByEntry() {
		s.add(junitCase{Name: fmt.Sprintf("accepted by baseline line %d: %s", a.Entry.Line, acceptedLine(a.Entry)), Classname: "ovcompat.diff.baseline", Time: "0.000",
			SystemOut: &junitText{Text: xmlSafe(acceptedSummary(&a) + "\n" + a.Entry.Reason)}})
	}
	out := junitSuites{Name: "ovcompat diff", Tests: s.Tests, Failures: s.Failures, Time: "0.000", Suites: []junitSuite{s}}
	bw := &errWriter{w: w}
	io.WriteString(bw, xml.Header)
	enc := xml.NewEncoder(bw)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("reports: diff junit: %w", err)
	}
	io.WriteString(bw, "\n")
	return bw.err
}
