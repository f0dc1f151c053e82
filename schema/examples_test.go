package schema_test

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/internal/sharedtest"
	"github.com/ovcompat/ovcompat/schema"
)

var update = flag.Bool("update", false, "rewrite golden files")

type docExample struct {
	Owner, Member, Lang, Code, Method, Path string
	NextBodyLang                            string `json:"next_body_lang"`
}

// exampleVerdict classifies one doc example.
type exampleVerdict struct {
	line  int
	class string // pass, malformed, fragment, disagreement
	what  string
}

// TestModelDocExamples checks every XML example of the API model's
// documentation as the request or response body of its route, and records
// how many pass and why the others do not (golden file
// testdata/doc-examples.golden; regenerate with -update).
func TestModelDocExamples(t *testing.T) {
	dir := sharedtest.Dir(t)
	m, err := schema.V4()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, "examples", "model-doc-examples.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var rows []docExample
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r docExample
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		rows = append(rows, r)
	}
	var verdicts []exampleVerdict
	counts := map[string]int{}
	for i, r := range rows {
		if r.Lang != "xml" {
			continue
		}
		var prev *docExample
		if i > 0 && rows[i-1].Lang == "http" && rows[i-1].Owner == r.Owner {
			prev = &rows[i-1]
		}
		v := classifyExample(m, r, prev)
		v.line = i + 1
		counts[v.class]++
		verdicts = append(verdicts, v)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# XML examples of the oVirt API model's documentation, checked as bodies of their routes.\n")
	classes := []string{"pass", "malformed", "fragment", "disagreement"}
	for _, c := range classes {
		fmt.Fprintf(&b, "# %s: %d\n", c, counts[c])
	}
	for _, v := range verdicts {
		if v.class != "pass" {
			fmt.Fprintf(&b, "line %d\t%s\t%s\n", v.line, v.class, v.what)
		}
	}
	golden := filepath.Join("testdata", "doc-examples.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if string(want) != b.String() {
		t.Errorf("doc example verdicts changed; diff against %s (run with -update after review):\n%s", golden, b.String())
	}
	t.Logf("pass %d, malformed %d, fragment %d, disagreement %d", counts["pass"], counts["malformed"], counts["fragment"], counts["disagreement"])
}

func classifyExample(m *schema.Model, r docExample, http *docExample) exampleVerdict {
	code := r.Code
	if strings.Contains(code, "...") || strings.Contains(code, "…") {
		return exampleVerdict{class: "malformed", what: "elided with '...'"}
	}
	var t schema.Target
	what := r.Owner + "." + r.Member
	if http != nil {
		path := strings.TrimPrefix(strings.SplitN(http.Path, "?", 2)[0], m.BasePath)
		match := m.Routes().Lookup(http.Method, path)
		if match.Route != nil {
			t.Route = match.Route
			if http.Method != "GET" {
				t.Direction = schema.Request
			}
			what = http.Method + " " + match.Route.Path
		}
	} else {
		for _, rt := range m.Routes().All() {
			if rt.Service == r.Owner && rt.Operation == r.Member && rt.Output != nil {
				t.Route = rt
				what = "response of " + rt.Method + " " + rt.Path
				break
			}
		}
	}
	res := m.ValidateXML([]byte(code), t, schema.Limits{})
	var rulesSeen []string
	for _, v := range res.Violations {
		if v.Severity != schema.Error {
			continue
		}
		switch v.Rule {
		case schema.RuleMalformed:
			return exampleVerdict{class: "malformed", what: what + ": " + v.Reason}
		case schema.RuleWrongRoot:
			return exampleVerdict{class: "fragment", what: what + ": <" + res.Root + "> " + v.Reason}
		}
		rulesSeen = append(rulesSeen, v.Rule+" "+v.Location)
	}
	if len(rulesSeen) == 0 {
		return exampleVerdict{class: "pass"}
	}
	sort.Strings(rulesSeen)
	return exampleVerdict{class: "disagreement", what: what + ": " + strings.Join(rulesSeen, "; ")}
}
