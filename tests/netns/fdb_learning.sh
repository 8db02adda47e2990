#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The FDB as an operator drives it, with real traffic (topology in
# onesite.sh; segment ageing 10 s, MAC limit 8):
#  - learned MACs listed by vtepctl with their VTEP and source;
#  - `vtepctl fdb del` of a learned MAC: the next frame to it floods, the
#    reply re-learns it, then unicast again;
#  - a MAC explosion from one VM: beyond the segment's limit new MACs are
#    flooded, not learned, and counted;
#  - static entries added and removed at run time; flush by source;
#  - ageing removes MACs that went quiet;
#  - bad requests on the management socket get an error, never a crash or
#    a hang.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/onesite.sh"

require_root
require_cmd ip ethtool tcpdump tshark ping
require_build

H1MAC="" VMMAC=""

count_flooded() { # frames to host1's MAC that reached host2 (the VM's next frame
	# after an idle spell may be a unicast ARP probe rather than the echo request)
	sleep 0.3
	tshark -r "$TMP/host2.pcap" -Y "ip.src==192.0.2.1 && vxlan && eth.dst==$H1MAC" \
		2>/dev/null | wc -l
}

fdb_json() { ctl gw --json show fdb "$@"; }

py_assert() { # json-file python-expression-on-e  (e = the parsed JSON)
	"$SYS_PYTHON" -c "import json,sys; e=json.load(open(sys.argv[1])); sys.exit(0 if ($2) else 1)" \
		"$1"
}

test_learned() {
	ip netns exec "$NS_VM" ping -c 3 -i 0.2 -W 2 10.100.0.2 >/dev/null 2>&1
	log_test $? "vm -> host1 ping (learning)"
	ctl gw show fdb >"$TMP/fdb.txt"
	grep -q "$H1MAC  remote  192.0.2.2" "$TMP/fdb.txt" && grep -q "learned" "$TMP/fdb.txt"
	log_test $? "vtepctl show fdb: host1's MAC learned behind 192.0.2.2 (aligned table)"
	fdb_json --mac "$H1MAC" >"$TMP/h1.json"
	py_assert "$TMP/h1.json" 'len(e) == 1 and e[0]["vtep"] == "192.0.2.2" and e[0]["source"] == "learned" and e[0]["type"] == "remote"'
	log_test $? "vtepctl --json show fdb --mac: one remote learned entry"
	fdb_json --vni 5001 --source learned >"$TMP/vm.json"
	py_assert "$TMP/vm.json" 'any(x["mac"] == "'"$VMMAC"'" and x["type"] == "local" and x["port"] == "access0" and x["vlan"] == 100 for x in e)'
	log_test $? "vtepctl --json show fdb --vni --source: the VM local on access0, VLAN 100"
}

test_del_floods() {
	local before after settled
	ctl gw fdb del --vni 5001 --mac "$H1MAC" >/dev/null
	log_test $? "vtepctl fdb del of a learned MAC"
	fdb_json --mac "$H1MAC" >"$TMP/gone.json"
	py_assert "$TMP/gone.json" 'e == []'
	log_test $? "the entry is gone"
	before=$(count_flooded)
	ip netns exec "$NS_VM" ping -c 1 -W 2 10.100.0.2 >/dev/null 2>&1
	after=$(count_flooded)
	[[ $after -gt $before ]]
	log_test $? "the next frame to it was flooded (host2 saw $((after - before)))"
	ip netns exec "$NS_VM" ping -c 3 -i 0.2 -W 2 10.100.0.2 >/dev/null 2>&1
	settled=$(count_flooded)
	[[ $settled -eq $after ]]
	fdb_json --mac "$H1MAC" >"$TMP/back.json"
	py_assert "$TMP/back.json" 'len(e) == 1 and e[0]["vtep"] == "192.0.2.2"'
	log_test $? "re-learned from the reply; unicast again (no more floods)"
}

test_mac_limit() {
	local macs
	# 20 frames from 20 new source MACs (a VM gone wild): broadcast ARPs.
	ip netns exec "$NS_VM" "$SYS_PYTHON" - <<-'PY' 2>/dev/null
	import logging
	logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
	from scapy.all import ARP, Ether, sendp
	frames = [Ether(src="02:ee:00:00:00:%02x" % i, dst="ff:ff:ff:ff:ff:ff") /
	          ARP(hwsrc="02:ee:00:00:00:%02x" % i, psrc="10.100.0.%d" % (100 + i),
	              pdst="10.100.0.99") for i in range(20)]
	sendp(frames, iface="vm0", verbose=False, inter=0.01)
	PY
	sleep 0.5
	ctl gw --json show segments >"$TMP/seg.json"
	py_assert "$TMP/seg.json" 'e[0]["macs"] == 8'
	log_test $? "segment MAC limit 8: the segment holds exactly 8 MACs"
	ctl gw --json show counters >"$TMP/cnt.json"
	py_assert "$TMP/cnt.json" 'e["fdb"]["limit_segment"] >= 14 and e["control"]["learn_limit"] >= 1'
	log_test $? "MACs beyond the limit were counted, not learned"
	macs=$(fdb_json --source learned | "$SYS_PYTHON" -c 'import json,sys; print(len(json.load(sys.stdin)))')
	[[ $macs -eq 8 ]]
	log_test $? "the FDB has 8 learned MACs"
}

test_static_and_flush() {
	ctl gw fdb add --vni 5001 --mac 02:00:00:00:99:99 --vtep 192.0.2.3 >/dev/null
	fdb_json --mac 02:00:00:00:99:99 >"$TMP/st.json"
	py_assert "$TMP/st.json" 'len(e) == 1 and e[0]["source"] == "static" and e[0]["vtep"] == "192.0.2.3"'
	log_test $? "vtepctl fdb add: a static entry behind 192.0.2.3"
	ctl gw fdb add --vni 5001 --mac 01:00:5e:00:00:01 --vtep 192.0.2.3 2>"$TMP/err" >/dev/null
	[[ $? -eq 1 ]] && grep -q "unicast" "$TMP/err"
	log_test $? "fdb add of a multicast MAC refused: $(cat "$TMP/err")"
	ctl gw fdb add --vni 4242 --mac 02:00:00:00:99:98 --vtep 192.0.2.3 2>"$TMP/err" >/dev/null
	[[ $? -eq 1 ]] && grep -q "no segment with VNI 4242" "$TMP/err"
	log_test $? "fdb add to an unknown VNI refused: $(cat "$TMP/err")"
	ctl gw --json fdb flush --source learned >"$TMP/flush.json"
	py_assert "$TMP/flush.json" 'e["deleted"] >= 8'
	log_test $? "vtepctl fdb flush --source learned"
	fdb_json >"$TMP/after.json"
	py_assert "$TMP/after.json" 'len(e) == 1 and e[0]["source"] == "static"'
	log_test $? "only the static entry is left"
	ctl gw fdb del --vni 5001 --mac 02:00:00:00:99:99 >/dev/null
	log_test $? "vtepctl fdb del of the static entry"
}

test_ageing() {
	local start waited
	ip netns exec "$NS_VM" ping -c 2 -i 0.2 -W 2 10.100.0.2 >/dev/null 2>&1
	fdb_json --mac "$H1MAC" >"$TMP/a.json"
	py_assert "$TMP/a.json" 'len(e) == 1'
	log_test $? "host1 learned again before going quiet"
	start=$(date +%s)
	while (($(date +%s) - start < 30)); do
		fdb_json --mac "$H1MAC" >"$TMP/a.json"
		py_assert "$TMP/a.json" 'e == []' && break
		sleep 0.5
	done
	waited=$(($(date +%s) - start))
	ctl gw --json show counters >"$TMP/cnt.json"
	py_assert "$TMP/a.json" 'e == []' && py_assert "$TMP/cnt.json" 'e["fdb"]["aged"] >= 2'
	log_test $? "ageing removed the quiet MACs (ageing_s 10; gone after ${waited} s)"
}

test_bad_requests() {
	"$SYS_PYTHON" - "$TMP/gw.sock" <<-'PY'
	import json, socket, sys, time
	path = sys.argv[1]
	def ask(raw, wait=5):
	    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
	    s.settimeout(wait)
	    s.connect(path)
	    s.sendall(raw)
	    out = b""
	    while not out.endswith(b"\n"):
	        chunk = s.recv(65536)
	        if not chunk:
	            break
	        out += chunk
	    s.close()
	    return json.loads(out)
	cases = [b"not json\n", b"[1,2]\n", b'{"command": 5}\n', b'{"command": "show nothing"}\n',
	         b'{"command": "show fdb", "args": {"vni": "x"}}\n',
	         b'{"command": "show fdb", "args": {"colour": 1}}\n',
	         b'{"command": "fdb del", "args": {"vni": 5001, "mac": "zz"}}\n',
	         b'{"command": "show fdb", "args": [1]}\n', b"\xff\xfe\x00garbage\n",
	         b"{" + b" " * 70000 + b"}\n"]
	for c in cases:
	    r = ask(c)
	    assert r["ok"] is False and r["error"], (c[:40], r)
	# A client that connects and says nothing must not block anybody.
	idle = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
	idle.connect(path)
	t = time.time()
	r = ask(b'{"command": "version"}\n', wait=3)
	assert r["ok"] and time.time() - t < 1, r
	idle.close()
	print("    %d bad requests answered with an error" % len(cases))
	PY
	log_test $? "bad requests get an error reply; a silent client blocks nobody"
	ctl gw version >/dev/null && kill -0 "$GW_PID"
	log_test $? "vtepd still up and answering"
}

onesite_setup ', "ageing_s": 10, "mac_limit": 8' || { echo "FAIL: setup"; exit 1; }
onesite_capture
H1MAC=$(mac_of "$NS_H1" vx0)
VMMAC=$(mac_of "$NS_VM" vm0)
test_learned
test_del_floods
test_mac_limit
test_static_and_flush
test_ageing
test_bad_requests
finish
