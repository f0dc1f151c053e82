package schema_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/ovcompat/ovcompat/schema"
)

// jsonFinding is a violation reduced to what the tables compare.
func jsonFindings(vs []schema.Violation) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Rule + " " + v.Location
	}
	return out
}

const jsonVM = `{"id":"1","href":"/ovirt-engine/api/vms/1","name":"a","memory":"1073741824","stateless":"false",
"status":"up","cpu":{"topology":{"cores":"2","sockets":"1"}},"creation_time":"2019-02-01T10:43:28.123+01:00",
"cluster":{"id":"2","href":"/ovirt-engine/api/clusters/2"},
"link":[{"href":"/ovirt-engine/api/vms/1/nics","rel":"nics"},{"href":"/ovirt-engine/api/vms/1/tags","rel":"tags"}],
"actions":{"link":[{"href":"/ovirt-engine/api/vms/1/start","rel":"start"}]}}`

// vmWith returns jsonVM with one property replaced or added: written last,
// it is the one a decoder keeps.
func vmWith(prop, value string) string {
	return strings.TrimSuffix(jsonVM, "}") + fmt.Sprintf(",%q:%s}", prop, value)
}

func TestValidateJSONRules(t *testing.T) {
	m := v4Model(t)
	routes := m.Routes()
	getVM := schema.Target{Route: routes.Find("GET", "/vms/{vm_id}")}
	listVMs := schema.Target{Route: routes.Find("GET", "/vms")}
	start := schema.Target{Route: routes.Find("POST", "/vms/{vm_id}/start"), Direction: schema.Request}
	addVM := schema.Target{Route: routes.Find("POST", "/vms"), Direction: schema.Request}
	network := schema.Target{Type: m.Type("Network")}
	cases := []struct {
		name   string
		target schema.Target
		body   string
		want   []string
	}{
		{"valid, string forms", getVM, jsonVM, nil},
		{"valid, native forms", getVM, `{"memory":1073741824,"stateless":false,"cpu":{"topology":{"cores":2}},"memory_policy":{"guaranteed":1e9}}`, nil},
		{"whitespace around scalars, as XSD collapses it", getVM, `{"memory":" 1024\n","status":"\tup "}`, nil},
		{"bad long", getVM, vmWith("memory", `"1024MB"`), []string{"schema.invalid-value /vm/memory"}},
		{"int out of range", getVM, `{"cpu":{"topology":{"cores":"2147483648"}}}`, []string{"schema.invalid-value /vm/cpu/topology/cores"}},
		{"native int out of range", getVM, `{"cpu":{"topology":{"cores":2147483648}}}`, []string{"schema.invalid-value /vm/cpu/topology/cores"}},
		{"fraction for an int", getVM, `{"cpu":{"topology":{"cores":1.5}}}`, []string{"schema.invalid-value /vm/cpu/topology/cores"}},
		{"bad boolean", getVM, vmWith("stateless", `"yes"`), []string{"schema.invalid-value /vm/stateless"}},
		{"boolean case in a response", getVM, vmWith("stateless", `"TRUE"`), []string{"schema.invalid-value /vm/stateless"}},
		{"boolean case in a request", addVM, `{"name":"a","stateless":"TRUE"}`, nil},
		{"bad date", getVM, vmWith("creation_time", `"yesterday"`), []string{"schema.invalid-value /vm/creation_time"}},
		{"bad enum", getVM, vmWith("status", `"sideways"`), []string{"schema.unknown-enum /vm/status"}},
		{"null", getVM, vmWith("name", `null`), []string{"schema.invalid-value /vm/name"}},
		{"object for a scalar", getVM, vmWith("name", `{"x":"1"}`), []string{"schema.invalid-value /vm/name"}},
		{"unknown element", getVM, vmWith("flavour", `"x"`), []string{"schema.unknown-element /vm/flavour"}},
		{"repeated single element", getVM, vmWith("comment", `["a","b","c"]`),
			[]string{"schema.repeated-element /vm/comment[2]", "schema.repeated-element /vm/comment[3]"}},
		{"repeated element checked item by item", getVM, vmWith("cpu", `[{"topology":{"cores":"x"}},{}]`),
			[]string{"schema.invalid-value /vm/cpu[1]/topology/cores", "schema.repeated-element /vm/cpu[2]"}},
		{"single object where an array belongs", getVM, `{"link":{"href":"/a","rel":"nics"}}`, []string{"schema.invalid-value /vm/link"}},
		{"wrong item", network, `{"usages":{"usage":["vm"],"flavour":["x"]}}`, []string{"schema.wrong-item /network/usages/flavour"}},
		{"bad item value", network, `{"usages":{"usage":["vm","sideways"]}}`, []string{"schema.unknown-enum /network/usages/usage[2]"}},
		{"unknown rel", getVM, vmWith("link", `[{"href":"/ovirt-engine/api/vms/1/x","rel":"flavours"}]`), []string{"schema.unknown-rel /vm/link/@rel"}},
		{"link without href", getVM, vmWith("link", `[{"rel":"nics"}]`), []string{"schema.link-href /vm/link"}},
		{"link without rel", getVM, vmWith("link", `[{"href":"/a"}]`), []string{"schema.unknown-rel /vm/link"}},
		{"malformed href", getVM, vmWith("link", `[{"href":"//x y","rel":"nics"}]`), []string{"schema.link-href /vm/link/@href"}},
		{"unknown action", getVM, vmWith("actions", `{"link":[{"href":"/a/fly","rel":"fly"},{"href":"/a/start","rel":"start"}]}`),
			[]string{"schema.unknown-action /vm/actions/link[1]/@rel"}},
		{"href not ending with the id", getVM, `{"id":"1","href":"/ovirt-engine/api/vms/2"}`, []string{"schema.href-id /vm/@href"}},
		{"collection item", listVMs, `{"vm":[{"id":"1"},{"id":"2","memory":"x"}]}`, []string{"schema.invalid-value /vms/vm[2]/memory"}},
		{"empty collection", listVMs, `{}`, nil},
		{"single resource for a collection", listVMs, `{"name":"a","id":"1"}`, []string{"schema.wrong-root /"}},
		{"array root", getVM, `[{"name":"a"}]`, []string{"schema.wrong-root /"}},
		{"string root", getVM, `"vm"`, []string{"schema.wrong-root /"}},
		{"fault on an error", schema.Target{Route: getVM.Route, Status: 404}, `{"reason":"Not found","detail":"x"}`, nil},
		{"resource on an error", schema.Target{Route: getVM.Route, Status: 500}, jsonVM, []string{"schema.wrong-root /"}},
		{"failed action", schema.Target{Route: start.Route, Status: 409}, `{"status":"failed","fault":{"reason":"r"}}`, nil},
		{"action parameters", start, `{"async":"true","use_cloud_init":"false","vm":{"stateless":"true"}}`, nil},
		{"not a parameter of the action", start, `{"async":"true","force":"true","bogus":"1"}`,
			[]string{"schema.unknown-element /action/bogus", "schema.unknown-parameter /action/force"}},
		{"missing element", schema.Target{Type: m.Type("Parameter")}, `{"name":"x"}`, []string{"schema.missing-element /parameter"}},
		{"huge exponent", getVM, vmWith("memory", `1e999999999`), []string{"schema.invalid-value /vm/memory"}},
		{"many digits", getVM, vmWith("memory", strings.Repeat("9", 5000)), []string{"schema.invalid-value /vm/memory"}},
		{"huge number in an unknown place", getVM, `{"name":"a","x":[1e99999]}`, []string{"schema.invalid-value /vm/x", "schema.unknown-element /vm/x"}},
		{"no target", schema.Target{}, jsonVM, []string{"schema.wrong-root /"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := m.ValidateJSON([]byte(c.body), c.target, schema.Limits{})
			got := jsonFindings(res.Violations)
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Fatalf("\n got %q\nwant %q\n%v", got, c.want, res.Violations)
			}
			for _, v := range res.Violations {
				if v.Reason == "" {
					t.Fatalf("no reason: %+v", v)
				}
			}
		})
	}
}

func TestValidateJSONBadInput(t *testing.T) {
	m := v4Model(t)
	target := schema.Target{Route: m.Routes().Find("GET", "/vms/{vm_id}")}
	cases := []struct {
		name string
		body string
		rule string
	}{
		{"empty", ``, schema.RuleMalformed},
		{"truncated", `{"name":"a"`, schema.RuleMalformed},
		{"trailing data", `{"name":"a"} {}`, schema.RuleMalformed},
		{"invalid UTF-8", "{\"name\":\"\xff\xfe\"}", schema.RuleMalformed},
		{"byte order mark", "\ufeff{}", schema.RuleMalformed},
		{"deep nesting", strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000), schema.RuleLimit},
		{"deep objects", strings.Repeat(`{"a":`, 100_000) + "1" + strings.Repeat("}", 100_000), schema.RuleLimit},
		{"binary", "\x00\x01\x02\x03", schema.RuleMalformed},
		{"xml", `<vm/>`, schema.RuleMalformed},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := m.ValidateJSON([]byte(c.body), target, schema.Limits{})
			if len(res.Violations) != 1 || res.Violations[0].Rule != c.rule {
				t.Fatalf("got %v, want one %s", res.Violations, c.rule)
			}
		})
	}
	big := m.ValidateJSON([]byte(`{"name":"`+strings.Repeat("a", 2<<20)+`"}`), target, schema.Limits{MaxBytes: 1 << 20})
	if len(big.Violations) != 1 || big.Violations[0].Rule != schema.RuleLimit {
		t.Fatalf("a body over the size limit: %v", big.Violations)
	}
}

func TestValidateJSONViolationCap(t *testing.T) {
	m := v4Model(t)
	var b strings.Builder
	b.WriteString(`{"vm":[`)
	for i := 0; i < 500; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"memory":"x"}`)
	}
	b.WriteString(`]}`)
	res := m.ValidateJSON([]byte(b.String()), schema.Target{Route: m.Routes().Find("GET", "/vms")}, schema.Limits{MaxViolations: 10})
	if len(res.Violations) != 11 || res.Violations[10].Rule != schema.RuleLimit || res.Violations[0].Location != "/vms/vm[1]/memory" ||
		res.Violations[9].Location != "/vms/vm[10]/memory" {
		t.Fatalf("got %d violations: first %v, last %v", len(res.Violations), res.Violations[0], res.Violations[len(res.Violations)-1])
	}
}

// TestValidateJSONConcurrent validates from many goroutines on a fresh
// model, so that the schema is built and compiled concurrently (run with
// -race).
func TestValidateJSONConcurrent(t *testing.T) {
	m, err := schema.LoadV4()
	if err != nil {
		t.Fatal(err)
	}
	target := schema.Target{Route: m.Routes().Find("GET", "/vms/{vm_id}")}
	var wg sync.WaitGroup
	errs := make(chan string, 16)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			body := jsonVM
			if i%2 == 1 {
				body = vmWith("memory", `"x"`)
			}
			res := m.ValidateJSON([]byte(body), target, schema.Limits{})
			if res.OK() != (i%2 == 0) {
				errs <- fmt.Sprintf("goroutine %d: %v", i, res.Violations)
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestReasonsNeverEchoJSONValues: whatever a bad value holds, it is not in
// the reason or the location.
func TestReasonsNeverEchoJSONValues(t *testing.T) {
	m := v4Model(t)
	const secret = "s3cr3t-VALUE"
	target := schema.Target{Route: m.Routes().Find("GET", "/vms/{vm_id}")}
	for _, body := range []string{
		vmWith("memory", `"`+secret+`"`), vmWith("status", `"`+secret+`"`), vmWith("creation_time", `"`+secret+`"`),
		vmWith("name", `["`+secret+`","`+secret+`"]`), `{"id":"` + secret + `","href":"/x/y"}`, vmWith("link", `[{"href":"`+secret+` x","rel":"nics"}]`),
		vmWith("stateless", `{"a":"`+secret+`"}`),
	} {
		res := m.ValidateJSON([]byte(body), target, schema.Limits{})
		if len(res.Violations) == 0 {
			t.Fatalf("no violation for %s", body)
		}
		for _, v := range res.Violations {
			if strings.Contains(v.Reason, secret) || strings.Contains(v.Location, secret) {
				t.Fatalf("the value is echoed: %v", v)
			}
		}
	}
}
