#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# bench/idle.sh - what idle backoff (dataplane.idle_backoff, idle_max_us)
# costs when traffic comes back, and what it saves while there is none.
#
#   vtep-bench-gen --(memif)--> vtepd access0 -> underlay0 --(memif)--> vtep-bench-gen
#
# For busy polling (idle_backoff false) and for each idle_max_us in
# MAX_US_LIST:
#   latency  - one frame every INTERVAL_US (default 2,000 us: long enough
#              for the lcore to back off to its longest sleep), stamped
#              with the TSC and timed when it comes back encapsulated;
#              COUNT samples: min, median, p90, p99, max. The wake-up cost
#              is the difference to busy polling.
#   idle CPU - the forwarding thread's CPU time over IDLE_SECONDS with no
#              traffic at all (/proc/<pid>/task/<tid>/stat), in % of a core.
#
#   sudo bench/idle.sh
# Knobs: MAX_US_LIST ("10 50 100 200") INTERVAL_US COUNT IDLE_SECONDS, lib.sh's.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MAX_US_LIST=${MAX_US_LIST:-"10 50 100 200"}
INTERVAL_US=${INTERVAL_US:-2000}
COUNT=${COUNT:-2000}
IDLE_SECONDS=${IDLE_SECONDS:-10}
FDB_ENTRIES=0 # latency of the idle path, not of the table
SOCKET_MEM=${SOCKET_MEM:-512}
NB_MBUFS=${NB_MBUFS:-16384}

bench_init idle
"$GEN" pcap "$WORK/pcaps" --flows 64 || die "cannot write the pcap files"
HZ=$(getconf CLK_TCK)
ROWS=()

run_case() { # BACKOFF MAX_US
	local p=vb_vtepd_$$ pid tid c0 c1 lat cpu tag=idle_$1_$2
	vtepd_config "$WORK/gw.json" \
		"net_memif_a,role=server,socket=$WORK/a.sock,socket-abstract=no" \
		"net_memif_u,role=server,socket=$WORK/u.sock,socket-abstract=no" "$1" "$2"
	start "$RESULTS/logs/$tag.vtepd.log" "$VTEPD" $(eal $p) -- --config "$WORK/gw.json"
	pid=$BG
	vtepd_wait "$pid" || die "vtepd did not start, see $RESULTS/logs/$tag.vtepd.log"
	tid=$(pmd_tid "$pid")

	# Idle CPU first: no peer connected, nothing to receive.
	sleep 1
	c0=$(thread_cpu "$pid" "$tid")
	sleep "$IDLE_SECONDS"
	c1=$(thread_cpu "$pid" "$tid")
	cpu=$(awk -v a="${c0% *}" -v b="${c1% *}" -v hz="$HZ" -v s="$IDLE_SECONDS" \
		'BEGIN {printf "%.2f", 100 * (b - a) / hz / s}')

	"$GEN" -l "$HK_CORE" --in-memory --file-prefix "vb_gen_$$" -m 256 --no-pci \
		--vdev "net_memif_a,role=client,socket=$WORK/a.sock,socket-abstract=no" \
		--vdev "net_memif_u,role=client,socket=$WORK/u.sock,socket-abstract=no" \
		--log-level=lib.eal:warning -- --latency --pcap "$WORK/pcaps/plain_64.pcap" \
		--interval-us "$INTERVAL_US" --count "$COUNT" >"$RESULTS/logs/$tag.gen.log" 2>&1
	rm -rf "/var/run/dpdk/vb_gen_$$"
	lat=$(grep '^{' "$RESULTS/logs/$tag.gen.log" | tail -1)
	stop "$pid"
	rm -rf "/var/run/dpdk/$p"
	ROWS+=("{\"idle_backoff\": $1, \"idle_max_us\": $2, \"idle_cpu_pct\": $cpu, \"latency\": ${lat:-null}}")
	say "backoff=$1 idle_max_us=$2: idle CPU $cpu% of a core; latency ${lat:-none}"
}

say "results in $RESULTS; load $(cut -d' ' -f1-3 /proc/loadavg); forwarding core neighbours: $(pmd_core_neighbours)"
run_case false 50
for us in $MAX_US_LIST; do run_case true "$us"; done
printf '%s\n' "${ROWS[@]}" | tee "$RESULTS/summary.jsonl" | "$PY" -c '
import json, sys
rows = [json.loads(l) for l in sys.stdin]
base = rows[0]["latency"] or {}
print("%-12s %9s %8s %8s %8s %8s %8s %10s" % ("mode", "idle CPU", "min us", "p50 us", "p90 us",
                                             "p99 us", "max us", "p50 - busy"))
for r in rows:
    l = r["latency"] or {}
    mode = "busy poll" if not r["idle_backoff"] else "max %d us" % r["idle_max_us"]
    print("%-12s %8.2f%% %8.2f %8.2f %8.2f %8.2f %8.2f %10.2f" % (
        mode, r["idle_cpu_pct"], l.get("min_us", 0), l.get("p50_us", 0), l.get("p90_us", 0),
        l.get("p99_us", 0), l.get("max_us", 0), l.get("p50_us", 0) - base.get("p50_us", 0)))
'
