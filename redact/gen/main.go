// Command gen finds the secret members of the oVirt API model and writes
// them into package redact (redact/members_gen.go), which stays a leaf: it
// imports nothing of ovcompat, so reports may use it. Run it with
// `make schema`; its output is committed.
//
// The rule (see redact.Exceptions): a member whose wire name is a secret
// name is secret, and so is an exception marked secret; an exception not
// marked secret never is.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/ovcompat/ovcompat/schema"
)

func main() {
	out := flag.String("out", "redact/members_gen.go", "file to write the secret members to")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "redact/gen:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	models, err := sourceModels()
	if err != nil {
		return err
	}
	src, err := generate(models)
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, src, 0o644); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	fmt.Fprintf(os.Stderr, "redact/gen: %s written\n", out)
	return nil
}

// sourceModels are the models whose secret members are gathered: a member
// secret in any of them is secret. Today the embedded model (schema.V4);
// once the release history lands, every release of it.
func sourceModels() ([]*schema.Model, error) {
	m, err := schema.V4()
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	return []*schema.Model{m}, nil
}
