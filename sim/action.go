package sim

import (
	"net/http"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/schema"
)

// action answers an action route: 200 with <action> and status complete,
// or 202 with a job to poll when async=true.
func (e *Engine) action(q *request) *reply {
	in, rp := e.readInput(q)
	if rp != nil {
		return rp
	}
	at := q.route.Input.Type
	if rp := checkSignatures(q.route, in); rp != nil {
		return rp
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var rec *record
	if n := len(q.segs) - 1; n > 0 {
		w, ok := e.st.walk(q.segs[:n], q.tmpl[:n], false)
		rec = w.rec
		if rec == nil {
			rec = w.parent // an action on a collection (gluster bricks)
		}
		if !ok || (rec == nil && n > 1) || (rec != nil && !e.visibleAt(q, rec)) {
			return notFound()
		}
		if rec == nil && !q.acct.admin {
			return forbidden()
		}
		if rec != nil && !q.acct.admin && rec.owner != q.acct.name && !q.acct.grants[rec.id] && !e.pathGranted(q) && !e.granted(q.acct, rec, 3) {
			return forbidden()
		}
	} else if !q.acct.admin {
		return forbidden()
	}
	normalize(in, at, false)
	_ = e.resolveRefs(in, at, false)
	o := &op{e: e, q: q, rec: rec, in: in, result: etree.NewElement("action")}
	for _, c := range in.ChildElements() {
		o.result.AddChild(c.Copy())
	}
	_, name := splitLast(q.route.Path)
	if h := e.reg.service(q.route.Service).actions[name]; h != nil {
		if rp := h(o); rp != nil {
			return rp
		}
	}
	out := q.route.Output
	if out == nil {
		out = &schema.Body{Element: "action", Type: at}
	}
	status := http.StatusOK
	var job *record
	if boolParam(o.param("async")) {
		if job = e.addJob(q, jobDescription(q, rec), rec); job != nil {
			ref := etree.NewElement("job")
			ref.CreateAttr("id", job.id)
			setChild(o.result, out.Type, ref)
		}
		setText(o.result, out.Type, "status", "pending")
		status = http.StatusAccepted
	} else if childOf(o.result, "status") == nil {
		setText(o.result, out.Type, "status", "complete")
	}
	e.outputDefaults(o.result, out)
	normalize(o.result, out.Type, false)
	x := &renderer{e: e, base: q.base}
	return &reply{status: status, el: x.copy(o.result, out.Type), typ: out.Type, rec: rec, job: job}
}

// outputDefaults adds the output parameters an action returns that no
// hook set, with neutral values.
func (e *Engine) outputDefaults(result *etree.Element, out *schema.Body) {
	for _, p := range out.Params {
		if childOf(result, p) != nil {
			continue
		}
		el := out.Type.Elem(p)
		if el == nil {
			continue
		}
		c := etree.NewElement(p)
		if el.Type.Simple {
			switch {
			case el.Type.IsEnum():
				c.SetText(el.Type.Enum[0])
			case el.Type.Scalar == schema.Boolean:
				c.SetText("false")
			case el.Type.Scalar == schema.String:
			case el.Type.Scalar == schema.DateTime:
				c.SetText(formatTime(e.now()))
			default:
				c.SetText("0")
			}
		}
		setChild(result, out.Type, c)
	}
}

// performed answers a write whose REST resource answers as
// BackendResource.performAction does (restneeds.AnswersAction), whatever
// the model's operation returns: 200 and an <action> whose status is
// complete, or 202 and no body when the client does not wait
// (performNonBlockingAction, which has no action to send).
func (e *Engine) performed(q *request, rec *record) *reply {
	if boolParam(q.query.Get("async")) || expects(q.r, "202-accepted") {
		return &reply{status: http.StatusAccepted, rec: rec}
	}
	at := e.m.Type("Action")
	result := etree.NewElement("action")
	setText(result, at, "status", "complete")
	x := &renderer{e: e, base: q.base}
	return &reply{status: http.StatusOK, el: x.copy(result, at), typ: at, rec: rec}
}
