package sim

import (
	"bytes"
	"io"
	"net/http"
	"strings"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/schema"
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
	if ct := q.r.Header.Get("Content-Type"); ct != "" && !knownMedia(ct) {
		return nil, faultReply(http.StatusUnsupportedMediaType, "Unsupported Media Type",
			"The request body must be application/xml or application/json.")
	}
	var doc *etree.Document
	if q.in == repJSON {
		v, err := schema.DecodeJSON(data, e.lim)
		if err != nil {
			return nil, faultReply(http.StatusBadRequest, syntaxReason, schema.ParseViolation(err).Reason)
		}
		root, err := e.m.FromJSON(v, in.Element, in.Type)
		if err != nil {
			return nil, faultReply(http.StatusBadRequest, syntaxReason, errorText(err))
		}
		doc = etree.NewDocument()
		doc.SetRoot(root)
		data = nil
	} else {
		doc, err = schema.ParseXML(data, e.lim)
		if err != nil {
			return nil, faultReply(http.StatusBadRequest, syntaxReason, schema.ParseViolation(err).Reason)
		}
	}
	res := e.m.ValidateDocument(doc, data, schema.Target{Route: q.route, Direction: schema.Request}, e.lim)
	for _, v := range res.Violations {
		if v.Severity == schema.Error {
			return nil, faultReply(http.StatusBadRequest, syntaxReason, v.Location+": "+v.Reason)
		}
	}
	return doc.Root(), nil
}

func knownMedia(ct string) bool {
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	switch {
	case mt == "application/xml", mt == "text/xml", mt == "application/json",
		strings.HasSuffix(mt, "+xml"), strings.HasSuffix(mt, "+json"):
		return true
	}
	return false
}

// errorText is an error's message, ASCII only and bounded, for a fault.
func errorText(err error) string { return schema.ASCIISafe(err.Error(), 200) }

// checkSignatures answers 400 "Incomplete parameters" when the body
// satisfies none of the route's signatures (rsdl_metadata's mandatory
// fields, such as a VM's name, cluster and template).
func checkSignatures(route *schema.Route, root *etree.Element, t *schema.Type) *reply {
	if len(route.Signatures) == 0 {
		return nil
	}
	var best []string
	for i, sig := range route.Signatures {
		var missing []string
		for _, p := range sig.Mandatory {
			segs, ok := sigPath(route, t, p)
			if ok && !hasPath(root, segs) {
				_, rest, _ := strings.Cut(p, ".")
				missing = append(missing, strings.ReplaceAll(rest, "--DEPRECATED", ""))
			}
		}
		if len(missing) == 0 {
			return nil
		}
		if i == 0 || len(missing) < len(best) {
			best = missing
		}
	}
	return faultReply(http.StatusBadRequest, "Incomplete parameters",
		typeName(t)+" ["+strings.Join(best, ", ")+"] required for "+strings.ToLower(route.Operation))
}

// sigPath turns a signature's dotted path into the members it names below
// the body's root: alternatives joined by |, attributes as @id, list items
// marked []. The first segment names the body ("datacenter" for
// <data_center>) except in an action's, where it may name one of the
// action's parameters ("storagedomain.id|name"). ok is false for paths that
// name what the model lacks (the metadata has typos and v3 leftovers):
// those are not enforced.
func sigPath(route *schema.Route, t *schema.Type, p string) (segs []string, ok bool) {
	parts := strings.Split(strings.ReplaceAll(p, "--DEPRECATED", ""), ".")
	action := route.Input != nil && route.Input.Element == "action"
	if !action || parts[0] == "action" {
		parts = parts[1:]
	}
	cur := t
	for i, part := range parts {
		each := strings.HasSuffix(part, "[]")
		part = strings.TrimSuffix(part, "[]")
		last := i == len(parts)-1
		var names []string
		var next *schema.Type
		for _, a := range strings.Split(part, "|") {
			if last && cur.Attr(a) != nil {
				names = append(names, "@"+a)
				continue
			}
			e := memberOf(cur, a)
			if e == nil || (action && i == 0 && !route.Input.HasParam(e.Name)) {
				continue
			}
			names = append(names, e.Name)
			if next == nil {
				next = e.Type
			}
		}
		if len(names) == 0 || (!last && (next == nil || next.Simple)) {
			return nil, false
		}
		seg := strings.Join(names, "|")
		if each {
			seg += "[]"
		}
		segs = append(segs, seg)
		cur = next
	}
	return segs, len(segs) > 0
}

// memberOf finds member a of t, by its name or by its name without
// underscores (the metadata writes storagedomain for storage_domain).
func memberOf(t *schema.Type, a string) *schema.Elem {
	if t == nil {
		return nil
	}
	if e := t.Elem(a); e != nil {
		return e
	}
	for _, e := range t.Elems {
		if strings.ReplaceAll(e.Name, "_", "") == a {
			return e
		}
	}
	return nil
}

// hasPath reports whether el has the members segs (from sigPath): any
// alternative, on any item of a list; a simple member must not be empty.
func hasPath(el *etree.Element, segs []string) bool {
	if len(segs) == 0 {
		return true
	}
	for _, alt := range strings.Split(strings.TrimSuffix(segs[0], "[]"), "|") {
		if a, ok := strings.CutPrefix(alt, "@"); ok {
			if el.SelectAttrValue(a, "") != "" {
				return true
			}
			continue
		}
		for _, c := range el.ChildElements() {
			if c.Tag != alt {
				continue
			}
			if len(segs) == 1 && len(c.ChildElements()) == 0 && c.SelectAttr("id") == nil {
				if strings.TrimSpace(c.Text()) != "" {
					return true
				}
				continue
			}
			if hasPath(c, segs[1:]) {
				return true
			}
		}
	}
	return false
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
		if root == nil || !namedBy[root.seg] {
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

// namedBy are the top-level collections whose objects a body may name by
// name instead of id (names of disks, jobs and events do not identify).
var namedBy = map[string]bool{
	"vms": true, "templates": true, "hosts": true, "clusters": true, "datacenters": true, "storagedomains": true,
	"networks": true, "vnicprofiles": true, "cpuprofiles": true, "diskprofiles": true, "roles": true, "users": true,
	"groups": true, "domains": true, "operatingsystems": true, "tags": true, "macpools": true, "affinitylabels": true,
	"instancetypes": true, "schedulingpolicies": true, "schedulingpolicyunits": true, "networkfilters": true,
	"vmpools": true, "bookmarks": true, "externalhostproviders": true, "openstackimageproviders": true,
	"openstacknetworkproviders": true, "openstackvolumeproviders": true, "clusterlevels": true,
}

func entityNotFound(t *schema.Type, what string) *reply {
	name := t.Model
	if name == "" {
		name = t.Name
	}
	return faultReply(http.StatusNotFound, "Operation Failed", "Entity not found: "+name+": "+schema.ASCIISafe(what, 80))
}
