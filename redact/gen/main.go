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

// sourceModels are the models whose secret members are gathered: every
// release of the embedded history (4.0 to 4.6), since a member secret in
// any of them is secret whatever release the traffic comes from.
func sourceModels() ([]*schema.Model, error) {
	h, err := schema.EmbeddedHistory()
	if err != nil {
		return nil, fmt.Errorf("model history: %w", err)
	}
	var out []*schema.Model
	for _, v := range h.Releases {
		m, err := schema.LoadRelease(schema.ModelPrefix + v)
		if err != nil {
			return nil, fmt.Errorf("model %s: %w", v, err)
		}
		out = append(out, m)
	}
	return out, nil
}
