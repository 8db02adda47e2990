#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Table and JSON summary of a bench/gateway.sh run.

usage: report.py RAW.tsv TSC_MHZ VERIFY.tsv HAVE_OVS [VLAN]

One row per direction, flow count and peer: the median rate over the
repetitions with its range, cycles per packet of the forwarding core
(TSC / rate: it polls all the time, so every cycle is charged to the
packets, the replay's included), the ratio to testpmd io (the software
limit) and to OVS. Then one JSON line for the 1,024-flow case.
"""
import collections
import json
import statistics
import sys


def main():
    raw, mhz, verify, have_ovs = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4] == "1"
    vlan = int(sys.argv[5]) if len(sys.argv) > 5 else 0  # the segment's VLAN (0: untagged)
    runs = collections.defaultdict(list)
    fdb = collections.defaultdict(list)
    steal, share = [], collections.defaultdict(list)
    with open(raw) as f:
        next(f)
        for line in f:
            rep, d, flows, peer, out_pps, _in, _loss, _busy, st, entries, sh = \
                line.rstrip("\n").split("\t")
            if sh not in ("", "NA"):
                share[(d, int(flows), peer)].append(float(sh))
            runs[(d, int(flows), peer)].append(float(out_pps))
            if entries:
                fdb[(d, int(flows), peer)].append(int(entries))
            if st not in ("", "NA"):
                steal.append(float(st))

    def med(key):
        v = runs.get(key)
        return statistics.median(v) if v and statistics.median(v) > 0 else None

    peers = []
    for k in runs:
        if k[2] not in peers:
            peers.append(k[2])
    head = "%-5s %6s  %-8s %8s  %-13s %8s %7s %7s %8s %6s" % (
        "dir", "flows", "peer", "Mpps", "min..max", "cyc/pkt", "vs io", "vs ovs", "fdb", "core%")
    print(head)
    print("-" * len(head))
    for d in ("encap", "decap"):
        for fl in sorted({k[1] for k in runs if k[0] == d}):
            io, ovs = med((d, fl, "testpmd")), med((d, fl, "ovs"))
            for peer in peers:
                v = runs.get((d, fl, peer))
                if not v:
                    continue
                m = med((d, fl, peer)) or 0
                print("%-5s %6d  %-8s %8.2f  %-13s %8s %7s %7s %8s %6s" % (
                    d, fl, peer, m / 1e6, "%.2f..%.2f" % (min(v) / 1e6, max(v) / 1e6),
                    "%.1f" % (mhz * 1e6 / m) if m else "-",
                    "%.3f" % (m / io) if io and m else "-",
                    "%.2f" % (m / ovs) if ovs and m else "-",
                    min(fdb[(d, fl, peer)]) if fdb.get((d, fl, peer)) else "",
                    "%.0f" % min(share[(d, fl, peer)]) if share.get((d, fl, peer)) else "-"))
            print()
    print("Mpps: median over the runs of what the peer put on its output vdev, one forwarding")
    print("core; cyc/pkt = TSC (%.0f MHz) / median rate; vs io, vs ovs: ratio of medians to" % mhz)
    print("testpmd io forwarding and to OVS on the same input; fdb: vtepd's table size;")
    print("core%: the least CPU time a peer's process got in a window, in % of a core (a")
    print("polling peer gets 100 unless another process shared its core: this VM is shared).")
    if steal:
        print("forwarding core steal time (VM): median %.1f%%, max %.1f%%" %
              (statistics.median(steal), max(steal)))
    try:
        with open(verify) as f:
            lines = [ln.rstrip("\n").split("\t") for ln in f if ln.strip()]
        for peer, d, verdict in lines:
            print("correctness %s %s: %s" % (peer, d, verdict))
    except OSError:
        pass

    def mpps(d, peer):
        m = med((d, 1024, peer))
        return round(m / 1e6, 3) if m else None

    summary = {
        "encap_mpps": mpps("encap", "vtepd"),
        "decap_mpps": mpps("decap", "vtepd"),
        "limit_mpps": mpps("encap", "testpmd"),
        "ovs_encap_mpps": mpps("encap", "ovs") if have_ovs else None,
        "ovs_decap_mpps": mpps("decap", "ovs") if have_ovs else None,
        "fdb_entries": min(fdb[("encap", 1024, "vtepd")] + fdb[("decap", 1024, "vtepd")],
                           default=None),
        "flows": 1024,
        "frame_len": 64,
        "vlan": vlan,
        "limit_decap_mpps": mpps("decap", "testpmd"),
    }
    for d in ("encap", "decap"):
        io = med((d, 1024, "testpmd"))
        v = med((d, 1024, "vtepd"))
        summary["%s_vs_limit" % d] = round(v / io, 3) if io and v else None
        if have_ovs:
            o = med((d, 1024, "ovs"))
            summary["%s_vs_ovs" % d] = round(v / o, 2) if o and v else None
    summary["tsc_mhz"] = mhz
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
