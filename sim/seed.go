package sim

import (
	"fmt"
	"github.com/ovcompat/ovcompat/schema"
	"net/url"
	"strings"

	"github.com/beevik/etree"
)

// The seeded inventory: a small site that looks like a real one. Names are
// fixed; ids, MAC addresses and a few sizes come from Options.Seed.

// x builds an element: pairs of member name and value, where a value is
// text, a nested element (renamed to the member) or a ref.
func x(tag string, kv ...any) *etree.Element {
	el := etree.NewElement(tag)
	for i := 0; i+1 < len(kv); i += 2 {
		k, _ := kv[i].(string)
		switch v := kv[i+1].(type) {
		case string:
			el.AddChild(elem(k, v))
		case *etree.Element:
			v.Tag = k
			el.AddChild(v)
		case ref:
			r := etree.NewElement(k)
			r.CreateAttr("id", string(v))
			el.AddChild(r)
		case []*etree.Element:
			w := etree.NewElement(k)
			for _, it := range v {
				w.AddChild(it)
			}
			el.AddChild(w)
		}
	}
	return el
}

// ref is a reference to an object by id, for x.
type ref string

// refs builds a list of references named item.
func refs(item string, ids ...string) []*etree.Element {
	out := make([]*etree.Element, 0, len(ids))
	for _, id := range ids {
		r := etree.NewElement(item)
		r.CreateAttr("id", id)
		out = append(out, r)
	}
	return out
}

// refList builds a list of references: <tag><item id=.../>...</tag>.
func refList(tag, item string, ids ...string) *etree.Element {
	l := etree.NewElement(tag)
	for _, r := range refs(item, ids...) {
		l.AddChild(r)
	}
	return l
}

func version(major, minor string) *etree.Element { return x("version", "major", major, "minor", minor) }

// seeder creates the inventory through the same code paths as the API.
type seeder struct {
	e   *Engine
	q   *request
	err error
	// lenient skips what the model lacks (a collection an older release
	// does not have) instead of failing the seed.
	lenient bool
}

// lacks records that the model has no collection seg (below what): an
// error, or nothing for a lenient seeder.
func (s *seeder) lacks(seg, what string) {
	if !s.lenient {
		s.err = fmt.Errorf("no collection %s %s", seg, what)
	}
}

// put creates an object in a top-level collection, with its hooks.
func (s *seeder) put(seg string, data *etree.Element) *record {
	if s.err != nil {
		return nil
	}
	c := s.e.st.roots[seg]
	if c == nil {
		s.lacks(seg, "in the model")
		return nil
	}
	data.Tag = c.tag
	r, rp := s.e.create(s.q, c, s.e.meta.route("POST", "/"+seg), c.item, data)
	if rp != nil {
		s.err = fmt.Errorf("create in %s: %s", seg, textOf(rp.el, "detail"))
		return nil
	}
	c.filled = true
	return r
}

// raw stores an object in a top-level collection without hooks, with id
// (fresh when empty).
func (s *seeder) raw(seg, id string, data *etree.Element) *record {
	if s.err != nil {
		return nil
	}
	c := s.e.st.roots[seg]
	if c == nil {
		s.lacks(seg, "in the model")
		return nil
	}
	if id == "" {
		id = s.e.newID()
	}
	data.Tag = c.tag
	normalize(data, c.item, false)
	r := &record{id: id, typ: c.item, tag: c.tag, data: data}
	s.e.st.insert(c, r)
	s.e.remirror(r)
	c.filled = true
	return r
}

// attach lists r in parent's sub-collection seg, as POSTing its id there
// does.
func (s *seeder) attach(parent *record, seg string, r *record) {
	if s.err != nil || parent == nil || r == nil {
		return
	}
	lr := s.e.meta.subRoute(s.e.homeRoute(parent), seg)
	if lr == nil {
		s.lacks(seg, "below "+parent.tag)
		return
	}
	c := parent.sub(seg, lr, true)
	s.e.st.insert(c, r)
	if parent.tag == "data_center" {
		s.e.injectParent(r, parent)
		if attach := s.e.reg.of(c).attach; attach != nil {
			attach(&op{e: s.e, q: s.q, rec: r, coll: c})
		}
	}
}

// seed builds the inventory. Intermediate states are skipped.
func (e *Engine) seed() error {
	e.macBase = uint64(e.rng.Uint32()) & 0xffff00
	saved := e.settle
	e.settle = 0
	defer func() { e.settle = saved }()
	admin := &account{name: AdminUser, password: e.opt.AdminPassword, admin: true, grants: map[string]bool{}}
	s := &seeder{e: e, q: &request{acct: admin, query: url.Values{}, base: BasePath}}

	domain := s.raw("domains", "", x("domain", "name", "internal-authz"))
	roles := map[string]*record{}
	for _, r := range []struct{ name, desc, admin string }{
		{"SuperUser", "Roles management administrator", "true"},
		{"ClusterAdmin", "Administrator Role, permission for all the objects underneath a specific Cluster", "true"},
		{"DataCenterAdmin", "Administrator Role, permission for all the objects underneath a specific Data Center", "true"},
		{"UserRole", "Standard User Role", "false"},
		{"UserVmManager", "User Role, with permission for any operation on Vms", "false"},
		{"UserProfileEditor", "Role that allow users to edit the UserProfile", "false"},
	} {
		roles[r.name] = s.put("roles", x("role", "name", r.name, "description", r.desc, "administrative", r.admin, "mutable", "false"))
	}
	if domain != nil {
		u := s.put("users", x("user", "name", "admin", "domain_entry_id", "admin", "namespace", "*", "principal", "admin",
			"user_name", AdminUser+"-authz", "domain", ref(domain.id)))
		if u != nil {
			admin.userID = u.id
		}
	}
	e.auth.accounts[AdminUser] = admin
	s.raw("tags", "", x("tag", "name", "root", "description", "root"))
	mac := s.put("macpools", x("mac_pool", "name", "Default", "description", "Default MAC pool",
		"allow_duplicates", "false", "default_pool", "true",
		"ranges", []*etree.Element{x("range", "from", "56:6f:1a:a0:00:00", "to", "56:6f:1a:a0:ff:ff")}))
	var sched *record
	for _, name := range []string{"none", "evenly_distributed", "power_saving", "vm_evenly_distributed"} {
		p := s.put("schedulingpolicies", x("scheduling_policy", "name", name, "default_policy", fmt.Sprint(name == "none"), "locked", "true"))
		if sched == nil {
			sched = p
		}
	}
	if s.err != nil {
		return s.err
	}
	dc := s.put("datacenters", x("data_center", "name", "Default", "description", "The default Data Center",
		"local", "false", "supported_versions", []*etree.Element{version("4", "7")}, "version", version("4", "7"), "mac_pool", ref(mac.id)))
	filter := s.raw("networkfilters", "", x("network_filter", "name", "vdsm-no-mac-spoofing", "version", x("v", "major", "4", "minor", "0", "build", "-1", "revision", "-1")))
	if s.err != nil {
		return s.err
	}
	mgmt := s.put("networks", x("network", "name", "ovirtmgmt", "description", "Management Network", "mtu", "0", "stp", "false",
		"usages", []*etree.Element{elem("usage", "management"), elem("usage", "vm")}, "data_center", ref(dc.id)))
	vmnet := s.put("networks", x("network", "name", "vmnet", "description", "VM traffic", "mtu", "1500", "stp", "false",
		"usages", []*etree.Element{elem("usage", "vm")}, "vlan", ref("100"), "data_center", ref(dc.id)))
	var profiles []*record
	for _, n := range []*record{mgmt, vmnet} {
		if n == nil {
			continue
		}
		profiles = append(profiles, s.put("vnicprofiles", x("vnic_profile", "name", textOf(n.data, "name"),
			"pass_through", x("p", "mode", "disabled"), "port_mirroring", "false", "network", ref(n.id), "network_filter", ref(filter.id))))
	}
	var clusters []*record
	for _, name := range []string{"Default", "Production"} {
		cl := s.put("clusters", x("cluster", "name", name, "description", "The "+strings.ToLower(name)+" server cluster",
			"ballooning_enabled", "true", "cpu", x("cpu", "architecture", "x86_64", "type", "Secure Intel Cascadelake Server Family"),
			"error_handling", x("e", "on_error", "migrate"), "firewall_type", "firewalld", "gluster_service", "false",
			"ha_reservation", "false", "switch_type", "legacy", "threads_as_cores", "false", "trusted_service", "false",
			"tunnel_migration", "false", "version", version("4", "7"), "virt_service", "true",
			"data_center", ref(dc.id), "mac_pool", ref(mac.id), "scheduling_policy", ref(sched.id)))
		clusters = append(clusters, cl)
		for _, n := range []*record{mgmt, vmnet} {
			s.attach(cl, "networks", n)
		}
		if cl != nil {
			s.put("cpuprofiles", x("cpu_profile", "name", name, "cluster", ref(cl.id)))
		}
	}
	if s.err != nil {
		return s.err
	}
	var hosts []*record
	for i, h := range []struct{ name string }{{"host1"}, {"host2"}, {"host3"}} {
		cl := clusters[0]
		if i == 2 {
			cl = clusters[1]
		}
		cores := fmt.Sprint(4 << (e.rng.IntN(2)))
		host := s.put("hosts", x("host", "name", h.name, "address", h.name+".example.com",
			"cpu", x("cpu", "name", "Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz", "speed", "2100",
				"topology", x("t", "cores", cores, "sockets", "2", "threads", "2"), "type", "Secure Intel Cascadelake Server Family"),
			"os", x("os", "type", "RHEL", "version", x("v", "full_version", "9.4", "major", "9", "minor", "4")),
			"spm", x("spm", "priority", "5", "status", map[bool]string{true: "spm", false: "none"}[i == 0]),
			"version", x("v", "build", "0", "full_version", "vdsm-4.50.5", "major", "4", "minor", "50", "revision", "5"),
			"cluster", ref(cl.id)))
		hosts = append(hosts, host)
	}
	if s.err != nil {
		return s.err
	}
	var domains []*record
	for i, sd := range []struct{ name, typ, path string }{
		{"data1", "data", "/exports/data1"}, {"data2", "data", "/exports/data2"}, {"iso", "iso", "/exports/iso"},
	} {
		conn := s.put("storageconnections", x("storage_connection", "address", "nfs.example.com", "path", sd.path, "type", "nfs", "nfs_version", "auto"))
		d := s.put("storagedomains", x("storage_domain", "name", sd.name, "type", sd.typ,
			"storage", x("s", "address", "nfs.example.com", "path", sd.path, "type", "nfs", "nfs_version", "auto"),
			"available", fmt.Sprint((500+e.rng.IntN(500))<<30)))
		if conn != nil && d != nil {
			s.attach(d, "storageconnections", conn)
		}
		domains = append(domains, d)
		if i < 2 {
			s.attach(dc, "storagedomains", d)
			s.put("diskprofiles", x("disk_profile", "name", sd.name, "storage_domain", ref(d.id)))
		}
	}
	if s.err != nil {
		return s.err
	}
	e.seedCatalogs(s)
	templates := e.seedTemplates(s, clusters[0], domains[0], profiles)
	if s.err != nil {
		return s.err
	}
	e.seedVMs(s, clusters, hosts, templates, domains[0], profiles)
	e.seedEvents(s, dc, hosts)
	s.put("permissions", x("permission", "role", ref(roles["SuperUser"].id), "user", ref(admin.userID)))
	e.seedEveryone(s, roles["UserProfileEditor"])
	// The inventory of every other collection is written for the newest
	// model; an older release (sim --engine-version) gets what of it the
	// release has.
	newest, err := schema.V4()
	s.lenient = err != nil || e.m.Release.Model != newest.Release.Model
	e.seedInventory(s)
	return s.err
}
