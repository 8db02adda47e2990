#!/bin/bash
# instr_smoke.sh - bench/instr.sh still counts: a small run (1,000-entry
# FDB, 64 flows) reports instructions per packet for encap and decap, the
# PMD's transmit share is non-zero, and a second encap run gives exactly
# the same counts (the script's promise: deterministic, so two commits can
# be compared by it). Not a performance test: the counts are not bounded
# beyond plausibility.
#
# Usage: instr_smoke.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=${1:?usage: instr_smoke.sh SOURCE_DIR BUILD_DIR}
build=${2:?usage: instr_smoke.sh SOURCE_DIR BUILD_DIR}
if ! command -v valgrind >/dev/null; then
	echo "SKIP: valgrind is not installed (scripts/install-deps.sh installs it)"
	exit 77
fi
if (($(nproc) < 2)); then
	echo "SKIP: the bench needs two CPUs (a main and a forwarding lcore), this machine has $(nproc)"
	exit 77
fi
run() {
	"$src/bench/instr.sh" --build "$build" --entries 1000 --flows 64 --bursts 50 --dirs "$1" |
		grep '^{"bench":"instr"'
}
a=$(run encap,decap) || { echo "FAIL: bench/instr.sh exited non-zero"; exit 1; }
b=$(run encap) || { echo "FAIL: bench/instr.sh (second run) exited non-zero"; exit 1; }
python3 - "$a" "$b" <<'PY'
import json, sys
a = {r["dir"]: r for r in json.loads(sys.argv[1])["rows"]}
b = {r["dir"]: r for r in json.loads(sys.argv[2])["rows"]}
if set(a) != {"encap", "decap"}:
    sys.exit(f"FAIL: rows {sorted(a)}, want encap and decap")
for d, r in a.items():
    if not (20 < r["instr_work"] < 5000 and 0 < r["instr_tx"] < r["instr_all"]):
        sys.exit(f"FAIL: {d}: implausible counts {r}")
    if r["packets"] < 50 * 32 or r["packets"] % 32:
        sys.exit(f"FAIL: {d}: {r['packets']} packets counted, want at least 50 whole bursts of 32")
for k in ("instr_all", "instr_tx", "instr_work", "packets"):
    if a["encap"][k] != b["encap"][k]:
        sys.exit(f"FAIL: encap {k} differs between two runs: {a['encap'][k]} != {b['encap'][k]}")
print("ok: " + ", ".join(f"{d} {r['instr_work']} instructions of work per packet" for d, r in a.items())
      + "; a second encap run counted the same")
PY
echo "PASS"
