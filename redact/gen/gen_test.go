package main

import (
	"bytes"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/redact"
	"github.com/ovcompat/ovcompat/schema"
)

var update = flag.Bool("update", false, "rewrite testdata/members.golden")

func models(t *testing.T) []*schema.Model {
	t.Helper()
	ms, err := sourceModels()
	if err != nil {
		t.Fatal(err)
	}
	return ms
}

// TestGeneratedIsCurrent: `make schema` run now gives exactly the
// committed redact/members_gen.go.
func TestGeneratedIsCurrent(t *testing.T) {
	src, err := generate(models(t))
	if err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("../members_gen.go")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(src, committed) {
		t.Fatal("redact/members_gen.go is stale: run `make schema` and commit the result")
	}
}

// TestGolden shows the whole set of secret members, with the elements
// that hold each and the reason of each exception: a change to the model
// or to the rule shows here (go test ./redact/gen -update rewrites it).
func TestGolden(t *testing.T) {
	f, err := find(models(t), modelRule())
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(f.lines(modelRule()), "\n") + "\n"
	const golden = "testdata/members.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("the secret members changed (go test ./redact/gen -update, then review the diff):\n%s", got)
	}
}

func TestUnknownException(t *testing.T) {
	r := modelRule()
	r.exceptions = append(r.exceptions, redact.Exception{Type: "Ticket", Member: "colour", Secret: true, Reason: "none"})
	if _, err := find(models(t), r); err == nil || !strings.Contains(err.Error(), "Ticket.colour") {
		t.Fatalf("an exception the model lacks: %v", err)
	}
}

// TestPublicException: a public exception wins over a name pattern that
// would catch it, inside the elements that hold its type, and nowhere
// else; where another type held in an element of the same name has a
// secret member of that name, the secret wins.
func TestPublicException(t *testing.T) {
	keyish := func(n string) bool { return redact.IsSecretName(n) || strings.Contains(n, "key") }
	f, err := find(models(t), rule{isSecretName: keyish, exceptions: redact.Exceptions()})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := f.members[memberKey{"Ssh", "public_key"}]; ok {
		t.Error("Ssh.public_key is public, yet a secret member")
	}
	if v, ok := f.verdicts["public_key"]["ssh"]; !ok || v {
		t.Errorf("public_key inside <ssh>: verdict %v, known %v; want public", v, ok)
	}
	if _, ok := f.members[memberKey{"KeyValuePair", "key"}]; !ok {
		t.Error("a member the broader pattern catches and no exception covers is not secret")
	}
	src, err := f.source(models(t))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(src, []byte(`case "ssh":`)) || !bytes.Contains(src, []byte("return false, true")) {
		t.Errorf("the generated contextual lacks the public verdict:\n%s", src)
	}
}
