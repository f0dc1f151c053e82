package crawl_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/crawl"
	"github.com/ovcompat/ovcompat/reports"
)

// finished is a scenario as ScenarioDone gave it, with the number of
// requests the engine had seen by then.
type finished struct {
	sc   reports.Scenario
	seen int
}

// crawlFinishing crawls the simulator, noting each scenario as it
// finishes.
func crawlFinishing(t *testing.T, o crawl.Options) (*crawl.Result, []finished, []string) {
	t.Helper()
	f, client, _ := setup(t)
	var got []finished
	o.Client = client
	o.ScenarioDone = func(sc reports.Scenario) { got = append(got, finished{sc, len(f.api())}) }
	res := run(t, o)
	var resources []string
	for _, s := range f.api() {
		resources = append(resources, reports.ResourceOf(s.path))
	}
	return res, got, resources
}

// resourceOf is the resource of a crawl's scenario.
func resourceOf(name string) string {
	if name == "crawl-entry-point" {
		return "/"
	}
	return strings.TrimPrefix(name, "crawl-")
}

// TestCrawlFinishesScenarios: the crawl tells of each scenario (one per
// resource) as it finishes, each once and as the results have it; a
// scenario finishes when its resource's last request has been answered,
// before the next request goes, and no request of it comes after; most
// finish while the crawl goes on (every GET route of the simulator is
// reachable, so a resource finishes once they are reached and nothing of
// it waits), the others when it ends. The reach stays whole.
func TestCrawlFinishesScenarios(t *testing.T) {
	res, got, resources := crawlFinishing(t, crawl.Options{})
	checkFinished(t, res, got, resources)
	early := 0
	for _, g := range got {
		if g.seen < len(resources) {
			early++
		}
	}
	t.Logf("%d of %d scenarios finished before the crawl's last request (%d requests)", early, len(got), len(resources))
	if early*2 < len(got) {
		t.Errorf("%d of %d scenarios finished before the crawl's last request, want half or more", early, len(got))
	}
	if reached, total := res.Results.Coverage.Reached(); reached != total {
		t.Errorf("reached %d of %d GET routes", reached, total)
	}
}

// TestCrawlFinishesScenariosOnBudget: a crawl cut short by its budget
// still tells of every scenario once, those it cut when it ends.
func TestCrawlFinishesScenariosOnBudget(t *testing.T) {
	res, got, resources := crawlFinishing(t, crawl.Options{MaxRequests: 60})
	checkFinished(t, res, got, resources)
	if len(resources) != 60 || got[len(got)-1].seen != 60 {
		t.Errorf("%d requests, the last scenario finished after %d, want both the budget of 60", len(resources), got[len(got)-1].seen)
	}
}

// checkFinished holds the scenarios told of to the results and to the
// requests the engine saw.
func checkFinished(t *testing.T, res *crawl.Result, got []finished, resources []string) {
	t.Helper()
	want := map[string]reports.Scenario{}
	for _, sc := range res.Results.Scenarios {
		want[sc.Name] = sc
	}
	if len(got) != len(want) {
		t.Errorf("told of %d scenarios, the results have %d", len(got), len(want))
	}
	told := map[string]bool{}
	for _, g := range got {
		name := g.sc.Name
		w, ok := want[name]
		switch {
		case told[name]:
			t.Errorf("%s told of twice", name)
		case !ok:
			t.Errorf("%s told of, not in the results", name)
		case len(g.sc.Steps) != len(w.Steps) || g.sc.Outcome != w.Outcome || g.sc.Duration != w.Duration:
			t.Errorf("%s told of with %d steps, %s, %s; the results have %d, %s, %s",
				name, len(g.sc.Steps), g.sc.Outcome, g.sc.Duration, len(w.Steps), w.Outcome, w.Duration)
		}
		told[name] = true
		res := resourceOf(name)
		last := -1
		for i, r := range resources {
			if r == res {
				last = i
			}
		}
		if last >= g.seen {
			t.Errorf("%s finished after %d requests; request %d is of it", name, g.seen, last+1)
		}
		if g.seen < len(resources) && last != g.seen-1 {
			t.Errorf("%s finished after %d requests; its last was request %d", name, g.seen, last+1)
		}
	}
}

// TestCrawlLeavesFinishedResources: a link found after its resource
// finished (here in the answer of /options/MigrationPolicies, which the
// crawl reaches from the model once nothing else waits, long after the
// bookmarks finished) is not followed, and the run's notes count it: a
// finished scenario gets no more steps.
func TestCrawlLeavesFinishedResources(t *testing.T) {
	f, client, _ := setup(t, answer{pattern: regexp.MustCompile(`/options/MigrationPolicies`), status: http.StatusOK,
		body: `<system_option href="/ovirt-engine/api/options/MigrationPolicies" id="MigrationPolicies"><name>MigrationPolicies</name>` +
			`<link href="/ovirt-engine/api/bookmarks/later" rel="later"/></system_option>`})
	bookmarks := -1
	seen := 0
	res := run(t, crawl.Options{Client: client, ScenarioDone: func(sc reports.Scenario) {
		if seen++; sc.Name == "crawl-bookmarks" {
			bookmarks = len(f.api())
		}
	}})
	var options int
	for i, s := range f.api() {
		switch {
		case strings.HasSuffix(s.path, "/bookmarks/later"):
			t.Errorf("request %d: %s, a link found after the bookmarks finished", i+1, s.path)
		case strings.HasSuffix(s.path, "/options/MigrationPolicies"):
			options = i + 1
		}
	}
	if bookmarks < 0 || options <= bookmarks {
		t.Fatalf("the bookmarks finished after %d requests, the option was request %d: the test needs it after", bookmarks, options)
	}
	if notes := strings.Join(res.Results.Run.Notes, "\n"); !strings.Contains(notes, "1 link to more objects of resources whose GET routes were all reached") {
		t.Errorf("notes:\n%s", notes)
	}
	if seen != len(res.Results.Scenarios) {
		t.Errorf("told of %d scenarios, the results have %d", seen, len(res.Results.Scenarios))
	}
}
