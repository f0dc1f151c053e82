//go:build linux

package proxy

import (
	"testing"
	"time"
)

// TestWorkClockIsThreadCPU: the clock a validating thread is measured by
// (lowerPriority's, for the validation budget) is that thread's own CPU
// time: it does not run while the thread sleeps or waits (as a niced
// thread the kernel holds back for the traffic does), and it runs while
// the thread works.
func TestWorkClockIsThreadCPU(t *testing.T) {
	type result struct {
		slept, worked time.Duration
		err           string
	}
	res := make(chan result, 1)
	go func() {
		clock := lowerPriority()
		t0 := clock()
		time.Sleep(100 * time.Millisecond)
		t1 := clock()
		deadline := time.Now().Add(10 * time.Second)
		x := 0
		for clock()-t1 < 5*time.Millisecond {
			for i := range 10000 {
				x += i
			}
			if time.Now().After(deadline) {
				res <- result{err: "the clock did not advance while its thread worked for 10 s"}
				return
			}
		}
		_ = x
		res <- result{slept: t1 - t0, worked: clock() - t1}
	}()
	r := <-res
	if r.err != "" {
		t.Fatal(r.err)
	}
	if r.slept >= 50*time.Millisecond {
		t.Errorf("the clock advanced %v while its thread slept 100 ms: wall time, not the thread's CPU", r.slept)
	}
	t.Logf("slept: %v charged; worked: %v", r.slept, r.worked)
}
