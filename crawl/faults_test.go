package crawl_test

import (
	"context"
	"testing"

	"github.com/ovcompat/ovcompat/crawl"
	"github.com/ovcompat/ovcompat/fixtures/target"
	"github.com/ovcompat/ovcompat/replay"
	"github.com/ovcompat/ovcompat/reports"
	"github.com/ovcompat/ovcompat/scenario"
)

// TestCrawlFindsFaults: every answer is checked with every rule, so a
// simulator that corrupts its answers (sim/README's fault table) is
// caught by the finding the table names.
func TestCrawlFindsFaults(t *testing.T) {
	for _, tt := range []struct{ fault, rule string }{
		{"wrong-type", "schema.invalid-value"},
		{"bad-enum", "schema.unknown-enum"},
		{"unknown-element", "schema.unknown-element"},
		{"wrong-content-type", "rest.content-type"},
	} {
		t.Run(tt.fault, func(t *testing.T) {
			tg, err := target.Start(target.Options{Inject: tt.fault + ":0.5", InjectSeed: 1})
			if err != nil {
				t.Fatal(err)
			}
			defer tg.Close()
			client, _, err := tg.Clients()
			if err != nil {
				t.Fatal(err)
			}
			res := run(t, crawl.Options{Client: client, MaxRequests: 300})
			if o := res.Results.Count().Outcome; o != reports.Fail {
				t.Errorf("outcome %s, want fail", o)
			}
			found := 0
			for _, sc := range res.Results.Scenarios {
				for _, st := range sc.Steps {
					for _, v := range st.Violations {
						if v.Rule == tt.rule && v.Severity == reports.SeverityError {
							found++
						}
					}
				}
			}
			if found == 0 {
				t.Errorf("no %s error in %d steps", tt.rule, res.Results.Count().Steps.Total())
			}
		})
	}
}

// TestCrawledScenariosReplay: the crawl's scenarios replay against the
// engine they were crawled from with every step passing, and against one
// that drops its links they fail with the breaking differences the fault
// table names.
func TestCrawledScenariosReplay(t *testing.T) {
	_, client, tg := setup(t)
	res := run(t, crawl.Options{Client: client})
	dir := t.TempDir()
	files, err := res.WriteScenarios(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(res.Results.Scenarios) {
		t.Errorf("%d files for %d scenarios", len(files), len(res.Results.Scenarios))
	}
	loaded, err := scenario.Load(dir)
	if err != nil || len(loaded.Errors) > 0 {
		t.Fatalf("the scenarios do not load: %v %v", err, loaded.Errors)
	}
	for _, sc := range loaded.Scenarios {
		if sc.Labels.Source != scenario.SourceCrawled {
			t.Errorf("%s: source %q, want crawled", sc.Name, sc.Labels.Source)
		}
	}
	replayed := func(tg *target.Target) *reports.Results {
		sender, err := tg.Sender()
		if err != nil {
			t.Fatal(err)
		}
		r, err := replay.New(replay.Options{Sender: sender, Target: tg.URL})
		if err != nil {
			t.Fatal(err)
		}
		return r.Run(context.Background(), loaded)
	}
	same := replayed(tg)
	if c := same.Count(); c.Outcome != reports.Pass || c.Steps.Pass != res.Results.Count().Steps.Total() {
		t.Errorf("replay against the crawled engine: %s, steps %+v, want every one of %d passing", c.Outcome, c.Steps, res.Results.Count().Steps.Total())
	}
	dropping, err := target.Start(target.Options{Inject: "drop-links"})
	if err != nil {
		t.Fatal(err)
	}
	defer dropping.Close()
	broken := replayed(dropping)
	kinds := map[string]int{}
	for _, sc := range broken.Scenarios {
		for _, st := range sc.Steps {
			for _, d := range st.Differences {
				if d.Grade == reports.Breaking {
					kinds[d.Kind]++
				}
			}
		}
	}
	if broken.Count().Outcome != reports.Fail || kinds["link-removed"] == 0 || kinds["action-removed"] == 0 {
		t.Errorf("replay against drop-links: %s, breaking differences %v, want link-removed and action-removed", broken.Count().Outcome, kinds)
	}
}
