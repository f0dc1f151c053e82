#!/bin/sh
# expect-findings.sh CMD [ARGS...]: run CMD, which must end with findings
# (exit 1: what `make demo-broken` is there to show). No findings (0) is a
# failure: the injected faults went unnoticed. Any other code is a harness
# error and is passed on as it is, so CI tells it from findings.
"$@"
rc=$?
case $rc in
  1) echo "expect-findings: findings, as intended (exit 1)" ;;
  0) echo "expect-findings: no findings (exit 0): the injected faults went unnoticed" >&2; exit 1 ;;
  *) echo "expect-findings: harness error (exit $rc), not findings" >&2; exit "$rc" ;;
esac
