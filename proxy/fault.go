package proxy

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/ovcompat/ovcompat/internal/media"
	"github.com/ovcompat/ovcompat/rules"
	"github.com/ovcompat/ovcompat/schema"
)

// wantsJSON reports whether a client reads JSON: its Accept takes JSON
// and not XML, or takes both (or says nothing) and it sent JSON. The
// engine's default is XML.
func wantsJSON(h http.Header) bool {
	if accept := strings.Join(h.Values("Accept"), ","); strings.TrimSpace(accept) != "" {
		j, x := rules.Accepts(accept, "application/json"), rules.Accepts(accept, "application/xml")
		if j != x {
			return j
		}
	}
	return media.Declared(h.Get("Content-Type")) == rules.JSON
}

// faultBody renders an oVirt fault in the client's representation.
func faultBody(reqHeader http.Header, reason, detail string) (body []byte, contentType string) {
	reason, detail = schema.ASCIISafe(reason, 512), schema.ASCIISafe(detail, 4096)
	if wantsJSON(reqHeader) {
		b, _ := json.Marshal(struct {
			Reason string `json:"reason"`
			Detail string `json:"detail"`
		}{reason, detail})
		return append(b, '\n'), "application/json"
	}
	var buf bytes.Buffer
	buf.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n<fault>\n    <reason>")
	_ = xml.EscapeText(&buf, []byte(reason))
	buf.WriteString("</reason>\n    <detail>")
	_ = xml.EscapeText(&buf, []byte(detail))
	buf.WriteString("</detail>\n</fault>\n")
	return buf.Bytes(), "application/xml;charset=UTF-8"
}

// faultResponse is a response the proxy gives itself.
func faultResponse(req *http.Request, status int, reason, detail string) *http.Response {
	body, ctype := faultBody(req.Header, reason, detail)
	return &http.Response{
		Status:     strconv.Itoa(status) + " " + http.StatusText(status),
		StatusCode: status, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: http.Header{
			"Content-Type":   {ctype},
			"Content-Length": {strconv.Itoa(len(body))},
		},
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}
}

// writeFault answers a request directly.
func writeFault(w http.ResponseWriter, r *http.Request, status int, reason, detail string) {
	body, ctype := faultBody(r.Header, reason, detail)
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// violationFault says why the proxy rejected a request or a response: the
// reason names the first error's rule and location, the detail lists every
// error.
func violationFault(what string, vs []schema.Violation) (reason, detail string) {
	var errs []string
	first := ""
	for _, v := range vs {
		if v.Severity != schema.Error {
			continue
		}
		if first == "" {
			first = v.Rule + " at " + v.Location
		}
		errs = append(errs, fmt.Sprintf("%s at %s: %s", v.Rule, v.Location, v.Reason))
	}
	reason = fmt.Sprintf("ovcompat rejected the %s: %s", what, first)
	if len(errs) > 1 {
		reason += fmt.Sprintf(" (and %d more)", len(errs)-1)
	}
	return reason, strings.Join(errs, "; ")
}
