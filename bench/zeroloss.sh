#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# bench/zeroloss.sh - does vtepd lose packets below its maximum rate?
#
#   vtep-bench-gen --(net_memif)--> vtepd --> net_null
#   (paced, core HK_CORE)          (one forwarding lcore, core PMD_CORE,
#                                   FDB_ENTRIES-entry FDB)
#
# 1. The maximum: the generator sends as fast as the memif takes frames for
#    MAX_SECONDS; vtepd's output rate (its telemetry) is its maximum here.
# 2. LOAD (0.9) times that, paced, for HOLD_SECONDS (60). Lost inside
#    vtepd is anything it was offered and did not send:
#      rx missed  - frames the memif ring refused (vtepd did not drain it
#                   in time: what a NIC counts as imissed), per the generator;
#      no mbuf    - rx_nombuf of the input port;
#      drops      - every drop_* counter of vtepd (drop_tx_full included);
#      and vtepd's rx must equal what the generator sent and its tx.
#    Frames the generator itself could not send in time (descheduled: this
#    VM is shared) are reported as "skipped", not as loss, and so are the
#    involuntary context switches of vtepd's forwarding thread: a core that
#    is taken away for milliseconds overflows any ring.
#
#   sudo bench/zeroloss.sh
#   DIRS=encap HOLD_SECONDS=10 bench/zeroloss.sh
# Knobs: DIRS FLOWS LOAD HOLD_SECONDS MAX_SECONDS RSIZE (memif ring: 2^RSIZE
# descriptors, default 12 = 4096 like a NIC queue) FDB_ENTRIES, and lib.sh's.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DIRS=${DIRS:-"encap decap"}
FLOWS=${FLOWS:-1024}
LOAD=${LOAD:-0.9}
HOLD_SECONDS=${HOLD_SECONDS:-60}
MAX_SECONDS=${MAX_SECONDS:-10}
RSIZE=${RSIZE:-12}

bench_init zeroloss
"$GEN" pcap "$WORK/pcaps" --flows "$FLOWS" || die "cannot write the pcap files"
SUMMARY=()

counters() { vtepctl show counters >"$1"; }

# gen TAG PCAP RATE SECONDS: the generator on the input memif -> $GEN_OUT (its JSON)
gen() {
	"$GEN" -l "$HK_CORE" --in-memory --file-prefix "vb_gen_$$" -m 256 --no-pci \
		--vdev "net_memif_in,role=client,socket=$WORK/in.sock,socket-abstract=no,rsize=$RSIZE" \
		--log-level=lib.eal:warning -- --pcap "$2" --rate "$3" --seconds "$4" \
		>"$RESULTS/logs/$1.gen.log" 2>&1
	rm -rf "/var/run/dpdk/vb_gen_$$"
	GEN_OUT=$(grep '^{' "$RESULTS/logs/$1.gen.log" | tail -1)
}

run_dir() { # DIR
	local p=vb_vtepd_$$ pid tid in out pcap max rate c0 c1 verdict
	local memif="net_memif_in,role=server,socket=$WORK/in.sock,socket-abstract=no"
	if [[ $1 == encap ]]; then
		vtepd_config "$WORK/gw.json" "$memif" "net_null_und,no-rx=1"
		in=net_memif_in out=net_null_und pcap=$WORK/pcaps/plain_$FLOWS.pcap
	else
		vtepd_config "$WORK/gw.json" "net_null_acc,no-rx=1" "$memif"
		in=net_memif_in out=net_null_acc pcap=$WORK/pcaps/vxlan_$FLOWS.pcap
	fi
	start "$RESULTS/logs/$1.vtepd.log" "$VTEPD" $(eal $p) -- --config "$WORK/gw.json"
	pid=$BG
	vtepd_wait "$pid" || die "vtepd did not start, see $RESULTS/logs/$1.vtepd.log"
	((FDB_ENTRIES > 0)) && vtepd_fill "$RESULTS/logs/$1.fill.log" "$FLOWS"
	tid=$(pmd_tid "$pid")

	# 1. The maximum, measured on vtepd's output while the generator floods.
	gen "$1.max" "$pcap" 0 "$MAX_SECONDS" &
	local gpid=$!
	max=$("$PY" "$HERE/measure.py" --prefix $p --in $in --out $out --warmup 2 \
		--duration $((MAX_SECONDS - 4)) 2>>"$RESULTS/logs/$1.measure.log")
	wait $gpid
	max=$(echo "$max" | tr ' ' '\n' | awk -F= '$1 == "out_pps" {print $2}')
	[[ -n $max && $max -gt 0 ]] || die "$1: no maximum measured, see $RESULTS/logs"
	rate=$(awk -v m="$max" -v l="$LOAD" 'BEGIN {printf "%.0f", m * l}')
	say "$1: maximum $(awk -v m="$max" 'BEGIN {printf "%.2f", m / 1e6}') Mpps through the memif; holding $rate pps for $HOLD_SECONDS s"

	# 2. LOAD x maximum for HOLD_SECONDS.
	counters "$RESULTS/logs/$1.c0.json"
	c0=$(thread_cpu "$pid" "$tid")
	local neighbours_before
	neighbours_before=$(pmd_core_neighbours)
	gen "$1.hold" "$pcap" "$rate" "$HOLD_SECONDS"
	sleep 0.5 # the last frames leave
	c1=$(thread_cpu "$pid" "$tid")
	counters "$RESULTS/logs/$1.c1.json"
	verdict=$("$PY" - "$1" "$RESULTS/logs/$1.c0.json" "$RESULTS/logs/$1.c1.json" "$GEN_OUT" \
		"$max" "$rate" "${c0#* }" "${c1#* }" "$neighbours_before $(pmd_core_neighbours)" <<-'PY'
	import json, sys
	d, c0, c1, g, mx, rate, cs0, cs1, nb = sys.argv[1:]
	a, b, g = json.load(open(c0)), json.load(open(c1)), json.loads(g)
	port = lambda c, n: next(p for p in c["ports"] if p["name"] == n)
	inp, outp = ("access0", "underlay0") if d == "encap" else ("underlay0", "access0")
	rx = port(b, inp)["rx_pkts"] - port(a, inp)["rx_pkts"]
	tx = port(b, outp)["tx_pkts"] - port(a, outp)["tx_pkts"]
	nombuf = port(b, inp)["hw_rx_nombuf"] - port(a, inp)["hw_rx_nombuf"]
	drops = {}
	for r in b["drop_reasons"]:
	    before = next((x["pkts"] for x in a["drop_reasons"] if x["reason"] == r["reason"]), 0)
	    if r["pkts"] - before:
	        drops[r["reason"]] = r["pkts"] - before
	ok = g["refused"] == 0 and nombuf == 0 and not drops and rx == g["sent"] == tx
	res = {"dir": d, "max_pps": int(mx), "rate_pps": int(rate), "seconds": g["seconds"],
	       "offered": g["offered"], "sent": g["sent"], "rx_missed": g["refused"],
	       "skipped_by_generator": g["skipped"], "vtepd_rx": rx, "vtepd_tx": tx,
	       "rx_nombuf": nombuf, "drops": drops,
	       "pmd_involuntary_switches": int(cs1 or 0) - int(cs0 or 0),
	       "pmd_core_neighbours": nb.strip(), "fdb_entries": b["fdb"]["entries"],
	       "zero_loss": ok}
	print(json.dumps(res))
	PY
	)
	say "$1: $verdict"
	SUMMARY+=("$verdict")
	stop "$pid"
	rm -rf "/var/run/dpdk/$p"
}

say "results in $RESULTS; load $(cut -d' ' -f1-3 /proc/loadavg)"
for dir in $DIRS; do run_dir "$dir"; done
printf '%s\n' "${SUMMARY[@]}" | tee "$RESULTS/summary.jsonl"
