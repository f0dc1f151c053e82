#!/usr/bin/env python3
"""Writes the XML response bodies of API version VERSION (3 or 4) found in
the HAR files of TRAFFIC_DIR to OUT_DIR, one file each (b0000.xml, ...).
Used by bench-xmllint.sh and bench-validate-vs-xmllint.sh.
   scripts/traffic-bodies.py VERSION TRAFFIC_DIR OUT_DIR"""
import glob, json, os, sys

version, src, out = sys.argv[1], sys.argv[2], sys.argv[3]
n = 0
for f in sorted(glob.glob(os.path.join(src, "*.har"))):
    for e in json.load(open(f))["log"]["entries"]:
        hs = {h["name"].lower(): h["value"] for h in e["request"]["headers"]}
        text = e["response"]["content"].get("text", "")
        if hs.get("version") == version and text.lstrip().startswith("<"):
            with open(os.path.join(out, "b%04d.xml" % n), "w") as w:
                w.write(text)
            n += 1
print(n, "v%s XML bodies" % version, file=sys.stderr)
