package reports

import (
	"strings"
	"testing"
)

func TestRedactMessage(t *testing.T) {
	m := Message{
		URL: "https://admin%40internal:hunter2@e.test/api/vms;jsessionid=s3ss?access_token=t0k&max=3",
		Headers: []Header{
			{Name: "Authorization", Value: "Basic YWRtaW46aHVudGVyMg=="},
			{Name: "authorization", Value: "opaque"},
			{Name: "Cookie", Value: "JSESSIONID=abc; other=def"},
			{Name: "Set-Cookie", Value: "JSESSIONID=abc; Path=/; Secure"},
			{Name: "X-Auth-Token", Value: "t0k"},
			{Name: "Accept", Value: "application/xml"},
			{Name: "Content-Type", Value: "application/xml"},
		},
		Body: "<action><ticket><value>c0ns0le</value><expiry>120</expiry></ticket></action>",
	}
	got := RedactMessage(m)
	want := []string{"Basic REDACTED", "REDACTED", "JSESSIONID=REDACTED; other=REDACTED", "JSESSIONID=REDACTED; Path=/; Secure",
		"REDACTED", "application/xml", "application/xml"}
	for i, w := range want {
		if got.Headers[i].Value != w {
			t.Errorf("header %s = %q, want %q", got.Headers[i].Name, got.Headers[i].Value, w)
		}
	}
	if wantURL := "https://REDACTED@e.test/api/vms;jsessionid=REDACTED?access_token=REDACTED&max=3"; got.URL != wantURL {
		t.Errorf("URL = %q, want %q", got.URL, wantURL)
	}
	if wantBody := "<action><ticket><value>REDACTED</value><expiry>120</expiry></ticket></action>"; got.Body != wantBody {
		t.Errorf("body = %q, want %q", got.Body, wantBody)
	}
	for _, secret := range []string{"hunter2", "t0k", "YWRtaW46aHVudGVyMg", "abc", "s3ss", "c0ns0le"} {
		for _, h := range got.Headers {
			if strings.Contains(h.Value, secret) {
				t.Errorf("header %s still holds %q", h.Name, secret)
			}
		}
	}
	if m.Headers[0].Value != "Basic YWRtaW46aHVudGVyMg==" || !strings.Contains(m.Body, "c0ns0le") {
		t.Error("RedactMessage modified its input")
	}
}
