// Command gen compiles the oVirt v4 API model of every release, read from
// its sources (the metamodel's Java interfaces of oVirt/ovirt-engine-api-
// model, one folder per release), with the engine's rsdl_metadata.yaml and
// api-base.xsd (oVirt/ovirt-engine), into the history that package schema
// embeds, and copies the table of engine releases beside it. Run it with
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
	"github.com/ovcompat/ovcompat/schema/gen/metamodel"
)

func main() {
	src := flag.String("src", "../shared/ovirt", "the oVirt reference folder: model-src/<release>/, model-src/engine-releases.tsv, v4/rsdl_metadata.yaml, v4/api-base.xsd")
	out := flag.String("out", "schema/v4", "folder to write history.json and engine-releases.tsv to")
	flag.Parse()
	if err := run(*src, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(src, out string) error {
	h, files, err := compileHistory(src)
	if err != nil {
		return err
	}
	h.Compact()
	data, err := encode(h)
	if err != nil {
		return err
	}
	table, err := engineTable(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "history.json"), data, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(out, "engine-releases.tsv"), table, 0o644); err != nil {
		return err
	}
	for i, f := range files {
		fmt.Fprintf(os.Stderr, "gen: model %s: %d types, %d elements, %d routes\n", h.Releases[i], len(f.Types), len(f.Elements), len(f.Routes))
	}
	fmt.Fprintf(os.Stderr, "gen: %s: %d releases, %d bytes\n", filepath.Join(out, "history.json"), len(h.Releases), len(data))
	return nil
}

func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", " ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// compileHistory compiles every release below src/model-src and merges
// them into one history; files are the releases' own Files, in order.
func compileHistory(src string) (*schema.History, []*schema.File, error) {
	releases, err := modelReleases(filepath.Join(src, "model-src"))
	if err != nil {
		return nil, nil, err
	}
	meta, err := os.ReadFile(filepath.Join(src, "v4", "rsdl_metadata.yaml"))
	if err != nil {
		return nil, nil, err
	}
	md, err := readMeta(meta)
	if err != nil {
		return nil, nil, err
	}
	base, err := os.ReadFile(filepath.Join(src, "v4", "api-base.xsd"))
	if err != nil {
		return nil, nil, err
	}
	var files []*schema.File
	var sources []string
	for _, rel := range releases {
		m, err := metamodel.Read(os.DirFS(filepath.Join(src, "model-src", rel)), ".")
		if err != nil {
			return nil, nil, fmt.Errorf("model %s: %w", rel, err)
		}
		f, _, err := compile(rel, m, base, md)
		if err != nil {
			return nil, nil, fmt.Errorf("model %s: %w", rel, err)
		}
		files = append(files, f)
		sources = append(sources, map[bool]string{true: schema.SignaturesModel, false: schema.SignaturesRSDL}[hasInputDetail(m)])
	}
	h, err := schema.NewHistory(releases, files)
	if err != nil {
		return nil, nil, err
	}
	h.Credit = credit
	h.Signatures = sources
	return h, files, nil
}

// credit names the sources of every release's model.
const credit = "oVirt/ovirt-engine-api-model; rsdl_metadata.yaml and api-base.xsd of oVirt/ovirt-engine"

type stats struct {
	rsdlMatched, rsdlTotal int
}

// compile turns one release of the model into a File: the types and
// elements by the metamodel's XSD generator's rules, a route for every
// method of the service tree, URL parameters and headers from the RSDL
// metadata, and the body signatures from the model's @InputDetail where
// the release has them (4.2 and later), else from the RSDL metadata.
func compile(release string, m *metamodel.Model, base []byte, md *rsdlMeta) (*schema.File, stats, error) {
	return compileWith(release, m, base, md, hasInputDetail(m))
}

// compileWith compiles with the model's signatures or the RSDL's.
func compileWith(release string, m *metamodel.Model, base []byte, md *rsdlMeta, modelSignatures bool) (*schema.File, stats, error) {
	var st stats
	f, err := schema.ImportXSD(base)
	if err != nil {
		return nil, st, fmt.Errorf("api-base.xsd: %w", err)
	}
	f.Format = schema.FileFormat
	f.API = 4
	f.Version = release
	f.BasePath = "/ovirt-engine/api"
	f.Source = (&schema.History{Credit: credit}).SourceOf(release)
	f.Hypermedia = true

	g := newGenerator(m)
	g.addTypes(f)
	if err := g.addRoutes(f); err != nil {
		return nil, st, err
	}
	joinMeta(f, md, !modelSignatures, &st)
	if modelSignatures {
		if err := g.addModelSignatures(f); err != nil {
			return nil, st, err
		}
	}
	g.addHypermedia(f)
	// Build it here, so that an inconsistent model fails the generator
	// rather than the binary.
	if _, err := schema.Build(f); err != nil {
		return nil, st, fmt.Errorf("compiled model does not build: %w", err)
	}
	return f, st, nil
}

// hasInputDetail reports whether any method of the model has an
// @InputDetail: the model then says what is mandatory.
func hasInputDetail(m *metamodel.Model) bool {
	for _, s := range m.Services {
		for _, md := range s.Methods {
			if md.Detail != nil {
				return true
			}
			for _, sig := range md.Signatures {
				if sig.Detail != nil {
					return true
				}
			}
		}
	}
	return false
}
