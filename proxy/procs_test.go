package proxy

import (
	"runtime"
	"testing"
)

// TestSpareProcs: one P per validation worker beyond the cores, the cores
// kept in Config.CPUs for the budget, nothing spare without validation,
// and GOMAXPROCS restored.
func TestSpareProcs(t *testing.T) {
	before := runtime.GOMAXPROCS(0)
	for _, tc := range []struct {
		name            string
		cfg             Config
		cpus, workers   int
		procsWhileSpare int
	}{
		{"defaults", Config{}, before, max(1, before/2), before + max(1, before/2)},
		{"given", Config{CPUs: 4, Workers: 3}, 4, 3, 7},
		{"validation off", Config{DisableValidation: true}, before, max(1, before/2), before},
	} {
		c := tc.cfg
		restore := SpareProcs(&c)
		got := runtime.GOMAXPROCS(0)
		restore()
		if c.CPUs != tc.cpus || c.Workers != tc.workers || got != tc.procsWhileSpare {
			t.Errorf("%s: CPUs %d, Workers %d, GOMAXPROCS %d; want %d, %d, %d", tc.name, c.CPUs, c.Workers, got, tc.cpus, tc.workers, tc.procsWhileSpare)
		}
		if after := runtime.GOMAXPROCS(0); after != before {
			t.Fatalf("%s: GOMAXPROCS %d after restore, want %d", tc.name, after, before)
		}
	}
}

// TestBudgetCountsCores: the validation budget is a share of Config.CPUs,
// not of the Ps SpareProcs added.
func TestBudgetCountsCores(t *testing.T) {
	c := Config{}
	defer SpareProcs(&c)()
	p := newTestProxy(t, "http://127.0.0.1:1", c)
	if got := p.val.budget.capacity; got != float64(c.CPUs) {
		t.Errorf("budget capacity %v, want the %d cores", got, c.CPUs)
	}
}
