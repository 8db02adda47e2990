#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# bench/gateway.sh - whole-gateway VXLAN throughput on one forwarding core,
# side by side in one run:
#   testpmd  dpdk-testpmd --forward-mode=io: rx burst -> tx burst, packets
#            untouched; the software limit of these ports on this core;
#   vtepd    this gateway, with a FDB_ENTRIES-entry FDB (filled by its own
#            learning before the window opens);
#   ovs      Open vSwitch with its DPDK userspace datapath as a VXLAN VTEP
#            (the peer a user would otherwise pick).
# Encap and decap separately, for each flow count. Every peer gets the same
# two vdevs in the same order - port 0 the access side, port 1 the
# underlay - and the same frames:
#   encap: net_pcap_acc (replays plain_N.pcap from memory, infinite_rx) -> peer -> net_null_und
#   decap: net_null_acc <- peer <- net_pcap_und (replays vxlan_N.pcap)
# The replay runs on the peer's own core (its cost is what testpmd io
# measures) and the null sink frees what it gets: no NIC, no kernel
# interface, nothing leaves the process. Rates come from each process's
# DPDK telemetry (bench/measure.py), peers interleaved in every repetition.
#
#   sudo bench/gateway.sh            # default: about 5 minutes
#   sudo bench/gateway.sh --full     # 1, 1,024, 65,536 flows, 5 runs of 10 s
#   FLOWS=1024 REPEAT=1 PEERS="testpmd vtepd" bench/gateway.sh
#
# Ends with one JSON line for the 1,024-flow case (docs/performance.md).
# Knobs (environment): FLOWS DIRS PEERS REPEAT DURATION WARMUP FDB_ENTRIES
# FRAME_LEN HK_CORE PMD_CORE HUGEPAGES SOCKET_MEM NB_MBUFS VERIFY LEARN_RATE
# VLAN=N (the segment on VLAN N of the access port: encap's input and
# decap's output tagged; vtepd and testpmd only, OVS is left out)
# BUILD RESULTS, BASELINE=/other/build to add that vtepd as a peer, and
# RETRY_BELOW=95 (RETRIES=2) to measure again a case whose peer got less
# than 95% of its core (this VM is shared; see core% in the table). Needs root (hugepages; OVS's taps in a private netns).
set -uo pipefail
shopt -u patsub_replacement 2>/dev/null || true
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [[ ${1:-} == --full ]]; then
	FLOWS=${FLOWS:-"1 1024 65536"} REPEAT=${REPEAT:-5} DURATION=${DURATION:-10} WARMUP=${WARMUP:-3}
elif [[ -n ${1:-} ]]; then
	sed -n '3,27p' "$0"
	exit 2
fi
FLOWS=${FLOWS:-"1024 65536"}
DIRS=${DIRS:-"encap decap"}
PEERS=${PEERS:-"testpmd vtepd ovs"}
BASELINE=${BASELINE:-} # another vtepd build to compare, peer "baseline"
[[ -n $BASELINE && " $PEERS " != *" baseline "* ]] && PEERS="$PEERS baseline"
REPEAT=${REPEAT:-2}
DURATION=${DURATION:-5}
WARMUP=${WARMUP:-2}
FRAME_LEN=${FRAME_LEN:-60} # inner frame without FCS: 64 bytes on the wire
VLAN=${VLAN:-0}            # the traffic's segment on this VLAN of the access port (0: untagged)
VERIFY=${VERIFY:-1}        # check vtepd's output, one pass of 1,024 frames each way
RETRY_BELOW=${RETRY_BELOW:-0} # measure a case again when its peer got less % of its core
RETRIES=${RETRIES:-2}         # ... at most this many times
OVS_VSWITCHD=${OVS_VSWITCHD:-/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk}
OVS_SCHEMA=${OVS_SCHEMA:-/usr/share/openvswitch/vswitch.ovsschema}

command -v dpdk-testpmd >/dev/null || die "dpdk-testpmd missing (Debian package dpdk)"
HAVE_OVS=1
if [[ " $PEERS " == *" ovs "* && $VLAN != 0 ]]; then
	# The OVS pipeline here bridges an untagged access port; a tagged
	# one is another configuration, not measured by this script.
	say "VLAN=$VLAN: Open vSwitch is measured untagged only; measuring vtepd against testpmd"
	HAVE_OVS=0
	PEERS=${PEERS// ovs/}
elif [[ " $PEERS " == *" ovs "* && ! -x $OVS_VSWITCHD ]]; then
	say "Open vSwitch with DPDK is not installed ($OVS_VSWITCHD): scripts/install-deps.sh --bench;"
	say "measuring vtepd against testpmd only"
	HAVE_OVS=0
	PEERS=${PEERS// ovs/}
fi
bench_init gateway
TSC_MHZ=$(tsc_mhz)
PCAPS=$WORK/pcaps
"$GEN" pcap "$PCAPS" --flows "$(echo $FLOWS 1024 | tr ' ' ',')" --frame-len "$FRAME_LEN" \
	--vlan "$VLAN" ||
	die "cannot write the pcap files"

# vdevs DIR FLOWS [verify]: ACC, UND (devargs), IN, OUT (the vdev names measured)
vdevs() {
	local src
	if [[ $1 == encap ]]; then src=$PCAPS/plain_$2.pcap; else src=$PCAPS/vxlan_$2.pcap; fi
	if [[ ${3:-} == verify ]]; then
		# One pass of the file; the output captured.
		if [[ $1 == encap ]]; then
			ACC="net_pcap_acc,rx_pcap=$src" UND="net_pcap_und,tx_pcap=$WORK/out.pcap"
		else
			ACC="net_pcap_acc,tx_pcap=$WORK/out.pcap" UND="net_pcap_und,rx_pcap=$src"
		fi
	elif [[ $1 == encap ]]; then
		ACC="net_pcap_acc,rx_pcap=$src,infinite_rx=1" UND="net_null_und,no-rx=1"
	else
		ACC="net_null_acc,no-rx=1" UND="net_pcap_und,rx_pcap=$src,infinite_rx=1"
	fi
	IN=${ACC%%,*} OUT=${UND%%,*}
	[[ $1 == decap ]] && IN=${UND%%,*} OUT=${ACC%%,*}
}

measure() { # measure PREFIX TAG PID [at-start] [at-end] -> $RES
	RES=$("$PY" "$HERE/measure.py" --prefix "$1" --in "$IN" --out "$OUT" --warmup "$WARMUP" \
		--duration "$DURATION" --cpu "$PMD_CORE" --pid "$3" ${4:+--at-start "$4"} \
		${5:+--at-end "$5"} 2>>"$RESULTS/logs/$2.measure.log")
}

# ------------------------------------------------------------ testpmd
run_testpmd() { # DIR FLOWS TAG
	local p=vb_tp_$$
	vdevs "$1" "$2"
	start "$RESULTS/logs/$3.log" dpdk-testpmd $(eal $p) --vdev "$ACC" --vdev "$UND" -- \
		--nb-cores=1 --forward-mode=io --no-flush-rx --total-num-mbufs="$NB_MBUFS"
	local pid=$BG
	measure $p "$3" "$pid"
	stop "$pid"
	rm -rf "/var/run/dpdk/$p"
}

# ------------------------------------------------------------ vtepd
# Another build of vtepd (BASELINE=/path/to/build), measured like vtepd in
# the same run: a before/after comparison with the same peers around it.
run_baseline() { # DIR FLOWS TAG
	VTEPD=$BASELINE/control/vtepd VTEPCTL=$BASELINE/control/vtepctl run_vtepd "$@"
}

run_vtepd() { # DIR FLOWS TAG
	local p=vb_vtepd_$$ pid
	vdevs "$1" "$2"
	vtepd_config "$WORK/gw.json" "$ACC" "$UND"
	cp "$WORK/gw.json" "$RESULTS/logs/$3.json"
	start "$RESULTS/logs/$3.log" "$VTEPD" $(eal $p) -- --config "$WORK/gw.json"
	pid=$BG
	vtepd_wait "$pid" || say "  vtepd did not start, see $RESULTS/logs/$3.log"
	FDB=0
	((FDB_ENTRIES > 0)) && vtepd_fill "$RESULTS/logs/$3.fill.log" "$2"
	measure $p "$3" "$pid" "$VTEPCTL --socket $WORK/vtepd.sock --json show counters >$RESULTS/logs/$3.start.json" \
		"$VTEPCTL --socket $WORK/vtepd.sock --json show counters >$RESULTS/logs/$3.end.json"
	stop "$pid"
	rm -rf "/var/run/dpdk/$p"
}

# ------------------------------------------------------------ Open vSwitch
# The same VTEP as OVS users build it: br-int holds the access port and
# vxlan0 (VNI, local and remote IP); br-phy holds the underlay port and
# carries the tunnel IP on its LOCAL port; explicit flows (no NORMAL, no
# MAC learning), the cheapest pipeline OVS has; defaults otherwise.
run_ovs() { # DIR FLOWS TAG
	local d=$WORK/ovs p=vb_ovs_$$ vsw db i ns V A F
	vdevs "$1" "$2"
	rm -rf "$d" && mkdir -p "$d"
	export OVS_RUNDIR=$d OVS_LOGDIR=$d OVS_DBDIR=$d OVS_SYSCONFDIR=$d
	V="ovs-vsctl --db=unix:$d/db.sock --timeout=60"
	A="ovs-appctl -t $d/ovs-vswitchd.ctl"
	F="ovs-ofctl -O OpenFlow13"
	ovsdb-tool create "$d/conf.db" "$OVS_SCHEMA" || return
	start "$RESULTS/logs/$3.ovsdb.log" taskset -c "$HK_CORE" ovsdb-server "$d/conf.db" \
		--remote="punix:$d/db.sock" --unixctl="$d/ovsdb.ctl" --no-chdir
	db=$BG
	for ((i = 0; i < 100; i++)); do [[ -S $d/db.sock ]] && break; sleep 0.1; done
	$V --no-wait init
	$V --no-wait set Open_vSwitch . other_config:dpdk-init=true \
		other_config:dpdk-socket-mem="$SOCKET_MEM" \
		other_config:pmd-cpu-mask="$(printf '0x%x' $((1 << PMD_CORE)))" \
		other_config:dpdk-extra="--in-memory --file-prefix=$p --no-pci"
	start "$RESULTS/logs/$3.log" taskset -c "$HK_CORE" unshare --net -- "$OVS_VSWITCHD" \
		"unix:$d/db.sock" --unixctl="$d/ovs-vswitchd.ctl" --no-chdir --log-file="$d/vswitchd.log"
	vsw=$BG
	for ((i = 0; i < 600; i++)); do
		[[ $($V --no-wait get Open_vSwitch . dpdk_initialized 2>/dev/null) == true ]] && break
		kill -0 "$vsw" 2>/dev/null || break
		sleep 0.1
	done
	ns="nsenter --net=/proc/$vsw/ns/net"
	$ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	$V add-br br-int -- set bridge br-int datapath_type=netdev fail-mode=secure \
		-- add-br br-phy -- set bridge br-phy datapath_type=netdev fail-mode=secure \
		other-config:hwaddr=$LOCAL_MAC \
		-- add-port br-int vxlan0 -- set interface vxlan0 type=vxlan ofport_request=2 \
		options:remote_ip=$REMOTE_IP options:local_ip=$LOCAL_IP options:key=$VNI
	# br-phy's tap appears in the namespace once vswitchd has caught up.
	for ((i = 0; i < 100; i++)); do $ns ip link show br-phy >/dev/null 2>&1 && break; sleep 0.1; done
	$ns ip addr add "$LOCAL_IP/24" dev br-phy
	$ns ip link set br-phy up
	for ((i = 0; i < 50; i++)); do
		$A ovs/route/add "$REMOTE_IP/32" br-phy >/dev/null 2>&1 && break
		sleep 0.2
	done
	$A tnl/neigh/set br-phy "$REMOTE_IP" "$REMOTE_MAC" >/dev/null
	$F add-flow "unix:$d/br-int.mgmt" "in_port=1,actions=output:2"
	$F add-flow "unix:$d/br-int.mgmt" "in_port=2,actions=output:1"
	$F add-flow "unix:$d/br-phy.mgmt" "in_port=LOCAL,actions=output:1"
	$F add-flow "unix:$d/br-phy.mgmt" "in_port=1,actions=output:LOCAL"
	# The sink first, then the source (it starts replaying when added).
	if [[ $1 == encap ]]; then
		$V add-port br-phy underlay -- set interface underlay type=dpdk ofport_request=1 \
			"options:dpdk-devargs=$UND"
		$V add-port br-int access -- set interface access type=dpdk ofport_request=1 \
			"options:dpdk-devargs=$ACC"
	else
		$V add-port br-int access -- set interface access type=dpdk ofport_request=1 \
			"options:dpdk-devargs=$ACC"
		$V add-port br-phy underlay -- set interface underlay type=dpdk ofport_request=1 \
			"options:dpdk-devargs=$UND"
	fi
	measure $p "$3" "$vsw" "$A dpif-netdev/pmd-stats-clear >/dev/null" \
		"$A dpif-netdev/pmd-stats-show >$RESULTS/logs/$3.pmd-stats.txt 2>&1;
		 $A dpctl/dump-flows -m >$RESULTS/logs/$3.dp-flows.txt 2>&1"
	# What OVS really did: its datapath flow must push (pop) the tunnel.
	if ((rep == 1)) && [[ $2 == 1024 ]]; then
		local want='tnl_push(tnl_port(' got
		[[ $1 == decap ]] && want='tnl_pop('
		got=$(grep -o "${want}[^)]*)" "$RESULTS/logs/$3.dp-flows.txt" | head -1)
		if [[ -n $got ]]; then got="PASS datapath flow $got..."; else got="FAIL no $want datapath flow"; fi
		printf 'ovs\t%s\t%s\n' "$1" "$got" >>"$RESULTS/verify.tsv"
	fi
	stop "$vsw"
	stop "$db" 5
	rm -rf "/var/run/dpdk/$p" "$d"
	unset OVS_RUNDIR OVS_LOGDIR OVS_DBDIR OVS_SYSCONFDIR
}

# ------------------------------------------------------------ correctness
verify_vtepd() { # DIR
	local p=vb_verify_$$ pid n i last=-1 v
	vdevs "$1" 1024 verify
	rm -f "$WORK/out.pcap"
	vtepd_config "$WORK/gw.json" "$ACC" "$UND"
	start "$RESULTS/logs/verify_$1.log" "$VTEPD" $(eal $p) -- --config "$WORK/gw.json"
	pid=$BG
	# The one pass is over when the output stops growing.
	for ((i = 0; i < 100; i++)); do
		sleep 0.2
		n=$(stat -c %s "$WORK/out.pcap" 2>/dev/null || echo 0)
		((n > 24 && n == last)) && break
		last=$n
	done
	stop "$pid"
	rm -rf "/var/run/dpdk/$p"
	v=$("$PY" "$HERE/verify.py" "$1" "$PCAPS/plain_1024.pcap" "$WORK/out.pcap" --vlan "$VLAN" \
		2>&1 | tail -1)
	say "  vtepd $1: $v"
	printf 'vtepd\t%s\t%s\n' "$1" "$v" >>"$RESULTS/verify.tsv"
}

# ------------------------------------------------------------ run
say "results in $RESULTS; $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
{
	echo "date=$(date -u +%FT%TZ) host=$(hostname) tsc_mhz=$TSC_MHZ"
	echo "cpu=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)"
	echo "dpdk=$(dpkg-query -W -f='${Version}' dpdk 2>/dev/null)"
	echo "ovs=$(dpkg-query -W -f='${Version}' openvswitch-switch-dpdk 2>/dev/null)"
	echo "vtepd=$(git -C "$ROOT" describe --always --dirty 2>/dev/null)"
	echo "flows=$FLOWS dirs=$DIRS peers=$PEERS repeat=$REPEAT duration=$DURATION warmup=$WARMUP"
	echo "fdb_entries=$FDB_ENTRIES frame_len=$FRAME_LEN vlan=$VLAN pmd_core=$PMD_CORE hk_core=$HK_CORE"
} >"$RESULTS/env.txt"
: >"$RESULTS/verify.tsv"
if ((VERIFY)) && [[ " $PEERS " == *" vtepd "* ]]; then
	for dir in $DIRS; do verify_vtepd "$dir"; done
fi

RAW=$RESULTS/raw.tsv
printf 'rep\tdir\tflows\tpeer\tout_pps\tin_pps\tloss_pct\tbusy_pct\tsteal_pct\tfdb\tshare_pct\n' >"$RAW"
for ((rep = 1; rep <= REPEAT; rep++)); do
	for dir in $DIRS; do
		for flows in $FLOWS; do
			for peer in $PEERS; do
				tag=r${rep}_${dir}_${flows}_$peer
				declare -A r=()
				for ((try = 0; try <= RETRIES; try++)); do
					RES="" FDB="" r=()
					"run_$peer" "$dir" "$flows" "$tag"
					for kv in $RES; do r[${kv%%=*}]=${kv#*=}; done
					# Another process shared the core: the figure is
					# theirs as much as the peer's; measure again.
					awk -v s="${r[cpu_share_pct]:-0}" -v m="$RETRY_BELOW" 'BEGIN {exit !(s >= m)}' && break
					((try < RETRIES)) && say "  $peer got ${r[cpu_share_pct]:-?}% of its core, measuring again"
				done
				say "rep $rep $dir $flows flows $peer: $(awk -v p="${r[out_pps]:-0}" 'BEGIN {printf "%.2f", p / 1e6}') Mpps${FDB:+ (fdb $FDB)}, got ${r[cpu_share_pct]:-?}% of a core, steal ${r[cpu_steal_pct]:-?}%"
				printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$rep" "$dir" "$flows" "$peer" \
					"${r[out_pps]:-0}" "${r[in_pps]:-0}" "${r[loss_pct]:-NA}" \
					"${r[cpu_busy_pct]:-NA}" "${r[cpu_steal_pct]:-NA}" "${FDB:-}" \
					"${r[cpu_share_pct]:-NA}" >>"$RAW"
				unset r
			done
		done
	done
done

"$PY" "$HERE/report.py" "$RAW" "$TSC_MHZ" "$RESULTS/verify.tsv" $HAVE_OVS "$VLAN" |
	tee "$RESULTS/table.txt"
