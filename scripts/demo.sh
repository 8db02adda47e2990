#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# vtepd demo: two data centers on one machine, one L2 segment between them,
# and a VM that live-migrates from one to the other while another VM pings
# it. The fake vCenter plays the hypervisor manager for both sites; each
# site's vtepd learns where every VM is from it, and moves the VM's MAC to
# the other VTEP the moment vCenter reports the migration.
#
#   scripts/demo.sh            show it (about 30 s)
#   scripts/demo.sh --ci       the same, quietly, and fail unless the VM's
#                              traffic resumed within 1 s of the migration
#   scripts/demo.sh --keep     leave everything running until Enter is pressed
#   --state FILE               write the namespaces and pids it made (for the
#                              check that nothing was left behind)
#
# Needs root (network namespaces). Everything it makes - namespaces, links,
# processes - is removed on exit, error or Ctrl-C. docs/demo.md explains
# what you see.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export VTEPD_SRCDIR=$ROOT
export VTEPD_BUILDDIR=${VTEPD_BUILDDIR:-$ROOT/build}

CI=0
KEEP=0
STATE=""
while [[ $# -gt 0 ]]; do
	case $1 in
	--ci) CI=1 ;;
	--keep) KEEP=1 ;;
	--state) STATE=$2; shift ;;
	-h | --help) sed -n '2,20p' "$0"; exit 0 ;;
	*) echo "demo: unknown option $1 (--help)" >&2; exit 2 ;;
	esac
	shift
done

source "$ROOT/tests/netns/lib.sh"
source "$ROOT/tests/netns/twosite.sh"

if [[ $(id -u) -ne 0 ]]; then
	echo "demo: needs root (it builds two data centers out of network namespaces)" >&2
	exit 1
fi
require_cmd ip ethtool nc ping curl openssl
require_build

B=$(tput bold 2>/dev/null || true)
N=$(tput sgr0 2>/dev/null || true)
step() { printf '\n%s[%s]%s %s\n' "$B" "$1" "$N" "$2"; }
say() { printf '    %s\n' "$*"; }
fdb() { # site: the FDB as an operator sees it
	ctl "gw$1" show fdb | sed 's/^/    /'
}
record_state() {
	[[ -n $STATE ]] || return 0
	{
		echo "prefix $NS_PREFIX"
		for p in "${pids[@]}"; do echo "pid $p"; done
	} >"$STATE"
}

step 1/7 "Two sites on one machine"
ts_setup_network || exit 1
ts_vm web a 10.10.0.1 02:00:00:0a:00:01 || exit 1
ts_vm app a 10.10.0.2 02:00:00:0a:00:02 || exit 1
ts_vm db b 10.10.0.3 02:00:00:0a:00:03 || exit 1
say "site A (dc1): gateway dc1-gw, VTEP 192.0.2.1, VMs web 10.10.0.1 and app 10.10.0.2"
say "site B (dc2): gateway dc2-gw, VTEP 192.0.2.2, VM db 10.10.0.3"
say "every VM on VLAN $TS_VLAN of its site; VLAN $TS_VLAN is VXLAN segment $TS_VNI on both gateways"
say "underlay 192.0.2.0/24 between the gateways; management network 10.99.0.0/24"

step 2/7 "The hypervisor manager: a vCenter with a host in each site"
ts_start_vcenter || exit 1
say "fake vCenter at https://10.99.0.1:8443/sdk (vim25 SOAP, TLS with the demo's own CA)"
say "hosts esx-dc1-01 (cluster dc1-cluster) and esx-dc2-01 (dc2-cluster); web and app on"
say "esx-dc1-01, db on esx-dc2-01; every VM's NIC on portgroup \"VM Network\""

step 3/7 "Two vtepd gateways"
ts_gw_config a "$TS_VCENTER_MANAGER"
ts_gw_config b "$TS_VCENTER_MANAGER"
ts_start_gateways || exit 1
ts_start_switches || exit 1
record_state
ms=$(ts_wait_fdb a db 192.0.2.2 20) || { echo "demo: dc1-gw did not sync: $ms" >&2; exit 1; }
ts_wait_fdb b app 192.0.2.1 20 >/dev/null || { echo "demo: dc2-gw did not sync" >&2; exit 1; }
say "both gateways logged in to vCenter and synced its inventory (dc1-gw: $ms ms)"
say "dc1-gw's FDB - vtepctl show fdb: every VM's MAC, where it is, who said so"
fdb a

step 4/7 "Across the data centers"
if ip netns exec "$(ns vm-web)" ping -c 3 -i 0.2 -W 2 10.10.0.3 >"$TMP/ping0.log" 2>&1; then
	say "web (site A) -> db (site B): $(grep -o '[0-9]* received' "$TMP/ping0.log") of 3,"
	say "through dc1-gw, VXLAN VNI $TS_VNI over the underlay, dc2-gw"
else
	echo "demo: web cannot reach db" >&2
	exit 1
fi

step 5/7 "vMotion: app moves from site A to site B while web pings it 100 times a second"
ip netns exec "$(ns vm-web)" ping -D -i 0.01 -c 500 -W 1 10.10.0.2 >"$TMP/mig.ping" 2>&1 &
PING=$!
sleep 1.5
say "before: dc1-gw: $(ctl gwa show fdb --mac 02:00:00:0a:00:02 | tail -1)"
t0=$(date +%s%N)
ts_move_vm app b || exit 1
ts_vcenter migrate '{"vm": "app", "host": "esx-dc2-01"}' >/dev/null
say "t+0 ms     app's link now in site B; vCenter reports runtime.host = esx-dc2-01"
last=""
while (($(date +%s%N) - t0 < 3000000000)); do
	line=$(ctl gwa show fdb --mac 02:00:00:0a:00:02 2>/dev/null | tail -1)
	if [[ -n $line && $line != "$last" && $line == *192.0.2.2* ]]; then
		say "t+$((($(date +%s%N) - t0) / 1000000)) ms     dc1-gw: $line"
		break
	fi
	last=$line
	sleep 0.005
done
wait $PING
apply_us=$(ctl gwa --json show counters | "$SYS_PYTHON" -c \
	'import json,sys; print(json.load(sys.stdin)["control"]["manager_last_apply_us"])')
result=$("$SYS_PYTHON" - "$TMP/mig.ping" "$t0" "$apply_us" <<-'PY'
import re, sys
txt = open(sys.argv[1]).read()
times = [float(m.group(1)) for m in re.finditer(r"^\[(\d+\.\d+)\].*bytes from", txt, re.M)]
t0 = int(sys.argv[2]) / 1e9
# The outage: the gap between the last reply before the move and the first
# reply that came back from site B (the longest gap from t0 on).
gaps = [(b - a, b) for a, b in zip(times, times[1:]) if b > t0]
gap, back = max(gaps, default=(99, t0 + 99))
resumed = back - t0
print(f"{500 - len(times)} {gap * 1000:.0f} {resumed * 1000:.0f} {int(sys.argv[3]) / 1000:.2f}")
PY
)
read -r lost gap resumed apply_ms <<<"$result"
say "pings lost during the move: $lost of 500; no reply for ${gap} ms"
say "traffic to app back from site B ${resumed} ms after the move"
say "vCenter update received -> FDB entry changed, inside dc1-gw: ${apply_ms} ms"
say "after: dc1-gw's FDB"
fdb a

step 6/7 "Counters: what each gateway did"
ctl gwa show segments | sed 's/^/    /'
ctl gwa show managers | sed 's/^/    /'

step 7/7 "Done"
if [[ $KEEP -eq 1 ]]; then
	say "everything is still running: vtepctl --socket $TMP/gwa.sock show fdb"
	say "VM shells: ip netns exec $(ns vm-web) bash   (web; also vm-app, vm-db)"
	read -r -p "    press Enter to tear it all down " _
fi
status=0
if [[ $resumed == 99* ]] || ((resumed >= 1000)) || ((gap >= 1000)); then
	echo "demo: FAIL: app's traffic did not resume within 1 s of the migration" >&2
	status=1
elif [[ $CI -eq 1 ]]; then
	echo "demo: PASS: traffic resumed ${resumed} ms after the migration, $lost pings lost"
fi
say "removing the namespaces, links and processes the demo made"
exit $status
