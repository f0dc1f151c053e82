package sim

import (
	"math"
	"strconv"
	"strings"

	"github.com/ovcompat/ovcompat/sim/imageio"
)

// imageTransferResources are the image transfers: a session of
// ovirt-imageio on a disk's image, which the engine itself serves below
// ImagesPath. The phases and what they do to the disk are the engine's
// (TransferDiskImageCommand and TransferImageStatusCommand of
// backend/manager/modules/bll in oVirt/ovirt-engine; the REST layer's
// BackendImageTransfersResource and BackendImageTransferResource):
//
//	add       initializing, the disk locked; then transferring, with the
//	          daemon's ticket and the transfer_url and proxy_url to it
//	finalize  finalizing_success, the ticket removed; then
//	          finished_success, the disk ok (an upload's actual size set)
//	cancel    cancelled_user, finalizing_cleanup, finished_cleanup (an
//	          upload's disk illegal), finished_failure: an upload's disk
//	          removed (endWithFailure runs RemoveDisk), a download's ok
//	pause     paused_user (uploads only); resume: resuming, transferring
//
// each step a share of Options.Settle after the one before.
func imageTransferResources(e *Engine) []resource {
	return []resource{{
		service: "ImageTransfersService", seg: "imagetransfers", typ: "ImageTransfer",
		prepare: e.transferPrepare, after: e.transferStart,
		actions: map[string]func(*op) *reply{
			"finalize": e.transferFinalize, "cancel": e.transferCancel,
			"pause": e.transferPause, "resume": e.transferResume,
		},
	}}
}

// transfer is an image transfer's session with the daemon.
type transfer struct {
	rec, disk *record
	download  bool
	// backend is the daemon's way to the image: nbd when the client asked
	// for format raw (TransferDiskImageCommand.getTransferBackend).
	backend imageio.Backend
	// base is the URL of the daemon's /images as the client reached the
	// engine; ticket the session's ticket, "" when none is open.
	base, ticket string
}

// Defaults the engine gives a transfer: TransferImageClientInactivityTimeoutInSeconds
// is 60 (packaging/dbscripts upgrade 0000_config.sql), the timeout policy
// legacy (TransferDiskImageCommand.executeCommand).
var transferDefaults = map[string]string{
	"active": "false", "transferred": "0", "inactivity_timeout": "60", "timeout_policy": "legacy", "shallow": "false",
}

// transferPrepare checks the disk as TransferDiskImageCommand.validate does
// and writes the transfer as ImageTransferMapper does: the disk as <image>
// (the mapper sets image.id to the disk's id and no disk), in phase
// initializing.
func (e *Engine) transferPrepare(o *op) *reply {
	d := o.rec.data
	diskID := idOf(d, "disk")
	if diskID == "" {
		diskID = idOf(d, "image") // addForImage, 4.1's way
	}
	if s := idOf(d, "snapshot"); diskID == "" && s != "" {
		if snap := e.st.lookup(s, e.m.Type("DiskSnapshot")); snap != nil {
			diskID = idOf(snap.data, "disk")
		}
	}
	if diskID == "" {
		return faultReply(400, "Incomplete parameters", "ImageTransfer [disk.id] required for add")
	}
	disk := e.st.lookup(diskID, e.m.Type("Disk"))
	if disk == nil {
		return entityNotFound(e.m.Type("Disk"), "id="+diskID)
	}
	if rp := e.transferable(disk); rp != nil {
		return rp
	}
	t := &transfer{rec: o.rec, disk: disk, download: textOf(d, "direction") == "download", backend: imageio.File}
	if textOf(d, "format") == "raw" {
		t.backend = imageio.NBD
	}
	defaults(d, o.rec.typ, map[string]string{"direction": "upload", "format": textOf(disk.data, "format")})
	defaults(d, o.rec.typ, transferDefaults)
	setText(d, o.rec.typ, "phase", "initializing")
	removeChildren(d, "disk")
	removeChildren(d, "snapshot")
	setRef(d, o.rec.typ, "image", disk.id)
	e.img.transfers[o.rec.id] = t
	return nil
}

// transferable refuses a disk the engine does not transfer: locked (another
// transfer has it), illegal, or plugged to a VM that is not down
// (validateImageTransfer: diskImagesNotLocked, diskImagesNotIllegal,
// isDiskPluggedToAnyNonDownVm).
func (e *Engine) transferable(disk *record) *reply {
	alias := textOf(disk.data, "alias")
	switch textOf(disk.data, "status") {
	case "locked":
		return conflict("Cannot transfer Virtual Disk: The following disks are locked: " + alias + ". Please try again in a few minutes.")
	case "illegal":
		return conflict("Cannot transfer Virtual Disk. The following disks are in illegal status: " + alias + ".")
	}
	var vms []string
	for _, r := range e.st.byID[disk.id] {
		if r.typ.Name == "DiskAttachment" && r.home != nil && r.home.owner != nil && textOf(r.data, "active") == "true" {
			if vm := r.home.owner; textOf(vm.data, "status") != "down" {
				vms = append(vms, textOf(vm.data, "name"))
			}
		}
	}
	if len(vms) > 0 {
		return conflict("Cannot transfer Virtual Disk. Disk " + alias + " is plugged to the following VMs that are not down: " + strings.Join(vms, ",") + ".")
	}
	return nil
}

// transferStart locks the disk and opens the session once the transfer is
// initialized.
func (e *Engine) transferStart(o *op) {
	t := e.img.transfers[o.rec.id]
	t.base = absURL(o.q.r, ImagesPath+"/images/")
	e.setStatus(t.disk, "locked")
	e.steps(o.rec, "phase", func() {}, func() { e.openSession(t) })
}

// openSession adds the daemon's ticket and moves the transfer to
// transferring (startImageTransferSession); a ticket the daemon refuses
// stops the transfer as the engine does (paused_system for an upload,
// cancelled_system for a download).
func (e *Engine) openSession(t *transfer) {
	ticket := imageio.Ticket{ID: e.newID(), TransferID: t.rec.id, Image: t.disk.id, Size: e.ticketSize(t),
		Ops: imageio.Write, Backend: t.backend, Holes: t.backend == imageio.NBD && textOf(t.disk.data, "format") == "cow"}
	if t.download {
		ticket.Ops = imageio.Read
	}
	if err := e.img.srv.AddTicket(ticket); err != nil {
		e.log.Warn("add image ticket", "transfer", t.rec.id, "err", err)
		if t.download {
			e.setPhase(t, "cancelled_system")
		} else {
			e.setPhase(t, "paused_system")
		}
		return
	}
	t.ticket = ticket.ID
	r := t.rec
	setText(r.data, r.typ, "transfer_url", t.base+ticket.ID)
	setText(r.data, r.typ, "proxy_url", t.base+ticket.ID)
	if idOf(r.data, "host") == "" {
		if h := e.upHost(); h != nil {
			setRef(r.data, r.typ, "host", h.id)
		}
	}
	e.setPhase(t, "transferring")
	e.every(r, e.settle, "poll", func() bool { return e.pollTransfer(t) })
}

// pollTransfer shows the ticket's status as the transfer's active and
// transferred while the session is open, as the engine's polls of the
// daemon do every settle time (pollTransferStatus,
// updateTransferStatusWithTicketInformation). It reports whether the
// session is still open.
func (e *Engine) pollTransfer(t *transfer) bool {
	if t.ticket == "" {
		return false
	}
	if st, ok := e.img.srv.Status(t.ticket); ok {
		setText(t.rec.data, t.rec.typ, "active", strconv.FormatBool(st.Active))
		setText(t.rec.data, t.rec.typ, "transferred", strconv.FormatInt(st.Transferred, 10))
	}
	return true
}

// closeSession removes the ticket: the URLs go with it (the mapper writes
// them only while the entity has a ticket).
func (e *Engine) closeSession(t *transfer) {
	if t.ticket == "" {
		return
	}
	e.cancel(t.rec, "poll")
	if st, ok := e.img.srv.Status(t.ticket); ok {
		setText(t.rec.data, t.rec.typ, "transferred", strconv.FormatInt(st.Transferred, 10))
	}
	setText(t.rec.data, t.rec.typ, "active", "false")
	e.img.srv.RemoveTicket(t.ticket)
	t.ticket = ""
	removeChildren(t.rec.data, "transfer_url")
	removeChildren(t.rec.data, "proxy_url")
}

// ticketSize is the bytes the daemon lets the client reach
// (TransferDiskImageCommand.getTransferSize): the virtual size through
// nbd and for raw disks; for a qcow2 volume as it is, the file's size on
// download and room for a fully allocated one on upload.
func (e *Engine) ticketSize(t *transfer) int64 {
	size, _ := strconv.ParseInt(textOf(t.disk.data, "provisioned_size"), 10, 64)
	if t.backend == imageio.NBD || textOf(t.disk.data, "format") != "cow" {
		return size
	}
	if t.download {
		return e.img.srv.Usage(t.disk.id).End
	}
	// StorageConstants.QCOW_OVERHEAD_FACTOR and QCOW_HEADER_OVERHEAD.
	return int64(math.Ceil(float64(size)*1.1)) + 1<<20
}

// upHost returns the first host that is up, nil when none is.
func (e *Engine) upHost() *record {
	for _, h := range e.st.roots["hosts"].list() {
		if textOf(h.data, "status") == "up" {
			return h
		}
	}
	return nil
}

func (e *Engine) setPhase(t *transfer, phase string) {
	setText(t.rec.data, t.rec.typ, "phase", phase)
}

// transferEnded reports whether a transfer is past finalize or cancel. A
// real engine's TransferImageStatusCommand would still write the phase
// asked for into the entity, which no command reads any more; the
// simulator leaves a finished transfer as it is.
func transferEnded(t *transfer) bool {
	p := textOf(t.rec.data, "phase")
	return strings.HasPrefix(p, "finished_") || strings.HasPrefix(p, "finalizing_") || strings.HasPrefix(p, "cancelled")
}

// transferFinalize ends the session with success (handleFinalizingSuccess,
// endSuccessfully): an upload's disk gets the size of what it holds.
func (e *Engine) transferFinalize(o *op) *reply {
	t := e.img.transfers[o.rec.id]
	if t == nil || transferEnded(t) {
		return nil
	}
	e.steps(t.rec, "phase", func() {
		e.setPhase(t, "finalizing_success")
		e.closeSession(t)
	}, func() {
		e.setPhase(t, "finished_success")
		if !t.download {
			n := strconv.FormatInt(e.img.srv.Usage(t.disk.id).Data, 10)
			setText(t.disk.data, t.disk.typ, "actual_size", n)
			setText(t.disk.data, t.disk.typ, "total_size", n)
		}
		e.setStatus(t.disk, "ok")
	})
	return nil
}

// transferCancel ends the session with failure (handleCancelledUser,
// cleanup, endWithFailure): an upload's disk is illegal, then removed.
func (e *Engine) transferCancel(o *op) *reply {
	t := e.img.transfers[o.rec.id]
	if t == nil || transferEnded(t) {
		return nil
	}
	e.steps(t.rec, "phase", func() {
		e.setPhase(t, "cancelled_user")
		e.closeSession(t)
	}, func() {
		e.setPhase(t, "finalizing_cleanup")
	}, func() {
		e.setPhase(t, "finished_cleanup")
		if t.download {
			e.setStatus(t.disk, "ok")
		} else {
			e.setStatus(t.disk, "illegal")
		}
	}, func() {
		e.setPhase(t, "finished_failure")
		if !t.download {
			e.destroyDisk(t.disk)
		}
	})
	return nil
}

// transferPause pauses an upload; a download cannot be paused
// (TransferImageStatusCommand.validate).
func (e *Engine) transferPause(o *op) *reply {
	t := e.img.transfers[o.rec.id]
	if t == nil {
		return nil
	}
	if t.download {
		return conflict("Cannot pause image transfer. Only an upload can be paused.")
	}
	if p := textOf(t.rec.data, "phase"); p == "transferring" || p == "resuming" {
		e.steps(t.rec, "phase", func() { e.setPhase(t, "paused_user") })
	}
	return nil
}

// transferResume resumes a paused transfer (handleResuming); one that is
// not paused cannot be resumed (TransferImageStatusCommand.validate).
func (e *Engine) transferResume(o *op) *reply {
	t := e.img.transfers[o.rec.id]
	if t == nil {
		return nil
	}
	if p := textOf(t.rec.data, "phase"); p != "paused_user" && p != "paused_system" {
		return conflict("Cannot resume image transfer. The transfer is not paused.")
	}
	e.steps(t.rec, "phase", func() { e.setPhase(t, "resuming") }, func() {
		if t.ticket == "" {
			e.openSession(t)
			return
		}
		e.setPhase(t, "transferring")
	})
	return nil
}
