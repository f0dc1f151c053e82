package sim

import (
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/engine"
	"github.com/ovcompat/ovcompat/schema"
)

// TestServesRelease: a simulator of an older release (ovcompat sim
// --engine-version X) says which release it is in product_info, as an
// engine does, serves only that release's routes, and requires what that
// release's signatures require: 4.0 takes them from the RSDL metadata
// (rsdl_metadata.yaml: an affinity group needs name, positive and
// enforcing), 4.4 from the model (AffinityGroupsService.Add: only name).
func TestServesRelease(t *testing.T) {
	newest, err := schema.V4()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		release, product string
		affinity         int // status of an affinity group named alone
	}{
		{"4.0", "4.0.7", 400},
		{"4.2", "4.2.8", 201},
		{"4.3", "4.3.11", 201}, // the newest 4.3 engine: 4.3.11.4
		{"4.4.10", "4.4.10", 201},
	} {
		t.Run(tc.release, func(t *testing.T) {
			m, err := schema.LoadRelease(tc.release)
			if err != nil {
				t.Fatal(err)
			}
			e, srv := testEngine(t, Options{Seed: 1, Model: m})
			c := newClient(t, e, srv)
			v, err := engine.ProductVersionOf(c.must(200, "GET", "/", ""))
			if err != nil || !strings.HasPrefix(v, tc.product) {
				t.Errorf("product_info version %q (%v), want %s", v, err, tc.product)
			}
			if r, err := schema.ResolveProduct(v); err != nil || r.Model != m.Release.Model {
				t.Errorf("product %s resolves to %+v (%v), want model %s", v, r, err, m.Release.Model)
			}
			var gone []string // a sub-collection of the newest release that m lacks: /vms/{vm_id}/backups
			for _, r := range newest.Routes().All() {
				segs := strings.Split(strings.Trim(r.Path, "/"), "/")
				if r.Method == "GET" && len(segs) == 3 && strings.HasPrefix(segs[1], "{") && segs[0] == "vms" && m.Routes().Find("GET", r.Path) == nil {
					gone = segs
					break
				}
			}
			if gone == nil {
				t.Fatalf("no VM sub-collection of %s is missing from %s", newest.Release.Model, m.Release.Model)
			}
			c.must(404, "GET", "/vms/"+firstID(t, c, "/vms")+"/"+gone[2], "")
			cluster := firstID(t, c, "/clusters")
			resp, body := c.do("POST", "/clusters/"+cluster+"/affinitygroups", `<affinity_group><name>alone</name></affinity_group>`)
			if resp.StatusCode != tc.affinity {
				t.Errorf("affinity group named alone: %d, want %d\n%s", resp.StatusCode, tc.affinity, body)
			}
		})
	}
}
