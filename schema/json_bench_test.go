package schema_test

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"
	"time"

	"github.com/beevik/etree"

	"github.com/ovcompat/ovcompat/schema"
)

// jsonBenchDocs returns real documents in the engine's JSON mapping: the
// recorded hosts collection (11 KB of JSON) and a collection of about 1 MB
// built by repeating its hosts.
func jsonBenchDocs(b *testing.B, m *schema.Model) (small, large []byte) {
	b.Helper()
	data, err := os.ReadFile("../fixtures/bodies/v4/hosts.xml")
	if err != nil {
		b.Fatal(err)
	}
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(data); err != nil {
		b.Fatal(err)
	}
	hosts := doc.Root().SelectElements("host")
	var buf bytes.Buffer
	if err := m.EncodeJSON(&buf, doc.Root(), m.Element("hosts")); err != nil {
		b.Fatal(err)
	}
	small = append([]byte(nil), buf.Bytes()...)
	coll := etree.NewElement("hosts")
	for i := 0; ; i++ {
		coll.AddChild(hosts[i%len(hosts)].Copy())
		if i%16 == 15 {
			buf.Reset()
			if err := m.EncodeJSON(&buf, coll, m.Element("hosts")); err != nil {
				b.Fatal(err)
			}
			if buf.Len() >= 1<<20 {
				return small, buf.Bytes()
			}
		}
	}
}

func decodeJSONBaseline(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	return dec.Decode(&v)
}

// benchJSON reports validation beside encoding/json decoding the same
// bytes (the baseline, measured in the same run): MB/s for both and, as
// the metric x-decode, validation's speed as a fraction of decoding's.
func benchJSON(b *testing.B, m *schema.Model, data []byte, target schema.Target) {
	if res := m.ValidateJSON(data, target, schema.Limits{}); len(res.Violations) > 0 {
		b.Fatalf("the benchmark document does not validate: %v", res.Violations)
	}
	// The baseline's time per document for x-decode, measured here because
	// testing.Benchmark cannot run inside a benchmark.
	var baseline float64
	for n, start := 0, time.Now(); ; n++ {
		if err := decodeJSONBaseline(data); err != nil {
			b.Fatal(err)
		}
		if el := time.Since(start); el > 200*time.Millisecond {
			baseline = el.Seconds() / float64(n+1)
			break
		}
	}
	b.Run("encoding-json-decode", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if err := decodeJSONBaseline(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("validate", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			m.ValidateJSON(data, target, schema.Limits{})
		}
		if per := b.Elapsed().Seconds() / float64(b.N); per > 0 {
			b.ReportMetric(baseline/per, "x-decode")
		}
	})
}

// BenchmarkValidateJSON: JSON validation (decoding included) of real
// documents against encoding/json's decoding of the same bytes.
func BenchmarkValidateJSON(b *testing.B) {
	m, err := schema.V4()
	if err != nil {
		b.Fatal(err)
	}
	small, large := jsonBenchDocs(b, m)
	b.Run("10KB", func(b *testing.B) { benchJSON(b, m, small, schema.Target{Type: m.Element("hosts")}) })
	b.Run("1MB", func(b *testing.B) { benchJSON(b, m, large, schema.Target{Type: m.Element("hosts")}) })
}
