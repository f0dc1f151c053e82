package sim

import (
	"sort"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/schema"
)

// TestSeedFillsEveryCollection reads, over HTTP and without writing
// anything, every collection of the model below the seeded objects: each
// has at least one item somewhere (affinity labels, bookmarks, quotas,
// permissions, iSCSI bonds, gluster volumes and bricks, providers, ...),
// so that every GET route answers with content and a crawl reaches it.
func TestSeedFillsEveryCollection(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1})
	c := newClient(t, e, srv)
	d := &driver{t: t, m: e.Model(), c: c}
	var empty []string
	lists := 0
	for _, r := range e.Model().Routes().All() {
		if r.Kind != schema.List {
			continue
		}
		lists++
		if d.filledPath(r) == "" {
			empty = append(empty, r.Path)
		}
	}
	sort.Strings(empty)
	if len(empty) > 0 {
		t.Errorf("%d of %d collections are empty wherever the seed reaches:\n%s", len(empty), lists, strings.Join(empty, "\n"))
	}
}
