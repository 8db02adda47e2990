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
#    CPU time vtepd's forwarding thread got over the hold (pmd_cpu_share_pct)
#    and its involuntary context switches: a core that is taken away for
#    milliseconds overflows any ring, so a verdict with a share below 100%
#    says more about the neighbours than about vtepd. vtepd's own stall
#    counters (vtepctl show lcores: loop passes begun 100 us or more after
#    the previous one) say how long it was away: rx missed can be at most
#    the stall time times the rate (rx_missed_within_stall_bound).
#
#   sudo bench/zeroloss.sh
#   DIRS=encap HOLD_SECONDS=10 bench/zeroloss.sh
# Knobs: DIRS FLOWS LOAD (or LOADS="0.9 0.7 0.5": a ladder) HOLD_SECONDS
# MAX_SECONDS RSIZE (memif ring: 2^RSIZE descriptors, default 12 = 4096
# like a NIC queue) PMD_FIFO (1: forwarding thread SCHED_FIFO, as on an
# isolated core) ISOLATE (1: scripts/isolate-cpus.sh moves IRQs, unbound
# workqueues, the watchdog and unbound kernel threads off PMD_CORE for the
# run, restored on exit) FDB_ENTRIES, and lib.sh's.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DIRS=${DIRS:-"encap decap"}
FLOWS=${FLOWS:-1024}
LOADS=${LOADS:-${LOAD:-0.9}} # one or more fractions of the maximum, each held HOLD_SECONDS
HOLD_SECONDS=${HOLD_SECONDS:-60}
MAX_SECONDS=${MAX_SECONDS:-10}
RSIZE=${RSIZE:-12}
PMD_FIFO=${PMD_FIFO:-0} # 1: the forwarding thread under SCHED_FIFO (lib.sh pmd_fifo)
ISOLATE=${ISOLATE:-0}   # 1: run-time isolation of PMD_CORE (lib.sh isolate_cpus)

bench_init zeroloss
((ISOLATE)) && isolate_cpus "$PMD_CORE"
"$GEN" pcap "$WORK/pcaps" --flows "$FLOWS" || die "cannot write the pcap files"
SUMMARY=()

counters() { vtepctl show counters >"$1"; }

# The forwarding CPU's /proc/stat times (user nice system idle iowait irq
# softirq steal), in clock ticks.
cpu_stat() { awk -v c="cpu$PMD_CORE" '$1 == c {print $2, $3, $4, $5, $6, $7, $8, $9}' /proc/stat; }

# gen TAG PCAP RATE SECONDS: the generator on the input memif -> $GEN_OUT (its JSON)
gen() {
	"$GEN" -l "$HK_CORE" --in-memory --file-prefix "vb_gen_$$" -m 256 --no-pci \
		--vdev "net_memif_in,role=client,socket=$WORK/in.sock,socket-abstract=no,rsize=$RSIZE" \
		--log-level=lib.eal:warning -- --pcap "$2" --rate "$3" --seconds "$4" \
		>"$RESULTS/logs/$1.gen.log" 2>&1
	rm -rf "/var/run/dpdk/vb_gen_$$"
	GEN_OUT=$(grep '^{' "$RESULTS/logs/$1.gen.log" | tail -1)
}

# hold DIR PID TID PCAP MAX RATE LOAD: RATE pps for HOLD_SECONDS, then the verdict
hold() {
	local c0 c1 s0 s1 verdict nb tag=$1.hold$7
	vtepctl show counters >"$RESULTS/logs/$tag.c0.json"
	c0=$(thread_cpu "$2" "$3")
	s0=$(cpu_stat)
	nb=$(pmd_core_neighbours)
	gen "$tag" "$4" "$6" "$HOLD_SECONDS"
	sleep 0.5 # the last frames leave
	c1=$(thread_cpu "$2" "$3")
	s1=$(cpu_stat)
	vtepctl show counters >"$RESULTS/logs/$tag.c1.json"
	verdict=$(PMD_FIFO=$PMD_FIFO ISOLATE=$ISOLATE "$PY" - "$1" "$RESULTS/logs/$tag.c0.json" "$RESULTS/logs/$tag.c1.json" "$GEN_OUT" \
		"$5" "$6" "$7" "$c0" "$c1" "$nb $(pmd_core_neighbours)" "$(getconf CLK_TCK)" "$RSIZE" \
		"$s0" "$s1" <<-'PY'
	import json, os, sys
	d, c0, c1, g, mx, rate, load, t0, t1, nb, hz, rsize, s0, s1 = sys.argv[1:]
	(j0, cs0), (j1, cs1) = t0.split(), t1.split()
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
	res = {"dir": d, "load": float(load), "max_pps": int(mx), "rate_pps": int(rate),
	       "seconds": g["seconds"], "offered": g["offered"], "sent": g["sent"],
	       "rx_missed": g["refused"], "skipped_by_generator": g["skipped"], "vtepd_rx": rx,
	       "vtepd_tx": tx, "rx_nombuf": nombuf, "drops": drops,
	       "pmd_involuntary_switches": int(cs1) - int(cs0),
	       "pmd_cpu_share_pct": round(100.0 * (int(j1) - int(j0)) / int(hz) / (g["seconds"] + 0.5), 1),
	       "pmd_core_neighbours": nb.strip(), "fdb_entries": b["fdb"]["entries"],
	       "zero_loss": ok, "pmd_fifo": os.environ["PMD_FIFO"] == "1",
	       "isolated": os.environ["ISOLATE"] == "1"}
	# The forwarding lcore's stalls over the hold (its stall counters):
	# frames can only be refused while it was away longer than the ring
	# lasts at this rate, so the stall time bounds what a stall can lose.
	res["stalls"] = {k[7:]: b[k] - a[k] for k in b if k.startswith("stalls_")}
	res["stall_ms"] = round((b["stall_us"] - a["stall_us"]) / 1e3, 1)
	res["stall_max_us_so_far"] = b["stall_max_us"]
	res["ring_us"] = round((1 << int(rsize)) / int(rate) * 1e6, 1)
	res["rx_missed_within_stall_bound"] = g["refused"] <= (b["stall_us"] - a["stall_us"]) * int(rate) / 1e6
	# Who had the core meanwhile, from /proc/stat (10 ms ticks): the
	# hypervisor (steal), interrupts and softirqs.
	st = [int(y) - int(x) for x, y in zip(s0.split(), s1.split())]
	res["pmd_cpu_ms"] = {"steal": st[7] * 1000 // int(hz), "irq": st[5] * 1000 // int(hz),
	                     "softirq": st[6] * 1000 // int(hz)}
	print(json.dumps(res))
	PY
	)
	say "$1: $verdict"
	SUMMARY+=("$verdict")
}

run_dir() { # DIR
	local p=vb_vtepd_$$ pid tid in out pcap max rate
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
	((PMD_FIFO)) && pmd_fifo "$pid" "$tid"

	# 1. The maximum, measured on vtepd's output while the generator floods.
	gen "$1.max" "$pcap" 0 "$MAX_SECONDS" &
	local gpid=$!
	max=$("$PY" "$HERE/measure.py" --prefix $p --in $in --out $out --warmup 2 \
		--duration $((MAX_SECONDS - 4)) 2>>"$RESULTS/logs/$1.measure.log")
	wait $gpid
	max=$(echo "$max" | tr ' ' '\n' | awk -F= '$1 == "out_pps" {print $2}')
	[[ -n $max && $max -gt 0 ]] || die "$1: no maximum measured, see $RESULTS/logs"
	local load
	for load in $LOADS; do
		rate=$(awk -v m="$max" -v l="$load" 'BEGIN {printf "%.0f", m * l}')
		say "$1: maximum $(awk -v m="$max" 'BEGIN {printf "%.2f", m / 1e6}') Mpps through the memif; holding $load of it ($rate pps) for $HOLD_SECONDS s"
		hold "$1" "$pid" "$tid" "$pcap" "$max" "$rate" "$load"
	done
	stop "$pid"
	rm -rf "/var/run/dpdk/$p"
}

say "results in $RESULTS; load $(cut -d' ' -f1-3 /proc/loadavg)"
for dir in $DIRS; do run_dir "$dir"; done
printf '%s\n' "${SUMMARY[@]}" | tee "$RESULTS/summary.jsonl"
