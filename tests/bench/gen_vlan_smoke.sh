#!/bin/bash
# gen_vlan_smoke.sh - the gateway bench's traffic on a VLAN (VLAN=N
# bench/gateway.sh): vtep-bench-gen pcap --vlan 100 writes the access
# side's frames with an 802.1Q tag (VLAN 100, PCP 0) in front of exactly
# the untagged frames, and the VXLAN packets unchanged; bench/verify.py
# --vlan accepts a decap output equal to the tagged frames and refuses the
# untagged ones. Not a performance test.
#
# Usage: gen_vlan_smoke.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
src=${1:?usage: gen_vlan_smoke.sh SOURCE_DIR BUILD_DIR}
build=${2:?usage: gen_vlan_smoke.sh SOURCE_DIR BUILD_DIR}
gen=$build/bench/vtep-bench-gen
[[ -x $gen ]] || { echo "FAIL: $gen not built"; exit 1; }
work=$(mktemp -d /tmp/vtep-genvlan.XXXXXX)
trap 'rm -rf "$work"' EXIT

"$gen" pcap "$work/u" --flows 16 --frame-len 60
"$gen" pcap "$work/t" --flows 16 --frame-len 60 --vlan 100
if "$gen" pcap "$work/x" --flows 16 --vlan 4095 2>/dev/null; then
	echo "FAIL: --vlan 4095 accepted"
	exit 1
fi
python3 - "$work" <<'PY'
import struct, sys
work = sys.argv[1]
def frames(path):
    with open(path, "rb") as f:
        data = f.read()
    out, off = [], 24
    while off < len(data):
        incl = struct.unpack_from("<I", data, off + 8)[0]
        out.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return out
u, t = frames(f"{work}/u/plain_16.pcap"), frames(f"{work}/t/plain_16.pcap")
if len(u) != 16 or len(t) != 16:
    sys.exit(f"FAIL: {len(u)} untagged and {len(t)} tagged frames, want 16 each")
for i, (a, b) in enumerate(zip(u, t)):
    if b[12:16] != b"\x81\x00\x00\x64" or b[:12] + b[16:] != a:
        sys.exit(f"FAIL: frame {i}: tagged {b[:18].hex()} is not untagged {a[:14].hex()} behind VLAN 100")
if frames(f"{work}/u/vxlan_16.pcap") != frames(f"{work}/t/vxlan_16.pcap"):
    sys.exit("FAIL: the VXLAN packets differ with --vlan")
print("ok: 16 frames tagged with VLAN 100, VXLAN packets unchanged")
PY
verify=$src/bench/verify.py
v=$(python3 "$verify" decap "$work/t/plain_16.pcap" "$work/t/plain_16.pcap" --vlan 100 | tail -1)
[[ $v == PASS* ]] || { echo "FAIL: verify.py refused a tagged decap output equal to the input: $v"; exit 1; }
v=$(python3 "$verify" decap "$work/t/plain_16.pcap" "$work/u/plain_16.pcap" --vlan 100 | tail -1) || true
[[ $v == FAIL* ]] || { echo "FAIL: verify.py accepted an untagged decap output: $v"; exit 1; }
v=$(python3 "$verify" encap "$work/u/plain_16.pcap" "$work/u/vxlan_16.pcap" --vlan 100 | tail -1) || true
[[ $v == FAIL* ]] || { echo "FAIL: verify.py accepted untagged encap input with --vlan: $v"; exit 1; }
echo "PASS"
