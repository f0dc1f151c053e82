package redact

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
)

func TestIsSecretName(t *testing.T) {
	for name, want := range map[string]bool{
		"password": true, "Password": true, "new_password": true, "root_password": true,
		"ns:password": true, "passwd": true, "client_secret": true, "token": true,
		"access_token": true, "id_token": true, "refresh_token": true, "X-Auth-Token": true,
		"private_key": true, "user_password": true, "windows_license_key": true,
		// redact.Body kept these before one redactor replaced two (issue 16).
		"api_key": true, "X-API-Key": true, "session_id": true, "JSESSIONID": true,
		"authorization_code": true, "authorization": true, "credentials": true, "cookie": true,
		"token_type": false, "name": false, "public_key": false, "ticket": false, "value": false,
		"expires_in": false, "username": false, "href": false, "": false, "code": false,
		"authorized_key": false, "authentication_method": false, "keyboard_layout": false,
	} {
		if got := IsSecretName(name); got != want {
			t.Errorf("IsSecretName(%q) = %v, want %v", name, got, want)
		}
	}
	// code is the OAuth authorization code as a parameter only: Event.code
	// is a number in the model.
	if !IsSecretParam("code") || !IsSecretParam("password") || IsSecretParam("state") {
		t.Error("IsSecretParam: code and password are secret parameters, state is not")
	}
}

func TestIsSecretInContext(t *testing.T) {
	for _, c := range []struct {
		parent, name string
		want         bool
	}{
		{"ticket", "value", true},       // Ticket.value, a console ticket
		{"proxy_ticket", "value", true}, // ProxyTicket.value
		{"openstack_volume_authentication_key", "value", true},
		{"ns:ticket", "ns:value", true},
		{"", "value", true}, // a JSON root: unknown, secret in some context
		{"property", "value", false},
		{"option", "value", false},
		{"ticket", "expiry", false},
		{"image_transfer", "proxy_url", true},
		{"image_transfer", "phase", false},
		{"action", "remote_viewer_connection_file", true},
		{"vm", "password", true}, // a name that says so is secret anywhere
		{"ssh", "public_key", false},
		{"authorized_key", "key", false},
		{"ssh_public_key", "content", false},
	} {
		if got := IsSecret(c.parent, c.name); got != c.want {
			t.Errorf("IsSecret(%q, %q) = %v, want %v", c.parent, c.name, got, c.want)
		}
	}
}

func TestHeader(t *testing.T) {
	h := http.Header{
		"Authorization":       {"Bearer eyJsecret.token.x"},
		"Proxy-Authorization": {"Basic YWRtaW46c2VjcmV0"},
		"Cookie":              {"JSESSIONID=abc123; locale=en"},
		"Set-Cookie":          {"JSESSIONID=abc123; Path=/ovirt-engine/api; Secure; HttpOnly"},
		"X-Auth-Token":        {"tok"},
		"X-Api-Key":           {"k"},
		"Location":            {"https://engine.example/ovirt-engine/sso/callback?code=c0de&state=s1"},
		"Content-Type":        {"application/xml"},
		"Version":             {"4"},
	}
	got := Header(h)
	want := http.Header{
		"Authorization":       {"Bearer REDACTED"},
		"Proxy-Authorization": {"Basic REDACTED"},
		"Cookie":              {"JSESSIONID=REDACTED; locale=REDACTED"},
		"Set-Cookie":          {"JSESSIONID=REDACTED; Path=/ovirt-engine/api; Secure; HttpOnly"},
		"X-Auth-Token":        {"REDACTED"},
		"X-Api-Key":           {"REDACTED"},
		"Location":            {"https://engine.example/ovirt-engine/sso/callback?code=REDACTED&state=s1"},
		"Content-Type":        {"application/xml"},
		"Version":             {"4"},
	}
	for k, v := range want {
		if got.Get(k) != v[0] {
			t.Errorf("%s: got %q, want %q", k, got.Get(k), v[0])
		}
	}
	if h.Get("Authorization") != "Bearer eyJsecret.token.x" {
		t.Error("Header changed its input")
	}
	if Header(nil) != nil {
		t.Error("Header(nil) is not nil")
	}
	if v := HeaderValue("Authorization", "justatoken"); v != Mask {
		t.Errorf("Authorization without a scheme: %q", v)
	}
	if v := HeaderValue("Cookie", "garbage;=x"); strings.Contains(v, "garbage") {
		t.Errorf("malformed cookie leaked: %q", v)
	}
}

func TestURL(t *testing.T) {
	for in, want := range map[string]string{
		"https://admin%40internal:hunter2@e.test/api/vms?access_token=t0k&max=3": "https://REDACTED@e.test/api/vms?access_token=REDACTED&max=3",
		"/ovirt-engine/api;jsessionid=abc/vms;max=10?search=name%3Dx":            "/ovirt-engine/api;jsessionid=REDACTED/vms;max=10?search=name%3Dx",
		"https://e.test/callback#access_token=t0k&token_type=bearer":             "https://e.test/callback#access_token=REDACTED&token_type=bearer",
		"/ovirt-engine/sso/oauth/token?grant_type=password&password=a;b&scope=x": "/ovirt-engine/sso/oauth/token?grant_type=password&password=REDACTED&scope=x",
		"/ovirt-engine/api/vms?api_key=k&session_id=s&authorization_code=c":      "/ovirt-engine/api/vms?api_key=REDACTED&session_id=REDACTED&authorization_code=REDACTED",
		"/ovirt-engine/api/vms/1": "/ovirt-engine/api/vms/1",
		"":                        "",
	} {
		if got := URL(in); got != want {
			t.Errorf("URL(%q)\n got %q\nwant %q", in, got, want)
		}
		if again := URL(want); again != want {
			t.Errorf("URL is not idempotent on %q: %q", want, again)
		}
	}
	if got := Query("search=name%3Dx&access_token=abc"); got != "search=name%3Dx&access_token=REDACTED" {
		t.Errorf("Query: %s", got)
	}
	if got := Path("/api;JSESSIONID=x"); got != "/api;JSESSIONID=REDACTED" {
		t.Errorf("Path: %s", got)
	}
}

func TestText(t *testing.T) {
	for in, want := range map[string]string{
		`Post "https://e.test/ovirt-engine/sso/oauth/token?username=u&password=hunter2": dial tcp: refused`: `Post "https://e.test/ovirt-engine/sso/oauth/token?username=u&password=REDACTED": dial tcp: refused`,
		"sending request GET http://u:pw@e.test/x?token=t":                                                  `sending request GET http://REDACTED@e.test/x?token=REDACTED`,
		"login with password=hunter2 failed":                                                                "login with password=REDACTED failed",
		"GET /ovirt-engine/api;jsessionid=s1/vms failed":                                                    "GET /ovirt-engine/api;jsessionid=REDACTED/vms failed",
		"nothing to hide here: a=b":                                                                         "nothing to hide here: a=b",
	} {
		if got := Text(in); got != want {
			t.Errorf("Text(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}

func TestBodies(t *testing.T) {
	cases := []struct {
		name, ctype, in, want string
	}{
		{"sso token request", "application/x-www-form-urlencoded",
			"grant_type=password&scope=ovirt-app-api&username=admin%40internal&password=s3cr%26t",
			"grant_type=password&scope=ovirt-app-api&username=admin%40internal&password=REDACTED"},
		{"sso code exchange", "application/x-www-form-urlencoded",
			"grant_type=authorization_code&code=c0de&client_id=x&client_secret=s3&redirect_uri=https%3A%2F%2Fa",
			"grant_type=authorization_code&code=REDACTED&client_id=x&client_secret=REDACTED&redirect_uri=https%3A%2F%2Fa"},
		{"form escaped name", "", "pass%77ord=x&a=b", "pass%77ord=REDACTED&a=b"},
		{"form trailing", "application/x-www-form-urlencoded", "a=1&password=", "a=1&password=REDACTED"},
		{"form none", "application/x-www-form-urlencoded", "a=1&b=2", "a=1&b=2"},
		{"form value with a semicolon", "application/x-www-form-urlencoded", "password=a;b&c=d", "password=REDACTED&c=d"},
		{"remote-viewer file", "application/x-virt-viewer",
			"[virt-viewer]\ntype=spice\nhost=192.0.2.1\npassword=123456789\ndelete-this-file=1\n",
			"[virt-viewer]\ntype=spice\nhost=192.0.2.1\npassword=REDACTED\ndelete-this-file=1\n"},
		{"remote-viewer file sniffed", "", "[virt-viewer]\r\npassword = 1234\r\n", "[virt-viewer]\r\npassword =REDACTED\r\n"},
		{"sso token response", "application/json",
			`{"access_token":"abc.def","token_type":"bearer","refresh_token":"r1","id_token":"i1","exp":"1700000000"}`,
			`{"access_token":"REDACTED","token_type":"bearer","refresh_token":"REDACTED","id_token":"REDACTED","exp":"1700000000"}`},
		{"json api_key session_id authorization_code", "application/json",
			`{"api_key":"k","session_id":"s","authorization_code":"c","name":"n"}`,
			`{"api_key":"REDACTED","session_id":"REDACTED","authorization_code":"REDACTED","name":"n"}`},
		{"json nested and spaced", "", `{"host": {"name": "h", "root_password" : "pw", "ssh": {"password": 42}}}`,
			`{"host": {"name": "h", "root_password" : "REDACTED", "ssh": {"password": "REDACTED"}}}`},
		{"json object value", "application/json", `{"token": {"value": "x", "n": [1, "}"]}, "a": 1}`, `{"token": "REDACTED", "a": 1}`},
		{"json escaped key", "application/json", `{"pass\u0077ord": "x"}`, `{"pass\u0077ord": "REDACTED"}`},
		{"json bad escape in key", "application/json", `{"pass\word": "x"}`, `{"pass\word": "REDACTED"}`},
		{"json secret as value only", "application/json", `{"name": "password"}`, `{"name": "password"}`},
		{"json truncated", "application/json", `{"password": "abc`, `{"password": "REDACTED"`},
		{"json ticket in an action", "application/json",
			`{"ticket":{"value":"abcd12345","expiry":"120"},"status":"complete"}`,
			`{"ticket":{"value":"REDACTED","expiry":"120"},"status":"complete"}`},
		{"json value elsewhere", "application/json",
			`{"custom_properties":{"custom_property":[{"name":"a","value":"b"}]},"value":"root"}`,
			`{"custom_properties":{"custom_property":[{"name":"a","value":"b"}]},"value":"REDACTED"}`},
		{"json keys in a list", "application/json",
			`{"openstack_volume_authentication_key":[{"uuid":"u","value":"AQBk=="},{"value":"AQCz=="}]}`,
			`{"openstack_volume_authentication_key":[{"uuid":"u","value":"REDACTED"},{"value":"REDACTED"}]}`},
		{"xml element", "application/xml",
			"<host><name>h</name><root_password>pw</root_password><ssh><password>p2</password></ssh></host>",
			"<host><name>h</name><root_password>REDACTED</root_password><ssh><password>REDACTED</password></ssh></host>"},
		{"xml license key", "application/xml",
			"<vm><initialization><windows_license_key>AAAAA-BBBBB</windows_license_key><host_name>h</host_name></initialization></vm>",
			"<vm><initialization><windows_license_key>REDACTED</windows_license_key><host_name>h</host_name></initialization></vm>"},
		{"xml ticket", "application/xml",
			"<action><ticket><value>abcd12345</value><expiry>120</expiry></ticket><status>complete</status></action>",
			"<action><ticket><value>REDACTED</value><expiry>120</expiry></ticket><status>complete</status></action>"},
		{"xml value elsewhere", "application/xml",
			"<vm><custom_properties><custom_property><name>a</name><value>b</value></custom_property></custom_properties></vm>",
			"<vm><custom_properties><custom_property><name>a</name><value>b</value></custom_property></custom_properties></vm>"},
		{"xml value after a closed sibling", "application/xml",
			"<ticket><x><value>public</value></x><value>s</value></ticket>",
			"<ticket><x><value>public</value></x><value>REDACTED</value></ticket>"},
		{"xml public key", "application/xml",
			"<host><ssh><public_key>ssh-rsa AAAA</public_key></ssh></host>",
			"<host><ssh><public_key>ssh-rsa AAAA</public_key></ssh></host>"},
		{"xml attribute", "", `<user password="x" name='n' token = 'y'/>`, `<user password="REDACTED" name='n' token = 'REDACTED'/>`},
		{"xml attribute in context", "", `<ticket value="x" expiry="1"/>`, `<ticket value="REDACTED" expiry="1"/>`},
		{"xml namespace and spaces", "text/xml", "<ns:password >x</ns:password >", "<ns:password >REDACTED</ns:password >"},
		{"xml self-closing", "application/xml", "<a><password/><b>1</b></a>", "<a><password/><b>1</b></a>"},
		{"xml nested same name", "application/xml", "<password><password>x</password>y</password><z/>", "<password>REDACTED</password><z/>"},
		{"xml cdata", "application/xml", "<password><![CDATA[a</password>b]]></password>", "<password>REDACTED</password>"},
		{"xml comment inside a secret", "application/xml", "<password><!-- </password> -->x</password>", "<password>REDACTED</password>"},
		{"xml unclosed", "application/xml", "<a><password>secret", "<a><password>REDACTED"},
		{"xml unterminated tag", "application/xml", "<password x='1'", "<password REDACTED"},
		{"xml unterminated secret attribute", "application/xml", "<password token='x", "<password REDACTED"},
		{"xml unterminated attribute", "application/xml", "<a token='x", "<a token='REDACTED"},
		{"xml secret attribute holding a '<'", "", "<a pAsswd='<b x='s'/>", "<a pAsswd='REDACTED"},
		{"xml unquoted attribute before />", "", "<a password=x/><b>1</b>", "<a password=REDACTED/><b>1</b>"},
		{"xml tag broken by another", "application/xml", "<a<password>s</password>", "<a<password>REDACTED</password>"},
		{"xml comment", "application/xml", "<!-- <password>p</password> --><a/>", "<!-- <password>REDACTED</password> --><a/>"},
		{"xml comment cannot change the parent", "application/xml",
			"<ticket><!-- <x> --><value>s</value></ticket>", "<ticket><!-- <x> --><value>REDACTED</value></ticket>"},
		{"xml comment cannot close the parent", "application/xml",
			"<ticket><!-- </ticket> --><value>s</value></ticket>", "<ticket><!-- </ticket> --><value>REDACTED</value></ticket>"},
		{"xml cdata markup", "application/xml",
			"<a><![CDATA[<password>p</password>]]></a>", "<a><![CDATA[<password>REDACTED</password>]]></a>"},
		{"xml none", "application/xml", "<vm><name>password</name></vm>", "<vm><name>password</name></vm>"},
		{"action", "application/xml",
			"<action><root_password>x</root_password><async>false</async></action>",
			"<action><root_password>REDACTED</root_password><async>false</async></action>"},
		{"remote viewer file in an action", "application/xml",
			"<action><remote_viewer_connection_file>[virt-viewer]\npassword=1</remote_viewer_connection_file></action>",
			"<action><remote_viewer_connection_file>REDACTED</remote_viewer_connection_file></action>"},
		{"json under text/plain", "text/plain", `{"password":"x"}`, `{"password":"REDACTED"}`},
		{"empty", "", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := string(Body(c.ctype, []byte(c.in)))
			if got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
			if again := string(Body(c.ctype, []byte(got))); again != got {
				t.Errorf("not idempotent: %s", again)
			}
		})
	}
}

func TestBodyUnchangedSharesInput(t *testing.T) {
	for _, in := range []string{"<vms><vm id='1'><name>a</name></vm></vms>", `{"vm":[{"name":"a"}]}`,
		"<action><ticket><value>REDACTED</value></ticket></action>", `{"password":"REDACTED"}`, "a=1&password=REDACTED"} {
		b := []byte(in)
		if out := Body("", b); &out[0] != &b[0] {
			t.Errorf("%s: a body without secrets was copied", in)
		}
	}
	in := []byte("<a><password>x</password></a>")
	out := Body("application/xml", in)
	out[0] = 'X'
	if in[0] != '<' {
		t.Error("a redacted body shares memory with its input")
	}
}

// TestDeepNesting: past maxDepth the parent is unknown, and a member
// secret in any context is masked there (fail closed); memory stays
// bounded.
func TestDeepNesting(t *testing.T) {
	n := 3 * maxDepth
	x := strings.Repeat("<a>", n) + "<value>s</value><name>n</name>" + strings.Repeat("</a>", n)
	got := string(XML([]byte(x)))
	if strings.Contains(got, ">s<") || !strings.Contains(got, "<name>n</name>") {
		t.Errorf("deep XML: %s", got[n*3:n*3+60])
	}
	j := strings.Repeat(`{"a":`, n) + `{"value":"s","name":"n"}` + strings.Repeat("}", n)
	got = string(JSON([]byte(j)))
	if strings.Contains(got, `"s"`) || !strings.Contains(got, `"name":"n"`) {
		t.Errorf("deep JSON: %s", got[n*5:n*5+60])
	}
}

func FuzzBody(f *testing.F) {
	for _, s := range []string{
		"<a><password>x</password></a>", `{"password":"x"}`, "password=x&a=b",
		"<password a='1'>", `{"token":[1,{"a":"b"}]}`, "<![CDATA[<password>]]>", `"\`,
		"<ticket><!-- <x> -->", `{"ticket":[{"a":{`, "<a<b", "[virt-viewer]\n",
	} {
		f.Add(s, "s3cr3tV4lue")
	}
	f.Fuzz(func(t *testing.T, body, secret string) {
		for _, ct := range []string{"", "application/xml", "application/json", "application/x-www-form-urlencoded", "text/plain"} {
			once := Body(ct, []byte(body))
			if twice := Body(ct, once); !bytes.Equal(once, twice) {
				t.Fatalf("%s: not idempotent:\n%q\n%q\n%q", ct, body, once, twice)
			}
		}
		if len(secret) < 4 || strings.ContainsAny(secret, "<>&\"'\\=%+;\r\n") || strings.Contains(Mask, secret) {
			return
		}
		// Whatever comes before it (text, markup, broken markup), a secret
		// in a secret place never survives.
		xml := strings.NewReplacer("<", "", "&", "").Replace(body)
		json := strings.NewReplacer(`"`, "", "\\", "").Replace(body)
		for _, s := range []string{body, url(body), xml, json} {
			if strings.Contains(s, secret) {
				return
			}
		}
		for _, doc := range []struct{ ct, text string }{
			{"application/xml", "<r>" + body + "<password>" + secret + "</password></r>"},
			{"application/xml", "<r>" + body + "<password a='" + secret + "'/></r>"},
			{"application/xml", "<r><new_password>" + secret},
			{"application/xml", "<action>" + xml + "<ticket><value>" + secret + "</value></ticket></action>"},
			{"application/xml", "<ticket>" + xml + "<value>" + secret + "</value></ticket>"},
			{"application/json", `{"x":"` + json + `","access_token":"` + secret + `"}`},
			{"application/json", `{"ticket":{"x":"` + json + `","value":"` + secret + `"}}`},
			{"application/json", `{"openstack_volume_authentication_key":[{"x":"` + json + `"},{"value":"` + secret + `"}]}`},
			{"application/json", `{"id_token":"` + secret},
			{"application/x-www-form-urlencoded", "a=" + url(body) + "&password=" + secret},
		} {
			if out := Body(doc.ct, []byte(doc.text)); bytes.Contains(out, []byte(secret)) {
				t.Fatalf("secret survived in %s:\n%q\n%q", doc.ct, doc.text, out)
			}
		}
	})
}

func url(s string) string {
	return strings.NewReplacer("&", "%26", "=", "%3D", "\n", "%0A", "\r", "%0D").Replace(s)
}
