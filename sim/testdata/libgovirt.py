# Drives the simulator with libgovirt, the C client virt-viewer and
# remote-viewer use to open oVirt consoles (GObject introspection: Debian's
# gir1.2-govirt-1.0 and python3-gi). It runs what libgovirt's own test suite
# (tests/test-govirt.c) checks against its mock engine, here against a live
# one, then what remote-viewer does to open a console and change its CD.
# Arguments: https host:port, CA file, password, plain-http host:port.
# Prints one JSON object per step; exits 2 when GoVirt is missing.
import json
import os
import sys
import time

try:
    import gi
    gi.require_version("GoVirt", "1.0")
    from gi.repository import GLib, GoVirt
except (ImportError, ValueError) as e:
    print(json.dumps({"step": "import", "error": str(e)}))
    sys.exit(2)

addr, ca, password, plain = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]


def report(step, **kv):
    kv["step"] = step
    print(json.dumps(kv), flush=True)


def new_proxy(where, ca_file):
    p = GoVirt.Proxy.new(where)
    p.set_property("username", "admin@internal")
    p.set_property("password", password)
    if ca_file:
        p.set_property("ssl-ca-file", ca_file)
    return p


def failure(fn):
    try:
        fn()
    except GLib.Error as e:
        return {"domain": e.domain, "code": e.code, "message": e.message}
    return None


# test-https-ca: an engine whose certificate the client cannot check is
# refused; with its CA, the API is fetched. (libgovirt's own
# ovirt_proxy_fetch_ca_certificate reads the engine's PKI resource through
# GIO's GFile, which needs gvfs; TestPKIResource fetches it instead.)
report("https-no-ca", error=failure(lambda: new_proxy(addr, None).fetch_api()))
proxy = new_proxy(addr, ca)
api = proxy.fetch_api()
report("api", ok=api is not None)

# test-http: plain HTTP when GOVIRT_DISABLE_HTTPS is set.
os.environ["GOVIRT_DISABLE_HTTPS"] = "1"
report("http", ok=new_proxy(plain, None).fetch_api() is not None)
del os.environ["GOVIRT_DISABLE_HTTPS"]

# test-list-vms (and the other collections the API links to; not VM pools:
# libgovirt 0.3.9 expects API v3's <vmpools>, where v4 engines write
# <vm_pools>).
for name in ["vms", "hosts", "clusters", "storage_domains", "data_centers"]:
    coll = getattr(api, "get_" + name)()
    coll.fetch(proxy)
    report(name, count=len(coll.get_resources()),
           names=sorted(r.get_property("name") for r in coll.get_resources().values()))
vms = api.get_vms()
vms.fetch(proxy)
found = api.search_vms("name=web*")
found.fetch(proxy)
report("search", names=sorted(r.get_property("name") for r in found.get_resources().values()))


def settled(vm, state):
    """Refreshes vm until it is in state, as a client polls (bounded)."""
    for _ in range(200):
        vm.refresh(proxy)
        if vm.get_property("state").value_nick == state:
            break
        time.sleep(0.05)
    return vm.get_property("state").value_nick


def display(vm):
    d = vm.get_property("display")
    return {"type": d.get_property("type").value_nick, "address": d.get_property("address"),
            "port": d.get_property("port"), "secure_port": d.get_property("secure-port"),
            "monitors": d.get_property("monitor-count"), "ticket": d.get_property("ticket"),
            "expiry": d.get_property("expiry")}


# test-parse-vm-host-cluster: a running VM, refreshed, names its host and
# cluster, which refresh in turn; its display says where its console is.
vm = vms.lookup_resource("web-01")
vm.refresh(proxy)
host, cluster = vm.get_host(), vm.get_cluster()
host.refresh(proxy)
cluster.refresh(proxy)
dc = cluster.get_data_center()
dc.refresh(proxy)
report("vm", state=vm.get_property("state").value_nick, display=display(vm),
       host=host.get_property("name"), cluster=cluster.get_property("name"), data_center=dc.get_property("name"))

# remote-viewer: a ticket for the console, the VM's CD-ROM changed to an
# ISO of a storage domain and back.
vm.get_ticket(proxy)
report("ticket", display=display(vm))
cdroms = vm.get_cdroms()
cdroms.fetch(proxy)
cdrom = list(cdroms.get_resources().values())[0]
cdrom.set_property("file", "fedora.iso")
cdrom.update(True, proxy)
cdrom.refresh(proxy)
report("cdrom", count=len(cdroms.get_resources()), file=cdrom.get_property("file"))

# Starting and stopping a VM.
vm = vms.lookup_resource("test-01")
vm.start(proxy)
report("start", state=settled(vm, "up"), display=display(vm))
vm.stop(proxy)
report("stop", state=settled(vm, "down"), display=display(vm))

# test-404: a VM that is gone answers 404.
vm.delete(proxy)
report("gone", error=failure(lambda: vm.refresh(proxy)))
