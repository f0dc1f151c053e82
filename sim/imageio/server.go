// Package imageio serves disk images the way ovirt-imageio does, so that
// the simulator's image transfers work with real clients unchanged: the
// oVirt SDK's upload and download examples, ovirt-imageio's own client,
// virt-v2v's rhv-upload plugin.
//
// A Server is an http.Handler for the daemon's /images resource:
//
//	OPTIONS /images/{ticket}          features, Allow, max_readers/max_writers
//	GET     /images/{ticket}          the image, or a Range of it (206)
//	PUT     /images/{ticket}          bytes at the Content-Range's first byte
//	PATCH   /images/{ticket}          {"op": "zero"|"flush", ...}
//	GET     /images/{ticket}/extents  zero (and dirty) extents, as JSON
//
// with the statuses and messages of the daemon
// (ovirt_imageio/_internal/handlers/images.py, extents.py, http.py,
// validate.py, auth.py of github.com/oVirt/ovirt-imageio). Its caller, the
// simulated engine, adds and removes the tickets, as the engine does
// through the daemon's control socket. The bytes live in sparse files in a
// scratch folder of the Server's own, bounded by Options.Limit and removed
// by Close.
//
// What it leaves out: tickets do not expire (the engine removes them), the
// unix_socket of a local client is not offered, the checksum feature is
// not served.
package imageio

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// Defaults of Options.
const (
	// DefaultLimit is the default of Options.Limit: 1 GiB.
	DefaultLimit = 1 << 30
	// DefaultMaxConnections is what the daemon's backends allow by default
	// (max_connections in backends/nbd.py).
	DefaultMaxConnections = 8
)

// Options configure a Server.
type Options struct {
	// Dir is the folder in which the Server makes its scratch folder, with
	// the first ticket; default os.TempDir().
	Dir string
	// Limit is the most bytes of image data the Server stores at once, over
	// all its images; a write beyond it is refused with 413. Areas never
	// written or zeroed cost nothing: images are sparse. Default
	// DefaultLimit.
	Limit int64
	// MaxConnections is the max_readers and max_writers OPTIONS announces;
	// default DefaultMaxConnections.
	MaxConnections int
}

// Server serves images. It is safe for concurrent use.
type Server struct {
	parent  string // where the scratch folder is made
	limit   int64
	maxConn int
	bufs    sync.Pool

	mu      sync.RWMutex
	dir     string // the scratch folder, once made
	tickets map[string]*ticket
	images  map[string]*image
	seq     int
	closed  bool

	usage sync.Mutex
	used  int64 // bytes of data stored and reserved, guarded by usage
}

// New makes a Server. Its scratch folder is made with the first ticket, so
// a Server that never serves an image leaves nothing on disk.
func New(o Options) *Server {
	if o.Limit <= 0 {
		o.Limit = DefaultLimit
	}
	if o.MaxConnections <= 0 {
		o.MaxConnections = DefaultMaxConnections
	}
	s := &Server{parent: o.Dir, limit: o.Limit, maxConn: o.MaxConnections,
		tickets: map[string]*ticket{}, images: map[string]*image{}}
	s.bufs.New = func() any { b := make([]byte, 256<<10); return &b }
	return s
}

// Dir returns the scratch folder holding the images, "" before the first
// ticket.
func (s *Server) Dir() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.dir
}

// Limit returns the most bytes of image data the Server stores.
func (s *Server) Limit() int64 { return s.limit }

// Close removes every image and the scratch folder. Requests after it are
// refused as for an unknown ticket.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	dir := s.dir
	imgs := s.images
	s.images = map[string]*image{}
	s.tickets = map[string]*ticket{}
	s.mu.Unlock()
	var errs []error
	for _, img := range imgs {
		_, err := img.remove()
		errs = append(errs, err)
	}
	if dir != "" {
		errs = append(errs, os.RemoveAll(dir))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("imageio: close: %w", err)
	}
	return nil
}

// errClosed is returned by AddTicket after Close.
var errClosed = errors.New("imageio: server closed")

// AddTicket installs a ticket, making its image (all zeros, Size bytes) if
// the Server has none of that name, or growing it to Size.
func (s *Server) AddTicket(t Ticket) error {
	if t.ID == "" || t.Image == "" || t.Size < 0 {
		return fmt.Errorf("imageio: add ticket %q: want an id, an image and a size >= 0", t.ID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosed
	}
	img := s.images[t.Image]
	if img == nil && s.dir == "" {
		dir, err := os.MkdirTemp(s.parent, "ovcompat-images-")
		if err != nil {
			return fmt.Errorf("imageio: add ticket %s: scratch folder: %w", t.ID, err)
		}
		s.dir = dir
	}
	if img == nil {
		s.seq++
		var err error
		if img, err = createImage(filepath.Join(s.dir, "image-"+strconv.Itoa(s.seq)), t.Size); err != nil {
			return fmt.Errorf("imageio: add ticket %s: %w", t.ID, err)
		}
		s.images[t.Image] = img
	} else if err := img.grow(t.Size); err != nil {
		return fmt.Errorf("imageio: add ticket %s: %w", t.ID, err)
	}
	s.tickets[t.ID] = &ticket{Ticket: t}
	return nil
}

// Usage is what an image holds.
type Usage struct {
	// Data is the bytes of data stored: what a disk's actual_size reports.
	Data int64
	// End is where the last data ends: the size of the file a qcow2 image
	// uploaded as it is would have, and so the size of its download.
	End int64
}

// Usage returns what an image holds, zero for one the Server does not have.
func (s *Server) Usage(image string) Usage {
	s.mu.RLock()
	img := s.images[image]
	s.mu.RUnlock()
	if img == nil {
		return Usage{}
	}
	img.mu.Lock()
	defer img.mu.Unlock()
	return Usage{Data: img.m.data, End: img.m.end()}
}

// RemoveImage deletes an image's bytes (its disk was removed), after the
// requests using it finish. Its tickets stay until removed, refused.
func (s *Server) RemoveImage(image string) error {
	s.mu.Lock()
	img := s.images[image]
	delete(s.images, image)
	s.mu.Unlock()
	if img == nil {
		return nil
	}
	held, err := img.remove()
	s.settle(held, 0)
	if err != nil {
		return fmt.Errorf("imageio: remove image %s: %w", image, err)
	}
	return nil
}

// Used returns the bytes of image data stored, over all images.
func (s *Server) Used() int64 {
	s.usage.Lock()
	defer s.usage.Unlock()
	return s.used
}

// reserve claims n more bytes of storage, or answers 413 when that would
// pass the limit.
func (s *Server) reserve(n int64) *httpError {
	s.usage.Lock()
	defer s.usage.Unlock()
	if n > 0 && s.used+n > s.limit {
		return &httpError{status: statusTooLarge, close: true, msg: fmt.Sprintf(
			"Image storage limit reached: writing %d new bytes would store %d bytes, above the limit of %d bytes (ovcompat sim --image-limit)",
			n, s.used+n, s.limit)}
	}
	s.used += max(n, 0)
	return nil
}

// settle replaces a reservation of reserved bytes by the gain a write or
// zero really made.
func (s *Server) settle(reserved, gained int64) {
	s.usage.Lock()
	s.used += gained - max(reserved, 0)
	s.usage.Unlock()
}

// ServeHTTP routes a request as the daemon's remote service does
// (services.py, http.Router): the method first, then the path.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := s.serve(w, r); err != nil {
		err.write(w)
	}
}

// handler answers one method of a resource for a ticket id; it writes
// success itself and returns what went wrong otherwise.
type handler func(s *Server, w http.ResponseWriter, r *http.Request, ticket string) *httpError

// routes are the daemon's resources with their methods.
var routes = map[string]map[string]handler{
	"extents": {http.MethodGet: (*Server).extents},
	"images": {
		http.MethodGet:     (*Server).get,
		http.MethodPut:     (*Server).put,
		http.MethodPatch:   (*Server).patch,
		http.MethodOptions: (*Server).options,
	},
}

// allowedMethods are the methods the daemon's router knows at all.
var allowedMethods = map[string]bool{"GET": true, "PUT": true, "PATCH": true, "POST": true, "DELETE": true, "OPTIONS": true, "HEAD": true}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) *httpError {
	if !allowedMethods[r.Method] {
		return errorf(statusMethodNotAllowed, "Invalid method %s", pyRepr(r.Method))
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/images/")
	if !ok {
		return errorf(statusNotFound, "No handler for %s", pyRepr(r.URL.Path))
	}
	// The daemon matches r"/images/(.*)/extents" before r"/images/(.*)":
	// greedy, so the ticket runs to the last "/extents".
	resource, ticket := "images", rest
	if i := strings.LastIndex(rest, "/extents"); i >= 0 {
		resource, ticket = "extents", rest[:i]
	}
	h := routes[resource][r.Method]
	if h == nil {
		return errorf(statusMethodNotAllowed, "Method %s not defined for %s", pyRepr(r.Method), pyRepr(r.URL.Path))
	}
	if ticket == "" {
		return errorf(statusBadRequest, "Ticket id is required")
	}
	return h(s, w, r, ticket)
}
