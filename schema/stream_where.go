package schema

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// Where the streaming validator's violations are: a path such as
// /vms/vm[3]/memory, and the line and column of the element's start tag.
// Both are worked out only for violations. An element's number ([3]) is
// written only when its parent has several children of its name, which is
// known only when the parent ends: each violation keeps its path as
// components whose sibling counters keep counting until then. Lines are
// counted once over the input, when the scanner releases it.

// found collects the violations of one document.
type found struct {
	lim      Limits
	vs       []Violation
	places   []place
	full     bool
	comps    []pathComp   // every violation's path, back to back
	counters []sibCounter // children of one name in one element
	spots    []spot       // scratch for resolve
}

// place is where violation i is.
type place struct {
	from, to int32 // its path in found.comps; none for a note on the whole body
	attr     string
	off      int64
	line     int
	col      int
	placed   bool // line and col are known
}

type pathComp struct {
	name    string
	idx     uint32
	counter int32 // -1 for the root, which is never numbered
}

type sibCounter struct {
	name  string
	total uint32
	next  int32 // the next counter of the same parent, -1
}

type spot struct {
	off   int64
	line  *int
	col   *int
	frame *frame
}

func (fd *found) reset(lim Limits) {
	*fd = found{lim: lim, vs: fd.vs[:0], places: fd.places[:0], comps: fd.comps[:0],
		counters: fd.counters[:0], spots: fd.spots[:0]}
}

// add records a violation on element fi (on its attribute attr, when set).
func (x *xmlStream) add(fi int, attr, rule, reason string) {
	fd := &x.found
	if fd.full {
		return
	}
	if len(fd.vs) >= fd.lim.MaxViolations {
		fd.full = true
		fd.vs = append(fd.vs, stoppedNote(fd.lim.MaxViolations))
		fd.places = append(fd.places, place{placed: true})
		return
	}
	f := &x.frames[fi]
	p := place{attr: attr, off: f.off, line: int(f.line), col: int(f.col), placed: f.placed, from: int32(len(fd.comps))}
	for d := 0; d <= fi; d++ {
		c := pathComp{name: x.frames[d].tag, idx: x.frames[d].idx, counter: -1}
		if d == 0 || c.name == "" {
			c.name = string(x.nameOf(d))
		}
		if d > 0 {
			c.counter = x.counter(d-1, c.name, c.idx)
		}
		fd.comps = append(fd.comps, c)
	}
	p.to = int32(len(fd.comps))
	fd.vs = append(fd.vs, Violation{Rule: rule, Severity: SeverityOf(rule), Reason: reason})
	fd.places = append(fd.places, p)
}

// nameOf returns the name of the open element at depth d, as written.
func (s *scanner) nameOf(d int) []byte {
	from := s.nameAt[d]
	if d+1 < len(s.nameAt) {
		return s.names[from:s.nameAt[d+1]]
	}
	return s.names[from:]
}

// counter returns the counter of frame pi's children named name, starting
// one at total for the child numbered idx (the last one so far).
func (x *xmlStream) counter(pi int, name string, idx uint32) int32 {
	p := &x.frames[pi]
	fd := &x.found
	for c := p.refs; c >= 0; c = fd.counters[c].next {
		if fd.counters[c].name == name {
			return c
		}
	}
	fd.counters = append(fd.counters, sibCounter{name: name, total: idx, next: p.refs})
	p.refs = int32(len(fd.counters) - 1)
	return p.refs
}

// countSibling counts a new child of p against p's counters.
func (x *xmlStream) countSibling(p *frame, name []byte) {
	fd := &x.found
	for c := p.refs; c >= 0; c = fd.counters[c].next {
		if fd.counters[c].name == bstr(name) {
			fd.counters[c].total++
		}
	}
}

// nextUnknown numbers a child of p that its type does not know. Every
// earlier one of its name was reported (or nothing more is), so a counter
// holds them if there were any.
func (x *xmlStream) nextUnknown(p *frame, name []byte) uint32 {
	fd := &x.found
	for c := p.refs; c >= 0; c = fd.counters[c].next {
		if fd.counters[c].name == bstr(name) {
			return fd.counters[c].total
		}
	}
	return 1
}

// release resolves the positions in the input before upTo, which the
// scanner is about to drop: those of violations, and those of the open
// elements that later violations may be on.
func (x *xmlStream) release(upTo int64) { x.resolve(upTo) }

// resolve sets the line and column of every violation and open element
// before upTo, counting newlines once in offset order.
func (x *xmlStream) resolve(upTo int64) {
	fd := &x.found
	fd.spots = fd.spots[:0]
	for i := range fd.places {
		if p := &fd.places[i]; !p.placed && p.off < upTo {
			fd.spots = append(fd.spots, spot{off: p.off, line: &p.line, col: &p.col})
			p.placed = true
		}
	}
	if !fd.full {
		for i := range x.frames {
			if f := &x.frames[i]; !f.placed && f.off < upTo {
				fd.spots = append(fd.spots, spot{off: f.off, frame: f})
				f.placed = true
			}
		}
	}
	slices.SortFunc(fd.spots, func(a, b spot) int { return cmp.Compare(a.off, b.off) })
	for _, sp := range fd.spots {
		x.lc.advance(&x.scanner, sp.off)
		line, col := x.lc.line, int(sp.off-x.lc.lineStart)+1
		if sp.frame != nil {
			sp.frame.line, sp.frame.col = int32(line), int32(col)
			continue
		}
		*sp.line, *sp.col = line, col
	}
}

// finish writes the violations' locations and hands them over.
func (x *xmlStream) finish() []Violation {
	fd := &x.found
	if len(fd.vs) == 0 {
		return nil
	}
	x.resolve(x.base + int64(len(x.buf)))
	var b strings.Builder
	for i := range fd.vs {
		p := &fd.places[i]
		if p.to == p.from {
			continue // a note on the whole body
		}
		b.Reset()
		for _, c := range fd.comps[p.from:p.to] {
			b.WriteByte('/')
			b.WriteString(safeName(c.name))
			if c.counter >= 0 && fd.counters[c.counter].total > 1 {
				b.WriteByte('[')
				b.WriteString(strconv.FormatUint(uint64(c.idx), 10))
				b.WriteByte(']')
			}
		}
		if p.attr != "" {
			b.WriteString("/@")
			b.WriteString(safeName(p.attr))
		}
		fd.vs[i].Location = b.String()
		fd.vs[i].Line, fd.vs[i].Column = p.line, p.col
	}
	vs := fd.vs
	fd.vs = nil // the caller owns them now
	return vs
}
