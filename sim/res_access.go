package sim

import (
	"encoding/hex"
	"strings"
)

// accessResources are who may do what: users, groups, their directory
// domains and roles.
func accessResources(e *Engine) []resource {
	return []resource{
		{service: "UsersService", seg: "users", typ: "User", named: true, summary: &summaryItem{"users", ""}},
		{service: "GroupsService", seg: "groups", typ: "Group", named: true},
		{service: "DomainsService", seg: "domains", typ: "Domain", named: true},
		{service: "RolesService", seg: "roles", typ: "Role", unique: true, named: true, prepare: e.rolePrepare, remove: e.roleRemove},
		{service: "PermitsService", seg: "permits", typ: "Permit", prepare: e.permitPrepare, remove: e.permitRemove},
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
	if rp := roleReadOnly(o.rec, "remove"); rp != nil {
		return rp
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

// everyoneID is the group every user belongs to, as every engine has it
// (00200_insert_ad_groups.sql: "VALUES ('eee00000-0000-0000-0000-123456789eee',
// 'Everyone', ...").
const everyoneID = "eee00000-0000-0000-0000-123456789eee"

// seedEveryone adds the group Everyone and its one permission on the
// system, UserProfileEditor, as the engine's upgrade script grants it
// ("INSERT INTO permissions ... v_USER_PROFILE_EDITOR_ID,
// 'EEE00000-0000-0000-0000-123456789EEE', -- Everyone ... 1); -- System").
func (e *Engine) seedEveryone(s *seeder, editor *record) {
	everyone := s.raw("groups", everyoneID, x("group", "name", "Everyone", "namespace", "*",
		"domain_entry_id", strings.ToUpper(hex.EncodeToString([]byte(everyoneID)))))
	if everyone != nil && editor != nil {
		s.put("permissions", x("permission", "role", ref(editor.id), "group", ref(everyone.id)))
	}
}

// live tells the read-only collections that are computed on every read
// rather than generated once.
func live(service string) bool { return service == "AssignedRolesService" }

// principalRoles lists in c the roles principal (a user or a group) holds
// on the system: BackendAssignedRolesResource.list maps the permissions
// of GetPermissionsOnBehalfByAdElementId, which are the principal's own
// and Everyone's (GetPermissionsByAdElementIdAndGroupIds: "ad_element_id =
// ANY(array_append(v_user_groups, 'EEE00000-0000-0000-0000-123456789EEE'))"),
// and keeps those on the system ("if (entity.getObjectType() ==
// VdcObjectType.System)"). Callers hold mu for writing.
func (e *Engine) principalRoles(c *collection, principal *record) {
	var perms []*record
	for _, p := range e.st.roots["permissions"].list() {
		if h := holder(p); h == principal.id || h == everyoneID {
			perms = append(perms, p)
		}
	}
	for _, p := range principal.subs["permissions"].list() {
		if onSystem(p) {
			perms = append(perms, p)
		}
	}
	want := map[string]*record{}
	var order []*record
	for _, p := range perms {
		if role := e.st.lookup(idOf(p.data, "role"), c.item); role != nil && want[role.id] == nil {
			want[role.id] = role
			order = append(order, role)
		}
	}
	for _, r := range c.list() {
		if want[r.id] == nil {
			e.st.unlink(c, r)
		}
	}
	for _, r := range order {
		e.st.insert(c, r)
	}
}

// holder is the id of the user or group a permission is given to.
func holder(p *record) string {
	if id := idOf(p.data, "user"); id != "" {
		return id
	}
	return idOf(p.data, "group")
}

// onSystem reports whether a permission names no object: it is given on
// the system.
func onSystem(p *record) bool {
	for _, c := range p.data.ChildElements() {
		switch c.Tag {
		case "role", "user", "group":
		default:
			if c.SelectAttr("id") != nil {
				return false
			}
		}
	}
	return true
}
