#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# manager_scale.sh vcenter|xenapi
# A 10,000-VM vCenter (or XenServer pool) behind one gateway, measured
# through vtepd itself:
#  - from vtepd's start to 10,000 MACs in its FDB (limit 5 s);
#  - one migration among them: from the vCenter call to the entry moved,
#    as vtepctl sees it, and inside vtepd from the update's arrival to the
#    table (limit 50 ms).
# The fake manager generates the inventory. vCenter: 4 hosts in clusters
# cl-0 (this gateway's site) and cl-1 (the other site, VTEP 192.0.2.2),
# every VM with one NIC on "VM Network" or one of four distributed
# portgroups. XenServer: pool "scale" of 4 hosts, scale-host0 and 2 in this
# site, 1 and 3 in the other, VIFs on networks net-0 and net-1.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/twosite.sh"

require_root
require_cmd ip curl openssl
require_build

KIND=${1:-vcenter}
NB_VMS=${NB_VMS:-10000}

setup() {
	local i
	ts_setup_network || return 1
	ts_certs || return 1
	printf 'vtepd-demo-secret\n' >"$TMP/vc.secret"
	chmod 600 "$TMP/vc.secret"
	if [[ $KIND == vcenter ]]; then
		bg "$TMP/vcenter.log" ip netns exec "$NS_MGMT" "$SYS_PYTHON" \
			"$SRCDIR/tests/fixtures/vcenter/fake_vcenter.py" --address 10.99.0.1 --port 8443 \
			--control-port 8080 --cert "$TMP/srv.pem" --key "$TMP/srv.key" --user svc-vtepd \
			--password vtepd-demo-secret --vms "$NB_VMS" --hosts 4 --clusters 2 \
			--ready-file "$TMP/mgr.ready"
		NETWORKS='"VM Network", "dvportgroup-10", "dvportgroup-11", "dvportgroup-12", "dvportgroup-13"'
		SITES='{ "name": "dc1", "clusters": [ "cl-0" ] },
		       { "name": "dc2", "vtep": "192.0.2.2", "clusters": [ "cl-1" ] }'
		MANAGER=${TS_VCENTER_MANAGER//@TMP@/$TMP}
	else
		ip -n "$NS_MGMT" addr add 10.99.0.10/24 dev br-mgmt
		for i in 11 12 13; do ip -n "$NS_MGMT" addr add "10.99.0.$i/24" dev br-mgmt; done
		cp "$TMP/vc.secret" "$TMP/xapi.secret"
		bg "$TMP/xapi.log" ip netns exec "$NS_MGMT" "$SYS_PYTHON" \
			"$SRCDIR/tests/fixtures/xenapi/fake_xapi.py" --base-ip 10.99.0.10 --port 8444 \
			--ctl-port 8081 --cert "$TMP/srv.pem" --key "$TMP/srv.key" --user root \
			--password vtepd-demo-secret --pool-name scale --hosts 4 --vms "$NB_VMS" \
			--networks 2 --ready-file "$TMP/mgr.ready"
		NETWORKS='"net-0", "net-1"'
		SITES='{ "name": "dc1", "hosts": [ "scale-host0", "scale-host2" ] },
		       { "name": "dc2", "vtep": "192.0.2.2", "hosts": [ "scale-host1", "scale-host3" ] }'
		MANAGER=${TS_XAPI_MANAGER//@TMP@/$TMP}
	fi
	for ((i = 0; i < 600; i++)); do
		[[ -s $TMP/mgr.ready ]] && break
		sleep 0.1
	done
	[[ -s $TMP/mgr.ready ]] || { cat "$TMP"/*.log; return 1; }
	cat >"$TMP/gwa.json" <<-EOF
	{
	  "gateway": { "name": "dc1-gw", "vtep_ip": "192.0.2.1", "site": "dc1" },
	  "ports": [
	    { "name": "access0", "role": "access", "device": "net_tap0,iface=vtapa" },
	    { "name": "underlay0", "role": "underlay", "device": "net_af_packet0,iface=ul0",
	      "ip": "192.0.2.1/24" } ],
	  "tenants": [ { "name": "acme", "segments": [
	    { "name": "web", "vni": 5001, "port": "access0", "vlan": 100, "flood": [ "192.0.2.2" ],
	      "networks": [ $NETWORKS ] } ] } ],
	  "sites": [ $SITES ],
	  "managers": [ $MANAGER ],
	  "limits": { "fdb_max": 65536 }
	}
	EOF
}

fdb_entries() {
	ctl gwa --json show counters 2>/dev/null |
		"$SYS_PYTHON" -c 'import json,sys; print(json.load(sys.stdin)["fdb"]["entries"])' 2>/dev/null
}

test_sync() {
	local t0 ms sync_ms n=0
	t0=$(date +%s%N)
	start_vtepd "$NS_GWA" gwa "$TMP/gwa.json" "$TMP/gwa.log" || return 1
	while (($(date +%s%N) - t0 < 30000000000)); do
		n=$(fdb_entries)
		[[ $n == "$NB_VMS" ]] && break
		sleep 0.05
	done
	ms=$((($(date +%s%N) - t0) / 1000000))
	sync_ms=$(ctl gwa --json show managers | "$SYS_PYTHON" -c \
		'import json,sys; print(json.load(sys.stdin)[0]["last_sync_ms"])')
	info "FIGURE ${KIND}_${NB_VMS}_vms_sync_ms $sync_ms"
	info "FIGURE ${KIND}_${NB_VMS}_vms_start_to_fdb_ms $ms"
	[[ $n == "$NB_VMS" && $sync_ms -lt 5000 ]]
	log_test $? "$KIND, $NB_VMS VMs synced in $sync_ms ms (limit 5000); $n MACs in the FDB $ms ms after vtepd started"
}

test_migration() {
	local mac vm=vm-00042 t0 ms us got=""
	# vm-00042 runs on host 2 (this site); host 1 is in the other site.
	mac=$(printf '02:00:00:00:00:%02x' 42)
	t0=$(date +%s%N)
	if [[ $KIND == vcenter ]]; then
		ts_vcenter migrate "{\"vm\": \"$vm\", \"host\": \"esx-0001\"}" >/dev/null
	else
		ts_xapi "{\"op\": \"migrate\", \"vm\": \"$vm\", \"host\": 1}" >/dev/null
	fi
	while (($(date +%s%N) - t0 < 5000000000)); do
		got=$(ctl gwa --json show fdb --mac "$mac" | "$SYS_PYTHON" -c \
			'import json,sys; e=json.load(sys.stdin); print(e[0].get("vtep","local") if e else "none")')
		[[ $got == 192.0.2.2 ]] && break
		sleep 0.005
	done
	ms=$((($(date +%s%N) - t0) / 1000000))
	us=$(ctl gwa --json show counters | "$SYS_PYTHON" -c \
		'import json,sys; print(json.load(sys.stdin)["control"]["manager_last_apply_us"])')
	info "FIGURE ${KIND}_${NB_VMS}_vms_migration_call_to_fdb_ms $ms"
	info "FIGURE ${KIND}_${NB_VMS}_vms_migration_update_to_table_us $us"
	[[ $got == 192.0.2.2 && $us -lt 50000 ]]
	log_test $? "$KIND, one migration among $NB_VMS: update -> table $us us inside vtepd (limit 50 ms); $ms ms from the manager call as vtepctl sees it"
}

setup || { echo "FAIL: setup"; exit 1; }
test_sync && test_migration
finish
