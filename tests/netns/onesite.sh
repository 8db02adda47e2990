# SPDX-License-Identifier: BSD-3-Clause
# tests/netns/onesite.sh - one vtepd gateway between a VM and two Linux
# kernel VTEPs. Source after lib.sh.
#
#   [vm]  vm0 10.100.0.1/24
#    |  veth
#   [gw]  sw-vm <- 802.1Q access switch (vlan_switch.py, VLAN 100) -> vtap0 (trunk)
#         vtap0 = vtepd access0 (net_tap)         ul0 = vtepd underlay0 (net_af_packet),
#                                                       VTEP 192.0.2.1
#                                                   |  veth
#   [ul]  bridge br0 -----------------------+-------+
#          |                                 |
#   [host1] eth0 192.0.2.2, vx0 (kernel vxlan, VNI 5001, remote 192.0.2.1) 10.100.0.2
#   [host2] eth0 192.0.2.3, vx0 (kernel vxlan, VNI 5001, remote 192.0.2.1) 10.100.0.3
#
# The access port is a net_tap rather than net_af_packet: DPDK 22.11's
# af_packet PMD joins a PACKET_FANOUT group with FLAG_DEFRAG, so the kernel
# reassembles a VM's IP fragments before the PMD sees them (a NIC never
# does), and pings above the MTU would arrive as oversize frames. The
# underlay, where VXLAN is never fragmented, is net_af_packet on a veth.

NS_VM=$(ns vm) NS_GW=$(ns gw) NS_UL=$(ns ul) NS_H1=$(ns host1) NS_H2=$(ns host2)
OS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

mac_of() { ip -n "$1" -br link show "$2" | awk '{print $3}'; }

# onesite_setup [SEGMENT_EXTRA_JSON]: ", \"k\": v" keys added to the segment.
onesite_setup() {
	onesite_network || return 1
	onesite_config "${1:-}"
	onesite_start
}

# Namespaces, links, the VM on VLAN 100 and the kernel VTEPs (VNI 5001).
onesite_network() {
	ns_add vm gw ul host1 host2 || return 1
	veth "$NS_VM" vm0 "$NS_GW" sw-vm || return 1
	veth "$NS_GW" ul0 "$NS_UL" gwp || return 1
	veth "$NS_H1" eth0 "$NS_UL" h1p || return 1
	veth "$NS_H2" eth0 "$NS_UL" h2p || return 1
	ip -n "$NS_UL" link add br0 type bridge
	for p in gwp h1p h2p; do ip -n "$NS_UL" link set "$p" master br0; done
	ip -n "$NS_UL" link set br0 up

	ip -n "$NS_VM" link set vm0 mtu 1450
	ip -n "$NS_VM" addr add 10.100.0.1/24 dev vm0

	local i=1
	for h in "$NS_H1" "$NS_H2"; do
		i=$((i + 1))
		ip -n "$h" addr add "192.0.2.$i/24" dev eth0
		ip -n "$h" link add vx0 type vxlan id 5001 local "192.0.2.$i" remote 192.0.2.1 \
			dstport 4789 dev eth0
		ip -n "$h" link set vx0 mtu 1450 up
		ip -n "$h" addr add "10.100.0.$i/24" dev vx0
		no_offload "$h" vx0
	done
}

# The default configuration: segment 5001 on VLAN 100, flooding to both hosts.
onesite_config() {
	local extra=${1:-}
	cat >"$TMP/gw.json" <<-EOF
	{
	  "gateway": { "name": "gw-test", "vtep_ip": "192.0.2.1" },
	  "ports": [
	    { "name": "access0", "role": "access", "device": "net_tap0,iface=vtap0" },
	    { "name": "underlay0", "role": "underlay", "device": "net_af_packet1,iface=ul0",
	      "ip": "192.0.2.1/24" }
	  ],
	  "tenants": [ { "name": "acme", "segments": [
	    { "name": "web", "vni": 5001, "port": "access0", "vlan": 100,
	      "flood": [ "192.0.2.2", "192.0.2.3" ]$extra } ] } ],
	  "limits": { "fdb_max": 65536 }
	}
	EOF
}

# vtepd on $TMP/gw.json and the access switch (ports added with onesite_port).
onesite_start() {
	local i
	start_vtepd "$NS_GW" gw "$TMP/gw.json" "$TMP/gw.log" || return 1
	GW_PID=$VTEPD_PID
	no_offload "$NS_GW" vtap0
	bg "$TMP/switch.log" ip netns exec "$NS_GW" "$SYS_PYTHON" "$OS_DIR/vlan_switch.py" \
		--trunk vtap0 --port sw-vm:100 --control "$TMP/switch.sock"
	for ((i = 0; i < 50; i++)); do
		[[ -S $TMP/switch.sock ]] && return 0
		sleep 0.1
	done
	return 1
}

# Another VM: onesite_vm NAME VLAN IP/LEN (after onesite_start).
onesite_vm() {
	local name=$1 vlan=$2 addr=$3 r
	ns_add "$name" || return 1
	veth "$(ns "$name")" eth0 "$NS_GW" "sw-$name" || return 1
	ip -n "$(ns "$name")" link set eth0 mtu 1450
	ip -n "$(ns "$name")" addr add "$addr" dev eth0
	r=$(echo "add sw-$name $vlan" | ip netns exec "$NS_GW" nc -U -N "$TMP/switch.sock" | head -1)
	[[ $r == ok ]]
}

# Another kernel VXLAN device on a host: onesite_vxlan HOST(1|2) DEV VNI IP/LEN
onesite_vxlan() {
	local h i=$(($1 + 1))
	h=$(ns "host$1")
	ip -n "$h" link add "$2" type vxlan id "$3" local "192.0.2.$i" remote 192.0.2.1 \
		dstport 4789 dev eth0 || return 1
	ip -n "$h" link set "$2" mtu 1450 up
	ip -n "$h" addr add "$4" dev "$2"
	no_offload "$h" "$2"
}

# Capture the VXLAN traffic arriving at host1 and host2 into $TMP/host{1,2}.pcap.
onesite_capture() {
	for h in host1 host2; do
		# --immediate-mode: otherwise libpcap hands packets over in blocks,
		# up to a second late, and a test reading the file misses them.
		bg "$TMP/$h.tcpdump.log" ip netns exec "$(ns $h)" tcpdump --immediate-mode -U -n -i eth0 \
			-w "$TMP/$h.pcap" udp port 4789
	done
	sleep 1 # tcpdump attaches
}
