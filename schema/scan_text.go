package schema

import (
	"bytes"
	"unicode"
	"unicode/utf8"
)

// Byte classes of character data. Runs of the first two are read by a
// tight loop; the others need a look.
const (
	cSpace   = 0 // \t \n \r and space
	cPlain   = 1 // any other ASCII character allowed in text
	cStop    = 2 // < and &
	cBracket = 3 // ], which may start ]]>
	cHigh    = 4 // the first byte of a multi-byte character (or a bad one)
	cControl = 5 // a control character XML does not allow

	utf8Self = 0x80
)

// textClass classes the bytes of character data; attrClass is zero for
// the bytes an attribute value may hold without a second look.
var textClass, attrClass = byteClasses()

func byteClasses() (text, attr [256]uint8) {
	for c := range 256 {
		switch {
		case c == '\t' || c == '\n' || c == '\r' || c == ' ':
			text[c] = cSpace
		case c < 0x20:
			text[c], attr[c] = cControl, 1
		case c >= utf8Self:
			text[c], attr[c] = cHigh, 1
		case c == '<' || c == '&':
			text[c], attr[c] = cStop, 1
		case c == ']':
			text[c] = cBracket
		case c == '"' || c == '\'':
			text[c], attr[c] = cPlain, 1
		default:
			text[c] = cPlain
		}
	}
	return text, attr
}

// isXMLChar reports whether r is in XML's Char production.
func isXMLChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// rune checks the multi-byte character at buf[i] and returns its size.
func (s *scanner) rune(i int) (int, bool) {
	r, size := utf8.DecodeRune(s.buf[i:])
	if r == utf8.RuneError && size <= 1 {
		if !utf8.FullRune(s.buf[i:]) {
			return 0, s.more(len(s.buf))
		}
		return 0, s.fail(s.base+int64(i), RuleMalformed, errBadUTF8)
	}
	if !isXMLChar(r) {
		return 0, s.charError(i)
	}
	return size, true
}

func (s *scanner) charError(i int) bool {
	if s.buf[i] >= utf8Self {
		if r, size := utf8.DecodeRune(s.buf[i:]); r == utf8.RuneError && size <= 1 {
			return s.fail(s.base+int64(i), RuleMalformed, errBadUTF8)
		}
	}
	return s.syntax(i, "a character XML does not allow")
}

// checkChars checks the characters of a complete piece of text (a CDATA
// section's) and reports whether one is not white space; bad is the index
// of the first character XML refuses, or -1.
func checkChars(b []byte) (nonSpace bool, bad int) {
	for i := 0; i < len(b); {
		switch k := textClass[b[i]]; k {
		case cSpace:
			i++
		case cHigh:
			r, size := utf8.DecodeRune(b[i:])
			if r == utf8.RuneError && size <= 1 || !isXMLChar(r) {
				return nonSpace, i
			}
			nonSpace = nonSpace || !unicode.IsSpace(r)
			i += size
		case cControl:
			return nonSpace, i
		default:
			nonSpace = true
			i++
		}
	}
	return nonSpace, -1
}

// chars reads character data from buf[pos] up to the next '<', checking
// every character and reference, and hands it to the sink in pieces.
func (s *scanner) chars() bool {
	b := s.buf
	i := s.pos
	for {
		start := i
		var nonSpace uint8
	run:
		for i < len(b) {
			k := textClass[b[i]]
			if k <= cPlain {
				nonSpace |= k
				i++
				continue
			}
			switch k {
			case cStop:
				break run
			case cBracket:
				if len(b)-i < len(cdataEnd) && !s.final && bytes.HasPrefix(cdataEnd, b[i:]) {
					return s.partial(start, i, nonSpace)
				}
				if bytes.HasPrefix(b[i:], cdataEnd) {
					return s.content(b[start:i], nonSpace != 0, start) && s.syntax(i, "unescaped ]]> not in CDATA section")
				}
				nonSpace = 1
				i++
			case cHigh:
				r, size := utf8.DecodeRune(b[i:])
				if r == utf8.RuneError && size <= 1 {
					if !s.final && !utf8.FullRune(b[i:]) {
						return s.partial(start, i, nonSpace)
					}
					return s.content(b[start:i], nonSpace != 0, start) && s.fail(s.base+int64(i), RuleMalformed, errBadUTF8)
				}
				if !isXMLChar(r) {
					return s.content(b[start:i], nonSpace != 0, start) && s.charError(i)
				}
				if !unicode.IsSpace(r) {
					nonSpace = 1
				}
				i += size
			default:
				return s.content(b[start:i], nonSpace != 0, start) && s.charError(i)
			}
		}
		if (s.wantText || s.depth() == 0) && !s.content(b[start:i], nonSpace != 0, start) {
			return false
		}
		s.pos = i
		if i >= len(b) || b[i] == '<' {
			return true
		}
		next, dec, ok := s.reference(i)
		if !ok {
			return false
		}
		if !s.content(dec, refNonSpace(dec), i) {
			return false
		}
		i = next
		s.pos = i
	}
}

// partial hands over the text read so far and waits for the next chunk to
// read what may be the start of ]]> or of a character.
func (s *scanner) partial(start, i int, nonSpace uint8) bool {
	if !s.content(s.buf[start:i], nonSpace != 0, start) {
		return false
	}
	s.pos = i
	return false
}

func refNonSpace(dec []byte) bool {
	if len(dec) == 1 {
		return textClass[dec[0]] != cSpace
	}
	r, _ := utf8.DecodeRune(dec)
	return !unicode.IsSpace(r)
}

// reference reads the reference at buf[i] == '&' and returns the index
// after it and the character it stands for (in s.ref).
func (s *scanner) reference(i int) (next int, dec []byte, ok bool) {
	b := s.buf
	j := i + 1
	if j >= len(b) {
		return 0, nil, s.more(len(b))
	}
	if b[j] == '#' {
		return s.charRef(i, j+1)
	}
	k := j
	for k < len(b) && (nameByte(b[k]) || b[k] >= utf8Self) {
		k++
	}
	if k >= len(b) {
		return 0, nil, s.more(len(b))
	}
	var c byte
	switch string(b[j:k]) {
	case "lt":
		c = '<'
	case "gt":
		c = '>'
	case "amp":
		c = '&'
	case "apos":
		c = '\''
	case "quot":
		c = '"'
	}
	if b[k] != ';' || c == 0 {
		return 0, nil, s.syntax(i, "invalid character entity (only &lt; &gt; &amp; &apos; &quot; and character references are defined)")
	}
	s.ref[0] = c
	return k + 1, s.ref[:1], true
}

// charRef reads &#N; or &#xH; from j, after "&#", as encoding/xml does: a
// lower-case x, at least one digit, a code point (surrogates read as
// U+FFFD) that XML allows.
func (s *scanner) charRef(i, j int) (next int, dec []byte, ok bool) {
	b := s.buf
	if j >= len(b) {
		return 0, nil, s.more(len(b))
	}
	base := rune(10)
	if b[j] == 'x' {
		base = 16
		j++
	}
	var v rune
	digits := 0
	for ; j < len(b); j++ {
		d := digitValue(b[j], base)
		if d < 0 {
			break
		}
		if v <= unicode.MaxRune {
			v = v*base + d
		}
		digits++
	}
	if j >= len(b) {
		return 0, nil, s.more(len(b))
	}
	if b[j] != ';' || digits == 0 || v > unicode.MaxRune {
		return 0, nil, s.syntax(i, "invalid character reference")
	}
	if v >= 0xD800 && v <= 0xDFFF {
		v = utf8.RuneError
	}
	if !isXMLChar(v) {
		return 0, nil, s.syntax(i, "a character reference to a character XML does not allow")
	}
	n := utf8.EncodeRune(s.ref[:], v)
	return j + 1, s.ref[:n], true
}

func digitValue(c byte, base rune) rune {
	switch {
	case c >= '0' && c <= '9':
		return rune(c - '0')
	case base == 16 && c >= 'a' && c <= 'f':
		return rune(c-'a') + 10
	case base == 16 && c >= 'A' && c <= 'F':
		return rune(c-'A') + 10
	}
	return -1
}

// nameByte reports whether c is an ASCII byte a name may hold.
func nameByte(c byte) bool { return nameBytes[c] }

var nameBytes = func() (t [256]bool) {
	for c := range 256 {
		t[c] = 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '_' || c == ':' || c == '.' || c == '-'
	}
	return t
}()

// name reads a name from buf[i] and returns the index after it (i when
// there is none). An element or attribute name (qualified) holds at most
// one colon.
func (s *scanner) name(i int, qualified bool) (int, bool) {
	b := s.buf
	j, colon := i, false
	for j < len(b) && nameBytes[b[j]] {
		colon = colon || b[j] == ':'
		j++
	}
	high := j < len(b) && b[j] >= utf8Self
	for high && j < len(b) && (nameBytes[b[j]] || b[j] >= utf8Self) {
		j++
	}
	if j-i > s.lim.MaxNameLen {
		return 0, s.fail(s.base+int64(i), RuleLimit, errNameTooLong)
	}
	if j >= len(b) {
		return 0, s.more(len(b))
	}
	if j == i {
		return i, true
	}
	if !validName(b[i:j], high) || qualified && (colon || high) && twoColons(b[i:j]) {
		return 0, s.syntax(i, "invalid name")
	}
	return j, true
}

func twoColons(n []byte) bool {
	k := bytes.IndexByte(n, ':')
	return k >= 0 && bytes.IndexByte(n[k+1:], ':') >= 0
}

// validName checks a name's first and following characters.
func validName(n []byte, high bool) bool {
	if !high {
		c := n[0]
		return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || c == '_' || c == ':'
	}
	for i := 0; i < len(n); {
		r, size := utf8.DecodeRune(n[i:])
		if r == utf8.RuneError && size == 1 {
			return false
		}
		if !unicode.Is(nameFirst, r) && (i == 0 || !unicode.Is(nameSecond, r)) {
			return false
		}
		i += size
	}
	return true
}

// lineCounter turns absolute offsets into lines and columns (both from 1,
// columns in bytes, as encoding/xml counts them), counting the newlines of
// the input once, as it is passed.
type lineCounter struct {
	off       int64 // newlines are counted up to here
	line      int   // the line at off
	lineStart int64 // where that line starts
}

func (lc *lineCounter) reset() { *lc = lineCounter{line: 1} }

// at returns the position of off, which is not before lc.off and within
// the scanner's buffer.
func (lc *lineCounter) at(s *scanner, off int64) (line, col int) {
	line, start := lc.line, lc.lineStart
	if off > lc.off {
		from, to := int(lc.off-s.base), int(min(off-s.base, int64(len(s.buf))))
		if from >= 0 && from <= to {
			seg := s.buf[from:to]
			if n := bytes.Count(seg, newline); n > 0 {
				line += n
				start = lc.off + int64(bytes.LastIndexByte(seg, '\n')) + 1
			}
		}
	}
	return line, int(off-start) + 1
}

// advance counts the newlines up to off (within the scanner's buffer).
func (lc *lineCounter) advance(s *scanner, off int64) {
	if off <= lc.off {
		return
	}
	line, col := lc.at(s, off)
	lc.off, lc.line, lc.lineStart = off, line, off-int64(col)+1
}

// pass counts the newlines of buf[:to], which the scanner is done with.
func (lc *lineCounter) pass(s *scanner, to int) { lc.advance(s, s.base+int64(to)) }

var newline = []byte{'\n'}
