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
// So for a simulator of every older release (ovcompat sim
// --engine-version 4.0 ... 4.5): the inventory leaves out what that
// release's model lacks (4.0 has no /vms/{id}/backups, no image transfers'
// newer members) and seeds the rest.
func TestSeedFillsEveryCollection(t *testing.T) {
	for _, release := range []string{"", "4.0", "4.1", "4.2", "4.3", "4.4", "4.5"} {
		t.Run("release "+release, func(t *testing.T) {
			var m *schema.Model
			if release != "" {
				var err error
				if m, err = schema.LoadRelease(release); err != nil {
					t.Fatal(err)
				}
			}
			e, srv := testEngine(t, Options{Seed: 1, Model: m})
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
				t.Errorf("%d of %d collections of model %s are empty wherever the seed reaches:\n%s",
					len(empty), lists, e.Model().Release.Model, strings.Join(empty, "\n"))
			}
		})
	}
}
