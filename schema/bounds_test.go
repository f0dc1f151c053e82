package schema

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"testing"
)

func TestJSONShape(t *testing.T) {
	lim := Limits{MaxDepth: 3, MaxNodes: 6, MaxKeys: 2}.withDefaults()
	for _, tc := range []struct {
		body string
		want error
	}{
		{`{"a":{"b":[1]}}`, nil},
		{`{"a":{"b":[[1]]}}`, ErrTooDeep},
		{`[1,2,3,4,5]`, nil}, // six values: the array and its five items
		{`[1,2,3,4,5,6]`, errTooManyValues},
		{`{"a":1,"b":2}`, nil},
		{`{"a":1,"b":2,"c":3}`, errTooManyKeys},
		{`[{"a":1,"b":2},{"c":3}]`, nil},
		{`["{[,,,,,]}", "\",,,,,,\\"]`, nil}, // strings hold no structure
		{`[[],[],{}]`, nil},
		{`  `, nil},
	} {
		if got := jsonShape([]byte(tc.body), lim); !errors.Is(got, tc.want) {
			t.Errorf("jsonShape(%s) = %v, want %v", tc.body, got, tc.want)
		}
	}
}

// TestDoctypeInsideElement: the validator refuses a DOCTYPE wherever it is
// (issue 16 item 4: <vm><!DOCTYPE x [...]><name>x</name></vm> validated
// clean).
func TestDoctypeInsideElement(t *testing.T) {
	m := mustV4(t)
	res := m.ValidateXML([]byte(`<vm><!DOCTYPE x [<!ENTITY e "boom">]><name>x</name></vm>`), Target{Type: m.Type("Vm")}, Limits{})
	if len(res.Violations) != 1 || res.Violations[0].Rule != RuleDoctype {
		t.Errorf("violations %v, want one %s", res.Violations, RuleDoctype)
	}
}

func mustV4(t testing.TB) *Model {
	t.Helper()
	m, err := V4()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// hostileLinks is a Vm in JSON with n links of the given JSON form.
func hostileLinks(n int, link string) []byte {
	return []byte(`{"name":"a","link":[` + strings.TrimSuffix(strings.Repeat(link+",", n), ",") + `]}`)
}

// TestJSONStopsAtMaxViolations: the JSON checker stops at the first
// MaxViolations, as the XML walker does, instead of collecting every
// violation and cutting afterwards (issue 16 item 2).
func TestJSONStopsAtMaxViolations(t *testing.T) {
	m := mustV4(t)
	lim := Limits{MaxViolations: 10}
	for name, body := range map[string][]byte{
		"links of the wrong type":      hostileLinks(5000, `{"rel":1,"href":2}`),
		"links of unknown rel":         hostileLinks(5000, `{"rel":"x","href":"bad"}`),
		"links that are numbers":       hostileLinks(5000, `0`),
		"links with unknown elements":  hostileLinks(5000, `{"bogus":{"x":1}}`),
		"single elements given arrays": []byte(`{"cpu":[` + strings.Repeat(`{"mode":1},`, 5000) + `{}]}`),
	} {
		vs := m.ValidateJSON(body, Target{Type: m.Type("Vm")}, lim).Violations
		if len(vs) != 11 || vs[10] != stoppedNote(10) {
			t.Errorf("%s: %d violations, want 10 and the stop notice: %v", name, len(vs), vs[len(vs)-1])
		}
	}
}

// validateBoth validates v as validateJSON does and with the JSON Schema
// run over the whole value at once, the reference.
func validateBoth(m *Model, v any, tg Target) (tree, whole []Violation) {
	lim := Limits{MaxViolations: 1 << 20}
	return m.validateJSONBy(v, tg, lim, (*jsonCheck).checkTree).Violations,
		m.validateJSONBy(v, tg, lim, (*jsonCheck).check).Violations
}

// jsonMutants returns copies of v each changed at one node: given another
// JSON form (a number, a string, an array of it, an object), an unknown
// property added, a property removed, an array cut to its first item.
// Every step-th node is changed.
func jsonMutants(v any, step int) []any {
	var out []any
	n := 0
	var walk func(x any, set func(any) any)
	walk = func(x any, set func(any) any) {
		if n++; n%step == 0 {
			forms := []any{json.Number("0"), "x", []any{x, x}, map[string]any{"bogus": json.Number("1")}}
			switch c := x.(type) {
			case map[string]any:
				added := copyObj(c)
				added["zz"] = json.Number("1")
				forms = append(forms, added)
				if keys := sortedKeys(c); len(keys) > 0 {
					cut := copyObj(c)
					delete(cut, keys[0])
					forms = append(forms, cut)
				}
			case []any:
				if len(c) > 0 {
					forms = append(forms, c[0])
				}
			}
			for _, f := range forms {
				out = append(out, set(f))
			}
		}
		switch c := x.(type) {
		case map[string]any:
			for _, k := range sortedKeys(c) {
				walk(c[k], func(nv any) any {
					cp := copyObj(c)
					cp[k] = nv
					return set(cp)
				})
			}
		case []any:
			for i := range c {
				walk(c[i], func(nv any) any {
					cp := append([]any(nil), c...)
					cp[i] = nv
					return set(cp)
				})
			}
		}
	}
	walk(v, func(nv any) any { return nv })
	return out
}

func copyObj(c map[string]any) map[string]any {
	cp := make(map[string]any, len(c))
	for k, x := range c {
		cp[k] = x
	}
	return cp
}

func sortedKeys(c map[string]any) []string {
	keys := make([]string, 0, len(c))
	for k := range c {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// TestCheckTreeAgreesWithWholeCheck: validating a JSON body one object at
// a time finds exactly what the JSON Schema run over the whole body finds,
// on the real bodies of fixtures/bodies/v4 and on mutants of them.
func TestCheckTreeAgreesWithWholeCheck(t *testing.T) {
	m := mustV4(t)
	files, _ := filepath.Glob("../fixtures/bodies/v4/*.xml")
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	compared, differ := 0, 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := ParseXML(data, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		tg := Target{Type: m.Element(doc.Root().Tag)}
		js, err := m.DocumentJSON(doc, tg)
		if err != nil {
			t.Fatal(err)
		}
		v, err := DecodeJSON(js, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		for i, mv := range append([]any{v}, jsonMutants(v, 11)...) {
			tree, whole := validateBoth(m, mv, tg)
			compared++
			if len(tree) > 0 {
				differ++
			}
			if !reflect.DeepEqual(tree, whole) {
				t.Errorf("%s mutant %d: one object at a time:\n%v\nwhole:\n%v", filepath.Base(f), i, tree, whole)
			}
		}
	}
	if differ < compared/2 {
		t.Errorf("only %d of %d bodies have violations: the mutants do not exercise the check", differ, compared)
	}
	t.Logf("%d bodies, %d with violations, the same both ways", compared, differ)
}

// FuzzJSONCheckTree: whatever the body, validating it one object at a
// time finds exactly what the JSON Schema run over the whole body finds.
func FuzzJSONCheckTree(f *testing.F) {
	m := mustV4(f)
	targets := []Target{{Type: m.Type("Vm")}, {Type: m.Element("vms")}, {Type: m.Element("hosts")},
		{Route: m.Routes().Find("POST", "/vms"), Direction: Request}}
	for i, s := range []string{
		`{"name":"a","link":[{"rel":1,"href":2},0,[1],{"bogus":1}]}`,
		`{"vm":[{"id":"1","cpu":[{"mode":1},{}],"disk_attachments":{"disk_attachment":{"x":1}}}]}`,
		`{"host":[{"nics":{"host_nic":[{"name":1}]},"cluster":[[]]}]}`,
		`{"name":"x","cluster":{"name":"Default"},"template":{"name":"Blank"},"nics":[]}`,
	} {
		f.Add([]byte(s), uint8(i))
	}
	f.Fuzz(func(t *testing.T, body []byte, which uint8) {
		v, err := DecodeJSON(body, Limits{MaxBytes: 1 << 16})
		if err != nil {
			return
		}
		tg := targets[int(which)%len(targets)]
		if tree, whole := validateBoth(m, v, tg); !reflect.DeepEqual(tree, whole) {
			t.Errorf("%s: one object at a time:\n%v\nwhole:\n%v", body, tree, whole)
		}
	})
}

// liveHeap returns the bytes the heap holds once collected.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestCostBoundsLiveMemory measures what the trees the validators build
// hold, for the shapes that cost the most per byte, and checks that Cost
// bounds it.
func TestCostBoundsLiveMemory(t *testing.T) {
	const n = 100_000
	for _, tc := range []struct{ name, body string }{
		{"XML empty elements and white space", "<vm>" + strings.Repeat("<z/> ", n) + "</vm>"},
		{"XML empty elements", "<vm>" + strings.Repeat("<z/>", n) + "</vm>"},
		{"XML text", "<vm>" + strings.Repeat("<z>a</z>", n) + "</vm>"},
		{"XML text and comments", "<vm>" + strings.Repeat("a<!---->", n) + "</vm>"},
		{"XML attributes", "<vm>" + strings.Repeat(`<z a="" b="" c="" d=""/>`, n/5) + "</vm>"},
		{"JSON one-key objects", `[` + strings.Repeat(`{"":0},`, n/2) + `0]`},
		{"JSON empty objects", `[` + strings.Repeat(`{},`, n) + `0]`},
		{"JSON numbers", `[` + strings.Repeat(`0,`, n) + `0]`},
	} {
		data := []byte(tc.body)
		base := liveHeap()
		var tree any
		var err error
		if data[0] == '<' {
			tree, err = ParseXML(data, Limits{})
		} else {
			tree, err = DecodeJSON(data, Limits{})
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		held := int64(liveHeap()-base) + int64(len(data))
		runtime.KeepAlive(tree)
		cost := Cost(int64(len(data)))
		t.Logf("%-34s %8d bytes: holds %5.1f MB, %4.1f per byte; Cost %5.1f MB", tc.name, len(data),
			float64(held)/1e6, float64(held)/float64(len(data)), float64(cost)/1e6)
		if held > cost {
			t.Errorf("%s holds %d bytes, over its Cost, %d", tc.name, held, cost)
		}
	}
}

// TestRealBodiesWithinNodeCap: the default MaxNodes (one per 16 bytes of
// MaxBytes) leaves real engine bodies room: each fixture, as XML and as
// compact JSON, would pass it with MaxBytes at two thirds of its size
// (they hold one node per 40 bytes of XML, per 26 of compact JSON).
func TestRealBodiesWithinNodeCap(t *testing.T) {
	m := mustV4(t)
	files, _ := filepath.Glob("../fixtures/bodies/v4/*.xml")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := wellFormed(data, Limits{MaxBytes: int64(len(data)) * 2 / 3}.withDefaults()); err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
		}
		doc, err := ParseXML(data, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		js, err := m.DocumentJSON(doc, Target{Type: m.Element(doc.Root().Tag)})
		if err != nil {
			t.Fatal(err)
		}
		if err := jsonShape(js, Limits{MaxBytes: int64(len(js)) * 2 / 3}.withDefaults()); err != nil {
			t.Errorf("%s as JSON: %v", filepath.Base(f), err)
		}
	}
}

// BenchmarkJSONCheckTree: the JSON Schema run one object at a time
// (checkTree, what validation does) against run over the whole value
// (check, the baseline), on a real collection of about 1 MB and on a
// hostile one of the same size; x-whole is the baseline's time over
// checkTree's.
func BenchmarkJSONCheckTree(b *testing.B) {
	m := mustV4(b)
	data, err := os.ReadFile("../fixtures/bodies/v4/hosts.xml")
	if err != nil {
		b.Fatal(err)
	}
	doc, err := ParseXML(data, Limits{})
	if err != nil {
		b.Fatal(err)
	}
	tg := Target{Type: m.Element("hosts")}
	js, err := m.DocumentJSON(doc, tg)
	if err != nil {
		b.Fatal(err)
	}
	one, err := DecodeJSON(js, Limits{})
	if err != nil {
		b.Fatal(err)
	}
	hosts := one.(map[string]any)["host"].([]any)
	var real []any
	for len(real)*len(js)/len(hosts) < 1<<20 {
		real = append(real, hosts...)
	}
	var bad []any
	for range 20_000 {
		bad = append(bad, map[string]any{"name": json.Number("1"), "bogus": "x"})
	}
	for _, c := range []struct {
		name string
		v    any
	}{{"real-1MB", map[string]any{"host": real}}, {"hostile-20000-bad-hosts", map[string]any{"host": bad}}} {
		b.Run(c.name, func(b *testing.B) {
			var whole float64
			for _, by := range []struct {
				name string
				f    func(*jsonCheck, any, *Type, jsonSpot)
			}{{"whole", (*jsonCheck).check}, {"tree", (*jsonCheck).checkTree}} {
				b.Run(by.name, func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						m.validateJSONBy(c.v, tg, Limits{}, by.f)
					}
					per := b.Elapsed().Seconds() / float64(b.N)
					if by.name == "whole" {
						whole = per
					} else if whole > 0 {
						b.ReportMetric(whole/per, "x-whole")
					}
				})
			}
		})
	}
}
