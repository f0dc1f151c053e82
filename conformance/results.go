package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/ovcompat/ovcompat/replay"
	"github.com/ovcompat/ovcompat/reports"
	"github.com/ovcompat/ovcompat/scenario"
)

// writeResults rebuilds the run's results from every process's specs and
// writes every file of reports.Formats() into the output folder: the same
// results.json, report.html, report.md and junit.xml as ovcompat replay
// (one JUnit shape; Ginkgo's own --junit-report is not needed).
func (s *Suite) writeResults(rep ginkgo.Report) {
	res := s.Results(rep)
	if res == nil {
		return
	}
	if err := os.MkdirAll(s.cfg.Out, 0o755); err != nil {
		ginkgo.Fail("harness error: -out: " + err.Error())
	}
	for _, f := range reports.Formats() {
		write := func(w io.Writer) error { return f.Results(w, res, res.Run.Finished) }
		if err := writeFile(filepath.Join(s.cfg.Out, f.File), write); err != nil {
			ginkgo.Fail("harness error: " + err.Error())
		}
	}
	// A run in which no step ran (every one skipped, or left out by
	// Ginkgo's focus or label filter) proves nothing: no pass.
	if err := replay.Ran(res); err != nil && s.stopped == nil {
		ginkgo.Fail("harness error: " + err.Error())
	}
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := write(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// Results rebuilds the run's results (reports' version 1) from a suite
// report: the step results every spec recorded, in scenario order, with
// steps that never ran listed as skipped and specs that failed outside the
// replay (a panic, a timeout of the spec itself) as errors. It returns nil
// when the suite never got as far as loading its scenarios.
func (s *Suite) Results(rep ginkgo.Report) *reports.Results {
	if s.loaded == nil {
		return nil
	}
	type key struct {
		scenario string
		index    int
	}
	got := map[key]reports.Step{}
	failed := map[key]string{}
	procs := map[int]bool{}
	for _, sr := range rep.SpecReports {
		if sr.LeafNodeType == types.NodeTypeIt && !sr.State.Is(types.SpecStateSkipped) {
			procs[sr.ParallelProcess] = true
		}
		found := false
		for _, e := range sr.ReportEntries {
			if e.Name != entryName {
				continue
			}
			raw, _ := e.Value.GetRawValue().(string)
			var en entry
			if json.Unmarshal([]byte(raw), &en) != nil {
				continue
			}
			found = true
			got[key{en.Scenario, en.Step.Index}] = en.Step
		}
		if !found && sr.State.Is(types.SpecStateFailureStates) && len(sr.ContainerHierarchyTexts) >= 2 {
			if i, ok := specIndex(sr.ContainerHierarchyTexts[len(sr.ContainerHierarchyTexts)-1], sr.LeafNodeText, s.loaded); ok {
				failed[key{sr.ContainerHierarchyTexts[len(sr.ContainerHierarchyTexts)-1], i}] = sr.Failure.Message
			}
		}
	}
	var res *reports.Results
	if s.head != nil {
		head := *s.head
		res = &head
		res.Run.Started = s.start.UTC()
	} else {
		res = &reports.Results{Version: reports.Version, Run: reports.Run{Target: s.ep.URL, ToolVersion: s.cfg.ToolVersion}}
	}
	if s.stopped != nil {
		res = s.runner.Aborted(context.Background(), s.loaded, s.stopped)
	}
	res.Run.Kind = "conformance"
	res.Run.Notes = append(res.Run.Notes, fmt.Sprintf("Ginkgo ran the specs on %d of %d parallel processes", len(procs), rep.SuiteConfig.ParallelTotal))
	if s.stopped != nil {
		return res
	}
	for _, pe := range s.loaded.Errors {
		res.Scenarios = append(res.Scenarios, replay.Broken(pe))
	}
	for _, sc := range s.loaded.Scenarios {
		if ok, why := s.sel.Pick(sc); !ok {
			res.Scenarios = append(res.Scenarios, replay.LeftOut(sc, why))
			continue
		}
		out := replay.Skipped(sc, "not run (left out by Ginkgo's focus or label filter, or the suite stopped)")
		out.Outcome = ""
		for i := range out.Steps {
			k := key{sc.Name, i}
			if st, ok := got[k]; ok {
				out.Steps[i] = st
			} else if msg, ok := failed[k]; ok {
				out.Steps[i].Outcome, out.Steps[i].SkipReason, out.Steps[i].Error = reports.Error, "", "the spec failed outside the replay: "+msg
			}
		}
		res.Scenarios = append(res.Scenarios, out)
	}
	if s.runner != nil {
		s.runner.End(res)
	} else {
		res.Settle()
	}
	return res
}

// specIndex finds the step a spec ran from its text ("step 3: ...",
// "cleanup 1: ...").
func specIndex(scenarioName, leaf string, l *scenario.Loaded) (int, bool) {
	for _, sc := range l.Scenarios {
		if sc.Name != scenarioName {
			continue
		}
		kind, rest, _ := strings.Cut(leaf, " ")
		num, _, _ := strings.Cut(rest, ":")
		n, err := strconv.Atoi(num)
		if err != nil || n < 1 {
			return 0, false
		}
		switch kind {
		case "step":
			return n - 1, n <= len(sc.Steps)
		case "cleanup":
			return len(sc.Steps) + n - 1, n <= len(sc.Cleanup)
		}
	}
	return 0, false
}
