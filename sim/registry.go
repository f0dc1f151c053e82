package sim

import (
	"fmt"
	"slices"

	"github.com/ovcompat/ovcompat/schema"
)

// A resource is what the engine knows of one collection beyond the model:
// how its items are named, who may create them, and the hooks that give
// them a real engine's semantics. Everything else (routes, links, element
// order, references, listing) the generic handlers derive from the model.
//
// Each resource family has a file of its own (res_vm.go holds the VMs and
// their NICs and disk attachments), whose function returning its entries
// is listed in resources. NOTES-sim.md in the team folder and the package
// README describe how to add one; TestRegistryMatchesModel checks every
// entry against the model.
type resource struct {
	// service is the model's service of the collection ("VmsService",
	// "VmNicsService"): it names the collection wherever the model mounts
	// it (a cluster's affinity groups below /clusters and below
	// /datacenters/{id}/clusters).
	service string
	// seg is the collection's path segment ("vms", "nics") and typ its
	// items' type ("Vm"), as the model has them; the registry test checks
	// both, so an entry reads as what it is.
	seg, typ string
	// unique makes names unique in the collection: an Add or Update to a
	// name in use is answered 409, as the engine's Add*Command validations
	// do ("the name is already in use").
	unique bool
	// named lets request bodies name the collection's items by name instead
	// of id (<cluster><name>Default</name></cluster>); the names of disks,
	// jobs and events do not identify, so they are not named.
	named bool
	// userCreatable lets a user without the admin role add to the
	// (top-level) collection.
	userCreatable bool
	// attaches marks a sub-collection whose Add only lists an existing
	// object, named by id or name, and never makes one (a VM's tags).
	attaches bool
	// lists names the sub-collections of an item that only list existing
	// objects (an iSCSI bond's networks and storage connections): an Add
	// names one by id or name, a Remove takes it off the list and keeps it.
	lists []string
	// summary counts the collection in the API root's <summary>.
	summary *summaryItem
	// beside lists what the collection of owner shows besides its items
	// (an object's permissions inherited from the system); each is read
	// by its id below the collection too.
	beside func(e *Engine, owner *record) []*record

	// fill completes an item however it is stored (an Add, a copy made by
	// another operation, the seed): a NIC's MAC address, a disk's image.
	fill func(e *Engine, r *record, c *collection)
	// prepare runs before a new item is stored: defaults, checks (a reply
	// refuses the Add).
	prepare func(*op) *reply
	// after runs once the new item is stored: its parts, its states.
	after func(*op)
	// attach runs when an existing object joins the collection (a storage
	// domain attached to a data center).
	attach func(*op)
	// update runs before an item changes (a reply refuses the Update).
	update func(*op) *reply
	// remove runs before an item is removed through this collection's item
	// service (a reply refuses the Remove).
	remove func(*op) *reply
	// actions run the items' actions, by the action's path segment
	// ("start"); an action without a hook answers complete and changes
	// nothing.
	actions map[string]func(*op) *reply
}

// summaryItem is a collection's line in the API root's summary: its
// element there and the status value that counts as active ("" counts
// every item as active).
type summaryItem struct {
	tag, active string
}

// resources lists the engine's resource families. A new family is a file
// with a function returning its entries, added here.
func resources(e *Engine) [][]resource {
	return [][]resource{
		vmResources(e), templateResources(e), diskResources(e), nicResources(e), hostResources(e),
		storageResources(e), dataCenterResources(e), clusterResources(e), networkResources(e),
		accessResources(e), catalogResources(e), labelResources(e), poolResources(e), providerResources(e),
		jobResources(e), consoleResources(e), imageTransferResources(e),
	}
}

// registry indexes the resources by the services they answer for.
type registry struct {
	// byService holds each entry by its collection's service and by the
	// service of its items (VmsService and VmService).
	byService map[string]*resource
	// none is the entry of a collection the registry does not name: the
	// model's generic behaviour.
	none *resource
}

// buildRegistry indexes the entries of resources, checking that each names
// a collection of the model.
func buildRegistry(e *Engine, mt *meta) (*registry, error) {
	reg := &registry{byService: map[string]*resource{}, none: &resource{}}
	items := map[string]string{}
	for _, r := range mt.m.Routes().All() {
		if (r.Kind == schema.List || r.Kind == schema.Add) && r.Item != "" {
			items[r.Service] = r.Item
		}
	}
	for _, family := range resources(e) {
		for i := range family {
			res := &family[i]
			if _, dup := reg.byService[res.service]; dup {
				return nil, fmt.Errorf("sim: registry: %s given twice", res.service)
			}
			reg.byService[res.service] = res
			if item := items[res.service]; item != "" {
				if other := reg.byService[item]; other != nil {
					return nil, fmt.Errorf("sim: registry: %s and %s both answer for %s", other.service, res.service, item)
				}
				reg.byService[item] = res
			}
		}
	}
	return reg, nil
}

// of returns the entry of collection c (the empty entry when it has none).
func (reg *registry) of(c *collection) *resource {
	if c != nil {
		if res := reg.byService[c.service]; res != nil {
			return res
		}
	}
	return reg.none
}

// service returns the entry answering for a route's service (a
// collection's or its items'), or the empty entry.
func (reg *registry) service(name string) *resource {
	if res := reg.byService[name]; res != nil {
		return res
	}
	return reg.none
}

// listsOnly reports whether c is a sub-collection in which its owner only
// lists existing objects (resource.lists). Callers hold mu.
func (reg *registry) listsOnly(c *collection) bool {
	return c != nil && c.owner != nil && slices.Contains(reg.of(c.owner.home).lists, c.seg)
}
