package sim

import (
	"net/http"
	"strings"
	"testing"

	"github.com/beevik/etree"
)

// TestPrincipalRoles: a user's or group's roles are the roles it holds on
// the system, its own and Everyone's (BackendAssignedRolesResource.list
// keeps the permissions of GetPermissionsOnBehalfByAdElementId whose
// "entity.getObjectType() == VdcObjectType.System"; that query adds
// Everyone, "array_append(v_user_groups, 'EEE00000-0000-0000-0000-123456789EEE')").
// Every engine has Everyone's UserProfileEditor on the system (the upgrade
// script "__temp_set_edit_profile_permissions": "'EEE00000-...' -- Everyone,
// 'AAA00000-...', 1); -- System"), so a new group has that role; a
// permission on the system joins the roles, one on an object does not,
// and a removed one leaves them.
func TestPrincipalRoles(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1})
	c := newClient(t, e, srv)
	c.must(http.StatusOK, "GET", "/groups/"+everyoneID, "")
	g := idIn(c.must(http.StatusCreated, "POST", "/groups", `<group><name>testers</name></group>`), false)
	if got := roleNames(t, c.must(http.StatusOK, "GET", "/groups/"+g+"/roles", "")); got != "UserProfileEditor" {
		t.Fatalf("a new group's roles: %q, want Everyone's UserProfileEditor", got)
	}
	editor := firstID(t, c, "/groups/"+g+"/roles")
	if permits := c.must(http.StatusOK, "GET", "/groups/"+g+"/roles/"+editor+"/permits", ""); strings.Count(string(permits), "<permit ") != 1 ||
		!strings.Contains(string(permits), `id="504"`) || !strings.Contains(string(permits), "<name>edit_profile</name>") {
		t.Errorf("UserProfileEditor's permits: %s, want edit_profile (504) alone", permits)
	}
	cluster := firstID(t, c, "/clusters")
	e.mu.RLock()
	role := e.st.roots["roles"].byName("UserRole").id
	e.mu.RUnlock()
	c.must(http.StatusCreated, "POST", "/clusters/"+cluster+"/permissions", `<permission><role id="`+role+`"/><group id="`+g+`"/></permission>`)
	sys := idIn(c.must(http.StatusCreated, "POST", "/permissions", `<permission><role id="`+role+`"/><group id="`+g+`"/></permission>`), false)
	if got := roleNames(t, c.must(http.StatusOK, "GET", "/groups/"+g+"/roles", "")); got != "UserProfileEditor UserRole" {
		t.Errorf("with UserRole on the system and on a cluster: %q, want UserProfileEditor UserRole", got)
	}
	c.must(http.StatusOK, "DELETE", "/permissions/"+sys, "")
	if got := roleNames(t, c.must(http.StatusOK, "GET", "/groups/"+g+"/roles", "")); got != "UserProfileEditor" {
		t.Errorf("once the system permission is removed: %q, want UserProfileEditor", got)
	}
}

// TestSystemOptions: GET /options/{name} answers an engine configuration
// value with its values, and 404 for a name that is none
// (BackendSystemOptionResource.get: ConfigValues.valueOf(id) ->
// IllegalArgumentException -> "throw new WebApplicationException(Response.Status.NOT_FOUND)").
func TestSystemOptions(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1})
	c := newClient(t, e, srv)
	body := c.must(http.StatusOK, "GET", "/options/MigrationPolicies", "")
	validXML(t, e.Model(), e.Model().Routes().Lookup("GET", "/options/MigrationPolicies").Route, http.StatusOK, body)
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(body); err != nil {
		t.Fatal(err)
	}
	if v := doc.FindElement("/system_option/values/system_option_value/version"); v == nil || v.Text() != "4.7" {
		t.Errorf("MigrationPolicies: %s, want its value for 4.7", body)
	}
	for _, name := range []string{"0badc0de-0000-4000-8000-000000000404", "NoSuchOption", "migrationpolicies"} {
		c.must(http.StatusNotFound, "GET", "/options/"+name, "")
	}
}

// roleNames returns the names of the roles a list holds, in order.
func roleNames(t testing.TB, body []byte) string {
	t.Helper()
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(body); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range doc.FindElements("/roles/role/name") {
		names = append(names, r.Text())
	}
	return strings.Join(names, " ")
}
