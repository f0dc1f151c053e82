package proxy

import (
	"bytes"
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

// TestStreamHeldIsAbandoned: once its pace holds the validator back, a
// stream that moves paceLag on is abandoned (shed, behind) at once, its
// chunks given back, rather than copied on until the validator is a
// whole window (--max-body + streamLag) behind; one that waits for the
// validator is not, and the stream's window still applies when no hold
// is on.
func TestStreamHeldIsAbandoned(t *testing.T) {
	p := &Proxy{mem: &memBudget{limit: 1 << 30}}
	piece := make([]byte, 64<<10)
	newStream := func() *bodyStream {
		return &bodyStream{p: p, window: 4 << 20, heldAt: -1, wake: make(chan struct{}, 1), gone: make(chan struct{})}
	}
	feedN := func(s *bodyStream, n int) {
		for ; n > 0; n -= len(piece) {
			s.add(piece[:min(n, len(piece))])
		}
	}

	s := newStream()
	feedN(s, 2<<20) // before the hold: the window rules
	if !s.hold(true) {
		t.Fatal("a stream within its window wants its validation")
	}
	feedN(s, paceLag)
	if why := s.abandoned(); why != "" {
		t.Fatalf("abandoned (%s) after exactly paceLag moved on during the hold", why)
	}
	select {
	case <-s.quit():
		t.Fatal("quit closed while the validation is wanted")
	default:
	}
	s.add(piece[:1])
	if why := s.abandoned(); why != "behind" {
		t.Fatalf("abandoned %q one byte past paceLag during the hold, want behind", why)
	}
	select {
	case <-s.quit():
	default:
		t.Fatal("quit not closed when the stream was abandoned")
	}
	if s.hold(true) {
		t.Error("an abandoned stream still wants its validation")
	}
	if n := p.mem.used.Load(); n != 0 {
		t.Errorf("%d bytes of the capture budget still held after the stream was abandoned", n)
	}

	s = newStream()
	s.hold(true)
	feedN(s, paceLag/2)
	s.hold(false) // the validator went on: the hold's lag starts again
	s.hold(true)
	feedN(s, paceLag)
	if why := s.abandoned(); why != "" {
		t.Fatalf("abandoned (%s) though no hold saw paceLag move on", why)
	}
	s.hold(false)
	feedN(s, 4<<20)
	if why := s.abandoned(); why != "behind" {
		t.Fatalf("abandoned %q past the window, want behind", why)
	}
}

// TestStreamHeldBeforeItsValidatorRuns: a validator that gets no CPU in
// a burst never reaches its pace, so a stream counts as held from its
// start (the copy the capture held handed over, no lag) until its
// validator first goes on: past paceLag more it is abandoned; once its
// validator went on, the window rules.
func TestStreamHeldBeforeItsValidatorRuns(t *testing.T) {
	p := &Proxy{mem: &memBudget{limit: 1 << 30}}
	piece := make([]byte, 64<<10)
	held := func() []*[]byte {
		var chunks []*[]byte
		for range 32 { // 1 MiB the capture held, with its budget
			p.mem.take(chunkSize)
			ch := make([]byte, chunkSize)
			chunks = append(chunks, &ch)
		}
		return chunks
	}
	for _, ran := range []bool{false, true} {
		s := &bodyStream{p: p, window: 8 << 20, wake: make(chan struct{}, 1), gone: make(chan struct{})}
		s.adopt(held())
		if ran {
			s.hold(false)
		}
		for n := 0; n < paceLag; n += len(piece) {
			s.add(piece)
		}
		if why := s.abandoned(); why != "" {
			t.Fatalf("ran=%v: abandoned (%s) after paceLag past the held copy", ran, why)
		}
		s.add(piece[:1])
		if why, want := s.abandoned(), map[bool]string{false: "behind", true: ""}[ran]; why != want {
			t.Errorf("ran=%v: abandoned %q one byte further, want %q", ran, why, want)
		}
	}
}

// TestPaceWaitEndsWhenAbandoned: a validator its pace holds back stops
// waiting as soon as its stream is abandoned (it is not kept sleeping to
// the stream's end), and is told so.
func TestPaceWaitEndsWhenAbandoned(t *testing.T) {
	t0 := time.Now()
	cpu := func() (time.Duration, bool) { return 2 * time.Since(t0), true } // both cores taken
	pace := newStreamPace(cpu)
	pace.spent = time.Millisecond
	p := &Proxy{mem: &memBudget{limit: 1 << 30}}
	s := &bodyStream{p: p, window: 1 << 30, heldAt: -1, wake: make(chan struct{}, 1), gone: make(chan struct{})}
	b := &budget{capacity: 2}
	time.Sleep(2 * paceGrace) // the pace judges only past its grace
	res := make(chan bool, 1)
	go func() { res <- pace.wait(b, make(chan struct{}), s) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s.mu.Lock()
		held := s.heldAt >= 0
		s.mu.Unlock()
		if held {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the pace never held the validator of a busy process back")
		}
		time.Sleep(time.Millisecond)
	}
	select {
	case <-res:
		t.Fatal("the pace let the validator of a busy process go on")
	case <-time.After(20 * time.Millisecond):
	}
	s.mu.Lock()
	s.drop("behind")
	s.mu.Unlock()
	select {
	case ok := <-res:
		if ok {
			t.Error("wait said go on for an abandoned stream")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the held validator kept waiting after its stream was abandoned")
	}
}

// TestFeedChargesStreamsOnly: validation fed from a stream is charged to
// the budget as it goes (no worker charges it), while a worker's decode
// of a held copy (checkDecoded, no stream) is not charged by feed, since
// the worker charges its whole check: charged once either way.
func TestFeedChargesStreamsOnly(t *testing.T) {
	r := startProxy(t, "http://127.0.0.1:1", Config{})
	var body bytes.Buffer
	if err := hugeList(&body, 256<<10, false, nil); err != nil {
		t.Fatal(err)
	}
	var tick time.Duration
	clock := func() time.Duration { tick += time.Microsecond; return tick } // each validated chunk costs 1 µs
	spent := func() time.Duration {
		b := r.p.val.budget
		b.mu.Lock()
		defer b.mu.Unlock()
		return b.spent
	}
	stream := &bodyStream{p: r.p, window: 1 << 30, heldAt: -1, wake: make(chan struct{}, 1), gone: make(chan struct{})}
	for _, c := range []struct {
		name   string
		ps     pacedStream
		charge bool
	}{{"a worker's decode", nil, false}, {"a stream", stream, true}} {
		xs := r.p.checker.StreamResponse("GET", "/ovirt-engine/api/vms", "4", 200)
		if xs == nil {
			t.Fatal("no streaming validator for GET /vms")
		}
		b := r.p.val.budget
		b.mu.Lock()
		b.window, b.unlimited = time.Hour, true // no window rolls meanwhile: what spent gains is this feed's
		b.mu.Unlock()
		before := spent()
		if _, err := r.p.feed(xs, bytes.NewReader(body.Bytes()), c.ps, clock); err != nil {
			t.Fatal(err)
		}
		xs.Close()
		if got := spent() - before; (got > 0) != c.charge {
			t.Errorf("%s: feed charged the budget %v, want charged=%v", c.name, got, c.charge)
		}
	}
}
