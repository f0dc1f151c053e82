package sim

import (
	"net/http"
	"strings"
	"testing"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/schema"
)

// TestAlwaysWritten reads every collection of the model below the seeded
// objects, over HTTP, and holds each item against the table of the
// members a real engine always writes (always.tsv, generated from the
// recorded traffic and the engine's mappers): VMs carry comment and
// description even when none was given, memory_policy with ballooning,
// guaranteed and max, the CPU topology, and so on for every type the
// table has.
func TestAlwaysWritten(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1})
	c := newClient(t, e, srv)
	m := e.Model()
	// A VM made with nothing but what is mandatory still has them all.
	c.must(201, "POST", "/vms", `<vm><name>bare</name><cluster><name>Default</name></cluster><template><name>Blank</name></template></vm>`)
	d := &driver{t: t, m: m, c: c}
	checked := map[string]int{}
	for _, r := range m.Routes().All() {
		if r.Kind != schema.List || r.Output.Type.Item == nil {
			continue
		}
		path := d.filledPath(r)
		if path == "" {
			continue
		}
		it := r.Output.Type.Item.Type
		doc := parseXML(t, c.must(http.StatusOK, "GET", path, ""))
		for _, el := range doc.ChildElements() {
			if miss := missingAlways(e.meta, it, el); len(miss) > 0 {
				t.Errorf("%s: %s %s lacks %s", path, it.Name, el.SelectAttrValue("id", ""), strings.Join(miss, ", "))
			}
			checked[it.Name]++
		}
	}
	for tt := range e.meta.always {
		if checked[tt.Name] == 0 {
			t.Errorf("no %s reached to check", tt.Name)
		}
	}
}

// filledPath returns a concrete path of List route r, below existing
// objects, whose collection has items, or "".
func (d *driver) filledPath(r *schema.Route) string {
	segs := strings.Split(strings.Trim(r.Path, "/"), "/")
	var walk func(i int, path string) string
	walk = func(i int, path string) string {
		if i == len(segs) {
			if len(d.ids(path)) > 0 {
				return path
			}
			return ""
		}
		if !strings.HasPrefix(segs[i], "{") {
			return walk(i+1, path+"/"+segs[i])
		}
		for _, id := range d.ids(path) {
			if p := walk(i+1, path+"/"+id); p != "" {
				return p
			}
		}
		return ""
	}
	return walk(0, "")
}

// missingAlways lists the members of the table el (an object of type t)
// lacks.
func missingAlways(mt *meta, t *schema.Type, el *etree.Element) []string {
	var out []string
	for _, am := range mt.always[alwaysType(mt, t)] {
		parent := el
		for _, seg := range am.path[:len(am.path)-1] {
			if parent = childOf(parent, seg); parent == nil {
				break
			}
		}
		if parent == nil {
			if am.whole {
				out = append(out, strings.Join(am.path, "."))
			}
			continue
		}
		if childOf(parent, am.path[len(am.path)-1]) == nil {
			out = append(out, strings.Join(am.path, "."))
		}
	}
	return out
}
