package rules

import (
	"reflect"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/schema"
)

// TestPerformActionAnswers: where the engine's REST layer answers an
// operation with performAction whatever the model's operation returns
// (sim/restneeds Override.Action), its real answers break no rule: an
// iSCSI bond's Add and Remove of networks and storage connections answer
// 200 and <action><status>complete</status></action> (XML or JSON), or 202
// and no body when the client does not wait. The model's own answer there
// (201 and the network) is one the engine never gives, and an <action>
// from an Add elsewhere stays a wrong root. Evidence
// (engine-restapi/jaxrs/.../resource): BackendIscsiBondNetworksResource.java:40
// add() and BackendIscsiBondNetworkResource.java:55 remove(),
// BackendIscsiBondStorageConnectionsResource.java:41 add() and
// BackendIscsiBondStorageConnectionResource.java:46 remove() "return
// performAction(ActionType.EditIscsiBond, new EditIscsiBondParameters(iscsiBond));";
// BackendResource.java:178-194 "action.setStatus(CreationStatus.COMPLETE.value());
// ... return Response.ok().entity(action).build();", and
// performNonBlockingAction "return Response.status(Response.Status.ACCEPTED).build();".
// (The request rules still hold the bodies to the model's signatures, as
// rsdl.mandatory-body does wherever the REST layer checks less.)
func TestPerformActionAnswers(t *testing.T) {
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	const (
		bond   = "/ovirt-engine/api/datacenters/1/iscsibonds/2"
		action = "<action>\n    <status>complete</status>\n</action>\n"
	)
	for _, w := range []struct{ method, path, body string }{
		{"POST", bond + "/networks", `<network id="3"/>`},
		{"DELETE", bond + "/networks/3", ""},
		{"POST", bond + "/storageserverconnections", `<storage_connection id="4"/>`},
		{"DELETE", bond + "/storageserverconnections/4", ""},
	} {
		for _, answer := range []struct {
			status int
			body   string
		}{{200, action}, {200, `{"status": "complete"}`}, {202, ""}} {
			ex := rx(w.method, w.path, answer.status, w.body, answer.body)
			for _, v := range c.Check(&ex).Violations {
				if !strings.HasPrefix(v.Location, "request:") {
					t.Errorf("%s %s answered %d %q: %+v", w.method, w.path, answer.status, answer.body, v)
				}
			}
			if answer.body != action {
				continue
			}
			whole := c.Check(&ex)
			xs := c.StreamResponse(w.method, w.path, "4", answer.status)
			_, _ = xs.Write([]byte(answer.body))
			ex.ResponseTruncated = true
			if streamed := c.CheckStreamed(&ex, xs.Close()); !reflect.DeepEqual(streamed.Violations, whole.Violations) {
				t.Errorf("%s %s streamed: %v, whole %v", w.method, w.path, streamed.Violations, whole.Violations)
			}
		}
	}
	model := rx("POST", bond+"/networks", 201, `<network id="3"/>`, `<network href="/ovirt-engine/api/networks/3" id="3"><name>n</name></network>`,
		"Location: /ovirt-engine/api/datacenters/1/iscsibonds/2/networks/3")
	if res := c.Check(&model); !hasRule(res.Violations, RuleStatus) || !hasRule(res.Violations, schema.RuleWrongRoot) {
		t.Errorf("201 <network> from the bond's Add: %v, want %s and %s", res.Violations, RuleStatus, schema.RuleWrongRoot)
	}
	elsewhere := rx("POST", "/ovirt-engine/api/networks", 200, `<network><name>n</name><data_center id="1"/></network>`, action)
	if res := c.Check(&elsewhere); !hasRule(res.Violations, RuleStatus) || !hasRule(res.Violations, schema.RuleWrongRoot) {
		t.Errorf("200 <action> from POST /networks: %v, want %s and %s", res.Violations, RuleStatus, schema.RuleWrongRoot)
	}
}
