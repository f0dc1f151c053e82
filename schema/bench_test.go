package schema_test

import (
	"os"
	"testing"
	"time"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/schema"
)

// benchDocs returns a ~10 KB real single-resource document and a ~1 MB
// collection built by repeating real items.
func benchDocs(tb testing.TB) (small, large []byte) {
	tb.Helper()
	vms, err := os.ReadFile("../fixtures/bodies/v4/hosts.xml")
	if err != nil {
		tb.Fatal(err)
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(vms); err != nil {
		tb.Fatal(err)
	}
	items := doc.Root().SelectElements("host")
	one := etree.NewDocument()
	one.SetRoot(items[0].Copy())
	small, _ = one.WriteToBytes()
	for len(small) < 10_000 {
		small = append(small, '\n')
	}
	coll := etree.NewDocument()
	root := coll.CreateElement("hosts")
	for i := 0; ; i++ {
		root.AddChild(items[i%len(items)].Copy())
		if i%16 == 15 {
			b, _ := coll.WriteToBytes()
			if len(b) >= 1<<20 {
				large = b
				break
			}
		}
	}
	return small, large
}

func BenchmarkLoadV4(b *testing.B) {
	for b.Loop() {
		if _, err := schema.LoadV4(); err != nil {
			b.Fatal(err)
		}
	}
}

func benchValidate(b *testing.B, data []byte, root string) {
	m, err := schema.V4()
	if err != nil {
		b.Fatal(err)
	}
	t := schema.Target{Type: m.Element(root)}
	if res := m.ValidateXML(data, t, schema.Limits{}); !res.OK() {
		b.Fatalf("benchmark document does not validate: %v", res.Violations)
	}
	b.Run("etree-parse", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			doc := etree.NewDocument()
			if err := doc.ReadFromBytes(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("validate", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			m.ValidateXML(data, t, schema.Limits{})
		}
	})
	// ratio interleaves the two on the same bytes, so machine noise hits
	// both alike, and reports validation's speed as a share of etree's
	// parse alone (1.0 = validation costs nothing beyond parsing).
	b.Run("ratio", func(b *testing.B) {
		var parse, validate time.Duration
		for b.Loop() {
			t0 := time.Now()
			doc := etree.NewDocument()
			if err := doc.ReadFromBytes(data); err != nil {
				b.Fatal(err)
			}
			t1 := time.Now()
			m.ValidateXML(data, t, schema.Limits{})
			validate += time.Since(t1)
			parse += t1.Sub(t0)
		}
		b.ReportMetric(float64(parse)/float64(validate), "x-etree-speed")
		b.ReportMetric(float64(len(data))/validate.Seconds()*float64(b.N)/1e6, "validate-MB/s")
	})
}

// BenchmarkValidateXML reports parse+validate throughput beside etree's
// parse alone on the same bytes: the ratio of the two is the figure the
// validator issue asks for (≥ 0.7).
func BenchmarkValidateXML(b *testing.B) {
	small, large := benchDocs(b)
	b.Run("10KB", func(b *testing.B) { benchValidate(b, small, "host") })
	b.Run("1MB", func(b *testing.B) { benchValidate(b, large, "hosts") })
}
