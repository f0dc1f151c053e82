package scenario

import (
	"errors"
	"net/http"
	"testing"
)

const vmsXML = `<vms>
  <vm href="/ovirt-engine/api/vms/a1" id="a1"><name>web1</name><status>up</status><cluster id="c1"/></vm>
  <vm href="/ovirt-engine/api/vms/b2" id="b2"><name>web2</name><status>down</status>
    <disk_attachments><disk_attachment id="d1"><bootable>true</bootable></disk_attachment></disk_attachments>
  </vm>
</vms>`

const vmsJSON = `{"vm": [
  {"href": "/ovirt-engine/api/vms/a1", "id": "a1", "name": "web1", "status": "up", "cluster": {"id": "c1"}},
  {"href": "/ovirt-engine/api/vms/b2", "id": "b2", "name": "web2", "status": "down",
   "disk_attachments": {"disk_attachment": [{"id": "d1", "bootable": "true"}]}}
]}`

func TestPathEval(t *testing.T) {
	tests := []struct {
		path, want string
	}{
		{"vm/name", "web1"},
		{"vm[2]/name", "web2"},
		{"vm[name='web2']/@id", "b2"},
		{"vm[name=\"web2\"]/id", "b2"},
		{"vm[2]/disk_attachments/disk_attachment/bootable", "true"},
		{"vm[name='web1']/cluster/id", "c1"},
		{"/vms/vm[1]/status", "up"},
		{"vm[id='b2']/status", "down"},
		{"vm[cluster/@id='c1']/name", "web1"},
		{"vm[disk_attachments/disk_attachment/bootable='true']/name", "web2"},
	}
	for _, body := range []string{vmsXML, vmsJSON} {
		root, err := ParseBody([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range tests {
			p, err := ParsePath(tt.path)
			if err != nil {
				t.Fatalf("%s: %v", tt.path, err)
			}
			got, err := p.Eval(root)
			if err != nil || got != tt.want {
				t.Errorf("%s on %.5s: %q, %v; want %q", tt.path, body, got, err, tt.want)
			}
		}
		for _, miss := range []string{"vm[3]/name", "vm/nothing", "vm[name='x']/id", "vm", "/vm/name"} {
			p, err := ParsePath(miss)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := p.Eval(root); !errors.Is(err, ErrNoValue) && !(miss == "/vm/name" && body == vmsJSON) {
				t.Errorf("%s: %v, want ErrNoValue", miss, err)
			}
		}
	}
}

func TestParsePathErrors(t *testing.T) {
	for _, bad := range []string{"", "/", "/vms", "a[0]", "a[", "@id/name", "a[x=y]", "a b", "@a[1]", "a//b", "a[/x='1']", "a[b[0]='1']"} {
		if _, err := ParsePath(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}

func TestParseBody(t *testing.T) {
	for _, bad := range []string{"", "<!DOCTYPE html><html></html>", "<html><body>401</body></html>", "plain", "<a>", `{"a":`, `{"a":1} x`,
		`<!DOCTYPE x [<!ENTITY e "x">]><a>&e;</a>`} {
		if _, err := ParseBody([]byte(bad)); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
	if _, err := ParseBody([]byte("<html>x</html>")); !errors.Is(err, ErrNotDocument) {
		t.Errorf("HTML: %v", err)
	}
}

func TestCaptureValue(t *testing.T) {
	root, err := ParseBody([]byte(`<vm href="/ovirt-engine/api/vms/a1" id="a1"><job id="j9"/></vm>`))
	if err != nil {
		t.Fatal(err)
	}
	h := http.Header{"Location": {"https://engine:8443/ovirt-engine/api/vms/a1;x=1"}, "Correlation-Id": {"c7"}}
	tests := []struct {
		c    Capture
		want string
	}{
		{Capture{Var: "a", From: FromLocation}, "a1"},
		{Capture{Var: "a", From: FromID}, "a1"},
		{Capture{Var: "a", From: FromHref}, "/ovirt-engine/api/vms/a1"},
		{Capture{Var: "a", From: FromHeader, Arg: "Correlation-Id"}, "c7"},
		{Capture{Var: "a", From: FromPath, Arg: "job/@id"}, "j9"},
	}
	for _, tt := range tests {
		got, err := tt.c.Value(h, root)
		if err != nil || got != tt.want {
			t.Errorf("%s: %q %v, want %q", tt.c.From, got, err, tt.want)
		}
	}
	for _, c := range []Capture{{Var: "x", From: FromLocation}, {Var: "x", From: FromID}, {Var: "x", From: FromHeader, Arg: "X"}, {Var: "x", From: FromPath, Arg: "a/b"}} {
		_, err := c.Value(http.Header{}, nil)
		var ce *CaptureError
		if !errors.As(err, &ce) || ce.Var != "x" {
			t.Errorf("%s on nothing: %v", c.From, err)
		}
	}
}
