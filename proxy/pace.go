package proxy

import "time"

// streamPace keeps the validator of a streamed response to a quarter
// (idleShare) of the CPU the process leaves idle since the stream began,
// measured as it goes: a large response arrives in a burst shorter than
// the budget's window, whose allowance rests on the window before it, so
// without this the validator would take CPU the transfer needs. A
// validator held back falls behind and is abandoned (shed, behind), which
// is what validation must do rather than slow the stream. There is no
// floor share here: the floor lets a saturated proxy sample many small
// exchanges, not hold one large one back.
type streamPace struct {
	cpu   func() (time.Duration, bool)
	start time.Time
	cpu0  time.Duration
	ok    bool
	spent time.Duration // this validator's own validation time
}

// paceGrace is how long a stream validates before its pace is judged:
// shorter, the process's CPU time says too little.
const paceGrace = 200 * time.Microsecond

func newStreamPace(cpu func() (time.Duration, bool)) *streamPace {
	c, ok := cpu()
	return &streamPace{cpu: cpu, start: time.Now(), cpu0: c, ok: ok}
}

// allowed reports whether the validator may go on at now.
func (s *streamPace) allowed(now time.Time, capacity float64) bool {
	elapsed := now.Sub(s.start)
	if !s.ok || elapsed < paceGrace {
		return true
	}
	c, ok := s.cpu()
	if !ok {
		return true
	}
	others := c - s.cpu0 - s.spent // the traffic's, and other checks'
	idle := capacity*float64(elapsed) - float64(others)
	return float64(s.spent) <= idleShare*idle
}

// wait holds the validator until it is allowed to go on, or stop closes.
func (s *streamPace) wait(b *budget, stop <-chan struct{}) {
	for !s.allowed(time.Now(), b.capacity) {
		select {
		case <-time.After(time.Millisecond):
		case <-stop:
			return
		}
	}
}
