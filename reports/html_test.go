package reports

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestWriteHTMLGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, sample(), HTMLOptions{Now: t0.Add(2 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.html", buf.Bytes())
	for _, secret := range []string{"hunter2", "s3cr3t", "eyJhbGci", "p4ss", "abc123"} {
		if strings.Contains(buf.String(), secret) {
			t.Errorf("report.html shows the secret %q", secret)
		}
	}
	for _, external := range []string{"<script", "src=", "http://", "@import", "url("} {
		if strings.Contains(buf.String(), external) {
			t.Errorf("report.html holds %q: it must be self-contained with no scripts", external)
		}
	}
}

func TestWriteViolationsHTMLGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteViolationsHTML(&buf, sample(), HTMLOptions{Refresh: 10}); err != nil {
		t.Fatal(err)
	}
	golden(t, "violations.html", buf.Bytes())
}

// TestHTMLProblemsFirst: the page leads with the verdict and what broke
// where; coverage and charts come after the problems; transcripts are
// collapsed; the filters need no script.
func TestHTMLProblemsFirst(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, sample(), HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	order := []string{`data-total="outcome"`, `id="broke"`, `id="f-outcome"`, `id="problems"`, `id="scenarios"`, `id="totals"`, `id="charts"`, "Route coverage"}
	last := -1
	for _, mark := range order {
		i := strings.Index(page, mark)
		if i <= last {
			t.Errorf("%s at %d, want it after the previous mark (at %d)", mark, i, last)
		}
		last = i
	}
	if strings.Contains(page, "<details open") || strings.Contains(page, "<script") {
		t.Error("a transcript or scenario is open by default, or the page has a script")
	}
	if !strings.Contains(page, `body:has(#f-rule option[value="schema.unknown-element"]:checked) .item:not([data-rule~="schema.unknown-element"]){display:none}`) {
		t.Error("the rule filter has no style for a rule of the run")
	}
	if !strings.Contains(page, `<del>present</del>`) || !strings.Contains(page, `<ins>absent</ins>`) {
		t.Error("recorded and received values are not shown side by side, marked")
	}
}

// TestHTMLRecordedBesideReceived: a failing step's recorded and received
// responses are shown side by side, the lines each lacks marked, both
// redacted.
func TestHTMLRecordedBesideReceived(t *testing.T) {
	rec := "<vm>\n  <name>a</name>\n  <memory>1024</memory>\n  <initialization><root_password>hunter2</root_password></initialization>\n</vm>"
	got := "<vm>\n  <name>a</name>\n  <memory_policy/>\n</vm>"
	ct := []Header{{Name: "Content-Type", Value: "application/xml"}}
	r := &Results{Scenarios: []Scenario{{Name: "s", Steps: []Step{{Method: "GET", Path: "/vms/1", Route: "/vms/{vm_id}", Status: 200, RecordedStatus: 200,
		Differences: []Difference{{Kind: "element-removed", Grade: Breaking, Location: "/vm/memory", Reason: "gone", Base: "present", New: "absent"}},
		Transcript: &Transcript{Request: Message{Method: "GET", URL: "/vms/1"}, Response: Message{Status: 200, Headers: ct, Body: got},
			Recorded: &Message{Status: 200, Headers: ct, Body: rec}}}}}}}
	r.Settle()
	var buf bytes.Buffer
	if err := WriteHTML(&buf, r, HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{
		`<h4>recorded response</h4>`, `<h4>received response</h4>`,
		`<span class="l-del">  &lt;memory&gt;1024&lt;/memory&gt;</span>`,
		`<span class="l-ins">  &lt;memory_policy/&gt;</span>`,
		`<span>  &lt;name&gt;a&lt;/name&gt;</span>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(page, "hunter2") {
		t.Error("a secret of the recorded response is shown")
	}
}

func TestDiffLines(t *testing.T) {
	rec, got, marked := diffLines("a\nb\nc\nd", "a\nc\nx\nd")
	var marks []string
	for _, l := range append(rec, got...) {
		marks = append(marks, l.Text+":"+l.Mark)
	}
	if want := "a: b:l-del c: d: a: c: x:l-ins d:"; !marked || strings.Join(marks, " ") != want {
		t.Errorf("diffLines = %v (marked %v), want %s", marks, marked, want)
	}
	big := strings.Repeat("line\n", 3000)
	if _, _, marked := diffLines(big, big+"x"); marked {
		t.Error("messages too large to compare were marked")
	}
}
