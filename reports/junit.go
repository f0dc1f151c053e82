package reports

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// JUnit XML, as CI systems read it (Jenkins, GitLab, GitHub test
// reporters): one testsuite per scenario, one testcase per step, named once
// ("03 GET /vms/{vm_id}"), for replay and the conformance suite alike. A fail is
// a <failure>, an error an <error>, a skip a <skipped>; warnings and info
// findings are written to <system-out> of a passing case. A scenario that
// broke before its steps (a harness error no step carries) gets one extra
// case named "(scenario)" holding the <error>.

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitSkip    `xml:"skipped,omitempty"`
	SystemOut *junitText    `xml:"system-out,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",cdata"`
}

type junitText struct {
	Text string `xml:",cdata"`
}

type junitSkip struct {
	Message string `xml:"message,attr,omitempty"`
}

func seconds(d Duration) string {
	return strconv.FormatFloat(time.Duration(d).Seconds(), 'f', 3, 64)
}

// WriteJUnit renders r as JUnit XML.
func WriteJUnit(w io.Writer, r *Results) error {
	out := junitSuites{Name: "ovcompat"}
	var total Duration
	for i := range r.Scenarios {
		sc := &r.Scenarios[i]
		if sc.LeftOut != "" {
			continue
		}
		s := junitSuite{Name: sc.Name, Time: seconds(sc.Duration), Properties: junitProperties(r, sc)}
		if !r.Run.Started.IsZero() {
			s.Timestamp = r.Run.Started.UTC().Format("2006-01-02T15:04:05")
		}
		stepErr := false
		for j := range sc.Steps {
			c := junitStep(sc, &sc.Steps[j])
			stepErr = stepErr || c.Error != nil
			s.add(c)
		}
		if sc.Error != "" && !stepErr {
			s.add(junitCase{Name: "(scenario)", Classname: "ovcompat." + sc.Name, Time: "0.000",
				Error: &junitProblem{Message: oneLine(sc.Error), Type: "harness", Text: xmlSafe(sc.Error)}})
		}
		total += sc.Duration
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Errors += s.Errors
		out.Skipped += s.Skipped
		out.Suites = append(out.Suites, s)
	}
	out.Time = seconds(total)
	bw := &errWriter{w: w}
	io.WriteString(bw, xml.Header)
	enc := xml.NewEncoder(bw)
	enc.Indent("", "  ")
	if n := len(r.LeftOut()); n > 0 {
		// JUnit has no place for what was never meant to run; readers
		// skip comments, people see it.
		if err := enc.EncodeToken(xml.Comment(fmt.Sprintf(" %d scenarios left out by the run's selection, not counted here ", n))); err != nil {
			return fmt.Errorf("reports: junit: %w", err)
		}
		if err := enc.Flush(); err != nil {
			return fmt.Errorf("reports: junit: %w", err)
		}
		io.WriteString(bw, "\n")
	}
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("reports: junit: %w", err)
	}
	io.WriteString(bw, "\n")
	return bw.err
}

func (s *junitSuite) add(c junitCase) {
	s.Tests++
	switch {
	case c.Failure != nil:
		s.Failures++
	case c.Error != nil:
		s.Errors++
	case c.Skipped != nil:
		s.Skipped++
	}
	s.Cases = append(s.Cases, c)
}

func junitProperties(r *Results, sc *Scenario) []junitProperty {
	ps := []junitProperty{{"target", r.Run.Target}}
	if r.Run.EngineVersion != "" {
		ps = append(ps, junitProperty{"engine_version", r.Run.EngineVersion})
	}
	ps = append(ps, junitProperty{"tool_version", r.Run.ToolVersion}, junitProperty{"model_version", r.Run.ModelVersion})
	if sc.Source != "" {
		ps = append(ps, junitProperty{"source", sc.Source})
	}
	for _, l := range sc.Labels {
		ps = append(ps, junitProperty{"label", l})
	}
	return ps
}

// junitStepName names a step's case once: "03 GET /vms/{vm_id}", or with
// a name that says more than the request, "03 start the VM (POST
// /vms/{vm_id}/start)".
func junitStepName(st *Step) string {
	route := st.RouteKey()
	name := strings.TrimSpace(st.Name)
	switch {
	case name == "" || name == st.Method+" "+st.Path:
		name = route
	case !strings.Contains(name, route):
		name += " (" + route + ")"
	}
	return fmt.Sprintf("%02d %s", st.Index+1, name)
}

func junitStep(sc *Scenario, st *Step) junitCase {
	name := junitStepName(st)
	c := junitCase{Name: name, Classname: "ovcompat." + sc.Name, Time: seconds(st.Duration)}
	details := junitDetails(st)
	switch st.Outcome {
	case Fail:
		msg, typ := firstFinding(st)
		c.Failure = &junitProblem{Message: msg, Type: typ, Text: details}
	case Error:
		msg := st.Error
		if msg == "" {
			msg = "harness error"
		}
		c.Error = &junitProblem{Message: oneLine(msg), Type: "harness", Text: details}
	case Skip:
		c.Skipped = &junitSkip{Message: st.SkipReason}
	default:
		if details != "" {
			c.SystemOut = &junitText{Text: details}
		}
	}
	return c
}

// firstFinding names the worst finding of a failed step for the failure's
// message and type.
func firstFinding(st *Step) (string, string) {
	for _, v := range st.Violations {
		if v.Severity == SeverityError {
			return oneLine(v.Rule + " at " + v.Location + ": " + v.Reason), v.Rule
		}
	}
	for _, d := range st.Differences {
		if d.Grade == Breaking {
			return oneLine("breaking " + d.Kind + " at " + d.Location + ": " + d.Reason), d.Kind
		}
	}
	return "step failed", "fail"
}

// junitDetails lists every finding of a step, one a line.
func junitDetails(st *Step) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s -> status %s\n", st.Method, st.Path, statusText(st))
	if st.Error != "" {
		fmt.Fprintf(&b, "harness error: %s\n", st.Error)
	}
	for _, v := range st.Violations {
		fmt.Fprintf(&b, "%s %s at %s: %s\n", v.Severity, v.Rule, v.Location, v.Reason)
	}
	for _, d := range st.Differences {
		fmt.Fprintf(&b, "%s %s at %s: %s", d.Grade, d.Kind, d.Location, d.Reason)
		if d.Base != "" || d.New != "" {
			fmt.Fprintf(&b, " (%s -> %s)", d.Base, d.New)
		}
		b.WriteString("\n")
	}
	// Skipped comparisons explain a step that did not pass; for one that
	// passed they stay in results.json and report.html.
	skipped := 0
	if st.Outcome == Fail || st.Outcome == Error {
		skipped = len(st.Skipped)
		for _, s := range st.Skipped {
			fmt.Fprintf(&b, "skipped comparison at %s: %s\n", s.Location, s.Why)
		}
	}
	if len(st.Violations)+len(st.Differences)+skipped == 0 && st.Error == "" {
		return ""
	}
	return xmlSafe(b.String())
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		cut := 300
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return s
}

// xmlSafe replaces the characters XML 1.0 cannot hold (CDATA sections are
// written as they are) with U+FFFD.
func xmlSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r',
			r >= 0x20 && r <= 0xD7FF,
			r >= 0xE000 && r <= 0xFFFD,
			r >= 0x10000 && r <= 0x10FFFF:
			return r
		}
		return utf8.RuneError
	}, s)
}
