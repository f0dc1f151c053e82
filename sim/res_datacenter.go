package sim

import "github.com/beevik/etree"

// dataCenterResources are the data centers, uninitialized until a data
// domain is attached, and their iSCSI bonds.
func dataCenterResources(e *Engine) []resource {
	return []resource{{
		service: "DataCentersService", seg: "datacenters", typ: "DataCenter", unique: true, named: true,
		prepare: e.dataCenterPrepare,
	}, {
		// An iSCSI bond lists networks and storage connections that exist
		// on their own: BackendIscsiBondNetworksResource.add and
		// BackendIscsiBondNetworkResource.remove edit the bond's list
		// ("iscsiBond.getNetworkIds().remove(guid); return
		// performAction(ActionType.EditIscsiBond, ...)"), and so do
		// BackendIscsiBondStorageConnection(s)Resource with
		// getStorageConnectionIds().
		service: "IscsiBondsService", seg: "iscsibonds", typ: "IscsiBond",
		lists: []string{"networks", "storageserverconnections"},
	}}
}

// dataCenterPrepare completes a new data center: uninitialized until a data
// domain is attached.
func (e *Engine) dataCenterPrepare(o *op) *reply {
	dc := o.rec
	defaults(dc.data, dc.typ, map[string]string{"quota_mode": "disabled", "storage_format": "v5", "local": "false"})
	if childOf(dc.data, "version") == nil {
		v := etree.NewElement("version")
		v.AddChild(elem("major", "4"))
		v.AddChild(elem("minor", "7"))
		setChild(dc.data, dc.typ, v)
	}
	if mp := e.st.roots["macpools"].byName("Default"); mp != nil && idOf(dc.data, "mac_pool") == "" {
		setRef(dc.data, dc.typ, "mac_pool", mp.id)
	}
	setText(dc.data, dc.typ, "status", "uninitialized")
	return nil
}
