package sim

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

// TestSnapshotDescriptionsRepeat: a snapshot's description identifies
// nothing on an engine, so the same description is taken on two VMs and
// twice on one VM, and a snapshot is listed below its VM only, never in
// /vms. Evidence: CreateSnapshotForVmCommand (ovirt-engine bll) validate
// checks the VM's state, its disks and the storage, not the description
// ("setSnapshotName(getParameters().getDescription())" only names the
// job); the model's Snapshot extends Vm, but SnapshotsService is mounted
// below VmService alone.
func TestSnapshotDescriptionsRepeat(t *testing.T) {
	e, srv := testEngine(t, Options{})
	c := newClient(t, e, srv)
	before := strings.Count(string(c.must(200, "GET", "/vms", "")), "<vm ")
	var vms []string
	for _, m := range regexp.MustCompile(`<vm href="[^"]*" id="([^"]+)"`).FindAllSubmatch(c.must(200, "GET", "/vms", ""), -1) {
		vms = append(vms, string(m[1]))
	}
	if len(vms) < 2 {
		t.Fatalf("the seed has %d VMs, want 2", len(vms))
	}
	body := "<snapshot><description>before upgrade</description></snapshot>"
	var ids []string
	for _, vm := range []string{vms[0], vms[1], vms[0]} {
		ids = append(ids, idIn(c.must(201, "POST", "/vms/"+vm+"/snapshots", body), false))
	}
	if after := strings.Count(string(c.must(200, "GET", "/vms", "")), "<vm "); after != before {
		t.Errorf("GET /vms lists %d VMs after the snapshots, %d before", after, before)
	}
	list := string(c.must(200, "GET", "/vms/"+vms[0]+"/snapshots", ""))
	if n := strings.Count(list, "<description>before upgrade</description>"); n != 2 {
		t.Errorf("VM %s lists %d snapshots described so, want 2:\n%s", vms[0], n, list)
	}
	got := string(c.must(200, "GET", "/vms/"+vms[1]+"/snapshots/"+ids[1], ""))
	if want := fmt.Sprintf(`href="%s/vms/%s/snapshots/%s"`, BasePath, vms[1], ids[1]); !strings.Contains(got, want) {
		t.Errorf("snapshot %s is not at its VM's snapshots (%s):\n%s", ids[1], want, got)
	}
}
