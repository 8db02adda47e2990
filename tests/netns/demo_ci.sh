#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# `make demo` in CI: scripts/demo.sh --ci must pass (the migrated VM's
# traffic resumed within 1 s of the vCenter event) and leave nothing behind:
# no namespace, no link, no process it started.
source "$(dirname "$0")/lib.sh"
require_root
require_build

links_before=$(ip -o link show | awk -F': ' '{print $2}' | sort)
"$SRCDIR/scripts/demo.sh" --ci --state "$TMP/demo.state" >"$TMP/demo.log" 2>&1
rc=$?
tail -5 "$TMP/demo.log" | sed 's/^/    /'
[[ $rc -eq 0 ]]
log_test $? "demo --ci: the VM's traffic resumed within 1 s of the migration"
prefix=$(awk '$1 == "prefix" {print $2}' "$TMP/demo.state" 2>/dev/null)
[[ -n $prefix ]] && ! ip netns list | grep -q "^$prefix-"
log_test $? "demo left no network namespace behind ($prefix-*)"
# A process the demo stopped may still be a zombie for a moment while the
# kernel tears down its devices; give it a few seconds, then insist.
alive=0
for ((i = 0; i < 100; i++)); do
	alive=0
	for p in $(awk '$1 == "pid" {print $2}' "$TMP/demo.state" 2>/dev/null); do
		[[ -e /proc/$p ]] && alive=$((alive + 1))
	done
	[[ $alive -eq 0 ]] && break
	sleep 0.1
done
for p in $(awk '$1 == "pid" {print $2}' "$TMP/demo.state" 2>/dev/null); do
	[[ -e /proc/$p ]] && info "still there: $(ps -o pid=,stat=,args= -p "$p")"
done
[[ $alive -eq 0 && -s $TMP/demo.state ]]
log_test $? "demo left none of its processes running"
[[ $(ip -o link show | awk -F': ' '{print $2}' | sort) == "$links_before" ]]
log_test $? "demo left no link behind in this namespace"
finish
