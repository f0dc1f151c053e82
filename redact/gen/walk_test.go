package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/redact"
	"github.com/ovcompat/ovcompat/schema"
)

// TestEveryTypeRedacted walks every type of the model: for every element
// of every type (and every document root) it builds a document that holds
// that element where the model nests it (the shortest chain of elements
// from a document root), with every member of the element's type filled,
// in XML and in the engine's JSON (schema's encoder), in every release of
// the model. Each secret member must be masked, and every other member kept.
func TestEveryTypeRedacted(t *testing.T) {
	ms := models(t)
	// The secret members of every release: an exception may name a
	// member only some releases have.
	f, err := find(ms, modelRule())
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		w := walk{t: t, m: m, f: f, paths: pathsTo(m)}
		for _, u := range m.Types() {
			for _, e := range u.Elems {
				if e.Type != nil && !e.Type.Simple {
					w.check(append(w.path(u), e.Name), e.Type)
				}
			}
		}
		for _, n := range m.Elements() {
			if t := m.Element(n); t != nil && !t.Simple {
				w.check([]string{n}, t)
			}
		}
		if w.docs < 1000 || w.secrets < 20 {
			t.Errorf("the walk built %d documents holding %d secrets: too few to mean anything", w.docs, w.secrets)
		}
		t.Logf("model %s: %d documents, %d secret members masked in XML and JSON", m.Version, w.docs, w.secrets)
	}
}

type walk struct {
	t             *testing.T
	m             *schema.Model
	f             *found
	paths         map[*schema.Type][]string
	docs, secrets int
}

// path returns the elements from a document root to one of type u.
func (w *walk) path(u *schema.Type) []string {
	if p, ok := w.paths[u]; ok {
		return p
	}
	return []string{"r"} // no root reaches u: any element will do
}

// secret reports whether member name of t is a secret member: t or a type
// it extends declares it secret.
func (w *walk) secret(t *schema.Type, name string) bool {
	for a := t; a != nil; a = a.Base {
		if _, ok := w.f.members[memberKey{a.Name, name}]; ok {
			return true
		}
	}
	return false
}

// check builds the document of path whose last element has type t.
func (w *walk) check(path []string, t *schema.Type) {
	doc := etree.NewDocument()
	var el *etree.Element = &doc.Element
	for _, n := range path {
		el = el.CreateElement(n)
	}
	type value struct {
		v      string
		secret bool
		name   string
	}
	var values []value
	for i, a := range t.Attrs {
		v := fmt.Sprintf("A%dv%d", i, w.docs)
		el.CreateAttr(a.Name, v)
		values = append(values, value{v, w.secret(t, a.Name), a.Name})
	}
	for i, e := range t.Elems {
		if e.Type == nil || !e.Type.Simple {
			continue
		}
		v := fmt.Sprintf("E%dv%d", i, w.docs)
		el.CreateElement(e.Name).SetText(v)
		values = append(values, value{v, w.secret(t, e.Name), e.Name})
	}
	w.docs++
	xml, err := doc.WriteToString()
	if err != nil {
		w.t.Fatal(err)
	}
	root := doc.Root()
	var js bytes.Buffer
	if err := w.m.EncodeJSON(&js, root, w.m.Element(root.Tag)); err != nil {
		w.t.Fatal(err)
	}
	where := strings.Join(path, "/")
	for _, d := range []struct{ kind, text string }{{"application/xml", xml}, {"application/json", js.String()}} {
		out := string(redact.Body(d.kind, []byte(d.text)))
		for _, v := range values {
			survived := strings.Contains(out, v.v)
			switch {
			case v.secret && survived:
				w.t.Errorf("%s: %s <%s/%s> survived redaction:\n%s", d.kind, t.Name, where, v.name, out)
			case !v.secret && !survived && !(d.kind == "application/json" && jsonRootLoses(path, v.name)):
				w.t.Errorf("%s: %s <%s/%s> is not secret, yet redacted:\n%s", d.kind, t.Name, where, v.name, out)
			case v.secret:
				w.secrets++
			}
		}
	}
}

// pathsTo maps each type to the shortest chain of elements from a
// document root to an element of that type.
func pathsTo(m *schema.Model) map[*schema.Type][]string {
	paths := map[*schema.Type][]string{}
	var queue []*schema.Type
	for _, n := range m.Elements() {
		if t := m.Element(n); t != nil && paths[t] == nil {
			paths[t] = []string{n}
			queue = append(queue, t)
		}
	}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for _, e := range u.Elems {
			if e.Type != nil && !e.Type.Simple && paths[e.Type] == nil {
				paths[e.Type] = append(append([]string(nil), paths[u]...), e.Name)
				queue = append(queue, e.Type)
			}
		}
	}
	return paths
}

// jsonRootLoses reports whether a member of the last element of path may be
// masked in JSON although it is not secret: the root's element is unnamed
// in JSON, so a member of the root that is secret in another context is
// masked whole (fail closed), be it the member itself or the element that
// holds it.
func jsonRootLoses(path []string, name string) bool {
	if len(path) == 1 {
		return redact.IsSecret("", name)
	}
	return redact.IsSecret("", path[1])
}
