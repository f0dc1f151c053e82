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
