#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Seeds for the receive-path fuzzers (fuzz_underlay, fuzz_access).

    sudo /usr/bin/python3 tests/fuzz/seeds_dp.py [--no-kernel]

writes tests/fuzz/corpus/{underlay,access}/ from three sources:
  pkt-*      every frame tests/pkt/pkt_test.py crafts (its build_inputs());
  kernel-*   frames the Linux kernel's own vxlan driver and 802.1Q code
             send, captured in a network namespace (root): VXLAN with and
             without UDP checksums, ARP for the VTEP, pings to it, tagged
             and untagged access traffic;
  crafted-*  malformed and edge cases made with scapy (truncation at every
             header boundary, options, fragments, flags, QinQ, runts,
             group sources, oversize, the flood-limited and unresolved
             segments of the fixture).
Each file is the fuzzer's input: a 4-byte header (fuzz_dp.c: flags, split
offset, stripped TCI) and the frame. Addresses are the fixture's
(tests/unit/dataplane/dp_fixture.h), the same as pkt_test.py's.
"""
import argparse
import hashlib
import logging
import os
import subprocess
import sys
import tempfile
import time

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import (ARP, ICMP, IP, TCP, UDP, Dot1AD, Dot1Q, Ether, IPv6, Raw,  # noqa: E402
                       AsyncSniffer, rdpcap)
from scapy.layers.vxlan import VXLAN  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests", "pkt"))
import pkt_test  # noqa: E402

OUR_MAC, VTEP = pkt_test.OUR_MAC, pkt_test.VTEP
R1, R1_MAC = pkt_test.R1, pkt_test.R1_MAC
STATIC_MAC, VM_MAC = pkt_test.STATIC_MAC, pkt_test.VM_MAC
DEAD_MAC, LOCAL_MAC = "02:bb:00:00:00:02", "02:bb:00:00:00:03"

CSUM_OK, CSUM_BAD, STRIPPED, RSS, CHAIN, TWICE = 1, 2, 4, 8, 16, 32


def hdr(flags=0, split=0, tci=0):
    return bytes([flags, split, tci >> 8, tci & 0xff])


class Corpus:
    def __init__(self, side):
        self.dir = os.path.join(ROOT, "tests", "fuzz", "corpus", side)
        os.makedirs(self.dir, exist_ok=True)
        self.names = {}

    def add(self, kind, frame, h=hdr()):
        data = h + bytes(frame)
        digest = hashlib.sha1(data).hexdigest()[:12]
        name = "%s-%s" % (kind, digest)
        with open(os.path.join(self.dir, name), "wb") as f:
            f.write(data)
        self.names[name] = len(data)


def from_pkt_test(ul, acc):
    with tempfile.TemporaryDirectory() as d:
        inputs = pkt_test.build_inputs(d)
    for f in inputs["ul"]:
        ul.add("pkt", f)
    for f in inputs["acc"]:
        acc.add("pkt", f)


def vx(inner, vni=5001, **ip):
    return (Ether(dst=OUR_MAC, src=R1_MAC) / IP(src=R1, dst=VTEP, flags="DF", **ip) /
            UDP(sport=50000, dport=4789, chksum=0) / VXLAN(flags=0x08, vni=vni) / inner)


def inner(dst=VM_MAC, src="02:cc:00:00:00:01", vlan=None, payload=b"x" * 46):
    e = Ether(dst=dst, src=src)
    if vlan is not None:
        e = e / Dot1Q(vlan=vlan)
    return e / IP(src="10.0.0.1", dst="10.0.0.2") / UDP(sport=1234, dport=80) / Raw(payload)


def crafted_underlay(ul):
    good = bytes(vx(inner()))
    for cut in (1, 13, 14, 15, 33, 34, 35, 41, 42, 43, 49, 50, 51, 63, 64, len(good) - 1):
        ul.add("crafted-cut%d" % cut, good[:cut])
    ul.add("crafted-good", good)
    ul.add("crafted-good-csumok", good, hdr(CSUM_OK))
    ul.add("crafted-good-csumbad", good, hdr(CSUM_BAD))
    ul.add("crafted-good-chain", good, hdr(CHAIN, 40))
    ul.add("crafted-good-chain-inner", good, hdr(CHAIN, 60))
    ul.add("crafted-good-twice", good, hdr(TWICE))
    ul.add("crafted-untagged-seg", vx(inner(), vni=5002))
    ul.add("crafted-limited-seg", vx(inner(), vni=5003))
    ul.add("crafted-dead-seg", vx(inner(), vni=5004))
    ul.add("crafted-from-static", vx(inner(src=STATIC_MAC)))
    ul.add("crafted-inner-bcast", vx(inner(dst="ff:ff:ff:ff:ff:ff")))
    ul.add("crafted-inner-runt", vx(Raw(bytes(inner())[:14])))
    ul.add("crafted-inner-qinq", vx(Ether(dst=VM_MAC, src="02:cc:00:00:00:02") / Dot1AD(vlan=5) /
                                    Dot1Q(vlan=6) / Raw(b"q" * 40)))
    ul.add("crafted-max-ihl", vx(inner(), options=b"\x01" * 40))
    ul.add("crafted-jumbo-inner", vx(inner(payload=b"j" * 1440)))
    ul.add("crafted-padded", good + b"\x00" * 30)
    ul.add("crafted-broadcast-vxlan", Ether(dst="ff:ff:ff:ff:ff:ff") / bytes(vx(inner()))[6:])
    ul.add("crafted-to-port-ip", Ether(dst=OUR_MAC, src=R1_MAC) / IP(src=R1, dst=VTEP) /
           ICMP(type=8) / Raw(b"p" * 1400))
    ul.add("crafted-gratuitous-arp", Ether(dst="ff:ff:ff:ff:ff:ff", src=R1_MAC) /
           ARP(op=1, hwsrc=R1_MAC, psrc=R1, pdst=R1))
    ul.add("crafted-arp-reply", Ether(dst=OUR_MAC, src=R1_MAC) /
           ARP(op=2, hwsrc=R1_MAC, psrc=R1, hwdst=OUR_MAC, pdst=VTEP))
    ul.add("crafted-arp-chained", Ether(dst="ff:ff:ff:ff:ff:ff", src=R1_MAC) /
           ARP(op=1, hwsrc=R1_MAC, psrc=R1, pdst=VTEP), hdr(CHAIN, 20))
    ul.add("crafted-ipv6", Ether(dst=OUR_MAC, src=R1_MAC) / IPv6() / UDP(dport=4789) / VXLAN() /
           inner())
    ul.add("crafted-tcp", Ether(dst=OUR_MAC, src=R1_MAC) / IP(src=R1, dst=VTEP) / TCP(dport=4789))


def crafted_access(acc):
    base = inner(STATIC_MAC, VM_MAC, vlan=100)
    good = bytes(base)
    for cut in (1, 13, 14, 15, 17, 18, 19):
        acc.add("crafted-cut%d" % cut, good[:cut])
    acc.add("crafted-unicast", good)
    acc.add("crafted-unicast-rss", good, hdr(RSS))
    acc.add("crafted-unicast-twice", good, hdr(TWICE))
    acc.add("crafted-unicast-chain", good, hdr(CHAIN, 16))
    acc.add("crafted-stripped-100", inner(STATIC_MAC, VM_MAC), hdr(STRIPPED, 0, 100))
    acc.add("crafted-stripped-pcp", inner(STATIC_MAC, VM_MAC), hdr(STRIPPED, 0, 0xe000 | 100))
    acc.add("crafted-priority-tag", inner(STATIC_MAC, VM_MAC, vlan=0))
    acc.add("crafted-untagged-seg", inner(STATIC_MAC, VM_MAC))
    acc.add("crafted-to-dead-vtep", inner(DEAD_MAC, VM_MAC, vlan=100))
    acc.add("crafted-to-local", inner(LOCAL_MAC, VM_MAC, vlan=100))
    acc.add("crafted-limited-flood", inner("ff:ff:ff:ff:ff:ff", VM_MAC, vlan=300), hdr(TWICE))
    acc.add("crafted-dead-flood", inner("ff:ff:ff:ff:ff:ff", VM_MAC, vlan=400))
    acc.add("crafted-unknown-unicast", inner("02:dd:00:00:00:09", VM_MAC, vlan=100))
    acc.add("crafted-multicast-dst", inner("01:00:5e:00:00:fb", VM_MAC, vlan=100))
    acc.add("crafted-qinq", Ether(dst=STATIC_MAC, src=VM_MAC) / Dot1AD(vlan=100) / Dot1Q(vlan=100) /
            Raw(b"q" * 40))
    acc.add("crafted-mtu-edge", inner(STATIC_MAC, VM_MAC, vlan=100, payload=b"m" * 1422))
    acc.add("crafted-mtu-over", inner(STATIC_MAC, VM_MAC, vlan=100, payload=b"m" * 1423))
    acc.add("crafted-ipv6", Ether(dst=STATIC_MAC, src=VM_MAC) / Dot1Q(vlan=100) / IPv6() / UDP())
    acc.add("crafted-short-ip", Ether(dst=STATIC_MAC, src=VM_MAC) / Dot1Q(vlan=100) /
            Raw(b"\x45\x00"))


def sh(*cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def kernel_frames(ul, acc):
    """The kernel's vxlan in namespace A sends to 192.0.2.1, whose MAC is
    ours, in namespace B (which answers ARP, so the tunnel resolves)."""
    a, b = "vtseed%da" % os.getpid(), "vtseed%db" % os.getpid()
    nsa, nsb = ["ip", "netns", "exec", a], ["ip", "netns", "exec", b]
    try:
        for ns in (a, b):
            sh("ip", "netns", "add", ns)
            sh("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up")
            sh("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1")
            sh("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1")
        sh("ip", "link", "add", "k0", "netns", a, "address", R1_MAC, "type", "veth", "peer", "name",
           "k1", "netns", b, "address", OUR_MAC)
        for ns, d, addr in ((nsa, "k0", R1), (nsb, "k1", VTEP)):
            sh(*ns, "ethtool", "-K", d, "tx", "off", "rx", "off", "tso", "off", "gso", "off")
            sh(*ns, "ip", "link", "set", d, "up")
            sh(*ns, "ip", "addr", "add", addr + "/24", "dev", d)
        for vni, csum in ((5001, "noudpcsum"), (5002, "udpcsum")):
            dev = "vx%d" % vni
            sh(*nsa, "ip", "link", "add", dev, "type", "vxlan", "id", str(vni), "local", R1,
               "remote", VTEP, "dstport", "4789", "dev", "k0", csum)
            sh(*nsa, "ip", "link", "set", dev, "address", "02:cc:00:00:%02x:01" % (vni % 256),
               "up")
            sh(*nsa, "ip", "addr", "add", "10.%d.0.1/24" % (vni % 256), "dev", dev)
            # A neighbour behind the tunnel, so pings go out inside it.
            sh(*nsa, "ip", "neigh", "add", "10.%d.0.2" % (vni % 256), "lladdr", VM_MAC, "dev", dev)
        # No 802.1Q in every kernel (8021q may be absent): access frames
        # are the host's own, untagged, as a NIC that strips the tag - or
        # net_af_packet, where the kernel does - hands them over.
        sh(*nsa, "ip", "addr", "add", "10.100.0.1/24", "dev", "k0")
        with tempfile.TemporaryDirectory() as d:
            cap = os.path.join(d, "k1.pcap")
            dump = subprocess.Popen(nsb + ["tcpdump", "-q", "-U", "-Q", "in", "-i", "k1", "-w", cap],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1)
            for args in (["10.137.0.2"], ["-s", "1300", "10.137.0.2"], ["10.138.0.2"],
                         ["10.137.0.9"], [VTEP], ["-s", "1400", VTEP], ["10.100.0.2"]):
                subprocess.run(nsa + ["ping", "-c", "2", "-i", "0.2", "-W", "1"] + args,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.5)
            dump.terminate()
            dump.wait()
            frames = rdpcap(cap)
    finally:
        for ns in (a, b):
            subprocess.run(["ip", "netns", "del", ns], stderr=subprocess.DEVNULL)
    seen = set()
    for f in frames:
        b = bytes(f)
        if b in seen:
            continue
        seen.add(b)
        if f.haslayer(UDP) and f[UDP].dport == 4789:
            ul.add("kernel-vxlan", b)
            # The frame inside, as the VM behind an access port sent it.
            acc.add("kernel-inner", bytes(f[UDP].payload)[8:], hdr(STRIPPED, 0, 100))
        elif f.haslayer(ARP) and f[ARP].pdst.startswith("10.100."):
            acc.add("kernel-host-stripped", b, hdr(STRIPPED, 0, 100))
            tagged = b[:12] + bytes(Dot1Q(vlan=100, type=f.type))[:4] + b[12:]
            acc.add("kernel-host-tagged", tagged)
        else:
            ul.add("kernel-host", b)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-kernel", action="store_true", help="skip the namespace capture")
    a = ap.parse_args()
    ul, acc = Corpus("underlay"), Corpus("access")
    from_pkt_test(ul, acc)
    crafted_underlay(ul)
    crafted_access(acc)
    if not a.no_kernel:
        kernel_frames(ul, acc)
    for c in (ul, acc):
        kinds = {}
        for n in c.names:
            k = n.split("-")[0]
            kinds[k] = kinds.get(k, 0) + 1
        print("%s: %d seeds %s" % (c.dir, len(c.names), kinds))


if __name__ == "__main__":
    main()
