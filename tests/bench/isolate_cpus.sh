#!/bin/bash
# isolate_cpus.sh - scripts/isolate-cpus.sh moves what it says off a CPU
# and `restore` puts back exactly what was there.
#
# On the machine itself (root, 2+ CPUs, else skipped): takes the last
# online CPU, records every knob the script may touch (IRQ affinities,
# the default IRQ mask, the unbound-workqueue mask, the watchdog's CPUs,
# vm.stat_interval, the kernel threads' affinities), applies, checks that
# nothing movable still names the CPU, checks the refusals (a second
# apply over its own state, no housekeeping CPU left, a CPU that does not
# exist, a malformed list), restores and compares every value. A failure
# half-way restores from the trap.
#
# Usage: isolate_cpus.sh SOURCE_DIR
set -uo pipefail
export LC_ALL=C # join(1) and sort(1) must collate alike
src=${1:?usage: isolate_cpus.sh SOURCE_DIR}
iso=$src/scripts/isolate-cpus.sh

[[ $(id -u) -eq 0 ]] || { echo "SKIP: needs root (writes /proc/irq and /proc/sys)"; exit 77; }
ncpu=$(getconf _NPROCESSORS_ONLN)
((ncpu >= 2)) || { echo "SKIP: needs 2 or more online CPUs, have $ncpu"; exit 77; }
cpu=$((ncpu - 1))
work=$(mktemp -d /tmp/vtep-isolate.XXXXXX)
state=$work/state
fails=0
checks=0
cleanup() {
	[[ -f $state ]] && "$iso" restore "$state" >/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

ok() {
	checks=$((checks + 1))
	if eval "$2"; then
		echo "ok   $1"
	else
		echo "FAIL $1"
		fails=$((fails + 1))
	fi
}

# snapshot FILE: every knob's value, one "name value" per line
snapshot() {
	local d
	{
		for d in /proc/irq/[0-9]*; do
			[[ -r $d/smp_affinity_list ]] && echo "irq${d##*/} $(cat "$d/smp_affinity_list")"
		done
		echo "default $(cat /proc/irq/default_smp_affinity)"
		[[ -r /sys/devices/virtual/workqueue/cpumask ]] &&
			echo "wq $(cat /sys/devices/virtual/workqueue/cpumask)"
		[[ -r /proc/sys/kernel/watchdog_cpumask ]] &&
			echo "watchdog $(cat /proc/sys/kernel/watchdog_cpumask)"
		echo "stat_interval $(cat /proc/sys/vm/stat_interval)"
		for d in /proc/[0-9]*; do
			awk '$1 == "PPid:" && $2 == 2 {f = 1} END {exit !f}' "$d/status" 2>/dev/null || continue
			echo "task${d##*/} $(taskset -pc "${d##*/}" 2>/dev/null | sed 's/.*: //')"
		done
	} | sort -k1,1 >"$1"
}

# names CPU LIST: does the kernel CPU list LIST include CPU?
names() {
	local part a b
	IFS=, read -ra parts <<<"$2"
	for part in "${parts[@]}"; do
		a=${part%-*}
		b=${part#*-}
		((a <= $1 && $1 <= b)) && return 0
	done
	return 1
}

# mask_has CPU MASK: is CPU's bit set in the kernel's hex MASK (32-bit
# groups separated by commas, the lowest last)?
mask_has() {
	local groups g
	IFS=, read -ra groups <<<"$2"
	g=${groups[${#groups[@]} - 1 - $1 / 32]:-0}
	(((0x$g >> ($1 % 32)) & 1))
}

snapshot "$work/before"
out=$("$iso" apply "$cpu" "$state" 2>&1)
rc=$?
echo "$out" | sed 's/^/  | /'
ok "apply $cpu succeeds" "((rc == 0)) && [[ -s $state ]]"

# Every IRQ still naming the CPU must be one the script reported refused.
refused=$(echo "$out" | sed -n 's/.*refused (kernel-managed, stay): //p')
left=()
for d in /proc/irq/[0-9]*; do
	[[ -r $d/smp_affinity_list ]] || continue
	names "$cpu" "$(cat "$d/smp_affinity_list")" || continue
	[[ " $refused " == *" ${d##*/}"[\ \(]* ]] || left+=("${d##*/}")
done
ok "no movable IRQ names CPU $cpu (left: ${left[*]:-none})" "((${#left[@]} == 0))"
if [[ -r /sys/devices/virtual/workqueue/cpumask ]]; then
	wq=$(cat /sys/devices/virtual/workqueue/cpumask)
	ok "unbound workqueue mask $wq leaves out CPU $cpu" "! mask_has $cpu $wq"
fi
if [[ -r /proc/sys/kernel/watchdog_cpumask ]]; then
	ok "watchdog CPUs $(cat /proc/sys/kernel/watchdog_cpumask) leave out CPU $cpu" \
		"! names $cpu \"\$(cat /proc/sys/kernel/watchdog_cpumask)\""
fi
ok "vm.stat_interval >= 60" "(($(cat /proc/sys/vm/stat_interval) >= 60))"
kt=$(taskset -pc 2 | sed 's/.*: //')
ok "kthreadd (new kernel threads inherit it) off CPU $cpu: $kt" "! names $cpu '$kt'"

cp "$state" "$work/state.saved"
"$iso" apply "$cpu" "$state" >"$work/again" 2>&1
rc=$?
ok "a second apply over its state is refused" \
	"((rc != 0)) && grep -q 'restore it first' '$work/again' && cmp -s '$state' '$work/state.saved'"
"$iso" apply "0-$cpu" "$work/none" >"$work/all" 2>&1
rc=$?
ok "isolating every CPU is refused" "((rc != 0)) && grep -q 'no CPU left' '$work/all' && [[ ! -e $work/none ]]"
"$iso" apply "$((cpu + 4096))" "$work/none" >"$work/nx" 2>&1
rc=$?
ok "a CPU that does not exist is refused" "((rc != 0)) && grep -q 'does not exist' '$work/nx'"
"$iso" apply "1-x" "$work/none" >"$work/bad" 2>&1
rc=$?
ok "a malformed CPU list is refused" "((rc != 0)) && grep -q 'bad CPU' '$work/bad'"

"$iso" restore "$state" | sed 's/^/  | /'
rc=${PIPESTATUS[0]}
snapshot "$work/after"
# Kernel threads born or ended meanwhile (kworkers come and go) are not
# the script's: compare the ones present both times.
join "$work/before" "$work/after" | awk '$2 != $3' >"$work/diff"
ok "restore puts back every value ($(wc -l <"$work/before") compared)" \
	"((rc == 0)) && [[ ! -s $work/diff ]] && [[ ! -e $state ]]"
[[ -s $work/diff ]] && sed 's/^/  differs: /' "$work/diff"

echo "isolate-cpus: $((checks - fails)) of $checks checks passed"
((fails == 0))
