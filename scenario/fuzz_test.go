package scenario

import (
	"reflect"
	"testing"
)

// FuzzParse feeds the parser arbitrary bytes: it must never panic, and a
// scenario it accepts must survive Marshal and Parse unchanged.
func FuzzParse(f *testing.F) {
	f.Add([]byte(lifecycle))
	f.Add([]byte("name: x\nsteps:\n  - request: {method: GET, path: /x}\n    capture: {a.b: {path: 'v[name=\"x\"]/@id'}}\n"))
	f.Add([]byte("name: x\nsteps: [\n"))
	f.Add([]byte("name: &a x\nb: *a\n"))
	f.Add([]byte("name: x\nsteps:\n  - request:\n      method: GET\n      path: /vms/{{vm.id}}\n"))
	f.Add([]byte("name: x\nsteps:\n  - request: {method: POST, path: /x, body: \"a\\r\\nb\\t\\u00e9\"}\n    response: {status: 201, body: \"  lead\\n\"}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		sc, err := Parse("fuzz.yaml", data)
		if err != nil {
			if _, ok := err.(*ParseError); !ok {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		out, err := Marshal(sc)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		again, err := Parse("fuzz.yaml", out)
		if err != nil {
			t.Fatalf("re-parse: %v\n%s", err, out)
		}
		clearLines(sc)
		clearLines(again)
		if !reflect.DeepEqual(sc, again) {
			t.Fatalf("round trip changed the scenario\nbefore %#v\nafter  %#v\n%s", sc, again, out)
		}
	})
}

// FuzzPath feeds arbitrary paths and bodies to ParsePath, ParseBody and
// Eval: none may panic, and a path that parses prints as given.
func FuzzPath(f *testing.F) {
	f.Add(`vm[name="web-01"]/@id`, vmsXML)
	f.Add(`network_attachment[network/@id='x']/@id`, vmsJSON)
	f.Add("/vms/vm[2]/status", `<vms><vm><status>up</status></vm></vms>`)
	f.Add("a[b[c='1']='2']", `{"a":[{"b":{"c":"1"}}]}`)
	f.Fuzz(func(t *testing.T, path, body string) {
		root, _ := ParseBody([]byte(body))
		p, err := ParsePath(path)
		if err != nil {
			return
		}
		if p.String() != path {
			t.Fatalf("path %q prints as %q", path, p.String())
		}
		_, _ = p.Eval(root)
	})
}
