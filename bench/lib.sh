# SPDX-License-Identifier: BSD-3-Clause
# bench/lib.sh - what the bench scripts share: processes started and
# stopped by their pid, hugepages set up and given back, vtepd's bench
# configuration, the FDB filled through vtepd's own learning. Sourced by
# gateway.sh, zeroloss.sh and idle.sh; sets nothing up by itself.

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
PY=/usr/bin/python3
BUILD=${BUILD:-$ROOT/build}
VTEPD=${VTEPD:-$BUILD/control/vtepd}
VTEPCTL=${VTEPCTL:-$BUILD/control/vtepctl}
GEN=${GEN:-$BUILD/bench/vtep-bench-gen}
HK_CORE=${HK_CORE:-0}          # EAL main lcore, control thread, generators, OVS's other threads
PMD_CORE=${PMD_CORE:-1}        # the one forwarding core
HUGEPAGES=${HUGEPAGES:-1024}   # 2 MiB pages wanted while the bench runs
SOCKET_MEM=${SOCKET_MEM:-1024} # MiB per DPDK process
NB_MBUFS=${NB_MBUFS:-262144}
FDB_ENTRIES=${FDB_ENTRIES:-1000000}
LEARN_RATE=${LEARN_RATE:-400000}
VNI=5001 LOCAL_IP=198.18.0.1 REMOTE_IP=198.18.0.2
LOCAL_MAC=02:00:00:00:01:01 REMOTE_MAC=02:00:00:00:01:02 DST_MAC=02:00:00:00:02:01

say() { printf '[%(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() {
	say "error: $*"
	exit 1
}

PIDS=() HP_ORIG="" HP_MOUNTED=0 RT_ORIG="" ISO_STATE=""

# bench_init NAME: root check, work and results directories, cleanup trap.
bench_init() {
	[[ $EUID -eq 0 ]] || die "run as root: hugepages (and OVS in a private network namespace)"
	[[ -x $VTEPD && -x $GEN ]] || die "build first (make build): $VTEPD, $GEN"
	WORK=$(mktemp -d "/tmp/vtep-$1.XXXXXX")
	RESULTS=${RESULTS:-$ROOT/bench/results/$1-$(date +%Y%m%d-%H%M%S)}
	mkdir -p "$RESULTS/logs" || die "cannot create $RESULTS"
	trap bench_cleanup EXIT
	trap 'say interrupted; exit 130' INT TERM
	mkfifo "$WORK/stdin"
	exec 9<>"$WORK/stdin" # testpmd waits on its stdin: a pipe that never delivers
	hugepages
}

start() { # start LOG CMD... -> $BG
	local log=$1
	shift
	"$@" <"$WORK/stdin" >"$log" 2>&1 &
	BG=$!
	PIDS+=("$BG")
}

stop() { # stop PID [grace]: SIGTERM, then SIGKILL after the grace period
	local pid=$1 grace=${2:-15} i keep=() p
	if kill -0 "$pid" 2>/dev/null; then
		kill -TERM "$pid" 2>/dev/null
		for ((i = 0; i < grace * 10; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	for p in "${PIDS[@]}"; do [[ $p == "$pid" ]] || keep+=("$p"); done
	PIDS=("${keep[@]}")
}

bench_cleanup() {
	local i
	trap - EXIT INT TERM
	for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do stop "${PIDS[i]}" 5; done
	rm -rf /var/run/dpdk/vb_*_$$
	exec 9>&- 2>/dev/null
	rm -rf "$WORK"
	[[ -n $HP_ORIG ]] && echo "$HP_ORIG" >/proc/sys/vm/nr_hugepages
	((HP_MOUNTED)) && umount /dev/hugepages && rmdir /dev/hugepages 2>/dev/null
	[[ -n $RT_ORIG ]] && echo "$RT_ORIG" >/proc/sys/kernel/sched_rt_runtime_us
	[[ -n $ISO_STATE && -f $ISO_STATE ]] && "$ROOT/scripts/isolate-cpus.sh" restore "$ISO_STATE" >/dev/null
	return 0
}

# isolate_cpus CPUS: scripts/isolate-cpus.sh's run-time isolation of CPUS
# (IRQs, unbound workqueues, the watchdog, unbound kernel threads moved to
# the other CPUs) until the bench exits. The state lives outside $WORK,
# which bench_cleanup removes first.
isolate_cpus() {
	ISO_STATE=/run/vtep-bench-isolate.$$
	"$ROOT/scripts/isolate-cpus.sh" apply "$1" "$ISO_STATE" | sed 's/^isolate-cpus: /  isolate: /' ||
		die "isolate-cpus.sh apply $1 failed"
}

# pmd_fifo PID TID: the forwarding thread under SCHED_FIFO, so ordinary
# tasks (per-CPU kworkers, timers' softirq threads) cannot preempt it - what
# isolcpus/nohz_full give a dedicated gateway core, which a shared VM
# cannot have. RT throttling is off meanwhile (restored on exit): it would
# take 50 ms of every second away from a thread that never sleeps.
pmd_fifo() {
	[[ -z $RT_ORIG ]] && RT_ORIG=$(cat /proc/sys/kernel/sched_rt_runtime_us)
	echo -1 >/proc/sys/kernel/sched_rt_runtime_us
	chrt -f -p 1 "$2" >/dev/null || die "chrt -f -p 1 $2 failed"
	say "  forwarding thread $2 of vtepd $1: SCHED_FIFO 1, RT throttling off"
}

hugepages() {
	local cur
	cur=$(cat /proc/sys/vm/nr_hugepages)
	if ((cur < HUGEPAGES)); then
		HP_ORIG=$cur
		echo "$HUGEPAGES" >/proc/sys/vm/nr_hugepages
	fi
	if ! grep -qs ' /dev/hugepages hugetlbfs ' /proc/mounts; then
		mkdir -p /dev/hugepages && mount -t hugetlbfs nodev /dev/hugepages && HP_MOUNTED=1
	fi
	(($(awk '/HugePages_Free/ {print $2}' /proc/meminfo) * 2 >= SOCKET_MEM)) ||
		die "fewer than $((SOCKET_MEM / 2)) free 2 MiB hugepages"
}

eal() { # eal PREFIX: the EAL arguments every DPDK peer gets (prefixes end in _$$)
	echo "-l $HK_CORE,$PMD_CORE --main-lcore $HK_CORE --in-memory --file-prefix $1 -m $SOCKET_MEM --no-pci"
}

tsc_mhz() { awk -F': ' '/^cpu MHz/ {printf "%.0f", $2; exit}' /proc/cpuinfo; }

# Other processes that were runnable on the forwarding core: they take it
# away from the peer (this VM is shared). Prints "pid:comm:%cpu ...".
pmd_core_neighbours() {
	ps -eo pid=,psr=,pcpu=,comm= | awk -v c="$PMD_CORE" -v me="$$" \
		'$2 == c && $3 > 5 && $1 != me {printf "%s:%s:%s%% ", $1, $4, $3}'
}

# vtepd_config FILE ACCESS_DEV UNDERLAY_DEV [idle_backoff idle_max_us]:
# the bench gateway, plus a memif port to fill the FDB (vtepd_fill). The
# traffic's segment is on VLAN $VLAN of the access port when VLAN is set
# and not 0, else untagged.
vtepd_config() {
	local vlan='"untagged"'
	[[ ${VLAN:-0} != 0 ]] && vlan=$VLAN
	cat >"$1" <<-EOF
	{
	  "gateway": { "name": "bench", "vtep_ip": "$LOCAL_IP" },
	  "ports": [
	    { "name": "access0", "role": "access", "device": "$2" },
	    { "name": "fill0", "role": "access",
	      "device": "net_memif_fill,role=server,socket=$WORK/fill.sock,socket-abstract=no" },
	    { "name": "underlay0", "role": "underlay", "device": "$3", "ip": "$LOCAL_IP/24",
	      "mac": "$LOCAL_MAC", "neighbors": [ { "ip": "$REMOTE_IP", "mac": "$REMOTE_MAC" } ] }
	  ],
	  "tenants": [ { "name": "bench", "segments": [
	    { "name": "traffic", "vni": $VNI, "port": "access0", "vlan": $vlan },
	    { "name": "fill", "vni": $((VNI + 1)), "port": "fill0", "vlan": "untagged" } ] } ],
	  "fdb": [ { "vni": $VNI, "mac": "$DST_MAC", "vtep": "$REMOTE_IP" },
	           { "vni": $((VNI + 1)), "mac": "$DST_MAC", "vtep": "$REMOTE_IP" } ],
	  "limits": { "fdb_max": 1048576 },
	  "dataplane": { "lcores": [ $PMD_CORE ], "nb_mbufs": $NB_MBUFS,
	                 "idle_backoff": ${4:-false}, "idle_max_us": ${5:-50} },
	  "control": { "socket": "$WORK/vtepd.sock" },
	  "telemetry": { "prometheus": false },
	  "log": { "level": "warning" }
	}
	EOF
}

vtepctl() { "$VTEPCTL" --socket "$WORK/vtepd.sock" --json "$@"; }

vtepd_wait() { # vtepd_wait PID: until the management socket answers
	local i
	for ((i = 0; i < 300; i++)); do
		vtepctl version >/dev/null 2>&1 && return 0
		kill -0 "$1" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

fdb_entries() {
	vtepctl show counters 2>/dev/null |
		"$PY" -c 'import json,sys; print(json.load(sys.stdin)["fdb"]["entries"])' 2>/dev/null || echo 0
}

# vtepd_fill LOG TRAFFIC_ENTRIES: fill the FDB to FDB_ENTRIES through
# vtepd's own learning - frames from distinct MACs on the fill port,
# paced so the control thread keeps up; a pass again picks up what it
# missed. Sets FDB to the size reached.
vtepd_fill() {
	local pass n=$((FDB_ENTRIES - $2 - 2)) t0=$SECONDS
	for ((pass = 1; pass <= 4 && n > 0; pass++)); do
		(($(fdb_entries) >= FDB_ENTRIES)) && break
		"$GEN" -l "$HK_CORE" --in-memory --file-prefix "vb_fill_$$" -m 128 --no-pci \
			--vdev "net_memif_gen,role=client,socket=$WORK/fill.sock,socket-abstract=no" \
			--log-level=lib.eal:warning -- --learn "$n" --rate "$LEARN_RATE" >>"$1" 2>&1
		rm -rf "/var/run/dpdk/vb_fill_$$"
		sleep 0.3 # the control thread drains the last events
	done
	FDB=$(fdb_entries)
	say "  vtepd FDB: $FDB entries ($((SECONDS - t0)) s to fill)"
}

# Forwarding thread of a DPDK process (the one on PMD_CORE): its tid.
pmd_tid() {
	local t
	for t in /proc/"$1"/task/*; do
		[[ $(cat "$t/comm" 2>/dev/null) == *worker-* ]] && { basename "$t"; return; }
	done
}

# thread_cpu PID TID: user+system jiffies and involuntary context switches.
thread_cpu() {
	local s
	s=$(awk '{print $14 + $15}' "/proc/$1/task/$2/stat" 2>/dev/null)
	echo "${s:-0} $(awk '/nonvoluntary_ctxt_switches/ {print $2}' "/proc/$1/task/$2/status" 2>/dev/null)"
}
