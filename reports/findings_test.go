package reports

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestLocationPattern(t *testing.T) {
	for in, want := range map[string]string{
		"/vms/vm[3]/link[@rel='nics']":  "/vms/vm[*]/link[*]",
		"/vm/link[@rel='a[b]']/@href":   "/vm/link[*]/@href",
		"/vm/memory":                    "/vm/memory",
		"status":                        "status",
		"/api/link[@rel='clusters']":    "/api/link[*]",
		"/odd]/bracket[1":               "/odd]/bracket[*]",
		"header:Location":               "header:Location",
		"/vms/vm[1]/disks/disk[2]/name": "/vms/vm[*]/disks/disk[*]/name",
	} {
		if got := LocationPattern(in); got != want {
			t.Errorf("LocationPattern(%q) = %q, want %q", in, got, want)
		}
	}
}

// dropLinks is a run in which every link of every VM is gone from 40
// steps on 4 routes, as the simulator's drop-links fault does, plus one
// error violation.
func dropLinks() (*Results, *Results) {
	base, next := bigResults(10, 4), bigResults(10, 4)
	routes := []string{"/vms", "/vms/{vm_id}", "/hosts", "/"}
	rels := []string{"nics", "disks", "tags", "permissions", "snapshots", "statistics", "cdroms", "watchdogs"}
	for _, r := range []*Results{base, next} {
		for i := range r.Scenarios {
			for j := range r.Scenarios[i].Steps {
				st := &r.Scenarios[i].Steps[j]
				st.Method, st.Route, st.Differences, st.Violations = "GET", routes[j], nil, nil
				st.Outcome, st.Error, st.SkipReason = "", "", ""
			}
			r.Scenarios[i].Outcome, r.Scenarios[i].Error = "", ""
		}
	}
	base.Settle()
	for i := range next.Scenarios {
		for j := range next.Scenarios[i].Steps {
			st := &next.Scenarios[i].Steps[j]
			for k, rel := range rels {
				st.Differences = append(st.Differences,
					Difference{Kind: "link-removed", Grade: Breaking, Location: "/vms/vm[" + string(rune('1'+k%3)) + "]/link[@rel='" + rel + "']", Reason: "the recorded resource had this link, the live one does not"})
			}
		}
	}
	next.Scenarios[0].Steps[1].Violations = []Violation{{Rule: "schema.missing-element", Severity: SeverityError, Location: "/vm/name", Reason: "name is missing"}}
	next.Settle()
	return base, next
}

func TestFindingGroups(t *testing.T) {
	_, next := dropLinks()
	gs := next.FindingGroups()
	if len(gs) != 2 {
		t.Fatalf("%d groups, want 2 (link-removed, one violation): %+v", len(gs), gs)
	}
	g := gs[0]
	if g.Kind != "link-removed" || g.Grade != Breaking || g.Count != 320 || g.Routes != 4 || g.Steps != 40 {
		t.Errorf("first group %s: %d on %d routes, %d steps; want link-removed: 320 on 4 routes, 40 steps", g.Title(), g.Count, g.Routes, g.Steps)
	}
	if len(g.Places) != 4 || g.Places[0].Location != "/vms/vm[*]/link[*]" || g.Places[0].Count != 80 || g.Places[0].Steps != 10 {
		t.Errorf("places %+v, want one per route at /vms/vm[*]/link[*], 80 in 10 steps", g.Places)
	}
	if v := gs[1]; v.Kind != KindViolation || v.Title() != "schema.missing-element" || v.Count != 1 || *v.Places[0].Step != 1 || v.Places[0].Scenario != next.Scenarios[0].Name {
		t.Errorf("violation group %+v", v)
	}
}

// TestDiffGroupedFitsAScreen: one injected fault reads as one group, not
// as one line per change; --all still lists every change.
func TestDiffGroupedFitsAScreen(t *testing.T) {
	base, next := dropLinks()
	d := Compare(base, next, nil)
	if len(d.Changes) < 320 {
		t.Fatalf("%d changes, want at least 320", len(d.Changes))
	}
	var buf bytes.Buffer
	if err := WriteDiffText(&buf, d, DiffOptions{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if n := strings.Count(out, "\n"); n > 40 {
		t.Errorf("grouped diff of one fault is %d lines:\n%s", n, out)
	}
	if !strings.Contains(out, "breaking link-removed: 320 on 4 routes, 40 steps") || !strings.Contains(out, "GET /vms at /vms/vm[*]/link[*]") {
		t.Errorf("grouped diff does not say what broke where:\n%s", out)
	}
	buf.Reset()
	if err := WriteDiffText(&buf, d, DiffOptions{All: true}); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "link-removed at "); n < 320 {
		t.Errorf("--all lists %d link-removed changes, want every one", n)
	}
}

// TestAcceptedSummarisedByEntry: accepted changes are summed up by the
// baseline entry that accepted them, and listed one by one only with All.
func TestAcceptedSummarisedByEntry(t *testing.T) {
	base, next := dropLinks()
	bl, err := ParseBaseline(strings.NewReader("- kind: link-removed\n  route: \"*\"\n  reason: links dropped on purpose (JIRA-9)\n- rule: schema.unknown-element\n  route: \"*\"\n  reason: unused\n"))
	if err != nil {
		t.Fatal(err)
	}
	d := Compare(base, next, bl)
	acc := d.AcceptedByEntry()
	if len(acc) != 1 || acc[0].Entry.Line != 1 || acc[0].Count != 320 || acc[0].Routes != 4 || acc[0].Steps != 40 || acc[0].Grades.Breaking != 320 {
		t.Fatalf("accepted by entry: %+v", acc)
	}
	var buf bytes.Buffer
	if err := WriteDiffText(&buf, d, DiffOptions{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"line 1: kind link-removed, route *: accepted 320 on 4 routes, 40 steps", "links dropped on purpose (JIRA-9)", "baseline entries that matched nothing:\n  line 4: rule schema.unknown-element"} {
		if !strings.Contains(out, want) {
			t.Errorf("text does not say %q:\n%s", want, out)
		}
	}
	if strings.Count(out, "\n") > 20 {
		t.Errorf("accepted changes listed one by one without All:\n%s", out)
	}
	buf.Reset()
	if err := WriteDiffMarkdown(&buf, d, DiffOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "| 1 | kind link-removed, route \\* | accepted 320 on 4 routes, 40 steps | links dropped on purpose (JIRA-9) |") {
		t.Errorf("Markdown does not summarise by entry:\n%s", buf.String())
	}
}

func TestBaselineCheckNamesNearest(t *testing.T) {
	kinds := append(ChangeKinds(), "link-removed", "element-removed")
	ruleIDs := []string{"schema.unknown-element", "schema.missing-element", "rest.status"}
	tests := []struct{ in, says string }{
		{"- kind: link-remove\n  route: \"*\"\n  reason: r\n", `line 1: unknown kind "link-remove" (did you mean "link-removed"?)`},
		{"- kind: x\n  route: \"*\"\n  reason: r\n", `line 1: unknown kind "x"`},
		{"- kind: link-removed\n  route: \"*\"\n  reason: r\n- rule: schema.unknown-elements\n  route: \"*\"\n  reason: r\n", `line 4: unknown rule "schema.unknown-elements" (did you mean "schema.unknown-element"?)`},
	}
	for _, tc := range tests {
		bl, err := ParseBaseline(strings.NewReader(tc.in))
		if err != nil {
			t.Fatal(err)
		}
		err = bl.Check(kinds, ruleIDs)
		if !errors.Is(err, ErrBaseline) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("Check(%q) = %v, want ErrBaseline saying %s", tc.in, err, tc.says)
		}
	}
	bl, _ := ParseBaseline(strings.NewReader("- kind: violation-added\n  rule: rest.status\n  route: \"*\"\n  reason: r\n"))
	if err := bl.Check(kinds, ruleIDs); err != nil {
		t.Errorf("known kind and rule: %v", err)
	}
}
