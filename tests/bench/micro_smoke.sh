#!/bin/bash
# micro_smoke.sh - the in-process bench (bench/micro.c) still runs and the
# dataplane it drives forwards every frame: each case of a small run
# (1,000-entry FDB, 64-byte frames, encap/decap/flood, one destination and
# eight, untagged and on VLAN 100) must report no drop, no learn event, and
# every frame out (flood: one copy per VTEP). Not a timing test: the cycles
# are not checked.
#
# Usage: micro_smoke.sh BUILD_DIR
set -euo pipefail
build=${1:?usage: micro_smoke.sh BUILD_DIR}
micro=$build/bench/vtep-bench-micro
[[ -x $micro ]] || { echo "FAIL: $micro not built"; exit 1; }
if (($(nproc) < 2)); then
	echo "SKIP: the bench needs two CPUs (a main and a forwarding lcore), this machine has $(nproc)"
	exit 77
fi
check() { # DSTS [VLAN]: run, then check the JSON line's rows
	local out vlan=${2:-0}
	# No EAL arguments: the bench's own defaults (bench/bench_eal.c: two
	# lcores, no hugepages, no PCI, a private file prefix).
	out=$("$micro" --entries 1000 --lens 60 --flows 64 --dsts "$1" --vlan "$vlan" --repeat 2 \
		--bursts 200 2>&1) || {
		local rc=$?
		echo "$out"
		echo "FAIL: vtep-bench-micro --dsts $1 --vlan $vlan exited with $rc"
		return 1
	}
	python3 - "$1" "$vlan" "$out" <<'PY'
import json, sys
dsts, vlan, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
line = [l for l in out.splitlines() if l.startswith('{"bench":"micro"')]
if not line:
    sys.exit(f"FAIL: no JSON line in the output:\n{out}")
rows = json.loads(line[-1])["rows"]
want = {"encap": (dsts, 1), "decap": (1, 1), "flood": (1, 4)}
seen = set()
for r in rows:
    d = r["dir"]
    seen.add(d)
    if r["drops"] or r["events"]:
        sys.exit(f"FAIL: {d}: {r['drops']} drops, {r['events']} learn events: {r}")
    if r["vlan"] != vlan:
        sys.exit(f"FAIL: {d}: vlan {r['vlan']}, want {vlan}")
    if r["dsts"] != want[d][0]:
        sys.exit(f"FAIL: {d}: dsts {r['dsts']}, want {want[d][0]}")
    if not (r["vtepd_cyc"] > 0 and r["io_cyc"] > 0):
        sys.exit(f"FAIL: {d}: no timing: {r}")
if seen != set(want):
    sys.exit(f"FAIL: cases {sorted(seen)}, want {sorted(want)}")
print(f"ok: --dsts {dsts} --vlan {vlan}: " + ", ".join(f"{r['dir']} {r['work_cyc']} cycles" for r in rows))
PY
}
check 1
check 8
check 1 100
echo "PASS"
