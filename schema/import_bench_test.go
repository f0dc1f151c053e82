package schema_test

import (
	"path/filepath"
	"testing"

	"github.com/ovcompat/ovcompat/internal/sharedtest"
	"github.com/ovcompat/ovcompat/schema"
)

// The engine documents are imported whenever --schema, --rsdl or
// --schema-from is given. BenchmarkParseV3Documents is the baseline: only
// parsing the two documents with etree; the import benchmarks report their
// cost against it (see BENCHMARKS.md for figures). The target for the
// whole load (both imports, the join and the build) is 500 ms.

func v3Docs(b *testing.B) (xsd, rsdl []byte) {
	dir := sharedtest.Dir(b)
	return mustRead(b, filepath.Join(dir, "v3", "api.xsd")), mustRead(b, filepath.Join(dir, "v3", "rsdl.xml"))
}

func BenchmarkParseV3Documents(b *testing.B) {
	xsd, rsdl := v3Docs(b)
	b.SetBytes(int64(len(xsd) + len(rsdl)))
	for b.Loop() {
		for _, d := range [][]byte{xsd, rsdl} {
			if _, err := schema.ParseXML(d, schema.Limits{}); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkImportV3XSD(b *testing.B) {
	xsd, _ := v3Docs(b)
	b.SetBytes(int64(len(xsd)))
	for b.Loop() {
		if _, err := schema.ImportXSD(xsd); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkImportV3RSDL(b *testing.B) {
	_, rsdl := v3Docs(b)
	b.SetBytes(int64(len(rsdl)))
	for b.Loop() {
		if _, err := schema.ImportRSDL(rsdl); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoadV3Engine is the whole load: XSD (223 KB) and RSDL (1 MB)
// imported, joined and built into a Model.
func BenchmarkLoadV3Engine(b *testing.B) {
	xsd, rsdl := v3Docs(b)
	b.SetBytes(int64(len(xsd) + len(rsdl)))
	for b.Loop() {
		if _, err := schema.LoadEngine(xsd, rsdl, "bench"); err != nil {
			b.Fatal(err)
		}
	}
}
