package sim

import (
	"net/http"
	"strings"
	"time"

	"github.com/ovcompat/ovcompat/schema"
)

// jobResources are the jobs: the engine's record of its operations, which
// clients poll (a write sent with a correlation id, an async action) and
// which external tools add and end themselves.
func jobResources(e *Engine) []resource {
	return []resource{{
		service: "JobsService", seg: "jobs", typ: "Job",
		prepare: e.externalJob,
		actions: map[string]func(*op) *reply{"end": e.jobEnd, "clear": e.jobClear},
	}}
}

// addJob records an operation in /jobs: started now, finished once rec
// (nil: nothing) is ready, that is when its intermediate states end. A
// client's correlation id tags it, so that GET /jobs?search=correlation_id=X
// finds it, as the engine's jobs carry the correlation id of the request
// that made them. Callers hold mu.
func (e *Engine) addJob(q *request, description string, rec *record) *record {
	c := e.st.roots["jobs"]
	if c == nil {
		return nil
	}
	t := c.item
	d := x("job", "description", description, "auto_cleared", "true", "external", "false",
		"last_updated", formatTime(e.now()), "start_time", formatTime(e.now()), "status", "started")
	if q.acct.userID != "" {
		d.AddChild(refs("owner", q.acct.userID)[0])
	}
	normalize(d, t, false)
	job := &record{id: e.newID(), typ: t, tag: "job", data: d, kept: map[string]string{"correlation_id": q.corr}}
	e.st.insert(c, job)
	e.schedule(job, e.readyAt(rec).Sub(e.now()), "status", func() {
		setText(job.data, job.typ, "status", "finished")
		e.stamp(job, "end_time")
		e.stamp(job, "last_updated")
	})
	return job
}

// readyAt is when rec's pending changes are all done (now when it has
// none): when an operation on it ends. Callers hold mu.
func (e *Engine) readyAt(rec *record) time.Time {
	at := e.now()
	for _, p := range e.pending {
		if rec != nil && p.rec == rec && p.at.After(at) {
			at = p.at
		}
	}
	return at
}

// trackWrite records, for a write that succeeded and carried the client's
// correlation id (header or parameter), a job tagged with it.
func (e *Engine) trackWrite(q *request, rp *reply) {
	if !q.corrGiven || rp.job != nil || rp.status >= 300 || q.route == nil {
		return
	}
	switch q.r.Method {
	case http.MethodGet, http.MethodHead:
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.addJob(q, jobDescription(q, rp.rec), rp.rec)
}

// jobDescription says what a write does, as a job's description.
func jobDescription(q *request, rec *record) string {
	what := ""
	if rec != nil {
		what = " " + typeName(rec.typ) + " " + textOf(rec.data, "name")
	}
	_, last := splitLast(q.route.Path)
	switch q.route.Kind {
	case schema.Add:
		return "Adding" + what
	case schema.Update:
		return "Editing" + what
	case schema.Remove:
		return "Removing " + last
	}
	return strings.TrimSpace("Executing action " + last + strings.Replace(what, " ", " on ", 1))
}

// externalJob starts a job an external tool adds (POST /jobs): external,
// started, until the tool ends it (BackendJobsResource.add:
// AddExternalJob with the description and auto_cleared).
func (e *Engine) externalJob(o *op) *reply {
	d, t := o.rec.data, o.rec.typ
	setText(d, t, "external", "true")
	defaults(d, t, map[string]string{"auto_cleared": "false"})
	setText(d, t, "status", "started")
	e.stamp(o.rec, "start_time")
	e.stamp(o.rec, "last_updated")
	if o.q.acct.userID != "" {
		setRef(d, t, "owner", o.q.acct.userID)
	}
	return nil
}

// jobEnd ends a job: finished, or failed when the action says
// succeeded=false.
func (e *Engine) jobEnd(o *op) *reply {
	if textOf(o.rec.data, "status") != "started" {
		return conflict("Cannot end Job. The Job is not running.")
	}
	e.cancel(o.rec, "status")
	status := "finished"
	if textOf(o.in, "succeeded") == "false" {
		status = "failed"
	}
	setText(o.rec.data, o.rec.typ, "status", status)
	e.stamp(o.rec, "end_time")
	e.stamp(o.rec, "last_updated")
	return nil
}

// jobClear marks a job to be cleared from the list.
func (e *Engine) jobClear(o *op) *reply {
	setText(o.rec.data, o.rec.typ, "auto_cleared", "true")
	return nil
}
