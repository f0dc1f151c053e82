package sim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock a test moves by hand.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var (
	reID     = regexp.MustCompile(`<(?:vm|disk_attachment|disk)\b[^>]*\bid="([^"]+)"`)
	reStatus = regexp.MustCompile(`<status>([a-z_]+)</status>`)
)

// token logs in at the SSO endpoint as a curl user does.
func token(t *testing.T, srv string, user, pass string) string {
	t.Helper()
	form := url.Values{"grant_type": {"password"}, "scope": {"ovirt-app-api"}, "username": {user}, "password": {pass}}
	req, _ := http.NewRequest("POST", srv+TokenPath, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]string
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
		t.Fatalf("token: status %d, %v, %v", resp.StatusCode, out, err)
	}
	if out["token_type"] != "bearer" || out["access_token"] == "" {
		t.Fatalf("token answer %v", out)
	}
	return out["access_token"]
}

func TestLifecycle(t *testing.T) {
	for _, mode := range []string{"bearer", "basic", "json"} {
		t.Run(mode, func(t *testing.T) {
			clk := &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
			e, srv := testEngine(t, Options{Seed: 7, Settle: 4 * time.Second, Clock: clk.Now})
			c := newClient(t, e, srv)
			switch mode {
			case "bearer":
				c.bearer = token(t, srv.URL, AdminUser, e.AdminPassword())
			case "json":
				c.json = true
				c.bearer = token(t, srv.URL, AdminUser, e.AdminPassword())
			}
			idOf := func(body []byte) string {
				if c.json {
					var v map[string]any
					if err := json.Unmarshal(body, &v); err != nil {
						t.Fatal(err)
					}
					id, _ := v["id"].(string)
					return id
				}
				m := reID.FindSubmatch(body)
				if m == nil {
					t.Fatalf("no id in %s", clipBody(body))
				}
				return string(m[1])
			}
			status := func(body []byte) string {
				if c.json {
					var v map[string]any
					if err := json.Unmarshal(body, &v); err != nil {
						t.Fatal(err)
					}
					s, _ := v["status"].(string)
					return s
				}
				m := reStatus.FindSubmatch(body)
				if m == nil {
					return ""
				}
				return string(m[1])
			}
			vmBody := `<vm><name>lifecycle</name><cluster><name>Default</name></cluster><template><name>centos-stream-9</name></template></vm>`
			// bootable, interface and pass_discard: DiskAttachmentsService.Add.Signature1 (model 4.6.1).
			diskBody := `<disk_attachment><bootable>false</bootable><interface>virtio_scsi</interface><pass_discard>false</pass_discard><active>true</active>` +
				`<disk><name>data</name><format>cow</format><provisioned_size>1073741824</provisioned_size>` +
				`<storage_domains><storage_domain><name>data1</name></storage_domain></storage_domains></disk></disk_attachment>`
			if c.json {
				vmBody = `{"name":"lifecycle","cluster":{"name":"Default"},"template":{"name":"centos-stream-9"}}`
				diskBody = `{"bootable":"false","interface":"virtio_scsi","pass_discard":"false","active":"true","disk":{"name":"data","format":"cow",` +
					`"provisioned_size":"1073741824","storage_domains":{"storage_domain":[{"name":"data1"}]}}}`
			}
			vm := idOf(c.must(201, "POST", "/vms", vmBody))
			if st := status(c.must(200, "GET", "/vms/"+vm, "")); st != "image_locked" {
				t.Errorf("new VM from a template with disks: status %q, want image_locked", st)
			}
			clk.Advance(5 * time.Second)
			if st := status(c.must(200, "GET", "/vms/"+vm, "")); st != "down" {
				t.Fatalf("VM status %q after its disks were copied, want down", st)
			}
			disk := idOf(c.must(201, "POST", "/vms/"+vm+"/diskattachments", diskBody))
			if st := status(c.must(200, "GET", "/disks/"+disk, "")); st != "locked" {
				t.Errorf("new disk status %q, want locked", st)
			}
			clk.Advance(5 * time.Second)
			if st := status(c.must(200, "GET", "/disks/"+disk, "")); st != "ok" {
				t.Errorf("disk status %q after settling, want ok", st)
			}
			action := "<action/>"
			if c.json {
				action = "{}"
			}
			c.must(200, "POST", "/vms/"+vm+"/start", action)
			var seen []string
			for i := 0; i < 10; i++ {
				st := status(c.must(200, "GET", "/vms/"+vm, ""))
				if len(seen) == 0 || seen[len(seen)-1] != st {
					seen = append(seen, st)
				}
				if st == "up" {
					break
				}
				clk.Advance(time.Second)
			}
			if strings.Join(seen, ",") != "wait_for_launch,powering_up,up" {
				t.Errorf("start went through %v, want wait_for_launch, powering_up, up", seen)
			}
			resp, body := c.do("DELETE", "/vms/"+vm, "")
			if resp.StatusCode != 409 {
				t.Errorf("removing a running VM: status %d, want 409: %s", resp.StatusCode, clipBody(body))
			}
			c.must(200, "POST", "/vms/"+vm+"/stop", action)
			clk.Advance(5 * time.Second)
			if st := status(c.must(200, "GET", "/vms/"+vm, "")); st != "down" {
				t.Fatalf("VM status %q after stop, want down", st)
			}
			c.must(200, "DELETE", "/vms/"+vm, "")
			if resp, _ := c.do("GET", "/vms/"+vm, ""); resp.StatusCode != 404 {
				t.Errorf("removed VM: status %d, want 404", resp.StatusCode)
			}
			if resp, _ := c.do("GET", "/disks/"+disk, ""); resp.StatusCode != 404 {
				t.Errorf("disk of a removed VM: status %d, want 404", resp.StatusCode)
			}
		})
	}
}

var (
	reAnyID = regexp.MustCompile(`\bid="([^"]+)"`)
	reJobID = regexp.MustCompile(`<job\b[^>]*\bid="([^"]+)"`)
)
