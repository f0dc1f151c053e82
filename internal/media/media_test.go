package media

import "testing"

// TestOf: how each kind of body the checker, the redactor, the simulator and
// the scenario reader meet is read, in one table.
func TestOf(t *testing.T) {
	for _, tc := range []struct {
		name, ctype, body string
		declared, sniffed Rep
		of                Rep
	}{
		{"XML with charset", "application/xml;charset=UTF-8", "\xef\xbb\xbf  <vm/>", XML, XML, XML},
		{"JSON", "application/json", ` {"a":1}`, JSON, JSON, JSON},
		{"a JSON array", "application/json", `[{"a":1}]`, JSON, JSON, JSON},
		{"JSON labelled XML is JSON", "application/xml", `{"a":1}`, XML, JSON, JSON},
		{"XML labelled JSON is XML", "application/json", `<vm/>`, JSON, XML, XML},
		{"the web server's error page", "text/html; charset=utf-8", "<!DOCTYPE html><html>", HTML, HTML, HTML},
		{"a page without a doctype", "", "<HTML><body>x</body></HTML>", None, HTML, HTML},
		{"the SSO token request", "application/x-www-form-urlencoded", "grant_type=password&password=x", Form, Other, Form},
		{"an INI file is not a JSON array", "application/x-virt-viewer", "[virt-viewer]\ntype=spice", Other, Other, Other},
		{"a JSON scalar, as declared", "application/json", `"text"`, JSON, Other, JSON},
		{"XHTML is a page", "application/xhtml+xml", "<html/>", HTML, HTML, HTML},
		{"vendor JSON", "application/vnd.api+json", `{}`, JSON, JSON, JSON},
		{"no body", "application/xml", "  \n", XML, None, None},
		{"no body, no type", "", "", None, None, None},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Declared(tc.ctype); got != tc.declared {
				t.Errorf("Declared = %v, want %v", got, tc.declared)
			}
			if got := Sniff([]byte(tc.body)); got != tc.sniffed {
				t.Errorf("Sniff = %v, want %v", got, tc.sniffed)
			}
			if got := Of(tc.ctype, []byte(tc.body)); got != tc.of {
				t.Errorf("Of = %v, want %v", got, tc.of)
			}
		})
	}
	if Type("Application/XML ; charset=UTF-8") != "application/xml" || Type("") != "" || Type("bad;;=") != "bad" {
		t.Error("Type")
	}
}
