package imageio

import (
	"math/rand/v2"
	"testing"
)

// model is the obvious extent map: a kind per byte.
type model []kind

func (m model) set(start, end int64, k kind) int64 {
	var gained int64
	for i := start; i < end; i++ {
		if m[i] == data {
			gained--
		}
		if k == data {
			gained++
		}
		m[i] = k
	}
	return gained
}

// check holds an extentMap to the model: the same kind everywhere, spans
// sorted, apart and merged, and the data count and end right.
func check(t *testing.T, m *extentMap, want model) {
	t.Helper()
	var got model
	m.walk(0, int64(len(want)), func(s span) {
		for i := s.start; i < s.end; i++ {
			got = append(got, s.kind)
		}
	})
	if len(got) != len(want) {
		t.Fatalf("walk covered %d bytes, want %d", len(got), len(want))
	}
	var d, end int64
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("byte %d is %d, want %d (spans %v)", i, got[i], want[i], m.spans)
		}
		if want[i] == data {
			d, end = d+1, int64(i+1)
		}
	}
	if m.data != d || m.end() != end {
		t.Fatalf("data %d ending at %d, want %d ending at %d", m.data, m.end(), d, end)
	}
	for i, s := range m.spans {
		if s.start >= s.end || s.kind == unwritten {
			t.Fatalf("span %d %+v is empty or unwritten", i, s)
		}
		if i > 0 {
			p := m.spans[i-1]
			if p.end > s.start || (p.end == s.start && p.kind == s.kind) {
				t.Fatalf("spans %+v and %+v overlap or are not merged", p, s)
			}
		}
	}
}

func TestExtentMap(t *testing.T) {
	var m extentMap
	want := make(model, 100)
	steps := []struct {
		start, end int64
		k          kind
		gained     int64
	}{
		{10, 20, data, 10},
		{20, 30, data, 10},    // merges with the left
		{15, 25, zeroed, -10}, // splits it
		{0, 100, data, 90},
		{40, 60, unwritten, -20},
		{50, 50, zeroed, 0},
		{0, 100, zeroed, -80},
	}
	for _, s := range steps {
		if g := m.set(s.start, s.end, s.k); g != s.gained {
			t.Errorf("set(%d, %d, %d) gained %d, want %d", s.start, s.end, s.k, g, s.gained)
		}
		want.set(s.start, s.end, s.k)
		check(t, &m, want)
	}
	if len(m.spans) != 1 {
		t.Errorf("spans %v, want one zeroed span", m.spans)
	}
}

// TestExtentMapRandom applies random operations to the map and the model.
func TestExtentMapRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		var m extentMap
		size := int64(1 + rng.IntN(200))
		want := make(model, size)
		for range 50 {
			a, b := rng.Int64N(size+1), rng.Int64N(size+1)
			k := kind(rng.IntN(3))
			if g, w := m.set(min(a, b), max(a, b), k), want.set(min(a, b), max(a, b), k); g != w {
				t.Fatalf("round %d: gained %d, want %d", round, g, w)
			}
			check(t, &m, want)
			a, b = rng.Int64N(size+1), rng.Int64N(size+1)
			var wd int64
			for i := min(a, b); i < max(a, b); i++ {
				if want[i] == data {
					wd++
				}
			}
			if d := m.dataIn(min(a, b), max(a, b)); d != wd {
				t.Fatalf("round %d: dataIn %d, want %d", round, d, wd)
			}
		}
	}
}

// FuzzExtentMap drives the map with operations decoded from the input.
func FuzzExtentMap(f *testing.F) {
	f.Add([]byte{0, 10, 2, 5, 20, 1, 3, 4, 0})
	f.Fuzz(func(t *testing.T, ops []byte) {
		const size = 64
		var m extentMap
		want := make(model, size)
		for i := 0; i+2 < len(ops); i += 3 {
			a, b := int64(ops[i]%(size+1)), int64(ops[i+1]%(size+1))
			k := kind(ops[i+2] % 3)
			if g, w := m.set(min(a, b), max(a, b), k), want.set(min(a, b), max(a, b), k); g != w {
				t.Fatalf("gained %d, want %d", g, w)
			}
			check(t, &m, want)
		}
	})
}

// BenchmarkExtentMapFragmented writes every other 64 KiB of 1 GiB, the
// worst case of a sparse upload, then rewrites it; the baseline is the
// same number of writes in order, which merge into one span.
func BenchmarkExtentMapFragmented(b *testing.B) {
	const chunk, n = 64 << 10, 8192
	b.Run("baseline=sequential", func(b *testing.B) {
		for b.Loop() {
			var m extentMap
			for i := range int64(n) {
				m.set(i*chunk, (i+1)*chunk, data)
			}
		}
	})
	b.Run("every-other", func(b *testing.B) {
		for b.Loop() {
			var m extentMap
			for i := range int64(n) {
				m.set(2*i*chunk, (2*i+1)*chunk, data)
			}
		}
	})
}
