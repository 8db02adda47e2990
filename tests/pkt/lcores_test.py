#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Multi-lcore forwarding: each lcore owns one rx and one tx queue per port.

vtepd runs with three forwarding lcores mapped onto one CPU
(--lcores 0@0,(1,2,3)@1 style: lcores 1-3 all on CPU 1, the main lcore - the
control thread - on CPU 0) and net_pcap ports with three queues each:
every rx_pcap / tx_pcap argument of net_pcap is one queue, so queue q of
each port reads in_<q>.pcap and writes out_<q>.pcap. Lcore k owns rx
queue k and tx queue k of every port, so:

  - every frame of access queue q comes out encapsulated on underlay tx
    queue q, and every frame of underlay queue q decapsulated on access
    tx queue q: nothing crosses to another lcore's queue, nothing is lost,
    duplicated or changed;
  - the learned sources of all queues reach the FDB (three event rings
    drained by one control thread);
  - the counters, written per lcore and summed on read, add up;
  - no vtepd thread but the forwarding lcores may run on CPU 1, and the
    forwarding lcores only there: the control thread and its management
    socket stay off the forwarding CPU;
  - `show lcores` lists each lcore with the queues it polls, and counts
    stalls (a pass of the loop begun 100 us or more after the previous
    one) right: with idle backoff sleeping 1 ms at a time the sleeps are
    not stalls; then, in a second run with backoff off, three lcores
    busy-polling one CPU each wait for the other two about two thirds of
    the time, and that is what their stall time says.

Usage: lcores_test.py BUILD_DIR   (exit 0 pass, 1 fail, 77 skip)
"""
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
try:
    from scapy.all import IP, UDP, Ether, Raw, rdpcap, wrpcap
    from scapy.layers.vxlan import VXLAN
except ImportError:
    print("SKIP: scapy is not installed for /usr/bin/python3 (python3-scapy)")
    sys.exit(77)
import pktlib  # noqa: E402 (needs scapy)
from pktlib import check, stop_vtepd, vtepctl, vtepd_failed, wait_rx  # noqa: E402

NB_LCORES = 3
PER_QUEUE = 40
OUR_MAC, VTEP = "02:00:00:00:01:01", "192.0.2.1"
PEER, PEER_MAC = "192.0.2.2", "02:00:00:00:02:02"
SERVER_MAC = "02:bb:00:00:00:01"  # static: behind the peer VTEP

def frames(q):
    """Plain frames for access queue q, VXLAN packets for underlay queue q."""
    plain, vx = [], []
    for i in range(PER_QUEUE):
        src = "02:aa:00:00:%02x:%02x" % (q, i)
        plain.append(Ether(dst=SERVER_MAC, src=src) /
                     IP(src="10.0.%d.%d" % (q, i + 1), dst="10.9.9.9") /
                     UDP(sport=1000 + i, dport=80) / Raw(b"q%d-f%02d" % (q, i) * 6))
        inner = (Ether(dst="02:aa:00:00:00:01", src="02:cc:00:00:%02x:%02x" % (q, i)) /
                 IP(src="10.1.%d.%d" % (q, i + 1), dst="10.0.0.1") /
                 UDP(sport=2000 + i, dport=80) / Raw(b"d%d-f%02d" % (q, i) * 6))
        vx.append(Ether(dst=OUR_MAC, src=PEER_MAC) / IP(src=PEER, dst=VTEP, flags="DF") /
                  UDP(sport=50000 + i, dport=4789, chksum=0) / VXLAN(flags=0x08, vni=5001) /
                  inner)
    return plain, vx


def pcap_dev(name, side):
    """Paths relative to vtepd's working directory: device strings are
    at most 255 bytes."""
    qs = range(NB_LCORES)
    return name + "".join(f",rx_pcap={side}_in_{q}.pcap" for q in qs) + \
        "".join(f",tx_pcap={side}_out_{q}.pcap" for q in qs)


def config(sock, dp_extra):
    return {
        "gateway": {"name": "lcores-test", "vtep_ip": VTEP},
        "ports": [
            {"name": "access0", "role": "access", "device": pcap_dev("net_pcap0", "acc")},
            {"name": "underlay0", "role": "underlay", "device": pcap_dev("net_pcap1", "ul"),
             "ip": VTEP + "/24", "mac": OUR_MAC,
             "neighbors": [{"ip": PEER, "mac": PEER_MAC}]},
        ],
        "tenants": [{"name": "t", "segments": [
            {"name": "s", "vni": 5001, "port": "access0", "vlan": "untagged"}]}],
        "fdb": [{"vni": 5001, "mac": SERVER_MAC, "vtep": PEER}],
        "limits": {"fdb_max": 4096, "vteps_max": 16, "segments_max": 16},
        "dataplane": {"lcores": list(range(1, NB_LCORES + 1)), **dp_extra},
        "control": {"socket": sock},
    }


def thread_cpus(pid):
    """{thread name: set of CPUs it may run on} for every thread of pid."""
    out = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                name = f.read().strip()
            with open(f"/proc/{pid}/task/{tid}/status") as f:
                allowed = next(ln for ln in f if ln.startswith("Cpus_allowed_list:"))
        except (OSError, StopIteration):
            continue
        cpus = set()
        for part in allowed.split(":")[1].strip().split(","):
            a, _, b = part.partition("-")
            cpus.update(range(int(a), int(b or a) + 1))
        out[f"{name}/{tid}"] = cpus
    return out


def lcores_sample(build, sock):
    """(monotonic time, {lcore: show lcores entry})."""
    t = time.monotonic()
    return t, {e["lcore"]: e for e in vtepctl(build, sock, "show", "lcores")}


def run(build, d, dp_extra, idle_s=2.0):
    """vtepd forwards the pcaps; then show lcores twice, idle_s apart."""
    sock = os.path.join(d, "vtepd.sock")
    cfg = os.path.join(d, "gw.json")
    with open(cfg, "w") as f:
        json.dump(config(sock, dp_extra), f, indent=1)
    lcores = "0@0,(%s)@1" % ",".join(str(i) for i in range(1, NB_LCORES + 1))
    eal = ["--lcores", lcores, "--main-lcore", "0", "--no-huge", "-m", "256", "--no-pci",
           "--no-shconf", "--file-prefix", f"lcores{os.getpid()}", "--log-level=lib.eal:warning"]
    log = open(os.path.join(d, "vtepd.log"), "w")
    p = subprocess.Popen([os.path.join(build, "control", "vtepd"), *eal, "--", "--config", cfg],
                         stdout=log, stderr=subprocess.STDOUT, cwd=d)
    want = NB_LCORES * PER_QUEUE
    res = None
    try:
        if wait_rx(build, sock, p, {"access0": want, "underlay0": want}):
            res = {"lcores_pre": lcores_sample(build, sock),
                   "ports": vtepctl(build, sock, "show", "ports"),
                   "counters": vtepctl(build, sock, "show", "counters"),
                   "fdb": vtepctl(build, sock, "show", "fdb"),
                   "threads": thread_cpus(p.pid),
                   "lcores0": lcores_sample(build, sock)}
            time.sleep(idle_s)
            res["lcores1"] = lcores_sample(build, sock)
    finally:
        stop_vtepd(p, log)
    if res is None or p.returncode != 0:
        raise vtepd_failed(d, p)
    return res


def deltas(res, key):
    (t0, a), (t1, b) = res["lcores0"], res["lcores1"]
    return t1 - t0, {lc: b[lc][key] - a[lc][key] for lc in b}


def check_lcores(res):
    """The queues of each lcore; no stall counted for the idle sleeps."""
    _, now = res["lcores1"]
    check(sorted(now) == list(range(1, NB_LCORES + 1)),
          f"show lcores: one entry per forwarding lcore ({sorted(now)})")
    for i, lc in enumerate(sorted(now)):
        e = now[lc]
        check(e["rx_queues"] == [f"access0/{i}", f"underlay0/{i}"] and e["busy_polls"] >= 1,
              f"lcore {lc} polls queue {i} of each port and found frames there "
              f"({e['rx_queues']}, {e['busy_polls']} busy polls)")
    dt, sleeps = deltas(res, "idle_sleeps")
    _, stalls = deltas(res, "stalls_1ms")
    # 1 ms sleeps: without the exception every one of them would be a
    # stall of 1 ms or more. Real ones (the VM's scheduling) are rare.
    check(all(sleeps[lc] >= 200 and stalls[lc] * 20 <= sleeps[lc] for lc in sleeps),
          f"idle: {dt:.1f} s of 1 ms sleeps are not stalls (sleeps {sleeps}, "
          f"stalls of 1 ms or more {stalls})")
    c = res["counters"]
    for key in ("busy_polls", "stalls_100us", "stall_us"):
        pre, post = (sum(e[key] for e in res[k][1].values()) for k in ("lcores_pre", "lcores0"))
        check(pre <= c[key] <= post,
              f"show counters {key} is the lcores' sum ({pre} <= {c[key]} <= {post})")


def check_sharing(res):
    """Three busy lcores on one CPU: each stalled about 2/3 of the time."""
    dt, us = deltas(res, "stall_us")
    _, n = deltas(res, "stalls_100us")
    share = {lc: round(us[lc] / (dt * 1e6), 2) for lc in us}
    want = (NB_LCORES - 1) / NB_LCORES
    check(all(n[lc] > 0 and 0.5 * want <= share[lc] <= 1.15 * want for lc in share),
          f"{NB_LCORES} lcores sharing CPU 1 over {dt:.1f} s: stalled {share} of the time "
          f"(about {want:.2f} expected), stalls {n}")
    _, last = res["lcores1"]
    check(all(last[lc]["stall_max_us"] >= 100 for lc in last),
          f"longest stall of each lcore: {[last[lc]['stall_max_us'] for lc in sorted(last)]} us")


def main():
    build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
    d = tempfile.mkdtemp(prefix="vtepd-lcores.")
    try:
        inputs = {}
        for q in range(NB_LCORES):
            plain, vx = frames(q)
            inputs[q] = (plain, vx)
            wrpcap(os.path.join(d, f"acc_in_{q}.pcap"), plain)
            wrpcap(os.path.join(d, f"ul_in_{q}.pcap"), vx)
        print(f"  vtepd, {NB_LCORES} forwarding lcores on CPU 1, {NB_LCORES} queues per port")
        res = run(build, d, {"idle_backoff": True, "idle_max_us": 1000})

        for q in range(NB_LCORES):
            plain, vx = inputs[q]
            out_ul = rdpcap(os.path.join(d, f"ul_out_{q}.pcap"))
            got = sorted(bytes(f[VXLAN].payload) for f in out_ul if f.haslayer(VXLAN))
            check(got == sorted(bytes(f) for f in plain) and len(out_ul) == PER_QUEUE,
                  f"access queue {q} -> underlay tx queue {q}: all {PER_QUEUE} frames "
                  f"encapsulated, none elsewhere ({len(out_ul)} sent)")
            check(all(f[VXLAN].vni == 5001 and f[IP].dst == PEER and f[UDP].dport == 4789
                      for f in out_ul if f.haslayer(VXLAN)),
                  f"underlay tx queue {q}: VNI 5001 to {PEER}:4789")
            out_acc = rdpcap(os.path.join(d, f"acc_out_{q}.pcap"))
            check(sorted(bytes(f) for f in out_acc) == sorted(bytes(f[VXLAN].payload) for f in vx),
                  f"underlay queue {q} -> access tx queue {q}: all {PER_QUEUE} frames "
                  f"decapsulated, none elsewhere ({len(out_acc)} sent)")

        c = res["counters"]
        check(c["encap_pkts"] == NB_LCORES * PER_QUEUE and c["decap_pkts"] == NB_LCORES * PER_QUEUE,
              f"counters summed over lcores: encap {c['encap_pkts']}, decap {c['decap_pkts']}")
        drops = {x["reason"]: x["pkts"] for x in c["drop_reasons"]}
        check(not drops, f"no drops ({drops})")
        ports = {x["name"]: x for x in res["ports"]}
        check(all(ports[n]["queues"] == NB_LCORES for n in ports),
              f"{NB_LCORES} queues on each port")
        macs = {e["mac"] for e in res["fdb"]}
        want = {"02:aa:00:00:%02x:%02x" % (q, i) for q in range(NB_LCORES) for i in range(PER_QUEUE)}
        want |= {"02:cc:00:00:%02x:%02x" % (q, i) for q in range(NB_LCORES) for i in range(PER_QUEUE)}
        check(want <= macs, f"sources learned from every lcore's queues "
              f"({len(want & macs)} of {len(want)})")

        threads = res["threads"]
        workers = {n: c for n, c in threads.items() if n.startswith(("rte-worker-", "lcore-worker-"))}
        others = {n: c for n, c in threads.items() if n not in workers}
        check(len(workers) == NB_LCORES and all(c == {1} for c in workers.values()),
              f"forwarding lcores pinned to CPU 1: {sorted(workers)}")
        check(others and all(1 not in c for c in others.values()),
              "no other thread (control, management socket, EAL, telemetry) may run on "
              f"CPU 1: {sorted((n, sorted(c)) for n, c in others.items())}")
        check_lcores(res)
        print(f"  again with idle backoff off: {NB_LCORES} lcores busy-polling CPU 1")
        check_sharing(run(build, d, {"idle_backoff": False}))
    finally:
        if not pktlib.failures:
            shutil.rmtree(d, ignore_errors=True)
        else:
            print(f"  files kept in {d}")
    return pktlib.summary()


if __name__ == "__main__":
    sys.exit(main())
