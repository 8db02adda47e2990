# SPDX-License-Identifier: BSD-3-Clause
"""pktlib.py - what the packet tests share: the check tally, crafted
frames, vtepctl, waiting for and stopping vtepd, and the skip for a DPDK without net_pcap.

Imported by the tests in this folder once they know scapy is there.
"""
import json
import os
import signal
import subprocess
import time

from scapy.all import IP, UDP, Dot1Q, Ether, Raw

NET_PCAP = "/usr/lib/x86_64-linux-gnu/dpdk/pmds-23.0/librte_net_pcap.so"

failures = []
checks = 0


def check(cond, what):
    global checks
    checks += 1
    if cond:
        print(f"    ok   {what}")
    else:
        print(f"    FAIL {what}")
        failures.append(what)


def summary():
    """Print the tally: @return the exit status."""
    print(f"  {checks - len(failures)} passed, {len(failures)} failed")
    return 1 if failures else 0


def inner(dst, src, payload=b"x" * 46, vlan=None, sport=1234, ip_src="10.0.0.1"):
    e = Ether(dst=dst, src=src)
    if vlan is not None:
        e = e / Dot1Q(vlan=vlan)
    return e / IP(src=ip_src, dst="10.0.0.2") / UDP(sport=sport, dport=80) / Raw(payload)


def patch(f, off, data):
    b = bytearray(bytes(f))
    b[off:off + len(data)] = data
    return Ether(bytes(b))


def vtepctl(build, sock, *args):
    out = subprocess.run([os.path.join(build, "control", "vtepctl"), "--socket", sock,
                          "--json", *args], capture_output=True, text=True, timeout=10)
    if out.returncode != 0:
        raise RuntimeError(f"vtepctl {' '.join(args)}: {out.stderr.strip()}")
    return json.loads(out.stdout)


def wait_rx(build, sock, p, want, timeout=60):
    """Wait until every port named in @p want ({name: frames}) has received
    that many frames (vtepctl show ports), then half a second for the last
    bursts to leave and their events to be drained. @return False when
    vtepd exited or @p timeout seconds passed first."""
    deadline = time.time() + timeout
    while time.time() < deadline and p.poll() is None:
        try:
            ports = {x["name"]: x for x in vtepctl(build, sock, "show", "ports")}
            if all(ports[n]["rx_pkts"] >= want[n] for n in want):
                time.sleep(0.5)
                return True
        except (RuntimeError, json.JSONDecodeError, KeyError):
            pass  # not listening yet
        time.sleep(0.2)
    return False


def vtepd_failed(d, p):
    """vtepd did not forward the input: its log, then the error."""
    print(open(os.path.join(d, "vtepd.log")).read())
    return RuntimeError(f"vtepd did not process the input (exit {p.returncode})")


def stop_vtepd(p, log):
    """SIGTERM the vtepd of @p p (a Popen) if it still runs, SIGKILL after
    20 s; close its @p log."""
    if p.poll() is None:
        p.send_signal(signal.SIGTERM)
    try:
        p.wait(timeout=20)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
    log.close()


def have_net_pcap():
    if os.path.exists(NET_PCAP):
        return True
    print("SKIP: DPDK's net_pcap driver is not installed")
    return False
