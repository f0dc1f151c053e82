package sim

import (
	"fmt"

	"github.com/beevik/etree"
)

// nicResources are the NICs of VMs, templates and instance types: a MAC
// address from the pool, names unique on their owner.
func nicResources(*Engine) []resource {
	nics := func(service string) resource {
		return resource{service: service, seg: "nics", typ: "Nic", unique: true, fill: (*Engine).fillNic}
	}
	return []resource{nics("VmNicsService"), nics("TemplateNicsService"), nics("InstanceTypeNicsService")}
}

func (e *Engine) fillNic(r *record, c *collection) {
	if textOf(r.data, "name") == "" {
		setText(r.data, r.typ, "name", fmt.Sprintf("nic%d", len(c.order)+1))
	}
	if childOf(r.data, "mac") == nil {
		e.macSeq++
		mac := etree.NewElement("mac")
		mac.AddChild(elem("address", macFor(e.macBase+e.macSeq)))
		setChild(r.data, r.typ, mac)
	}
	defaults(r.data, r.typ, map[string]string{"interface": "virtio", "linked": "true", "plugged": "true"})
}

// macFor derives a MAC address in oVirt's default pool (56:6f:...) from n.
func macFor(n uint64) string {
	return fmt.Sprintf("56:6f:%02x:%02x:%02x:%02x", byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
}
