# Drives the simulator with libgovirt, the C client virt-viewer and
# remote-viewer use to open oVirt consoles (GObject introspection: Debian's
# gir1.2-govirt-1.0 and python3-gi). Arguments: host:port, CA file,
# password. Prints one JSON object per step; exits 2 when GoVirt is missing.
import json
import sys

try:
    import gi
    gi.require_version("GoVirt", "1.0")
    from gi.repository import GoVirt
except (ImportError, ValueError) as e:
    print(json.dumps({"step": "import", "error": str(e)}))
    sys.exit(2)

addr, ca, password = sys.argv[1], sys.argv[2], sys.argv[3]
proxy = GoVirt.Proxy.new(addr)
proxy.set_property("username", "admin@internal")
proxy.set_property("password", password)
proxy.set_property("ssl-ca-file", ca)


def report(step, **kv):
    kv["step"] = step
    print(json.dumps(kv), flush=True)


api = proxy.fetch_api()
report("api", ok=api is not None)
for name in ["vms", "hosts", "clusters", "storage_domains"]:
    coll = getattr(api, "get_" + name)()
    coll.fetch(proxy)
    report(name, count=len(coll.get_resources()),
           names=sorted(r.get_property("name") for r in coll.get_resources().values()))
vms = api.get_vms()
vms.fetch(proxy)
vm = [v for v in vms.get_resources().values() if v.get_property("name") == "test-01"][0]
vm.start(proxy)
vm.refresh(proxy)
report("start", state=vm.get_property("state").value_nick)
vm.stop(proxy)
vm.refresh(proxy)
report("stop", state=vm.get_property("state").value_nick)
