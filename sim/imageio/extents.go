package imageio

import (
	"slices"
	"sort"
)

// kind is what an area of an image holds.
type kind uint8

const (
	// unwritten areas were never written: they read as zeros, and as holes
	// when the image has a backing chain to fall through to (qcow2).
	unwritten kind = iota
	// zeroed areas were zeroed by a PATCH zero: they read as zeros and are
	// no hole (the daemon's backend wrote zero clusters).
	zeroed
	// data areas were written by a PUT; they alone use storage.
	data
)

// span is a half-open byte range [start, end) of one kind.
type span struct {
	start, end int64
	kind       kind
}

// extentMap records what every byte of an image holds, so that extents
// are answered exactly, the storage used is known without asking the file
// system, and zeroing touches only the areas that hold data. It keeps the
// written areas (zeroed or data) sorted, apart and merged with their
// neighbours of the same kind; the gaps between them are unwritten. Not
// safe for concurrent use.
type extentMap struct {
	spans []span
	data  int64 // bytes of data areas
}

// set makes [start, end) of kind k and returns how many bytes of data the
// image gained (negative when it lost some).
func (m *extentMap) set(start, end int64, k kind) int64 {
	if start >= end {
		return 0
	}
	// spans[i:j] are the spans overlapping [start, end).
	i := sort.Search(len(m.spans), func(n int) bool { return m.spans[n].end > start })
	j := sort.Search(len(m.spans), func(n int) bool { return m.spans[n].start >= end })
	before := m.data
	repl := make([]span, 0, 3)
	for n := i; n < j; n++ {
		s := m.spans[n]
		if s.kind == data {
			m.data -= min(s.end, end) - max(s.start, start)
		}
	}
	if i < j && m.spans[i].start < start {
		repl = append(repl, span{m.spans[i].start, start, m.spans[i].kind})
	}
	if k != unwritten {
		repl = append(repl, span{start, end, k})
		if k == data {
			m.data += end - start
		}
	}
	if i < j && m.spans[j-1].end > end {
		repl = append(repl, span{end, m.spans[j-1].end, m.spans[j-1].kind})
	}
	m.spans = slices.Replace(m.spans, i, j, repl...)
	m.merge(max(i-1, 0), min(i+len(repl)+1, len(m.spans)))
	return m.data - before
}

// merge joins adjacent spans of the same kind within spans[lo:hi].
func (m *extentMap) merge(lo, hi int) {
	for n := lo; n+1 < hi && n+1 < len(m.spans); {
		a, b := m.spans[n], m.spans[n+1]
		if a.end == b.start && a.kind == b.kind {
			m.spans[n].end = b.end
			m.spans = slices.Delete(m.spans, n+1, n+2)
			hi--
			continue
		}
		n++
	}
}

// end returns where the last data area ends (0 without data).
func (m *extentMap) end() int64 {
	for i := len(m.spans) - 1; i >= 0; i-- {
		if m.spans[i].kind == data {
			return m.spans[i].end
		}
	}
	return 0
}

// dataIn returns how many bytes of [start, end) hold data.
func (m *extentMap) dataIn(start, end int64) int64 {
	var n int64
	m.walk(start, end, func(s span) {
		if s.kind == data {
			n += s.end - s.start
		}
	})
	return n
}

// walk calls fn for every area of [start, end) in order, gaps included
// (as unwritten spans), each clipped to [start, end).
func (m *extentMap) walk(start, end int64, fn func(span)) {
	pos := start
	i := sort.Search(len(m.spans), func(n int) bool { return m.spans[n].end > start })
	for ; i < len(m.spans) && pos < end; i++ {
		s := m.spans[i]
		if s.start >= end {
			break
		}
		if s.start > pos {
			fn(span{pos, s.start, unwritten})
		}
		lo := max(s.start, pos)
		hi := min(s.end, end)
		fn(span{lo, hi, s.kind})
		pos = hi
	}
	if pos < end {
		fn(span{pos, end, unwritten})
	}
}
