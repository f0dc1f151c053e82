package proxy

import (
	"context"
	"sync/atomic"

	"golang.org/x/sync/semaphore"

	"github.com/ovcompat/ovcompat/schema"
)

// ownMemory is what the proxy holds besides captured bodies and checks:
// its code, goroutines, connection buffers and metrics, with room to spare.
const ownMemory = 64 << 20

// MemoryLimit is the most memory the proxy needs: the bodies it captures
// (BufferBytes), its checks (ValidationBytes) and its own. `ovcompat proxy`
// makes it the Go runtime's soft memory limit, so that the garbage
// validation makes is collected before the process grows past it.
func (p *Proxy) MemoryLimit() int64 {
	return p.cfg.BufferBytes + p.cfg.ValidationBytes + ownMemory
}

// checkMemory is the validation memory budget: a check reserves what
// validating its bodies may cost at most before it starts, and waits
// while the budget cannot hold it. The validator's workers and enforce
// mode's inline checks share it, which also bounds how many inline checks
// run at once.
type checkMemory struct {
	sem  *semaphore.Weighted
	size int64
	held atomic.Int64
}

func newCheckMemory(size int64) *checkMemory {
	return &checkMemory{sem: semaphore.NewWeighted(size), size: size}
}

// reserve waits until the budget holds the check of bodies of the given
// sizes, or ctx is done; release gives it back. A check that costs more
// than the whole budget reserves all of it and runs alone. A check without
// bodies costs nothing and never waits: a GET is not held behind hostile
// bodies.
func (m *checkMemory) reserve(ctx context.Context, sizes ...int) (release func(), err error) {
	var cost int64
	for _, s := range sizes {
		if s > 0 {
			cost += schema.Cost(int64(s))
		}
	}
	return m.reserveBytes(ctx, cost)
}

// reserveBytes reserves cost bytes, as reserve does.
func (m *checkMemory) reserveBytes(ctx context.Context, cost int64) (release func(), err error) {
	if cost == 0 {
		return func() {}, nil
	}
	cost = min(cost, m.size)
	if err := m.sem.Acquire(ctx, cost); err != nil {
		return nil, err
	}
	m.held.Add(cost)
	return func() {
		m.held.Add(-cost)
		m.sem.Release(cost)
	}, nil
}
