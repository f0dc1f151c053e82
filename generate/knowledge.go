package generate

import (
	"strings"

	"github.com/ovcompat/ovcompat/schema"
)

// What the generator knows beyond the model, each in one table.

// wellKnown names objects every engine has, by the collection that lists
// them: a body refers to them by name, and the engine finds them at run
// time. (An engine is set up with the Default data center and cluster,
// the Blank template and the ovirtmgmt management network; the roles
// UserRole and SuperUser are built in.)
func wellKnown() map[string]string {
	return map[string]string{
		"/datacenters": "Default",
		"/clusters":    "Default",
		"/templates":   "Blank",
		"/networks":    "ovirtmgmt",
		"/roles":       "UserRole",
	}
}

// unchangeable lists the collections of well-known objects a scenario must
// not write below: the Blank template cannot be edited (the engine's
// UpdateVmTemplateCommand refuses it) and the predefined roles cannot be
// changed, so a scenario makes one of its own to work with.
func unchangeable() []string { return []string{"/templates", "/roles"} }

// vocabulary names the types whose objects are kinds an engine defines,
// not things a scenario makes or finds, and the kind a body adding one at
// its root names: a permit is one of the engine's action groups
// (PermitMapper: ActionGroup.valueOf(model.getName().toUpperCase())), and
// AttachActionGroupsToRoleCommand refuses one the role holds ("This action
// group is already attached to Role.") or an administrator's group on a
// user role. A role a scenario makes holds UserRole's first permit, so the
// Add names a user group UserRole does not begin with: ATTACH_DISK_PROFILE.
func vocabulary() map[string]string { return map[string]string{"Permit": "attach_disk_profile"} }

// made lists the types a scenario makes for itself when a body refers to
// one (a template is made from a VM that is down; a disk is attached
// only when no VM uses it; an affinity label is a name): making one is
// cheap, and an existing one may be in use.
func made() []string { return []string{"Vm", "Disk", "AffinityLabel", "Snapshot"} }

// madeInInfrastructure lists the types a scenario of impact
// infrastructure makes for itself when a body refers to one, as an
// existing one is in use: AttachStorageDomainToPoolCommand refuses a
// domain a data center has already, AttachStorageConnectionToStorageDomainCommand
// a connection the domain has (ACTION_TYPE_FAILED_STORAGE_CONNECTION_FOR_DOMAIN_ALREADY_EXISTS),
// and a network label (a name, LabelNicCommand) may be on no network yet.
func madeInInfrastructure() []string {
	return []string{"StorageDomain", "StorageConnection", "NetworkLabel"}
}

// assignment is how objects come to be listed in a collection that has no
// Add: through an object added elsewhere, whose body names the principal.
type assignment struct {
	// through is the collection the assignment is added to; principal is
	// the element of its body that names the parent object.
	through, principal string
}

// assigned lists the collections without an Add whose items an
// assignment puts there. A user's or group's roles are its permissions on
// the system: BackendAssignedRolesResource.list keeps the permissions of
// GetPermissionsOnBehalfByAdElementId whose object type is System, and
// such a permission is added through /permissions
// (BackendSystemPermissionsResource; BackendAssignedPermissionsResource.add
// validates "role.id|name", "user|group.id" there, while below a principal
// it wants a data center, cluster, host... instead).
func assigned() map[string]assignment {
	return map[string]assignment{
		"/users/{user_id}/roles":   {through: "/permissions", principal: "user"},
		"/groups/{group_id}/roles": {through: "/permissions", principal: "group"},
	}
}

// memberValues are values for simple members whose name says more than
// their type: an address that is no host's (TEST-NET-1, RFC 5737), a size
// of 1 GiB, a cluster level the 4.x model knows.
func memberValues() map[string]string {
	return map[string]string{
		"address":          "192.0.2.10",
		"provisioned_size": "1073741824",
		"size":             "1073741824",
		"memory":           "1073741824",
		"major":            "4",
		"minor":            "7",
		"url":              "http://192.0.2.10",
		"port":             "3260",
		"target":           "iqn.2000-01.org.example:target",
		"mac_address":      "56:6f:00:00:00:01",
		"description":      "made by ovcompat generate",
		"comment":          "made by ovcompat generate",
		"value":            "ovcompat",
		"content":          "-----BEGIN CERTIFICATE-----",
		"origin":           "ovcompat",
		"custom_id":        "1",
		"brick_dir":        "/gluster/ovcompat",
		"server_id":        "ovcompat",
	}
}

// scalarValue is a valid value of a simple type no table names.
func scalarValue(t *schema.Type) string {
	if t.IsEnum() {
		return t.Enum[0]
	}
	switch t.Scalar {
	case schema.Boolean:
		return "false"
	case schema.DateTime:
		return "2026-01-01T00:00:00.000Z"
	case schema.String:
		return "ovcompat"
	}
	return "1"
}

// transitional tells the values of a status enum that an object passes
// through (powering_up, locked, image_locked, preparing_for_maintenance,
// reboot_in_progress, wait_for_launch...): polling waits for any other.
func transitional(v string) bool {
	for _, part := range []string{"ing", "locked", "wait_for", "in_progress", "preparing", "unknown"} {
		if strings.Contains(v, part) {
			return true
		}
	}
	return false
}

// settling lists the types whose objects the engine always writes with a
// status that passes through intermediate values (the engine's VmMapper,
// HostMapper, DiskMapper and TemplateMapper set it): after a create or an
// action, a scenario polls until it lasts.
func settling() []string { return []string{"Vm", "Host", "Disk", "Template"} }

// restActions are actions that bring an object to rest before it is
// removed (an engine refuses to remove a running VM or an active host).
func restActions() []string { return []string{"stop", "deactivate"} }

// Infrastructure: operations that need real infrastructure or disturb it
// on a real engine. They carry the label impact: infrastructure and run
// only when asked for.
func infrastructure(r *schema.Route) bool {
	if r.Method == "GET" {
		return false
	}
	for _, p := range []string{"/hosts", "/storagedomains", "/storageconnections", "/datacenters/{data_center_id}/storagedomains",
		"/externalhostproviders", "/openstackimageproviders", "/openstacknetworkproviders", "/openstackvolumeproviders"} {
		if r.Path == p || strings.HasPrefix(r.Path, p+"/") {
			return true
		}
	}
	if r.Kind != schema.Action {
		return false
	}
	name := r.Path[strings.LastIndexByte(r.Path, '/')+1:]
	for _, a := range []string{"reloadconfigurations", "upgrade", "syncallnetworks", "resetemulatedmachine", "refreshglusterhealstatus",
		"cleanfinishedtasks", "fence", "setupnetworks", "migrate", "rebalance", "stoprebalance"} {
		if name == a {
			return true
		}
	}
	return false
}

// unknownID is an id no engine has: a well-formed UUID, so that the engine
// looks for it and answers 404 (a malformed one may get 400).
const unknownID = "0badc0de-0000-4000-8000-000000000404"
