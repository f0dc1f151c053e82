// Package restneeds is what the engine's REST layer needs of a request
// body beyond the model's signatures: one table, each entry with the
// engine's line that needs it. The simulator refuses a body without a
// member the REST layer validates, as the engine does; the scenario
// generator fills every member, so that its bodies succeed on an engine.
//
// It imports nothing of this module, so both can import it.
package restneeds

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
				"the model's NetworksService.Add asks only or(mandatory(network().id()), mandatory(network().name())). " +
				"Keyed by service, this also asks it of an iSCSI bond's networks (NetworksService too)"},
		{"DiskAttachmentsService", "Add", "disk_attachment.bootable", Unchecked, attachFlags},
		{"DiskAttachmentsService", "Add", "disk_attachment.pass_discard", Unchecked, attachFlags},
		{"DisksService", "Add", "disk.storage_domains.storage_domain[].id", Used,
			"BackendDisksResource.add: getStorageDomainId(disk) reads the first storage domain's id or name, and null when the body " +
				"names none, which AddDisk gets as is (params.setStorageDomainId(storageDomainId)) and refuses for an image disk"},
	}
}

// Of returns the needs of a route, by its service and operation.
func Of(service, operation string) []Need {
	var out []Need
	for _, n := range Table() {
		if n.Service == service && n.Operation == operation {
			out = append(out, n)
		}
	}
	return out
}
