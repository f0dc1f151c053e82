package sim

import (
	"regexp"
	"strings"
	"testing"
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
		c.must(201, "POST", list, "<"+sub.tag+` id="`+id+`"/>`)
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
	c.must(201, "POST", base+"/networks", "<network><name>vmnet</name></network>")
	if got := c.must(200, "GET", base+"/networks", ""); !strings.Contains(string(got), net) {
		t.Errorf("vmnet named by name is not listed again in the bond")
	}
	before := strings.Count(string(c.must(200, "GET", "/networks", "")), "<network ")
	c.must(404, "POST", base+"/networks", "<network><name>nosuchnet</name></network>")
	if after := strings.Count(string(c.must(200, "GET", "/networks", "")), "<network "); after != before {
		t.Errorf("an Add to the bond of an unknown network made one: %d networks, %d before", after, before)
	}
}
