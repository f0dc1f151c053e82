package sim

import (
	"regexp"
	"strings"
	"testing"
)

// permitIDs lists the ids of the permits a list answers.
func permitIDs(body []byte) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<permit href="[^"]*" id="([^"]+)"`).FindAllSubmatch(body, -1) {
		out = append(out, string(m[1]))
	}
	return out
}

// TestPredefinedRolesReadOnly: the predefined roles list their own action
// groups as permits and refuse every change, as the engine's commands do:
// RolesCommandBase.checkIfRoleIsReadOnly adds ACTION_TYPE_FAILED_ROLE_IS_READ_ONLY
// ("Cannot ${action} ${type}. The Role is Read-Only.") in
// AttachActionGroupsToRoleCommand (VAR__ACTION__ATTACH_ACTION_TO, "$action attach"),
// DetachActionGroupsFromRoleCommand (VAR__ACTION__DETACH_ACTION_TO, "$action detach")
// and RemoveRoleCommand (VAR__ACTION__REMOVE); a failed validation is 409
// "Operation Failed" with the message in brackets.
func TestPredefinedRolesReadOnly(t *testing.T) {
	e, srv := testEngine(t, Options{})
	c := newClient(t, e, srv)
	role := firstID(t, c, "/roles?search=name%3DUserRole")
	permits := "/roles/" + role + "/permits"
	list := c.must(200, "GET", permits, "")
	if !strings.Contains(string(list), "<name>login</name>") || !strings.Contains(string(list), "<name>vm_pool_basic_operations</name>") {
		t.Fatalf("UserRole's permits lack login or vm_pool_basic_operations (insert_predefined_roles.sql):\n%s", list)
	}
	super := c.must(200, "GET", "/roles/"+firstID(t, c, "/roles?search=name%3DSuperUser")+"/permits", "")
	if n := len(permitIDs(super)); n != len(e.meta.groups.names()) || n < 90 {
		t.Errorf("SuperUser holds %d permits, want every action group (%d)", n, len(e.meta.groups.names()))
	}
	for _, tc := range []struct{ method, path, body, detail string }{
		{"POST", permits, `<permit id="5"/>`, "[Cannot attach Role. The Role is Read-Only.]"},
		{"DELETE", permits + "/1300", "", "[Cannot detach Role. The Role is Read-Only.]"},
		{"DELETE", "/roles/" + role, "", "[Cannot remove Role. The Role is Read-Only.]"},
	} {
		got := string(c.must(409, tc.method, tc.path, tc.body))
		if !strings.Contains(got, "<detail>"+tc.detail+"</detail>") || !strings.Contains(got, "<reason>Operation Failed</reason>") {
			t.Errorf("%s %s: want the fault %q:\n%s", tc.method, tc.path, tc.detail, got)
		}
	}
	if after := c.must(200, "GET", permits, ""); string(after) != string(list) {
		t.Errorf("UserRole's permits changed:\n%s", after)
	}
}

// TestRolePermitsOwn: a role's permits are its own records of the engine's
// action groups (BackendPermitsResource lists GetRoleActionGroupsByRoleId;
// PermitMapper writes id = ActionGroup.getId(), name = name().toLowerCase(),
// administrative = RoleType.ADMIN). A new role gets the permits its body
// names by id or name (BackendRolesResource.add: validateParameters(role,
// "name", "permits.id"), AddRoleWithActionGroups); attaching and detaching
// one changes that role only. AttachActionGroupsToRoleCommand refuses a
// group the role holds ("Cannot attach action group to Role. This action
// group is already attached to Role.") and an administrator's group on a
// user role ("Cannot add administrator's action group to a User Role.").
func TestRolePermitsOwn(t *testing.T) {
	e, srv := testEngine(t, Options{})
	c := newClient(t, e, srv)
	userRole := "/roles/" + firstID(t, c, "/roles?search=name%3DUserRole") + "/permits"
	before := string(c.must(200, "GET", userRole, ""))
	id := idIn(c.must(201, "POST", "/roles", `<role><name>operators</name><administrative>false</administrative>`+
		`<permits><permit id="1"/><permit id="1300"><name>login</name></permit></permits></role>`), false)
	permits := "/roles/" + id + "/permits"
	if got := string(c.must(400, "POST", "/roles", `<role><name>bad</name><permits><permit id="4"/></permits></role>`)); !strings.Contains(got, "4 is not a valid permit ID.") {
		t.Errorf("a role with permit 4 (no ActionGroup since VM_BASIC_OPERATIONS went): want BackendRolesResource.validatePermitId's 400:\n%s", got)
	}
	if got := permitIDs(c.must(200, "GET", permits, "")); strings.Join(got, ",") != "1,1300" {
		t.Fatalf("the new role's permits are %v, want [1 1300]", got)
	}
	p := string(c.must(201, "POST", permits, `<permit id="5"/>`))
	for _, want := range []string{`id="5"`, "<name>change_vm_cd</name>", "<administrative>false</administrative>",
		`href="` + BasePath + permits + `/5"`} {
		if !strings.Contains(p, want) {
			t.Errorf("the attached permit lacks %s:\n%s", want, p)
		}
	}
	c.must(409, "POST", permits, `<permit><name>CHANGE_VM_CD</name></permit>`)
	c.must(409, "POST", permits, `<permit><name>create_host</name></permit>`)
	c.must(200, "GET", permits+"/5", "")
	c.must(200, "DELETE", permits+"/1", "")
	if got := permitIDs(c.must(200, "GET", permits, "")); strings.Join(got, ",") != "1300,5" {
		t.Errorf("after detaching create_vm the role's permits are %v, want [1300 5]", got)
	}
	if after := string(c.must(200, "GET", userRole, "")); after != before {
		t.Errorf("UserRole's permits changed with another role's:\n%s", after)
	}
}
