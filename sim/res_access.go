package sim

import "strings"

// accessResources are who may do what: users, groups, their directory
// domains and roles.
func accessResources(e *Engine) []resource {
	return []resource{
		{service: "UsersService", seg: "users", typ: "User", named: true, summary: &summaryItem{"users", ""}},
		{service: "GroupsService", seg: "groups", typ: "Group", named: true},
		{service: "DomainsService", seg: "domains", typ: "Domain", named: true},
		{service: "RolesService", seg: "roles", typ: "Role", unique: true, named: true, remove: e.roleRemove},
		{service: "AssignedPermissionsService", seg: "permissions", typ: "Permission", beside: (*Engine).inheritedPermissions},
	}
}

// inheritedPermissions are the system's permissions as an object's
// permissions list them: BackendAssignedPermissionsResource.list adds the
// inherited ones to the object's own ("permissions.addAll(getInheritedPermissions())"),
// each shown as set on the object ("entity.setObjectType(objectType);
// entity.setObjectId(targetId);"). Callers hold mu.
func (e *Engine) inheritedPermissions(owner *record) []*record {
	if owner == nil || owner.typ.Name == "User" || owner.typ.Name == "Group" {
		return nil // a principal's permissions are its own (GetPermissionsByAdElementId)
	}
	var out []*record
	for _, p := range e.st.roots["permissions"].list() {
		data := p.data.Copy()
		r := &record{id: p.id, typ: p.typ, tag: p.tag, data: data, home: p.home, in: p.in}
		e.injectParent(r, owner)
		out = append(out, r)
	}
	return out
}

// listedBeside returns what the collection of service (below owner) lists
// besides its items. Callers hold mu.
func (e *Engine) listedBeside(service string, owner *record) []*record {
	if f := e.reg.service(service).beside; f != nil && owner != nil {
		return f(e, owner)
	}
	return nil
}

// listedItem finds the item q names among what its collection lists
// besides its items, or nil. Callers hold mu.
func (e *Engine) listedItem(q *request) *record {
	n := len(q.segs) - 1
	if n < 1 {
		return nil
	}
	w, ok := e.st.walk(q.segs[:n], q.tmpl[:n], false)
	list := e.meta.route("GET", "/"+strings.Join(q.tmpl[:n], "/"))
	if !ok || w.parent == nil || list == nil || !e.visibleAt(q, w.parent) {
		return nil
	}
	for _, r := range e.listedBeside(list.Service, w.parent) {
		if r.id == q.segs[n] {
			return r
		}
	}
	return nil
}

// roleRemove keeps the predefined roles and the roles permissions use, as
// RemoveRoleCommand.validate refuses them (ERROR_CANNOT_REMOVE_ROLE_IS_READ_ONLY,
// ERROR_CANNOT_REMOVE_ROLE_ATTACHED_TO_PERMISSION).
func (e *Engine) roleRemove(o *op) *reply {
	if textOf(o.rec.data, "mutable") == "false" {
		return conflict("Cannot remove Role. Role is read-only.")
	}
	for _, r := range e.st.byID {
		for _, p := range r {
			if p.typ.Name == "Permission" && idOf(p.data, "role") == o.rec.id {
				return conflict("Cannot remove Role. Role is in use: remove the permissions that use it first.")
			}
		}
	}
	return nil
}
