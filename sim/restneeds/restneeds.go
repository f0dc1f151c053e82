// Package restneeds is what the engine's REST layer needs of a request
// body beyond the model's signatures: one table, each entry with the
// engine's line that needs it. The simulator refuses a body without a
// member the REST layer validates, as the engine does; the scenario
// generator fills every member, so that its bodies succeed on an engine.
//
// It imports nothing of this module, so both can import it.
package restneeds

import (
	"slices"
	"strings"
)

// Check says how the REST layer treats a member it needs.
type Check int

const (
	// Validated: the REST layer checks the member (validateParameters) and
	// answers 400 "Incomplete parameters" without it.
	Validated Check = iota + 1
	// Used: the REST layer reads the member without checking it; a body
	// without it takes another way or fails further on, in the backend.
	Used
	// Unchecked: the model's signature makes the member mandatory, but the
	// REST layer never asks for it and the backend takes a default: the
	// engine accepts a body without it, and so does the simulator (the
	// rsdl.mandatory-body rule still reports it: the model asks for it).
	Unchecked
)

// Need is one member a route's body needs beyond its signatures.
type Need struct {
	// Service and Operation name the route: the model's service and
	// method (ImageTransfersService, Add).
	Service, Operation string
	// Path is the member, written as a signature writes it, the body's
	// element first ("action.storage_domain.id|name").
	Path  string
	Check Check
	// Evidence is the engine's code that needs it.
	Evidence string
}

// Override is a mount of a service whose REST resource answers an
// operation with code of its own, which checks nothing of the body: neither
// the model's signatures nor the table.
type Override struct {
	// Service and Operation name the routes, Below the collection (a path
	// segment, "iscsibonds") below which they are mounted so.
	Service, Operation, Below string
	// Action: the resource answers what BackendResource.performAction(task,
	// params) answers, whatever the model's operation returns: 200 and an
	// <action> whose status is complete (Response.ok().entity(action)), or,
	// when the client does not wait (async=true, Expect: 202-accepted),
	// performNonBlockingAction's 202 and no body (it has no action to send).
	Action   bool
	Evidence string
}

// Overrides returns every override, in no particular order.
func Overrides() []Override {
	const (
		bondNets = "an iSCSI bond's networks are BackendIscsiBondNetworksResource and BackendIscsiBondNetworkResource: "
		bondConn = "an iSCSI bond's storage connections are BackendIscsiBondStorageConnectionsResource and " +
			"BackendIscsiBondStorageConnectionResource: "
		performs = "; it returns performAction(ActionType.EditIscsiBond, new EditIscsiBondParameters(iscsiBond)), " +
			"which BackendResource.java:178-194 answers Response.ok().entity(action) with " +
			"action.setStatus(CreationStatus.COMPLETE.value())"
	)
	return []Override{
		{"NetworksService", "Add", "iscsibonds", true,
			bondNets + "add validates nothing: it lists the network of NetworkMapper.map(network, null).getId() in the bond" + performs},
		{"NetworkService", "Remove", "iscsibonds", true,
			bondNets + "remove takes the network off the bond's list (iscsiBond.getNetworkIds().remove(guid))" + performs},
		{"StorageServerConnectionsService", "Add", "iscsibonds", true,
			bondConn + "add validates nothing: it lists the connection of StorageDomainMapper.map(conn, null).getId() in the bond" + performs},
		{"StorageServerConnectionService", "Remove", "iscsibonds", true,
			bondConn + "remove takes the connection off the bond's list (iscsiBond.getStorageConnectionIds().remove(id))" + performs},
	}
}

// Table returns every need, in no particular order.
func Table() []Need {
	const (
		copyMove = "BackendStorageDomainDiskResource delegates to BackendDiskResource, whose copy and move begin " +
			`validateParameters(action, "storageDomain.id|name"); rsdl_metadata lists no signature for this route`
		groupLabel = "BackendAffinityGroup{Vm,Host}LabelsResource.add: new AffinityGroupMemberChangeParameters(getAffinityGroupId(), " +
			"asGuid(label.getId())): the label is read by id alone"
		attachFlags = "BackendDiskAttachmentsResource.add validates no member of the attachment, and DiskAttachmentMapper " +
			"sets bootable and pass_discard only if (model.isSetBootable()) / if (model.isSetPassDiscard()), on a DiskVmElement " +
			"whose boolean fields default to false; the model's DiskAttachmentsService.Add asks mandatory(bootable, " +
			"interface, passDiscard), and the SDKs' own examples attach disks without pass_discard"
	)
	return []Need{
		{"StorageDomainDiskService", "Copy", "action.storage_domain.id|name", Validated, copyMove},
		{"StorageDomainDiskService", "Move", "action.storage_domain.id|name", Validated, copyMove},
		{"AssignedAffinityLabelsService", "Add", "affinity_label.id", Validated,
			`BackendAssignedAffinityLabelsResource.add: validateParameters(label, "id")`},
		{"AffinityGroupVmLabelsService", "Add", "affinity_label.id", Used, groupLabel},
		{"AffinityGroupHostLabelsService", "Add", "affinity_label.id", Used, groupLabel},
		{"ImageTransfersService", "Add", "image_transfer.disk.id", Used,
			"BackendImageTransfersResource adds for an image, a disk or a snapshot (addForImage, addForDisk, addForSnapshot: " +
				"asGuid(imageTransfer.getDisk().getId())); a body naming none of them is refused"},
		{"DiskAttachmentsService", "Add", "disk_attachment.disk.id", Used,
			"BackendDiskAttachmentsResource.add: if (attachment.isSetDisk() && attachment.getDisk().isSetId()) attaches that disk, " +
				"else createDisk makes one from the <disk> of the body, which then needs all a new disk needs"},
		{"NetworksService", "Add", "network.data_center.id|name", Validated,
			`BackendNetworksResource.add: validateParameters(network, getRequiredAddFields()), { "name", "dataCenter.name|id" }; ` +
				"the model's NetworksService.Add asks only or(mandatory(network().id()), mandatory(network().name())); " +
				"not below an iSCSI bond (Overrides)"},
		{"DiskAttachmentsService", "Add", "disk_attachment.bootable", Unchecked, attachFlags},
		{"DiskAttachmentsService", "Add", "disk_attachment.pass_discard", Unchecked, attachFlags},
		{"DisksService", "Add", "disk.storage_domains.storage_domain[].id", Used,
			"BackendDisksResource.add: getStorageDomainId(disk) reads the first storage domain's id or name, and null when the body " +
				"names none, which AddDisk gets as is (params.setStorageDomainId(storageDomainId)) and refuses for an image disk"},
	}
}

// At returns the needs of the route at path (its template,
// "/datacenters/{datacenter:id}/iscsibonds/{iscsibond:id}/networks"): those
// of its service and operation, or none where an override answers it.
func At(service, operation, path string) []Need {
	if Overridden(service, operation, path) {
		return nil
	}
	return Of(service, operation)
}

// Overridden reports whether an override answers the route at path (its
// template): its body is checked for nothing.
func Overridden(service, operation, path string) bool {
	_, ok := override(service, operation, path)
	return ok
}

// AnswersAction reports whether the route at path (its template) answers
// as performAction does (Override.Action): 200 and <action> with status
// complete, or 202 and no body when the client does not wait.
func AnswersAction(service, operation, path string) bool {
	o, ok := override(service, operation, path)
	return ok && o.Action
}

// override finds the override of the route at path (its template).
func override(service, operation, path string) (Override, bool) {
	segs := strings.Split(path, "/")
	for _, o := range Overrides() {
		if o.Service == service && o.Operation == operation && slices.Contains(segs, o.Below) {
			return o, true
		}
	}
	return Override{}, false
}

// Of returns the needs of a service's operation wherever it is mounted
// (what a body may carry so that every mount accepts it).
func Of(service, operation string) []Need {
	var out []Need
	for _, n := range Table() {
		if n.Service == service && n.Operation == operation {
			out = append(out, n)
		}
	}
	return out
}
