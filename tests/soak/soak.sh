#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# make soak: vtepd under a steady load for a long time, in namespaces.
#
#   tests/soak/soak.sh [--seconds N] [--pps P] [--fdb-rate R] [--reconnect-s S]
#
# Defaults: 600 s, 2,000 datagrams a second each way, 10,000 FDB updates a
# second, a manager reconnect every 30 s. make test runs it for 60 s.
#
#   [vm] vm0 10.100.0.1 --veth-- [gw] vtepd: access0 (af_packet, untagged VNI 5001)
#                                         underlay0 (af_packet) 192.0.2.1
#                                         mgmt0 10.99.0.2 -- [mgmt] fake vCenter
#                                    |
#   [ul] bridge -- [host1] 192.0.2.2, kernel vxlan VNI 5001, 10.100.0.2
#
# The fake vCenter reports the VM (host esx-dc1-01: local) and host1's
# vxlan MAC (esx-dc2-01: behind 192.0.2.2), so the stable flows use manager
# entries. While a numbered UDP stream runs each way (vm <-> host1, plus a
# ping), a client churns static FDB entries (add/del of 4,096 other MACs in
# the same segment) over one management connection, and the manager is
# made to reconnect every --reconnect-s (restart of the fake and expired
# sessions, in turn). Checked at the end: no datagram or ping of the stable
# flows lost, the churn rate reached, one resync per reconnect, the mbuf
# pool's in_use back to its idle baseline, vtepd's RSS flat (sampled every
# 5 s from /proc/PID/status), no drop but the ones expected.
source "$(dirname "$0")/../netns/lib.sh"
source "$(dirname "$0")/../netns/twosite.sh"

SECONDS_RUN=600 PPS=2000 FDB_RATE=10000 RECONNECT_S=30
while [[ $# -gt 0 ]]; do
	case $1 in
	--seconds) SECONDS_RUN=$2; shift 2 ;;
	--pps) PPS=$2; shift 2 ;;
	--fdb-rate) FDB_RATE=$2; shift 2 ;;
	--reconnect-s) RECONNECT_S=$2; shift 2 ;;
	-h|--help) sed -n '2,26p' "$0"; exit 0 ;;
	*) echo "soak.sh: unknown argument $1 (--help)" >&2; exit 2 ;;
	esac
done

require_root
require_cmd ip ethtool ping curl openssl
require_build
# A long run keeps its files under a name of its own, apart from the
# shorter tests' /tmp/vtepd-test.* (cleanup removes $TMP, whichever).
rmdir "$TMP" && TMP=$(mktemp -d /tmp/vtepd-soak.XXXXXX)

SOAK_DIR=$(cd "$(dirname "$0")" && pwd)
NS_VM=$(ns vm) NS_GW=$(ns gw) NS_UL=$(ns ul) NS_H1=$(ns host1)
VM_MAC=02:00:00:0a:00:01 H1_MAC=02:00:00:0b:00:02
RSS_MAX_GROWTH_KB=8192 # from the warm-up (10 s) to the end
RSS_MAX_LATE_KB=1024   # over the second half: a leak would grow here

setup_network() {
	ns_add mgmt vm gw ul host1 || return 1
	veth "$NS_VM" vm0 "$NS_GW" acc0 || return 1
	veth "$NS_GW" ul0 "$NS_UL" gwp || return 1
	veth "$NS_H1" eth0 "$NS_UL" h1p || return 1
	veth "$NS_GW" mgmt0 "$NS_MGMT" m-gw || return 1
	ip -n "$NS_UL" link add br0 type bridge
	ip -n "$NS_UL" link set gwp master br0
	ip -n "$NS_UL" link set h1p master br0
	ip -n "$NS_UL" link set br0 up
	ip -n "$NS_MGMT" addr add 10.99.0.1/24 dev m-gw
	ip -n "$NS_GW" addr add 10.99.0.2/24 dev mgmt0
	ip -n "$NS_VM" link set vm0 address "$VM_MAC" mtu 1450
	ip -n "$NS_VM" addr add 10.100.0.1/24 dev vm0
	ip -n "$NS_H1" addr add 192.0.2.2/24 dev eth0
	ip -n "$NS_H1" link add vx0 address "$H1_MAC" type vxlan id 5001 local 192.0.2.2 \
		remote 192.0.2.1 dstport 4789 dev eth0
	ip -n "$NS_H1" link set vx0 mtu 1450 up
	ip -n "$NS_H1" addr add 10.100.0.2/24 dev vx0
	no_offload "$NS_H1" vx0
	# The manager's inventory: the VM in site A, host1 as a VM in site B.
	TS_VM_SITE=([vm]=a [host1]=b)
	TS_VM_MAC=([vm]=$VM_MAC [host1]=$H1_MAC)
}

gw_config() {
	cat >"$TMP/gw.json" <<-EOF
	{
	  "gateway": { "name": "soak-gw", "vtep_ip": "192.0.2.1", "site": "dc1" },
	  "ports": [
	    { "name": "access0", "role": "access", "device": "net_af_packet0,iface=acc0" },
	    { "name": "underlay0", "role": "underlay", "device": "net_af_packet1,iface=ul0",
	      "ip": "192.0.2.1/24" }
	  ],
	  "tenants": [ { "name": "acme", "segments": [
	    { "name": "web", "vni": 5001, "port": "access0", "vlan": "untagged",
	      "networks": [ "VM Network" ], "flood": [ "192.0.2.2" ] } ] } ],
	  "sites": [
	    { "name": "dc1", "vtep": "192.0.2.1", "hosts": [ "esx-dc1-*" ] },
	    { "name": "dc2", "vtep": "192.0.2.2", "hosts": [ "esx-dc2-*" ] } ],
	  "managers": [ { "type": "vcenter", "name": "vc1", "url": "https://10.99.0.1:8443/sdk",
	      "username": "svc-vtepd", "password_file": "$TMP/vc.secret", "ca_file": "$TMP/ca.pem",
	      "wait_s": 10, "backoff_min_ms": 200, "backoff_max_ms": 2000 } ],
	  "limits": { "fdb_max": 65536, "vteps_max": 64, "segments_max": 64 }
	}
	EOF
}

counters() { ctl gw --json show counters; }
jget() { "$SYS_PYTHON" -c "import json,sys; e=json.load(sys.stdin); print($1)"; }
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$GW_PID/status"; }

setup() {
	local i
	setup_network || return 1
	ts_start_vcenter || return 1
	gw_config
	start_vtepd "$NS_GW" gw "$TMP/gw.json" "$TMP/gw.log" || return 1
	GW_PID=$VTEPD_PID
	for ((i = 0; i < 150; i++)); do
		[[ $(ctl gw --json show fdb --mac "$H1_MAC" | jget 'e[0]["source"] if e else ""') == \
			vcenter:vc1 ]] && break
		sleep 0.1
	done
	ip netns exec "$NS_VM" ping -c 3 -i 0.2 -W 2 10.100.0.2 >/dev/null
}

# Make the manager reconnect every RECONNECT_S: restart and expiry in turn.
reconnector() {
	local n=0
	# A subshell: it must not run lib.sh's cleanup (and delete $TMP) if
	# it is signalled.
	trap - EXIT INT TERM
	while sleep "$RECONNECT_S"; do
		echo "$(date +%s) reconnect $((n + 1))" >>"$TMP/reconnects"
		if ((n++ % 2 == 0)); then
			ts_vcenter restart '{"down_s": 1}' >/dev/null
		else
			ts_vcenter expire_sessions '{}' >/dev/null
		fi
	done
}

run() {
	local d=$SECONDS_RUN t r
	BASE_INUSE=$(counters | jget 'e["mempool"]["in_use"]')
	BASE_DROPS=$(counters | jget 'e["drops"]')
	BASE_RESYNCS=$(ctl gw --json show managers | jget 'e[0]["resyncs"]')
	bg "$TMP/recv-h1.log" ip netns exec "$NS_H1" "$SYS_PYTHON" "$SOAK_DIR/udp_flow.py" recv \
		5001 $((d + 8)) "$TMP/recv-h1.json"
	bg "$TMP/recv-vm.log" ip netns exec "$NS_VM" "$SYS_PYTHON" "$SOAK_DIR/udp_flow.py" recv \
		5002 $((d + 8)) "$TMP/recv-vm.json"
	sleep 1
	bg "$TMP/send-vm.log" ip netns exec "$NS_VM" "$SYS_PYTHON" "$SOAK_DIR/udp_flow.py" send \
		10.100.0.2 5001 "$PPS" "$d" "$TMP/send-vm.json"
	bg "$TMP/send-h1.log" ip netns exec "$NS_H1" "$SYS_PYTHON" "$SOAK_DIR/udp_flow.py" send \
		10.100.0.1 5002 "$PPS" "$d" "$TMP/send-h1.json"
	ip netns exec "$NS_VM" ping -i 0.1 -c $((d * 10)) -W 2 10.100.0.2 >"$TMP/ping" 2>&1 &
	local ping_pid=$!
	bg "$TMP/churn.log" "$SYS_PYTHON" "$SOAK_DIR/fdb_churn.py" "$TMP/gw.sock" 5001 192.0.2.9 \
		"$FDB_RATE" "$d" "$TMP/churn.json"
	reconnector &
	local rec_pid=$!
	pids+=("$rec_pid")
	sleep 10 # warm-up: tables, caches and the churn's MACs at their size
	RSS_START=$(rss_kb)
	RSS_MAX=$RSS_START
	for ((t = 10; t < d; t += 5)); do
		sleep 5
		r=$(rss_kb)
		((r > RSS_MAX)) && RSS_MAX=$r
		((t <= d / 2)) && RSS_MID=$r
		echo "$t $r" >>"$TMP/rss"
	done
	kill "$rec_pid" 2>/dev/null
	wait "$ping_pid"
	PING_RC=$?
	sleep 9 # receivers and the churn finish; the pool settles
	RSS_END=$(rss_kb)
}

report() {
	local sent_vm sent_h1 rx_h1 rx_vm lost rate inuse drops resyncs nrec
	sent_vm=$(jget 'e["sent"]' <"$TMP/send-vm.json")
	sent_h1=$(jget 'e["sent"]' <"$TMP/send-h1.json")
	rx_h1=$(jget 'e["received"]' <"$TMP/recv-h1.json")
	rx_vm=$(jget 'e["received"]' <"$TMP/recv-vm.json")
	lost=$((sent_vm - rx_h1 + sent_h1 - rx_vm))
	info "udp: vm->host1 $rx_h1/$sent_vm, host1->vm $rx_vm/$sent_h1 ($PPS pps each way for ${SECONDS_RUN}s)"
	[[ $lost -eq 0 ]]
	log_test $? "stable UDP flows, $((sent_vm + sent_h1)) datagrams at $((2 * PPS)) pps: $lost lost"
	grep -E "packets transmitted" "$TMP/ping" | sed 's/^/    ping: /'
	[[ $PING_RC -eq 0 ]] && grep -q " 0% packet loss" "$TMP/ping"
	log_test $? "ping vm -> host1 every 100 ms: no loss"
	rate=$(jget 'int(e["rate"])' <"$TMP/churn.json")
	info "fdb churn: $(cat "$TMP/churn.json")"
	[[ $(jget 'e["ok"] == e["requests"]' <"$TMP/churn.json") == True &&
		$rate -ge $((FDB_RATE * 9 / 10)) ]]
	log_test $? "FDB churn: $rate updates/s achieved (asked $FDB_RATE), every one ok"
	nrec=$(cat "$TMP/reconnects" 2>/dev/null | wc -l)
	resyncs=$(($(ctl gw --json show managers | jget 'e[0]["resyncs"]') - BASE_RESYNCS))
	[[ $resyncs -ge $nrec && $(ctl gw --json show managers | jget 'e[0]["state"]') == streaming ]]
	log_test $? "manager: $nrec forced reconnects, $resyncs resyncs, streaming"
	inuse=$(counters | jget 'e["mempool"]["in_use"]')
	[[ $inuse -eq $BASE_INUSE ]]
	log_test $? "mbuf pool in_use back to its baseline ($BASE_INUSE -> $inuse)"
	[[ $((RSS_END - RSS_START)) -le $RSS_MAX_GROWTH_KB &&
		$((RSS_END - RSS_MID)) -le $RSS_MAX_LATE_KB ]]
	log_test $? "vtepd RSS flat: $RSS_START kB after warm-up, $RSS_MID at half time, end $RSS_END kB"
	drops=$(($(counters | jget 'e["drops"]') - BASE_DROPS))
	info "drops during the run: $drops ($(counters | jget '", ".join("%s %d" % (d["reason"], d["pkts"]) for d in e["drop_reasons"])'))"
	kill -0 "$GW_PID"
	log_test $? "vtepd still up"
	info "figure: soak ${SECONDS_RUN}s: $((2 * PPS)) pps, lost $lost; fdb $rate/s; resyncs $resyncs; mempool in_use $BASE_INUSE -> $inuse; RSS $RSS_START -> $RSS_MID (half time) -> $RSS_END kB"
}

setup || { echo "FAIL: setup"; cat "$TMP/gw.log"; exit 1; }
run
report
finish
