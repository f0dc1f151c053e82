package reports

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// FuzzRead feeds results files to Read: no panic, and whatever Read
// accepts writes back to a file that reads to the same bytes again.
func FuzzRead(f *testing.F) {
	for _, name := range []string{"results.json", "sim-base.json", "sim-fault.json"} {
		if data, err := os.ReadFile("testdata/" + name); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"version":1,"scenarios":[{"name":"a","outcome":"pass","steps":[{"index":0,"method":"GET","path":"/","outcome":"skip"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		var first bytes.Buffer
		if err := Write(&first, r); err != nil {
			t.Fatalf("write what was read: %v", err)
		}
		r2, err := Read(bytes.NewReader(first.Bytes()))
		if err != nil {
			t.Fatalf("read what was written: %v\n%s", err, first.String())
		}
		var second bytes.Buffer
		if err := Write(&second, r2); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(first.Bytes(), second.Bytes()) {
			t.Errorf("not stable:\n%s", firstDiff(first.Bytes(), second.Bytes()))
		}
		for _, nr := range renderers() {
			name, render := nr.name, nr.render
			if err := render(&countingWriter{}, r); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	})
}

// FuzzParseBaseline: no panic, and every accepted entry has what it needs.
func FuzzParseBaseline(f *testing.F) {
	f.Add("- kind: element-removed\n  route: GET /vms/{vm_id}\n  location: /vm/memory\n  reason: known\n")
	f.Add("- rule: schema.x\n  route: '*'\n  reason: y\n")
	f.Add("[]")
	f.Fuzz(func(t *testing.T, in string) {
		bl, err := ParseBaseline(strings.NewReader(in))
		if err != nil {
			return
		}
		for _, a := range bl {
			if (a.Kind == "" && a.Rule == "") || a.Route == "" || strings.TrimSpace(a.Reason) == "" {
				t.Errorf("accepted an incomplete entry %+v", a)
			}
		}
	})
}
