# SPDX-License-Identifier: BSD-3-Clause
# tests/netns/lib.sh - helpers for the namespace integration tests
# (kselftest style: log_test, one cleanup trap, skip = exit 77 for meson).
#
# Every namespace, link and process a test creates is recorded here and
# removed by cleanup (on exit, error or Ctrl-C), by name or pid - never by
# pattern. Namespaces are named vt<pid>-<role> so parallel runs and other
# users of the machine are never touched.

set -u

SKIP=77
NS_PREFIX="vt$$"
BUILDDIR=${VTEPD_BUILDDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../build" && pwd)}
SRCDIR=${VTEPD_SRCDIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
VTEPD="$BUILDDIR/control/vtepd"
VTEPCTL="$BUILDDIR/control/vtepctl"
SYS_PYTHON=/usr/bin/python3
TMP=$(mktemp -d /tmp/vtepd-test.XXXXXX)

nb_fail=0
nb_pass=0
created_ns=()
pids=()

log_test() { # rc description
	local rc=$1; shift
	if [[ $rc -eq 0 ]]; then
		nb_pass=$((nb_pass + 1))
		printf '    TEST: %-66s [ OK ]\n' "$*"
	else
		nb_fail=$((nb_fail + 1))
		printf '    TEST: %-66s [FAIL]\n' "$*"
	fi
}

info() { printf '    %s\n' "$*"; }

skip() {
	echo "SKIP: $*"
	exit $SKIP
}

require_root() {
	[[ $(id -u) -eq 0 ]] || skip "needs root (network namespaces, veth, vxlan)"
	ip netns add "${NS_PREFIX}-probe" 2>/dev/null || skip "cannot create network namespaces here"
	ip netns del "${NS_PREFIX}-probe"
}

require_cmd() {
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip "needs $c"
	done
}

require_build() {
	[[ -x $VTEPD && -x $VTEPCTL ]] || { echo "FAIL: $VTEPD or $VTEPCTL not built"; exit 1; }
}

ns() { echo "${NS_PREFIX}-$1"; }

ns_add() { # role...
	for r in "$@"; do
		ip netns add "$(ns "$r")" || return 1
		created_ns+=("$(ns "$r")")
		ip -n "$(ns "$r")" link set lo up
		# Keep the kernel quiet on the test links: no IPv6 autoconf noise.
		ip netns exec "$(ns "$r")" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
		ip netns exec "$(ns "$r")" sysctl -qw net.ipv6.conf.default.disable_ipv6=1
	done
}

# Offloads off: af_packet must see real, finished frames (no GSO super
# frames, no partial checksums) like a NIC would.
no_offload() { # ns dev
	ip netns exec "$1" ethtool -K "$2" tx off rx off tso off gso off gro off >/dev/null 2>&1 || true
}

veth() { # ns_a dev_a ns_b dev_b
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" || return 1
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
	no_offload "$1" "$2"
	no_offload "$3" "$4"
}

# Start in the background and remember the pid for cleanup; the pid is in
# BG_PID. (Not echoed: called inside $(...) the pid would only be recorded
# in the subshell, and cleanup would not know it.)
bg() { # log cmd...
	local log=$1; shift
	"$@" >"$log" 2>&1 &
	BG_PID=$!
	pids+=("$BG_PID")
	disown "$BG_PID" # cleanup reaps it by pid; no job-control noise
}

stop_pid() { # pid [grace seconds]
	local i
	local pid=$1 grace=${2:-10}
	kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < grace * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	echo "    cleanup: pid $pid ($(tr '\0' ' ' </proc/$pid/cmdline 2>/dev/null | cut -c1-80))" \
		"ignored SIGTERM for ${grace}s: killed" >&2
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# EAL arguments for a test vtepd: no hugepages, no PCI, private prefix.
eal_args() { # name
	echo "-l 0,1 --no-huge -m 512 --no-pci --no-shconf --file-prefix ${NS_PREFIX}$1 --log-level=lib.eal:warning"
}

# Start vtepd in namespace NS, wait for its socket; its pid is in VTEPD_PID.
start_vtepd() { # ns name config log
	local i
	local nsn=$1 name=$2 conf=$3 log=$4 sock="$TMP/$2.sock" pid
	bg "$log" ip netns exec "$nsn" "$VTEPD" $(eal_args "$name") -- --config "$conf" \
		--socket "$sock"
	pid=$BG_PID
	VTEPD_PID=$pid
	for ((i = 0; i < 200; i++)); do
		if "$VTEPCTL" --socket "$sock" version >/dev/null 2>&1; then
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	echo "vtepd $name did not come up; its log:" >&2
	cat "$log" >&2
	return 1
}

ctl() { # name args...
	local name=$1; shift
	"$VTEPCTL" --socket "$TMP/$name.sock" "$@"
}

cleanup() {
	local i
	local rc=$?
	for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
		stop_pid "${pids[$i]}" 5
	done
	for n in "${created_ns[@]}"; do
		ip netns pids "$n" 2>/dev/null | xargs -r kill -KILL 2>/dev/null
		ip netns del "$n" 2>/dev/null
	done
	if [[ ${KEEP_TMP:-0} -eq 0 ]]; then
		rm -rf "$TMP"
	else
		echo "kept $TMP"
	fi
	exit $rc
}

finish() {
	echo "    $nb_pass passed, $nb_fail failed"
	[[ $nb_fail -eq 0 ]]
	exit $?
}

trap cleanup EXIT
trap 'exit 130' INT TERM
