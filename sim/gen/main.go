// Command gen derives, per type, the members a real oVirt engine always
// writes, with the evidence of each, into sim/always.tsv:
//
//	go run ./sim/gen -shared ../shared/ovirt -out sim/always.tsv
//
// The evidence, in this order: the recorded traffic's presence statistics
// (a member present in every recorded object of its type is always
// written), then the engine's mappers (a member a mapper sets whatever the
// data is written whenever the backend value is non-null: an object the
// mapper makes, a primitive, or a backend field initialised to a value,
// as sim/gen/backend.tsv records from the backend's entities). What the
// mappers set from a value that may be null is listed with -undecided.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ovcompat/ovcompat/schema"
)

func main() {
	shared := flag.String("shared", "../shared/ovirt", "the reference material")
	out := flag.String("out", "sim/always.tsv", "the table to write")
	backendFile := flag.String("backend", "sim/gen/backend.tsv", "the curated backend entity facts")
	undecided := flag.Bool("undecided", false, "list the members mappers set from values that may be null")
	flag.Parse()
	if err := run(*shared, *out, *backendFile, *undecided); err != nil {
		fmt.Fprintln(os.Stderr, "sim/gen:", err)
		os.Exit(1)
	}
}

func run(shared, out, backendFile string, listUndecided bool) error {
	m, err := schema.V4()
	if err != nil {
		return err
	}
	p, err := readTraffic(m, filepath.Join(shared, "traffic"))
	if err != nil {
		return err
	}
	mp, err := readMappers(m, filepath.Join(shared, "engine-restapi", "types"))
	if err != nil {
		return err
	}
	backend, err := readBackend(backendFile)
	if err != nil {
		return err
	}
	entries, undecided := build(m, p, mp, backend)
	if listUndecided {
		for _, u := range undecided {
			fmt.Println(u)
		}
	}
	var buf bytes.Buffer
	if err := writeTable(&buf, entries); err != nil {
		return err
	}
	return os.WriteFile(out, buf.Bytes(), 0o644)
}
