#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Functions the project does not use (shared style 2.8, after curl's
# checksrc): unbounded or non-reentrant string handling and unchecked number
# parsing. Use snprintf, strtok_r, memcpy with a length, strtoul with an end
# check (common/netaddr.h: netaddr_u64_parse).
set -u
cd "$(dirname "$0")/.."
hits=$(git ls-files '*.c' '*.h' 2>/dev/null | grep -v '^tests/fuzz/corpus/' |
	xargs grep -nE '(^|[^_a-zA-Z0-9.>])(sprintf|vsprintf|strcpy|strcat|strtok|atoi|atol|atoll|gets)\(' |
	grep -vE '^\S+:[0-9]+:\s*(\*|//|/\*)')
if [[ -n $hits ]]; then
	echo "banned functions:"
	echo "$hits"
	exit 1
fi
echo "banned functions: none"
