package proxy

import (
	"testing"
	"time"
)

// TestStreamPace: a streamed response's validator goes on while it has
// used at most a quarter of the CPU the rest of the process left idle
// since the stream began, and is held back once the traffic takes the
// cores (a burst), whatever the budget's last window said.
func TestStreamPace(t *testing.T) {
	var cpu time.Duration
	clock := func() (time.Duration, bool) { return cpu, true }
	const cores = 2.0
	for _, tc := range []struct {
		name    string
		elapsed time.Duration
		others  time.Duration // CPU of the rest of the process meanwhile
		spent   time.Duration // the validator's own
		want    bool
	}{
		{"within the grace", paceGrace / 2, paceGrace, paceGrace / 2, true},
		{"an idle process", 10 * time.Millisecond, 2 * time.Millisecond, 4 * time.Millisecond, true},
		{"a quarter of the idle, exactly", 10 * time.Millisecond, 12 * time.Millisecond, 2 * time.Millisecond, true},
		{"past a quarter of the idle", 10 * time.Millisecond, 12 * time.Millisecond, 2*time.Millisecond + time.Microsecond, false},
		{"a burst takes both cores", 10 * time.Millisecond, 20 * time.Millisecond, 100 * time.Microsecond, false},
	} {
		cpu = time.Second
		p := newStreamPace(clock)
		p.spent = tc.spent
		cpu += tc.others + tc.spent
		if got := p.allowed(p.start.Add(tc.elapsed), cores); got != tc.want {
			t.Errorf("%s: allowed %v, want %v", tc.name, got, tc.want)
		}
	}
	none := newStreamPace(func() (time.Duration, bool) { return 0, false })
	if !none.allowed(none.start.Add(time.Second), cores) {
		t.Error("without the process's CPU time the pace must not hold the validator")
	}
}
