package proxy

import (
	"sync"
	"time"
)

// idleShare is the part of the idle CPU validation may take. Idle CPU is
// not free: validation's garbage makes the collector work, and a thread
// validating holds a P the traffic might want. A quarter kept observe
// mode at about 0.9x or better of the pass-through throughput at
// saturation in BENCHMARKS.md, while still validating every exchange of a
// 500 requests/s load.
const idleShare = 0.25

// budget paces validation so that it takes CPU the proxy does not need.
// Time is cut in windows; in each, validation may spend a floor share of
// the CPU (so a saturated proxy still validates a sample) plus a quarter
// of the CPU left idle in the previous window: idle for the process
// (its CPUs minus what it used) and, where the machine tells, idle
// machine-wide, the smaller of the two. Workers that spend the window's
// allowance wait for the next; meanwhile the queue fills and the proxy
// sheds, so traffic never waits for validation.
type budget struct {
	window   time.Duration
	floor    float64 // share of capacity always allowed
	capacity float64 // cores (Config.CPUs)
	cpu      func() (time.Duration, bool)
	sys      func() (idle, total uint64, ok bool)

	mu      sync.Mutex
	start   time.Time
	cpuAt   time.Duration
	sysIdle uint64
	sysAll  uint64
	allowed time.Duration
	spent   time.Duration
	// unlimited lifts the pacing (draining at shutdown).
	unlimited bool
}

func newBudget(floor float64, cpus int, cpu func() (time.Duration, bool), sys func() (uint64, uint64, bool)) *budget {
	b := &budget{window: 100 * time.Millisecond, floor: floor, capacity: float64(cpus), cpu: cpu, sys: sys}
	b.start = time.Now()
	b.cpuAt, _ = cpu()
	b.sysIdle, b.sysAll, _ = sys()
	b.allowed = b.allowance(1)
	return b
}

// allowance is what a window may spend given the idle share of the last.
func (b *budget) allowance(idle float64) time.Duration {
	share := b.floor*b.capacity + idleShare*idle*b.capacity
	return time.Duration(share * float64(b.window))
}

// roll starts a new window if the current one is over; b.mu is held.
func (b *budget) roll(now time.Time) {
	elapsed := now.Sub(b.start)
	if elapsed < b.window {
		return
	}
	cpuNow, ok := b.cpu()
	idle := 0.5 // unknown: assume a half-busy machine
	if ok {
		used := float64(cpuNow - b.cpuAt)
		idle = 1 - used/(b.capacity*float64(elapsed))
		idle = min(max(idle, 0), 1)
	}
	if si, sa, ok := b.sys(); ok && sa > b.sysAll {
		idle = min(idle, float64(si-b.sysIdle)/float64(sa-b.sysAll))
		b.sysIdle, b.sysAll = si, sa
	}
	b.start, b.cpuAt, b.spent = now, cpuNow, 0
	b.allowed = b.allowance(idle)
}

// wait blocks until the current window has allowance left, or stop closes.
func (b *budget) wait(stop <-chan struct{}) {
	for {
		b.mu.Lock()
		now := time.Now()
		b.roll(now)
		if b.unlimited || b.spent < b.allowed {
			b.mu.Unlock()
			return
		}
		sleep := b.window - now.Sub(b.start)
		b.mu.Unlock()
		t := time.NewTimer(sleep)
		select {
		case <-t.C:
		case <-stop:
			t.Stop()
			b.lift()
			return
		}
	}
}

// wallClock is the monotonic wall time since the process began: the
// clock validation is measured by where its thread's own CPU time cannot
// be read (lowerPriority).
func wallClock() time.Duration { return time.Since(processStart) }

var processStart = time.Now()

// spend records validation time: the validating thread's own CPU time
// where it can be read (lowerPriority), so that a validation the kernel
// held back for the traffic (its thread is niced) is charged what it
// used, not the time it waited.
func (b *budget) spend(d time.Duration) {
	b.mu.Lock()
	b.spent += d
	b.mu.Unlock()
}

// lift stops pacing, so a shutdown drains the queue quickly.
func (b *budget) lift() {
	b.mu.Lock()
	b.unlimited = true
	b.mu.Unlock()
}
