#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Packet tests: crafted frames through a real vtepd on net_pcap ports.

scapy writes one input pcap per port; vtepd runs with
    access0   = net_pcap0,rx_pcap=acc_in.pcap,tx_pcap=acc_out.pcap
    underlay0 = net_pcap1,rx_pcap=ul_in.pcap,tx_pcap=ul_out.pcap
and static ARP entries for the remote VTEPs, so the result does not depend
on timing. When every input frame has been received (vtepctl show ports),
vtepd is stopped and the outputs are checked field by field, and every drop
counter against the exact number of frames crafted to hit it.

Usage: pkt_test.py BUILD_DIR   (exit 0 pass, 1 fail, 77 skip)
"""
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile

# Runt frames written as raw bytes make scapy warn about link types.
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
try:
    from scapy.all import (ARP, ICMP, IP, UDP, Dot1Q, Ether, Raw, TCP, IPv6,
                           rdpcap, wrpcap)
    from scapy.layers.vxlan import VXLAN
except ImportError:
    print("SKIP: scapy is not installed for /usr/bin/python3 (python3-scapy)")
    sys.exit(77)
import pktlib  # noqa: E402 (needs scapy)
from pktlib import check, inner, patch, stop_vtepd, vtepctl, vtepd_failed, wait_rx  # noqa: E402

OUR_MAC = "02:00:00:00:01:01"
VTEP = "192.0.2.1"
R1, R1_MAC = "192.0.2.2", "02:00:00:00:02:02"
R2, R2_MAC = "192.0.2.3", "02:00:00:00:02:03"
STATIC_MAC = "02:bb:00:00:00:01"  # static FDB: behind R1
VM_MAC = "02:aa:00:00:00:01"      # a local VM

def vxlan(inner_frame, vni=5001, src=R1, src_mac=R1_MAC, **kw):
    f = (Ether(dst=OUR_MAC, src=src_mac) / IP(src=src, dst=VTEP, flags="DF", ttl=64) /
         UDP(sport=50000, dport=4789, chksum=0) / VXLAN(flags=0x08, vni=vni) / inner_frame)
    return f


def raw_bytes(f):
    return bytes(f)


def ipv4_fix(f):
    """Recompute the outer IPv4 checksum after a raw patch."""
    f = Ether(bytes(f))
    del f[IP].chksum
    return Ether(bytes(f))


def build_inputs(d):
    ul, acc = [], []
    expect_drops = {}

    def drop(reason, frame, side):
        (ul if side == "ul" else acc).append(frame)
        expect_drops[reason] = expect_drops.get(reason, 0) + 1

    # --- underlay: valid packets ------------------------------------------
    dec_tagged = inner("02:aa:00:00:00:01", "02:cc:00:00:00:01", b"decap-tagged" * 4)
    dec_untag = inner("02:aa:00:00:00:02", "02:cc:00:00:00:02", b"decap-untagged" * 4)
    ul.append(vxlan(dec_tagged, vni=5001))
    ul.append(vxlan(dec_untag, vni=5002))
    opts = (Ether(dst=OUR_MAC, src=R1_MAC) /
            IP(src=R1, dst=VTEP, options=b"\x01\x01\x01\x01") /
            UDP(sport=50001, dport=4789, chksum=0) / VXLAN(flags=0x08, vni=5001) /
            inner("02:aa:00:00:00:03", "02:cc:00:00:00:03", b"ip-options" * 5))
    ul.append(opts)
    csum = Ether(bytes(Ether(dst=OUR_MAC, src=R1_MAC) / IP(src=R1, dst=VTEP) /
                       UDP(sport=50002, dport=4789) / VXLAN(flags=0x08, vni=5001) /
                       inner("02:aa:00:00:00:04", "02:cc:00:00:00:04", b"udp-csum" * 6)))
    ul.append(csum)
    ul.append(Ether(dst="ff:ff:ff:ff:ff:ff", src=R1_MAC) /
              ARP(op=1, hwsrc=R1_MAC, psrc=R1, pdst=VTEP))
    ul.append(Ether(dst=OUR_MAC, src=R1_MAC) / IP(src=R1, dst=VTEP) /
              ICMP(type=8, id=7, seq=1) / Raw(b"ping-payload" * 4))

    # --- underlay: one malformed packet per reason (or two) -----------------
    good = vxlan(inner("02:aa:00:00:00:09", "02:cc:00:00:00:09"))
    drop("drop_ul_truncated", Raw(raw_bytes(good)[:12]), "ul")
    drop("drop_ul_truncated", Raw(raw_bytes(good)[:14 + 12]), "ul")
    drop("drop_ul_dst_mac", Ether(raw_bytes(patch(good, 0, b"\x02\x00\x00\x00\x09\x09"))), "ul")
    drop("drop_ul_ipv6", Ether(dst=OUR_MAC, src=R1_MAC) / IPv6() / UDP(dport=4789), "ul")
    drop("drop_ul_ethertype", Ether(dst=OUR_MAC, src=R1_MAC, type=0x88cc) / Raw(b"l" * 50), "ul")
    drop("drop_ip_version", ipv4_fix(patch(good, 14, b"\x65")), "ul")
    drop("drop_ip_ihl", ipv4_fix(patch(good, 14, b"\x44")), "ul")
    drop("drop_ip_checksum", patch(good, 24, b"\xde\xad"), "ul")
    drop("drop_ip_length", ipv4_fix(patch(good, 16, (len(good) - 14 + 1).to_bytes(2, "big"))), "ul")
    drop("drop_ip_fragment", Ether(bytes(Ether(dst=OUR_MAC, src=R1_MAC) / IP(src=R1, dst=VTEP, flags="MF") /
                                         UDP(sport=1, dport=4789, chksum=0) / VXLAN(flags=0x08, vni=5001) /
                                         inner(VM_MAC, "02:cc:00:00:00:0a"))), "ul")
    drop("drop_ip_fragment", Ether(bytes(Ether(dst=OUR_MAC, src=R1_MAC) / IP(src=R1, dst=VTEP, frag=100) /
                                         Raw(b"f" * 60))), "ul")
    drop("drop_ip_ttl", Ether(bytes(Ether(dst=OUR_MAC, src=R1_MAC) / IP(src=R1, dst=VTEP, ttl=0) /
                                    UDP(sport=1, dport=4789, chksum=0) / VXLAN(flags=0x08, vni=5001) /
                                    inner(VM_MAC, "02:cc:00:00:00:0b"))), "ul")
    drop("drop_ip_src", vxlan(inner(VM_MAC, "02:cc:00:00:00:0c"), src="224.0.0.5"), "ul")
    drop("drop_ip_src", vxlan(inner(VM_MAC, "02:cc:00:00:00:0d"), src=VTEP), "ul")
    drop("drop_ip_not_local", Ether(bytes(Ether(dst=OUR_MAC, src=R1_MAC) / IP(src=R1, dst="192.0.2.77") /
                                          UDP(sport=1, dport=4789, chksum=0) / VXLAN(flags=0x08, vni=5001) /
                                          inner(VM_MAC, "02:cc:00:00:00:0e"))), "ul")
    drop("drop_ip_proto", Ether(dst=OUR_MAC, src=R1_MAC) / IP(src=R1, dst=VTEP) / TCP(dport=22), "ul")
    bad_ulen = bytearray(raw_bytes(good))
    bad_ulen[38:40] = (len(good) - 34 + 5).to_bytes(2, "big")
    drop("drop_udp_length", Ether(bytes(bad_ulen)), "ul")
    drop("drop_udp_port", Ether(bytes(Ether(dst=OUR_MAC, src=R1_MAC) / IP(src=R1, dst=VTEP) /
                                      UDP(sport=1, dport=4790, chksum=0) / VXLAN(flags=0x08, vni=5001) /
                                      inner(VM_MAC, "02:cc:00:00:00:0f"))), "ul")
    drop("drop_udp_checksum", patch(csum, 40, b"\x12\x34"), "ul")
    drop("drop_vxlan_flags", patch(good, 42, b"\x00"), "ul")
    drop("drop_vxlan_flags", patch(good, 42, b"\x88"), "ul")
    drop("drop_vxlan_reserved", patch(good, 43, b"\x01"), "ul")
    drop("drop_vxlan_reserved", patch(good, 49, b"\x01"), "ul")
    drop("drop_vxlan_unknown_vni", vxlan(inner(VM_MAC, "02:cc:00:00:00:10"), vni=7777), "ul")
    drop("drop_inner_truncated", Ether(bytes(Ether(dst=OUR_MAC, src=R1_MAC) / IP(src=R1, dst=VTEP) /
                                             UDP(sport=1, dport=4789, chksum=0) / VXLAN(flags=0x08, vni=5001) /
                                             Raw(b"short"))), "ul")
    drop("drop_inner_src_group", vxlan(inner(VM_MAC, "01:00:5e:00:00:01")), "ul")
    drop("drop_inner_tagged", vxlan(inner(VM_MAC, "02:cc:00:00:00:11", vlan=7)), "ul")
    drop("drop_decap_mtu", vxlan(inner(VM_MAC, "02:cc:00:00:00:12", b"j" * 1600)), "ul")
    drop("drop_arp_not_for_us", Ether(dst="ff:ff:ff:ff:ff:ff", src=R1_MAC) /
         ARP(op=1, hwsrc=R1_MAC, psrc=R1, pdst="192.0.2.99"), "ul")
    drop("drop_arp_malformed", Ether(dst="ff:ff:ff:ff:ff:ff", src=R1_MAC, type=0x0806) /
         Raw(b"\x00\x01\x08\x00\x08\x04" + b"\x00" * 30), "ul")
    drop("drop_icmp_unhandled", Ether(dst=OUR_MAC, src=R1_MAC) / IP(src=R1, dst=VTEP) /
         ICMP(type=13), "ul")
    drop("drop_icmp_malformed", Ether(dst=OUR_MAC, src=R1_MAC) / IP(src=R1, dst=VTEP) /
         ICMP(type=8, chksum=0x1111) / Raw(b"zz"), "ul")

    # --- access: valid frames ----------------------------------------------
    uni = inner(STATIC_MAC, VM_MAC, b"to-static" * 5, vlan=100)
    acc.append(uni)
    bcast = Ether(dst="ff:ff:ff:ff:ff:ff", src="02:aa:00:00:00:05") / Dot1Q(vlan=100) / \
        ARP(op=1, hwsrc="02:aa:00:00:00:05", psrc="10.0.0.5", pdst="10.0.0.2")
    acc.append(bcast)
    flows = []
    for i in range(64):
        f = inner(STATIC_MAC, VM_MAC, b"flow%02d" % i * 4, vlan=100, sport=2000 + i,
                  ip_src="10.0.1.%d" % (i + 1))
        flows.append(f)
        acc.append(f)
    # --- access: drops -------------------------------------------------------
    drop("drop_acc_truncated", Raw(raw_bytes(uni)[:10]), "acc")
    drop("drop_acc_truncated", Raw(raw_bytes(uni)[:15]), "acc")
    drop("drop_acc_no_segment", inner(STATIC_MAC, VM_MAC, vlan=200), "acc")
    drop("drop_acc_src_group", inner(STATIC_MAC, "03:00:00:00:00:01", vlan=100), "acc")
    drop("drop_encap_mtu", inner(STATIC_MAC, VM_MAC, b"m" * 1440, vlan=100), "acc")
    drop("drop_flood_empty", inner("02:dd:00:00:00:01", "02:aa:00:00:00:06"), "acc")

    wrpcap(os.path.join(d, "ul_in.pcap"), ul, linktype=1)  # DLT_EN10MB, runts included
    wrpcap(os.path.join(d, "acc_in.pcap"), acc, linktype=1)
    return dict(ul=ul, acc=acc, drops=expect_drops, dec_tagged=dec_tagged,
                dec_untag=dec_untag, uni=uni, bcast=bcast, flows=flows)


def config(d):
    return {
        "gateway": {"name": "pkt-test", "vtep_ip": VTEP},
        "ports": [
            {"name": "access0", "role": "access",
             "device": f"net_pcap0,rx_pcap={d}/acc_in.pcap,tx_pcap={d}/acc_out.pcap"},
            {"name": "underlay0", "role": "underlay",
             "device": f"net_pcap1,rx_pcap={d}/ul_in.pcap,tx_pcap={d}/ul_out.pcap",
             "ip": VTEP + "/24", "mac": OUR_MAC,
             "neighbors": [{"ip": R1, "mac": R1_MAC}, {"ip": R2, "mac": R2_MAC}]},
        ],
        "tenants": [{"name": "t", "segments": [
            {"name": "tagged", "vni": 5001, "port": "access0", "vlan": 100,
             "flood": [R1, R2]},
            {"name": "untagged", "vni": 5002, "port": "access0", "vlan": "untagged"},
        ]}],
        "fdb": [{"vni": 5001, "mac": STATIC_MAC, "vtep": R1}],
        "limits": {"fdb_max": 4096, "vteps_max": 64, "segments_max": 64},
        "dataplane": {"idle_backoff": False},
    }


def run_vtepd(build, d, inputs):
    sock = os.path.join(d, "vtepd.sock")
    cfg = os.path.join(d, "gw.json")
    with open(cfg, "w") as f:
        json.dump(config(d), f, indent=1)
    eal = ["-l", "0,1", "--no-huge", "-m", "256", "--no-pci", "--no-shconf",
           "--file-prefix", f"pkt{os.getpid()}", "--log-level=lib.eal:warning"]
    log = open(os.path.join(d, "vtepd.log"), "w")
    p = subprocess.Popen([os.path.join(build, "control", "vtepd"), *eal, "--", "--config", cfg,
                          "--socket", sock], stdout=log, stderr=subprocess.STDOUT)
    want = {"access0": len(inputs["acc"]), "underlay0": len(inputs["ul"])}
    counters = None
    try:
        if wait_rx(build, sock, p, want):
            counters = vtepctl(build, sock, "show", "counters")
            counters["segments"] = vtepctl(build, sock, "show", "segments")
    finally:
        stop_vtepd(p, log)
    if counters is None or p.returncode != 0:
        raise vtepd_failed(d, p)
    return counters


def check_decap(out_acc, inp):
    tagged = [f for f in out_acc if f.haslayer(Dot1Q)]
    untagged = [f for f in out_acc if not f.haslayer(Dot1Q)]
    want_tagged = bytes(inp["dec_tagged"])
    want_tagged = want_tagged[:12] + b"\x81\x00\x00\x64" + want_tagged[12:]
    check(any(bytes(f) == want_tagged for f in tagged),
          "decap VNI 5001: inner frame on access0 with 802.1Q tag 100 pushed, bytes exact")
    check(any(bytes(f) == bytes(inp["dec_untag"]) for f in untagged),
          "decap VNI 5002: inner frame on access0 untagged, bytes exact")
    check(sum(1 for f in tagged if b"ip-options" in bytes(f)) == 1,
          "decap with outer IP options: delivered")
    check(sum(1 for f in tagged if b"udp-csum" in bytes(f)) == 1,
          "decap with a valid non-zero UDP checksum: delivered")
    check(len(out_acc) == 4, f"access0 sent exactly the 4 valid decapsulated frames ({len(out_acc)})")


def outer_ok(f, dst_ip, dst_mac, vni):
    ip = f[IP]
    raw = bytes(ip)[:20]
    s = sum(int.from_bytes(raw[i:i + 2], "big") for i in range(0, 20, 2))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (f[Ether].dst == dst_mac and f[Ether].src == OUR_MAC and f[Ether].type == 0x0800 and
            ip.version == 4 and ip.ihl == 5 and ip.src == VTEP and ip.dst == dst_ip and
            ip.ttl == 64 and ip.flags == "DF" and ip.frag == 0 and ip.proto == 17 and
            ip.len == len(bytes(ip)) and s == 0xffff and f[UDP].dport == 4789 and
            49152 <= f[UDP].sport <= 65535 and f[UDP].chksum == 0 and
            f[UDP].len == len(bytes(ip)) - 20 and f[VXLAN].flags == 0x08 and
            f[VXLAN].vni == vni and f[VXLAN].reserved1 == 0 and f[VXLAN].reserved2 == 0)


def strip_tag(f):
    b = bytes(f)
    return b[:12] + b[16:]


def check_encap(out_ul, inp):
    vx = [f for f in out_ul if f.haslayer(VXLAN)]
    uni = [f for f in vx if bytes(f[VXLAN].payload) == strip_tag(inp["uni"])]
    check(len(uni) == 1 and outer_ok(uni[0], R1, R1_MAC, 5001),
          "encap to the static entry: every outer field (MACs, IPs, TTL, DF, checksum, "
          "UDP 4789, length, VXLAN I flag, VNI 5001), inner = frame with its tag removed")
    bc = [f for f in vx if bytes(f[VXLAN].payload) == strip_tag(inp["bcast"])]
    dests = sorted(f[IP].dst for f in bc)
    check(dests == [R1, R2] and all(outer_ok(f, f[IP].dst, R1_MAC if f[IP].dst == R1 else R2_MAC,
                                             5001) for f in bc),
          f"broadcast: head-end replicated to both flood VTEPs ({dests})")
    ports = {f[UDP].sport for f in vx if bytes(f[VXLAN].payload) in
             {strip_tag(x) for x in inp["flows"]}}
    check(len(ports) >= 48, f"64 inner flows -> {len(ports)} distinct outer source ports")
    got_flows = [f for f in vx if bytes(f[VXLAN].payload) in {strip_tag(x) for x in inp["flows"]}]
    check(len(got_flows) == 64 and all(outer_ok(f, R1, R1_MAC, 5001) for f in got_flows),
          "all 64 flows encapsulated with valid outer headers")
    arp = [f for f in out_ul if f.haslayer(ARP) and f[ARP].op == 2]
    check(len(arp) == 1 and arp[0][ARP].psrc == VTEP and arp[0][ARP].hwsrc == OUR_MAC and
          arp[0][ARP].pdst == R1 and arp[0][ARP].hwdst == R1_MAC and arp[0][Ether].dst == R1_MAC,
          "ARP request for the VTEP address answered")
    icmp = [f for f in out_ul if f.haslayer(ICMP) and f[ICMP].type == 0]
    check(len(icmp) == 1 and icmp[0][IP].src == VTEP and icmp[0][IP].dst == R1 and
          icmp[0][ICMP].id == 7 and bytes(icmp[0][ICMP].payload) == b"ping-payload" * 4,
          "ICMP echo to the VTEP address answered")
    check(len(out_ul) == 1 + 2 + 64 + 2, f"underlay0 sent exactly 69 frames ({len(out_ul)})")


def check_counters(c, inp):
    drops = {d["reason"]: d["pkts"] for d in c["drop_reasons"]}
    for reason, n in sorted(inp["drops"].items()):
        check(drops.get(reason, 0) == n, f"{reason} == {n} (got {drops.get(reason, 0)})")
    extra = {k: v for k, v in drops.items() if k not in inp["drops"]}
    check(not extra, f"no other drop counter moved {extra}")
    check(len(inp["drops"]) >= 15 and
          sum(v for k, v in inp["drops"].items()) >= 15, "at least 15 malformed inputs")
    ports = {p["name"]: p for p in c["ports"]}
    acc_drops = sum(n for k, n in inp["drops"].items()
                    if k.startswith(("drop_acc", "drop_encap", "drop_flood")))
    check(ports["access0"]["rx_pkts"] == c["encap_pkts"] + c["flood_pkts"] + acc_drops,
          "access0: rx == encapsulated + flooded + dropped")
    check(c["flood_copies"] == 2 and c["flood_pkts"] == 1, "one flooded frame, two copies")
    check(c["decap_pkts"] == 4, f"4 frames decapsulated ({c['decap_pkts']})")
    check(c["arp_replies"] == 1 and c["icmp_echo_replies"] == 1, "one ARP and one ICMP reply")
    seg = {s["vni"]: s for s in c["segments"]}
    check(seg[5001]["encap_pkts"] == 1 + 64 + 2 and seg[5001]["decap_pkts"] == 3,
          "per-segment counters of VNI 5001")
    check(seg[5002]["decap_pkts"] == 1, "per-segment counters of VNI 5002")


def main():
    build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
    if not pktlib.have_net_pcap():
        return 77
    d = tempfile.mkdtemp(prefix="vtepd-pkt.")
    try:
        inp = build_inputs(d)
        c = run_vtepd(build, d, inp)
        out_acc = rdpcap(os.path.join(d, "acc_out.pcap"))
        out_ul = rdpcap(os.path.join(d, "ul_out.pcap"))
        print(f"  {len(inp['ul'])} underlay and {len(inp['acc'])} access frames in, "
              f"{len(out_ul)} and {len(out_acc)} out")
        check_decap(out_acc, inp)
        check_encap(out_ul, inp)
        check_counters(c, inp)
    finally:
        if os.environ.get("KEEP_TMP"):
            print("kept", d)
        else:
            shutil.rmtree(d, ignore_errors=True)
    return pktlib.summary()


if __name__ == "__main__":
    sys.exit(main())
