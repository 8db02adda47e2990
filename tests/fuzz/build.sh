#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# tests/fuzz/build.sh [DIR]: configure (once) and build the libFuzzer build
# directory (default build-fuzz): clang, -Dfuzz=true, ASan + UBSan, and
# every library compiled with -fsanitize=fuzzer-no-link so the targets see
# coverage of the code they drive (the dataplane, the control thread),
# not only of their own file.
# Exit 77 (skip) with the reason when clang or its libFuzzer runtime
# (libclang-rt-<version>-dev) is missing.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=${1:-build-fuzz}
cd "$root"

command -v clang >/dev/null 2>&1 || { echo "SKIP: fuzz: no clang"; exit 77; }
probe=$(mktemp -d)
printf '#include <stdint.h>\n#include <stddef.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' \
	>"$probe/p.c"
if ! clang -fsanitize=fuzzer,address,undefined -o "$probe/p" "$probe/p.c" >"$probe/log" 2>&1; then
	echo "SKIP: fuzz: clang cannot link a libFuzzer target (install libclang-rt-$(clang -dumpversion | cut -d. -f1)-dev):"
	sed 's/^/    /' "$probe/log" | head -5
	rm -rf "$probe"
	exit 77
fi
rm -rf "$probe"
if [[ ! -f $dir/build.ninja ]]; then
	CC=clang meson setup "$dir" -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false \
		-Dc_args=-fsanitize=fuzzer-no-link >/dev/null || exit 1
fi
ninja -C "$dir" >/dev/null || { ninja -C "$dir"; exit 1; }
