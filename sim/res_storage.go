package sim

import ()

// storageResources are the storage domains, their attachment to data
// centers and their connections.
func storageResources(e *Engine) []resource {
	return []resource{{
		service: "StorageDomainsService", seg: "storagedomains", typ: "StorageDomain", unique: true, named: true,
		summary: &summaryItem{"storage_domains", "active"}, prepare: e.storageDomainPrepare,
	}, {
		service: "AttachedStorageDomainsService", seg: "storagedomains", typ: "StorageDomain", attach: e.storageDomainAttach,
		actions: map[string]func(*op) *reply{
			"activate": e.transition(statusChange{[]string{"maintenance", "inactive", "unknown"},
				"Cannot activate Storage. The Storage Domain is not in Maintenance.", []string{"activating", "active"}}),
			"deactivate": e.transition(statusChange{[]string{"active"},
				"Cannot deactivate Storage. The Storage Domain is not active.", []string{"preparing_for_maintenance", "maintenance"}}),
		},
	}, {
		service: "DiskProfilesService", seg: "diskprofiles", typ: "DiskProfile", named: true,
	}}
}

// storageDomainPrepare completes a new storage domain: unattached, with
// the space figures the engine reports.
func (e *Engine) storageDomainPrepare(o *op) *reply {
	sd := o.rec
	removeChildren(sd.data, "host") // the host that created it is no attribute of the domain
	defaults(sd.data, sd.typ, map[string]string{
		"available": "1099511627776", "used": "53687091200", "committed": "0", "master": "false",
		"backup": "false", "block_size": "512", "discard_after_delete": "false", "external_status": "ok",
		"storage_format": "v5", "supports_discard": "false", "supports_discard_zeroes_data": "false",
		"warning_low_space_indicator": "10", "critical_space_action_blocker": "5", "wipe_after_delete": "false",
	})
	setText(sd.data, sd.typ, "status", "unattached")
	return nil
}

// storageDomainAttach brings a domain attached to a data center up; the
// first data domain becomes the master and the data center comes up.
func (e *Engine) storageDomainAttach(o *op) {
	sd := o.rec
	dc := o.coll.owner
	e.setStatus(sd, "locked", "active")
	if dc != nil && textOf(dc.data, "status") == "uninitialized" && textOf(sd.data, "type") == "data" {
		setText(sd.data, sd.typ, "master", "true")
		e.setStatus(dc, "up")
	}
}
