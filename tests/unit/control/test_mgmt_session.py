#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The management socket as a client sees it, against a real vtepd on
net_ring ports (no root, no namespace; under ASan in the sanitizer build):

  - vtepctl's one request per connection still works;
  - several requests on one connection are answered in order, including
    a request split over several writes and a bad one in the middle;
  - 10,000 fdb add/del requests pipelined on one connection all succeed;
  - a client that shuts its side down after its request gets its reply;
  - a request over the size limit gets an error and the connection closes;
  - an idle connection is closed after the timeout (5 s);
  - show counters reports the mbuf pool, back to its idle figure.

Usage: test_mgmt_session.py VTEPD VTEPCTL   (exit 0 pass, 1 fail)
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "pylib"))
import vtepd_mgmt  # noqa: E402

failures = []


def check(cond, what):
    print("    %s %s" % ("ok  " if cond else "FAIL", what))
    if not cond:
        failures.append(what)


def config(d):
    return {
        "gateway": {"name": "mgmt-test", "vtep_ip": "192.0.2.1"},
        "ports": [{"name": "access0", "role": "access", "device": "net_ring0"},
                  {"name": "underlay0", "role": "underlay", "device": "net_ring1",
                   "ip": "192.0.2.1/24", "mac": "02:00:00:00:01:01"}],
        "tenants": [{"name": "t", "segments": [
            {"name": "s", "vni": 5001, "port": "access0", "vlan": 100}]}],
        "limits": {"fdb_max": 65536, "vteps_max": 64, "segments_max": 64},
        "dataplane": {"idle_backoff": True},  # ring ports stay empty: sleep, do not spin
    }


class Conn(vtepd_mgmt.Session):
    def closed(self, wait):
        self.s.settimeout(wait)
        try:
            return self.s.recv(1) == b""
        except (ConnectionResetError, BrokenPipeError):
            return True
        except socket.timeout:
            return False


def fdb_requests(n):
    out = []
    for i in range(n):
        mac = "02:bb:%02x:%02x:%02x:%02x" % ((i // 2 >> 24) & 255, (i // 2 >> 16) & 255,
                                             (i // 2 >> 8) & 255, i // 2 & 255)
        if i % 2 == 0:
            req = {"command": "fdb add", "args": {"vni": 5001, "mac": mac, "vtep": "192.0.2.2"}}
        else:
            req = {"command": "fdb del", "args": {"vni": 5001, "mac": mac}}
        out.append(json.dumps(req).encode() + b"\n")
    return out


def pipelined(path, n):
    c = Conn(path)
    reqs = fdb_requests(n)
    replies = []

    def read():
        while len(replies) < n:
            replies.append(c.reply())

    t = threading.Thread(target=read)
    t0 = time.monotonic()
    t.start()
    for i in range(0, n, 100):
        while i - len(replies) > 2000:
            time.sleep(0.001)
        c.send(b"".join(reqs[i:i + 100]))
    t.join(60)
    dt = time.monotonic() - t0
    good = sum(1 for r in replies if r.get("ok"))
    check(good == n, "%d pipelined fdb add/del on one connection: %d ok (%.0f requests/s)" %
          (n, good, n / dt))


def session(path):
    c = Conn(path)
    r1 = c.ask("fdb add", vni=5001, mac="02:cc:00:00:00:01", vtep="192.0.2.2")
    c.send(b'{"command": "show fdb", ')
    time.sleep(0.2)
    c.send(b'"args": {"mac": "02:cc:00:00:00:01"}}\n')
    r2 = c.reply()
    c.send(b"not json\n")
    r3 = c.reply()
    r4 = c.ask("fdb del", vni=5001, mac="02:cc:00:00:00:01")
    check(r1["ok"] and r2["ok"] and len(r2["result"]) == 1 and not r3["ok"] and r4["ok"],
          "four requests on one connection, one split over two writes, a bad one between")
    c.s.shutdown(socket.SHUT_WR)
    check(c.closed(2), "the server closes when the client has shut its side")
    c = Conn(path)
    c.send(b'{"command": "version"}\n')
    c.s.shutdown(socket.SHUT_WR)
    check(c.reply()["ok"] and c.closed(2), "request then shutdown(SHUT_WR): reply, then close")
    c = Conn(path)
    c.send(b"{" + b" " * 70000 + b"}\n")
    r = c.reply()
    check(not r["ok"] and "too large" in r["error"] and c.closed(2),
          "over-long request: error reply, connection closed")
    c = Conn(path)
    check(c.ask("version")["ok"], "a fresh connection")
    t0 = time.monotonic()
    gone = c.closed(8)
    check(gone and 4.5 < time.monotonic() - t0 < 7.5,
          "idle connection closed after the timeout (%.1f s)" % (time.monotonic() - t0))


def main():
    vtepd, vtepctl = sys.argv[1], sys.argv[2]
    d = tempfile.mkdtemp(prefix="vtepd-mgmt.")
    sock, cfg = os.path.join(d, "s.sock"), os.path.join(d, "gw.json")
    json.dump(config(d), open(cfg, "w"))
    eal = ["-l", "0,1", "--no-huge", "-m", "512", "--no-pci", "--no-shconf",
           "--file-prefix", "mgmt%d" % os.getpid(), "--log-level=lib.eal:warning"]
    log = open(os.path.join(d, "vtepd.log"), "w")
    p = subprocess.Popen([vtepd] + eal + ["--", "--config", cfg, "--socket", sock],
                         stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(200):
            if subprocess.run([vtepctl, "--socket", sock, "version"], capture_output=True
                              ).returncode == 0:
                break
            time.sleep(0.1)
        out = subprocess.run([vtepctl, "--socket", sock, "--json", "show", "counters"],
                             capture_output=True, text=True)
        mp = json.loads(out.stdout)["mempool"]
        check(out.returncode == 0 and mp["size"] > 0 and mp["in_use"] + mp["available"] ==
              mp["size"], "vtepctl show counters: mempool %s" % mp)
        session(sock)
        pipelined(sock, 10000)
    finally:
        p.terminate()
        rc = p.wait(30)
        log.close()
    check(rc == 0, "vtepd exited cleanly (%d)" % rc)
    if failures:
        print(open(os.path.join(d, "vtepd.log")).read())
    subprocess.run(["rm", "-rf", d])
    print("    %d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
