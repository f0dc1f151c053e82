package sim

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/beevik/etree"
)

// seedCatalogs adds the engine's built-in lists: operating systems,
// cluster levels, icons, instance types, the OVN provider.
func (e *Engine) seedCatalogs(s *seeder) {
	const png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
	small := s.raw("icons", "", x("icon", "media_type", "image/png", "data", png))
	large := s.raw("icons", "", x("icon", "media_type", "image/png", "data", png))
	if s.err != nil {
		return
	}
	for _, os := range []struct{ name, desc string }{
		{"other", "Other OS"}, {"rhel_9x64", "Red Hat Enterprise Linux 9.x x64"},
		{"rhel_8x64", "Red Hat Enterprise Linux 8.x x64"}, {"other_linux", "Linux"},
		{"windows_2022", "Windows 2022"}, {"ubuntu_22_04", "Ubuntu 22.04"},
	} {
		s.raw("operatingsystems", "", x("operating_system", "name", os.name, "description", os.desc,
			"architecture", "x86_64", "large_icon", ref(large.id), "small_icon", ref(small.id)))
	}
	for _, lvl := range []string{"4.6", "4.7"} {
		s.raw("clusterlevels", lvl, x("cluster_level", "cpu_types", []*etree.Element{
			x("cpu_type", "architecture", "x86_64", "level", "4", "name", "Secure Intel Cascadelake Server Family"),
			x("cpu_type", "architecture", "x86_64", "level", "3", "name", "Intel Nehalem Family"),
		}))
	}
	for _, it := range []struct {
		name string
		mem  int
		cpus string
	}{{"Tiny", 512, "1"}, {"Small", 2048, "1"}, {"Medium", 4096, "2"}, {"Large", 8192, "2"}, {"XLarge", 16384, "4"}} {
		s.put("instancetypes", x("instance_type", "name", it.name, "description", it.name+" instance type",
			"memory", fmt.Sprint(it.mem<<20), "cpu", x("cpu", "topology", x("t", "cores", "1", "sockets", it.cpus, "threads", "1"))))
	}
	s.put("openstacknetworkproviders", x("openstack_network_provider", "name", "ovirt-provider-ovn",
		"description", "oVirt network provider for OVN", "requires_authentication", "false",
		"url", "https://engine.example.com:9696", "plugin_type", "open_vswitch", "read_only", "false", "type", "external"))
}

// templateSpec describes a seeded template.
type templateSpec struct {
	name, desc, os string
	memory, disk   int64
	sound          bool
}

// seedTemplates adds Blank and two templates with a disk and a NIC each.
func (e *Engine) seedTemplates(s *seeder, cluster, sd *record, profiles []*record) []*record {
	blank := s.raw("templates", blankID, x("template", "name", "Blank", "description", "Blank template",
		"bios", x("b", "boot_menu", x("m", "enabled", "false"), "type", "q35_ovmf"),
		"cpu", x("cpu", "architecture", "undefined", "topology", x("t", "cores", "1", "sockets", "1", "threads", "1")),
		"cpu_shares", "0", "creation_time", "2008-04-01T00:00:00.000+00:00", "delete_protected", "false",
		"display", x("d", "allow_override", "false", "copy_paste_enabled", "true", "disconnect_action", "LOCK_SCREEN",
			"file_transfer_enabled", "true", "monitors", "1", "single_qxl_pci", "false", "smartcard_enabled", "false", "type", "vnc"),
		"high_availability", x("h", "enabled", "false", "priority", "0"), "io", x("io", "threads", "1"),
		"memory", "1073741824", "memory_policy", x("m", "guaranteed", "1073741824", "max", "4294967296"),
		"migration_downtime", "-1", "multi_queues_enabled", "true", "origin", "ovirt",
		"os", x("os", "boot", x("b", "devices", []*etree.Element{elem("device", "hd")}), "type", "other"),
		"placement_policy", x("p", "affinity", "migratable"), "soundcard_enabled", "false", "sso", x("s", "methods", []*etree.Element{}),
		"start_paused", "false", "stateless", "false", "type", "server", "usb", x("u", "enabled", "false"),
		"status", "ok", "version", x("v", "version_number", "1", "base_template", ref(blankID))))
	if blank != nil {
		e.templateDevices(blank)
	}
	out := []*record{blank}
	for _, t := range []templateSpec{
		{"centos-stream-9", "CentOS Stream 9 with cloud-init", "rhel_9x64", 2 << 30, 10 << 30, false},
		{"fedora-40", "Fedora 40 server", "other_linux", 4 << 30, 20 << 30, true},
	} {
		if s.err != nil || blank == nil {
			return out
		}
		data := blank.data.Copy()
		for _, k := range []string{"name", "description", "memory", "os", "version", "creation_time", "cluster", "soundcard_enabled"} {
			removeChildren(data, k)
		}
		data.AddChild(elem("name", t.name))
		data.AddChild(elem("description", t.desc))
		data.AddChild(elem("memory", fmt.Sprint(t.memory)))
		data.AddChild(elem("soundcard_enabled", fmt.Sprint(t.sound)))
		data.AddChild(elem("creation_time", formatTime(e.now())))
		data.AddChild(x("os", "boot", x("b", "devices", []*etree.Element{elem("device", "hd")}), "type", t.os))
		c := etree.NewElement("cluster")
		c.CreateAttr("id", cluster.id)
		data.AddChild(c)
		id := e.newID()
		data.AddChild(x("version", "version_number", "1", "base_template", ref(id)))
		tmpl := s.raw("templates", id, data)
		if tmpl == nil {
			return out
		}
		e.templateDevices(tmpl)
		disk := e.newDisk(x("disk", "format", "cow", "provisioned_size", fmt.Sprint(t.disk), "sparse", "true",
			"actual_size", fmt.Sprint(t.disk/5), "storage_domains", refs("storage_domain", sd.id)), t.name+"_Disk1", "")
		e.addChild(tmpl, "diskattachments", disk.id, x("disk_attachment", "active", "true", "bootable", "true",
			"interface", "virtio_scsi", "pass_discard", "false", "read_only", "false", "uses_scsi_reservation", "false",
			"disk", ref(disk.id)))
		if len(profiles) > 0 {
			e.addChild(tmpl, "nics", "", x("nic", "name", "nic1", "interface", "virtio", "linked", "true", "plugged", "true",
				"vnic_profile", ref(profiles[0].id)))
		}
		out = append(out, tmpl)
	}
	return out
}

// seedVMs adds ten VMs made from the templates, some of them running.
func (e *Engine) seedVMs(s *seeder, clusters, hosts, templates []*record, sd *record, profiles []*record) {
	if len(templates) < 3 {
		return
	}
	for i, v := range []struct {
		name, desc string
		tmpl, cl   int
		up         bool
	}{
		{"web-01", "Web front end", 1, 0, true}, {"web-02", "Web front end", 1, 0, true},
		{"web-03", "Web front end (standby)", 1, 0, false}, {"db-01", "PostgreSQL primary", 2, 0, true},
		{"db-02", "PostgreSQL replica", 2, 0, false}, {"app-01", "Application server", 1, 1, true},
		{"app-02", "Application server", 1, 1, true}, {"app-03", "Application server", 1, 1, false},
		{"mail-01", "Mail relay", 2, 0, true}, {"test-01", "Scratch VM", 0, 0, false},
	} {
		mem := int64(1+e.rng.IntN(4)) << 30
		vm := s.put("vms", x("vm", "name", v.name, "description", v.desc, "memory", fmt.Sprint(mem),
			"cluster", ref(clusters[v.cl].id), "template", ref(templates[v.tmpl].id)))
		if vm == nil {
			return
		}
		if v.tmpl == 0 && sd != nil {
			// A VM from Blank gets its own disk and NIC.
			disk := e.newDisk(x("disk", "format", "cow", "provisioned_size", fmt.Sprint(8<<30), "sparse", "true",
				"storage_domains", refs("storage_domain", sd.id)), v.name+"_Disk1", "")
			e.addChild(vm, "diskattachments", disk.id, x("disk_attachment", "active", "true", "bootable", "true",
				"interface", "virtio_scsi", "pass_discard", "false", "read_only", "false", "uses_scsi_reservation", "false",
				"disk", ref(disk.id)))
			if len(profiles) > 0 {
				e.addChild(vm, "nics", "", x("nic", "name", "nic1", "vnic_profile", ref(profiles[0].id)))
			}
		}
		if !v.up {
			continue
		}
		host := e.pickHost(clusters[v.cl].id, "")
		if v.cl == 0 && i%2 == 1 && len(hosts) > 1 {
			host = hosts[1]
		}
		if host != nil {
			setRef(vm.data, vm.typ, "host", host.id)
			e.displayOn(vm, host)
			setText(vm.data, vm.typ, "status", "up")
			e.stamp(vm, "start_time")
			setText(vm.data, vm.typ, "fqdn", v.name+".example.com")
		}
	}
}

// seedEvents adds the first events of a new site.
func (e *Engine) seedEvents(s *seeder, dc *record, hosts []*record) {
	if dc == nil {
		return
	}
	s.put("events", x("event", "code", "9700", "description", "Starting oVirt Engine.", "severity", "normal",
		"origin", "oVirt", "custom_id", "-1", "flood_rate", "30", "time", formatTime(e.now())))
	for _, h := range hosts {
		if h == nil {
			continue
		}
		s.put("events", x("event", "code", "16", "description", "Status of host "+textOf(h.data, "name")+" was set to Up.",
			"severity", "normal", "origin", "oVirt", "custom_id", "-1", "flood_rate", "30", "time", formatTime(e.now()),
			"host", ref(h.id), "data_center", ref(dc.id)))
	}
}

// addUsers adds the configured accounts, their user objects and their
// permissions.
func (e *Engine) addUsers(users []User) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	saved := e.settle
	e.settle = 0
	defer func() { e.settle = saved }()
	admin := e.auth.accounts[AdminUser]
	s := &seeder{e: e, q: &request{acct: admin, query: url.Values{}, base: BasePath}}
	domain := e.st.roots["domains"].byName("internal-authz")
	userRole := e.st.roots["roles"].byName("UserRole")
	for _, u := range users {
		if u.Name == "" || u.Password == "" {
			return fmt.Errorf("sim: user %q needs a name and a password", u.Name)
		}
		if _, dup := e.auth.accounts[u.Name]; dup || u.Name == AdminUser {
			return fmt.Errorf("sim: user %s given twice", u.Name)
		}
		if u.Role != "" && u.Role != RoleAdmin && u.Role != RoleUser {
			return fmt.Errorf("sim: user %s: role %q is neither admin nor user", u.Name, u.Role)
		}
		acct := &account{name: u.Name, password: u.Password, admin: u.Role == RoleAdmin, grants: map[string]bool{}}
		principal, _, _ := strings.Cut(u.Name, "@")
		data := x("user", "name", principal, "principal", principal, "user_name", u.Name+"-authz", "namespace", "*")
		if domain != nil {
			c := etree.NewElement("domain")
			c.CreateAttr("id", domain.id)
			data.AddChild(c)
		}
		rec := s.put("users", data)
		if s.err != nil {
			return fmt.Errorf("sim: user %s: %w", u.Name, s.err)
		}
		acct.userID = rec.id
		for _, p := range u.Permissions {
			obj, err := e.findObject(p)
			if err != nil {
				return fmt.Errorf("sim: user %s: %w", u.Name, err)
			}
			acct.grants[obj.id] = true
			if userRole != nil {
				if perm := e.addChild(obj, "permissions", "", x("permission", "role", ref(userRole.id), "user", ref(rec.id))); perm == nil {
					continue
				}
			}
		}
		e.auth.accounts[u.Name] = acct
	}
	return nil
}

// findObject finds "collection/name" or "collection/id" among top-level
// collections.
func (e *Engine) findObject(p string) (*record, error) {
	seg, name, ok := strings.Cut(strings.Trim(p, "/"), "/")
	c := e.st.roots[seg]
	if !ok || c == nil {
		return nil, fmt.Errorf("permission %q: want collection/name, such as vms/web-01", p)
	}
	if r := c.items[name]; r != nil {
		return r, nil
	}
	if r := c.byName(name); r != nil {
		return r, nil
	}
	return nil, fmt.Errorf("permission %q: no such object", p)
}

// instanceID is the engine's installation id, derived from the seed.
func (e *Engine) instanceID() string { return e.stableID("/instance", 0) }
