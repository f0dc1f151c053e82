package sim

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/schema"
)

// request is an API request on its way through the engine.
type request struct {
	r     *http.Request
	route *schema.Route
	// base is the base path the client used (with /v4 when it did).
	base string
	// rel is the path below the base, matrix parameters removed.
	rel  string
	segs []string
	tmpl []string
	acct *account
	// out is the representation of the response, in that of the body.
	out, in rep
	query   url.Values
	now     time.Time
	corr    string
	// corrGiven is set when the client chose the correlation id: its
	// writes are then tracked as jobs tagged with it.
	corrGiven bool
	started   time.Time
}

// reply is what a handler answers.
type reply struct {
	status int
	// el is the body's root; nil for an empty body.
	el  *etree.Element
	typ *schema.Type
	// location is the Location header of a created object.
	location string
	header   http.Header
	// raw is a body written already (the XSD, the RSDL), sent as XML.
	raw []byte
	// add marks the answer to an Add, for the wrong-status fault.
	add bool
	// rec is the object a write made, changed or acted on, and job the
	// job that tracks the write, if any.
	rec, job *record
}

// serveAPI answers a request below /ovirt-engine/api.
func (e *Engine) serveAPI(w http.ResponseWriter, r *http.Request) {
	q := &request{r: r, now: e.now(), started: time.Now()}
	q.corr = correlationID(r)
	q.corrGiven = q.corr != ""
	if !q.corrGiven {
		q.corr = formatUUID([16]byte(uuidBytes()))
	}
	w.Header().Set("Correlation-Id", q.corr)
	q.acct = e.authenticate(w, r)
	if q.acct == nil {
		ignoreBody(w, r)
		unauthorized(w)
		return
	}
	q.base, q.rel = BasePath, strings.TrimPrefix(r.URL.Path, BasePath)
	for _, v := range []string{"/v4", "/v3"} {
		if q.rel == v || strings.HasPrefix(q.rel, v+"/") || strings.HasPrefix(q.rel, v+";") {
			if v == "/v3" {
				// The v3 API was removed in 4.3; the engine has no such path.
				e.respond(w, q, &reply{status: http.StatusNotFound})
				return
			}
			q.base, q.rel = BasePath+v, q.rel[len(v):]
		}
	}
	if q.rel == "" || strings.HasPrefix(q.rel, ";") {
		q.rel = "/" + q.rel
	}
	q.out, q.in = negotiate(r)
	match := e.m.Routes().Lookup(r.Method, q.rel)
	q.query = mergeQuery(r.URL.Query(), match.Matrix)
	q.route = match.Route
	if q.route == nil || q.route.Input == nil {
		ignoreBody(w, r)
	}
	if q.route == nil {
		if len(match.Allowed) > 0 {
			h := http.Header{}
			h.Set("Allow", allow(match.Allowed))
			e.respond(w, q, &reply{status: http.StatusMethodNotAllowed, header: h})
			return
		}
		e.respond(w, q, &reply{status: http.StatusNotFound})
		return
	}
	for _, s := range splitPath(q.rel) {
		if i := strings.IndexByte(s, ';'); i >= 0 {
			s = s[:i]
		}
		q.segs = append(q.segs, s)
	}
	q.rel = "/" + strings.Join(q.segs, "/")
	q.tmpl = splitPath(q.route.Path)
	if q.rel == "/" && (q.query.Has("schema") || q.query.Has("rsdl")) && r.Method != http.MethodPost {
		e.respond(w, q, e.description(q))
		return
	}
	e.advance(q.now)
	rp := e.dispatch(q)
	e.trackWrite(q, rp)
	e.respond(w, q, rp)
}

// dispatch runs the generic handler of the route's kind.
func (e *Engine) dispatch(q *request) *reply {
	switch q.route.Kind {
	case schema.Get:
		return e.get(q)
	case schema.List:
		return e.list(q)
	case schema.Add:
		return e.add(q)
	case schema.Update:
		return e.update(q)
	case schema.Remove:
		return e.remove(q)
	}
	return e.action(q)
}

// correlationID returns the correlation id a client sent, as the engine's
// CurrentFilter reads it: the Correlation-Id header, else the
// correlation_id parameter, with every character but letters, digits, _
// and - removed and at most 36 kept
// ("INVALID_CORRELATION_ID_CHARACTERS_RE = Pattern.compile(\"[^0-9a-zA-Z_-]+\")",
// "correlationId.substring(0, Math.min(correlationId.length(), 36))").
func correlationID(r *http.Request) string {
	for _, v := range []string{r.Header.Get("Correlation-Id"), r.URL.Query().Get("correlation_id")} {
		b := make([]byte, 0, 36)
		for i := 0; i < len(v) && len(b) < 36; i++ {
			if c := v[i]; c == '_' || c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
				b = append(b, c)
			}
		}
		if len(b) > 0 {
			return string(b)
		}
	}
	return ""
}

// allow lists the methods of a path for the Allow header; HEAD goes with
// GET.
func allow(methods []string) string {
	ms := append([]string(nil), methods...)
	if slices.Contains(ms, "GET") && !slices.Contains(ms, "HEAD") {
		ms = append(ms, "HEAD")
	}
	sort.Strings(ms)
	return strings.Join(ms, ", ")
}

// mergeQuery adds the matrix parameters (";max=10") under the query ones.
func mergeQuery(q url.Values, matrix map[string]string) url.Values {
	for k, v := range matrix {
		if !q.Has(k) {
			if u, err := url.PathUnescape(v); err == nil {
				v = u
			}
			q.Set(k, v)
		}
	}
	return q
}

// boolParam reads a boolean URL parameter or header value.
func boolParam(v string) bool {
	return strings.EqualFold(strings.TrimSpace(v), "true")
}

// description answers ?schema (the model's XSD) and ?rsdl (its RSDL), as
// the engine describes itself; both are written once and kept.
func (e *Engine) description(q *request) *reply {
	rsdl := q.query.Has("rsdl") && !q.query.Has("schema")
	once, data := &e.xsdOnce, &e.xsd
	if rsdl {
		once, data = &e.rsdlOnce, &e.rsdl
	}
	once.Do(func() {
		var buf bytes.Buffer
		var err error
		if rsdl {
			err = e.m.WriteRSDL(&buf)
		} else {
			err = e.m.WriteXSD(&buf)
		}
		if err != nil {
			e.log.Error("sim: describe the model", slog.String("error", err.Error()))
			return
		}
		*data = buf.Bytes()
	})
	if *data == nil {
		return faultReply(http.StatusInternalServerError, "Operation Failed", "The engine could not describe its model.")
	}
	return &reply{status: http.StatusOK, raw: *data}
}

// uuidBytes returns 16 random bytes.
func uuidBytes() []byte {
	b := make([]byte, 16)
	fillRandom(b)
	return b
}
