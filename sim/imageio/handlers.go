package imageio

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// allFeatures are the features of a writable ticket and of "*", readFeatures
// those of a read-only one (images.py ALL_FEATURES, BASE_FEATURES; the
// checksum feature is not served).
var (
	allFeatures  = []string{"extents", "flush", "zero"}
	readFeatures = []string{"extents"}
)

// get downloads the image or a Range of it (images.Handler.get).
func (s *Server) get(w http.ResponseWriter, r *http.Request, id string) *httpError {
	closeIfAsked(w, r)
	var rng *byteRange
	if h, ok := header(r, "Range"); ok {
		br, err := parseRange(h)
		if err != nil {
			return err
		}
		if br.first < 0 {
			return errorf(statusRangeNotSatisfiable, "suffix-byte-range-spec not supported yet")
		}
		rng = &br
	}
	t, img, err := s.authorize(id, Read)
	if err != nil {
		return err
	}
	defer img.release()
	available := min(t.Size, img.length())
	var offset, size int64
	switch {
	case rng != nil && rng.last >= 0:
		offset, size = rng.first, rng.last-rng.first+1
		if err := allowedRange(offset, size, t); err != nil {
			return err
		}
		if offset+size > available {
			return notAvailable(offset+size, available)
		}
	case rng != nil:
		// The daemon would answer a negative Content-Length for an offset
		// past the end, and 206 with nothing for one at the end: both are
		// unsatisfiable ranges (RFC 9110 14.1.2).
		offset, size = rng.first, available-rng.first
		if size <= 0 {
			return notAvailable(offset, available)
		}
	default:
		size = available
	}
	h := w.Header()
	h.Set("Content-Length", itoa(size))
	h.Set("Content-Type", "application/octet-stream")
	disposition := "attachment"
	if t.Filename != "" {
		disposition += "; filename=" + t.Filename
	}
	h.Set("Content-Disposition", disposition)
	cors(w, r, "*")
	status := http.StatusOK
	if rng != nil {
		status = http.StatusPartialContent
		h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", offset, offset+size-1, t.Size))
	}
	w.WriteHeader(status)
	// The status is sent: a failure now can only cut the body short, which
	// the client sees against Content-Length.
	t.begin()
	n, _ := io.Copy(w, io.NewSectionReader(img.f, offset, size))
	t.end(offset, n)
	return nil
}

// put writes the body at the Content-Range's first byte (images.Handler.put).
func (s *Server) put(w http.ResponseWriter, r *http.Request, id string) *httpError {
	closeIfAsked(w, r)
	size := r.ContentLength
	if _, given := header(r, "Content-Length"); size < 0 || !given {
		return &httpError{status: statusBadRequest, msg: "Content-Length header is required", close: true}
	}
	var offset int64
	if h, ok := header(r, "Content-Range"); ok {
		cr, err := parseContentRange(h)
		if err != nil {
			err.close = true
			return err
		}
		offset = cr.first
	}
	flush, present := queryValue(r, "flush")
	if _, err := enum(flush, present, "flush", []string{"n", "y"}, "y"); err != nil {
		err.close = true
		return err
	}
	t, img, err := s.authorizeRange(id, Write, offset, size)
	if err != nil {
		err.close = true
		return err
	}
	defer img.release()
	reserved := size - img.dataIn(offset, offset+size)
	if err := s.reserve(reserved); err != nil {
		return err
	}
	bp := s.bufs.Get().(*[]byte)
	t.begin()
	n, werr := img.writeFrom(r.Body, offset, size, *bp)
	t.end(offset, n)
	s.bufs.Put(bp)
	s.settle(reserved, img.mark(offset, offset+n, data))
	switch {
	case errors.Is(werr, errWrite):
		return &httpError{status: statusInternal, msg: "Server failed to perform the request, check logs", close: true}
	case n < size:
		return &httpError{status: statusBadRequest, msg: fmt.Sprintf("Requested %d bytes, available %d bytes", size, n), close: true}
	}
	cors(w, r, "*")
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
	return nil
}

// maxPatch bounds a PATCH body: its JSON message is a few dozen bytes.
const maxPatch = 64 << 10

// patch runs the JSON operation of the body: zero or flush
// (images.Handler.patch).
func (s *Server) patch(w http.ResponseWriter, r *http.Request, id string) *httpError {
	msg, err := readMessage(r.Body)
	if err != nil {
		return err
	}
	v, present := msg["op"]
	op, err := enum(v, present, "op", []string{"flush", "zero"}, "")
	if err != nil {
		return err
	}
	if op == "flush" {
		// The bytes are in a scratch folder removed at exit: there is no
		// storage to make them durable on, so a flush only checks the ticket.
		_, img, err := s.authorize(id, Write)
		if err != nil {
			return err
		}
		img.release()
		return ok(w)
	}
	size, err := msg.integer("size", 0, nil)
	if err != nil {
		return err
	}
	zero := int64(0)
	offset, err := msg.integer("offset", 0, &zero)
	if err != nil {
		return err
	}
	if _, err := msg.boolean("flush", false); err != nil {
		return err
	}
	t, img, err := s.authorizeRange(id, Write, offset, size)
	if err != nil {
		return err
	}
	defer img.release()
	t.begin()
	gained, zerr := img.zero(offset, offset+size)
	if zerr == nil {
		t.end(offset, size)
	} else {
		t.end(offset, 0)
	}
	if zerr != nil {
		return errorf(statusInternal, "Server failed to perform the request, check logs")
	}
	s.settle(0, gained)
	return ok(w)
}

// options tells what the ticket allows (images.Handler.options).
func (s *Server) options(w http.ResponseWriter, r *http.Request, id string) *httpError {
	type answer struct {
		Features   []string `json:"features"`
		MaxReaders int      `json:"max_readers,omitempty"`
		MaxWriters int      `json:"max_writers,omitempty"`
	}
	cors(w, r, "OPTIONS,GET,PUT")
	if id == "*" {
		w.Header().Set("Allow", "OPTIONS,GET,PUT,PATCH")
		return sendJSON(w, answer{Features: allFeatures})
	}
	t, img, err := s.authorize(id, Read)
	if err != nil {
		return err
	}
	img.release()
	allow := []string{"OPTIONS", "GET"}
	a := answer{Features: readFeatures, MaxReaders: s.maxConn, MaxWriters: s.maxConn}
	if t.Backend == File {
		a.MaxWriters = 1
	}
	if t.may(Write) {
		allow = append(allow, "PUT", "PATCH")
		a.Features = allFeatures
	}
	w.Header().Set("Allow", strings.Join(allow, ","))
	return sendJSON(w, a)
}

// extent is one entry of GET /images/{ticket}/extents (extent.py): a zero
// extent has zero and hole, a dirty extent dirty and zero.
type extent struct {
	Start  int64 `json:"start"`
	Length int64 `json:"length"`
	Dirty  *bool `json:"dirty,omitempty"`
	Zero   bool  `json:"zero"`
	Hole   *bool `json:"hole,omitempty"`
}

// extents lists the image's extents (extents.Handler.get).
func (s *Server) extents(w http.ResponseWriter, r *http.Request, id string) *httpError {
	t, img, err := s.authorize(id, Read)
	if err != nil {
		return err
	}
	defer img.release()
	v, present := queryValue(r, "context")
	context, err := enum(v, present, "context", []string{"dirty", "zero"}, "zero")
	if err != nil {
		return err
	}
	if context == "dirty" && !t.Dirty {
		return errorf(statusNotFound, "Ticket does not support dirty extents")
	}
	if t.Backend == File {
		// backends/file.py: "TODO: Use qemu-img map to get extents."
		no := false
		return sendJSON(w, []extent{{Start: 0, Length: img.length(), Hole: &no}})
	}
	return sendJSON(w, img.extents(min(t.Size, img.length()), t.Holes, context == "dirty"))
}

// extents lists [0, size) as the daemon's nbd backend does: consecutive
// areas that read alike merged. Without checkpoints to compare with, every
// area is dirty: an incremental backup copies all of it.
func (img *image) extents(size int64, holes, dirty bool) []extent {
	yes := true
	out := []extent{}
	img.mu.Lock()
	defer img.mu.Unlock()
	img.m.walk(0, size, func(s span) {
		e := extent{Start: s.start, Length: s.end - s.start, Zero: s.kind != data}
		if dirty {
			e.Dirty = &yes
		} else {
			hole := holes && s.kind == unwritten
			e.Hole = &hole
		}
		if n := len(out); n > 0 && out[n-1].Zero == e.Zero && same(out[n-1].Hole, e.Hole) {
			out[n-1].Length += e.Length
			return
		}
		out = append(out, e)
	})
	return out
}

func same(a, b *bool) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

// authorizeRange is authorize, then the ticket's range check.
func (s *Server) authorizeRange(id string, op Ops, offset, size int64) (*ticket, *image, *httpError) {
	t, img, err := s.authorize(id, op)
	if err != nil {
		return nil, nil, err
	}
	if err := allowedRange(offset, size, t); err != nil {
		img.release()
		return nil, nil, err
	}
	return t, img, nil
}

// allowedRange refuses bytes beyond the ticket's size (validate.allowed_range).
func allowedRange(offset, size int64, t *ticket) *httpError {
	if size < 0 || offset > t.Size || size > t.Size-offset {
		return &httpError{status: statusRangeNotSatisfiable, msg: "Requested range out of allowed range", contentRange: "bytes */" + itoa(t.Size)}
	}
	return nil
}

// notAvailable refuses bytes beyond the image's end
// (validate.available_range).
func notAvailable(requested, available int64) *httpError {
	return &httpError{status: statusRangeNotSatisfiable, contentRange: "bytes */" + itoa(available),
		msg: fmt.Sprintf("Requested more bytes than available: %d > %d", requested, available)}
}

// closeIfAsked closes the connection after the response when the query
// says close=y (the engine's UI does, after an upload or download).
func closeIfAsked(w http.ResponseWriter, r *http.Request) {
	if v, _ := queryValue(r, "close"); v == "y" {
		w.Header().Set("Connection", "close")
	}
}

// cors adds the headers of a cross-origin request the daemon adds to
// OPTIONS, GET and PUT (cors.py).
func cors(w http.ResponseWriter, r *http.Request, methods string) {
	h := w.Header()
	modified := false
	for _, c := range []struct{ request, allow, value string }{
		{"Origin", "Access-Control-Allow-Origin", "*"},
		{"Access-Control-Request-Headers", "Access-Control-Allow-Headers", "*"},
		{"Access-Control-Request-Method", "Access-Control-Allow-Methods", methods},
	} {
		if r.Header.Get(c.request) != "" {
			h.Set(c.allow, c.value)
			modified = true
		}
	}
	if modified {
		h.Set("Access-Control-Max-Age", "86400")
	}
}

// header returns a request header's first value and whether it is there.
func header(r *http.Request, name string) (string, bool) {
	v, ok := r.Header[http.CanonicalHeaderKey(name)]
	if !ok || len(v) == 0 {
		return "", false
	}
	return v[0], true
}

// queryValue returns a query parameter's last value, as the daemon reads
// the query (the last key=value pair wins).
func queryValue(r *http.Request, name string) (string, bool) {
	v, ok := r.URL.Query()[name]
	if !ok || len(v) == 0 {
		return "", false
	}
	return v[len(v)-1], true
}

func ok(w http.ResponseWriter) *httpError {
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusOK)
	return nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
