// Command demo-check verifies the output of `make demo`: the four reports
// exist and the totals are what the bundled scenarios give against the
// simulator (CI runs it after `make demo`).
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/ovcompat/ovcompat/reports"
)

// The bundled scenarios against the simulator: every step of the eleven
// simulator scenarios passes but the cleanup steps whose objects a step
// already removed; the recorded-traffic scenarios are left out (skipped).
const (
	wantScenariosPass = 11
	wantStepsPass     = 53
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
	fmt.Println("demo-check: reports present, totals as expected")
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
	if t.Scenarios.Pass != wantScenariosPass || t.Steps.Pass != wantStepsPass || t.Steps.Fail+t.Steps.Error+t.Steps.Warn != 0 {
		return fmt.Errorf("totals: scenarios %+v, steps %+v; want %d scenarios and %d steps passing, none failing",
			t.Scenarios, t.Steps, wantScenariosPass, wantStepsPass)
	}
	return nil
}
