package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// scalarSamples are string forms at and around every boundary CheckScalar
// draws, plus random ones.
func scalarSamples() []string {
	out := []string{"", " ", "+", "-", "-0", "-00", "+0", "0", "00", "007", "1", "+1", "+-1", "1 2", " 1 ", "\t1\n",
		"\u00a01\u3000", "\v0\f", "1\u200b", "１", "0x10", "1.0", "1e3", "true", "false", "TRUE", "True", "1", "0", " true ",
		"yes", "INF", "-INF", "+INF", "NaN", "+NaN", "inf", ".", ".5", "5.", "-.5e-3", "1E+10", "1e", "e1", "1.2.3",
		"2019-02-01T10:43:28.123+01:00", "2019-02-01", "2019-02-01Z", "2019-02-01+14:00", "2019-02-01+15:00",
		"-2019-02-01T24:00:60Z", "12019-12-31T23:59:59.5-00:59", "2019-13-01T00:00:00Z", "2019-00-10", "2019-01-32",
		"2019-01-00", "201-01-01", "2019-1-01", "2019-01-01T1:00:00", "2019-01-01T10:00:00.", "2019-01-01T10:00",
		"2019-01-01T25:00:00", "2019-01-01T10:60:00", "2019-01-01T10:00:61", "2019-01-01t10:00:00", "2019-01-01T10:00:00+1:00",
		"2019-01-01T10:00:00+01:60", " 2019-01-01 ", "2019-01-01 T10:00:00"}
	for _, bits := range []uint{7, 8, 15, 16, 31, 32, 63, 64} {
		for _, d := range []int64{-2, -1, 0, 1, 2} {
			edge := (uint64(1) << (bits - 1)) - 1
			if bits == 64 {
				edge = 1<<63 - 1
			}
			out = append(out, strconv.FormatUint(uint64(int64(edge)+d), 10), "-"+strconv.FormatUint(uint64(int64(edge)+d), 10))
			u := uint64(1)<<bits - 1
			if bits == 64 {
				u = ^uint64(0)
			}
			out = append(out, strconv.FormatUint(u+uint64(d), 10), "000"+strconv.FormatUint(u+uint64(d), 10))
		}
	}
	out = append(out, "18446744073709551616", "99999999999999999999", "-9223372036854775809", "4294967296", "2147483648",
		"-2147483648", "-2147483649", "65535", "65536", "32767", "-32768", "-32769", "127", "128", "-128", "-129", "255")
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("0123456789+-.eE :TZ")
	for i := 0; i < 3000; i++ {
		n := 1 + r.IntN(24)
		b := make([]byte, n)
		for j := range b {
			b[j] = alphabet[r.IntN(len(alphabet))]
		}
		out = append(out, string(b))
		digits := make([]byte, 1+r.IntN(21))
		for j := range digits {
			digits[j] = byte('0' + r.IntN(10))
		}
		out = append(out, string(digits), "-"+string(digits))
	}
	two := func(hi int) string { return fmt.Sprintf("%02d", r.IntN(hi+1)) }
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	for i := 0; i < 2000; i++ {
		v := pick("", "", "-") + strings.Repeat("1", 3+r.IntN(3)) + "-" + two(13) + "-" + two(32)
		if r.IntN(4) > 0 {
			v += pick("T", "T", "t", " ") + two(25) + ":" + two(60) + ":" + two(61) + pick("", "", ".5", ".", ".123456")
		}
		v += pick("", "Z", "+"+two(15)+":"+two(60), "-"+two(14)+":"+two(59), "+1:00")
		out = append(out, v)
	}
	return out
}

// scalarPatterns are the generated patterns of the scalars that have one.
func scalarPatterns() map[Scalar]string {
	out := map[Scalar]string{}
	for s := String; s <= Byte; s++ {
		d := &jsDef{}
		scalarDef(d, s)
		if d.Pattern != "" {
			out[s] = d.Pattern
		}
	}
	return out
}

// TestScalarPatternsAreCheckScalar: the string form of every scalar in the
// JSON Schema gets exactly the XML validator's verdict.
func TestScalarPatternsAreCheckScalar(t *testing.T) {
	samples := scalarSamples()
	for s, p := range scalarPatterns() {
		re := regexp.MustCompile(p)
		accepted := 0
		for _, v := range samples {
			got, want := re.MatchString(v), CheckScalar(s, v, false)
			if got != want {
				t.Errorf("%s: pattern says %v, CheckScalar %v for %q", s, got, want, v)
			}
			if want {
				accepted++
			}
		}
		if accepted < 10 || len(samples)-accepted < 10 {
			t.Errorf("%s: the samples test too little (%d of %d accepted)", s, accepted, len(samples))
		}
	}
}

func TestUintRangePattern(t *testing.T) {
	for _, max := range []uint64{0, 5, 9, 10, 99, 100, 127, 128, 255, 1000, 32767, 65535, 2147483648, 4294967295, 1<<63 - 1, 1 << 63} {
		re := regexp.MustCompile("^(?:" + uintRangePattern(max) + ")$")
		ns := []uint64{0, 1, 9, 10, 11, max / 2, max}
		if max > 0 {
			ns = append(ns, max-1)
		}
		if max < math.MaxUint64 {
			ns = append(ns, max+1)
		}
		if max < math.MaxUint64/10-1 {
			ns = append(ns, max*10, max*10+9)
		}
		for _, n := range ns {
			s := strconv.FormatUint(n, 10)
			if got := re.MatchString(s); got != (n <= max) {
				t.Errorf("max %d: %s matched %v", max, s, got)
			}
		}
		if re.MatchString("01") || re.MatchString("") {
			t.Errorf("max %d: a leading zero or nothing matched", max)
		}
	}
}

// TestJSONSchemaCompiles: the generated document is valid 2020-12 (the
// compiler checks it against the meta-schema) and every $defs entry
// compiles.
func TestJSONSchemaCompiles(t *testing.T) {
	m, err := V4()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := m.JSONSchema()
	if err != nil {
		t.Fatal(err)
	}
	again, _ := m.JSONSchema()
	if !bytes.Equal(doc, again) {
		t.Fatal("the schema is not deterministic")
	}
	fresh, err := LoadV4()
	if err != nil {
		t.Fatal(err)
	}
	if other, _ := fresh.JSONSchema(); !bytes.Equal(doc, other) {
		t.Fatal("two loads of the model give different schemas")
	}
	var top struct {
		Schema string                     `json:"$schema"`
		Defs   map[string]json.RawMessage `json:"$defs"`
	}
	if err := json.Unmarshal(doc, &top); err != nil {
		t.Fatal(err)
	}
	if top.Schema != JSONSchemaDraft {
		t.Fatalf("$schema %q", top.Schema)
	}
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	if err := c.AddResource("mem:schema.json", bytes.NewReader(doc)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Compile("mem:schema.json"); err != nil {
		t.Fatal(err)
	}
	for k := range top.Defs {
		if _, err := c.Compile("mem:schema.json#/$defs/" + k); err != nil {
			t.Fatalf("%s: %v", k, err)
		}
	}
	for _, name := range []string{"Vm", "Vms", "VmStatus", "xs:int", "xs:boolean", "Network.usages", "Fault", "Action", "Link"} {
		if _, ok := top.Defs[name]; !ok {
			t.Errorf("$defs lacks %s", name)
		}
	}
	var vm struct {
		AdditionalProperties bool                      `json:"additionalProperties"`
		Properties           map[string]map[string]any `json:"properties"`
	}
	if err := json.Unmarshal(top.Defs["Vm"], &vm); err != nil {
		t.Fatal(err)
	}
	if vm.AdditionalProperties || vm.Properties["link"]["type"] != "array" || vm.Properties["memory"]["$ref"] != "#/$defs/xs:long" {
		t.Fatalf("Vm's schema is not as expected: %s", top.Defs["Vm"])
	}
}

// TestPatternsReadAlikeInECMAScript runs the patterns in node, when it is
// installed, to show that tools using ECMA-262 regular expressions (as JSON
// Schema specifies) give the same verdicts as Go.
func TestPatternsReadAlikeInECMAScript(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node is not installed")
	}
	samples := scalarSamples()[:400]
	type job struct {
		Pattern string   `json:"pattern"`
		Want    []bool   `json:"want"`
		Samples []string `json:"samples"`
	}
	var jobs []job
	for _, p := range scalarPatterns() {
		re := regexp.MustCompile(p)
		j := job{Pattern: p, Samples: samples}
		for _, s := range samples {
			j.Want = append(j.Want, re.MatchString(s))
		}
		jobs = append(jobs, j)
	}
	m, _ := V4()
	for _, typ := range m.Types() {
		if typ.IsEnum() {
			p := enumPattern(typ.Enum)
			ss := append([]string{" " + typ.Enum[0] + "\u3000", strings.ToUpper(typ.Enum[0])}, typ.Enum...)
			j := job{Pattern: p, Samples: ss}
			for _, s := range ss {
				j.Want = append(j.Want, regexp.MustCompile(p).MatchString(s))
			}
			jobs = append(jobs, j)
		}
	}
	data, _ := json.Marshal(jobs)
	f := filepath.Join(t.TempDir(), "jobs.json")
	if err := os.WriteFile(f, data, 0o600); err != nil {
		t.Fatal(err)
	}
	script := `const jobs = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
for (const j of jobs) { const re = new RegExp(j.pattern, "u");
  j.samples.forEach((s, i) => { if (re.test(s) !== j.want[i]) console.log(JSON.stringify([j.pattern.slice(0, 60), s])); }); }`
	out, err := exec.Command(node, "-e", script, f).CombinedOutput()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, out)
	}
	if len(out) > 0 {
		t.Fatalf("ECMAScript disagrees with Go on:\n%s", out)
	}
}
