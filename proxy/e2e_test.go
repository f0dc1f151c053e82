package proxy

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ovcompat/ovcompat/sim"
)

// simClient talks to the simulator through the proxy as an SDK does.
type simClient struct {
	t      *testing.T
	base   string
	bearer string
	json   bool
}

func (c *simClient) do(method, path, body string) (int, []byte) {
	c.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.base+"/ovirt-engine/api"+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Version", "4")
	req.Header.Set("Authorization", "Bearer "+c.bearer)
	mt := "application/xml"
	if c.json {
		mt = "application/json"
	}
	req.Header.Set("Accept", mt)
	if body != "" {
		req.Header.Set("Content-Type", mt)
	}
	resp, err := rawClient().Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func (c *simClient) must(status int, method, path, body string) []byte {
	c.t.Helper()
	st, b := c.do(method, path, body)
	if st != status {
		c.t.Fatalf("%s %s: status %d, want %d: %.300s", method, path, st, status, b)
	}
	return b
}

// login gets an SSO token through the proxy.
func simLogin(t *testing.T, base, password string) string {
	t.Helper()
	form := url.Values{"grant_type": {"password"}, "scope": {"ovirt-app-api"}, "username": {sim.AdminUser}, "password": {password}}
	resp, body := get(t, rawClient(), "POST", base+sim.TokenPath, form.Encode(),
		"Content-Type: application/x-www-form-urlencoded", "Accept: application/json")
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(body, &tok); err != nil || resp.StatusCode != 200 || tok.AccessToken == "" {
		t.Fatalf("SSO through the proxy: %d %s", resp.StatusCode, body)
	}
	return tok.AccessToken
}

var reVMID = regexp.MustCompile(`<(?:vm|disk_attachment)\b[^>]*\bid="([^"]+)"`)

func idIn(t *testing.T, body []byte, asJSON bool) string {
	t.Helper()
	if asJSON {
		var v struct{ ID string }
		if err := json.Unmarshal(body, &v); err != nil || v.ID == "" {
			t.Fatalf("no id in %.300s", body)
		}
		return v.ID
	}
	m := reVMID.FindSubmatch(body)
	if m == nil {
		t.Fatalf("no id in %.300s", body)
	}
	return string(m[1])
}

func startSim(t *testing.T, faults string) (*sim.Engine, *httptest.Server) {
	t.Helper()
	o := sim.Options{Seed: 7, Settle: -1}
	if faults != "" {
		fs, err := sim.ParseFaults(faults)
		if err != nil {
			t.Fatal(err)
		}
		o.Faults, o.InjectSeed = fs, 1
	}
	e, err := sim.New(o)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e)
	t.Cleanup(func() { srv.Close(); _ = e.Close() })
	return e, srv
}

// lifecycle creates a VM, adds a disk, starts, stops and removes it.
func lifecycle(t *testing.T, c *simClient) {
	vmBody := `<vm><name>lifecycle</name><cluster><name>Default</name></cluster><template><name>centos-stream-9</name></template></vm>`
	// The model makes bootable, interface and pass_discard mandatory for a
	// new disk (DiskAttachmentsService.Add.Signature1, model 4.6.1).
	diskBody := `<disk_attachment><active>true</active><bootable>false</bootable><pass_discard>false</pass_discard><interface>virtio_scsi</interface>` +
		`<disk><name>data</name><format>cow</format><provisioned_size>1073741824</provisioned_size>` +
		`<storage_domains><storage_domain><name>data1</name></storage_domain></storage_domains></disk></disk_attachment>`
	action := "<action/>"
	if c.json {
		vmBody = `{"name":"lifecycle","cluster":{"name":"Default"},"template":{"name":"centos-stream-9"}}`
		diskBody = `{"bootable":"false","pass_discard":"false","interface":"virtio_scsi","active":"true","disk":{"name":"data","format":"cow",` +
			`"provisioned_size":"1073741824","storage_domains":{"storage_domain":[{"name":"data1"}]}}}`
		action = "{}"
	}
	c.must(200, "GET", "", "")
	c.must(200, "GET", "/vms", "")
	vm := idIn(t, c.must(201, "POST", "/vms", vmBody), c.json)
	c.must(200, "GET", "/vms/"+vm, "")
	c.must(201, "POST", "/vms/"+vm+"/diskattachments", diskBody)
	c.must(200, "GET", "/vms/"+vm+"/diskattachments", "")
	c.must(200, "POST", "/vms/"+vm+"/start", action)
	c.must(200, "GET", "/vms/"+vm, "")
	if st, _ := c.do("DELETE", "/vms/"+vm, ""); st != 409 {
		t.Errorf("removing a running VM: status %d, want 409", st)
	}
	c.must(200, "POST", "/vms/"+vm+"/stop", action)
	c.must(200, "DELETE", "/vms/"+vm, "")
	if st, _ := c.do("GET", "/vms/"+vm, ""); st != 404 {
		t.Errorf("removed VM: status %d, want 404", st)
	}
}

func TestEndToEndSimulatorLifecycle(t *testing.T) {
	for _, asJSON := range []bool{false, true} {
		name := map[bool]string{false: "xml", true: "json"}[asJSON]
		t.Run(name, func(t *testing.T) {
			e, srv := startSim(t, "")
			rec := t.TempDir()
			px := startProxy(t, srv.URL, Config{RecordDir: rec, RecordScenarios: true})
			c := &simClient{t: t, base: px.url, json: asJSON, bearer: simLogin(t, px.url, e.AdminPassword())}
			lifecycle(t, c)
			if err := px.stop(); err != nil {
				t.Fatal(err)
			}
			for _, l := range violationLines(t, px.violations.String()) {
				t.Errorf("violation on the simulator's lifecycle: %+v", l)
			}
			// The recording is a scenario that captured the new VM's id.
			sc, err := os.ReadFile(firstFile(t, rec, "*.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(sc), "{{vm.id}}") || strings.Contains(string(sc), c.bearer) || strings.Contains(string(sc), e.AdminPassword()) {
				t.Errorf("recorded scenario without captured ids, or with a secret:\n%.2000s", sc)
			}
			validated := counter(px.p, "ovcompat_proxy_validated_total")
			if shed := counter(px.p, "ovcompat_proxy_validation_shed_total"); shed != 0 || validated < 12 {
				t.Errorf("validated %v, shed %v: every exchange must be validated", validated, shed)
			}
		})
	}
}

func TestEndToEndSimulatorInjectedFaults(t *testing.T) {
	for _, tc := range []struct{ fault, rule string }{
		{sim.FaultUnknownElement, "schema.unknown-element"},
		{sim.FaultBadEnum, "schema.unknown-enum"},
		{sim.FaultWrongType, "schema.invalid-value"},
		{sim.FaultNoLocation, "rest.location-on-create"},
		{sim.FaultWrongStatus, "rest.status"},
		{sim.FaultWrongContentType, "rest.content-type"},
	} {
		t.Run(tc.fault, func(t *testing.T) {
			e, srv := startSim(t, tc.fault)
			px := startProxy(t, srv.URL, Config{})
			c := &simClient{t: t, base: px.url, bearer: simLogin(t, px.url, e.AdminPassword())}
			c.do("GET", "/vms", "")
			c.do("GET", "/hosts", "")
			c.do("POST", "/vms", `<vm><name>f</name><cluster><name>Default</name></cluster><template><name>Blank</name></template></vm>`)
			if err := px.stop(); err != nil {
				t.Fatal(err)
			}
			if hasRule(violationLines(t, px.violations.String()), tc.rule) == nil {
				t.Errorf("no %s in the JSON lines: %s", tc.rule, px.violations.String())
			}
			if n := ruleMetric(px.p, tc.rule); n == 0 {
				t.Errorf("ovcompat_proxy_violations_total{rule=%q} is 0", tc.rule)
			}
		})
	}
}

// ruleMetric returns ovcompat_proxy_violations_total for a rule.
func ruleMetric(p *Proxy, rule string) float64 {
	return labelled(p, "ovcompat_proxy_violations_total", "rule", rule)
}

// labelled sums the counter metric's series whose label has value.
func labelled(p *Proxy, metric, label, value string) float64 {
	mfs, _ := p.met.reg.Gather()
	sum := 0.0
	for _, mf := range mfs {
		if mf.GetName() != metric {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, lp := range m.GetLabel() {
				if lp.GetName() == label && lp.GetValue() == value {
					sum += m.GetCounter().GetValue()
				}
			}
		}
	}
	return sum
}

func firstFile(t *testing.T, dir, pattern string) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, pattern))
	if len(files) == 0 {
		t.Fatalf("no %s in %s", pattern, dir)
	}
	return files[0]
}
