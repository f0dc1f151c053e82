package rules

import (
	"github.com/ovcompat/ovcompat/har"
	"github.com/ovcompat/ovcompat/internal/media"
	"net/http"
	"strings"
	"testing"
)

const (
	vmPath   = "/ovirt-engine/api/vms/123"
	vmXML    = `<vm href="/ovirt-engine/api/vms/123" id="123"><name>a</name></vm>`
	faultXML = `<fault><reason>Operation Failed</reason><detail>x</detail></fault>`
)

// restCase is one exchange and whether rule must fire on it.
type restCase struct {
	name string
	rule string
	fire bool
	ex   har.Exchange
}

// rx builds an exchange; headers are "Name: value" strings, request
// headers prefixed with '>' .
func rx(method, path string, status int, reqBody, respBody string, headers ...string) har.Exchange {
	ex := har.Exchange{Method: method, Path: path, Status: status, RequestHeader: http.Header{}, ResponseHeader: http.Header{},
		RequestBody: []byte(reqBody), ResponseBody: []byte(respBody)}
	if respBody != "" {
		switch media.Sniff(ex.ResponseBody) {
		case XML:
			ex.ResponseHeader.Set("Content-Type", "application/xml;charset=UTF-8")
		case JSON:
			ex.ResponseHeader.Set("Content-Type", "application/json")
		case HTML:
			ex.ResponseHeader.Set("Content-Type", "text/html;charset=UTF-8")
		}
	}
	if reqBody != "" {
		ex.RequestHeader.Set("Content-Type", "application/xml")
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		hdr := ex.ResponseHeader
		if strings.HasPrefix(k, ">") {
			k, hdr = k[1:], ex.RequestHeader
		}
		v = strings.TrimSpace(v)
		if v == "" {
			hdr.Del(k)
			continue
		}
		hdr.Add(k, v)
	}
	return ex
}

func restCases() []restCase {
	add := func(status int, resp string, h ...string) har.Exchange {
		return rx("POST", "/ovirt-engine/api/vms", status, `<vm><name>a</name><cluster id="1"/><template id="2"/></vm>`, resp, h...)
	}
	return []restCase{
		{"request body without content type", RuleMissingContentType, true, rx("PUT", vmPath, 200, "<vm/>", vmXML, ">Content-Type:")},
		{"request body with content type", RuleMissingContentType, false, rx("PUT", vmPath, 200, "<vm/>", vmXML)},
		{"response body without content type", RuleMissingContentType, true, rx("GET", vmPath, 200, "", vmXML, "Content-Type:")},
		{"empty 404 without content type", RuleMissingContentType, false, rx("GET", vmPath, 404, "", "")},

		{"add without body", RuleMissingBody, true, rx("POST", "/ovirt-engine/api/vms", 400, "", faultXML)},
		{"update without body", RuleMissingBody, true, rx("PUT", vmPath, 400, "", faultXML)},
		{"action without body", RuleMissingBody, false, rx("POST", vmPath+"/start", 200, "", "<action><status>complete</status></action>")},
		{"add with body", RuleMissingBody, false, add(201, vmXML, "Location: https://e/ovirt-engine/api/vms/123")},

		{"GET with body", RuleUnexpectedBody, true, rx("GET", vmPath, 200, "<vm/>", vmXML)},
		{"HEAD with body", RuleUnexpectedBody, true, rx("HEAD", "/ovirt-engine/api", 200, "x", "", ">Content-Type: text/plain")},
		{"GET with a stray Content-Type", RuleUnexpectedBody, false, rx("GET", vmPath, 200, "", vmXML, ">Content-Type: application/xml")},
		{"DELETE with body where the route takes none", RuleUnexpectedBody, true,
			rx("DELETE", "/ovirt-engine/api/vms/123/affinitylabels/9", 200, "<action/>", "")},
		{"DELETE with body where the route takes parameters", RuleUnexpectedBody, false,
			rx("DELETE", vmPath, 200, "<action><force>true</force></action>", "")},

		{"Version 5", RuleVersion, true, rx("GET", vmPath, 200, "", vmXML, ">Version: 5")},
		{"Version 4", RuleVersion, false, rx("GET", vmPath, 200, "", vmXML, ">Version: 4")},
		{"Version 3 against /v4", RuleVersion, true, rx("GET", "/ovirt-engine/api/v4/vms/123", 200, "", strings.Replace(vmXML, "api/", "api/v4/", 1), ">Version: 3")},
		{"no Version", RuleVersion, false, rx("GET", vmPath, 200, "", vmXML)},

		{"GET 201", RuleStatus, true, rx("GET", vmPath, 201, "", vmXML)},
		{"add 200", RuleStatus, true, add(200, vmXML)},
		{"add 201", RuleStatus, false, add(201, vmXML, "Location: /ovirt-engine/api/vms/123")},
		{"add 202", RuleStatus, false, add(202, vmXML)},
		{"action 202", RuleStatus, false, rx("POST", vmPath+"/start", 202, "<action/>", "<action><status>pending</status></action>")},
		{"action 201", RuleStatus, true, rx("POST", vmPath+"/start", 201, "<action/>", "<action><status>complete</status></action>")},
		{"remove 204", RuleStatus, true, rx("DELETE", vmPath, 204, "", "")},
		{"remove 200", RuleStatus, false, rx("DELETE", vmPath, 200, "", "")},
		{"error 409", RuleStatus, false, rx("DELETE", vmPath, 409, "", faultXML)},

		{"409 without body", RuleErrorFault, true, rx("DELETE", vmPath, 409, "", "")},
		{"500 HTML page", RuleErrorFault, true, rx("GET", vmPath, 500, "", "<html><body>Internal</body></html>")},
		{"failed action without fault", RuleErrorFault, true, rx("POST", vmPath+"/start", 400, "<action/>", "<action><status>failed</status></action>")},
		{"failed action with fault", RuleErrorFault, false, rx("POST", vmPath+"/start", 400, "<action/>", "<action><status>failed</status>"+faultXML+"</action>")},
		{"409 with fault", RuleErrorFault, false, rx("DELETE", vmPath, 409, "", faultXML)},
		// The same verdicts in JSON, from the facts the validator reads
		// alike in both representations.
		{"JSON failed action without fault", RuleErrorFault, true, rx("POST", vmPath+"/start", 400, "<action/>", `{"status":"failed"}`)},
		{"JSON failed action with fault", RuleErrorFault, false, rx("POST", vmPath+"/start", 400, "<action/>", `{"status":"failed","fault":{"reason":"r","detail":"d"}}`)},
		{"empty 404", RuleErrorFault, false, rx("GET", vmPath, 404, "", "")},
		{"HTML 401", RuleErrorFault, false, rx("GET", "/ovirt-engine/api", 401, "", "<html><head><title>Error</title></head><body>Unauthorized</body></html>", `WWW-Authenticate: Basic realm="RESTAPI"`)},

		{"201 without Location", RuleLocation, true, add(201, vmXML)},
		{"201 with Location of another resource", RuleLocation, true, add(201, vmXML, "Location: https://e/ovirt-engine/api/vms/999")},
		{"201 with absolute Location", RuleLocation, false, add(201, vmXML, "Location: https://e/ovirt-engine/api/vms/123")},
		{"JSON 201 with Location of another resource", RuleLocation, true, add(201, `{"href":"/ovirt-engine/api/vms/123","id":"123"}`, "Location: /ovirt-engine/api/vms/999")},
		{"201 without href, Location outside the collection", RuleLocation, true, add(201, "<vm><name>a</name></vm>", "Location: /ovirt-engine/api/hosts/1")},
		{"201 without href, Location below the collection", RuleLocation, false, add(201, "<vm><name>a</name></vm>", "Location: /ovirt-engine/api/vms/1")},

		{"JSON to an XML client", RuleAccept, true, rx("GET", vmPath, 200, "", `{"href":"/ovirt-engine/api/vms/123","id":"123"}`, ">Accept: application/xml")},
		{"XML with charset to an XML client", RuleAccept, false, rx("GET", vmPath, 200, "", vmXML, ">Accept: application/xml")},
		{"q=0 excludes", RuleAccept, true, rx("GET", vmPath, 200, "", vmXML, ">Accept: application/json, application/xml;q=0")},
		{"wildcard", RuleAccept, false, rx("GET", vmPath, 200, "", vmXML, ">Accept: */*")},
		{"HTML 401 to an XML client", RuleAccept, false, rx("GET", vmPath, 401, "", "<html><body>Unauthorized</body></html>", ">Accept: application/xml")},

		{"href of another vm", RuleSelfHref, true, rx("GET", vmPath, 200, "", strings.Replace(vmXML, "vms/123", "vms/124", 1))},
		{"href under another base", RuleSelfHref, false, rx("GET", "/ovirt-engine/api/v4/vms/123", 200, "", vmXML)},
		{"href with matrix in the request", RuleSelfHref, false, rx("GET", vmPath+";all_content=true", 200, "", vmXML)},
		{"JSON href of another vm", RuleSelfHref, true, rx("GET", vmPath, 200, "", `{"href":"/ovirt-engine/api/vms/9","id":"9"}`)},
		{"JSON href of this vm", RuleSelfHref, false, rx("GET", vmPath, 200, "", `{"href":"/ovirt-engine/api/vms/123","id":"123"}`)},
		{"list is not a single resource", RuleSelfHref, false, rx("GET", "/ovirt-engine/api/vms", 200, "", "<vms>"+vmXML+"</vms>")},

		{"session without Prefer", RuleSession, true, rx("GET", vmPath, 200, "", vmXML, "Set-Cookie: JSESSIONID=abc; path=/ovirt-engine/api; HttpOnly")},
		{"session with Prefer", RuleSession, false, rx("GET", vmPath, 200, "", vmXML, ">Prefer: persistent-auth", "Set-Cookie: JSESSIONID=abc; path=/ovirt-engine/api; HttpOnly")},
		{"session the client holds", RuleSession, false, rx("GET", vmPath, 200, "", vmXML, ">Cookie: JSESSIONID=abc", "Set-Cookie: JSESSIONID=abc")},

		{"no-cache and max-age", RuleCacheHeaders, true, rx("GET", vmPath, 200, "", vmXML, "Cache-Control: no-cache, max-age=600")},
		{"Pragma no-cache and public", RuleCacheHeaders, true, rx("GET", vmPath, 200, "", vmXML, "Cache-Control: public", "Pragma: no-cache")},
		{"future Expires with no-store", RuleCacheHeaders, true, rx("GET", vmPath, 200, "", vmXML, "Cache-Control: no-store",
			"Date: Mon, 16 Jan 2017 08:21:35 GMT", "Expires: Mon, 16 Jan 2017 09:21:35 GMT")},
		{"engine's no-cache set", RuleCacheHeaders, false, rx("GET", vmPath, 200, "", vmXML, "Cache-Control: no-cache", "Pragma: No-cache",
			"Date: Mon, 16 Jan 2017 08:21:35 GMT", "Expires: Thu, 01 Jan 1970 02:00:00 IST")},
	}
}

func TestRESTRules(t *testing.T) {
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range restCases() {
		t.Run(tc.name, func(t *testing.T) {
			if _, ok := c.Catalogue().Rule(tc.rule); !ok {
				t.Fatalf("rule %s is not in the catalogue", tc.rule)
			}
			ex := tc.ex
			res := c.Check(&ex)
			fired := false
			for _, v := range res.Violations {
				if v.Rule == tc.rule {
					fired = true
					if strings.Contains(v.Reason, "123") || strings.Contains(v.Reason, "124") {
						t.Errorf("reason echoes a body value: %s", v.Reason)
					}
				}
			}
			if fired != tc.fire {
				t.Errorf("%s fired = %v, want %v; violations: %v", tc.rule, fired, tc.fire, res.Violations)
			}
		})
	}
}

func TestRESTRulesEachTested(t *testing.T) {
	fires, quiet := map[string]bool{}, map[string]bool{}
	for _, tc := range restCases() {
		if tc.fire {
			fires[tc.rule] = true
		} else {
			quiet[tc.rule] = true
		}
	}
	for _, r := range Default().Rules() {
		if r.Area() != "rest" || r.Check == nil || r.ID == RuleUnknownRoute {
			continue
		}
		if !fires[r.ID] || !quiet[r.ID] {
			t.Errorf("%s: needs a case that fires it and one that does not", r.ID)
		}
	}
}

func TestRequestRulesNeedNoResponse(t *testing.T) {
	c, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	ex := rx("GET", vmPath, 0, "<vm/>", "", ">Version: 7")
	ex.NoResponse = true
	got := map[string]bool{}
	for _, v := range c.CheckRequest(&ex).Violations {
		got[v.Rule] = true
	}
	for _, id := range []string{RuleUnexpectedBody, RuleVersion} {
		if !got[id] {
			t.Errorf("CheckRequest did not report %s", id)
		}
	}
	for id := range got {
		if r, _ := c.Catalogue().Rule(id); !r.Request && r.Check != nil {
			t.Errorf("CheckRequest reported response rule %s", id)
		}
	}
}

func TestAccepts(t *testing.T) {
	for _, c := range []struct {
		accept, mt string
		want       bool
	}{
		{"application/xml", "application/xml", true},
		{"application/*", "application/json", true},
		{"text/html, application/xml;q=0.9", "application/xml", true},
		{"application/xml;q=0.0", "application/xml", false},
		{"application/xml;q=0.5", "application/json", false},
		{"*/*;q=0", "application/xml", false},
	} {
		if got := Accepts(c.accept, c.mt); got != c.want {
			t.Errorf("Accepts(%q, %q) = %v", c.accept, c.mt, got)
		}
	}
}

// FuzzRESTHeaders feeds the header parsers of the REST rules (Accept,
// Cache-Control, Expires, Set-Cookie, Version) with any text: they must
// never panic, and a reason must never echo the value.
func FuzzRESTHeaders(f *testing.F) {
	f.Add("application/xml;q=0.5, */*;q=0", "no-cache, max-age=600", "Thu, 01 Jan 1970 02:00:00 IST", "JSESSIONID=x; path=/", "4")
	c, err := New(Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, accept, cc, expires, cookie, version string) {
		Accepts(accept, "application/xml")
		ex := rx("GET", vmPath, 200, "", vmXML, ">Accept: x", ">Version: x", "Cache-Control: x", "Expires: x", "Set-Cookie: x")
		ex.RequestHeader.Set("Accept", accept)
		ex.RequestHeader.Set("Version", version)
		ex.ResponseHeader.Set("Cache-Control", cc)
		ex.ResponseHeader.Set("Expires", expires)
		ex.ResponseHeader.Set("Set-Cookie", cookie)
		for _, v := range c.Check(&ex).Violations {
			if len(version) > 3 && strings.Contains(v.Reason, version) {
				t.Errorf("reason echoes the Version header: %s", v.Reason)
			}
		}
	})
}
