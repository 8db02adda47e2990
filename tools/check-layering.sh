#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Layering (docs/architecture.md, shared style 2.1):
#  - dataplane/ and mapping/ never include the control plane's libraries
#    (curl, libxml2, Jansson, OpenSSL): the fast path must not be able to
#    call them;
#  - control/ never includes rte_mbuf.h or rte_ethdev.h: it sees the
#    dataplane through dataplane/dp.h only;
#  - common/ includes nothing of ours but itself.
# Prints every violation; exit 1 if any.
set -u
cd "$(dirname "$0")/.."
bad=0
report() { echo "layering: $1"; bad=1; }
while IFS= read -r hit; do report "$hit (control-plane library in the fast path)"; done < <(
	grep -rnE '#include *[<"](curl/|libxml/|jansson\.h|openssl/)' dataplane mapping 2>/dev/null)
while IFS= read -r hit; do report "$hit (control/ must go through dataplane/dp.h)"; done < <(
	grep -rnE '#include *[<"](rte_mbuf\.h|rte_ethdev\.h|rte_mbuf_core\.h)' control 2>/dev/null)
while IFS= read -r hit; do report "$hit (common/ is the leaf)"; done < <(
	grep -rnE '#include *"(dataplane|mapping|control)/' common 2>/dev/null)
[[ $bad -eq 0 ]] && echo "layering: ok"
exit $bad
