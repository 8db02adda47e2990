#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# A broken vCenter must never touch forwarding. Two sites (twosite.sh);
# gateway A is fed by the fake vCenter (gateway B learns from traffic, so
# that every injected failure reaches A); "web" (site A) pings "db" (site
# B) 100 times a second through every fault below, and for each:
#   - the gateway logs the failure and a retry after a backoff,
#   - the source does a full resync once the manager behaves,
#   - gateway A's FDB keeps db behind 192.0.2.2 from vcenter:vc1 the whole
#     time (sampled every 100 ms), nothing is flooded,
#   - not one ping is lost (the VMs do not move during the fault).
# Faults: a response cut in the middle, the server killed for 3 s (its long
# polls cut), responses at one byte a second, HTTP 500s, malformed XML,
# expired sessions, and wall-clock steps of +2 h and back (on the vtepds
# alone, through the LD_PRELOAD shim tests/netns/wallclock.c; the
# machine's clock is not touched): timers and backoff run on
# CLOCK_MONOTONIC, so a step changes nothing.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/twosite.sh"

require_root
require_cmd ip ethtool nc ping curl openssl
require_build

WALLCLOCK_LIB=$BUILDDIR/tests/libwallclock.so
MGR='{ "type": "vcenter", "name": "vc1", "url": "https://10.99.0.1:8443/sdk",
      "username": "svc-vtepd", "password_file": "@TMP@/vc.secret", "ca_file": "@TMP@/ca.pem",
      "wait_s": 3, "timeout_s": 3, "backoff_min_ms": 200, "backoff_max_ms": 2000 }'
DB_MAC=02:00:00:0a:00:03

# vtepd with its own wall clock: $TMP/clock holds the offset in seconds.
wallclock_wrap() {
	echo 0 >"$TMP/clock"
	cat >"$TMP/vtepd-clock" <<-EOF
	#!/bin/sh
	WALLCLOCK_OFFSET_FILE=$TMP/clock LD_PRELOAD=$WALLCLOCK_LIB exec $VTEPD "\$@"
	EOF
	chmod +x "$TMP/vtepd-clock"
	VTEPD=$TMP/vtepd-clock
}

setup() {
	ts_setup_network || return 1
	ts_vm web a 10.10.0.1 02:00:00:0a:00:01 || return 1
	ts_vm db b 10.10.0.3 "$DB_MAC" || return 1
	ts_start_vcenter || return 1
	ts_gw_config a "$MGR"
	ts_gw_config b ""
	[[ -r $WALLCLOCK_LIB ]] && wallclock_wrap
	ts_start_gateways || return 1
	ts_start_switches || return 1
	ts_wait_fdb a db 192.0.2.2 20 >/dev/null &&
		ip netns exec "$(ns vm-web)" ping -c 3 -i 0.2 -W 2 10.10.0.3 >/dev/null &&
		ts_wait_fdb b web 192.0.2.1 10 >/dev/null
}

mgr_field() { # gw field
	ctl "gw$1" --json show managers | "$SYS_PYTHON" -c \
		'import json,sys; print(json.load(sys.stdin)[0][sys.argv[1]])' "$2"
}

flood_pkts() { # gw
	ctl "gw$1" --json show segments | "$SYS_PYTHON" -c \
		'import json,sys; print(sum(s["flood_pkts"] for s in json.load(sys.stdin)))'
}

# Every 100 ms until $TMP/stop: gateway A's entry for db, one JSON line each.
sample_fdb() {
	trap - EXIT INT TERM # a subshell: lib.sh's cleanup is not its to run
	"$SYS_PYTHON" - "$TMP/gwa.sock" "$DB_MAC" "$TMP/stop" "$SRCDIR/tests/pylib" <<-'PY'
	import json, os, sys, time
	sys.path.insert(0, sys.argv[4])
	import vtepd_mgmt
	s = vtepd_mgmt.Session(sys.argv[1])
	while not os.path.exists(sys.argv[3]):
	    r = s.ask("show fdb", mac=sys.argv[2])["result"]
	    print(json.dumps([(e.get("vtep"), e.get("source")) for e in r]), flush=True)
	    time.sleep(0.1)
	PY
}

# Lost pings among those that had time to come back: every icmp_seq up to
# the last one answered must have been answered.
ping_loss() { # ping-output
	"$SYS_PYTHON" - "$1" <<-'PY'
	import re, sys
	seqs = {int(m) for m in re.findall(r"icmp_seq=(\d+)", open(sys.argv[1]).read())}
	last = max(seqs) if seqs else 0
	print(len(set(range(1, last + 1)) - seqs), last)
	PY
}

# fault_begin NAME: start the ping and the sampler, remember where the log
# and the counters were.
fault_begin() {
	FAULT=$1
	rm -f "$TMP/stop"
	LOG_OFF=$(stat -c %s "$TMP/gwa.log")
	RESYNCS=$(mgr_field a resyncs)
	FLOOD=$(flood_pkts a)
	ip netns exec "$(ns vm-web)" ping -D -i 0.01 -W 2 10.10.0.3 >"$TMP/ping.$FAULT" 2>&1 &
	PING_PID=$!
	sample_fdb >"$TMP/fdb.$FAULT" 2>&1 &
	SAMPLER_PID=$!
	sleep 1
}

new_log() { tail -c +$((LOG_OFF + 1)) "$TMP/gwa.log"; }

# wait_log PATTERN TIMEOUT: until gateway A logged PATTERN during this fault.
wait_log() {
	local i
	for ((i = 0; i < $2 * 10; i++)); do
		new_log | grep -q -- "$1" && return 0
		sleep 0.1
	done
	return 1
}

wait_resync() { # timeout
	local i
	for ((i = 0; i < $1 * 10; i++)); do
		[[ $(mgr_field a resyncs) -gt $RESYNCS && $(mgr_field a state) == streaming ]] &&
			return 0
		sleep 0.1
	done
	return 1
}

# fault_end [retry-pattern]: stop traffic and sampler, check everything.
fault_end() {
	local retry=${1:-retrying in} lost last bad n
	sleep 1
	kill -INT "$PING_PID"
	wait "$PING_PID" 2>/dev/null
	touch "$TMP/stop"
	wait "$SAMPLER_PID" 2>/dev/null
	new_log | grep -- "$retry" | head -2 | sed "s/^/    $FAULT log: /"
	new_log | grep -q -- "$retry"
	log_test $? "$FAULT: failure and retry logged (\"$retry\")"
	[[ $(mgr_field a resyncs) -gt $RESYNCS ]] && new_log | grep -q "synced .* VMs"
	log_test $? "$FAULT: full resync (resyncs $RESYNCS -> $(mgr_field a resyncs)), state $(mgr_field a state)"
	n=$(wc -l <"$TMP/fdb.$FAULT")
	bad=$(grep -cv '^\[\["192.0.2.2", "vcenter:vc1"\]\]$' "$TMP/fdb.$FAULT")
	[[ $n -gt 5 && $bad -eq 0 ]]
	log_test $? "$FAULT: gateway A kept db behind 192.0.2.2 from vcenter:vc1 ($n samples, $bad off)"
	[[ $(flood_pkts a) -eq $FLOOD ]]
	log_test $? "$FAULT: nothing flooded on gateway A ($FLOOD -> $(flood_pkts a))"
	read -r lost last < <(ping_loss "$TMP/ping.$FAULT")
	[[ $lost -eq 0 && $last -gt 100 ]]
	log_test $? "$FAULT: web -> db pings: $last sent through the fault, $lost lost"
	FIGURES+=("$FAULT: $last pings, $lost lost; retried after: $(new_log |
		grep -o 'retrying in [0-9]* ms' | sed 's/retrying in //' | head -8 | paste -sd, -)")
}

test_cut_mid_response() {
	fault_begin cut-mid-response
	ts_vcenter fail '{"mode": "close_mid_response", "count": 1}' >/dev/null
	wait_log "retrying in" 15 && wait_resync 15
	fault_end
}

test_server_killed() {
	fault_begin server-killed-3s
	ts_vcenter restart '{"down_s": 3}' >/dev/null
	wait_log "retrying in" 15 && wait_resync 20
	fault_end
}

test_slow() {
	fault_begin one-byte-per-second
	ts_vcenter slow '{"delay_ms": 0, "bytes_per_s": 1}' >/dev/null
	wait_log "retrying in" 20
	ts_vcenter slow '{"delay_ms": 0, "bytes_per_s": 0}' >/dev/null
	wait_resync 20
	fault_end
	new_log | grep -q -i "timed\? \?out"
	log_test $? "one-byte-per-second: the slow response ended in a timeout, not a hang"
}

test_http500() {
	fault_begin http500-x3
	ts_vcenter fail '{"mode": "http500", "count": 3}' >/dev/null
	wait_log "HTTP 500" 15 && wait_resync 20
	fault_end
	[[ $(new_log | grep -c "retrying in") -ge 3 ]]
	log_test $? "http500-x3: one backoff per failure ($(new_log | grep -c 'retrying in'))"
}

test_garbage() {
	fault_begin malformed-xml
	ts_vcenter fail '{"mode": "garbage", "count": 2}' >/dev/null
	wait_log "not well-formed" 15 && wait_resync 20
	fault_end
}

test_session_expiry() {
	# An expired session with a server that answers: log in again at once
	# (backoff only if that fails too); the retry is the new Login.
	fault_begin session-expiry
	ts_vcenter expire_sessions '{}' >/dev/null
	wait_log "logged in to" 15 && wait_resync 15
	fault_end "NotAuthenticated"
}

# The wall clock steps 2 h ahead, a failure is retried after its backoff
# (not 2 h later), the clock steps back, another failure, same.
test_clock_jump() {
	local step
	if [[ $VTEPD != "$TMP/vtepd-clock" ]]; then
		info "clock steps: SKIP ($WALLCLOCK_LIB not built)"
		return
	fi
	for step in 7200 0; do
		fault_begin "wall-clock-step-to-+${step}s"
		echo "$step" >"$TMP/clock"
		sleep 4 # more than a long poll (wait_s 3) on the new clock
		ts_vcenter fail '{"mode": "http500", "count": 1}' >/dev/null
		wait_log "retrying in" 15 && wait_resync 15
		fault_end
		! new_log | grep -q "withdrawing\|flushed\|aged"
		log_test $? "wall-clock-step-to-+${step}s: nothing withdrawn, flushed or aged"
	done
}

FIGURES=()
setup || { echo "FAIL: setup"; exit 1; }
test_cut_mid_response
test_server_killed
test_slow
test_http500
test_garbage
test_session_expiry
test_clock_jump
for f in "${FIGURES[@]}"; do info "figure: $f"; done
finish
