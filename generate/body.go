package generate

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/schema"
	"github.com/ovcompat/ovcompat/sim/restneeds"
)

// body builds a minimal valid body for r: the mandatory members of the
// first of its signatures that can be met (schema's signature functions
// are the one source of "mandatory"), a name for an object that has one,
// objects it refers to found at run time. The body is checked against the
// model before it is used. Steps that find referred objects are added to
// the flow.
func (f *flow) body(r *schema.Route, name string) (string, error) {
	if r.Input == nil {
		return "", nil
	}
	prev := f.adding
	f.adding = r.Path
	defer func() { f.adding = prev }()
	sigs := r.Signatures
	if len(sigs) == 0 {
		sigs = []schema.Signature{{}}
	}
	var errs []error
	for _, sig := range sigs {
		doc := etree.NewDocument()
		root := doc.CreateElement(r.Input.Element)
		err := f.fillSignature(r, root, sig, name)
		if err == nil {
			err = f.check(r, doc)
		}
		if err == nil {
			s, werr := doc.WriteToString()
			return s, werr
		}
		errs = append(errs, err)
	}
	return "", fmt.Errorf("no signature of %s can be met: %w", r, errors.Join(errs...))
}

// fillSignature adds the signature's mandatory members to root, and what
// the engine's REST layer needs beyond them (restneeds).
func (f *flow) fillSignature(r *schema.Route, root *etree.Element, sig schema.Signature, name string) error {
	paths := slices.Clone(sig.Mandatory)
	for _, n := range restneeds.Of(r.Service, r.Operation) {
		paths = append(paths, n.Path)
	}
	for _, p := range paths {
		segs, ok := r.SignaturePath(p)
		if !ok {
			continue // names what the model lacks: not enforced
		}
		if err := f.fill(root, r.Input.Type, segs, name); err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
	}
	if r.Input.Element != "action" && r.Input.Type.Elem("name") != nil && root.SelectElement("name") == nil &&
		root.SelectAttr("id") == nil {
		root.CreateElement("name").SetText(name)
	}
	return nil
}

// fill adds the members segs name (schema.Route.SignaturePath's form)
// below el, of type t.
func (f *flow) fill(el *etree.Element, t *schema.Type, segs []string, name string) error {
	seg, _ := strings.CutSuffix(segs[0], "[]")
	alts := strings.Split(seg, "|")
	if kind, ok := vocabulary()[t.Name]; ok && len(segs) == 1 && slices.Contains(alts, "@id") && isRoot(el) && t.Elem("name") != nil {
		ensure(el, "name").SetText(kind) // a kind the engine defines (a permit's action group)
		return nil
	}
	if len(segs) == 1 && slices.Contains(alts, "@id") && isRoot(el) && f.addsOwn(t) {
		// The object added names itself (4.6.1 NetworksService.Add:
		// or(mandatory(network().id()), mandatory(network().name()));
		// NetworkLabelsService.Add: mandatory(label().id()), a label's id
		// being its text): by name when it may, else its id is the name.
		if slices.Contains(alts, "name") {
			ensure(el, "name").SetText(name)
		} else {
			el.CreateAttr("id", name)
		}
		return nil
	}
	if len(segs) == 1 && slices.Contains(alts, "@id") {
		// el refers to an object that exists: by name or by id.
		n, id, err := f.reference(t, slices.Contains(alts, "name"))
		switch {
		case err != nil:
			return err
		case n != "":
			ensure(el, "name").SetText(n)
		default:
			el.CreateAttr("id", id)
		}
		return nil
	}
	e := t.Elem(alts[0])
	if e == nil {
		return fmt.Errorf("%s has no member %s", t.Name, alts[0])
	}
	child := ensure(el, e.Name)
	if len(segs) == 1 && e.Type.Item != nil {
		// A list of objects (4.6.1 VmBackupsService.Add:
		// mandatory(backup().disks())): one, referring to an existing one.
		return f.fill(child.CreateElement(e.Type.Item.Name), e.Type.Item.Type, []string{"@id"}, name)
	}
	if len(segs) == 1 {
		child.SetText(value(e, name))
		return nil
	}
	return f.fill(child, e.Type, segs[1:], name)
}

// isRoot reports whether el is a body's root element.
func isRoot(el *etree.Element) bool { return el.Parent() == nil || el.Parent().Parent() == nil }

// addsOwn reports whether the body being built adds to the collection
// that holds the objects of type t (rather than attaching one of them), or
// to one of the same kind mounted elsewhere: the labels of a network
// listed in an iSCSI bond (.../iscsibonds/{id}/networks/{network_id}/networklabels)
// are that network's, as /networks/{network_id}/networklabels.
func (f *flow) addsOwn(t *schema.Type) bool {
	lists := f.ix.lists[t]
	if len(lists) == 0 {
		return false
	}
	own := strings.Split(lists[0], "/")
	return lists[0] == f.adding || (len(own) >= 4 && strings.HasSuffix(f.adding, "/"+strings.Join(own[len(own)-3:], "/")))
}

// ensure returns el's child named tag, made when missing.
func ensure(el *etree.Element, tag string) *etree.Element {
	if c := el.SelectElement(tag); c != nil {
		return c
	}
	return el.CreateElement(tag)
}

// value is a valid value for a simple member: an enum's first value, the
// object's name, a value the member's name calls for, else one of its type.
func value(e *schema.Elem, name string) string {
	switch v, known := memberValues()[e.Name]; {
	case e.Type.IsEnum():
		return e.Type.Enum[0]
	case e.Name == "name":
		return name
	case known:
		return v
	}
	return scalarValue(e.Type)
}

// check validates a body against the model and the route's signatures.
func (f *flow) check(r *schema.Route, doc *etree.Document) error {
	if missing := r.MissingMandatory(doc.Root()); len(missing) > 0 {
		return fmt.Errorf("still lacks %s", strings.Join(missing, ", "))
	}
	data, err := doc.WriteToBytes()
	if err != nil {
		return err
	}
	res := f.ix.m.ValidateXML(data, schema.Target{Route: r, Direction: schema.Request}, schema.Limits{})
	for _, v := range res.Violations {
		if v.Severity == schema.Error {
			return fmt.Errorf("the model refuses it: %s at %s: %s", v.Rule, v.Location, v.Reason)
		}
	}
	return nil
}
