package sim

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/schema"
)

// TestRemoveAnswersAction: every Remove of the engine's REST layer returns
// performAction's answer (BackendTagResource.remove:
// `return performAction(ActionType.RemoveTag, ...)`; 86 of the 98 remove()
// methods of engine-restapi call it, the others delegate to one that
// does), and BackendResource.performAction (BackendResource.java:178-194)
// answers 200 with an <action> whose status is complete; with async=true
// or Expect: 202-accepted, performNonBlockingAction (224-236) answers 202
// and no body. The simulator used to answer 200 with no body.
func TestRemoveAnswersAction(t *testing.T) {
	e, srv := testEngine(t, Options{})
	c := newClient(t, e, srv)
	m := e.Model()
	complete := regexp.MustCompile(`^(<\?xml [^>]*\?>)?\s*<action>\s*<status>complete</status>\s*</action>\s*$`)
	newTag := func(name string) string {
		t.Helper()
		got := c.must(201, "POST", "/tags", "<tag><name>"+name+"</name></tag>")
		id := regexp.MustCompile(`<tag href="[^"]*" id="([^"]+)"`).FindSubmatch(got)
		if id == nil {
			t.Fatalf("POST /tags: no id in %s", clipBody(got))
		}
		return "/tags/" + string(id[1])
	}

	path := newTag("remove-xml")
	resp, got := c.do("DELETE", path, "")
	if resp.StatusCode != 200 || !complete.Match(got) {
		t.Errorf("DELETE %s: %d %s; want 200 and <action><status>complete</status></action>", path, resp.StatusCode, clipBody(got))
	}
	if res := m.ValidateXML(got, schema.Target{Type: m.Type("Action"), Direction: schema.Response}, schema.Limits{}); !res.OK() {
		t.Errorf("DELETE %s: the action breaks the model: %v", path, res.Violations)
	}
	c.must(404, "GET", path, "")

	path = newTag("remove-json")
	c.json = true
	resp, got = c.do("DELETE", path, "")
	if resp.StatusCode != 200 || strings.Join(strings.Fields(string(got)), "") != `{"status":"complete"}` {
		t.Errorf("DELETE %s in JSON: %d %s; want 200 {\"status\": \"complete\"}", path, resp.StatusCode, clipBody(got))
	}
	c.json = false

	for _, nb := range []struct {
		query  string
		header http.Header
	}{{"?async=true", nil}, {"", http.Header{"Expect": {"202-accepted"}}}} {
		path = newTag("remove-async")
		c.header = nb.header
		resp, got = c.do("DELETE", path+nb.query, "")
		c.header = nil
		if resp.StatusCode != 202 || len(got) != 0 {
			t.Errorf("DELETE %s%s %v: %d %s; want 202 and no body", path, nb.query, nb.header, resp.StatusCode, clipBody(got))
		}
		c.must(404, "GET", path, "")
	}
}
