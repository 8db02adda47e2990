#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Forwarding rate of a running DPDK application, read from its telemetry.

Any DPDK application (vtepd, dpdk-testpmd, ovs-vswitchd with DPDK) serves
/var/run/dpdk/<file-prefix>/dpdk_telemetry.v2 unless told not to, so the
same reading works for every peer and needs nothing from it.

usage: measure.py --prefix P --in DEV --out DEV [--warmup S] [--duration S]
                  [--timeout S] [--cpu N] [--at-start CMD] [--at-end CMD]

Waits until the ports named DEV exist and DEV --out has sent --min-out
packets, lets --warmup seconds pass, then reads /ethdev/stats of both at
the start and at the end of a --duration window. Prints one line:
  in_pps out_pps loss_pct window_s in_pkts out_pkts in_missed in_nombuf
  out_errors [cpu_busy_pct cpu_steal_pct] [cpu_share_pct]
out_pps - what the application put on its output port - is the figure.
The CPU figures (with --cpu) come from /proc/stat for that CPU over the
window: on a VM, steal is time the hypervisor gave to someone else. With
--pid, cpu_share_pct is the CPU time the peer's process got over the
window: a polling peer gets 100% of its core unless another process runs
there too.
Exit status 2 when the application never forwards.
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import time

RUNTIME = "/var/run/dpdk"


class Telemetry:
    """One connection to a DPDK telemetry v2 socket (SOCK_SEQPACKET)."""

    def __init__(self, prefix):
        self.path = os.path.join(RUNTIME, prefix, "dpdk_telemetry.v2")
        self.sock = None
        self.max_len = 16384

    def open(self, until):
        while True:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            try:
                s.connect(self.path)
                hello = json.loads(s.recv(4096))
                self.max_len = int(hello.get("max_output_len", self.max_len))
                self.sock = s
                return True
            except (OSError, ValueError):
                s.close()
                if time.monotonic() >= until:
                    return False
                time.sleep(0.1)

    def get(self, cmd):
        self.sock.send(cmd.encode())
        reply = json.loads(self.sock.recv(self.max_len))
        return reply.get(cmd.split(",")[0])

    def port_of(self, name):
        for port in self.get("/ethdev/list") or []:
            info = self.get("/ethdev/info,%d" % port) or {}
            if info.get("name") == name:
                return port
        return None

    def stats(self, port):
        return self.get("/ethdev/stats,%d" % port)


def cpu_sample(cpu):
    """(busy, steal, total) jiffies of one CPU."""
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith("cpu%d " % cpu):
                v = [int(x) for x in line.split()[1:9]]
                idle = v[3] + v[4]
                steal = v[7] if len(v) > 7 else 0
                return (sum(v) - idle - steal, steal, sum(v))
    return None


def proc_jiffies(pid):
    """utime + stime of every thread of a process, in clock ticks."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            v = f.read().rsplit(")", 1)[1].split()
        return int(v[11]) + int(v[12])
    except (OSError, ValueError, IndexError):
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--prefix", required=True)
    ap.add_argument("--in", dest="dev_in", required=True)
    ap.add_argument("--out", dest="dev_out", required=True)
    ap.add_argument("--warmup", type=float, default=3)
    ap.add_argument("--duration", type=float, default=10)
    ap.add_argument("--timeout", type=float, default=90)
    ap.add_argument("--min-out", type=int, default=100000)
    ap.add_argument("--cpu", type=int)
    ap.add_argument("--pid", type=int, help="the peer: report the CPU time it got (cpu_share_pct)")
    ap.add_argument("--at-start", help="shell command run as the window opens")
    ap.add_argument("--at-end", help="shell command run as the window closes")
    a = ap.parse_args()

    until = time.monotonic() + a.timeout
    tel = Telemetry(a.prefix)
    if not tel.open(until):
        print("measure: no telemetry at %s" % tel.path, file=sys.stderr)
        return 2
    p_in = p_out = None
    while time.monotonic() < until:
        p_in = p_in if p_in is not None else tel.port_of(a.dev_in)
        p_out = p_out if p_out is not None else tel.port_of(a.dev_out)
        if p_in is not None and p_out is not None and \
                tel.stats(p_out)["opackets"] >= a.min_out:
            break
        time.sleep(0.2)
    else:
        print("measure: %s -> %s never forwarded (ports %s, %s)" %
              (a.dev_in, a.dev_out, p_in, p_out), file=sys.stderr)
        return 2
    time.sleep(a.warmup)
    if a.at_start:
        subprocess.run(a.at_start, shell=True, check=False)
    c0 = cpu_sample(a.cpu) if a.cpu is not None else None
    j0 = proc_jiffies(a.pid) if a.pid else None
    t0 = time.monotonic()
    i0, o0 = tel.stats(p_in), tel.stats(p_out)
    time.sleep(a.duration)
    i1, o1 = tel.stats(p_in), tel.stats(p_out)
    t1 = time.monotonic()
    c1 = cpu_sample(a.cpu) if a.cpu is not None else None
    j1 = proc_jiffies(a.pid) if a.pid else None
    if a.at_end:
        subprocess.run(a.at_end, shell=True, check=False)

    win = t1 - t0
    n_in = i1["ipackets"] - i0["ipackets"]
    n_out = o1["opackets"] - o0["opackets"]
    out = {
        "in_pps": "%.0f" % (n_in / win),
        "out_pps": "%.0f" % (n_out / win),
        "loss_pct": "%.3f" % (100.0 * (n_in - n_out) / n_in if n_in else 0.0),
        "window_s": "%.3f" % win,
        "in_pkts": n_in,
        "out_pkts": n_out,
        "in_missed": i1["imissed"] - i0["imissed"],
        "in_nombuf": i1["rx_nombuf"] - i0["rx_nombuf"],
        "out_errors": o1["oerrors"] - o0["oerrors"],
    }
    if c0 and c1 and c1[2] > c0[2]:
        dt = c1[2] - c0[2]
        out["cpu_busy_pct"] = "%.1f" % (100.0 * (c1[0] - c0[0]) / dt)
        out["cpu_steal_pct"] = "%.1f" % (100.0 * (c1[1] - c0[1]) / dt)
    if j0 is not None and j1 is not None:
        # The forwarding thread polls all the time: below 100% of a core,
        # something else ran on it during the window (this VM is shared).
        out["cpu_share_pct"] = "%.1f" % (100.0 * (j1 - j0) / os.sysconf("SC_CLK_TCK") / win)
    print(" ".join("%s=%s" % kv for kv in out.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
