package sim

import (
	"net/http"
	"strings"
	"testing"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/schema"
)

// TestAlwaysWritten reads every collection the API root links to, every
// item of it and every sub-collection of the first items, over HTTP, and
// holds each object against the table of the members a real engine always
// writes (always.tsv, generated from the recorded traffic and the
// engine's mappers): VMs carry comment and description even when none was
// given, memory_policy with ballooning, guaranteed and max, the CPU
// topology, and so on for every type.
func TestAlwaysWritten(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1})
	c := newClient(t, e, srv)
	m := e.Model()
	// A VM made with nothing but what is mandatory still has them all.
	c.must(201, "POST", "/vms", `<vm><name>bare</name><cluster><name>Default</name></cluster><template><name>Blank</name></template></vm>`)
	checked := map[string]int{}
	var visit func(path string, depth int)
	seen := map[string]bool{}
	visit = func(path string, depth int) {
		if seen[path] {
			return
		}
		seen[path] = true
		resp, body := c.do("GET", path, "")
		if resp.StatusCode != http.StatusOK {
			return
		}
		r := m.Routes().Lookup("GET", path).Route
		doc := etree.NewDocument()
		if r == nil || r.Output == nil || doc.ReadFromBytes(body) != nil {
			return
		}
		items := []*etree.Element{doc.Root()}
		t0 := r.Output.Type
		if t0.Item != nil {
			items, t0 = doc.Root().ChildElements(), t0.Item.Type
		}
		for i, it := range items {
			if miss := missingAlways(e.meta, t0, it); len(miss) > 0 {
				t.Errorf("%s: %s %s lacks %s", path, t0.Name, it.SelectAttrValue("id", ""), strings.Join(miss, ", "))
			}
			checked[t0.Name]++
			if depth == 0 || i > 0 || path == "/" {
				continue
			}
			for _, l := range it.SelectElements("link") {
				if href := l.SelectAttrValue("href", ""); !strings.Contains(href, "?") {
					visit(strings.TrimPrefix(href, BasePath), depth-1)
				}
			}
		}
		if path == "/" {
			for _, l := range doc.Root().SelectElements("link") {
				if href := l.SelectAttrValue("href", ""); !strings.Contains(href, "?") {
					visit(strings.TrimPrefix(href, BasePath), depth-1)
				}
			}
		}
	}
	visit("/", 2)
	for tt := range e.meta.always {
		if checked[tt.Name] == 0 {
			t.Logf("no %s reached to check", tt.Name)
		}
	}
	for _, name := range []string{"Vm", "Template", "Host", "Cluster", "DataCenter", "Disk", "Nic", "StorageDomain", "Network"} {
		if checked[name] == 0 {
			t.Errorf("no %s checked", name)
		}
	}
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
