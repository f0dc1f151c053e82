package reports

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestWriteHTMLGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteHTML(&buf, sample(), HTMLOptions{Now: t0.Add(2 * time.Minute)}); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.html", buf.Bytes())
	for _, secret := range []string{"hunter2", "s3cr3t", "eyJhbGci", "p4ss", "abc123"} {
		if strings.Contains(buf.String(), secret) {
			t.Errorf("report.html shows the secret %q", secret)
		}
	}
	for _, external := range []string{"<script", "src=", "http://", "@import", "url("} {
		if strings.Contains(buf.String(), external) {
			t.Errorf("report.html holds %q: it must be self-contained with no scripts", external)
		}
	}
}

func TestWriteViolationsHTMLGolden(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteViolationsHTML(&buf, sample(), HTMLOptions{Refresh: 10}); err != nil {
		t.Fatal(err)
	}
	golden(t, "violations.html", buf.Bytes())
}
