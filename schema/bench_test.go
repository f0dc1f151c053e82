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

// BenchmarkLoadRelease loads the model of each embedded release from
// nothing: decode the history, project the release, build it. baseline
// loads the newest release from its own File's JSON, as a build that
// embedded one model did; load/<release> reports x-baseline, its time as
// a multiple of the baseline's in the same run. project is the share of a
// load left once the history is decoded (what a second release costs).
func BenchmarkLoadRelease(b *testing.B) {
	single := schema.EmbeddedV4()
	h, err := schema.EmbeddedHistory()
	if err != nil {
		b.Fatal(err)
	}
	var baseline float64
	b.Run("baseline", func(b *testing.B) {
		for b.Loop() {
			if _, err := schema.Load(single); err != nil {
				b.Fatal(err)
			}
		}
		baseline = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	})
	for i, r := range h.Releases {
		b.Run("load/"+r, func(b *testing.B) {
			for b.Loop() {
				if _, err := schema.LoadHistoryRelease(i); err != nil {
					b.Fatal(err)
				}
			}
			if baseline > 0 {
				b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/baseline, "x-baseline")
			}
		})
	}
	b.Run("project+build/"+h.Releases[0], func(b *testing.B) {
		for b.Loop() {
			f, err := h.Project(0)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := schema.Build(f); err != nil {
				b.Fatal(err)
			}
		}
	})
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
	b.Run("tree", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			treeResult(m, data, t, schema.Limits{})
		}
	})
	b.Run("stream", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			m.ValidateXML(data, t, schema.Limits{})
		}
	})
	// ratio interleaves the three on the same bytes, so machine noise hits
	// all alike, and reports the streaming validator's speed as a multiple
	// of etree's parse alone and of the tree walker's parse + walk.
	b.Run("ratio", func(b *testing.B) {
		var parse, tree, stream time.Duration
		for b.Loop() {
			t0 := time.Now()
			doc := etree.NewDocument()
			if err := doc.ReadFromBytes(data); err != nil {
				b.Fatal(err)
			}
			t1 := time.Now()
			treeResult(m, data, t, schema.Limits{})
			t2 := time.Now()
			m.ValidateXML(data, t, schema.Limits{})
			parse, tree, stream = parse+t1.Sub(t0), tree+t2.Sub(t1), stream+time.Since(t2)
		}
		b.ReportMetric(float64(parse)/float64(stream), "x-etree-speed")
		b.ReportMetric(float64(tree)/float64(stream), "x-tree-speed")
		b.ReportMetric(float64(len(data))/stream.Seconds()*float64(b.N)/1e6, "stream-MB/s")
	})
}

// BenchmarkValidateXML reports the streaming validator's throughput beside
// etree's parse alone and the tree walker (parse + walk) on the same bytes.
func BenchmarkValidateXML(b *testing.B) {
	small, large := benchDocs(b)
	b.Run("10KB", func(b *testing.B) { benchValidate(b, small, "host") })
	b.Run("1MB", func(b *testing.B) { benchValidate(b, large, "hosts") })
}

// BenchmarkValidateTraffic validates every v4 XML body of the reference
// traffic (../shared, skipped without it), 3.7 MB, with the streaming
// validator and, interleaved in the same run, with the tree walker it
// replaced (ParseXML + ValidateDocument): the walk alone, beside the
// whole-process comparison with libxml2 of
// scripts/bench-validate-vs-xmllint.sh.
func BenchmarkValidateTraffic(b *testing.B) {
	m, err := schema.V4()
	if err != nil {
		b.Fatal(err)
	}
	docs := trafficDocs(b, m)
	if len(docs) == 0 {
		b.Skip("no ../shared/ovirt/traffic")
	}
	size := 0
	for _, d := range docs {
		size += len(d.data)
	}
	var stream, tree time.Duration
	for b.Loop() {
		t0 := time.Now()
		for _, d := range docs {
			m.ValidateXML(d.data, d.target, schema.Limits{})
		}
		t1 := time.Now()
		for _, d := range docs {
			treeResult(m, d.data, d.target, schema.Limits{})
		}
		stream, tree = stream+t1.Sub(t0), tree+time.Since(t1)
	}
	mb := float64(size) * float64(b.N) / 1e6
	b.ReportMetric(mb/stream.Seconds(), "stream-MB/s")
	b.ReportMetric(mb/tree.Seconds(), "tree-MB/s")
	b.ReportMetric(float64(tree)/float64(stream), "x-tree-speed")
}
