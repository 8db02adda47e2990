#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Check what a gateway sent, against the frames it was given.

usage: verify.py encap|decap PLAIN.pcap OUT.pcap [--vni 5001] [--vlan N]

PLAIN.pcap holds the inner frames (bench/gen.c writes them: the encap
input, and what the decap input carries). For encap every output packet
must be Ethernet (02:00:00:00:01:01 -> 02:00:00:00:01:02) / IPv4 (version
4, no options, total length, DF, TTL 64, UDP, valid header checksum,
198.18.0.1 -> 198.18.0.2) / UDP (source port in 49152..65535, port 4789,
length, checksum 0) / VXLAN (flags 0x08, VNI, reserved bytes 0), and the
inner frames together must be exactly the input frames (nothing lost,
duplicated or changed). For decap the output must be exactly the inner
frames. With --vlan N the plain frames carry an 802.1Q tag (VLAN N, a
segment on a VLAN): decap must deliver them as they are, encap must
send them without it. Prints one line starting with PASS or FAIL.
"""
import argparse
import collections
import struct
import sys

LOCAL_MAC = bytes.fromhex("020000000101")
REMOTE_MAC = bytes.fromhex("020000000102")
LOCAL_IP = bytes([198, 18, 0, 1])
REMOTE_IP = bytes([198, 18, 0, 2])


def frames(path):
    out = []
    with open(path, "rb") as f:
        magic = struct.unpack("<I", f.read(24)[:4])[0]
        if magic not in (0xa1b2c3d4, 0xa1b23c4d):
            raise SystemExit("FAIL %s: not a little-endian pcap file" % path)
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return out
            caplen = struct.unpack("<IIII", rec)[2]
            out.append(f.read(caplen))


def ip_checksum_ok(h):
    s = sum(struct.unpack("!10H", h))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s == 0xffff


def check_outer(p, vni, errs):
    def need(cond, what):
        if not cond:
            errs[what] += 1
    need(len(p) >= 50 + 14, "shorter than outer headers + inner Ethernet")
    if len(p) < 50 + 14:
        return None
    need(p[0:6] == REMOTE_MAC and p[6:12] == LOCAL_MAC, "outer MACs")
    need(p[12:14] == b"\x08\x00", "outer EtherType")
    ip = p[14:34]
    need(ip[0] == 0x45, "outer IPv4 version/IHL")
    need(struct.unpack("!H", ip[2:4])[0] == len(p) - 14, "outer IPv4 total length")
    need(struct.unpack("!H", ip[6:8])[0] == 0x4000, "outer IPv4 DF, no fragment")
    need(ip[8] == 64 and ip[9] == 17, "outer TTL 64, protocol UDP")
    need(ip_checksum_ok(ip), "outer IPv4 header checksum")
    need(ip[12:16] == LOCAL_IP and ip[16:20] == REMOTE_IP, "outer IPv4 addresses")
    sport, dport, ulen, ucsum = struct.unpack("!HHHH", p[34:42])
    need(49152 <= sport <= 65535, "UDP source port outside 49152..65535")
    need(dport == 4789, "UDP destination port")
    need(ulen == len(p) - 34, "UDP length")
    need(ucsum == 0, "UDP checksum not 0")
    need(p[42] == 0x08 and p[43:46] == b"\0\0\0" and p[49] == 0, "VXLAN flags/reserved")
    need(int.from_bytes(p[46:49], "big") == vni, "VNI")
    return sport


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("dir", choices=("encap", "decap"))
    ap.add_argument("plain")
    ap.add_argument("out")
    ap.add_argument("--vni", type=int, default=5001)
    ap.add_argument("--vlan", type=int, default=0,
                    help="PLAIN's frames carry this 802.1Q tag: encap sends them without it")
    a = ap.parse_args()
    want = frames(a.plain)
    if a.vlan and a.dir == "encap":
        bad = [f for f in want if f[12:14] != b"\x81\x00" or (f[14] << 8 | f[15]) & 0xfff != a.vlan]
        if bad:
            print("FAIL %s: %d input frames not tagged with VLAN %d" % (a.dir, len(bad), a.vlan))
            return 1
        want = [f[:12] + f[16:] for f in want]
    try:
        got = frames(a.out)
    except OSError as e:
        print("FAIL %s: %s" % (a.dir, e))
        return 1
    errs = collections.Counter()
    extra = ""
    if a.dir == "encap":
        sports = set()
        inner = []
        for p in got:
            sports.add(check_outer(p, a.vni, errs))
            inner.append(p[50:])
        if collections.Counter(inner) != collections.Counter(want):
            errs["inner frames differ from the input"] += 1
        extra = " distinct_source_ports=%d" % len(sports - {None})
    elif collections.Counter(got) != collections.Counter(want):
        errs["output differs from the inner frames"] += 1
    ok = not errs and len(got) == len(want)
    print("%s %s: in=%d out=%d%s%s" % (
        "PASS" if ok else "FAIL", a.dir, len(want), len(got), extra,
        "".join(" [%s x%d]" % kv for kv in errs.items())))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
