package schema

import (
	"bytes"
	"errors"
	"fmt"
)

// The byte scanner: XML as engines write it, read without building a tree
// and without allocating per token. It accepts what encoding/xml (strict,
// as etree runs it) accepts, except that it refuses every <! directive
// (DOCTYPE, ENTITY) wherever it appears, and duplicate attributes, and
// that it takes a leading byte order mark. There are no namespaces: a name
// is its bytes, prefix and all. Only the five predefined entities and
// character references are expanded.
//
// The scanner is resumable: fed a chunk at a time, it stops before a token
// the chunk does not complete and takes it up again with the next chunk, so
// that memory is the depth of the document and one token, not its size.

// xmlSink receives what the scanner reads, in document order.
type xmlSink interface {
	// start is called for every complete start tag (t.empty for <x/>),
	// after the scanner has pushed it.
	start(t *startTag)
	// end is called when the element on top closes, before it is popped.
	end()
	// text is called with character data inside the root element, raw or
	// decoded (a reference), in one or more pieces per text node; nonSpace
	// is set when a piece holds a character that is not white space.
	text(seg []byte, nonSpace bool)
	// release is called before the scanner drops its input up to absolute
	// offset upTo: the sink copies what it still needs of it.
	release(upTo int64)
}

// startTag is a start tag as the scanner hands it over: slices of the
// scanner's buffer, valid only during the call.
type startTag struct {
	name  []byte
	off   int64 // absolute offset of its '<'
	empty bool
	attrs []attrSpan
}

// attrSpan is one attribute: its name and its raw value between the
// quotes; ref is set when the value holds a reference to decode.
type attrSpan struct {
	name, raw []byte
	ref       bool
}

// Scanner errors that carry a rule other than schema.malformed.
var (
	errTooManyNodes = errors.New("the document holds more elements and attributes than the limit")
	errTooManyAttrs = errors.New("an element holds more attributes than the limit")
	errNameTooLong  = errors.New("a name is longer than the limit")
	errTokenTooLong = errors.New("a tag, comment or value is longer than the limit")
	errBadUTF8      = errors.New("invalid UTF-8")
)

// maxToken bounds a token held across chunks (a tag with its attributes, a
// comment, a CDATA section, a simple value).
const maxToken = 1 << 20

type scanner struct {
	sink xmlSink
	lim  Limits

	buf   []byte // the input at hand: buf[pos:] is not read yet
	pos   int
	base  int64 // absolute offset of buf[0]
	final bool  // nothing follows buf
	carry []byte

	names  []byte  // open elements' names, back to back
	nameAt []int32 // where each open element's name starts in names
	nodes  int
	root   bool // the root element has started
	done   bool // ... and closed
	marked bool // some markup was read (a body of white space alone is empty)

	wantText bool // the sink wants the text of the element on top
	tag      startTag
	ref      [4]byte // a decoded reference

	err *ParseError
	lc  lineCounter
}

func (s *scanner) reset(sink xmlSink, lim Limits) {
	*s = scanner{sink: sink, lim: lim, carry: s.carry[:0], names: s.names[:0], nameAt: s.nameAt[:0],
		tag: startTag{attrs: s.tag.attrs[:0]}}
	s.lc.reset()
}

func (s *scanner) depth() int { return len(s.nameAt) }

// fail records the first error, at absolute offset off.
func (s *scanner) fail(off int64, rule string, err error) bool {
	if s.err == nil {
		line, col := s.lc.at(s, off)
		s.err = &ParseError{Rule: rule, Line: line, Column: col, Err: err}
	}
	return false
}

// notXML fails a body that is no document at all (empty, or text), which
// has no place to point at.
func (s *scanner) notXML(err error) bool {
	if s.err == nil {
		s.err = &ParseError{Rule: RuleMalformed, Err: err}
	}
	return false
}

func (s *scanner) syntax(i int, format string, args ...any) bool {
	return s.fail(s.base+int64(i), RuleMalformed, fmt.Errorf("XML is not well-formed: "+format, args...))
}

// more is what a token that runs past the end of buf returns: wait for
// the next chunk, or fail at the end of the input.
func (s *scanner) more(i int) bool {
	if s.final {
		return s.syntax(i, "unexpected end of document")
	}
	return false
}

// feed scans p, which follows what was fed before; final says that
// nothing follows it. The whole input in one call costs no copy.
func (s *scanner) feed(p []byte, final bool) {
	if s.err != nil {
		return
	}
	if len(s.carry) > 0 {
		s.carry = append(s.carry, p...)
		s.buf = s.carry
	} else {
		s.buf = p
	}
	s.pos, s.final = 0, final
	if s.base == 0 && bytes.HasPrefix(s.buf, bom) {
		s.pos = len(bom)
	} else if s.base == 0 && !final && len(s.buf) < len(bom) && bytes.HasPrefix(bom, s.buf) {
		s.keep(0)
		return
	}
	s.scan()
	if s.err != nil {
		return
	}
	if final {
		s.eof()
		return
	}
	s.keep(s.pos)
}

var bom = []byte("\xef\xbb\xbf")

// keep moves past buf[:from] and holds buf[from:] for the next chunk.
func (s *scanner) keep(from int) {
	s.sink.release(s.base + int64(from))
	s.lc.pass(s, from)
	rest := s.buf[from:]
	if len(rest) > maxToken {
		s.fail(s.base+int64(from), RuleLimit, errTokenTooLong)
		return
	}
	s.base += int64(from)
	if len(s.carry) > 0 { // buf is carry: move its rest to the front
		s.carry = s.carry[:copy(s.carry, rest)]
	} else {
		s.carry = append(s.carry[:0], rest...)
	}
	s.buf, s.pos = nil, 0
}

// scan reads tokens until the input runs out or an error.
func (s *scanner) scan() {
	for s.err == nil && s.pos < len(s.buf) {
		var ok bool
		if s.buf[s.pos] == '<' {
			ok = s.markup()
		} else {
			ok = s.chars()
		}
		if !ok {
			return
		}
	}
}

// eof checks the end of the document.
func (s *scanner) eof() {
	switch {
	case s.depth() > 0:
		s.syntax(len(s.buf), "unexpected end of document (<%s> is not closed)", safeName(string(s.topName())))
	case !s.root && s.marked:
		s.notXML(ErrNotXML)
	case !s.root:
		s.notXML(ErrEmpty)
	}
}

func (s *scanner) topName() []byte {
	return s.names[s.nameAt[len(s.nameAt)-1]:]
}

// markup reads the token at buf[pos] == '<'.
func (s *scanner) markup() bool {
	b, i := s.buf, s.pos
	if i+1 >= len(b) {
		return s.more(len(b))
	}
	s.marked = true
	switch b[i+1] {
	case '/':
		return s.endTag()
	case '?':
		return s.procInst()
	case '!':
		return s.bang()
	}
	return s.startTag()
}

// bang reads a comment or a CDATA section, and refuses directives.
func (s *scanner) bang() bool {
	b, i := s.buf, s.pos
	if i+2 >= len(b) {
		return s.more(len(b))
	}
	switch b[i+2] {
	case '-':
		if i+3 >= len(b) {
			return s.more(len(b))
		}
		if b[i+3] != '-' {
			return s.syntax(i, "invalid sequence <!- not part of <!--")
		}
		j := bytes.Index(b[i+4:], dashes)
		if j < 0 || i+4+j+2 >= len(b) {
			return s.more(len(b))
		}
		end := i + 4 + j + 2
		if b[end] != '>' {
			return s.syntax(end, `"--" in a comment`)
		}
		s.pos = end + 1
		return true
	case '[':
		if len(b)-i < len(cdataOpen) {
			if !bytes.HasPrefix(cdataOpen, b[i:]) {
				return s.syntax(i, "invalid <![ sequence")
			}
			return s.more(len(b))
		}
		if !bytes.HasPrefix(b[i:], cdataOpen) {
			return s.syntax(i, "invalid <![ sequence")
		}
		return s.cdata(i + len(cdataOpen))
	}
	return s.fail(s.base+int64(i), RuleDoctype, ErrDoctype)
}

var (
	dashes    = []byte("--")
	cdataOpen = []byte("<![CDATA[")
	cdataEnd  = []byte("]]>")
	piEnd     = []byte("?>")
)

// cdata reads a CDATA section whose content starts at from.
func (s *scanner) cdata(from int) bool {
	b := s.buf
	j := bytes.Index(b[from:], cdataEnd)
	if j < 0 {
		return s.more(len(b))
	}
	seg := b[from : from+j]
	nonSpace, bad := checkChars(seg)
	if bad >= 0 {
		return s.charError(from + bad)
	}
	s.pos = from + j + len(cdataEnd)
	return s.content(seg, nonSpace, from)
}

// content hands character data to the sink, or checks that text outside
// the root element is white space.
func (s *scanner) content(seg []byte, nonSpace bool, at int) bool {
	if s.depth() == 0 {
		if k := notASCIISpace(seg); k >= 0 {
			return s.outside(at + k)
		}
		return true
	}
	if s.wantText && len(seg) > 0 {
		s.sink.text(seg, nonSpace)
	}
	return true
}

// outside refuses text outside the root element: before it, the body is
// not XML at all.
func (s *scanner) outside(at int) bool {
	if !s.root {
		return s.notXML(ErrNotXML)
	}
	return s.syntax(at, "text outside the root element")
}

// notASCIISpace returns the index of the first byte of b that is not XML
// white space, as etree judges text outside the root, or -1.
func notASCIISpace(b []byte) int {
	for i, c := range b {
		if !isSpaceByte(c) {
			return i
		}
	}
	return -1
}

// procInst reads <?target data?>. An XML declaration must name version 1.0
// if it names one; its encoding is taken as UTF-8 whatever it says, as
// etree does.
func (s *scanner) procInst() bool {
	b, i := s.buf, s.pos
	n, ok := s.name(i+2, false)
	if !ok {
		return false
	}
	if n == i+2 {
		return s.syntax(i, "expected target name after <?")
	}
	target := b[i+2 : n]
	n = skipSpace(b, n)
	j := bytes.Index(b[n:], piEnd)
	if j < 0 {
		return s.more(len(b))
	}
	if string(target) == "xml" {
		if v := procInstParam("version", b[n:n+j]); v != nil && string(v) != "1.0" {
			return s.syntax(i, "unsupported XML version; only 1.0 is supported")
		}
	}
	s.pos = n + j + len(piEnd)
	return true
}

// procInstParam finds param="value" in a declaration's data as
// encoding/xml does, or returns nil.
func procInstParam(param string, data []byte) []byte {
	key := param + "="
	for i := 0; i < len(data); {
		k := bytes.Index(data[i:], []byte(key))
		if k < 0 || i+k+len(key) >= len(data) {
			return nil
		}
		q := data[i+k+len(key)]
		i += k + len(key) + 1
		if q == '\'' || q == '"' {
			j := bytes.IndexByte(data[i:], q)
			if j < 0 {
				return nil
			}
			return data[i : i+j]
		}
	}
	return nil
}

func isSpaceByte(c byte) bool { return c == ' ' || c == '\r' || c == '\n' || c == '\t' }

// skipSpace returns the first index from i that is not white space.
func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpaceByte(b[i]) {
		i++
	}
	return i
}

// endTag reads </name>.
func (s *scanner) endTag() bool {
	b, i := s.buf, s.pos
	if s.depth() > 0 { // the common case: </name> of the element on top
		top := s.topName()
		if k := i + 2 + len(top); k < len(b) && b[k] == '>' && bytes.Equal(b[i+2:k], top) {
			s.pos = k + 1
			s.close()
			return true
		}
	}
	n, ok := s.name(i+2, true)
	if !ok {
		return false
	}
	if n == i+2 {
		return s.syntax(i, "expected element name after </")
	}
	j := skipSpace(b, n)
	if j >= len(b) {
		return s.more(len(b))
	}
	if b[j] != '>' {
		return s.syntax(j, "invalid characters between </%s and >", safeName(string(b[i+2:n])))
	}
	if s.depth() == 0 {
		return s.syntax(i, "unexpected end tag </%s>", safeName(string(b[i+2:n])))
	}
	if top := s.topName(); !bytes.Equal(top, b[i+2:n]) {
		return s.syntax(i, "element <%s> closed by </%s>", safeName(string(top)), safeName(string(b[i+2:n])))
	}
	s.pos = j + 1
	s.close()
	return true
}

// close ends the element on top.
func (s *scanner) close() {
	s.sink.end()
	at := s.nameAt[len(s.nameAt)-1]
	s.names, s.nameAt = s.names[:at], s.nameAt[:len(s.nameAt)-1]
	if len(s.nameAt) == 0 {
		s.done = true
	}
}

// startTag reads <name attr="value" ...> or <name .../>.
func (s *scanner) startTag() bool {
	b, i := s.buf, s.pos
	n, ok := s.name(i+1, true)
	if !ok {
		return false
	}
	if n == i+1 {
		return s.syntax(i, "expected element name after <")
	}
	t := &s.tag
	t.name, t.off, t.empty, t.attrs = b[i+1:n], s.base+int64(i), false, t.attrs[:0]
	j := n
	for {
		j = skipSpace(b, j)
		if j >= len(b) {
			return s.more(len(b))
		}
		if b[j] == '>' {
			j++
			break
		}
		if b[j] == '/' {
			if j+1 >= len(b) {
				return s.more(len(b))
			}
			if b[j+1] != '>' {
				return s.syntax(j, "expected /> in element")
			}
			t.empty = true
			j += 2
			break
		}
		if j, ok = s.attr(j); !ok {
			return false
		}
	}
	if s.depth() == 0 && s.done {
		return s.syntax(i, "more than one root element")
	}
	if s.depth() >= s.lim.MaxDepth {
		return s.fail(t.off, RuleLimit, ErrTooDeep)
	}
	if s.nodes += 1 + len(t.attrs); s.nodes > s.lim.MaxNodes {
		return s.fail(t.off, RuleLimit, errTooManyNodes)
	}
	if dup := duplicateAttr(t.attrs); dup != nil {
		return s.syntax(i, "attribute %s appears twice in <%s>", safeName(string(dup)), safeName(string(t.name)))
	}
	s.pos = j
	s.root = true
	s.nameAt = append(s.nameAt, int32(len(s.names)))
	s.names = append(s.names, t.name...)
	s.sink.start(t)
	if t.empty {
		s.close()
	}
	return true
}

func duplicateAttr(as []attrSpan) []byte {
	for i := 1; i < len(as); i++ {
		for j := range i {
			if bytes.Equal(as[i].name, as[j].name) {
				return as[i].name
			}
		}
	}
	return nil
}

// attr reads name="value" at b[j] and returns the index after it.
func (s *scanner) attr(j int) (int, bool) {
	b := s.buf
	n, ok := s.name(j, true)
	if !ok {
		return 0, false
	}
	if n == j {
		return 0, s.syntax(j, "expected attribute name in element")
	}
	name := b[j:n]
	k := skipSpace(b, n)
	if k >= len(b) {
		return 0, s.more(len(b))
	}
	if b[k] != '=' {
		return 0, s.syntax(k, "attribute name without = in element")
	}
	k = skipSpace(b, k+1)
	if k >= len(b) {
		return 0, s.more(len(b))
	}
	q := b[k]
	if q != '"' && q != '\'' {
		return 0, s.syntax(k, "unquoted or missing attribute value in element")
	}
	end, ref, ok := s.attrValue(k+1, q)
	if !ok {
		return 0, false
	}
	if len(s.tag.attrs) >= s.lim.MaxAttrs {
		return 0, s.fail(s.tag.off, RuleLimit, errTooManyAttrs)
	}
	s.tag.attrs = append(s.tag.attrs, attrSpan{name: name, raw: b[k+1 : end], ref: ref})
	return end + 1, true
}

// attrValue checks an attribute value from b[from] up to its closing quote
// q and returns the quote's index.
func (s *scanner) attrValue(from int, q byte) (end int, ref, ok bool) {
	b := s.buf
	i := from
	for {
		for i < len(b) && attrClass[b[i]] == 0 {
			i++
		}
		if i >= len(b) {
			return 0, false, s.more(len(b))
		}
		switch c := b[i]; {
		case c == q:
			return i, ref, true
		case c == '"' || c == '\'':
			i++
		case c == '<':
			return 0, false, s.syntax(i, "unescaped < inside quoted string")
		case c == '&':
			next, _, ok := s.reference(i)
			if !ok {
				return 0, false, false
			}
			i, ref = next, true
		case c >= utf8Self:
			size, ok := s.rune(i)
			if !ok {
				return 0, false, false
			}
			i += size
		default:
			return 0, false, s.charError(i)
		}
	}
}
