package redact

import "bytes"

// maxDepth bounds the open elements (XML) or containers (JSON) whose names
// are kept; deeper ones are judged as if their parent were unknown, so
// that a hostile body costs bounded memory and still leaks nothing.
const maxDepth = 256

// The sections whose text may look like markup.
const (
	commentOpen  = "!--"
	commentClose = "-->"
	cdataOpen    = "![CDATA["
	cdataClose   = "]]>"
)

// xmlScan redacts one XML body.
type xmlScan struct {
	rewriter
	// open holds the names of the open elements, as written (prefix
	// included), innermost last; deep counts those beyond maxDepth.
	open  [][]byte
	deep  int
	first [16][]byte // open's first backing array
	// base is how many of open a comment's or CDATA section's markup
	// cannot close: they were open before it started.
	base   int
	nested bool
	// pairs are the open name-value pairs whose name is secret; valueAttr
	// is true while the start tag of one is read (its value attribute is
	// secret).
	pairs     pairs
	valueAttr bool
}

// XML redacts an XML body: the content of every secret element (its
// children included) and the value of every secret attribute, judged by
// IsSecret with the enclosing element as the parent (<ticket><value>,
// <root_password>, password="..."), keeping every other byte. Markup in
// comments and CDATA sections is redacted too. An element that is never
// closed is masked to the end of the body.
func XML(body []byte) []byte {
	s := &xmlScan{rewriter: rewriter{src: body}, pairs: newPairs()}
	s.open = s.first[:0]
	s.region(0, len(body))
	return s.result()
}

// parent is the innermost open element: "/" at the root, whose element is
// a member of nothing, nil when unknown (too deep).
func (s *xmlScan) parent() []byte {
	switch {
	case s.deep > 0:
		return nil
	case len(s.open) == 0:
		return []byte("/")
	}
	return s.open[len(s.open)-1]
}

// depth is the number of open elements.
func (s *xmlScan) depth() int { return len(s.open) + s.deep }

func (s *xmlScan) push(name []byte) {
	if len(s.open) >= maxDepth {
		s.deep++
		return
	}
	s.open = append(s.open, name)
}

// pop closes the innermost open element named name (those inside it were
// never closed), if any above base is.
func (s *xmlScan) pop(name []byte) {
	defer func() { s.pairs.closedTo(s.depth()) }()
	if s.deep > 0 {
		s.deep--
		return
	}
	for i := len(s.open) - 1; i >= s.base; i-- {
		if bytes.Equal(s.open[i], name) {
			s.open = s.open[:i]
			return
		}
	}
}

// region scans src[i:end].
func (s *xmlScan) region(i, end int) {
	body := s.src[:end]
	for i < end {
		j := bytes.IndexByte(body[i:], '<')
		if j < 0 {
			return
		}
		j += i
		rest := body[j+1:]
		switch {
		case !s.nested && bytes.HasPrefix(rest, []byte(commentOpen)):
			i = s.inner(j+1+len(commentOpen), end, commentClose)
		case !s.nested && bytes.HasPrefix(rest, []byte(cdataOpen)):
			i = s.inner(j+1+len(cdataOpen), end, cdataClose)
		case len(rest) > 0 && rest[0] == '/':
			i = s.endTag(j+2, end)
		case len(rest) > 0 && (rest[0] == '!' || rest[0] == '?'):
			i = j + 2
		default:
			i = s.startTag(j+1, end)
		}
	}
}

// inner scans the text of a comment or CDATA section from i to its close
// (or end) as markup of its own: an element started there cannot be the
// parent of one outside, nor can it close one. It returns the index after
// the close.
func (s *xmlScan) inner(i, end int, closer string) int {
	e := bytes.Index(s.src[i:end], []byte(closer))
	if e < 0 {
		e = end - i
	}
	e += i
	base, open, deep := s.base, len(s.open), s.deep
	s.base, s.nested = open, true
	s.region(i, e)
	s.open, s.base, s.deep, s.nested = s.open[:open], base, deep, false
	s.pairs.closedTo(s.depth())
	return min(e+len(closer), end)
}

// nameEnd returns the end of the name starting at k.
func nameEnd(body []byte, k int) int {
	for k < len(body) && !isXMLDelim(body[k]) {
		k++
	}
	return k
}

func isXMLDelim(c byte) bool {
	return isSpace(c) || c == '/' || c == '>' || c == '<'
}

func (s *xmlScan) endTag(k, end int) int {
	e := nameEnd(s.src[:end], k)
	s.pop(s.src[k:e])
	return e
}

// startTag handles the start tag whose name begins at k and returns where
// to go on.
func (s *xmlScan) startTag(k, end int) int {
	body := s.src[:end]
	ne := nameEnd(body, k)
	name := body[k:ne]
	if len(name) == 0 {
		return k
	}
	secret := isSecret(s.parent(), name) || s.pairs.valueSecret(s.depth(), name)
	pair := !secret && s.secretPair(body, name, ne)
	if secret {
		if _, closed, _ := s.attrs(nil, false, body, ne); !closed {
			// A secret start tag that never ends: mask all that follows.
			if string(body[ne:end]) != " "+Mask {
				s.replace(ne, end, " "+Mask)
			}
			return end
		}
	}
	s.valueAttr = pair
	stop, closed, selfClosing := s.attrs(name, secret, body, ne)
	s.valueAttr = false
	switch {
	case !closed:
		return stop // at the '<' that broke the tag, or the end
	case selfClosing:
		return stop + 1
	}
	if pair {
		s.pairs.at = s.depth()
	}
	s.push(name)
	if !secret {
		return stop + 1
	}
	closeAt := xmlClose(body, name, stop+1)
	if string(body[stop+1:closeAt]) != Mask {
		s.replace(stop+1, closeAt, Mask)
	}
	return closeAt
}

// secretPair reports whether the element whose name ends at ne is a
// name-value pair whose name is secret, looking ahead into it (see
// pairs).
func (s *xmlScan) secretPair(body, name []byte, ne int) bool {
	if !pairElement(localName(name)) || !s.pairs.mayLook(ne) {
		return false
	}
	gt := bytes.IndexByte(body[ne:], '>')
	if gt < 0 {
		s.pairs.lookedTo = len(body)
		return secretWordOf(xmlPairName(body[ne:], nil))
	}
	tag, closeAt := body[ne:ne+gt], ne+gt
	if gt == 0 || body[ne+gt-1] != '/' {
		closeAt = xmlClose(body, name, ne+gt+1)
	}
	s.pairs.lookedTo = closeAt
	return secretWordOf(xmlPairName(tag, body[min(ne+gt+1, closeAt):closeAt]))
}

// attrs scans a start tag's attributes from the end of its name, masking
// the values of those secret in element (none when element is nil; all
// when the element itself is secret, as its JSON object would be). It
// returns where the tag stops: at its '>' (closed, and selfClosing when
// it ends with "/>"), or, never closed, at a '<' that breaks it or the end
// of body.
func (s *xmlScan) attrs(element []byte, secret bool, body []byte, k int) (stop int, closed, selfClosing bool) {
	for k < len(body) {
		switch c := body[k]; {
		case c == '>':
			return k, true, body[k-1] == '/'
		case c == '<':
			return k, false, false
		case isSpace(c) || c == '/':
			k++
			continue
		}
		start := k
		for k < len(body) && body[k] != '=' && body[k] != '>' && body[k] != '<' && !isSpace(body[k]) {
			k++
		}
		attr := body[start:k]
		k = skipSpace(body, k)
		if k >= len(body) || body[k] != '=' {
			continue
		}
		k = skipSpace(body, k+1)
		if k >= len(body) {
			break
		}
		vStart, vEnd := k, k
		if q := body[k]; q == '"' || q == '\'' {
			vStart = k + 1
			e := bytes.IndexByte(body[vStart:], q)
			broken := e < 0 || bytes.IndexByte(body[vStart:vStart+e], '<') >= 0
			switch {
			case broken && (element == nil || !secret && !isSecret(element, attr)):
				// A quote that never closes, or holds a '<' (which XML
				// forbids there): what follows may be markup, to be
				// scanned as such.
				return vStart, false, false
			case broken:
				// A secret whose end cannot be told: mask to the end.
				vEnd, k = len(body), len(body)
			default:
				vEnd = vStart + e
				k = vEnd + 1
			}
		} else {
			for k < len(body) && body[k] != '>' && body[k] != '<' && !isSpace(body[k]) && !bytes.HasPrefix(body[k:], []byte("/>")) {
				k++
			}
			vEnd = k
		}
		if element != nil && (secret || isSecret(element, attr) || s.valueAttr && bytes.Equal(attr, []byte("value"))) && string(body[vStart:vEnd]) != Mask {
			s.replace(vStart, vEnd, Mask)
		}
	}
	return len(body), false, false
}

// xmlClose returns the index of the "</name" that closes an element whose
// content starts at i, counting nested elements of the same name and
// skipping comments and CDATA sections (which may hold "</name>" as text),
// or len(body) when there is none.
func xmlClose(body, name []byte, i int) int {
	depth := 1
	for i < len(body) {
		j := bytes.IndexByte(body[i:], '<')
		if j < 0 {
			break
		}
		j += i
		rest := body[j+1:]
		if skip := skipOver(rest, cdataOpen, cdataClose); skip != 0 {
			if skip < 0 {
				break
			}
			i = j + 1 + skip
			continue
		}
		if skip := skipOver(rest, commentOpen, commentClose); skip != 0 {
			if skip < 0 {
				break
			}
			i = j + 1 + skip
			continue
		}
		closing := len(rest) > 0 && rest[0] == '/'
		if closing {
			rest = rest[1:]
		}
		if bytes.HasPrefix(rest, name) && (len(rest) == len(name) || isXMLDelim(rest[len(name)])) {
			if closing {
				depth--
				if depth == 0 {
					return j
				}
			} else if e := bytes.IndexByte(rest, '>'); e < 0 || rest[e-1] != '/' {
				depth++
			}
		}
		i = j + 1
	}
	return len(body)
}

// skipOver returns the length of the section that starts rest with open
// and ends with close, 0 when rest does not start with open, -1 when the
// section never ends.
func skipOver(rest []byte, opener, closer string) int {
	if !bytes.HasPrefix(rest, []byte(opener)) {
		return 0
	}
	e := bytes.Index(rest[len(opener):], []byte(closer))
	if e < 0 {
		return -1
	}
	return len(opener) + e + len(closer)
}
