package schema_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/fixtures"
	"github.com/ovcompat/ovcompat/scenario"
	"github.com/ovcompat/ovcompat/schema"
)

// doc is a real XML body and what it was sent as.
type doc struct {
	name   string
	data   []byte
	target schema.Target
}

// realDocs gathers every real XML body the repository holds: the engine
// responses of fixtures/bodies, every request and response body of the
// bundled scenarios (recorded from real engines and from the simulator)
// with its route and status, and, when ../shared is there, every body of
// the reference traffic.
func realDocs(tb testing.TB, m *schema.Model) []doc {
	tb.Helper()
	var out []doc
	files, _ := filepath.Glob("../fixtures/bodies/v4/*.xml")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, doc{name: f, data: data})
	}
	loaded, err := scenario.LoadFS(fixtures.Scenarios(), ".")
	if err != nil {
		tb.Fatal(err)
	}
	for _, sc := range loaded.Scenarios {
		for i, st := range append(sc.Steps, sc.Cleanup...) {
			path, _, _ := strings.Cut(st.Request.Path, "?")
			path = strings.TrimPrefix(path, "/ovirt-engine/api")
			r := m.Routes().Lookup(st.Request.Method, path).Route
			name := fmt.Sprintf("%s step %d", sc.Name, i)
			if isXML(st.Request.Body) {
				out = append(out, doc{name + " request", []byte(st.Request.Body), schema.Target{Route: r, Direction: schema.Request}})
			}
			if st.Response != nil && isXML(st.Response.Body) {
				out = append(out, doc{name + " response", []byte(st.Response.Body), schema.Target{Route: r, Status: st.Response.Status}})
			}
		}
	}
	return append(out, trafficDocs(tb, m)...)
}

func isXML(body string) bool { return strings.HasPrefix(strings.TrimSpace(body), "<") }

// trafficDocs reads the v4 XML bodies of ../shared/ovirt/traffic.
func trafficDocs(tb testing.TB, m *schema.Model) []doc {
	files, _ := filepath.Glob("../../shared/ovirt/traffic/*.har")
	var out []doc
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		var h struct {
			Log struct {
				Entries []struct {
					Request struct {
						Method, URL string
					}
					Response struct {
						Status  int
						Content struct{ Text string }
					}
				}
			}
		}
		if err := json.Unmarshal(data, &h); err != nil {
			tb.Fatalf("%s: %v", f, err)
		}
		for i, e := range h.Log.Entries {
			_, path, ok := strings.Cut(e.Request.URL, "/ovirt-engine/api")
			if !ok || !isXML(e.Response.Content.Text) || strings.HasPrefix(path, "/v3") {
				continue
			}
			path, _, _ = strings.Cut(path, "?")
			r := m.Routes().Lookup(e.Request.Method, path).Route
			out = append(out, doc{fmt.Sprintf("%s entry %d", filepath.Base(f), i), []byte(e.Response.Content.Text),
				schema.Target{Route: r, Status: e.Response.Status}})
		}
	}
	return out
}

// treeResult is the tree walker's verdict: the oracle.
func treeResult(m *schema.Model, data []byte, t schema.Target, lim schema.Limits) schema.Result {
	d, err := schema.ParseXML(data, lim)
	if err != nil {
		return schema.Result{Violations: []schema.Violation{schema.ParseViolation(err)}}
	}
	return m.ValidateDocument(d, data, t, lim)
}

// streamAgrees fails unless the streaming validator's verdict on data is the
// tree walker's, violation for violation.
func streamAgrees(t *testing.T, m *schema.Model, name string, data []byte, tg schema.Target, lim schema.Limits) {
	t.Helper()
	want := treeResult(m, data, tg, lim)
	got := m.ValidateXML(data, tg, lim)
	if !reflect.DeepEqual(want, got) {
		t.Errorf("%s: the streaming validator disagrees with the tree walker\nbody: %.300q\ntree:   %s\nstream: %s",
			name, data, describeResult(want), describeResult(got))
	}
}

func describeResult(r schema.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "root %q type %v", r.Root, r.Type != nil)
	for _, v := range r.Violations {
		fmt.Fprintf(&b, "\n  %s %s %s (%d:%d) %s", v.Severity, v.Rule, v.Location, v.Line, v.Column, v.Reason)
	}
	return b.String()
}

// TestStreamMatchesTree: on every real body of the repository, as sent
// and as its route expects it, and on every mutation of it, the streaming
// validator gives the tree walker's verdict exactly.
func TestStreamMatchesTree(t *testing.T) {
	m, err := schema.V4()
	if err != nil {
		t.Fatal(err)
	}
	docs := realDocs(t, m)
	if len(docs) < 50 {
		t.Fatalf("only %d real documents found", len(docs))
	}
	rng := rand.New(rand.NewPCG(14, 14))
	lim := schema.Limits{MaxViolations: 20}
	mutations := 6
	if testing.Short() {
		mutations = 1
	}
	for _, d := range docs {
		streamAgrees(t, m, d.name, d.data, d.target, schema.Limits{})
		streamAgrees(t, m, d.name+" (no target)", d.data, schema.Target{}, schema.Limits{})
		for k := range mutations {
			mut, what := mutate(rng, d.data)
			streamAgrees(t, m, fmt.Sprintf("%s mutation %d (%s)", d.name, k, what), mut, d.target, lim)
		}
		if t.Failed() {
			return
		}
	}
	t.Logf("%d documents, each as sent, without a target and in %d mutations", len(docs), mutations)
}

// mutate changes a document the way broken engines and hostile clients
// do: elements and attributes that do not belong, values of the wrong
// form, repeated, dropped or reordered elements, stray text, and plain
// byte damage.
func mutate(rng *rand.Rand, data []byte) ([]byte, string) {
	tags := tagStarts(data)
	if len(tags) == 0 {
		return data, "none"
	}
	at := tags[rng.IntN(len(tags))]
	end := at + bytes.IndexByte(data[at:], '>') + 1
	out := bytes.Clone(data)
	ins := func(i int, s string) []byte { return append(out[:i:i], append([]byte(s), out[i:]...)...) }
	switch k := rng.IntN(12); k {
	case 0:
		return ins(end, "<bogus_element>x</bogus_element>"), "unknown element"
	case 1:
		return ins(end, "stray text"), "text"
	case 2:
		return ins(at+bytes.IndexAny(data[at:], " />"), ` colour="blue"`), "unknown attribute"
	case 3: // repeat the element
		close := matchingEnd(data, at)
		return ins(close, string(data[at:close])), "repeated element"
	case 4: // drop the element
		close := matchingEnd(data, at)
		return append(out[:at:at], out[close:]...), "dropped element"
	case 5: // a value of the wrong form
		if j := bytes.IndexByte(data[end:], '<'); j > 0 {
			return append(append(out[:end:end], "not-a-value"...), out[end+j:]...), "bad value"
		}
		return out, "none"
	case 6: // swap with the next sibling
		close := matchingEnd(data, at)
		if close < len(data) && data[close] == '<' && data[close+1] != '/' {
			next := matchingEnd(data, close)
			swapped := append(append(bytes.Clone(data[close:next]), data[at:close]...), data[next:]...)
			return append(out[:at:at], swapped...), "swapped elements"
		}
		return out, "none"
	case 7: // an href that does not end with the id
		if i := bytes.Index(data[at:end], []byte(`href="`)); i >= 0 {
			return ins(at+i+len(`href="`), "/x"), "href"
		}
		return out, "none"
	case 8: // a link rel the model does not know
		if i := bytes.Index(data[at:end], []byte(`rel="`)); i >= 0 {
			return ins(at+i+len(`rel="`), "x"), "rel"
		}
		return out, "none"
	case 9:
		return ins(end, "<![CDATA[ x ]]><!-- c --><?pi x?>&#65;&amp;"), "markup"
	case 10: // cut the body short
		return out[:rng.IntN(len(out))], "truncated"
	default: // damage a byte
		i := rng.IntN(len(out))
		const damage = "<>&\"'/=x \xff]"
		out[i] = damage[rng.IntN(len(damage))]
		return out, "byte"
	}
}

// tagStarts returns where the start tags of data are.
func tagStarts(data []byte) []int {
	var out []int
	for i := 0; i+1 < len(data); i++ {
		if data[i] == '<' && data[i+1] != '/' && data[i+1] != '?' && data[i+1] != '!' {
			out = append(out, i)
		}
	}
	return out
}

// matchingEnd returns the index after the element starting at data[at]
// (assuming a document without comments or CDATA, as engines write).
func matchingEnd(data []byte, at int) int {
	depth := 0
	for i := at; i < len(data); i++ {
		if data[i] != '<' {
			continue
		}
		j := i + bytes.IndexByte(data[i:], '>')
		if j < i {
			return len(data)
		}
		switch {
		case data[i+1] == '/':
			depth--
		case data[j-1] != '/' && data[i+1] != '?' && data[i+1] != '!':
			depth++
		}
		if depth == 0 {
			return j + 1
		}
		i = j
	}
	return len(data)
}

// FuzzStreamValidate: on any input, the streaming validator gives the tree
// walker's verdict, and the same verdict fed in pieces as fed whole.
func FuzzStreamValidate(f *testing.F) {
	files, _ := filepath.Glob("../fixtures/bodies/v4/*.xml")
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil && len(data) < 20_000 {
			f.Add(data, uint8(0))
		}
	}
	for _, s := range []string{
		`<vm><name>a</name><memory>x</memory><bogus/><bogus/></vm>`,
		`<vms><vm id="1" href="/ovirt-engine/api/vms/2"><link rel="nics"/><actions><link rel="fly"/></actions></vm></vms>`,
		`<action><status>complete</status><fault><reason>r</reason></fault></action>`,
		`<action><force>true</force><vm><x/></vm></action>`,
		`<vm xmlns:x="u" x:id="1" xsi:nil="true"><cpu><topology><cores>two<a/></cores></topology></cpu></vm>`,
	} {
		f.Add([]byte(s), uint8(1))
	}
	m, err := schema.V4()
	if err != nil {
		f.Fatal(err)
	}
	targets := []schema.Target{
		{},
		{Route: m.Routes().Lookup("GET", "/vms/1").Route},
		{Route: m.Routes().Lookup("POST", "/vms/1/start").Route, Direction: schema.Request},
		{Route: m.Routes().Lookup("POST", "/vms/1/start").Route, Status: 400},
		{Type: m.Type("Host")},
	}
	lim := schema.Limits{MaxBytes: 1 << 20, MaxDepth: 64, MaxViolations: 30}
	f.Fuzz(func(t *testing.T, data []byte, pick uint8) {
		tg := targets[int(pick)%len(targets)]
		streamAgrees(t, m, "fuzz input", data, tg, lim)
		whole := m.ValidateXML(data, tg, lim)
		v := m.NewXMLStream(tg, lim)
		for i, k := 0, int(pick); i < len(data); k++ {
			n := min(len(data)-i, 1+k*5%17)
			v.Write(bytes.Clone(data[i : i+n]))
			i += n
		}
		if pieces := v.Close(); !reflect.DeepEqual(whole, pieces) {
			t.Fatalf("fed in pieces:\n%s\nfed whole:\n%s", describeResult(pieces), describeResult(whole))
		}
	})
}

// TestStreamAllocation: validating a valid real document allocates at most
// a tenth of its size (in practice only the root's name), once warm.
func TestStreamAllocation(t *testing.T) {
	if raceOn {
		t.Skip("the race detector allocates")
	}
	m, _ := schema.V4()
	small, large := benchDocs(t)
	for _, tc := range []struct {
		name string
		data []byte
		root string
	}{{"10KB", small, "host"}, {"1MB", large, "hosts"}} {
		tg := schema.Target{Type: m.Element(tc.root)}
		if res := m.ValidateXML(tc.data, tg, schema.Limits{}); len(res.Violations) > 0 {
			t.Fatalf("%s: %v", tc.name, res.Violations)
		}
		var ms0, ms1 runtime.MemStats
		runtime.ReadMemStats(&ms0)
		const runs = 20
		for range runs {
			m.ValidateXML(tc.data, tg, schema.Limits{})
		}
		runtime.ReadMemStats(&ms1)
		perDoc := (ms1.TotalAlloc - ms0.TotalAlloc) / runs
		t.Logf("%s: %d bytes allocated per document of %d", tc.name, perDoc, len(tc.data))
		if perDoc > uint64(len(tc.data))/10 {
			t.Errorf("%s: %d bytes allocated per document, more than a tenth of its %d bytes", tc.name, perDoc, len(tc.data))
		}
		if perDoc > 4<<10 {
			t.Errorf("%s: %d bytes allocated per document: the walk allocates per element", tc.name, perDoc)
		}
	}
}
