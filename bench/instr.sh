#!/usr/bin/env bash
# bench/instr.sh - instructions per packet of the dataplane's hot path,
# counted by valgrind's callgrind on bench/micro's traffic.
#
# Cycles on a shared 2-core VM swing by a few percent from run to run;
# instructions do not: the same binary and traffic give the same count
# every time, whatever else the machine is doing. That makes this the
# figure to compare two commits with when the change is smaller than the
# cycle noise (docs/performance.md, "Instructions per packet"). It is not
# a speed: on the EPYC core measured there it retires about 6
# instructions per core cycle in this code, and a cache miss costs cycles
# that no instruction count shows - confirm a gain with `make bench-micro`.
#
#   bench/instr.sh [--dirs encap,decap,flood] [--entries 1000000]
#                  [--flows 1024] [--dsts 1] [--vlan 0] [--bursts 500] [--build DIR]
#
# For each direction: the instructions inside dp_burst_input() (one call
# per burst of 32: the dataplane's work and its transmit), split into the
# PMD's transmit (net_null freeing the mbufs: I/O, testpmd io pays it too)
# and the rest, vtepd's own work. Ends with one line of JSON.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build="$here/../build"
dirs="encap,decap" entries=1000000 flows=1024 dsts=1 vlan=0 bursts=500
while [[ $# -gt 0 ]]; do
	case "$1" in
	--dirs) dirs=$2; shift 2 ;;
	--entries) entries=$2; shift 2 ;;
	--flows) flows=$2; shift 2 ;;
	--dsts) dsts=$2; shift 2 ;;
	--vlan) vlan=$2; shift 2 ;;
	--bursts) bursts=$2; shift 2 ;;
	--build) build=$2; shift 2 ;;
	*) echo "usage: $0 [--dirs encap,decap,flood] [--entries N] [--flows N] [--dsts N] [--vlan N] [--bursts N] [--build DIR]" >&2
	   exit 2 ;;
	esac
done
micro="$build/bench/vtep-bench-micro"
[[ -x "$micro" ]] || { echo "instr: $micro not built (make build)" >&2; exit 1; }
command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null ||
	{ echo "instr: valgrind is not installed (scripts/install-deps.sh)" >&2; exit 1; }

work=$(mktemp -d /tmp/vtep-instr.XXXXXX)
trap 'rm -rf "$work"' EXIT

printf '%-6s %8s %6s %5s %4s | %9s %9s %9s\n' dir fdb flows dsts vlan "all/pkt" "tx/pkt" "work/pkt"
json=""
# count DIR BURSTS: "all calls tx" of one valgrind run.
count() {
	local dir=$1 nb=$2 out="$work/cg.$1.$2"
	# One forwarding lcore under valgrind's serialised threads; no
	# hugepages (valgrind cannot map them), no shared config.
	valgrind --tool=callgrind --callgrind-out-file="$out" \
		--toggle-collect=dp_burst_input \
		"$micro" -l 0,1 --no-pci --no-huge -m 1024 --no-shconf --no-telemetry \
		--file-prefix "vtep-instr-$$" --log-level=lib.eal:warning -- \
		--entries "$entries" --flows "$flows" --dsts "$dsts" --vlan "$vlan" --lens 60 \
		--dirs "$dir" --repeat 1 --bursts "$nb" >"$work/micro.$dir" 2>&1 ||
		{ echo "instr: $dir: valgrind run failed:" >&2; tail -5 "$work/micro.$dir" >&2; return 1; }
	# "N (p%)  >   file:dp_burst_input (Cx)": the calls (bursts of 32);
	# "N (p%)  *  file:dp_burst_input": its inclusive instructions;
	# callees of the inlined rte_eth_tx_burst() (the '>' lines under
	# "* .../rte_ethdev.h:dp_tx_flush"): the PMD's transmit.
	callgrind_annotate --inclusive=yes --tree=calling "$out" 2>/dev/null | awk '
		function num(s) { gsub(",", "", s); return s + 0 }
		/ \*  / { blk = $0 }
		/ \*  .*:dp_burst_input / { all = num($1) }
		/ >   .*:dp_burst_input \(/ { c = $0; sub(/.*\(/, "", c); sub(/x\).*/, "", c); calls += num(c) }
		/ >   / && blk ~ /rte_ethdev\.h:dp_tx_flush/ { tx += num($1) }
		END { printf "%d %d %d\n", all, calls, tx }'
}

IFS=, read -ra dir_list <<<"$dirs"
for dir in "${dir_list[@]}"; do
	# The first bursts of a run pay one-time costs (the learn filter and
	# the destination cache filling): the steady state is the difference
	# between a run and one twice as long.
	read -r all1 calls1 tx1 < <(count "$dir" "$bursts")
	read -r all2 calls2 tx2 < <(count "$dir" $((bursts * 2)))
	[[ "${calls2:-0}" -gt "${calls1:-0}" && "$all2" -gt "$all1" ]] ||
		{ echo "instr: $dir: no dp_burst_input calls counted" >&2; exit 1; }
	fdb=$(sed -n 's/.*"fdb_entries":\([0-9]*\).*/\1/p' "$work/micro.$dir")
	pkts=$(((calls2 - calls1) * 32))
	read -r a t w < <(awk -v a=$((all2 - all1)) -v t=$((tx2 - tx1)) -v p="$pkts" \
		'BEGIN { printf "%.1f %.1f %.1f\n", a / p, t / p, (a - t) / p }')
	printf '%-6s %8s %6s %5s %4s | %9s %9s %9s\n' "$dir" "$fdb" "$flows" "$dsts" "$vlan" "$a" "$t" "$w"
	json+="${json:+,}{\"dir\":\"$dir\",\"fdb_entries\":$fdb,\"flows\":$flows,\"dsts\":$dsts,\"vlan\":$vlan,\"packets\":$pkts,\"instr_all\":$a,\"instr_tx\":$t,\"instr_work\":$w}"
done
echo "all: instructions in dp_burst_input per input packet; tx: of them in the PMD's"
echo "transmit (freeing the mbufs); work: vtepd's own (all - tx). Deterministic: compare commits."
echo "{\"bench\":\"instr\",\"rows\":[$json]}"
