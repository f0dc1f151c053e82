package redact

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"
)

// benchBodies are what the recorder redacts most: a page of 200 VMs with
// their initialization (one secret each) in XML and in JSON, and the SSO
// token request.
func benchBodies() []struct{ name, ctype, body string } {
	var x, j strings.Builder
	x.WriteString(`<vms>`)
	j.WriteString(`{"vm":[`)
	for i := range 200 {
		fmt.Fprintf(&x, `<vm href="/ovirt-engine/api/vms/%d" id="%d"><name>vm-%d</name><memory>1073741824</memory>`+
			`<initialization><host_name>h%d</host_name><root_password>pw%d</root_password></initialization>`+
			`<custom_properties><custom_property><name>a</name><value>b</value></custom_property></custom_properties>`+
			`<link href="/ovirt-engine/api/vms/%d/nics" rel="nics"/><status>up</status></vm>`, i, i, i, i, i, i)
		if i > 0 {
			j.WriteString(",")
		}
		fmt.Fprintf(&j, `{"href":"/ovirt-engine/api/vms/%d","id":"%d","name":"vm-%d","memory":"1073741824",`+
			`"initialization":{"host_name":"h%d","root_password":"pw%d"},`+
			`"custom_properties":{"custom_property":[{"name":"a","value":"b"}]},`+
			`"link":[{"href":"/ovirt-engine/api/vms/%d/nics","rel":"nics"}],"status":"up"}`, i, i, i, i, i, i)
	}
	x.WriteString(`</vms>`)
	j.WriteString(`]}`)
	return []struct{ name, ctype, body string }{
		{"xml", "application/xml", x.String()},
		{"json", "application/json", j.String()},
		{"form", "application/x-www-form-urlencoded", "grant_type=password&scope=ovirt-app-api&username=admin%40internal&password=s3cr3t"},
	}
}

// BenchmarkBody redacts each body; x-copy is its time as a ratio to
// copying the same body (bytes.Clone), measured in the same run.
func BenchmarkBody(b *testing.B) {
	for _, c := range benchBodies() {
		body := []byte(c.body)
		baseline := timeOf(func() { _ = bytes.Clone(body) })
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				if out := Body(c.ctype, body); bytes.Equal(out, body) {
					b.Fatal("nothing redacted")
				}
			}
			b.ReportMetric(float64(b.Elapsed()/time.Duration(b.N))/float64(baseline), "x-copy")
		})
	}
}

// timeOf is the best of 20 batches of 100 runs of f, per run.
func timeOf(f func()) time.Duration {
	best := time.Duration(1<<63 - 1)
	for range 20 {
		start := time.Now()
		for range 100 {
			f()
		}
		best = min(best, time.Since(start)/100)
	}
	return best
}
