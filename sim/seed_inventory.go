package sim

import (
	"fmt"

	"github.com/beevik/etree"
)

// The rest of the seeded inventory: something in every collection of the
// model, so that every GET route answers with content and a crawl reaches
// it. What it adds is what a site in use holds: labels and affinity, a
// bookmark, quotas and QoS, an iSCSI bond, a gluster volume, providers,
// guest devices, a backup, a finished job, roles' permits, a user's keys
// and options. Read-only collections (statistics, a host's devices, a
// provider's images) are made when first read (fill.go).

// child stores data as a new item of parent's sub-collection seg.
func (s *seeder) child(parent *record, seg string, data *etree.Element) *record {
	if s.err != nil || parent == nil {
		return nil
	}
	r := s.e.addChild(parent, seg, "", data)
	if r == nil {
		s.lacks(seg, "below "+parent.tag)
	}
	return r
}

// named returns the object of a top-level collection named name.
func (s *seeder) named(seg, name string) *record {
	if s.err != nil {
		return nil
	}
	r := s.e.st.roots[seg].byName(name)
	if r == nil {
		s.err = fmt.Errorf("no %s named %s in the seed", seg, name)
	}
	return r
}

// listIn lists r in parent's sub-collection seg too.
func (s *seeder) listIn(parent *record, seg string, r *record) {
	s.attach(parent, seg, r)
}

// seedInventory adds the objects of every other collection. Callers hold
// nothing; the engine is not serving yet.
func (e *Engine) seedInventory(s *seeder) {
	dc, def := s.named("datacenters", "Default"), s.named("clusters", "Default")
	prod := s.named("clusters", "Production")
	host1, host2 := s.named("hosts", "host1"), s.named("hosts", "host2")
	web1, web2, db1 := s.named("vms", "web-01"), s.named("vms", "web-02"), s.named("vms", "db-01")
	fedora := s.named("templates", "fedora-40")
	admin := s.e.st.lookup(s.q.acct.userID, nil)
	if s.err != nil {
		return
	}
	e.seedLabels(s, host1, web1, web2, fedora, admin)
	e.seedAffinity(s, def, host1, host2, web1, web2)
	e.seedDataCenterParts(s, dc, def)
	e.seedGluster(s, prod)
	e.seedGuestDevices(s, web1, db1, host1, fedora)
	e.seedHostParts(s, host1)
	e.seedProviders(s, dc)
	e.seedAccess(s, admin)
	e.seedScheduling(s)
	e.seedJob(s, web1)
	if atts := web1.subs["diskattachments"].list(); len(atts) > 0 {
		// An upload that ended well, as image transfers leave them.
		s.raw("imagetransfers", "", x("image_transfer", "active", "false", "direction", "upload", "format", "cow",
			"phase", "finished_success", "shallow", "false", "timeout_policy", "legacy", "transferred", "1073741824",
			"inactivity_timeout", "60", "disk", ref(idOf(atts[0].data, "disk")), "host", ref(host1.id)))
	}
	s.put("vmpools", x("vm_pool", "name", "web-pool", "description", "Web front ends on demand",
		"max_user_vms", "1", "prestarted_vms", "0", "size", "0", "type", "automatic", "stateful", "false",
		"cluster", ref(def.id), "template", ref(fedora.id)))
}

// seedLabels adds a tag (on a VM, a host, a template, a user and a group),
// an affinity label (on a host and a VM) and a bookmark.
func (e *Engine) seedLabels(s *seeder, host, vm, vm2, tmpl, user *record) {
	root := s.named("tags", "root")
	tag := s.put("tags", x("tag", "name", "production", "description", "Production workloads", "parent", ref(root.id)))
	group := s.put("groups", x("group", "name", "ops", "namespace", "*", "domain_entry_id", "6F7073",
		"domain", ref(s.named("domains", "internal-authz").id)))
	for _, r := range []*record{vm, host, tmpl, user, group} {
		s.listIn(r, "tags", tag)
	}
	if cl, role := s.named("clusters", "Default"), s.named("roles", "ClusterAdmin"); group != nil && cl != nil {
		s.child(cl, "permissions", x("permission", "role", ref(role.id), "group", ref(group.id)))
	}
	label := s.put("affinitylabels", x("affinity_label", "name", "ssd", "read_only", "false", "has_implicit_affinity_group", "false"))
	s.listIn(label, "hosts", host)
	s.listIn(label, "vms", vm)
	s.listIn(host, "affinitylabels", label)
	s.listIn(vm, "affinitylabels", label)
	s.listIn(vm2, "affinitylabels", label)
	s.put("bookmarks", x("bookmark", "name", "running-vms", "value", "Vms: status=up"))
}

// seedAffinity adds an affinity group keeping the web VMs apart.
func (e *Engine) seedAffinity(s *seeder, cluster, host1, host2, vm1, vm2 *record) {
	g := s.child(cluster, "affinitygroups", x("affinity_group", "name", "web-spread", "description", "Web front ends on different hosts",
		"priority", "1", "broken", "false",
		"hosts_rule", x("r", "enabled", "false", "enforcing", "false", "positive", "false"),
		"vms_rule", x("r", "enabled", "true", "enforcing", "true", "positive", "false")))
	for _, v := range []*record{vm1, vm2} {
		s.listIn(g, "vms", v)
	}
	for _, h := range []*record{host1, host2} {
		s.listIn(g, "hosts", h)
	}
	if label := s.named("affinitylabels", "ssd"); label != nil {
		s.listIn(g, "vmlabels", label)
		s.listIn(g, "hostlabels", label)
	}
	if lvl := s.e.st.roots["clusterlevels"].items["4.7"]; lvl != nil {
		s.e.ensureRead(lvl, "clusterfeatures")
		if f := lvl.subs["clusterfeatures"].list(); len(f) > 0 {
			s.listIn(cluster, "enabledfeatures", f[0])
		}
	}
}

// seedDataCenterParts adds a quota with its limits, a QoS and an iSCSI
// bond.
func (e *Engine) seedDataCenterParts(s *seeder, dc, cluster *record) {
	q := s.child(dc, "quotas", x("quota", "name", "default-quota", "description", "Default quota",
		"cluster_hard_limit_pct", "20", "cluster_soft_limit_pct", "80", "storage_hard_limit_pct", "20", "storage_soft_limit_pct", "80"))
	s.child(q, "quotaclusterlimits", x("quota_cluster_limit", "memory_limit", "-1", "vcpu_limit", "-1", "cluster", ref(cluster.id)))
	if sd := s.named("storagedomains", "data1"); sd != nil {
		s.child(q, "quotastoragelimits", x("quota_storage_limit", "limit", "-1", "storage_domain", ref(sd.id)))
	}
	s.child(dc, "qoss", x("qos", "name", "gold-storage", "type", "storage", "max_throughput", "500", "max_iops", "10000"))
	conn := s.put("storageconnections", x("storage_connection", "address", "iscsi.example.com", "port", "3260",
		"target", "iqn.2024-01.com.example:storage", "type", "iscsi"))
	bond := s.child(dc, "iscsibonds", x("iscsi_bond", "name", "iscsi-bond0", "description", "Multipath to the iSCSI array"))
	s.listIn(bond, "storageserverconnections", conn)
	if net := s.named("networks", "vmnet"); net != nil {
		s.listIn(bond, "networks", net)
		s.child(net, "networklabels", x("network_label", "name", "vmnet_lbl"))
	}
}

// seedGluster adds a replicated gluster volume with two bricks.
func (e *Engine) seedGluster(s *seeder, cluster *record) {
	vol := s.child(cluster, "glustervolumes", x("gluster_volume", "name", "gv0", "volume_type", "replicate",
		"replica_count", "2", "status", "up", "transport_types", []*etree.Element{elem("transport_type", "tcp")}))
	host := s.named("hosts", "host3")
	for i := 1; i <= 2; i++ {
		s.child(vol, "glusterbricks", x("brick", "name", fmt.Sprintf("host3.example.com:/bricks/gv0/b%d", i),
			"brick_dir", fmt.Sprintf("/bricks/gv0/b%d", i), "server_id", host.id, "status", "up", "port", fmt.Sprint(49151+i)))
	}
}

// seedGuestDevices adds a watchdog, a vNUMA node, a mediated device, a
// host device, a NIC's filter parameter and a backup to VMs, and devices
// to a template and an instance type.
func (e *Engine) seedGuestDevices(s *seeder, web, db, host, tmpl *record) {
	s.child(web, "watchdogs", x("watchdog", "model", "i6300esb", "action", "reset"))
	s.child(tmpl, "watchdogs", x("watchdog", "model", "i6300esb", "action", "reset"))
	s.child(db, "numanodes", x("vm_numa_node", "index", "0", "memory", "1024", "cpu", x("c", "cores", []*etree.Element{x("core", "index", "0")})))
	s.child(db, "mediateddevices", x("vm_mediated_device", "spec_params", []*etree.Element{x("property", "name", "mdevType", "value", "nvidia-11")}))
	s.child(tmpl, "mediateddevices", x("vm_mediated_device", "spec_params", []*etree.Element{x("property", "name", "mdevType", "value", "nvidia-11")}))
	s.e.ensureRead(host, "devices")
	if devs := host.subs["devices"].list(); len(devs) > 0 {
		s.listIn(db, "hostdevices", devs[0])
	}
	if nics := web.subs["nics"].list(); len(nics) > 0 {
		s.child(nics[0], "networkfilterparameters", x("network_filter_parameter", "name", "IP", "value", "10.0.0.11"))
	}
	var disks []*etree.Element
	for _, a := range db.subs["diskattachments"].list() {
		disks = append(disks, refs("disk", idOf(a.data, "disk"))...)
	}
	s.child(db, "backups", x("backup", "phase", "succeeded", "creation_date", formatTime(s.e.now()),
		"modification_date", formatTime(s.e.now()), "to_checkpoint_id", s.e.newID(), "disks", disks, "host", ref(host.id)))
	if small := s.named("instancetypes", "Small"); small != nil {
		s.child(small, "nics", x("nic", "name", "nic1", "interface", "virtio"))
		s.child(small, "watchdogs", x("watchdog", "model", "i6300esb", "action", "none"))
		s.child(small, "graphicsconsoles", x("graphics_console", "protocol", "vnc"))
	}
}

// seedHostParts adds a fence agent, a storage connection extension and
// labels on a host's second NIC.
func (e *Engine) seedHostParts(s *seeder, host *record) {
	s.child(host, "fenceagents", x("agent", "address", "ipmi.host1.example.com", "type", "ipmilan", "username", "admin",
		"order", "1", "port", "623", "encrypt_options", "false", "concurrent", "false"))
	s.child(host, "storageconnectionextensions", x("storage_connection_extension",
		"target", "iqn.2024-01.com.example:storage", "username", "chap-user"))
	s.e.ensureRead(host, "nics")
	eth1 := host.subs["nics"].byName("eth1")
	if eth1 == nil {
		s.err = fmt.Errorf("host1 has no eth1")
		return
	}
	s.child(eth1, "networklabels", x("network_label", "name", "lbl1"))
	s.child(eth1, "virtualfunctionallowedlabels", x("network_label", "name", "sriov"))
	if net := s.named("networks", "vmnet"); net != nil {
		s.listIn(eth1, "virtualfunctionallowednetworks", net)
	}
}

// seedProviders adds the external providers a site registers: Foreman for
// hosts, Glance for images, Cinder for volumes (with its Ceph key), and a
// subnet on the OVN provider's network.
func (e *Engine) seedProviders(s *seeder, dc *record) {
	s.put("externalhostproviders", x("external_host_provider", "name", "foreman", "description", "Foreman",
		"url", "https://foreman.example.com", "requires_authentication", "true", "username", "admin"))
	s.put("openstackimageproviders", x("openstack_image_provider", "name", "glance", "description", "Glance images",
		"url", "http://glance.example.com:9292", "requires_authentication", "false"))
	cinder := s.put("openstackvolumeproviders", x("openstack_volume_provider", "name", "cinder", "description", "Cinder volumes",
		"url", "http://cinder.example.com:8776", "requires_authentication", "false", "data_center", ref(dc.id)))
	s.child(cinder, "authenticationkeys", x("openstack_volume_authentication_key", "usage_type", "ceph",
		"uuid", s.e.newID(), "description", "client.cinder", "creation_date", formatTime(s.e.now())))
	ovn := s.named("openstacknetworkproviders", "ovirt-provider-ovn")
	s.e.ensureRead(ovn, "networks")
	if nets := ovn.subs["networks"].list(); len(nets) > 0 {
		s.child(nets[0], "subnets", x("openstack_subnet", "name", "subnet-1", "cidr", "10.10.0.0/24", "ip_version", "v4",
			"gateway", "10.10.0.1", "dns_servers", []*etree.Element{elem("dns_server", "10.10.0.2")}))
	}
}

// seedAccess adds roles' permits, each role's own records of the engine's
// action groups (actiongroups.tsv), and the admin's SSH key, option and
// event subscription. insert_predefined_roles.sql gives SuperUser every
// group ("INSERT INTO roles_groups(role_id,action_group_id)
// VALUES(v_SUPER_USER_ID,v_CREATE_VM)" and so on, as later upgrades do for
// each new group) and UserRole VM_BASIC_OPERATIONS, CHANGE_VM_CD,
// CONNECT_TO_VM and VM_POOL_BASIC_OPERATIONS, VM_BASIC_OPERATIONS being
// REBOOT_VM ... RUN_VM since ActionGroup split it; UserProfileEditor holds
// EDIT_PROFILE alone (fn_db_add_action_group_to_role(v_USER_PROFILE_EDITOR_ID,
// 504)); every user role holds LOGIN. The other predefined roles' lists
// are approximations.
func (e *Engine) seedAccess(s *seeder, admin *record) {
	user := []string{"reboot_vm", "stop_vm", "shut_down_vm", "hibernate_vm", "run_vm", "change_vm_cd", "connect_to_vm",
		"vm_pool_basic_operations", "login"}
	for _, role := range s.e.st.roots["roles"].list() {
		switch name := textOf(role.data, "name"); {
		case name == "SuperUser":
			s.grant(role, s.e.meta.groups.names()...)
		case name == "UserRole":
			s.grant(role, user...)
		case name == "UserProfileEditor":
			s.grant(role, "edit_profile")
		case textOf(role.data, "administrative") == "true":
			s.grant(role, "create_vm", "delete_vm", "edit_vm_properties", "create_host", "login")
		default:
			s.grant(role, append([]string{"create_vm", "delete_vm", "edit_vm_properties"}, user...)...)
		}
	}
	s.child(admin, "sshpublickeys", x("ssh_public_key", "content", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOvcompatSimulatorKey admin@example.com"))
	s.child(admin, "options", x("user_option", "name", "consoleOptions", "content", `{"fullscreen": false}`))
	s.child(admin, "eventsubscriptions", x("event_subscription", "event", "host_failure", "notification_method", "smtp",
		"address", "admin@example.com"))
}

// seedScheduling gives the scheduling policies their filters, weights and
// balance.
func (e *Engine) seedScheduling(s *seeder) {
	s.e.ensureReadRoot("schedulingpolicyunits")
	units := s.e.st.roots["schedulingpolicyunits"].list()
	if len(units) == 0 {
		return
	}
	u := units[0]
	for _, p := range s.e.st.roots["schedulingpolicies"].list() {
		s.child(p, "filters", x("filter", "position", "0", "scheduling_policy_unit", ref(u.id)))
		s.child(p, "weights", x("weight", "factor", "1", "scheduling_policy_unit", ref(u.id)))
		s.child(p, "balances", x("balance", "scheduling_policy_unit", ref(u.id)))
	}
}

// seedJob adds a finished job with its step: the creation of a VM.
func (e *Engine) seedJob(s *seeder, vm *record) {
	now := formatTime(s.e.now())
	job := s.e.addJob(s.q, "Adding VM "+textOf(vm.data, "name"), nil)
	if job == nil {
		return
	}
	setText(job.data, job.typ, "status", "finished")
	setText(job.data, job.typ, "end_time", now)
	s.child(job, "steps", x("step", "description", "Executing", "type", "executing", "number", "1", "progress", "100",
		"status", "finished", "external", "false", "start_time", now, "end_time", now))
}
