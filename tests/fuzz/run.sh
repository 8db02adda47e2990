#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# make fuzz: run every libFuzzer target (or the ones named) for a while.
#
#   tests/fuzz/run.sh [--seconds N] [--target NAME]... [--build DIR]
#
# Each target runs for N seconds (default 300) from its seeds
# (tests/fuzz/corpus/<name>) plus what earlier runs found (kept in
# DIR/tests/fuzz/corpus/<name>, never in the source tree); the commands are
# the fuzz suite's (meson introspect), with only the time changed. A crash
# leaves its input in tests/fuzz/artifacts/<name>/: fix it, then keep the
# input in tests/fuzz/regress/<name>/ (the unit suite replays it).
# Ends with a table: executions, exec/s, coverage (libFuzzer's cov: edges
# of instrumented code reached), corpus size, and crashes, per target.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
seconds=300 build=build-fuzz targets=()
while [[ $# -gt 0 ]]; do
	case $1 in
	--seconds) seconds=${2:?}; shift 2 ;;
	--target) targets+=("${2:?}"); shift 2 ;;
	--build) build=${2:?}; shift 2 ;;
	-h|--help) sed -n '2,16p' "$0"; exit 0 ;;
	*) echo "run.sh: unknown argument $1 (--help)" >&2; exit 2 ;;
	esac
done
[[ $seconds =~ ^[0-9]+$ && $seconds -gt 0 ]] || { echo "run.sh: --seconds N" >&2; exit 2; }

tests/fuzz/build.sh "$build" || exit $?
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:detect_odr_violation=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

# name<TAB>command (JSON array) of every fuzz-suite test.
meson introspect "$build" --tests | /usr/bin/python3 -c '
import json, sys
for t in json.load(sys.stdin):
    if any(s.split(":")[-1] == "fuzz" for s in t["suite"]):
        print(t["name"] + "\t" + json.dumps(t["cmd"]))' >"$build/fuzz-tests.tsv"

status=0 rows=()
while IFS=$'\t' read -r name cmd; do
	short=${name#fuzz_}
	if [[ ${#targets[@]} -gt 0 && ! " ${targets[*]} " =~ " $short " ]]; then
		continue
	fi
	art="tests/fuzz/artifacts/$short"
	mkdir -p "$art"
	log="$build/fuzz-$short.log"
	mapfile -t argv < <(/usr/bin/python3 -c '
import json, sys
for a in json.loads(sys.argv[1]):
    if a.startswith("-max_total_time="):
        a = "-max_total_time=" + sys.argv[2]
    elif a.startswith("-artifact_prefix="):
        a = "-artifact_prefix=" + sys.argv[3] + "/"
    print(a)' "$cmd" "$seconds" "$root/$art")
	echo "== $short: ${seconds}s ($log)"
	"${argv[@]}" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	corp=$(grep -o 'corp: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
	crashes=$(find "$art" -type f -newer "$build/fuzz-tests.tsv" | wc -l)
	if [[ $rc -ne 0 ]]; then
		status=1
		grep -m1 -E 'ERROR|runtime error|fuzz_[a-z]+: ' "$log" | sed 's/^/    /'
	fi
	rows+=("$(printf '%-10s %12s %8s %6s %6s %7s  %s' "$short" "${runs:-?}" "${eps:-?}" \
		"${cov:-?}" "${corp:-?}" "$crashes" "$([[ $rc -eq 0 ]] && echo ok || echo "FAILED (rc $rc)")")")
done <"$build/fuzz-tests.tsv"

printf '%-10s %12s %8s %6s %6s %7s  %s\n' target executions exec/s cov corpus crashes result
printf '%s\n' "${rows[@]}"
exit $status
