package schema

import (
	"fmt"
	"math"
)

// ValidateXML validates an XML body against the model as it reads it,
// without building a tree: the streaming validator. Its verdicts are those
// of ValidateDocument on the parsed body.
func (m *Model) ValidateXML(data []byte, t Target, lim Limits) Result {
	lim = lim.withDefaults()
	if int64(len(data)) > lim.MaxBytes {
		return Result{Violations: []Violation{parseViolation(&ParseError{Rule: RuleLimit,
			Err: fmt.Errorf("%w (%d bytes, limit %d)", ErrTooLarge, len(data), lim.MaxBytes)})}}
	}
	x := m.stream(t, lim)
	defer m.idle(x)
	x.feed(data, true)
	return x.result()
}

// idle returns x to the pool, keeping none of the body it read.
func (m *Model) idle(x *xmlStream) {
	x.buf = nil
	clear(x.tag.attrs[:cap(x.tag.attrs)])
	x.tag = startTag{attrs: x.tag.attrs[:0]}
	if cap(x.carry) > 64<<10 {
		x.carry = nil
	}
	m.streams.Put(x)
}

// stream returns an idle streaming validator set up for one body.
func (m *Model) stream(t Target, lim Limits) *xmlStream {
	x, _ := m.streams.Get().(*xmlStream)
	if x == nil {
		x = &xmlStream{}
	}
	x.reset(m, t, lim)
	return x
}

// result is the verdict once the whole body has been fed.
func (x *xmlStream) result() Result {
	if x.err != nil {
		return Result{Violations: []Violation{parseViolation(x.err)}}
	}
	return Result{Root: x.root, Type: x.rootType, Facts: x.facts, Violations: x.finish()}
}

// XMLStream validates an XML body fed to it in pieces, as it streams past:
// it holds the open elements and at most one unfinished tag (up to 1 MiB),
// never the body, so a body of any size is validated in memory
// proportional to its depth. Its verdict is ValidateXML's on the whole
// body, except that no size limit applies.
type XMLStream struct {
	m *Model
	x *xmlStream
}

// StreamCost bounds the memory an XMLStream holds, whatever the size of
// the body fed to it: one unfinished token (up to 1 MiB) and the frames of
// the open elements (MaxDepth of them). The proxy's validation memory
// budget reserves it for each response validated as it streams.
const StreamCost = 2 * maxToken

// NewXMLStream starts validating a body against the target. MaxNodes
// bounds the trees of bodies held whole; a stream holds no tree, so unless
// it is set, no count of nodes stops it.
func (m *Model) NewXMLStream(t Target, lim Limits) *XMLStream {
	if lim.MaxNodes <= 0 {
		lim.MaxNodes = math.MaxInt
	}
	return &XMLStream{m: m, x: m.stream(t, lim.withDefaults())}
}

// Write feeds the next piece of the body; p may be reused once Write
// returns. It never fails: a body that is not well-formed is a violation
// of the verdict, and Failed says so early.
func (v *XMLStream) Write(p []byte) (int, error) {
	v.x.feed(p, false)
	return len(p), nil
}

// Failed reports whether the body has already failed to be well-formed
// (or passed a limit), so that feeding more changes nothing.
func (v *XMLStream) Failed() bool { return v.x.err != nil }

// Close ends the body and returns the verdict. The XMLStream must not be
// used afterwards.
func (v *XMLStream) Close() Result {
	v.x.feed(nil, true)
	res := v.x.result()
	v.m.idle(v.x)
	v.x = nil
	return res
}
