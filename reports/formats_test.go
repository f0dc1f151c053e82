package reports

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"time"
)

// TestFormatsOneList: every file format renders a run and a diff, under
// its fixed name; names and aliases choose them, in the list's order.
func TestFormatsOneList(t *testing.T) {
	want := map[string]string{"html": "report.html", "md": "report.md", "junit": "junit.xml", "json": "results.json"}
	base, next := dropLinks()
	d := Compare(base, next, nil)
	for _, f := range Formats() {
		if want[f.Name] != f.File {
			t.Errorf("format %s writes %s, want %s", f.Name, f.File, want[f.Name])
		}
		var a, b bytes.Buffer
		if err := f.Results(&a, next, time.Time{}); err != nil || a.Len() == 0 {
			t.Errorf("%s of a run: %d bytes, %v", f.Name, a.Len(), err)
		}
		if err := f.Diff(&b, d, DiffOptions{}); err != nil || b.Len() == 0 {
			t.Errorf("%s of a diff: %d bytes, %v", f.Name, b.Len(), err)
		}
	}
	got, err := ChooseFormats([]string{"json", "markdown", "JSON", "xml"})
	if err != nil || len(got) != 3 || got[0].Name != "md" || got[1].Name != "junit" || got[2].Name != "json" {
		t.Errorf("ChooseFormats = %v, %v", got, err)
	}
	if _, err := ChooseFormats([]string{"htm"}); err == nil || !strings.Contains(err.Error(), `(did you mean "html"?)`) {
		t.Errorf("unknown format: %v", err)
	}
	if _, err := ChooseFormats(nil); err == nil {
		t.Error("no format chosen is not an error")
	}
}

// TestWriteTextGroups: the run's text summary is a scenario table, the
// totals and what broke where, grouped, info in one line.
func TestWriteTextGroups(t *testing.T) {
	_, next := dropLinks()
	next.Scenarios[2].Steps[0].Differences = append(next.Scenarios[2].Steps[0].Differences, Difference{Kind: "element-added", Grade: GradeInfo, Location: "/vm/x", Reason: "added"})
	var buf bytes.Buffer
	if err := WriteText(&buf, next); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"  FAIL  " + next.Scenarios[0].Name + " ",
		"10 scenarios, 40 steps: 0 pass, 0 warn, 40 fail, 0 error, 0 skip",
		"  breaking link-removed: 320 on 4 routes, 40 steps\n",
		"        80  GET / at /vms/vm[*]/link[*]  (first: ",
		"  breaking schema.missing-element: 1 on 1 route, 1 step\n",
		"  info     element-added: 1 on 1 route, 1 step\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("text summary lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "/vm/x") {
		t.Errorf("an info group lists its places:\n%s", out)
	}
	if n := strings.Count(out, "\n"); n > 35 {
		t.Errorf("text summary of one fault is %d lines:\n%s", n, out)
	}
}

// TestGitHubAnnotations: one workflow command per group, level by grade,
// and text escaped so that it cannot end the command or add one.
func TestGitHubAnnotations(t *testing.T) {
	_, next := dropLinks()
	next.Scenarios[0].Steps[1].Violations[0].Reason = "50% of it\n::error::injected"
	next.Scenarios[1].Error = "target down: dial tcp, refused"
	var buf bytes.Buffer
	if err := WriteGitHub(&buf, next); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d annotations, want 4 (harness error, 2 groups, totals):\n%s", len(lines), buf.String())
	}
	for i, prefix := range []string{
		"::error title=ovcompat harness error in " + next.Scenarios[1].Name + "::target down: dial tcp, refused",
		"::error title=ovcompat link-removed::link-removed: 320 on 4 routes, 40 steps%0A80: GET / at /vms/vm[*]/link[*]",
		"::error title=ovcompat schema.missing-element::",
		"::notice title=ovcompat fail::10 scenarios",
	} {
		if !strings.HasPrefix(lines[i], prefix) {
			t.Errorf("annotation %d = %q, want prefix %q", i, lines[i], prefix)
		}
	}
	if !strings.Contains(lines[2], "50%25 of it%0A::error::injected") {
		t.Errorf("message not escaped: %q", lines[2])
	}
	if got := githubProperty("a:b,c%"); got != "a%3Ab%2Cc%25" {
		t.Errorf("githubProperty = %q", got)
	}
	b0, n0 := dropLinks()
	d := Compare(b0, n0, nil)
	buf.Reset()
	if err := WriteDiffGitHub(&buf, d, DiffOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "::error title=ovcompat diff link-removed::") || !strings.Contains(buf.String(), "::error title=ovcompat diff::FAIL: 321 changes at or above breaking not accepted; 0 accepted by the baseline") {
		t.Errorf("diff annotations:\n%s", buf.String())
	}
}

// TestDiffJUnitAndHTML: a diff's junit.xml holds one case per group (a
// failure when it fails the gate) and one per baseline entry that
// accepted something; its report.html opens with the verdict.
func TestDiffJUnitAndHTML(t *testing.T) {
	base, next := dropLinks()
	next.Scenarios[0].Steps[0].Status = 203
	base.Scenarios[0].Steps[0].Status = 200
	bl, err := ParseBaseline(strings.NewReader("- rule: schema.missing-element\n  route: \"*\"\n  reason: known (JIRA-2)\n"))
	if err != nil {
		t.Fatal(err)
	}
	d := Compare(base, next, bl)
	var buf bytes.Buffer
	if err := WriteDiffJUnit(&buf, d, DiffOptions{}); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suite    struct {
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("diff junit.xml does not parse: %v\n%s", err, buf.String())
	}
	if doc.Tests != 3 || doc.Failures != 1 || len(doc.Suite.Cases) != 3 {
		t.Fatalf("diff junit: %d tests, %d failures, want 3 and 1:\n%s", doc.Tests, doc.Failures, buf.String())
	}
	c := doc.Suite.Cases
	if c[0].Name != "breaking link-removed" || c[0].Failure == nil || c[0].Failure.Message != "link-removed: 320 on 4 routes, 40 steps" ||
		c[1].Name != "warning status-changed" || c[1].Failure != nil ||
		c[2].Name != "accepted by baseline line 1: rule schema.missing-element, route *" {
		t.Errorf("diff junit cases: %+v", c)
	}
	buf.Reset()
	if err := WriteDiffHTML(&buf, d, DiffOptions{}); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	verdict := strings.Index(page, `data-total="verdict">fail</span>`)
	group := strings.Index(page, "<code>link-removed</code>: <strong>320</strong> on 4 routes, 40 steps")
	if verdict < 0 || group < verdict || !strings.Contains(page, "known (JIRA-2)") || strings.Contains(page, "<script") {
		t.Errorf("diff report.html: verdict at %d, group at %d:\n%.3000s", verdict, group, page)
	}
}

// TestJUnitStepNamesOnce: a step's case names it once, and the skipped
// comparisons of a passing step stay out of JUnit.
func TestJUnitStepNamesOnce(t *testing.T) {
	r := &Results{Scenarios: []Scenario{{Name: "s", Steps: []Step{
		{Index: 0, Name: "GET /vms", Method: "GET", Path: "/vms", Route: "/vms", Outcome: Pass, Skipped: []SkippedComparison{{"/vms/vm/@id", "ids vary"}}},
		{Index: 1, Name: "GET /vms/123", Method: "GET", Path: "/vms/123", Route: "/vms/{vm_id}", Outcome: Pass},
		{Index: 2, Name: "start it", Method: "POST", Path: "/vms/1/start", Route: "/vms/{vm_id}/start", Outcome: Fail,
			Differences: []Difference{{Kind: "status-changed", Grade: Breaking, Location: "status"}}, Skipped: []SkippedComparison{{"/action/job/@id", "ids vary"}}},
	}}}}
	r.Settle()
	var buf bytes.Buffer
	if err := WriteJUnit(&buf, r); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{`name="01 GET /vms"`, `name="02 GET /vms/{vm_id}"`, `name="03 start it (POST /vms/{vm_id}/start)"`, "skipped comparison at /action/job/@id"} {
		if !strings.Contains(out, want) {
			t.Errorf("junit lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, "/vms/vm/@id") {
		t.Errorf("a passing step's skipped comparisons are in JUnit:\n%s", out)
	}
}
