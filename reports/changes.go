package reports

import (
	"fmt"
	"io"
	"strings"
)

// WriteChangesText renders, for people at a terminal, the differences of
// a run whose steps each stand for one graded change (a schema diff, a
// compatibility check across releases): one block per scenario (a
// service, a type, a client), one line per difference, the grade first,
// then the totals. Text from the results is printed as it is: the
// producers write no secret into a difference.
func WriteChangesText(w io.Writer, r *Results) error {
	bw := &errWriter{w: w}
	p := func(format string, args ...any) { fmt.Fprintf(bw, format, args...) }
	if r.Run.ModelVersion != "" {
		p("%s\n", r.Run.ModelVersion)
	}
	for _, n := range r.Run.Notes {
		p("%s\n", n)
	}
	for i := range r.Scenarios {
		sc := &r.Scenarios[i]
		p("\n%s\n", sc.Name)
		for j := range sc.Steps {
			st := &sc.Steps[j]
			if st.Outcome == Skip {
				p("  %-8s %s: %s\n", Skip, st.RouteKey(), st.SkipReason)
				continue
			}
			// A step that stands for a route, its differences below it (a
			// client's use of a route), gets a heading; a step that is one
			// change of a route names it in the difference already.
			indent := "  "
			if len(st.Differences) > 0 && st.Route != "" && !strings.HasPrefix(st.Differences[0].Location, st.RouteKey()) {
				p("  %s (%s)\n", st.RouteKey(), st.Name)
				indent = "    "
			}
			for _, d := range st.Differences {
				p("%s%-8s %-27s %s: %s", indent, d.Grade, d.Kind, d.Location, d.Reason)
				if d.Base != "" || d.New != "" {
					p(" (%s → %s)", orDash(d.Base), orDash(d.New))
				}
				p("\n")
			}
		}
	}
	t := r.Count()
	p("\n%d changes: %d breaking, %d warning, %d info\n", t.Differences.Breaking+t.Differences.Warning+t.Differences.Info,
		t.Differences.Breaking, t.Differences.Warning, t.Differences.Info)
	return bw.err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
