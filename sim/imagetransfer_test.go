package sim

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/beevik/etree"
)

// field returns the text of a member of the object a body holds ("" when
// absent).
func field(t *testing.T, body []byte, tag string) string {
	t.Helper()
	doc := etree.NewDocument()
	if err := doc.ReadFromBytes(body); err != nil || doc.Root() == nil {
		t.Fatalf("not XML: %s", clipBody(body))
	}
	return textOf(doc.Root(), tag)
}

// imageClient talks to the engine's images as ovirt-imageio's client does
// (ovirt_imageio/_internal/backends/http.py).
type imageClient struct {
	t *testing.T
	c *http.Client
}

type imageReply struct {
	status int
	header http.Header
	body   []byte
}

func (ic imageClient) do(method, url string, body []byte, header ...string) imageReply {
	ic.t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		ic.t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := ic.c.Do(req)
	if err != nil {
		ic.t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		ic.t.Fatal(err)
	}
	return imageReply{resp.StatusCode, resp.Header, data}
}

// transferFixture is an engine with settling states on a fake clock.
type transferFixture struct {
	t   *testing.T
	e   *Engine
	c   *client
	clk *fakeClock
	ic  imageClient
}

func newTransferFixture(t *testing.T, o Options) *transferFixture {
	clk := &fakeClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	o.Seed, o.Clock, o.Settle = 3, clk.Now, 2*time.Second
	if o.ImageDir == "" {
		o.ImageDir = t.TempDir()
	}
	e, srv := testEngine(t, o)
	return &transferFixture{t: t, e: e, c: newClient(t, e, srv), clk: clk, ic: imageClient{t, srv.Client()}}
}

// waitFor polls path, moving the clock, until member tag is want; it
// returns the last body.
func (f *transferFixture) waitFor(path, tag, want string) []byte {
	f.t.Helper()
	var seen []string
	for range 10 {
		body := f.c.must(200, "GET", path, "")
		got := field(f.t, body, tag)
		if got == want {
			return body
		}
		if len(seen) == 0 || seen[len(seen)-1] != got {
			seen = append(seen, got)
		}
		f.clk.Advance(500 * time.Millisecond)
	}
	f.t.Fatalf("GET %s: %s went %v, never %s", path, tag, seen, want)
	return nil
}

// newDisk adds a disk and waits until it is ok, as upload_disk.py does.
func (f *transferFixture) newDisk(format string, size int) string {
	f.t.Helper()
	body := f.c.must(201, "POST", "/disks", fmt.Sprintf(`<disk><name>uploaded</name><format>%s</format><sparse>true</sparse>
		<provisioned_size>%d</provisioned_size><storage_domains><storage_domain><name>data1</name></storage_domain></storage_domains></disk>`, format, size))
	id := idIn(body, false)
	f.waitFor("/disks/"+id, "status", "ok")
	return id
}

// start creates a transfer as the SDK's helpers/imagetransfer.py
// create_transfer does (format raw, the legacy timeout policy) and polls
// it until transferring; it returns its id and transfer_url.
func (f *transferFixture) start(disk, direction string) (string, string) {
	f.t.Helper()
	body := f.c.must(201, "POST", "/imagetransfers", fmt.Sprintf(`<image_transfer><disk id="%s"/><direction>%s</direction>
		<format>raw</format><timeout_policy>legacy</timeout_policy></image_transfer>`, disk, direction))
	id := idIn(body, false)
	// TransferDiskImageCommand.executeCommand: the entity starts in
	// INITIALIZING; the mapper writes the URLs only once a ticket exists.
	if p, u := field(f.t, body, "phase"), field(f.t, body, "transfer_url"); p != "initializing" || u != "" {
		f.t.Fatalf("a new transfer is %q with transfer_url %q", p, u)
	}
	body = f.waitFor("/imagetransfers/"+id, "phase", "transferring")
	m := f.e.Model()
	validXML(f.t, m, m.Routes().Find("GET", "/imagetransfers/{image_transfer_id}"), 200, body)
	u := field(f.t, body, "transfer_url")
	if u == "" || field(f.t, body, "proxy_url") != u {
		f.t.Fatalf("transferring without URLs: %s", clipBody(body))
	}
	return id, u
}

// finalize finalizes a transfer as finalize_transfer does and waits for
// finished_success.
func (f *transferFixture) finalize(id string) {
	f.t.Helper()
	f.c.must(200, "POST", "/imagetransfers/"+id+"/finalize", "<action/>")
	body := f.c.must(200, "GET", "/imagetransfers/"+id, "")
	if p := field(f.t, body, "phase"); p != "finalizing_success" || field(f.t, body, "transfer_url") != "" {
		f.t.Fatalf("after finalize: phase %s, transfer_url %q", p, field(f.t, body, "transfer_url"))
	}
	f.waitFor("/imagetransfers/"+id, "phase", "finished_success")
}

func randomImage(t *testing.T, n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return b
}

const mib = 1 << 20

// TestImageTransferUploadDownload uploads a disk image and downloads it
// back as the SDK's upload_disk.py and download_disk.py examples do, with
// the requests of ovirt-imageio's client: create the disk and wait for ok,
// create the transfer and poll it to transferring, OPTIONS, PUT chunks
// with Content-Range and flush=n, PATCH zero over a hole, PATCH flush,
// finalize and poll to finished_success, the disk ok with its actual size;
// then a download transfer, extents, GET with Range, compare.
func TestImageTransferUploadDownload(t *testing.T) {
	f := newTransferFixture(t, Options{})
	const size = 8 * mib
	disk := f.newDisk("cow", size)
	id, url := f.start(disk, "upload")
	if got := field(t, f.c.must(200, "GET", "/disks/"+disk, ""), "status"); got != "locked" {
		t.Errorf("disk %s while transferring, want locked (lockImage)", got)
	}
	r := f.ic.do("OPTIONS", url, nil)
	var opts struct {
		Features   []string `json:"features"`
		MaxWriters int      `json:"max_writers"`
	}
	if err := json.Unmarshal(r.body, &opts); r.status != 200 || err != nil || strings.Join(opts.Features, ",") != "extents,flush,zero" || opts.MaxWriters != 8 {
		t.Fatalf("OPTIONS: %d %s", r.status, r.body)
	}
	img := randomImage(t, size)
	clear(img[3*mib : 5*mib])
	for off := 0; off < size; off += mib {
		if off == 3*mib || off == 4*mib {
			continue
		}
		if r := f.ic.do("PUT", url+"?flush=n", img[off:off+mib], "Content-Type", "application/octet-stream",
			"Content-Range", fmt.Sprintf("bytes %d-%d/*", off, off+mib-1)); r.status != 200 {
			t.Fatalf("PUT at %d: %d %s", off, r.status, r.body)
		}
	}
	for _, msg := range []string{`{"op": "zero", "offset": 3145728, "size": 2097152, "flush": false}`, `{"op": "flush"}`} {
		if r := f.ic.do("PATCH", url, []byte(msg), "Content-Type", "application/json"); r.status != 200 {
			t.Fatalf("PATCH %s: %d %s", msg, r.status, r.body)
		}
	}
	// The engine polls the daemon's ticket while transferring: 6 MiB
	// written and 2 MiB zeroed (pollTransferStatus; the daemon's
	// transferred counts every operation's range once).
	f.clk.Advance(2 * time.Second)
	if got := f.c.must(200, "GET", "/imagetransfers/"+id, ""); field(t, got, "transferred") != fmt.Sprint(size) || field(t, got, "active") != "false" {
		t.Errorf("transferred %s, active %s; want %d and false", field(t, got, "transferred"), field(t, got, "active"), size)
	}
	f.finalize(id)
	// The session is closed: the ticket is gone (stopImageTransferSession).
	if r := f.ic.do("PUT", url, []byte("x")); r.status != 403 {
		t.Errorf("PUT after finalize: %d %s", r.status, r.body)
	}
	body := f.c.must(200, "GET", "/disks/"+disk, "")
	if s, a := field(t, body, "status"), field(t, body, "actual_size"); s != "ok" || a != fmt.Sprint(6*mib) {
		t.Errorf("disk after upload: status %s, actual_size %s; want ok and %d (the data written)", s, a, 6*mib)
	}

	id, url = f.start(disk, "download")
	r = f.ic.do("GET", url+"/extents", nil)
	var ext []struct {
		Start, Length int64
		Zero, Hole    bool
	}
	if err := json.Unmarshal(r.body, &ext); r.status != 200 || err != nil || len(ext) != 3 || !ext[1].Zero || ext[0].Zero ||
		ext[1].Start != 3*mib || ext[1].Length != 2*mib {
		t.Fatalf("extents: %d %s", r.status, r.body)
	}
	got := make([]byte, 0, size)
	for off := 0; off < size; off += 3 * mib / 2 {
		last := min(off+3*mib/2, size) - 1
		r := f.ic.do("GET", url, nil, "Range", fmt.Sprintf("bytes=%d-%d", off, last))
		if r.status != 206 || r.header.Get("Content-Range") != fmt.Sprintf("bytes %d-%d/%d", off, last, size) {
			t.Fatalf("GET bytes=%d-%d: %d %v", off, last, r.status, r.header)
		}
		got = append(got, r.body...)
	}
	if !bytes.Equal(got, img) {
		t.Fatal("the download differs from the upload")
	}
	if r := f.ic.do("PUT", url, []byte("x")); r.status != 403 {
		t.Errorf("PUT with a download ticket: %d (the ticket's ops are [read])", r.status)
	}
	f.finalize(id)
	if s := field(t, f.c.must(200, "GET", "/disks/"+disk, ""), "status"); s != "ok" {
		t.Errorf("disk after download: %s", s)
	}
}

// TestImageTransferCancel: a cancelled upload goes through the cleanup
// phases to finished_failure and its disk is illegal, then removed
// (handleCancelledUser, cleanup, endWithFailure running RemoveDisk); a
// cancelled download leaves its disk ok.
func TestImageTransferCancel(t *testing.T) {
	f := newTransferFixture(t, Options{})
	disk := f.newDisk("raw", mib)
	id, url := f.start(disk, "upload")
	if r := f.ic.do("PUT", url, randomImage(t, mib)); r.status != 200 {
		t.Fatalf("PUT: %d %s", r.status, r.body)
	}
	f.c.must(200, "POST", "/imagetransfers/"+id+"/cancel", "<action/>")
	var phases []string
	var diskStatus []string
	for range 10 {
		body := f.c.must(200, "GET", "/imagetransfers/"+id, "")
		if p := field(t, body, "phase"); len(phases) == 0 || phases[len(phases)-1] != p {
			phases = append(phases, p)
		}
		resp, data := f.c.do("GET", "/disks/"+disk, "")
		s := "removed"
		if resp.StatusCode == 200 {
			s = field(t, data, "status")
		}
		if len(diskStatus) == 0 || diskStatus[len(diskStatus)-1] != s {
			diskStatus = append(diskStatus, s)
		}
		f.clk.Advance(700 * time.Millisecond)
	}
	if got := strings.Join(phases, " "); got != "cancelled_user finalizing_cleanup finished_cleanup finished_failure" {
		t.Errorf("phases %s", got)
	}
	if got := strings.Join(diskStatus, " "); got != "locked illegal removed" {
		t.Errorf("disk %s", got)
	}
	if r := f.ic.do("GET", url, nil); r.status != 403 {
		t.Errorf("GET after cancel: %d", r.status)
	}
	if n := f.e.img.srv.Used(); n != 0 {
		t.Errorf("%d bytes still stored for the removed disk", n)
	}

	disk = f.newDisk("raw", mib)
	id, _ = f.start(disk, "download")
	f.c.must(200, "POST", "/imagetransfers/"+id+"/cancel", "<action/>")
	f.waitFor("/imagetransfers/"+id, "phase", "finished_failure")
	if s := field(t, f.c.must(200, "GET", "/disks/"+disk, ""), "status"); s != "ok" {
		t.Errorf("disk after a cancelled download: %s", s)
	}
}

// TestImageTransferRefusals: what the engine refuses to transfer
// (TransferDiskImageCommand.validateImageTransfer) and the phase changes
// TransferImageStatusCommand.validate refuses.
func TestImageTransferRefusals(t *testing.T) {
	f := newTransferFixture(t, Options{})
	vmDisk := firstID(t, f.c, "/vms/"+firstID(t, f.c, "/vms?search=status%3Dup")+"/diskattachments")
	for _, tc := range []struct {
		name, body string
		status     int
		detail     string
	}{
		{"disk of a running VM", `<image_transfer><disk id="` + vmDisk + `"/></image_transfer>`, 409, "is plugged to the following VMs that are not down"},
		{"no disk", `<image_transfer><direction>upload</direction></image_transfer>`, 400, "ImageTransfer [disk.id] required for add"},
		{"unknown disk", `<image_transfer><disk id="00000000-0000-0000-0000-000000000000"/></image_transfer>`, 404, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := f.c.do("POST", "/imagetransfers", tc.body)
			if resp.StatusCode != tc.status || !strings.Contains(string(body), tc.detail) {
				t.Errorf("%d %s", resp.StatusCode, clipBody(body))
			}
		})
	}
	disk := f.newDisk("cow", mib)
	up, _ := f.start(disk, "upload")
	resp, body := f.c.do("POST", "/imagetransfers", `<image_transfer><disk id="`+disk+`"/></image_transfer>`)
	if resp.StatusCode != 409 || !strings.Contains(string(body), "The following disks are locked: uploaded") {
		t.Errorf("a second transfer of a disk: %d %s", resp.StatusCode, clipBody(body))
	}
	resp, body = f.c.do("POST", "/imagetransfers/"+up+"/resume", "<action/>")
	if resp.StatusCode != 409 || !strings.Contains(string(body), "not paused") {
		t.Errorf("resume while transferring: %d %s", resp.StatusCode, clipBody(body))
	}
	f.c.must(200, "POST", "/imagetransfers/"+up+"/pause", "<action/>")
	f.waitFor("/imagetransfers/"+up, "phase", "paused_user")
	f.c.must(200, "POST", "/imagetransfers/"+up+"/resume", "<action/>")
	if p := field(t, f.c.must(200, "GET", "/imagetransfers/"+up, ""), "phase"); p != "resuming" {
		t.Errorf("after resume: %s", p)
	}
	f.waitFor("/imagetransfers/"+up, "phase", "transferring")
	f.finalize(up)

	down, _ := f.start(disk, "download")
	resp, body = f.c.do("POST", "/imagetransfers/"+down+"/pause", "<action/>")
	if resp.StatusCode != 409 || !strings.Contains(string(body), "Only an upload can be paused") {
		t.Errorf("pause a download: %d %s", resp.StatusCode, clipBody(body))
	}
	f.finalize(down)
}

// TestImageTransferLimit: a write beyond Options.ImageLimit is refused
// with 413 by the transfer URL, and removing the disk gives the bytes back.
func TestImageTransferLimit(t *testing.T) {
	f := newTransferFixture(t, Options{ImageLimit: 2 * mib})
	disk := f.newDisk("raw", 4*mib)
	id, url := f.start(disk, "upload")
	if r := f.ic.do("PUT", url, make([]byte, 2*mib)); r.status != 200 {
		t.Fatalf("PUT within the limit: %d %s", r.status, r.body)
	}
	r := f.ic.do("PUT", url, make([]byte, mib), "Content-Range", fmt.Sprintf("bytes %d-%d/*", 2*mib, 3*mib-1))
	if r.status != 413 || !strings.Contains(string(r.body), "--image-limit") {
		t.Fatalf("PUT beyond the limit: %d %s", r.status, r.body)
	}
	f.finalize(id)
	f.c.must(200, "DELETE", "/disks/"+disk, "")
	if n := f.e.img.srv.Used(); n != 0 {
		t.Errorf("%d bytes stored after the disk was removed", n)
	}
}

// TestImageTransferClose: Close removes the images with their scratch
// folder.
func TestImageTransferClose(t *testing.T) {
	parent := t.TempDir()
	f := newTransferFixture(t, Options{ImageDir: parent})
	_, url := f.start(f.newDisk("raw", mib), "upload")
	if r := f.ic.do("PUT", url, []byte("data")); r.status != 200 {
		t.Fatalf("PUT: %d", r.status)
	}
	dir := f.e.ImageDir()
	if dir == "" {
		t.Fatal("no scratch folder after an upload")
	}
	if err := f.e.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("scratch folder %s left after Close: %v", dir, err)
	}
}

// TestImageTransferURLs: the URLs are the engine's own, with its scheme:
// https when it is served over TLS, as a real engine's always are, so
// ovirt-imageio's client (which asserts the https scheme) takes them.
func TestImageTransferURLs(t *testing.T) {
	e, err := New(Options{Seed: 3, Settle: -1, ImageDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewTLSServer(e)
	t.Cleanup(func() { srv.Close(); _ = e.Close() })
	c := newClient(t, e, srv)
	disk := idIn(c.must(201, "POST", "/disks", `<disk><format>raw</format><provisioned_size>4096</provisioned_size>
		<storage_domains><storage_domain><name>data1</name></storage_domain></storage_domains></disk>`), false)
	body := c.must(201, "POST", "/imagetransfers", `<image_transfer><disk id="`+disk+`"/><format>raw</format></image_transfer>`)
	url := field(t, body, "transfer_url")
	if !strings.HasPrefix(url, srv.URL+ImagesPath+"/images/") {
		t.Fatalf("transfer_url %q, want it below %s%s/images/", url, srv.URL, ImagesPath)
	}
	if r := (imageClient{t, srv.Client()}).do("OPTIONS", url, nil); r.status != 200 {
		t.Errorf("OPTIONS over TLS: %d %s", r.status, r.body)
	}
}

// TestImageTransferExpect201: with Expect: 201-created the new transfer
// is answered once transferring; the engine's periodic polls of the
// ticket do not hold the answer back.
func TestImageTransferExpect201(t *testing.T) {
	f := newTransferFixture(t, Options{})
	disk := f.newDisk("raw", mib)
	f.c.header = http.Header{"Expect": {"201-created"}}
	body := f.c.must(201, "POST", "/imagetransfers", `<image_transfer><disk id="`+disk+`"/><format>raw</format></image_transfer>`)
	if p := field(t, body, "phase"); p != "transferring" || field(t, body, "transfer_url") == "" {
		t.Fatalf("answered in phase %s: %s", p, clipBody(body))
	}
}
