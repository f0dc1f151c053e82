package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/ovcompat/ovcompat/internal/sharedtest"
)

// TestGeneratedModelIsCurrent: `make schema` run now gives exactly the
// committed schema/v4/model.json.
func TestGeneratedModelIsCurrent(t *testing.T) {
	src := filepath.Join(sharedtest.Dir(t), "v4")
	f, _, err := compile(src)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", " ")
	if err := enc.Encode(f); err != nil {
		t.Fatal(err)
	}
	committed, err := os.ReadFile("../v4/model.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), committed) {
		t.Fatal("schema/v4/model.json is stale: run `make schema` and commit the result")
	}
}

func TestNames(t *testing.T) {
	for in, want := range map[string]string{"HostNic": "host_nic", "MDevType": "m_dev_type", "OpenStackImage": "openstack_image",
		"GlusterBrickMemoryInfo": "brick_memoryinfo", "Vm": "vm", "OperatingSystemInfo": "operating_system"} {
		if got := typeTag(in); got != want {
			t.Errorf("typeTag(%s) = %s, want %s", in, got, want)
		}
	}
	for in, want := range map[string]string{"Vm": "vms", "DataCenter": "data_centers", "Policy": "policies", "KatelloErratum": "katello_errata", "OperatingSystem": "oss"} {
		if got := pluralTag(in); got != want {
			t.Errorf("pluralTag(%s) = %s, want %s", in, got, want)
		}
	}
}
