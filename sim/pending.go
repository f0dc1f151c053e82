package sim

import (
	"sort"
	"time"
)

// pending is a change that happens later: the end of an intermediate
// state, or a periodic look (the engine polling a daemon). Each request
// first applies the changes that are due, so the engine needs no
// background goroutine and a fake clock steps through the states.
type pending struct {
	at    time.Time
	rec   *record
	field string
	fn    func()
	// periodic marks a look that comes back for as long as it is wanted:
	// no state of the record waits for it, so settleRecord leaves it.
	periodic bool
}

// schedule runs fn on rec after d (a share of Options.Settle), replacing
// what was pending for the same field. With no settle time it runs now.
// Callers hold mu for writing.
func (e *Engine) schedule(rec *record, d time.Duration, field string, fn func()) {
	e.cancel(rec, field)
	if e.settle == 0 || d <= 0 {
		fn()
		return
	}
	e.enqueue(pending{at: e.now().Add(d), rec: rec, field: field, fn: fn})
}

// every runs fn on rec every d for as long as fn returns true, replacing
// what was pending for the same field; with no settle time, never.
// Callers hold mu for writing.
func (e *Engine) every(rec *record, d time.Duration, field string, fn func() bool) {
	e.cancel(rec, field)
	if e.settle == 0 || d <= 0 {
		return
	}
	var tick func()
	tick = func() {
		if fn() {
			e.enqueue(pending{at: e.now().Add(d), rec: rec, field: field, fn: tick, periodic: true})
		}
	}
	e.enqueue(pending{at: e.now().Add(d), rec: rec, field: field, fn: tick, periodic: true})
}

// enqueue adds p to the pending changes, in time order.
func (e *Engine) enqueue(p pending) {
	e.pending = append(e.pending, p)
	sort.SliceStable(e.pending, func(i, j int) bool { return e.pending[i].at.Before(e.pending[j].at) })
	e.storeNextDue()
}

// cancel drops rec's pending changes of field ("" for all).
func (e *Engine) cancel(rec *record, field string) {
	kept := e.pending[:0]
	for _, p := range e.pending {
		if p.rec != rec || (field != "" && p.field != field) {
			kept = append(kept, p)
		}
	}
	clear(e.pending[len(kept):])
	e.pending = kept
	e.storeNextDue()
}

func (e *Engine) storeNextDue() {
	if len(e.pending) == 0 {
		e.nextDue.Store(0)
		return
	}
	e.nextDue.Store(e.pending[0].at.UnixNano())
}

// advance applies the changes due at now.
func (e *Engine) advance(now time.Time) {
	due := e.nextDue.Load()
	if due == 0 || now.UnixNano() < due {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for len(e.pending) > 0 && !e.pending[0].at.After(now) {
		p := e.pending[0]
		e.pending = e.pending[1:]
		if !p.rec.gone {
			p.fn()
		}
	}
	e.storeNextDue()
}

// settleRecord applies every pending change of rec now (its periodic looks
// aside), as the engine does before answering an Add sent with Expect:
// 201-created. Callers hold mu.
func (e *Engine) settleRecord(rec *record) {
	for {
		var next *pending
		for i := range e.pending {
			if e.pending[i].rec == rec && !e.pending[i].periodic {
				p := e.pending[i]
				next = &p
				e.pending = append(e.pending[:i:i], e.pending[i+1:]...)
				break
			}
		}
		if next == nil {
			break
		}
		next.fn()
	}
	e.storeNextDue()
}

// setStatus sets rec's status now and, through intermediate states, later:
// steps[0] at once, each next one a share of the settle time after.
func (e *Engine) setStatus(rec *record, steps ...string) {
	if len(steps) == 0 {
		return
	}
	if e.settle == 0 {
		steps = steps[len(steps)-1:]
	}
	fns := make([]func(), len(steps))
	for i, v := range steps {
		fns[i] = func() { setText(rec.data, rec.typ, "status", v) }
	}
	e.steps(rec, "status", fns...)
}

// steps runs fns[0] now and each next one a share of the settle time
// after (every one now when there is no settle time), replacing what was
// pending for rec's field. Callers hold mu.
func (e *Engine) steps(rec *record, field string, fns ...func()) {
	e.cancel(rec, field)
	if len(fns) == 0 {
		return
	}
	fns[0]()
	n := len(fns) - 1
	if e.settle == 0 {
		for _, fn := range fns[1:] {
			fn()
		}
		return
	}
	for i := 1; i <= n; i++ {
		e.enqueue(pending{at: e.now().Add(e.settle * time.Duration(i) / time.Duration(n)), rec: rec, field: field, fn: fns[i]})
	}
}

// formatTime writes a time as the engine does: milliseconds and offset.
func formatTime(t time.Time) string { return t.Format("2006-01-02T15:04:05.000-07:00") }

// stamp sets rec's member tag to the current time.
func (e *Engine) stamp(rec *record, tag string) {
	setText(rec.data, rec.typ, tag, formatTime(e.now()))
}
