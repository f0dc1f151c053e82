package sim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/schema"
	"github.com/ovcompat/ovcompat/sim/restneeds"
)

// driver drives routes of the model against an engine: it finds or makes
// the objects a route's path names and writes a body that satisfies the
// route's signature, as a client reading the RSDL would.
type driver struct {
	t   testing.TB
	m   *schema.Model
	c   *client
	seq int
}

// ids lists the ids of a collection (nil when it cannot be listed).
func (d *driver) ids(path string) []string {
	resp, body := d.c.do("GET", path, "")
	if resp.StatusCode != http.StatusOK {
		return nil
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(body); err != nil || doc.Root() == nil {
		return nil
	}
	var out []string
	for _, it := range doc.Root().ChildElements() {
		if id := it.SelectAttrValue("id", ""); id != "" {
			out = append(out, id)
		}
	}
	return out
}

// create adds an object to the collection at path through its Add route;
// it returns the new id or "".
func (d *driver) create(path string, add *schema.Route) string {
	el := d.body(add, path)
	body := xmlString(el)
	resp, data := d.c.do("POST", path, body)
	if resp.StatusCode/100 != 2 {
		d.t.Logf("setup: POST %s: %d %s", path, resp.StatusCode, clipBody(data))
		return ""
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(data); err != nil || doc.Root() == nil {
		return ""
	}
	if id := doc.Root().SelectAttrValue("id", ""); id != "" {
		return id
	}
	// An Add answering the list it added (GlusterBricksService.Add:
	// @In @Out GlusterBricks bricks): the new object its Location names.
	if loc := resp.Header.Get("Location"); loc != "" {
		return loc[strings.LastIndex(loc, "/")+1:]
	}
	return ""
}

// concrete fills a route's template with ids of existing objects, creating
// them where a collection is empty, and trying other parents when a
// read-only collection below one is empty. fresh makes a new last object
// when the collection can add (for a Remove).
func (d *driver) concrete(r *schema.Route, fresh bool) (string, bool) {
	if r.Path == "/" {
		return "/", true
	}
	segs := strings.Split(strings.Trim(r.Path, "/"), "/")
	var walk func(i int, path string) (string, bool)
	walk = func(i int, path string) (string, bool) {
		if i == len(segs) {
			return path, true
		}
		if !strings.HasPrefix(segs[i], "{") {
			return walk(i+1, path+"/"+segs[i])
		}
		tmpl := "/" + strings.Join(segs[:i], "/")
		add := d.m.Routes().Find("POST", tmpl)
		var cands []string
		if fresh && i == len(segs)-1 && add != nil {
			if id := d.create(path, add); id != "" {
				cands = append(cands, id)
			}
		}
		if len(cands) == 0 {
			cands = d.ids(path)
			if len(cands) > 3 {
				cands = cands[:3]
			}
		}
		if len(cands) == 0 && add != nil {
			if id := d.create(path, add); id != "" {
				cands = append(cands, id)
			}
		}
		if len(cands) == 0 && add == nil && d.m.Routes().Find("GET", tmpl) == nil {
			cands = append(cands, "MaxVmsInPool") // a keyed collection: any key names an item
		}
		for _, id := range cands {
			if p, ok := walk(i+1, path+"/"+id); ok {
				return p, true
			}
		}
		if add != nil && len(cands) > 0 {
			// The objects below the existing ones are gone: make a new one.
			if id := d.create(path, add); id != "" {
				return walk(i+1, path+"/"+id)
			}
		}
		return path, false
	}
	return walk(0, "")
}

// params adds the URL parameters a route requires, as matrix or query
// parameters as the route says.
func (d *driver) params(r *schema.Route, path string) string {
	var query []string
	for _, p := range r.Params {
		if !p.Required {
			continue
		}
		v := "true"
		if p.Type != schema.Boolean {
			v = "1"
		}
		if p.Context == "matrix" {
			path += ";" + p.Name + "=" + v
		} else {
			query = append(query, p.Name+"="+v)
		}
	}
	if len(query) > 0 {
		path += "?" + strings.Join(query, "&")
	}
	return path
}

// topList is the List route of t's top-level collection, or nil.
func (d *driver) topList(t *schema.Type) *schema.Route {
	for _, r := range d.m.Routes().All() {
		if r.Kind == schema.List && strings.Count(r.Path, "/") == 1 && r.Output.Type.Item != nil && r.Output.Type.Item.Type == t && r.Path != "/permissions" {
			return r
		}
	}
	return nil
}

// first returns an object of type t from its top-level collection, one not
// listed in except (a collection path) when possible, made when needed.
func (d *driver) first(t *schema.Type, except string) string {
	list := d.topList(t)
	if list == nil {
		return ""
	}
	taken := map[string]bool{}
	if except != "" {
		for _, id := range d.ids(except) {
			taken[id] = true
		}
	}
	for _, id := range d.ids(list.Path) {
		if !taken[id] {
			return id
		}
	}
	if add := d.m.Routes().Find("POST", list.Path); add != nil {
		id := d.create(list.Path, add)
		if except != "" && slices.Contains(d.ids(except), id) {
			// A new object joined that collection by itself (a network
			// of the data center): name a new one instead.
			return ""
		}
		return id
	}
	return ""
}

// override returns a body the signatures alone do not make useful.
func (d *driver) override(typeName string) string {
	switch typeName {
	case "DiskAttachment":
		return `<disk_attachment><active>true</active><bootable>false</bootable><interface>virtio_scsi</interface><pass_discard>false</pass_discard>` +
			`<disk><format>cow</format><provisioned_size>1073741824</provisioned_size><storage_domains><storage_domain id="` +
			d.first(d.m.Type("StorageDomain"), "") + `"/></storage_domains></disk></disk_attachment>`
	case "Role":
		// A permit is an action group (BackendRolesResource.validatePermitId:
		// "is not a valid permit ID."): CREATE_VM is 1.
		d.seq++
		return fmt.Sprintf(`<role><name>drv-role-%d</name><permits><permit id="1"/></permits></role>`, d.seq)
	case "ImageTransfer":
		// A disk of its own: a transfer locks its disk, and the engine
		// refuses one plugged to a VM that is not down. The model's
		// signatures (ForDisk: disk.id) are not in the RSDL.
		disk := d.create("/disks", d.m.Routes().Find("POST", "/disks"))
		return `<image_transfer><disk id="` + disk + `"/><direction>upload</direction></image_transfer>`
	}
	return ""
}

// body writes a request body for route r (an Add, Update, action or a
// Remove that takes one) at path.
func (d *driver) body(r *schema.Route, path string) *etree.Element {
	if r.Input == nil {
		return nil
	}
	if s := d.override(r.Input.Type.Name); s != "" && r.Kind == schema.Add {
		doc := etree.NewDocument()
		if err := doc.ReadFromString(s); err == nil {
			return doc.Root()
		}
	}
	root := etree.NewElement(r.Input.Element)
	if len(r.Signatures) == 0 {
		if r.Kind == schema.Add {
			d.leaf(root, r.Input.Type, "name", path)
		}
		return d.restFill(r, root, path)
	}
	sig := r.Signatures[0]
	for _, s := range r.Signatures[1:] {
		if len(s.Mandatory) < len(sig.Mandatory) {
			sig = s
		}
	}
	for _, p := range sig.Mandatory {
		if segs, ok := r.SignaturePath(p); ok {
			d.fill(root, r.Input.Type, segs, path)
		}
	}
	return d.restFill(r, root, path)
}

// restFill adds what the engine's REST layer validates beyond the
// signatures (restneeds), and sends a disk copied or moved to a storage
// domain it is not on yet.
func (d *driver) restFill(r *schema.Route, root *etree.Element, path string) *etree.Element {
	_, last := splitLast(r.Path)
	for _, n := range restneeds.At(r.Service, r.Operation, r.Path) {
		if segs, ok := r.SignaturePath(n.Path); ok && n.Check == restneeds.Validated {
			d.fill(root, r.Input.Type, segs, path)
		}
	}
	if sd := childOf(root, "storage_domain"); sd != nil && (last == "copy" || last == "move") && strings.Contains(r.Path, "/disks/") {
		on := string(d.c.must(200, "GET", strings.TrimSuffix(path, "/"+last), ""))
		for _, id := range d.ids("/storagedomains") {
			if !strings.Contains(on, `id="`+id+`"`) {
				sd.Attr, sd.Child = nil, nil
				sd.CreateAttr("id", id)
				break
			}
		}
	}
	return root
}

// fill creates the members of a signature path (from sigPath) below el.
func (d *driver) fill(el *etree.Element, t *schema.Type, segs []string, path string) {
	if len(segs) == 0 || t == nil {
		return
	}
	alts := strings.Split(strings.TrimSuffix(segs[0], "[]"), "|")
	if len(segs) > 1 {
		e := t.Elem(alts[0])
		c := childOf(el, alts[0])
		if c == nil {
			c = etree.NewElement(alts[0])
			insertOrdered(el, t, c)
		}
		d.fill(c, e.Type, segs[1:], path)
		return
	}
	if el.SelectAttr("id") != nil {
		return
	}
	// The root of a body adding to t's own top-level collection names
	// the new object itself (model 4.6.1 NetworksService.Add:
	// or(mandatory(network().id()), mandatory(network().name()))).
	own := el.Parent() == nil && d.topList(t) != nil && d.topList(t).Path == path
	for _, a := range alts {
		if a == "@id" && !own {
			if id := d.first(t, path); id != "" {
				el.CreateAttr("id", id)
				return
			}
		}
	}
	for _, a := range alts {
		if e := t.Elem(a); e != nil && e.Type.Item != nil && childOf(el, a) == nil {
			// A list of objects (model 4.6.1 VmBackupsService.Add:
			// mandatory(backup().disks())): one existing object.
			list := etree.NewElement(a)
			insertOrdered(el, t, list)
			d.fill(list.CreateElement(e.Type.Item.Name), e.Type.Item.Type, []string{"@id"}, path)
			return
		}
		if !strings.HasPrefix(a, "@") {
			d.leaf(el, t, a, path)
			return
		}
	}
	d.seq++
	el.CreateAttr("id", fmt.Sprintf("drv-%d", d.seq)) // a client-chosen id (labels, permits)
}

// leaf sets a simple member to a value of its type.
func (d *driver) leaf(el *etree.Element, t *schema.Type, name, path string) {
	e := t.Elem(name)
	if e == nil || childOf(el, name) != nil {
		return
	}
	var v string
	switch {
	case name == "name" || name == "user_name" || name == "address" || name == "path":
		d.seq++
		v = fmt.Sprintf("drv-%d", d.seq)
	case e.Type.IsEnum():
		v = e.Type.Enum[0]
		for _, pref := range []string{"nfs", "data", "cow", "virtio", "vm", "password"} {
			if e.Type.HasEnumValue(pref) {
				v = pref
				break
			}
		}
	case !e.Type.Simple:
		c := etree.NewElement(name)
		if id := d.first(e.Type, ""); id != "" && e.Link {
			c.CreateAttr("id", id)
		}
		insertOrdered(el, t, c)
		return
	case e.Type.Scalar == schema.Boolean:
		v = "false"
	case e.Type.Scalar == schema.String:
		v = "value"
	case e.Type.Scalar == schema.DateTime:
		v = "2026-01-01T00:00:00.000Z"
	default:
		v = "1"
	}
	insertOrdered(el, t, elem(name, v))
}

func xmlString(el *etree.Element) string {
	if el == nil {
		return ""
	}
	doc := etree.NewDocument()
	doc.SetRoot(el.Copy())
	s, _ := doc.WriteToString()
	return s
}

// jsonString writes el in the engine's JSON mapping.
func jsonString(m *schema.Model, el *etree.Element, t *schema.Type) string {
	if el == nil {
		return ""
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(m.ToJSON(el, t))
	return buf.String()
}
