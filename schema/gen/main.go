// Command gen compiles the oVirt v4 API model (model.json, routes.tsv,
// rsdl_metadata.yaml, api-base.xsd from oVirt/ovirt-engine-api-model and
// oVirt/ovirt-engine) into the File that package schema embeds. Run it with
// `make schema`; its output is committed, so builds need none of the input.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ovcompat/ovcompat/schema"
)

func main() {
	src := flag.String("src", "../shared/ovirt/v4", "folder holding model.json, routes.tsv, rsdl_metadata.yaml and api-base.xsd")
	out := flag.String("out", "schema/v4/model.json", "file to write the compiled model to")
	flag.Parse()
	if err := run(*src, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(src, out string) error {
	f, stats, err := compile(src)
	if err != nil {
		return err
	}
	// Build it once here, so that an inconsistent model fails the
	// generator rather than the binary.
	if _, err := schema.Build(f); err != nil {
		return fmt.Errorf("compiled model does not build: %w", err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", " ")
	if err := enc.Encode(f); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "gen: %s: %d types, %d elements, %d routes; rsdl metadata matched %d of %d entries\n",
		out, len(f.Types), len(f.Elements), len(f.Routes), stats.rsdlMatched, stats.rsdlTotal)
	return nil
}

type stats struct {
	rsdlMatched, rsdlTotal int
}

// compile reads the source folder into a File.
func compile(src string) (*schema.File, stats, error) {
	var st stats
	raw, err := os.ReadFile(filepath.Join(src, "model.json"))
	if err != nil {
		return nil, st, err
	}
	var mj modelJSON
	if err := json.Unmarshal(raw, &mj); err != nil {
		return nil, st, fmt.Errorf("model.json: %w", err)
	}
	base, err := os.ReadFile(filepath.Join(src, "api-base.xsd"))
	if err != nil {
		return nil, st, err
	}
	f, err := schema.ImportXSD(base)
	if err != nil {
		return nil, st, fmt.Errorf("api-base.xsd: %w", err)
	}
	f.Format = schema.FileFormat
	f.API = 4
	f.Version = "4.6"
	f.BasePath = "/ovirt-engine/api"
	f.Source = "oVirt API model 4.6 (oVirt/ovirt-engine-api-model, api-base.xsd of oVirt/ovirt-engine)"
	f.Hypermedia = true

	g := newGenerator(&mj)
	g.addTypes(f)
	routes, err := os.ReadFile(filepath.Join(src, "routes.tsv"))
	if err != nil {
		return nil, st, err
	}
	meta, err := os.ReadFile(filepath.Join(src, "rsdl_metadata.yaml"))
	if err != nil {
		return nil, st, err
	}
	if err := g.addRoutes(f, routes, meta, &st); err != nil {
		return nil, st, err
	}
	g.addHypermedia(f)
	return f, st, nil
}
