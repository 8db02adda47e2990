#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Telemetry: /metrics and the DPDK telemetry socket after known traffic.

vtepd runs with net_pcap ports (like pkt_test.py), static neighbours and
static FDB entries, 2000 extra segments (so /metrics is larger than the
socket buffers and the telemetry commands have to page), and a XenAPI
manager (tests/fixtures/xenapi/fake_xapi.py, plain HTTP). Once every
crafted frame has been received:

  - GET /metrics is parsed strictly (every line, HELP and TYPE of every
    family, label syntax and escaping, unique series, _total on counters)
    and its values are checked against what was sent: packets per port,
    encap/decap per VNI (bytes from the output pcaps), exact counts for
    every drop reason (zeros included), FDB, VTEP tx/rx, manager state;
  - the same values through /var/run/dpdk/<prefix>/dpdk_telemetry.v2
    (SOCK_SEQPACKET), every /vtepd/ command, paging through 2002 segments;
  - and through vtepctl --json: the three must agree;
  - the HTTP server's behaviour on bad, partial, oversized, idle and slow
    clients; reload refusing a telemetry change; shutdown while telemetry
    requests are in flight.

Usage: telemetry_test.py BUILD_DIR   (exit 0 pass, 1 fail, 77 skip)
"""
import json
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
try:
    from scapy.all import IP, UDP, Dot1Q, Ether, rdpcap, wrpcap
    from scapy.layers.vxlan import VXLAN
except ImportError:
    print("SKIP: scapy is not installed for /usr/bin/python3 (python3-scapy)")
    sys.exit(77)
import pktlib  # noqa: E402 (needs scapy)
from pktlib import check, inner, patch  # noqa: E402

OUR_MAC = "02:00:00:00:01:01"
VTEP = "192.0.2.1"
R1, R1_MAC = "192.0.2.2", "02:00:00:00:02:02"
R2, R2_MAC = "192.0.2.3", "02:00:00:00:02:03"
R3, R3_MAC = "192.0.2.4", "02:00:00:00:02:04"
S1 = "02:bb:00:00:00:01"  # static, VNI 5001, behind R1
S2 = "02:bb:00:00:00:02"  # static, VNI 5002, behind R2
L1, L2 = "02:cc:00:00:00:01", "02:cc:00:00:00:02"  # learned behind R3
VM1 = "02:aa:00:00:00:01"  # local, VLAN 100 (VNI 5001)
VM2 = "02:aa:00:00:00:02"  # local, untagged (VNI 5002)
NB_BULK = 2000


# ---- traffic -----------------------------------------------------------------


def vxlan(frame, vni, src, src_mac, sport=50000, dport=4789, flags=0x08):
    return Ether(bytes(Ether(dst=OUR_MAC, src=src_mac) /
                       IP(src=src, dst=VTEP, flags="DF", ttl=64) /
                       UDP(sport=sport, dport=dport, chksum=0) /
                       VXLAN(flags=flags, vni=vni) / frame))


def build_inputs(d):
    ul, acc = [], []
    for i in range(3):
        ul.append(vxlan(inner(VM1, S1, b"r1-%d" % i * 10), 5001, R1, R1_MAC))
    for i in range(2):
        ul.append(vxlan(inner(VM2, S2, b"r2-%d" % i * 12), 5002, R2, R2_MAC))
    ul.append(vxlan(inner(VM1, L1, b"l1" * 30), 5001, R3, R3_MAC))
    ul.append(vxlan(inner(VM1, L2, b"l2" * 31), 5001, R3, R3_MAC))
    good = vxlan(inner(VM1, "02:cc:00:00:00:09", b"bad" * 20), 5001, R3, R3_MAC)
    drops = {"ip_checksum": 2, "vxlan_flags": 1, "vxlan_unknown_vni": 3, "udp_port": 1,
             "acc_no_segment": 1}
    ul += [patch(good, 24, b"\xde\xad"), patch(good, 24, b"\xbe\xef")]
    ul.append(patch(good, 42, b"\x00"))
    for i in range(3):
        ul.append(vxlan(inner(VM1, "02:cc:00:00:01:%02x" % i, b"u" * 50), 7777 + i, R3, R3_MAC))
    ul.append(vxlan(inner(VM1, "02:cc:00:00:00:0a", b"p" * 50), 5001, R3, R3_MAC, dport=4790))
    for i in range(5):
        acc.append(inner(S1, VM1, b"to-s1-%d" % i * 8, vlan=100))
    for i in range(4):
        acc.append(inner(S2, VM2, b"to-s2-%d" % i * 9))
    acc.append(inner(S1, VM1, b"nope" * 12, vlan=200))
    wrpcap(os.path.join(d, "ul_in.pcap"), ul, linktype=1)
    wrpcap(os.path.join(d, "acc_in.pcap"), acc, linktype=1)
    return dict(ul=ul, acc=acc, drops=drops)


def config(d, http_port, xapi_port, pwfile, listen=None):
    bulk = [{"name": "b%d" % i, "vni": 100000 + i, "port": "access0", "vlan": 1000 + i}
            for i in range(NB_BULK)]
    return {
        "gateway": {"name": "tel-test", "vtep_ip": VTEP},
        "ports": [
            {"name": "access0", "role": "access",
             "device": f"net_pcap0,rx_pcap={d}/acc_in.pcap,tx_pcap={d}/acc_out.pcap"},
            {"name": "underlay0", "role": "underlay",
             "device": f"net_pcap1,rx_pcap={d}/ul_in.pcap,tx_pcap={d}/ul_out.pcap",
             "ip": VTEP + "/24", "mac": OUR_MAC,
             "neighbors": [{"ip": R1, "mac": R1_MAC}, {"ip": R2, "mac": R2_MAC},
                           {"ip": R3, "mac": R3_MAC}]},
        ],
        "tenants": [
            {"name": "t", "segments": [
                {"name": "tagged", "vni": 5001, "port": "access0", "vlan": 100,
                 "networks": ["net-0"]},
                {"name": "untagged", "vni": 5002, "port": "access0", "vlan": "untagged"}]},
            {"name": "bulk", "segments": bulk},
        ],
        "fdb": [{"vni": 5001, "mac": S1, "vtep": R1}, {"vni": 5002, "mac": S2, "vtep": R2}],
        "managers": [{"type": "xenapi", "name": "pool1", "insecure": True,
                      "url": f"http://127.0.0.1:{xapi_port}", "username": "root",
                      "password_file": pwfile, "timeout_s": 5, "wait_s": 2,
                      "backoff_min_ms": 100, "backoff_max_ms": 1000}],
        "limits": {"fdb_max": 4096, "vteps_max": 64, "segments_max": 4096},
        "dataplane": {"idle_backoff": False},
        "telemetry": {"prometheus": True, "listen": listen or f"127.0.0.1:{http_port}"},
    }


# ---- Prometheus text format, strictly ----------------------------------------

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r"[a-zA-Z_][a-zA-Z0-9_]*"
VALUE = r"(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|NaN|[+-]Inf)"
LVALUE = r'"(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE_RE = re.compile(rf"^({NAME})(?:\{{((?:{LABEL}={LVALUE})(?:,{LABEL}={LVALUE})*)\}})? "
                       rf"({VALUE})$")
PAIR_RE = re.compile(rf"({LABEL})=({LVALUE})")
HELP_RE = re.compile(rf"^# HELP ({NAME}) ((?:[^\\\n]|\\[\\n])*)$")
TYPE_RE = re.compile(rf"^# TYPE ({NAME}) (counter|gauge)$")


def unescape(s):
    return re.sub(r"\\(.)", lambda m: {"n": "\n"}.get(m.group(1), m.group(1)), s)


def prom_parse(text):
    """{name: {"help":, "type":, "samples": {frozenset(labels): value}}}; raises
    ValueError at the first line that is not valid."""
    if not text.endswith("\n"):
        raise ValueError("body does not end with a newline")
    fams, cur, state = {}, None, None
    for n, line in enumerate(text[:-1].split("\n"), 1):
        m = HELP_RE.match(line)
        if m:
            if m.group(1) in fams:
                raise ValueError(f"line {n}: family {m.group(1)} seen twice")
            cur = m.group(1)
            fams[cur] = {"help": unescape(m.group(2)), "type": None, "samples": {}}
            state = "help"
            continue
        m = TYPE_RE.match(line)
        if m:
            if m.group(1) != cur or state != "help":
                raise ValueError(f"line {n}: TYPE not right after its HELP: {line!r}")
            fams[cur]["type"] = m.group(2)
            if (m.group(2) == "counter") != cur.endswith("_total"):
                raise ValueError(f"line {n}: {cur}: counters, and only they, end in _total")
            state = "samples"
            continue
        m = SAMPLE_RE.match(line)
        if not m or state != "samples":
            raise ValueError(f"line {n}: not a valid line here: {line!r}")
        if m.group(1) != cur:
            raise ValueError(f"line {n}: sample of {m.group(1)} inside family {cur}")
        labels = {}
        for k, v in PAIR_RE.findall(m.group(2) or ""):
            if k in labels or k.startswith("__"):
                raise ValueError(f"line {n}: label {k} repeated or reserved")
            labels[k] = unescape(v[1:-1])
        key = frozenset(labels.items())
        if key in fams[cur]["samples"]:
            raise ValueError(f"line {n}: series repeated: {line!r}")
        fams[cur]["samples"][key] = float(m.group(3))
    for name, f in fams.items():
        if not f["help"] or f["type"] is None:
            raise ValueError(f"{name}: HELP or TYPE missing")
    return fams


def pv(fams, name, **labels):
    """The value of one series (None if absent)."""
    f = fams.get(name)
    if f is None:
        return None
    for key, v in f["samples"].items():
        if all(dict(key).get(k) == str(x) for k, x in labels.items()):
            return v
    return None


# ---- clients -------------------------------------------------------------------


def http(port, raw, timeout=10, rcvbuf=None, pause=None):
    """Send @p raw (bytes, or a list of pieces sent @p pause seconds apart),
    read to EOF: (status, headers, body)."""
    s = socket.socket()
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    s.settimeout(timeout)
    s.connect(("127.0.0.1", port))
    for piece in (raw if isinstance(raw, list) else [raw]):
        s.sendall(piece)
        if pause:
            time.sleep(pause)
    data = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        data += b
    s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, v in (x.split(":", 1) for x in lines[1:])}
    return status, headers, body


def get(port, path="/metrics", version="1.1", method="GET"):
    host = "Host: 127.0.0.1\r\n" if version == "1.1" else ""
    return http(port, f"{method} {path} HTTP/{version}\r\n{host}\r\n".encode())


def runtime_dir():
    if os.geteuid() == 0:
        return "/var/run/dpdk"
    return os.path.join(os.environ.get("XDG_RUNTIME_DIR", "/tmp"), "dpdk")


class Telemetry:
    def __init__(self, prefix):
        self.path = os.path.join(runtime_dir(), prefix, "dpdk_telemetry.v2")

    def query(self, cmd):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        s.settimeout(10)
        s.connect(self.path)
        hello = json.loads(s.recv(1024))
        s.send(cmd.encode())
        raw = s.recv(1 << 20)
        s.close()
        if len(raw) > hello["max_output_len"]:
            raise ValueError(f"{cmd}: {len(raw)} bytes > max_output_len")
        return json.loads(raw)[cmd.split(",")[0]]

    def pages(self, cmd, list_key):
        out, start, pages = {}, 0, 0
        while True:
            r = self.query(f"{cmd},{start}" if start else cmd)
            pages += 1
            out.update(r[list_key])
            if r["count"] != len(r[list_key]) or r["start"] != start:
                raise ValueError(f"{cmd}: page at {start} inconsistent: {r['count']}")
            if "next" not in r:
                return out, r["total"], pages
            start = r["next"]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


# ---- running vtepd -------------------------------------------------------------


class Run:
    """vtepd, the fake XenAPI pool, and where everything is."""

    def __init__(self, build, src, d):
        self.build, self.d = build, d
        self.sock = os.path.join(d, "vtepd.sock")
        self.cfg = os.path.join(d, "gw.json")
        self.prefix = f"tel{os.getpid()}"
        self.port = free_port()
        self.procs = []
        pw = os.path.join(d, "pw")
        with open(pw, "w") as f:
            f.write("secret\n")
        ready = os.path.join(d, "xapi.json")
        self.xapi = subprocess.Popen(
            ["/usr/bin/python3", os.path.join(src, "tests/fixtures/xenapi/fake_xapi.py"),
             "--hosts", "2", "--vms", "4", "--networks", "2", "--ready-file", ready],
            stdout=open(os.path.join(d, "xapi.log"), "w"), stderr=subprocess.STDOUT)
        self.procs.append(self.xapi)
        deadline = time.time() + 30
        while not os.path.exists(ready):
            if self.xapi.poll() is not None or time.time() > deadline:
                raise RuntimeError("fake_xapi did not start")
            time.sleep(0.05)
        self.xapi_port = json.load(open(ready))["port"]
        self.config = lambda **kw: config(d, self.port, self.xapi_port, pw, **kw)
        self.write_config()

    def write_config(self, **kw):
        with open(self.cfg, "w") as f:
            json.dump(self.config(**kw), f, indent=1)

    def start(self):
        eal = ["-l", "0,1", "--no-huge", "-m", "512", "--no-pci", "--no-shconf",
               "--file-prefix", self.prefix, "--log-level=lib.eal:warning"]
        self.log = open(os.path.join(self.d, "vtepd.log"), "w")
        self.vtepd = subprocess.Popen([os.path.join(self.build, "control", "vtepd"), *eal, "--",
                                       "--config", self.cfg, "--socket", self.sock],
                                      stdout=self.log, stderr=subprocess.STDOUT)
        self.procs.append(self.vtepd)

    def ctl(self, *args):
        return pktlib.vtepctl(self.build, self.sock, *args)

    def wait_ready(self, inp):
        """Every frame received, learning done, the manager streaming."""
        want = {"access0": len(inp["acc"]), "underlay0": len(inp["ul"])}
        deadline = time.time() + 90
        while time.time() < deadline:
            if self.vtepd.poll() is not None:
                break
            try:
                ports = {x["name"]: x for x in self.ctl("show", "ports")}
                fdb = self.ctl("show", "counters")["fdb"]
                mgr = self.ctl("show", "managers")[0]
                if (all(ports[n]["rx_pkts"] >= want[n] for n in want) and
                        fdb["entries"] == 6 and mgr["state"] == "streaming"):
                    time.sleep(0.5)  # the last bursts leave
                    return True
            except (RuntimeError, json.JSONDecodeError, KeyError, IndexError):
                pass
            time.sleep(0.2)
        self.log.flush()
        print(open(os.path.join(self.d, "vtepd.log")).read()[-4000:])
        return False

    def stop(self):
        if self.vtepd.poll() is None:
            self.vtepd.send_signal(signal.SIGTERM)
        try:
            return self.vtepd.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.vtepd.kill()
            self.vtepd.wait()
            return None

    def cleanup(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        # EAL leaves its runtime directory (the telemetry socket's) behind.
        shutil.rmtree(os.path.join(runtime_dir(), self.prefix), ignore_errors=True)


def drop_reasons(src):
    names = []
    with open(os.path.join(src, "dataplane", "drop_reasons.def")) as f:
        for line in f:
            m = re.match(r"DP_DROP\((\w+),", line)
            if m:
                names.append(m.group(1).lower())
    return names


# ---- checks --------------------------------------------------------------------

SEG = {5001: ("t", "tagged"), 5002: ("t", "untagged")}
# (VNI): encap, decap packets; (VTEP): tx, rx packets, FDB entries
EXP_SEG = {5001: (5, 5), 5002: (4, 2)}
EXP_VTEP = {R1: (5, 3, 1), R2: (4, 2, 1), R3: (0, None, 2)}


def seg_pv(fams, name, vni):
    t, s = SEG[vni]
    return pv(fams, name, tenant=t, segment=s, vni=vni)


def check_prom(fams, inp, reasons, v):
    print("  /metrics values after the known traffic")
    ports = {"access0": ("access", len(inp["acc"]), 7), "underlay0": ("underlay", len(inp["ul"]), 9)}
    for name, (role, rx, tx) in ports.items():
        got = (pv(fams, "vtepd_port_rx_packets_total", port=name, role=role),
               pv(fams, "vtepd_port_tx_packets_total", port=name, role=role))
        check(got == (rx, tx), f"port {name}: rx {rx}, tx {tx} packets ({got})")
        check(pv(fams, "vtepd_port_link_up", port=name) == 1, f"port {name}: link up")
    for vni, (enc, dec) in EXP_SEG.items():
        got = (seg_pv(fams, "vtepd_segment_encap_packets_total", vni),
               seg_pv(fams, "vtepd_segment_decap_packets_total", vni),
               seg_pv(fams, "vtepd_segment_flood_packets_total", vni),
               seg_pv(fams, "vtepd_segment_drops_total", vni),
               seg_pv(fams, "vtepd_segment_macs", vni))
        macs = 4 if vni == 5001 else 2
        check(got == (enc, dec, 0, 0, macs),
              f"VNI {vni}: encap {enc}, decap {dec}, flood 0, drops 0, MACs {macs} ({got})")
    check(len(fams["vtepd_segment_encap_packets_total"]["samples"]) == 2 + NB_BULK and
          pv(fams, "vtepd_segment_encap_packets_total", vni=100000 + NB_BULK - 1) == 0,
          f"{2 + NB_BULK} segments exported, the bulk ones at 0")
    for ip, (tx, rx, nfdb) in EXP_VTEP.items():
        got = (pv(fams, "vtepd_vtep_tx_packets_total", vtep=ip),
               pv(fams, "vtepd_vtep_rx_packets_total", vtep=ip) if rx is not None else None,
               pv(fams, "vtepd_vtep_resolved", vtep=ip), pv(fams, "vtepd_vtep_fdb_entries", vtep=ip))
        check(got == (tx, rx, 1, nfdb), f"VTEP {ip}: tx {tx}, rx {rx}, resolved, {nfdb} FDB ({got})")
    drops = {dict(k)["reason"]: val for k, val in fams["vtepd_drops_total"]["samples"].items()}
    check(sorted(drops) == sorted(reasons),
          f"vtepd_drops_total has every one of the {len(reasons)} reasons, zeros included")
    wrong = {r: drops.get(r) for r in reasons if drops.get(r) != inp["drops"].get(r, 0)}
    check(not wrong, f"every drop reason exact: {inp['drops']} and zeros ({wrong or 'all equal'})")
    fdb = {k: pv(fams, "vtepd_fdb_" + k) for k in ("entries", "capacity", "vteps", "segments",
                                                  "learned_total", "moves_total", "aged_total")}
    check(fdb == {"entries": 6, "capacity": 4096, "vteps": 3, "segments": 2 + NB_BULK,
                  "learned_total": 4, "moves_total": 0, "aged_total": 0}, f"FDB {fdb}")
    check(pv(fams, "vtepd_fdb_limit_hits_total", scope="global") == 0 and
          pv(fams, "vtepd_fdb_limit_hits_total", scope="segment") == 0, "FDB limit hits 0")
    dp = {k: pv(fams, f"vtepd_{k}_total") for k in ("encap_packets", "decap_packets",
                                                   "flood_packets", "arp_requests", "arp_replies")}
    check(dp == {"encap_packets": 9, "decap_packets": 7, "flood_packets": 0, "arp_requests": 0,
                 "arp_replies": 0}, f"dataplane totals {dp}")
    check(pv(fams, "vtepd_control_events_total") >= 4 and
          pv(fams, "vtepd_control_reloads_total") == 0 and
          pv(fams, "vtepd_control_reload_failures_total") == 0, "control counters")
    m = dict(manager="pool1", type="xenapi")
    got = {k: pv(fams, "vtepd_manager_" + k, **m) for k in (
        "connected", "vms", "hosts", "macs", "bindings", "bindings_installed", "errors_total")}
    # The fake pool: 4 running guests with a VIF each, 2 halted ones (no
    # MAC reported), 2 hosts; no site matches its hosts: nothing installed.
    check(got == {"connected": 1, "vms": 6, "hosts": 2, "macs": 4, "bindings": 4,
                  "bindings_installed": 0, "errors_total": 0}, f"manager pool1 {got}")
    check(pv(fams, "vtepd_manager_resyncs_total", **m) >= 1 and
          0 <= pv(fams, "vtepd_manager_last_event_age_seconds", **m) < 60,
          "manager pool1: synced, last event age in seconds")
    states = {dict(k)["state"]: val for k, val in fams["vtepd_manager_state"]["samples"].items()}
    check(states == {"connecting": 0, "syncing": 0, "streaming": 1, "stale": 0, "down": 0},
          f"vtepd_manager_state: streaming 1, the others 0 ({states})")
    check(pv(fams, "vtepd_gateway_info", gateway="tel-test") == 1 and
          pv(fams, "vtepd_uptime_seconds") > 0, "gateway_info, uptime")
    # The same numbers as vtepctl, field by field.
    diff = []
    for p in v["ports"]:
        for key, metric in (("rx_pkts", "rx_packets"), ("rx_bytes", "rx_bytes"),
                            ("tx_pkts", "tx_packets"), ("tx_bytes", "tx_bytes"),
                            ("hw_imissed", "hw_rx_missed"), ("hw_rx_nombuf", "hw_rx_nombuf")):
            if pv(fams, f"vtepd_port_{metric}_total", port=p["name"]) != p[key]:
                diff.append((p["name"], key))
    for s in v["segments"]:
        for key in ("encap_pkts", "encap_bytes", "decap_pkts", "decap_bytes"):
            metric = "vtepd_segment_" + key.replace("pkts", "packets") + "_total"
            if pv(fams, metric, vni=s["vni"]) != s[key]:
                diff.append((s["vni"], key))
    for t in v["vteps"]:
        for key in ("tx_pkts", "tx_bytes", "rx_pkts", "rx_bytes"):
            metric = "vtepd_vtep_" + key.replace("pkts", "packets") + "_total"
            if pv(fams, metric, vtep=t["vtep"]) != t[key]:
                diff.append((t["vtep"], key))
    check(not diff, f"every port, segment and VTEP counter equals vtepctl's ({diff[:5]})")


def check_telemetry(tel, fams, v, inp, reasons):
    print("  DPDK telemetry socket " + tel.path)
    cmds = ["/vtepd/segments", "/vtepd/fdb", "/vtepd/vteps", "/vtepd/counters", "/vtepd/drops",
            "/vtepd/ports", "/vtepd/managers", "/vtepd/lcores"]
    listed = tel.query("/")
    check(all(c in listed for c in cmds), "every /vtepd/ command is registered")
    check(all(len(tel.query("/help," + c).get(c, "")) > 20 for c in cmds), "each has help")
    segs, total, pages = tel.pages("/vtepd/segments", "segments")
    check(total == 2 + NB_BULK and len(segs) == total and pages > 1,
          f"/vtepd/segments: {len(segs)} of {total} segments over {pages} pages")
    s1 = segs.get("5001", {})
    check((s1.get("encap_pkts"), s1.get("decap_pkts"), s1.get("vlan"), s1.get("name"),
           s1.get("networks")) == (5, 5, 100, "tagged", ["net-0"]) and
          segs.get("5002", {}).get("vlan") == "untagged" and
          segs.get("5002", {}).get("decap_pkts") == 2,
          f"/vtepd/segments: VNI 5001 and 5002 values ({s1})")
    bad = [k for k, s in segs.items() if int(k) >= 100000 and s["encap_pkts"] != 0]
    check(not bad and all(str(100000 + i) in segs for i in range(NB_BULK)), "bulk segments")
    end = tel.query(f"/vtepd/segments,{total + 5}")
    check(end["count"] == 0 and "next" not in end and end["segments"] == {},
          "a page past the end is empty")
    fdb = tel.query("/vtepd/fdb")
    check(fdb == v["counters"]["fdb"] and fdb["entries"] == 6 and fdb["learned"] == 4 and
          fdb["vteps"] == 3 and fdb["capacity"] == 4096, f"/vtepd/fdb {fdb}")
    vteps, total, _ = tel.pages("/vtepd/vteps", "vteps")
    got = {k: (x["tx_pkts"], x["rx_pkts"], x["resolved"]) for k, x in vteps.items()}
    check(got.get("192_0_2_2") == (5, 3, 1) and got.get("192_0_2_3") == (4, 2, 1) and
          vteps["192_0_2_2"]["vtep"] == R1 and total == 3, f"/vtepd/vteps {got}")
    cnt = tel.query("/vtepd/counters")
    check((cnt["encap_pkts"], cnt["decap_pkts"], cnt["fdb"]["entries"]) == (9, 7, 6) and
          "ports" not in cnt and "drop_reasons" not in cnt and
          cnt["control"]["events"] == v["counters"]["control"]["events"],
          "/vtepd/counters: totals, fdb and control; ports and drops left to their commands")
    drops, total, _ = tel.pages("/vtepd/drops", "drops")
    got = {k[5:]: x["pkts"] for k, x in drops.items()}
    check(total == len(reasons) and sorted(got) == sorted(reasons) and
          all(got[r] == inp["drops"].get(r, 0) for r in reasons) and
          drops["drop_ip_checksum"]["description"].startswith("outer IPv4 header checksum"),
          f"/vtepd/drops: all {len(reasons)} reasons, exact counts")
    ports, _, _ = tel.pages("/vtepd/ports", "ports")
    check(ports["access0"]["rx_pkts"] == len(inp["acc"]) and
          ports["underlay0"]["rx_pkts"] == len(inp["ul"]) and
          ports["underlay0"]["ip"] == VTEP and ports["access0"]["link_up"] == 1,
          "/vtepd/ports: rx packets, address, link")
    mgrs, _, _ = tel.pages("/vtepd/managers", "managers")
    p = mgrs.get("pool1", {})
    check((p.get("state"), p.get("connected"), p.get("macs"), p.get("type")) ==
          ("streaming", 1, 4, "xenapi"), f"/vtepd/managers: pool1 {p.get('state')}")
    check(pv(fams, "vtepd_manager_macs", manager="pool1") == p.get("macs") and
          pv(fams, "vtepd_vtep_tx_packets_total", vtep=R2) == vteps["192_0_2_3"]["tx_pkts"],
          "/metrics and telemetry agree")
    lcs, total, _ = tel.pages("/vtepd/lcores", "lcores")
    lc = next(iter(lcs.values()), {})
    check(total == 1 and lc.get("busy_polls", 0) >= 1 and
          lc.get("rx_queues") == ["access0/0", "underlay0/0"] and
          all(k in lc for k in ("stalls_100us", "stalls_1ms", "stalls_10ms", "stall_us")) and
          pv(fams, "vtepd_lcore_stalls_100us_total", lcore=str(lc.get("lcore"))) is not None and
          pv(fams, "vtepd_lcore_stall_max_seconds", lcore=str(lc.get("lcore"))) is not None,
          f"/vtepd/lcores and the vtepd_lcore_stall* metrics: the one lcore, its queues ({lc})")
    e1, e2 = tel.query("/vtepd/fdb,1"), tel.query("/vtepd/segments,abc")
    check("error" in e1 and "error" in e2, f"bad parameters answered with an error ({e2})")


def check_http(run, tel):
    print("  the HTTP server: good, bad, partial, large, slow, idle and too many clients")
    port = run.port
    st, h, body = get(port)
    check(st == 200 and h["content-type"] == "text/plain; version=0.0.4; charset=utf-8" and
          int(h["content-length"]) == len(body) > 1000000,
          f"GET /metrics: 200, text format 0.0.4, {len(body)} bytes as announced")
    st, h, b = get(port, version="1.0")
    check(st == 200 and len(b) > 1000000, "HTTP/1.0 without Host: 200")
    st, h, b = get(port, method="HEAD")
    check(st == 200 and int(h["content-length"]) > 1000000 and b == b"",
          "HEAD: 200, the length, no body")
    for path in ("/metrics?name[]=x", "http://127.0.0.1:9469/metrics"):
        check(get(port, path)[0] == 200, f"GET {path}: 200")
    cases = [
        (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", 404),
        (b"GET /metricsx HTTP/1.1\r\nHost: x\r\n\r\n", 404),
        (b"POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc", 405),
        (b"BREW /metrics HTTP/1.1\r\n", 405),
        (b"GET /metrics HTTP/1.1\r\n\r\n", 400),
        (b"GET /metrics HTTP/2.0\r\nHost: x\r\n\r\n", 505),
        (b"GET  /metrics HTTP/1.1\r\nHost: x\r\n\r\n", 400),
        (b"GET /metrics\r\n\r\n", 400),
        (b"GET /metrics HTTP/1.1\r\nHost x\r\n\r\n", 400),
        (b"GET /metrics HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", 400),
        (b"\x16\x03\x01\x02\x00\x01\x00", 400),  # a TLS ClientHello: no line end, ever
        (b"GET /" + b"a" * 3000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", 414),
        (b"GET /metrics HTTP/1.1\r\nHost: x\r\n" + b"X-Pad: " + b"p" * 10000 + b"\r\n\r\n", 431),
    ]
    for raw, want in cases:
        t0 = time.time()
        try:
            st, h, b = http(port, raw, timeout=5)
        except (OSError, ValueError, IndexError) as e:
            st, h, b = repr(e), {}, b""
        check(st == want and time.time() - t0 < 3 and
              (want != 405 or h.get("allow") == "GET, HEAD"),
              f"{raw[:40]!r}: {want} ({st}) at once")
    st, h, b = http(port, [b"GE", b"T /metr", b"ics HTTP/1.1\r\nHo", b"st: x\r\n", b"\r\n"],
                    pause=0.3)
    check(st == 200 and len(b) == int(h["content-length"]), "request in 5 pieces, 0.3 s apart: 200")
    # A client that does not read: the rest of the response waits in vtepd,
    # which serves everybody else meanwhile.
    slow = socket.socket()
    slow.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    slow.connect(("127.0.0.1", port))
    slow.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
    time.sleep(0.5)
    t0 = time.time()
    others = (get(port)[0], run.ctl("show", "fdb")[0]["vni"] > 0,
              "entries" in tel.query("/vtepd/fdb"))
    check(others == (200, True, True) and time.time() - t0 < 5,
          f"while a client does not read its {len(body)} bytes: /metrics, vtepctl, telemetry "
          f"answer ({time.time() - t0:.2f} s)")
    data = b""
    slow.settimeout(10)
    while True:
        chunk = slow.recv(1 << 16)
        if not chunk:
            break
        data += chunk
    slow.close()
    head, _, b = data.partition(b"\r\n\r\n")
    clen = int(re.search(rb"Content-Length: (\d+)", head).group(1))
    check(len(b) == clen and b.endswith(b"\n"), f"the slow client then got all {clen} bytes")
    # Too many clients: the ones beyond the limit are closed at once.
    idle = []
    for _ in range(40):
        s = socket.socket()
        s.connect(("127.0.0.1", port))
        idle.append(s)
    time.sleep(1)
    closed = 0
    for s in idle:
        s.setblocking(False)
        try:
            closed += s.recv(1) == b""
        except BlockingIOError:
            pass
    for s in idle:
        s.close()
    time.sleep(0.3)
    check(8 <= closed <= 9 and get(port)[0] == 200,
          f"40 idle clients: {closed} over the limit of 32 closed at once; then served again")


def idle_probe(port, result):
    """Connect, send nothing: vtepd must close it after its timeout (10 s)."""
    s = socket.socket()
    s.connect(("127.0.0.1", port))
    s.settimeout(30)
    t0 = time.time()
    try:
        result["eof"] = s.recv(1) == b""
    except OSError:
        result["eof"] = False
    result["s"] = time.time() - t0
    s.close()


def check_reload(run):
    print("  reload: a telemetry change needs a restart")
    other = free_port()
    run.write_config(listen=f"127.0.0.1:{other}")
    try:
        run.ctl("reload")
        err = ""
    except RuntimeError as e:
        err = str(e)
    check("telemetry: changing it needs a restart" in err, f"reload refused: {err[-80:]}")
    try:
        http(other, b"GET /metrics HTTP/1.0\r\n\r\n", timeout=2)
        moved = True
    except OSError:
        moved = False
    fams = prom_parse(get(run.port)[2].decode())
    check(not moved and pv(fams, "vtepd_control_reload_failures_total") == 1,
          "still served on the old address only; reload_failures_total 1")
    run.write_config()
    run.ctl("reload")
    fams = prom_parse(get(run.port)[2].decode())
    check(pv(fams, "vtepd_control_reloads_total") == 1, "the original file reloads: reloads_total 1")


def check_shutdown(run, tel):
    """SIGTERM while telemetry requests are in flight: vtepd exits 0, and
    every answer is a whole JSON value (data or an error), never a hang."""
    print("  shutdown with telemetry requests in flight")
    answers = {"ok": 0, "err": 0, "bad": 0}
    stop = threading.Event()

    def hammer():
        while not stop.is_set():
            try:
                r = tel.query("/vtepd/counters")
            except (OSError, ValueError):
                break
            if isinstance(r, dict) and "encap_pkts" in r:
                answers["ok"] += 1
            elif r is None or (isinstance(r, dict) and "error" in r):
                answers["err"] += 1
            else:
                answers["bad"] += 1

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for t in threads:
        t.start()
    time.sleep(1)
    t0 = time.time()
    rc = run.stop()
    stop.set()
    for t in threads:
        t.join(15)
    check(rc == 0 and time.time() - t0 < 20,
          f"vtepd exited {rc} in {time.time() - t0:.1f} s under telemetry load")
    check(answers["ok"] > 10 and answers["bad"] == 0 and not any(t.is_alive() for t in threads),
          f"telemetry answers during shutdown: {answers}")


def check_bytes(fams, d):
    """Byte counters against what the output pcaps hold."""
    print("  byte counters against the output pcaps")
    out_ul = [f for f in rdpcap(os.path.join(d, "ul_out.pcap")) if f.haslayer(VXLAN)]
    out_acc = rdpcap(os.path.join(d, "acc_out.pcap"))
    for vni in (5001, 5002):
        enc = sum(len(f) - 50 for f in out_ul if f[VXLAN].vni == vni)
        dec = sum(len(f) for f in out_acc if f.haslayer(Dot1Q) == (vni == 5001))
        got = (seg_pv(fams, "vtepd_segment_encap_bytes_total", vni),
               seg_pv(fams, "vtepd_segment_decap_bytes_total", vni))
        check(got == (enc, dec), f"VNI {vni}: encap {enc} B (inner), decap {dec} B ({got})")
    for ip in (R1, R2):
        tx = sum(len(f) for f in out_ul if f[IP].dst == ip)
        check(pv(fams, "vtepd_vtep_tx_bytes_total", vtep=ip) == tx, f"VTEP {ip}: tx {tx} B")
    tx = sum(len(f) for f in rdpcap(os.path.join(d, "ul_out.pcap")))
    check(pv(fams, "vtepd_port_tx_bytes_total", port="underlay0") == tx, f"underlay0 tx {tx} B")


def main():
    build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
    src = os.environ.get("VTEPD_SRCDIR", os.path.dirname(os.path.dirname(
        os.path.dirname(os.path.abspath(__file__)))))
    if not pktlib.have_net_pcap():
        return 77
    d = tempfile.mkdtemp(prefix="vtepd-tel.")
    run = None
    try:
        inp = build_inputs(d)
        run = Run(build, src, d)
        run.start()
        if not run.wait_ready(inp):
            raise RuntimeError(f"vtepd did not process the input (exit {run.vtepd.poll()})")
        probe = {}
        prober = threading.Thread(target=idle_probe, args=(run.port, probe))
        prober.start()
        tel = Telemetry(run.prefix)
        check(os.path.exists(tel.path), "the telemetry socket exists with --no-shconf")
        v = {k: run.ctl("show", k) for k in ("ports", "segments", "vteps", "counters")}
        st, _, body = get(run.port)
        try:
            fams = prom_parse(body.decode())
            check(True, f"/metrics parses strictly: {len(fams)} families, "
                        f"{sum(len(f['samples']) for f in fams.values())} samples")
        except ValueError as e:
            check(False, f"/metrics parses strictly: {e}")
            return 1
        version = subprocess.run([os.path.join(build, "control", "vtepd"), "--version"],
                                 capture_output=True, text=True).stdout.split()[-1]
        check(pv(fams, "vtepd_build_info", version=version) == 1, f"build_info version {version}")
        reasons = drop_reasons(src)
        check_prom(fams, inp, reasons, v)
        check_telemetry(tel, fams, v, inp, reasons)
        check_http(run, tel)
        check_reload(run)
        prober.join(30)
        check(probe.get("eof") and 9 <= probe["s"] <= 14,
              f"an idle client is closed after the 10 s timeout ({probe})")
        check_shutdown(run, tel)
        check_bytes(fams, d)
    finally:
        if run is not None:
            run.cleanup()
        if os.environ.get("KEEP_TMP"):
            print("kept", d)
        else:
            shutil.rmtree(d, ignore_errors=True)
    return pktlib.summary()


if __name__ == "__main__":
    sys.exit(main())
