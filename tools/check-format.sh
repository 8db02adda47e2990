#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Every C file as .clang-format lays it out (`make format` fixes them).
# Pinned to clang-format 14, Debian 12's: another version formats some
# constructs differently, and the check must not depend on the machine.
set -u
cd "$(dirname "$0")/.."
cf=$(command -v clang-format-14) || {
	echo "SKIP: clang-format-14 not installed (scripts/install-deps.sh installs it)"
	exit 77
}
files=$(git ls-files '*.c' '*.h' 2>/dev/null) || files=$(find . -path ./build\* -prune -o -name '*.[ch]' -print)
bad=$(for f in $files; do "$cf" --dry-run "$f" 2>&1 | grep -q . && echo "$f"; done)
if [[ -n $bad ]]; then
	echo "not formatted (make format):"
	echo "$bad"
	exit 1
fi
echo "format: $(echo "$files" | wc -w) files as .clang-format says"
