#!/usr/bin/env bash
# Run every test suite of one build dir (and unit + pkt of an optional
# sanitizer build dir, then the fuzz suite - each libFuzzer target for
# 60 s - of the clang build dir $FUZZ_BUILD, default build-fuzz, which
# tests/fuzz/build.sh configures and builds), then print one summary line:
#   N passed, N failed, N skipped
# Exit status is non-zero when anything failed.
set -uo pipefail
build=${1:?build dir}
asan=${2:-}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

runs=()
status=0

run_suites() { # dir label [suite...]
	local dir=$1 label=$2; shift 2
	local args=()
	for s in "$@"; do args+=(--suite "$s"); done
	echo "== $label: meson test -C $dir ${args[*]}"
	meson test -C "$dir" --print-errorlogs "${args[@]}" || status=1
	runs+=("$dir/meson-logs/testlog.json")
	cp "$dir/meson-logs/testlog.json" "$dir/meson-logs/testlog-$label.json" 2>/dev/null || true
	runs[${#runs[@]}-1]="$dir/meson-logs/testlog-$label.json"
}

# A result no meson test produced (a build that could not run), in
# testlog.json's format so the summary counts it.
record() { # name result
	local f=$root/${FUZZ_BUILD:-build-fuzz}-records.json
	printf '{"name": "%s", "result": "%s"}\n' "$1" "$2" >>"$f"
	runs+=("$f")
}

run_suites "$build" main
if [[ -n "$asan" ]]; then
	run_suites "$asan" asan unit pkt
	fuzz=${FUZZ_BUILD:-build-fuzz}
	rm -f "$root/$fuzz-records.json"
	echo "== fuzz: tests/fuzz/build.sh $fuzz"
	tests/fuzz/build.sh "$fuzz"
	case $? in
	0) run_suites "$fuzz" fuzz fuzz ;;
	77) record "fuzz (skipped: see the reason above)" SKIP ;;
	*) record "fuzz (build failed)" FAIL; status=1 ;;
	esac
fi

python3 - "${runs[@]}" <<'PY'
import json, sys
passed = failed = skipped = 0
failures = []
for path in sys.argv[1:]:
    try:
        lines = open(path).read().splitlines()
    except OSError as e:
        print(f"run-tests: {path}: {e}")
        failed += 1
        continue
    for line in lines:
        if not line.strip():
            continue
        t = json.loads(line)
        r = t.get("result")
        if r in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif r == "SKIP":
            skipped += 1
        else:
            failed += 1
            failures.append(f"{t.get('name')} ({r})")
for f in failures:
    print(f"FAILED: {f}")
print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
PY
rc=$?
[[ $rc -ne 0 ]] && status=1
exit $status
