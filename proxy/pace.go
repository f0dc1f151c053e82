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

// paceLag is how far a stream may move on while its pace holds the
// validator back before the validation is abandoned (shed, behind): a
// validator held back in a burst is not going to catch up, and every byte
// it would be handed is a copy the stream pays for. 1 MiB is a
// millisecond of loopback; a paced engine (one the validator keeps up
// with) never gets that far ahead while the validator waits.
const paceLag = 1 << 20

// A pacedStream is what a pace holds back: told when the hold begins and
// ends, it says whether the validation is still wanted; quit is closed
// once it is not.
type pacedStream interface {
	hold(on bool) (wanted bool)
	quit() <-chan struct{}
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

// wait holds the validator until it is allowed to go on (true), stop
// closes (true), or the stream it is held for, if any, abandons the
// validation meanwhile (false).
func (s *streamPace) wait(b *budget, stop <-chan struct{}, ps pacedStream) bool {
	if s.allowed(time.Now(), b.capacity) {
		if ps != nil {
			ps.hold(false)
		}
		return true
	}
	var quit <-chan struct{}
	if ps != nil {
		if !ps.hold(true) {
			return false
		}
		defer ps.hold(false)
		quit = ps.quit()
	}
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	for !s.allowed(time.Now(), b.capacity) {
		select {
		case <-t.C:
		case <-quit:
			return false
		case <-stop:
			return true
		}
	}
	return true
}
