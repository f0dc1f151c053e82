package sim

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/schema"
)

// TestIscsiBondListsOnly: an iSCSI bond's networks and storage connections
// are a list the bond keeps of objects that exist on their own. Removing
// one from the bond leaves the object, and an Add names an existing one
// (by id or by name) and lists it again. Evidence (engine-restapi):
// BackendIscsiBondNetworkResource.remove "iscsiBond.getNetworkIds().remove(guid);
// return performAction(ActionType.EditIscsiBond, new EditIscsiBondParameters(iscsiBond));",
// BackendIscsiBondNetworksResource.add "iscsiBond.getNetworkIds().add(entity.getId());",
// BackendIscsiBondStorageConnectionResource.remove
// "iscsiBond.getStorageConnectionIds().remove(id);".
func TestIscsiBondListsOnly(t *testing.T) {
	e, srv := testEngine(t, Options{})
	c := newClient(t, e, srv)
	dc := firstID(t, c, "/datacenters?search=name%3DDefault")
	bond := firstID(t, c, "/datacenters/"+dc+"/iscsibonds")
	base := "/datacenters/" + dc + "/iscsibonds/" + bond
	for _, sub := range []struct{ seg, root, tag string }{
		{"networks", "/networks", "network"},
		{"storageserverconnections", "/storageconnections", "storage_connection"},
	} {
		list := base + "/" + sub.seg
		item := regexp.MustCompile(`<` + sub.tag + ` href="[^"]*" id="([^"]+)"`)
		m := item.FindSubmatch(c.must(200, "GET", list, ""))
		if m == nil {
			t.Fatalf("the seeded bond lists no %s", sub.seg)
		}
		id := string(m[1])
		c.must(200, "DELETE", list+"/"+id, "")
		c.must(200, "GET", sub.root+"/"+id, "")
		if got := c.must(200, "GET", list, ""); strings.Contains(string(got), id) {
			t.Errorf("GET %s still lists %s after its removal from the bond", list, id)
		}
		c.must(404, "GET", list+"/"+id, "")
		c.must(200, "POST", list, "<"+sub.tag+` id="`+id+`"/>`)
		if got := c.must(200, "GET", list, ""); !strings.Contains(string(got), id) {
			t.Errorf("GET %s does not list %s attached again", list, id)
		}
		if n := strings.Count(string(c.must(200, "GET", sub.root, "")), "<"+sub.tag+" "); n == 0 {
			t.Errorf("GET %s lists nothing", sub.root)
		}
	}
	// A network is attached again by its name (model 4.6.1
	// NetworksService.Add: or(mandatory(network().id()), mandatory(network().name()))).
	net := firstID(t, c, "/networks?search=name%3Dvmnet")
	c.must(200, "DELETE", base+"/networks/"+net, "")
	c.must(200, "POST", base+"/networks", "<network><name>vmnet</name></network>")
	if got := c.must(200, "GET", base+"/networks", ""); !strings.Contains(string(got), net) {
		t.Errorf("vmnet named by name is not listed again in the bond")
	}
	before := strings.Count(string(c.must(200, "GET", "/networks", "")), "<network ")
	c.must(404, "POST", base+"/networks", "<network><name>nosuchnet</name></network>")
	if after := strings.Count(string(c.must(200, "GET", "/networks", "")), "<network "); after != before {
		t.Errorf("an Add to the bond of an unknown network made one: %d networks, %d before", after, before)
	}
}

// TestIscsiBondAnswersAction: an Add to and a Remove from an iSCSI bond's
// networks and storage connections answer what the engine's REST layer
// answers, not what the model's operations return (restneeds.Override
// .Action). Evidence (engine-restapi/jaxrs/.../resource):
// BackendIscsiBondNetworksResource.java:40 add() and
// BackendIscsiBondNetworkResource.java:55 remove(),
// BackendIscsiBondStorageConnectionsResource.java:41 add() and
// BackendIscsiBondStorageConnectionResource.java:46 remove() each
// "return performAction(ActionType.EditIscsiBond, new EditIscsiBondParameters(iscsiBond));",
// and BackendResource.java:178-194 answers it
// "action.setStatus(CreationStatus.COMPLETE.value()); ... return Response.ok().entity(action).build();",
// or, "if (isAsync() || expectNonBlocking())" (async=true; Expect or
// X-Ovirt-Expect: 202-accepted), performNonBlockingAction's
// "return Response.status(Response.Status.ACCEPTED).build();" (no action).
func TestIscsiBondAnswersAction(t *testing.T) {
	e, srv := testEngine(t, Options{})
	c := newClient(t, e, srv)
	m := e.Model()
	dc := firstID(t, c, "/datacenters?search=name%3DDefault")
	base := "/datacenters/" + dc + "/iscsibonds/" + firstID(t, c, "/datacenters/"+dc+"/iscsibonds")
	complete := regexp.MustCompile(`^(<\?xml [^>]*\?>)?\s*<action>\s*<status>complete</status>\s*</action>\s*$`)
	for _, sub := range []struct{ seg, tag string }{
		{"networks", "network"},
		{"storageserverconnections", "storage_connection"},
	} {
		list := base + "/" + sub.seg
		m1 := regexp.MustCompile(`<` + sub.tag + ` href="[^"]*" id="([^"]+)"`).FindSubmatch(c.must(200, "GET", list, ""))
		if m1 == nil {
			t.Fatalf("the seeded bond lists no %s", sub.seg)
		}
		id, body := string(m1[1]), "<"+sub.tag+` id="`+string(m1[1])+`"/>`
		listed := func(want bool) {
			t.Helper()
			if got := strings.Contains(string(c.must(200, "GET", list, "")), id); got != want {
				t.Fatalf("GET %s lists %s: %v, want %v", list, id, got, want)
			}
		}
		for _, w := range []struct{ method, path, body string }{{"DELETE", list + "/" + id, ""}, {"POST", list, body}} {
			resp, got := c.do(w.method, w.path, w.body)
			if resp.StatusCode != 200 || resp.Header.Get("Location") != "" || !complete.Match(got) {
				t.Errorf("%s %s: %d, Location %q, %s; want 200 and <action><status>complete</status></action>",
					w.method, w.path, resp.StatusCode, resp.Header.Get("Location"), clipBody(got))
			}
			if res := m.ValidateXML(got, schema.Target{Type: m.Type("Action"), Direction: schema.Response}, schema.Limits{}); !res.OK() {
				t.Errorf("%s %s: the action breaks the model: %v", w.method, w.path, res.Violations)
			}
		}
		listed(true)
		c.json = true
		for _, w := range []struct{ method, path, body string }{{"DELETE", list + "/" + id, ""}, {"POST", list, `{"id": "` + id + `"}`}} {
			resp, got := c.do(w.method, w.path, w.body)
			if resp.StatusCode != 200 || strings.Join(strings.Fields(string(got)), "") != `{"status":"complete"}` {
				t.Errorf("%s %s in JSON: %d %s; want 200 {\"status\": \"complete\"}", w.method, w.path, resp.StatusCode, clipBody(got))
			}
		}
		c.json = false
		listed(true)
		for _, nb := range []struct {
			query  string
			header http.Header
		}{{"?async=true", nil}, {"", http.Header{"Expect": {"202-accepted"}}}, {"", http.Header{"X-Ovirt-Expect": {"202-accepted"}}}} {
			c.header = nb.header
			for _, w := range []struct {
				method, path, body string
				listed             bool
			}{{"DELETE", list + "/" + id + nb.query, "", false}, {"POST", list + nb.query, body, true}} {
				resp, got := c.do(w.method, w.path, w.body)
				if resp.StatusCode != 202 || len(got) != 0 {
					t.Errorf("%s %s %v: %d %s; want 202 and no body", w.method, w.path, nb.header, resp.StatusCode, clipBody(got))
				}
				c.header = nil
				listed(w.listed)
				c.header = nb.header
			}
		}
		c.header = nil
	}
}
