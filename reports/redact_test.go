package reports

import (
	"strings"
	"testing"
)

func TestRedactBody(t *testing.T) {
	tests := []struct {
		name, contentType, in, want string
	}{
		{"xml password element", "application/xml", "<user><name>a</name><password>hunter2</password></user>", "<user><name>a</name><password>REDACTED</password></user>"},
		{"xml nested secret with children", "", "<vm><ticket><value>abc</value><expiry>120</expiry></ticket><name>x</name></vm>", "<vm><ticket>REDACTED</ticket><name>x</name></vm>"},
		{"xml prefixed root_password", "", `<ns:root_password a="1">p</ns:root_password>`, `<ns:root_password a="1">REDACTED</ns:root_password>`},
		{"xml secret attribute", "", `<auth token="abc" user="u"/>`, `<auth token="REDACTED" user="u"/>`},
		{"xml unclosed secret is cut", "", "<vm><password>hunter2", "<vm><password>REDACTED"},
		{"xml self-closing secret", "", "<vm><password/><name>n</name></vm>", "<vm><password/><name>n</name></vm>"},
		{"json nested", "application/json", `{"a":1,"auth":{"access_token":"t0k","id_token":{"x":"y"}}}`, "{\n  \"a\": 1,\n  \"auth\": {\n    \"access_token\": \"REDACTED\",\n    \"id_token\": \"REDACTED\"\n  }\n}"},
		{"json untouched keeps bytes", "application/json", `{"name":"web", "memory":1}`, `{"name":"web", "memory":1}`},
		{"json truncated", "application/json", `{"user":"a","password":"hunt`, `{"user":"a","password":"REDACTED"`},
		{"form", "application/x-www-form-urlencoded", "grant_type=password&username=a&password=hunter2", "grant_type=password&username=a&password=REDACTED"},
		{"plain text", "text/plain", "hello world", "hello world"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := RedactBody(tc.contentType, tc.in); got != tc.want {
				t.Errorf("RedactBody:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestRedactMessage(t *testing.T) {
	m := Message{
		URL: "https://admin%40internal:hunter2@e.test/api/vms?access_token=t0k&max=3",
		Headers: []Header{
			{Name: "Authorization", Value: "Basic YWRtaW46aHVudGVyMg=="},
			{Name: "authorization", Value: "opaque"},
			{Name: "Cookie", Value: "JSESSIONID=abc; other=def"},
			{Name: "Set-Cookie", Value: "JSESSIONID=abc; Path=/; Secure"},
			{Name: "X-Auth-Token", Value: "t0k"},
			{Name: "Accept", Value: "application/xml"},
		},
	}
	got := RedactMessage(m)
	want := []string{"Basic REDACTED", "REDACTED", "JSESSIONID=REDACTED; other=REDACTED", "JSESSIONID=REDACTED; Path=/; Secure", "REDACTED", "application/xml"}
	for i, w := range want {
		if got.Headers[i].Value != w {
			t.Errorf("header %s = %q, want %q", got.Headers[i].Name, got.Headers[i].Value, w)
		}
	}
	if wantURL := "https://REDACTED@e.test/api/vms?access_token=REDACTED&max=3"; got.URL != wantURL {
		t.Errorf("URL = %q, want %q", got.URL, wantURL)
	}
	for _, secret := range []string{"hunter2", "t0k", "YWRtaW46aHVudGVyMg", "abc"} {
		for _, h := range got.Headers {
			if strings.Contains(h.Value, secret) {
				t.Errorf("header %s still holds %q", h.Name, secret)
			}
		}
	}
	if m.Headers[0].Value != "Basic YWRtaW46aHVudGVyMg==" {
		t.Error("RedactMessage modified its input")
	}
}

// FuzzRedactBody checks that a closed password element's content never
// survives, whatever text comes before it, and that nothing panics.
func FuzzRedactBody(f *testing.F) {
	f.Add("application/xml", "<a>", "hunter2")
	f.Add("application/json", `{"token":"x"}`, "s3cr3t")
	f.Add("", "a=b&token=c", "zz")
	f.Fuzz(func(t *testing.T, ct, prefix, secret string) {
		_ = RedactBody(ct, prefix+secret)
		prefix = strings.NewReplacer("<", "", ">", "").Replace(prefix)
		if len(secret) < 4 || strings.ContainsAny(secret, "<>") || strings.Contains(prefix, secret) || strings.Contains("<vm><password>REDACTED</password></vm>", secret) {
			return
		}
		body := "<vm>" + prefix + "<password>" + secret + "</password></vm>"
		if out := RedactBody("application/xml", body); strings.Contains(out, secret) {
			t.Errorf("secret survived: %q -> %q", body, out)
		}
	})
}
