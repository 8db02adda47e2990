# SPDX-License-Identifier: BSD-3-Clause
# tests/netns/twosite.sh - two data-center sites on one machine, for the
# manager end-to-end tests and `make demo`. Source after lib.sh.
#
#                 [mgmt] 10.99.0.1  fake vCenter / fake XenServer pool
#                    |  management network (br-mgmt)
#          +---------+----------+
#   [gwa] 10.99.0.2         [gwb] 10.99.0.3
#   vtepd "dc1-gw"          vtepd "dc2-gw"
#   access0 = tap vtapa     access0 = tap vtapb      (trunk, VLAN 100)
#   underlay0 = ul0         underlay0 = ul0          (net_af_packet)
#   192.0.2.1 ------[wan] br-wan------ 192.0.2.2     (the underlay)
#   switch: ports of        switch: ports of
#   the VMs of site A       the VMs of site B
#
# A VM is a namespace vm-<name> with eth0 on VLAN 100 (10.10.0.0/24,
# MTU 1450), its link's other end a port of its site's learning switch
# (vlan_switch.py). Moving that link to the other site's switch is the
# network half of a live migration; the manager's event is the other half.

TS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TS_VLAN=100
TS_VNI=5001
NS_MGMT=$(ns mgmt) NS_WAN=$(ns wan) NS_GWA=$(ns gwa) NS_GWB=$(ns gwb)
declare -A TS_VM_SITE TS_VM_MAC TS_VM_IP

ts_gw_ns() { [[ $1 == a ]] && echo "$NS_GWA" || echo "$NS_GWB"; }

# The networks: management, underlay, the gateways' namespaces.
ts_setup_network() {
	ns_add mgmt wan gwa gwb || return 1
	ip -n "$NS_MGMT" link add br-mgmt type bridge
	ip -n "$NS_MGMT" link set br-mgmt up
	ip -n "$NS_MGMT" addr add 10.99.0.1/24 dev br-mgmt
	ip -n "$NS_WAN" link add br-wan type bridge
	ip -n "$NS_WAN" link set br-wan up
	local i=1
	for s in a b; do
		local gw
		gw=$(ts_gw_ns $s)
		i=$((i + 1))
		veth "$gw" mgmt0 "$NS_MGMT" "m-$s" || return 1
		ip -n "$NS_MGMT" link set "m-$s" master br-mgmt
		ip -n "$gw" addr add "10.99.0.$i/24" dev mgmt0
		veth "$gw" ul0 "$NS_WAN" "w-$s" || return 1
		ip -n "$NS_WAN" link set "w-$s" master br-wan
	done
}

# ts_vm NAME SITE IP MAC: a VM namespace on VLAN 100 behind SITE's switch.
ts_vm() {
	local name=$1 site=$2 ip=$3 mac=$4 nsv
	nsv=$(ns "vm-$name")
	ns_add "vm-$name" || return 1
	veth "$nsv" eth0 "$(ts_gw_ns "$site")" "$name-p" || return 1
	ip -n "$nsv" link set eth0 address "$mac" mtu 1450
	ip -n "$nsv" addr add "$ip/24" dev eth0
	TS_VM_SITE[$name]=$site
	TS_VM_MAC[$name]=$mac
	TS_VM_IP[$name]=$ip
}

ts_switch_cmd() { # site command...
	local site=$1
	shift
	echo "$*" | ip netns exec "$(ts_gw_ns "$site")" nc -U -N "$TMP/switch-$site.sock" \
		2>/dev/null | head -1
}

# The two switches, with every VM port created so far.
ts_start_switches() {
	local i
	for s in a b; do
		local args=() gw
		gw=$(ts_gw_ns $s)
		for v in "${!TS_VM_SITE[@]}"; do
			[[ ${TS_VM_SITE[$v]} == "$s" ]] && args+=(--port "$v-p:$TS_VLAN")
		done
		bg "$TMP/switch-$s.log" ip netns exec "$gw" "$SYS_PYTHON" "$TS_DIR/vlan_switch.py" \
			--trunk "vtap$s" --control "$TMP/switch-$s.sock" "${args[@]}"
	done
	for ((i = 0; i < 50; i++)); do
		[[ -S $TMP/switch-a.sock && -S $TMP/switch-b.sock ]] && return 0
		sleep 0.1
	done
	echo "switches did not start" >&2
	return 1
}

# The network half of a migration: the VM's link moves to the other
# site's switch (its MAC and IP stay).
ts_move_vm() { # name to_site
	local name=$1 to=$2 from=${TS_VM_SITE[$1]}
	ts_switch_cmd "$from" del "$name-p" >/dev/null
	ip -n "$(ts_gw_ns "$from")" link set "$name-p" netns "$(ts_gw_ns "$to")"
	ip -n "$(ts_gw_ns "$to")" link set "$name-p" up
	no_offload "$(ts_gw_ns "$to")" "$name-p"
	[[ $(ts_switch_cmd "$to" add "$name-p" $TS_VLAN) == ok ]] || return 1
	TS_VM_SITE[$name]=$to
}

# A CA and a server certificate for the manager's address.
ts_certs() {
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -keyout "$TMP/ca.key" -out "$TMP/ca.pem" \
		-subj "/CN=vtepd demo CA" >/dev/null 2>&1 || return 1
	openssl req -newkey rsa:2048 -nodes -keyout "$TMP/srv.key" -out "$TMP/srv.csr" \
		-subj "/CN=10.99.0.1" >/dev/null 2>&1 || return 1
	printf 'subjectAltName=IP:10.99.0.1,IP:10.99.0.10,IP:10.99.0.11,IP:10.99.0.12\n' \
		>"$TMP/san.ext"
	openssl x509 -req -in "$TMP/srv.csr" -CA "$TMP/ca.pem" -CAkey "$TMP/ca.key" \
		-CAcreateserial -out "$TMP/srv.pem" -days 2 -extfile "$TMP/san.ext" >/dev/null 2>&1
}

# The fake vCenter on the management network, with an inventory of the
# VMs created so far: hosts esx-dc1-01 (site A) and esx-dc2-01 (site B).
ts_start_vcenter() {
	local i
	local vms="" sep=""
	for v in "${!TS_VM_SITE[@]}"; do
		local host=esx-dc1-01
		[[ ${TS_VM_SITE[$v]} == b ]] && host=esx-dc2-01
		vms+="$sep{\"name\": \"$v\", \"host\": \"$host\","
		vms+=" \"nics\": [{\"mac\": \"${TS_VM_MAC[$v]}\", \"network\": \"VM Network\"}]}"
		sep=", "
	done
	cat >"$TMP/inventory.json" <<-EOF
	{ "clusters": [ { "name": "dc1-cluster" }, { "name": "dc2-cluster" } ],
	  "networks": [ { "name": "VM Network" }, { "name": "Management" } ],
	  "hosts": [ { "name": "esx-dc1-01", "cluster": "dc1-cluster" },
	             { "name": "esx-dc2-01", "cluster": "dc2-cluster" } ],
	  "vms": [ $vms ] }
	EOF
	printf 'vtepd-demo-secret\n' >"$TMP/vc.secret"
	chmod 600 "$TMP/vc.secret"
	ts_certs || return 1
	bg "$TMP/vcenter.log" ip netns exec "$NS_MGMT" "$SYS_PYTHON" \
		"$SRCDIR/tests/fixtures/vcenter/fake_vcenter.py" --address 10.99.0.1 --port 8443 \
		--control-port 8080 --cert "$TMP/srv.pem" --key "$TMP/srv.key" --user svc-vtepd \
		--password vtepd-demo-secret --inventory "$TMP/inventory.json" \
		--ready-file "$TMP/vcenter.ready"
	for ((i = 0; i < 100; i++)); do
		[[ -s $TMP/vcenter.ready ]] && return 0
		sleep 0.1
	done
	echo "fake vCenter did not start; its log:" >&2
	cat "$TMP/vcenter.log" >&2
	return 1
}

# POST a control verb to the fake vCenter.
ts_vcenter() { # verb json
	ip netns exec "$NS_MGMT" curl -sf -X POST -H 'Content-Type: application/json' \
		--data "$2" "http://10.99.0.1:8080/control/$1"
}

TS_VCENTER_MANAGER='{ "type": "vcenter", "name": "vc1", "url": "https://10.99.0.1:8443/sdk",
      "username": "svc-vtepd", "password_file": "@TMP@/vc.secret", "ca_file": "@TMP@/ca.pem",
      "wait_s": 30, "backoff_min_ms": 200, "backoff_max_ms": 2000 }'

# ts_gw_config SITE MANAGER_JSON: site a is dc1 (192.0.2.1), b is dc2 (192.0.2.2).
ts_gw_config() {
	local s=$1 mgr=${2//@TMP@/$TMP} ip other name site
	if [[ $s == a ]]; then
		ip=192.0.2.1 other=192.0.2.2 name=dc1-gw site=dc1
	else
		ip=192.0.2.2 other=192.0.2.1 name=dc2-gw site=dc2
	fi
	cat >"$TMP/gw$s.json" <<-EOF
	{
	  "gateway": { "name": "$name", "vtep_ip": "$ip", "site": "$site" },
	  "ports": [
	    { "name": "access0", "role": "access", "device": "net_tap0,iface=vtap$s" },
	    { "name": "underlay0", "role": "underlay", "device": "net_af_packet0,iface=ul0",
	      "ip": "$ip/24" }
	  ],
	  "tenants": [ { "name": "acme", "segments": [
	    { "name": "web", "vni": $TS_VNI, "port": "access0", "vlan": $TS_VLAN,
	      "networks": [ "VM Network" ], "flood": [ "$other" ] } ] } ],
	  "sites": [
	    { "name": "dc1", "vtep": "192.0.2.1", "hosts": [ "esx-dc1-*", "xen-dc1-*" ],
	      "clusters": [ "dc1-cluster" ] },
	    { "name": "dc2", "vtep": "192.0.2.2", "hosts": [ "esx-dc2-*", "xen-dc2-*" ],
	      "clusters": [ "dc2-cluster" ] } ],
	  "managers": [ ${mgr} ],
	  "limits": { "fdb_max": 65536, "vteps_max": 64, "segments_max": 64 }
	}
	EOF
}

# Start both gateways (after ts_gw_config); their taps get their offloads off.
ts_start_gateways() {
	for s in a b; do
		start_vtepd "$(ts_gw_ns $s)" "gw$s" "$TMP/gw$s.json" "$TMP/gw$s.log" || return 1
		eval "GW_PID_$s=$VTEPD_PID"
		no_offload "$(ts_gw_ns $s)" "vtap$s"
	done
}

# Wait until gateway SITE's FDB has the VM's MAC with TYPE/VTEP; prints ms waited.
ts_wait_fdb() { # site vm want(local|<vtep ip>) timeout_s
	local start=$(date +%s%N) deadline=$(($(date +%s) + ${4:-10})) got
	while (($(date +%s) < deadline)); do
		got=$(ctl "gw$1" --json show fdb --mac "${TS_VM_MAC[$2]}" 2>/dev/null |
			"$SYS_PYTHON" -c 'import json,sys
e=json.load(sys.stdin)
print(e[0].get("vtep","local") if e else "none")' 2>/dev/null)
		if [[ $got == "$3" ]]; then
			echo $((($(date +%s%N) - start) / 1000000))
			return 0
		fi
		sleep 0.01
	done
	echo "timeout (last: $got)"
	return 1
}

# The fake XenServer pool on the management network: one pool whose host
# xen-dc1-01 (10.99.0.10) is in site A and xen-dc2-01 (10.99.0.11) in site B,
# every VM created so far on its site's host, network "VM Network".
ts_start_xapi() {
	local i
	local vms="" sep=""
	for v in "${!TS_VM_SITE[@]}"; do
		local host=0
		[[ ${TS_VM_SITE[$v]} == b ]] && host=1
		vms+="$sep{\"name\": \"$v\", \"host\": $host,"
		vms+=" \"vifs\": [{\"mac\": \"${TS_VM_MAC[$v]}\", \"network\": \"VM Network\"}]}"
		sep=", "
	done
	printf '{ "hosts": ["xen-dc1-01", "xen-dc2-01"], "networks": ["VM Network"],\n' \
		>"$TMP/xapi-inventory.json"
	printf '  "vms": [ %s ] }\n' "$vms" >>"$TMP/xapi-inventory.json"
	printf 'vtepd-demo-secret\n' >"$TMP/xapi.secret"
	chmod 600 "$TMP/xapi.secret"
	ip -n "$NS_MGMT" addr add 10.99.0.10/24 dev br-mgmt
	ip -n "$NS_MGMT" addr add 10.99.0.11/24 dev br-mgmt
	ts_certs || return 1
	bg "$TMP/xapi.log" ip netns exec "$NS_MGMT" "$SYS_PYTHON" \
		"$SRCDIR/tests/fixtures/xenapi/fake_xapi.py" --base-ip 10.99.0.10 --port 8444 \
		--ctl-port 8081 --cert "$TMP/srv.pem" --key "$TMP/srv.key" --user root \
		--password vtepd-demo-secret --pool-name demo-pool \
		--inventory "$TMP/xapi-inventory.json" --ready-file "$TMP/xapi.ready"
	for ((i = 0; i < 100; i++)); do
		[[ -s $TMP/xapi.ready ]] && return 0
		sleep 0.1
	done
	echo "fake XAPI did not start; its log:" >&2
	cat "$TMP/xapi.log" >&2
	return 1
}

# POST a control operation to the fake pool: ts_xapi '{"op": "migrate", ...}'.
ts_xapi() {
	ip netns exec "$NS_MGMT" curl -sf -X POST -H 'Content-Type: application/json' \
		--data "$1" "http://127.0.0.1:8081/ctl"
}

TS_XAPI_MANAGER='{ "type": "xenapi", "name": "pool1", "url": "https://10.99.0.10:8444",
      "username": "root", "password_file": "@TMP@/xapi.secret", "ca_file": "@TMP@/ca.pem",
      "wait_s": 30, "backoff_min_ms": 200, "backoff_max_ms": 2000 }'
