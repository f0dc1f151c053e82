package yamlline

import (
	"errors"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestSyntaxLine(t *testing.T) {
	for _, tc := range []struct {
		name, doc string
		line      int
	}{
		// yaml.v3 says "line 2: did not find expected key" (where the
		// mapping of the step began); the stray item is on line 12.
		{"list item inside a mapping", "name: x\nsteps:\n  - name: y\n    request:\n      method: GET\n      path: /ovirt-engine/api\n    response:\n      status: 200\n      body: |\n        <api>\n        </api>\n    - bad\n", 12},
		{"tab indentation", "a:\n  b: 1\n\tc: 2\n", 3},
		{"unclosed quote", "a: 1\nb: \"open\nc: 2\n", 2},
		{"bad first line", "- a\nb: 1\n", 2},
		{"mapping value in a plain scalar", "a: 1\nb: c: d\n", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n yaml.Node
			err := yaml.Unmarshal([]byte(tc.doc), &n)
			if err == nil {
				t.Fatal("the document parses")
			}
			got := Syntax([]byte(tc.doc), err)
			var ye *Error
			if !errors.As(got, &ye) || ye.Line != tc.line {
				t.Errorf("Syntax = %v (yaml.v3 said %v), want line %d", got, err, tc.line)
			}
			if !strings.HasPrefix(got.Error(), "line ") || strings.Contains(got.Error(), "yaml: ") {
				t.Errorf("message %q", got)
			}
		})
	}
}

func TestTypeErrorsKeepTheirLines(t *testing.T) {
	var v struct{ A int }
	doc := []byte("a: 1\n\na: [x]\n")
	err := yaml.Unmarshal(doc, &v)
	if got := Syntax(doc, err); got != err {
		t.Errorf("a type error was rewritten: %v", got)
	}
	if Syntax(doc, nil) != nil || FirstBadLine([]byte("a: 1\n")) != 0 {
		t.Error("a document that parses has no bad line")
	}
}

func FuzzFirstBadLine(f *testing.F) {
	f.Add([]byte("a:\n  - b\n  c: d\n"))
	f.Add([]byte("x: \"y\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 4096 {
			return
		}
		n := FirstBadLine(data)
		if (n == 0) != parses(data) {
			t.Fatalf("FirstBadLine = %d, parses = %v", n, parses(data))
		}
		if n > len(lineEnds(data)) {
			t.Fatalf("line %d of %d", n, len(lineEnds(data)))
		}
	})
}
