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
// value with its values, as options.tsv has them from the engine's
// ConfigValues.java and 0000_config.sql, and 404 for a name that is none
// (BackendSystemOptionResource.get: ConfigValues.valueOf(id) ->
// IllegalArgumentException -> "throw new WebApplicationException(Response.Status.NOT_FOUND)")
// or that GetSystemOptionQuery keeps from the user: an Internal value
// (OrganizationName, no ClientAccessLevel) from everyone, an Admin one
// (MigrationPolicies) from a user who is no administrator. The model's
// example (SystemOptionService.Get) lists MigrationPolicies for versions
// 4.2 to 4.7 in that order, and ?version=4.2 that version's value alone.
func TestSystemOptions(t *testing.T) {
	e, srv := testEngine(t, Options{Seed: 1, Users: []User{{Name: "alice@internal", Password: "alice", Role: RoleUser}}})
	c := newClient(t, e, srv)
	alice := newClient(t, e, srv)
	alice.user, alice.pass = "alice@internal", "alice"
	versions := func(body []byte) (out []string) {
		doc := etree.NewDocument()
		if err := doc.ReadFromBytes(body); err != nil {
			t.Fatal(err)
		}
		for _, v := range doc.FindElements("/system_option/values/system_option_value") {
			out = append(out, v.SelectElement("version").Text()+"="+v.SelectElement("value").Text())
		}
		return out
	}
	body := c.must(http.StatusOK, "GET", "/options/MigrationPolicies", "")
	validXML(t, e.Model(), e.Model().Routes().Lookup("GET", "/options/MigrationPolicies").Route, http.StatusOK, body)
	got := versions(body)
	var vs []string
	for _, v := range got {
		vs = append(vs, v[:3])
		if !strings.Contains(v, `"name":"Minimal downtime"`) || !strings.Contains(v, `"name":"Post-copy migration"`) {
			t.Errorf("MigrationPolicies %s lacks the engine's policies", v[:3])
		}
	}
	if strings.Join(vs, " ") != "4.2 4.3 4.4 4.5 4.6 4.7" {
		t.Errorf("MigrationPolicies versions %v, want 4.2 to 4.7", vs)
	}
	if got := versions(c.must(http.StatusOK, "GET", "/options/MigrationPolicies?version=4.2", "")); len(got) != 1 || got[0][:3] != "4.2" {
		t.Errorf("?version=4.2 answers %d values", len(got))
	}
	if got := versions(alice.must(http.StatusOK, "GET", "/options/SearchResultsLimit", "")); strings.Join(got, " ") != "general=100" {
		t.Errorf("SearchResultsLimit (User) for a user: %v, want general=100", got)
	}
	if got := versions(c.must(http.StatusOK, "GET", "/options/MaxNumOfVmCpus?version=4.7", "")); strings.Join(got, " ") != `4.7={"x86":710,"ppc":384,"s390x":384}` {
		t.Errorf("MaxNumOfVmCpus 4.7: %v", got)
	}
	alice.must(http.StatusNotFound, "GET", "/options/MigrationPolicies", "")
	c.must(http.StatusNotFound, "GET", "/options/MigrationPolicies?version=3.6", "")
	for _, name := range []string{"0badc0de-0000-4000-8000-000000000404", "NoSuchOption", "migrationpolicies", "OrganizationName"} {
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
