package sim

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/internal/media"
	"github.com/ovcompat/ovcompat/schema"
)

// rep is a representation: XML (the engine's default) or JSON.
type rep uint8

const (
	repXML rep = iota
	repJSON
)

// Content types the engine writes.
const (
	ctypeXML  = "application/xml;charset=UTF-8"
	ctypeJSON = "application/json;charset=UTF-8"
)

// negotiate picks the response representation from Accept (the first of
// XML or JSON it names), else that of the request body; and the request
// body's from Content-Type.
func negotiate(r *http.Request) (out, in rep) {
	in, _ = mediaRep(r.Header.Get("Content-Type"))
	out = in
	for _, v := range r.Header.Values("Accept") {
		for _, part := range strings.Split(v, ",") {
			mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil || params["q"] == "0" {
				continue
			}
			if r, known := mediaRep(mt); known {
				return r, in
			}
		}
	}
	return out, in
}

// mediaRep returns the representation a media type names (XML when it
// names neither) and whether it names one; an absent one (ct "") counts as
// XML.
func mediaRep(ct string) (r rep, known bool) {
	switch media.Declared(ct) {
	case media.JSON:
		return repJSON, true
	case media.XML, media.None:
		return repXML, true
	}
	return repXML, false
}

// faultReply builds an error answer with a <fault> body.
func faultReply(status int, reason, detail string) *reply {
	f := etree.NewElement("fault")
	if detail != "" {
		f.AddChild(elem("detail", detail))
	}
	f.AddChild(elem("reason", reason))
	return &reply{status: status, el: f}
}

// notFound is the engine's answer for an unknown id: 404, empty body.
func notFound() *reply { return &reply{status: http.StatusNotFound} }

// conflict is the engine's answer to an operation the object's state
// forbids.
func conflict(detail string) *reply {
	return faultReply(http.StatusConflict, "Operation Failed", "["+detail+"]")
}

// encode writes el in representation out.
func (e *Engine) encode(el *etree.Element, t *schema.Type, out rep) []byte {
	var buf bytes.Buffer
	if out == repJSON {
		if t != nil && !t.Simple && len(el.Child) == 0 && len(el.Attr) == 0 {
			return []byte("{ }\n") // an empty collection, as the engine writes it
		}
		var compact bytes.Buffer
		_ = e.m.EncodeJSON(&compact, el, t) // el is never nil here; buffers do not fail
		_ = json.Indent(&buf, compact.Bytes(), "", "  ")
		buf.WriteByte('\n')
		return buf.Bytes()
	}
	doc := etree.NewDocument()
	doc.CreateProcInst("xml", `version="1.0" encoding="UTF-8" standalone="yes"`)
	doc.SetRoot(el)
	doc.Indent(4)
	_, _ = doc.WriteTo(&buf) // writing to a bytes.Buffer does not fail
	return buf.Bytes()
}

// respond writes a reply, corrupting it first when a fault is injected.
func (e *Engine) respond(w http.ResponseWriter, q *request, rp *reply) {
	h := w.Header()
	for k, vs := range rp.header {
		h[k] = vs
	}
	if rp.el != nil && rp.typ == nil {
		rp.typ = e.m.Element(rp.el.Tag)
	}
	fault := e.inj.pick(rp, q.r.Method)
	if fault != nil {
		h.Set("X-Ovcompat-Fault", fault.Name)
		e.log.Info("sim: fault injected", slog.String("fault", fault.Name), slog.String("method", q.r.Method), slog.String("path", q.r.URL.Path))
		if fault.body != nil {
			fault.body(rp)
		}
	}
	if rp.location != "" {
		h.Set("Location", absURL(q.r, rp.location))
	}
	var body []byte
	if rp.el != nil || rp.raw != nil {
		ct := ctypeXML
		body = rp.raw
		if rp.el != nil {
			body = e.encode(rp.el, rp.typ, q.out)
			if q.out == repJSON {
				ct = ctypeJSON
			}
		}
		h.Set("Content-Type", ct)
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	out := wire{status: rp.status, header: h}
	if fault != nil && fault.wire != nil {
		fault.wire(&out)
	}
	if out.slow {
		t := time.NewTimer(e.opt.Latency)
		select {
		case <-t.C:
		case <-q.r.Context().Done():
			t.Stop()
		}
	}
	w.WriteHeader(out.status)
	e.log.Debug("sim: request", slog.String("method", q.r.Method), slog.String("path", q.r.URL.Path),
		slog.Int("status", out.status), slog.String("correlation_id", q.corr), slog.Duration("took", time.Since(q.started)))
	if q.r.Method == http.MethodHead || len(body) == 0 {
		return
	}
	if out.cut {
		_, _ = w.Write(body[:len(body)/2])
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
		// The documented way to cut a response short: the server closes
		// the connection without logging a stack trace.
		panic(http.ErrAbortHandler)
	}
	_, _ = w.Write(body)
}

// absURL makes an absolute URL of a path, as the engine's Location is.
func absURL(r *http.Request, path string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}
