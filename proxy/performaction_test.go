package proxy

import (
	"regexp"
	"testing"
)

// TestEndToEndIscsiBondAnswers: through the proxy, the simulator's answers
// to an iSCSI bond's Remove and Add of a network, which are the engine's
// (200 and <action><status>complete</status></action>, where the model's
// NetworksService.Add returns the network), raise no violation in XML
// (validated as it streams) or JSON. Evidence (engine-restapi/jaxrs/.../
// resource): BackendIscsiBondNetworksResource.java:40 add() and
// BackendIscsiBondNetworkResource.java:55 remove() "return
// performAction(ActionType.EditIscsiBond, ...)", answered by
// BackendResource.java:178-194 "return Response.ok().entity(action).build();".
func TestEndToEndIscsiBondAnswers(t *testing.T) {
	reID := regexp.MustCompile(`<(?:data_center|iscsi_bond|network) href="[^"]*" id="([^"]+)"`)
	for _, asJSON := range []bool{false, true} {
		name := map[bool]string{false: "xml", true: "json"}[asJSON]
		t.Run(name, func(t *testing.T) {
			e, srv := startSim(t, "")
			px := startProxy(t, srv.URL, Config{})
			c := &simClient{t: t, base: px.url, bearer: simLogin(t, px.url, e.AdminPassword())}
			first := func(path string) string {
				m := reID.FindSubmatch(c.must(200, "GET", path, ""))
				if m == nil {
					t.Fatalf("GET %s: no item", path)
				}
				return string(m[1])
			}
			bond := "/datacenters/" + first("/datacenters?search=name%3DDefault") + "/iscsibonds/"
			bond += first(bond)
			net := first(bond + "/networks")
			c.json = asJSON
			body := `<network id="` + net + `"/>`
			if asJSON {
				body = `{"id": "` + net + `"}`
			}
			c.must(200, "DELETE", bond+"/networks/"+net, "")
			c.must(200, "POST", bond+"/networks", body)
			if err := px.stop(); err != nil {
				t.Fatal(err)
			}
			for _, l := range violationLines(t, px.violations.String()) {
				t.Errorf("violation on the engine's answer: %+v", l)
			}
		})
	}
}
