// Command demo-check verifies the output of `make demo`: the four reports
// exist and every bundled scenario meant for the simulator ran and passed
// (CI runs it after `make demo`).
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/ovcompat/ovcompat/fixtures"
	"github.com/ovcompat/ovcompat/reports"
	"github.com/ovcompat/ovcompat/scenario"
)

func main() {
	dir := "ovcompat-out"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	if err := check(dir); err != nil {
		fmt.Fprintln(os.Stderr, "demo-check:", err)
		os.Exit(1)
	}
	fmt.Println("demo-check: reports present, every simulator scenario passed")
}

// simulatorScenarios counts the bundled scenarios that the demo runs: all
// but the recorded traffic, whose ids exist only on the engine that
// produced it.
func simulatorScenarios() (int, error) {
	l, err := scenario.LoadFS(fixtures.Scenarios(), ".")
	if err != nil {
		return 0, err
	}
	if len(l.Errors) > 0 {
		return 0, fmt.Errorf("bundled scenario does not parse: %v", l.Errors[0])
	}
	n := 0
	for _, sc := range l.Scenarios {
		if sc.Labels.Source != scenario.SourceRecorded {
			n++
		}
	}
	return n, nil
}

func check(dir string) error {
	for _, f := range []string{"report.html", "report.md", "junit.xml", "results.json"} {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil {
			return err
		}
		if st.Size() == 0 {
			return fmt.Errorf("%s is empty", f)
		}
	}
	want, err := simulatorScenarios()
	if err != nil {
		return err
	}
	f, err := os.Open(filepath.Join(dir, "results.json"))
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := reports.Read(f)
	if err != nil {
		return err
	}
	t := res.Count()
	bad := t.Steps.Fail + t.Steps.Error + t.Steps.Warn
	if t.Scenarios.Pass != want || bad != 0 || t.Steps.Pass < want {
		return fmt.Errorf("totals: scenarios %+v, steps %+v; want all %d simulator scenarios passing and no step failing",
			t.Scenarios, t.Steps, want)
	}
	return nil
}
