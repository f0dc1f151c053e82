# libgovirt (virt-viewer's oVirt client) against an engine at http://HOST:
# fetch the API root and the VMs, print how many. libgovirt sends its GETs
# with a small body, and after the 401 that asks for credentials resends
# them with the same Content-Length and no body.
# Usage: /usr/bin/python3 govirt.py HOST USER PASSWORD
import sys

import gi

gi.require_version("GoVirt", "1.0")
from gi.repository import GoVirt  # noqa: E402

host, user, password = sys.argv[1:4]
proxy = GoVirt.Proxy.new(host)
proxy.props.url_format = "http://" + host
proxy.props.username = user
proxy.props.password = password
proxy.fetch_api()
proxy.fetch_vms()
print("vms", len(proxy.get_vms()))
