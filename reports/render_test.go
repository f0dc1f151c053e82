package reports

import (
	"bytes"
	"encoding/xml"
	"strconv"
	"strings"
	"testing"
)

func TestWriteMarkdownGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, sample(), MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.md", buf.Bytes())
	if strings.Contains(buf.String(), "<until up>") {
		t.Error("report.md lets raw HTML from a step name through")
	}
}

func TestWriteMarkdownCaps(t *testing.T) {
	r := bigResults(200, 3)
	var buf bytes.Buffer
	if err := WriteMarkdown(&buf, r, MarkdownOptions{MaxSteps: 5}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "more steps that did not pass") {
		t.Errorf("a long run is not cut:\n%s", buf.String())
	}
	if buf.Len() > 65536 {
		t.Errorf("report.md of %d bytes does not fit a pull-request comment", buf.Len())
	}
}

func TestWriteJUnitGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	golden(t, "junit.xml", buf.Bytes())
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
		Skipped  int `xml:"skipped,attr"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("junit.xml does not parse: %v", err)
	}
	tot := sample().Count()
	if doc.Tests != tot.Steps.Total() || doc.Failures != tot.Steps.Fail || doc.Errors != tot.Steps.Error || doc.Skipped != tot.Steps.Skip {
		t.Errorf("junit counts %+v disagree with the totals %+v", doc, tot.Steps)
	}
}

func TestJUnitScenarioErrorWithoutSteps(t *testing.T) {
	r := &Results{Scenarios: []Scenario{{Name: "broken", Outcome: Error, Error: "scenario broken.yaml line 3: unknown field \"stpes\""}}}
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `errors="1"`) || !strings.Contains(buf.String(), "(scenario)") {
		t.Errorf("a scenario that broke before its steps is not an error case:\n%s", buf.String())
	}
}

// TestRenderersAreDeterministic renders each report twice from values
// built separately and compares the bytes.
func TestRenderersAreDeterministic(t *testing.T) {
	for _, nr := range renderers() {
		name, render := nr.name, nr.render
		t.Run(name, func(t *testing.T) {
			var a, b bytes.Buffer
			if err := render(&a, bigResults(40, 4)); err != nil {
				t.Fatal(err)
			}
			if err := render(&b, bigResults(40, 4)); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Errorf("two renderings differ:\n%s", firstDiff(a.Bytes(), b.Bytes()))
			}
		})
	}
}

// TestRenderersReportWriteErrors checks that a failing writer is an error,
// not a silent short file.
func TestRenderersReportWriteErrors(t *testing.T) {
	for _, nr := range renderers() {
		name, render := nr.name, nr.render
		t.Run(name, func(t *testing.T) {
			if err := render(failingWriter{}, sample()); err == nil {
				t.Error("no error from a writer that fails")
			}
		})
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errTest }

var errTest = errorString("disk full")

type errorString string

func (e errorString) Error() string { return string(e) }

// TestJUnitHostileText checks that text XML cannot hold, and a CDATA end
// marker, still give a document that parses.
func TestJUnitHostileText(t *testing.T) {
	r := &Results{Scenarios: []Scenario{{Name: "x\x00y", Outcome: Fail, Steps: []Step{{Method: "GET", Path: "/vms", Outcome: Fail,
		Violations: []Violation{{Rule: "r", Severity: SeverityError, Location: "/a]]>b", Reason: "bad \x01 \xff value ]]> end"}}}}}}}
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, r); err != nil {
		t.Fatal(err)
	}
	var v any
	if err := xml.Unmarshal(buf.Bytes(), &v); err != nil {
		t.Errorf("junit.xml does not parse: %v\n%s", err, buf.String())
	}
}

// TestRulesChartFoldsTheRest keeps the rules chart readable: past
// maxChartRules rules, the rest is one row whose count is their sum.
func TestRulesChartFoldsTheRest(t *testing.T) {
	var rules []RuleCount
	total := 0
	for i := 0; i < maxChartRules+5; i++ {
		n := 100 - i
		rules = append(rules, RuleCount{Rule: "r" + strconv.Itoa(i), Severity: SeverityWarning, Count: n, By: SeverityCounts{Warning: n}})
		if i >= maxChartRules {
			total += n
		}
	}
	c := rulesChart(rules)
	if len(c.Rows) != maxChartRules+1 {
		t.Fatalf("%d rows, want %d", len(c.Rows), maxChartRules+1)
	}
	last := c.Rows[len(c.Rows)-1]
	if last.Label != "5 other rules" || last.Total != strconv.Itoa(total) {
		t.Errorf("last row %q %q, want 5 other rules, %d", last.Label, last.Total, total)
	}
}
