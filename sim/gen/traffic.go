package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/har"
	"github.com/ovcompat/ovcompat/schema"
)

// presence counts, per resource type, the recorded objects of that type
// and, per member path, the objects that write it among those that write
// its parent: a member present in every recorded object of its type (whose
// parent is present) is always written.
type presence struct {
	objects map[string]int            // type -> full objects seen
	parents map[string]map[string]int // type -> path -> objects with the path's parent
	present map[string]map[string]int // type -> path -> objects with the path
	values  map[string]map[string]map[string]int
}

func newPresence() *presence {
	return &presence{objects: map[string]int{}, parents: map[string]map[string]int{},
		present: map[string]map[string]int{}, values: map[string]map[string]map[string]int{}}
}

// readTraffic walks every v4 XML response body of the HAR files in dir.
func readTraffic(m *schema.Model, dir string) (*presence, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.har"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no HAR files in %s", dir)
	}
	sort.Strings(files)
	p := newPresence()
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		doc, err := har.Parse(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		for _, e := range doc.Log.Entries {
			if har.Get(e.Request.Headers, "Version") == "3" || e.Response.Status != 200 {
				continue
			}
			body, err := e.Response.Content.Body()
			if err != nil || !strings.Contains(e.Response.Content.MimeType, "xml") {
				continue
			}
			x := etree.NewDocument()
			if x.ReadFromBytes(body) != nil || x.Root() == nil {
				continue
			}
			if t := m.Element(x.Root().Tag); t != nil {
				p.walk(x.Root(), t)
			}
		}
	}
	return p, nil
}

// walk counts el, of type t, and what it holds.
func (p *presence) walk(el *etree.Element, t *schema.Type) {
	if t.Simple {
		return
	}
	if t.Item != nil {
		for _, c := range el.ChildElements() {
			if c.Tag == t.Item.Name {
				p.walk(c, t.Item.Type)
			}
		}
		return
	}
	if len(el.ChildElements()) == 0 {
		return // a reference, not an object
	}
	if t.Resource {
		p.objects[t.Name]++
		p.members(t.Name, "", el, t)
	}
	for _, c := range el.ChildElements() {
		if e := t.Elem(c.Tag); e != nil && !e.Type.Simple {
			p.walk(c, e.Type)
		}
	}
}

// members counts the members below el (of type t, at path prefix of an
// object of type owner): structures are followed, references and lists
// are members of their own.
func (p *presence) members(owner, prefix string, el *etree.Element, t *schema.Type) {
	for _, e := range t.Elems {
		path := prefix + e.Name
		if e.Name == "link" || e.Name == "actions" {
			continue
		}
		bump(p.parents, owner, path)
		c := childOf(el, e.Name)
		if c == nil {
			continue
		}
		bump(p.present, owner, path)
		if e.Type.Simple && e.Type.Item == nil {
			if p.values[owner] == nil {
				p.values[owner] = map[string]map[string]int{}
			}
			if p.values[owner][path] == nil {
				p.values[owner][path] = map[string]int{}
			}
			p.values[owner][path][c.Text()]++
		}
		if !e.Link && !e.Type.Simple && e.Type.Item == nil && !e.Type.Resource {
			p.members(owner, path+".", c, e.Type)
		}
	}
}

func bump(m map[string]map[string]int, a, b string) {
	if m[a] == nil {
		m[a] = map[string]int{}
	}
	m[a][b]++
}

func childOf(el *etree.Element, tag string) *etree.Element {
	for _, c := range el.ChildElements() {
		if c.Tag == tag {
			return c
		}
	}
	return nil
}
