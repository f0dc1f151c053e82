#!/usr/bin/env bash
# Times libxml2's schema validation (xmllint --schema) on the v3 responses of
# the reference traffic with the v3 XSD, as the baseline ovcompat's
# validator is measured against (see schema/BENCHMARKS.md).
#   scripts/bench-xmllint.sh [SHARED_DIR]   (default ../shared/ovirt)
set -euo pipefail
shared=${1:-../shared/ovirt}
command -v xmllint >/dev/null || { echo "install libxml2-utils (apt-get install libxml2-utils)" >&2; exit 2; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
python3 scripts/traffic-bodies.py 3 "$shared/traffic" "$tmp"
bytes=$(cat "$tmp"/*.xml | wc -c)
# Repeat the set so the run is long enough to time; the schema is parsed once.
files=(); for i in $(seq 1 400); do files+=("$tmp"/*.xml); done
start=$(date +%s.%N)
xmllint --noout --schema "$shared/v3/api.xsd" "${files[@]}" 2>"$tmp/log" || true
end=$(date +%s.%N)
fails=$(grep -c 'fails to validate' "$tmp/log" || true)
python3 -c "
b=$bytes*400; t=$end-$start
print(f'xmllint --schema: {b/1e6:.1f} MB in {t:.2f} s = {b/1e6/t:.1f} MB/s ({$fails} documents failed to validate)')"
