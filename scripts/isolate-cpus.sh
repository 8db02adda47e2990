#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# scripts/isolate-cpus.sh - move the kernel's movable housekeeping off the
# CPUs of vtepd's forwarding lcores, at run time, and put it back.
#
#   scripts/isolate-cpus.sh apply CPUS STATE    e.g. apply 2-7 /run/vtepd-isolate
#   scripts/isolate-cpus.sh restore STATE
#   scripts/isolate-cpus.sh show CPUS           what still points at CPUS
#
# A forwarding lcore polls without sleeping: whatever else the kernel runs
# on its CPU stops the polling, and a NIC queue of 4,096 descriptors is full
# after 100-400 us at 10-40 Mpps. The right fix is the kernel command line
# (isolcpus=managed_irq,domain,CPUS nohz_full=CPUS rcu_nocbs=CPUS, see
# docs/operations.md), which needs a reboot. This script does the part that
# can be done on a running system, each a documented sysfs/procfs knob:
#
#   IRQs          every interrupt whose affinity can be set goes to the
#                 housekeeping CPUs (/proc/irq/N/smp_affinity_list), and so
#                 does the default for new ones (/proc/irq/default_smp_affinity);
#                 "managed" IRQs (per-queue, kernel-owned) refuse and are listed;
#   workqueues    unbound workqueues' workers (kworker/uN) run on housekeeping
#                 CPUs only (/sys/devices/virtual/workqueue/cpumask);
#   watchdog      the soft-lockup watchdog, whose per-CPU check runs as the
#                 CPU's stopper thread (migration/N) every 4 s, leaves CPUS
#                 (/proc/sys/kernel/watchdog_cpumask);
#   vmstat        per-CPU VM statistics are folded every vm.stat_interval
#                 seconds by a per-CPU kworker; raised to 60 s;
#   kthreads      kernel threads that are not bound to a CPU (rcu_preempt,
#                 the grace-period thread, is one that runs anywhere) get
#                 the housekeeping CPUs as their affinity (taskset).
#
# What stays: per-CPU kernel threads (kworker/N, ksoftirqd/N), the timer
# tick, RCU callbacks and managed IRQs - the command line's job - and, in
# a VM, the time the hypervisor takes the vCPU away (steal). Run the forwarding
# thread SCHED_FIFO (chrt) so ordinary tasks cannot preempt it.
#
# STATE records every value changed, so `restore` puts back exactly what
# `apply` found; `apply` refuses to overwrite an existing STATE (a second
# apply would record the isolated values as the originals).
set -euo pipefail

die() {
	echo "isolate-cpus: $*" >&2
	exit 1
}

# check_list LIST: die unless LIST is a CPU list ("0-2,5"). Called in the
# main shell: expand() runs in $(...) subshells, where die() would end
# only the subshell and apply would go on with an empty list.
check_list() {
	local part
	[[ $1 =~ ^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$ ]] || die "bad CPU list '$1'"
	IFS=, read -ra parts <<<"$1"
	for part in "${parts[@]}"; do
		((${part%-*} <= ${part#*-})) || die "bad CPU range '$part' in '$1'"
	done
}

# expand LIST: "0-2,5" -> "0 1 2 5" (LIST checked by check_list)
expand() {
	local part a b out=()
	IFS=, read -ra parts <<<"$1"
	for part in "${parts[@]}"; do
		a=${part%-*}
		b=${part#*-}
		for ((; a <= b; a++)); do out+=("$a"); done
	done
	echo "${out[@]}"
}

# join CPUS...: "0 1 2 5" -> "0,1,2,5" (the kernel's list format accepts it)
join() {
	local IFS=,
	echo "$*"
}

# mask CPUS...: the kernel's hex mask format, 32-bit groups separated by commas
mask() {
	local c groups=() n i hex=""
	for c in "$@"; do
		i=$((c / 32))
		groups[i]=$((${groups[i]:-0} | (1 << (c % 32))))
	done
	n=$((${#groups[@]} == 0 ? 1 : $(printf '%s\n' "${!groups[@]}" | sort -n | tail -1) + 1))
	for ((i = n - 1; i >= 0; i--)); do
		hex+=$(printf '%08x' "${groups[i]:-0}")
		((i > 0)) && hex+=,
	done
	echo "$hex"
}

online() { expand "$(cat /sys/devices/system/cpu/online)"; }

# housekeeping CPUS: the online CPUs not in CPUS
housekeeping() {
	local c keep=()
	local -A iso=()
	for c in $(expand "$1"); do iso[$c]=1; done
	for c in $(online); do [[ -n ${iso[$c]:-} ]] || keep+=("$c"); done
	echo "${keep[@]}"
}

# intersects LIST CPUS: does the kernel list LIST name any of CPUS?
intersects() {
	local c
	local -A in=()
	for c in $(expand "$1"); do in[$c]=1; done
	for c in $(expand "$2"); do [[ -n ${in[$c]:-} ]] && return 0; done
	return 1
}

# kthreads: the PIDs of kthreadd and its children, the kernel's threads
kthreads() {
	local d
	for d in /proc/[0-9]*; do
		[[ ${d##*/} == 2 ]] && { echo 2; continue; }
		awk '$1 == "PPid:" && $2 == 2 {found = 1} END {exit !found}' "$d/status" 2>/dev/null &&
			echo "${d##*/}"
	done
}

# affinity PID: the thread's CPU list
affinity() { taskset -pc "$1" 2>/dev/null | sed 's/.*: //'; }

# set STATE PATH VALUE: record PATH's value in STATE, then write VALUE
set_knob() {
	local old
	old=$(cat "$2") || return 1
	[[ $old == "$3" ]] && return 0
	if echo "$3" >"$2" 2>/dev/null; then
		printf '%s\t%s\n' "$2" "$old" >>"$1"
		return 0
	fi
	return 1
}

apply() {
	local cpus=$1 state=$2 hk hk_list hk_mask c d irq cur name pid moved=0 refused=()
	check_list "$cpus"
	[[ $(id -u) -eq 0 ]] || die "needs root (it writes /proc/irq and /proc/sys)"
	[[ -e $state ]] && die "$state exists: restore it first (apply would record isolated values as originals)"
	for c in $(expand "$cpus"); do
		[[ -d /sys/devices/system/cpu/cpu$c ]] || die "CPU $c does not exist"
	done
	hk=$(housekeeping "$cpus")
	[[ -n $hk ]] || die "no CPU left for housekeeping: keep at least one out of '$cpus'"
	# shellcheck disable=SC2086
	hk_list=$(join $hk)
	# shellcheck disable=SC2086
	hk_mask=$(mask $hk)
	: >"$state"

	for irq in /proc/irq/[0-9]*; do
		cur=$(cat "$irq/smp_affinity_list" 2>/dev/null) || continue
		intersects "$cur" "$cpus" || continue
		if set_knob "$state" "$irq/smp_affinity_list" "$hk_list"; then
			moved=$((moved + 1))
		else
			# The handler's name is the IRQ's one subdirectory.
			name=""
			for d in "$irq"/*/; do
				[[ -d $d ]] && name=$(basename "$d") && break
			done
			refused+=("${irq##*/}${name:+($name)}")
		fi
	done
	set_knob "$state" /proc/irq/default_smp_affinity "$hk_mask" ||
		echo "isolate-cpus: default_smp_affinity not set" >&2
	echo "isolate-cpus: $moved IRQs moved to CPUs $hk_list"
	((${#refused[@]} == 0)) ||
		echo "isolate-cpus: ${#refused[@]} IRQs refused (kernel-managed, stay): ${refused[*]}"

	if [[ -w /sys/devices/virtual/workqueue/cpumask ]]; then
		set_knob "$state" /sys/devices/virtual/workqueue/cpumask "$hk_mask" &&
			echo "isolate-cpus: unbound workqueues on CPUs $hk_list" ||
			echo "isolate-cpus: workqueue cpumask refused" >&2
	fi
	if [[ -w /proc/sys/kernel/watchdog_cpumask ]]; then
		set_knob "$state" /proc/sys/kernel/watchdog_cpumask "$hk_list" &&
			echo "isolate-cpus: soft-lockup watchdog on CPUs $hk_list" ||
			echo "isolate-cpus: watchdog_cpumask refused" >&2
	fi
	moved=0
	for pid in $(kthreads); do
		cur=$(affinity "$pid") || continue
		intersects "$cur" "$cpus" || continue
		# Per-CPU threads refuse (PF_NO_SETAFFINITY): they stay, by design.
		if taskset -pc "$hk_list" "$pid" >/dev/null 2>&1; then
			printf 'task:%s:%s\t%s\n' "$pid" "$(cat "/proc/$pid/comm")" "$cur" >>"$state"
			moved=$((moved + 1))
		fi
	done
	echo "isolate-cpus: $moved unbound kernel threads moved to CPUs $hk_list"
	cur=$(cat /proc/sys/vm/stat_interval)
	if ((cur < 60)); then
		set_knob "$state" /proc/sys/vm/stat_interval 60 &&
			echo "isolate-cpus: vm.stat_interval $cur -> 60 s"
	fi
	echo "isolate-cpus: previous values in $state ($(wc -l <"$state") entries)"
}

restore() {
	local state=$1 path old bad=0 n=0 pid comm
	[[ $(id -u) -eq 0 ]] || die "needs root"
	[[ -f $state ]] || die "no state file $state"
	# Newest first: a knob written twice gets its first value back.
	while IFS=$'\t' read -r path old; do
		if [[ $path == task:* ]]; then
			# task:PID:COMM - only the same thread, not a reused PID.
			IFS=: read -r _ pid comm <<<"$path"
			if [[ $(cat "/proc/$pid/comm" 2>/dev/null) == "$comm" ]]; then
				taskset -pc "$old" "$pid" >/dev/null 2>&1 && n=$((n + 1)) ||
					{ echo "isolate-cpus: could not restore $comm ($pid) to $old" >&2; bad=1; }
			fi
			continue
		fi
		if echo "$old" >"$path" 2>/dev/null; then
			n=$((n + 1))
		else
			# An IRQ that went away since apply is not an error worth failing on.
			[[ -e $path ]] && { echo "isolate-cpus: could not restore $path to $old" >&2; bad=1; }
		fi
	done < <(tac "$state")
	rm -f "$state"
	echo "isolate-cpus: $n values restored"
	return $bad
}

show() {
	local cpus=$1 irq cur n=0 pid k=0
	check_list "$cpus"
	# The configured affinity: x86 moves an IRQ's effective target at its
	# next interrupt, so effective_affinity lags a change.
	for irq in /proc/irq/[0-9]*; do
		cur=$(cat "$irq/smp_affinity_list" 2>/dev/null) || continue
		intersects "$cur" "$cpus" && n=$((n + 1))
	done
	echo "IRQs that may fire on $cpus: $n"
	for pid in $(kthreads); do
		cur=$(affinity "$pid") || continue
		intersects "$cur" "$cpus" && k=$((k + 1))
	done
	echo "kernel threads that may run on $cpus: $k (per-CPU ones included)"
	[[ -r /sys/devices/virtual/workqueue/cpumask ]] &&
		echo "unbound workqueue cpumask: $(cat /sys/devices/virtual/workqueue/cpumask)"
	[[ -r /proc/sys/kernel/watchdog_cpumask ]] &&
		echo "watchdog CPUs: $(cat /proc/sys/kernel/watchdog_cpumask)"
	echo "vm.stat_interval: $(cat /proc/sys/vm/stat_interval) s"
}

case "${1:-}" in
apply)
	(($# == 3)) || die "usage: $0 apply CPUS STATE"
	apply "$2" "$3"
	;;
restore)
	(($# == 2)) || die "usage: $0 restore STATE"
	restore "$2"
	;;
show)
	(($# == 2)) || die "usage: $0 show CPUS"
	show "$2"
	;;
*)
	sed -n '3,9p' "$0" | sed 's/^# \{0,1\}//'
	exit 2
	;;
esac
