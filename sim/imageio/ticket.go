package imageio

import (
	"fmt"
	"sync"
)

// Ops are what a ticket allows.
type Ops uint8

// The operations of a ticket ("ops" of the daemon's ticket). Write implies
// Read, as in the daemon.
const (
	Read Ops = 1 << iota
	Write
)

// Backend is how the daemon reaches an image, which shows in what it
// reports of it.
type Backend uint8

// The daemon's backends (ovirt_imageio/_internal/backends).
const (
	// NBD serves an image's guest data through qemu-nbd, as the engine
	// has the daemon do for transfers with format raw: extents as the
	// image holds them, max_connections writers (backends/nbd.py).
	NBD Backend = iota
	// File serves the volume's file as it is, as for the other transfers:
	// extents are one data extent, and it takes one writer at a time
	// (backends/file.py, FileBackend.max_writers).
	File
)

// Ticket authorizes transfers of one image, as the engine's tickets do.
type Ticket struct {
	// ID is the ticket's id, the last segment of the transfer URL.
	ID string
	// TransferID names the image transfer in messages.
	TransferID string
	// Image is the image the ticket gives access to; tickets of the same
	// image share its bytes.
	Image string
	// Size is the image's size in bytes: nothing beyond it is read or
	// written.
	Size int64
	// Ops is what the ticket allows.
	Ops Ops
	// Backend is how the image is reached.
	Backend Backend
	// Holes makes unwritten areas report as holes in the extents of an NBD
	// ticket, as a qcow2 image's unallocated clusters do; a raw image has
	// none.
	Holes bool
	// Dirty makes the ticket serve dirty extents (incremental backup).
	Dirty bool
	// Filename is the Content-Disposition file name of downloads.
	Filename string
}

func (t *Ticket) may(op Ops) bool {
	if op == Read {
		return t.Ops&(Read|Write) != 0
	}
	return t.Ops&op != 0
}

// ticket is an installed Ticket with what its operations did, which the
// daemon reports to the engine (auth.Ticket: active, transferred).
type ticket struct {
	Ticket
	mu      sync.Mutex
	ongoing int
	// done holds the ranges the completed operations covered, as data.
	done extentMap
}

// begin marks an operation running (Ticket._add_operation).
func (t *ticket) begin() {
	t.mu.Lock()
	t.ongoing++
	t.mu.Unlock()
}

// end records an operation that covered n bytes from offset
// (Ticket._remove_operation).
func (t *ticket) end(offset, n int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.ongoing--
	t.done.set(offset, offset+max(n, 0), data)
}

// TicketStatus is what the daemon tells the engine of a ticket, which the
// engine shows as the image transfer's active and transferred.
type TicketStatus struct {
	// Active is whether an operation is running.
	Active bool
	// Transferred is the bytes the ticket's operations covered, each byte
	// counted once however often it was read or written.
	Transferred int64
}

// Status returns a ticket's status; false for a ticket the Server does not
// have.
func (s *Server) Status(id string) (TicketStatus, bool) {
	s.mu.RLock()
	t := s.tickets[id]
	s.mu.RUnlock()
	if t == nil {
		return TicketStatus{}, false
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return TicketStatus{Active: t.ongoing > 0, Transferred: t.done.data}, true
}

// RemoveTicket removes a ticket: later requests with it are refused.
// Requests already running finish.
func (s *Server) RemoveTicket(id string) {
	s.mu.Lock()
	delete(s.tickets, id)
	s.mu.Unlock()
}

// authorize finds a ticket allowing op and its image, acquired for the
// request (release it), or answers 403 as the daemon does
// (auth.Authorizer.authorize).
func (s *Server) authorize(id string, op Ops) (*ticket, *image, *httpError) {
	s.mu.RLock()
	t := s.tickets[id]
	var img *image
	if t != nil {
		img = s.images[t.Image]
	}
	s.mu.RUnlock()
	if t == nil || img == nil || !img.acquire() {
		return nil, nil, forbidden("No such ticket " + id)
	}
	if !t.may(op) {
		img.release()
		return nil, nil, forbidden(fmt.Sprintf("Transfer=%s forbids %s", t.TransferID, opName[op]))
	}
	return t, img, nil
}

var opName = map[Ops]string{Read: "read", Write: "write"}
