#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Two sites, two vtepd gateways, the fake XenServer pool (XenAPI) as the hypervisor manager
# (tests/netns/twosite.sh has the picture). Both gateways learn every VM's
# location from the pool master; then "app" live-migrates from site A to site B while
# "web" (site A) pings it 100 times a second: the pool's event moves app's
# FDB entry to the other VTEP on both gateways, and the pings keep flowing.
# Also: halting a VM withdraws it everywhere, starting it brings it back, and
# `vtepctl show managers` / `show fdb` report the source.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/twosite.sh"

require_root
require_cmd ip ethtool nc ping curl openssl
require_build

setup() {
	ts_setup_network || return 1
	ts_vm web a 10.10.0.1 02:00:00:0a:00:01 || return 1
	ts_vm app a 10.10.0.2 02:00:00:0a:00:02 || return 1
	ts_vm db b 10.10.0.3 02:00:00:0a:00:03 || return 1
	ts_start_xapi || return 1
	ts_gw_config a "$TS_XAPI_MANAGER"
	ts_gw_config b "$TS_XAPI_MANAGER"
	ts_start_gateways || return 1
	ts_start_switches || return 1
}

test_sync() {
	local ms
	ms=$(ts_wait_fdb a db 192.0.2.2 15) && ts_wait_fdb a web local 5 >/dev/null &&
		ts_wait_fdb a app local 5 >/dev/null
	log_test $? "site A: initial sync from the pool (db behind 192.0.2.2, web and app local; $ms ms)"
	ts_wait_fdb b web 192.0.2.1 5 >/dev/null && ts_wait_fdb b app 192.0.2.1 5 >/dev/null &&
		ts_wait_fdb b db local 5 >/dev/null
	log_test $? "site B: initial sync from the pool (web and app behind 192.0.2.1, db local)"
	ctl gwa --json show fdb --mac 02:00:00:0a:00:03 >"$TMP/fdb.json"
	grep -q '"source": "xenapi:pool1"' "$TMP/fdb.json"
	log_test $? "vtepctl show fdb: the entries' source is xenapi:pool1"
	ctl gwa --json show managers >"$TMP/mgr.json"
	"$SYS_PYTHON" - "$TMP/mgr.json" <<-'PY'
	import json, sys
	m = json.load(open(sys.argv[1]))
	assert len(m) == 1, m
	m = m[0]
	assert m["name"] == "pool1" and m["type"] == "xenapi" and m["state"] == "streaming", m
	assert m["vms"] == 3 and m["hosts"] == 2 and m["macs"] == 3, m
	assert m["api_version"] and m["installed"] == 3 and m["resyncs"] >= 1, m
	assert m["last_update_age_ms"] is not None and m["errors"] == 0, m
	PY
	log_test $? "vtepctl show managers: pool1 streaming, 3 VMs, 2 hosts, 3 MACs installed"
}

test_traffic() {
	ip netns exec "$(ns vm-web)" ping -c 3 -i 0.2 -W 2 10.10.0.3 >/dev/null 2>&1
	log_test $? "web (site A) -> db (site B) across the tunnel"
	ip netns exec "$(ns vm-web)" ping -c 3 -i 0.2 -W 2 10.10.0.2 >/dev/null 2>&1
	log_test $? "web -> app, both in site A (switched locally)"
}

test_migration() {
	local t0 ms_a ms_b apply_us
	ip netns exec "$(ns vm-web)" ping -D -i 0.01 -c 600 -W 1 10.10.0.2 >"$TMP/mig.ping" 2>&1 &
	local ppid=$!
	sleep 1.5
	t0=$(date +%s.%N)
	ts_move_vm app b || { log_test 1 "move app's link to site B"; return; }
	ts_xapi '{"op": "migrate", "vm": "app", "host": 1}' >/dev/null
	ms_a=$(ts_wait_fdb a app 192.0.2.2 5)
	log_test $? "site A: app's entry moved to VTEP 192.0.2.2 ($ms_a ms after the event)"
	ms_b=$(ts_wait_fdb b app local 5)
	log_test $? "site B: app's entry is local now"
	wait $ppid
	apply_us=$(ctl gwa --json show counters | "$SYS_PYTHON" -c \
		'import json,sys; print(json.load(sys.stdin)["control"]["manager_last_apply_us"])')
	"$SYS_PYTHON" - "$TMP/mig.ping" "$t0" "$ms_a" "$apply_us" <<-'PY'
	import re, sys
	times = [float(m.group(1)) for m in re.finditer(r"^\[(\d+\.\d+)\].*bytes from", 
	         open(sys.argv[1]).read(), re.M)]
	t0 = float(sys.argv[2])
	sent = 600
	lost = sent - len(times)
	after = [t for t in times if t > t0]
	gap = max(b - a for a, b in zip(times, times[1:])) if len(times) > 1 else 99
	resumed = (after[0] - t0) if after else 99
	print(f"    migration: {lost} of {sent} pings lost, longest gap {gap * 1000:.0f} ms, "
	      f"first reply {resumed * 1000:.0f} ms after the move, pool event -> table "
	      f"{sys.argv[3]} ms seen from vtepctl, {int(sys.argv[4]) / 1000:.2f} ms inside vtepd")
	assert len(after) > 100, "traffic did not resume"
	assert gap < 1.0 and resumed < 1.0, (gap, resumed)
	PY
	log_test $? "pings web -> app kept flowing across the migration (resumed within 1 s)"
	ip netns exec "$(ns vm-db)" ping -c 3 -i 0.2 -W 2 10.10.0.2 >/dev/null 2>&1
	log_test $? "db -> app, both in site B now"
}

test_power() {
	ts_xapi '{"op": "power", "vm": "db", "state": "Halted"}' >/dev/null
	ts_wait_fdb a db none 5 >/dev/null && ts_wait_fdb b db none 5 >/dev/null
	log_test $? "halt: db's MAC withdrawn on both gateways"
	ts_xapi '{"op": "power", "vm": "db", "state": "Running", "host": 1}' >/dev/null
	ts_wait_fdb a db 192.0.2.2 5 >/dev/null && ts_wait_fdb b db local 5 >/dev/null
	log_test $? "start: db's MAC back on both gateways"
	ip netns exec "$(ns vm-web)" ping -c 3 -i 0.2 -W 2 10.10.0.3 >/dev/null 2>&1
	log_test $? "web -> db after the halt and start"
}

setup || { echo "FAIL: setup"; exit 1; }
test_sync
test_traffic
test_migration
test_power
finish
