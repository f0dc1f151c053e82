#!/usr/bin/env bash
# Side by side: the CPU time (user + sys) of `ovcompat validate` and of
# libxml2's `xmllint --noout --schema`, both whole processes (start-up and
# schema compile included), on the same files: the v4 XML response bodies of
# the reference traffic that libxml2 accepts against the model's own XSD
# (`ovcompat schema export --format xsd`), repeated to at least 10 MB. Runs
# alternate (interleaved pairs) so that machine noise hits both alike; the
# medians and their ratio are printed. See schema/BENCHMARKS.md.
#   scripts/bench-validate-vs-xmllint.sh [SHARED_DIR] [PAIRS]   (default ../shared/ovirt 15)
set -euo pipefail
shared=${1:-../shared/ovirt}
pairs=${2:-15}
command -v xmllint >/dev/null || { echo "install libxml2-utils (apt-get install libxml2-utils)" >&2; exit 2; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/ovcompat" ./cmd/ovcompat
"$tmp/ovcompat" schema export --format xsd >"$tmp/api.xsd"
mkdir "$tmp/bodies"
python3 scripts/traffic-bodies.py 4 "$shared/traffic" "$tmp/bodies"
# Keep what libxml2 accepts, so both validate the same valid documents.
{ xmllint --noout --schema "$tmp/api.xsd" "$tmp"/bodies/*.xml 2>&1 || true; } | sed -n 's/ fails to validate$//p' | xargs -r rm
python3 - "$tmp" "$pairs" <<'PY'
import glob, os, resource, statistics, subprocess, sys
tmp, pairs = sys.argv[1], int(sys.argv[2])
files = sorted(glob.glob(os.path.join(tmp, "bodies", "*.xml")))
size = sum(os.path.getsize(f) for f in files)
reps = -(-10_000_000 // size)  # repeat the set to at least 10 MB
args = files * reps
cmds = {
    "ovcompat validate": [os.path.join(tmp, "ovcompat"), "validate"] + args,
    "xmllint --schema": ["xmllint", "--noout", "--schema", os.path.join(tmp, "api.xsd")] + args,
}
def cpu(cmd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if cmd[0] == "xmllint" and b"fails to validate" in r.stderr or cmd[0] != "xmllint" and r.returncode != 0:
        sys.exit("%s did not accept every document" % cmd[0])
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
times = {k: [] for k in cmds}
for i in range(pairs):
    order = list(cmds) if i % 2 == 0 else list(cmds)[::-1]
    for k in order:
        times[k].append(cpu(cmds[k]))
print("%d documents (%d distinct), %.1f MB, %d interleaved pairs; CPU time user+sys, median (min-max)" % (len(args), len(files), size * reps / 1e6, pairs))
for k, ts in times.items():
    m = statistics.median(ts)
    print("  %-18s %.3f s (%.3f-%.3f)  %.0f MB/s" % (k, m, min(ts), max(ts), size * reps / 1e6 / m))
ratios = [o / x for o, x in zip(times["ovcompat validate"], times["xmllint --schema"])]
print("  ovcompat / xmllint: %.2fx median of pair ratios (%.2f-%.2f); goal <= 0.67x" % (statistics.median(ratios), min(ratios), max(ratios)))
PY
