#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Hot reload without loss (topology in onesite.sh, plus a second VM on
# VLAN 200 and a second kernel VXLAN device on host1 for VNI 5002).
#
# While vm2 pings host1 over segment 5002 two hundred times a second, the
# configuration is reloaded again and again - flood list changed, a segment
# added, a static entry added, both removed, segment 5001 re-numbered and
# moved to another VLAN, then removed, a file that does not validate, a
# change that needs a restart, and SIGHUP bringing the first file back.
# Segment 5002 is never touched: not one of its packets may be lost.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/onesite.sh"

require_root
require_cmd ip ethtool ping nc
require_build

WEB='{ "name": "web", "vni": 5001, "port": "access0", "vlan": 100, "flood": [ "192.0.2.2", "192.0.2.3" ] }'
DB='{ "name": "db", "vni": 5002, "port": "access0", "vlan": 200, "flood": [ "192.0.2.2" ] }'

write_cfg() { # segments-json [fdb-json]
	cat >"$TMP/gw.json" <<-EOF
	{
	  "gateway": { "name": "gw-test", "vtep_ip": "192.0.2.1" },
	  "ports": [
	    { "name": "access0", "role": "access", "device": "net_tap0,iface=vtap0" },
	    { "name": "underlay0", "role": "underlay", "device": "net_af_packet1,iface=ul0",
	      "ip": "192.0.2.1/24" }
	  ],
	  "tenants": [ { "name": "acme", "segments": [ $1 ] } ],
	  "fdb": [ ${2:-} ],
	  "limits": { "fdb_max": 65536 }
	}
	EOF
}

segments() { # the running segments as "vni:vlan" words
	ctl gw --json show segments | "$SYS_PYTHON" -c \
		'import json,sys; print(" ".join("%d:%s" % (s["vni"], s["vlan"]) for s in json.load(sys.stdin)))'
}

reload_ok() { # description: reload with vtepctl, expect success
	ctl gw reload >"$TMP/reload.out" 2>&1
	log_test $? "reload: $1 ($(segments))"
	sleep 0.7
}

setup() {
	onesite_network || return 1
	write_cfg "$WEB, $DB"
	onesite_start || return 1
	onesite_vm vm2 200 10.200.0.1/24 || return 1
	onesite_vxlan 1 vx1 5002 10.200.0.2/24 || return 1
}

test_reloads() {
	local pid before
	ip netns exec "$(ns vm2)" ping -c 3 -W 2 10.200.0.2 >/dev/null 2>&1
	log_test $? "vm2 -> host1 over segment 5002 before any reload"
	ip netns exec "$(ns vm2)" ping -i 0.005 -c 2400 -W 1 10.200.0.2 >"$TMP/steady.ping" 2>&1 &
	pid=$!
	sleep 1

	write_cfg "${WEB/\"192.0.2.2\", \"192.0.2.3\"/\"192.0.2.2\"}, $DB"
	reload_ok "segment 5001's flood list changed"
	write_cfg "$WEB, $DB, { \"name\": \"cache\", \"vni\": 5003, \"port\": \"access0\", \"vlan\": 300, \"flood\": [ \"192.0.2.3\" ] }"
	reload_ok "segment 5003 added"
	[[ $(segments) == *5003:300* ]]
	log_test $? "segment 5003 is in the tables"
	write_cfg "$WEB, $DB, { \"name\": \"cache\", \"vni\": 5003, \"port\": \"access0\", \"vlan\": 300, \"flood\": [ \"192.0.2.3\" ] }" \
		'{ "vni": 5001, "mac": "02:00:00:00:77:77", "vtep": "192.0.2.3" }'
	reload_ok "static FDB entry added"
	ctl gw --json show fdb --mac 02:00:00:00:77:77 | grep -q '"static"'
	log_test $? "the static entry is in the FDB"
	write_cfg "$WEB, $DB"
	reload_ok "segment 5003 and the static entry removed"
	[[ $(segments) != *5003* ]] && ! ctl gw --json show fdb --mac 02:00:00:00:77:77 | grep -q static
	log_test $? "both are gone"
	write_cfg "${WEB/\"vni\": 5001, \"port\": \"access0\", \"vlan\": 100/\"vni\": 5101, \"port\": \"access0\", \"vlan\": 150}, $DB"
	reload_ok "segment web re-numbered to VNI 5101 on VLAN 150"
	write_cfg "$DB"
	reload_ok "segment web removed"

	before=$(segments)
	write_cfg "$DB, { \"name\": \"bad\", \"vni\": 16777216, \"port\": \"access0\", \"vlan\": 100 }"
	ctl gw reload >"$TMP/bad.out" 2>&1
	[[ $? -eq 1 ]] && grep -q "tenants\[0\].segments\[1\].vni: 16777216 is out of range 1..16777215" \
		"$TMP/bad.out" && [[ $(segments) == "$before" ]]
	log_test $? "a file that does not validate changes nothing and says why"
	info "$(head -1 "$TMP/bad.out")"
	write_cfg "$DB"
	sed -i 's/iface=ul0/iface=ul9/' "$TMP/gw.json"
	ctl gw reload >"$TMP/bad.out" 2>&1
	[[ $? -eq 1 ]] && grep -q "ports: changing it needs a restart" "$TMP/bad.out"
	log_test $? "a change that needs a restart is refused: $(head -1 "$TMP/bad.out" | cut -c1-60)..."

	write_cfg "$WEB, $DB"
	kill -HUP "$GW_PID"
	sleep 1
	[[ $(segments) == *5001:100* ]]
	log_test $? "SIGHUP: the first file again ($(segments))"

	wait $pid
	grep -q "2400 packets transmitted, 2400 received" "$TMP/steady.ping"
	log_test $? "segment 5002 untouched: $(grep -o '[0-9]* received, [0-9.]*% packet loss' "$TMP/steady.ping")"
	ip netns exec "$NS_VM" ping -c 3 -W 2 10.100.0.2 >/dev/null 2>&1
	log_test $? "segment 5001 works again after the reloads"
	ctl gw --json show counters >"$TMP/c.json"
	"$SYS_PYTHON" -c 'import json,sys; c=json.load(open(sys.argv[1]))["control"]
assert c["reloads"] == 7 and c["reload_failures"] == 2, c' "$TMP/c.json"
	log_test $? "counters: 7 reloads applied, 2 refused"
}

setup || { echo "FAIL: setup"; exit 1; }
test_reloads
finish
