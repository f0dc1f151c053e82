package sim

import (
	"bytes"
	"io"
	"net/http"
	"strings"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/schema"
	"github.com/ovcompat/ovcompat/sim/restneeds"
)

// syntaxReason is the engine's reason for a body it cannot read.
const syntaxReason = "Request syntactically incorrect."

// readInput reads the request body of q's route, in XML or JSON, and
// checks it against the model: a body that does not parse, is not the
// route's input or breaks the model is answered 400 with a fault, one
// larger than Options.MaxBody 413. An action (or a remove that takes an
// <action>) without a body gets an empty <action>.
func (e *Engine) readInput(q *request) (*etree.Element, *reply) {
	in := q.route.Input
	data, err := io.ReadAll(io.LimitReader(q.r.Body, e.opt.MaxBody+1))
	if err != nil {
		return nil, faultReply(http.StatusBadRequest, syntaxReason, "The request body could not be read.")
	}
	if int64(len(data)) > e.opt.MaxBody {
		return nil, faultReply(http.StatusRequestEntityTooLarge, "Request Entity Too Large",
			"The request body is larger than the engine accepts.")
	}
	if in == nil {
		return nil, nil
	}
	if len(bytes.TrimSpace(data)) == 0 {
		if in.Element == "action" {
			return etree.NewElement("action"), nil
		}
		return nil, faultReply(http.StatusBadRequest, syntaxReason, "The request has no body, but the operation needs a <"+in.Element+">.")
	}
	if _, known := mediaRep(q.r.Header.Get("Content-Type")); !known {
		return nil, faultReply(http.StatusUnsupportedMediaType, "Unsupported Media Type",
			"The request body must be application/xml or application/json.")
	}
	target := schema.Target{Route: q.route, Direction: schema.Request}
	var doc *etree.Document
	if q.in == repJSON {
		doc, err = e.m.JSONDocument(data, target, e.lim)
		data = nil // no line numbers: the document is not this text
	} else {
		doc, err = schema.ParseXML(data, e.lim)
	}
	if err != nil {
		return nil, faultReply(http.StatusBadRequest, syntaxReason, schema.ParseViolation(err).Reason)
	}
	res := e.m.ValidateDocument(doc, data, target, e.lim)
	for _, v := range res.Violations {
		if v.Severity == schema.Error {
			return nil, faultReply(http.StatusBadRequest, syntaxReason, v.Location+": "+v.Reason)
		}
	}
	return doc.Root(), nil
}

// checkSignatures answers 400 "Incomplete parameters" when the body
// satisfies none of the route's signatures (rsdl_metadata's mandatory
// fields, such as a VM's name, cluster and template), or lacks a member the
// REST layer validates (restneeds); nothing where the REST layer's resource
// checks nothing (restneeds.Overridden).
func checkSignatures(route *schema.Route, root *etree.Element) *reply {
	if restneeds.Overridden(route.Service, route.Operation, route.Path) {
		return nil
	}
	missing := route.MissingMandatoryExcept(root, uncheckedBy(route))
	if missing == nil {
		return restMissing(route, root)
	}
	best := make([]string, len(missing))
	for i, p := range missing {
		_, rest, _ := strings.Cut(p, ".")
		best[i] = rest
	}
	return faultReply(http.StatusBadRequest, "Incomplete parameters",
		typeName(route.Input.Type)+" ["+strings.Join(best, ", ")+"] required for "+strings.ToLower(route.Operation))
}

// resolveRefs rewrites the references in data (of type t) to
// <x id="..."/>, finding objects named by name in their top-level
// collection. With strict, a reference to an unknown object is answered
// 404 "Entity not found", as the engine does. Callers hold mu.
func (e *Engine) resolveRefs(data *etree.Element, t *schema.Type, strict bool) *reply {
	for _, c := range data.ChildElements() {
		el := t.Elem(c.Tag)
		if el == nil || el.Type.Simple {
			continue
		}
		if !el.Link {
			if rp := e.resolveRefs(c, el.Type, false); rp != nil {
				return rp
			}
			continue
		}
		if el.Type.Item != nil {
			for _, it := range c.ChildElements() {
				if rp := e.resolveRef(it, el.Type.Item.Type, strict); rp != nil {
					return rp
				}
			}
			continue
		}
		if rp := e.resolveRef(c, el.Type, strict); rp != nil {
			return rp
		}
	}
	return nil
}

// resolveRef resolves one reference; see resolveRefs.
func (e *Engine) resolveRef(c *etree.Element, t *schema.Type, strict bool) *reply {
	id, name := c.SelectAttrValue("id", ""), textOf(c, "name")
	var r *record
	switch {
	case id != "":
		r = e.st.lookup(id, t)
		if r == nil && strict && e.st.root(t) != nil {
			return entityNotFound(t, "id="+id)
		}
	case name != "":
		root := e.st.root(t)
		if root == nil || !e.reg.of(root).named {
			return nil
		}
		r = root.byName(name)
		if r == nil && strict {
			return entityNotFound(t, "name="+name)
		}
	}
	if r != nil {
		c.Child, c.Attr = nil, nil
		c.CreateAttr("id", r.id)
	}
	return nil
}

func entityNotFound(t *schema.Type, what string) *reply {
	return faultReply(http.StatusNotFound, "Operation Failed", "Entity not found: "+typeName(t)+": "+schema.ASCIISafe(what, 80))
}
