#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""The control paths of a real vtepd under valgrind memcheck: no definite
leak, no memory error.

vtepd (the regular build, ring ports, no root) runs under
    valgrind --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=1
with a vCenter source and a XenAPI source against the fakes on loopback
(HTTPS, a private CA), and goes through:
  - configuration load, and --check-config of a good and a bad file;
  - full syncs of both managers, then every failure the fake vCenter can
    inject (HTTP 500 and 503, garbage, a connection closed mid-response,
    a 100 MB response, expired sessions, a restart with 2 s down), each
    ending in a resync; expired XenAPI sessions and an event.from error;
  - reloads: unchanged, with a new segment and a changed manager (its
    source is restarted), a refused one (bad file), and back;
  - a XenAPI pool whose certificate does not verify against ca_file
    (refused, the log line says TLS and why), and one that answers 100 MB
    chunked over HTTPS (refused while reading, logged);
  - 2,000 fdb add/del on one management connection and every show;
  - SIGTERM, the shutdown path.
Valgrind's exit status and its LEAK SUMMARY decide.

Usage: leak_control.py BUILD_DIR SRC_DIR   (exit 0 pass, 1 fail, 77 skip)
"""
import http.server
import json
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
import vtepd_mgmt  # noqa: E402

failures = []


def check(cond, what):
    print("    %s %s" % ("ok  " if cond else "FAIL", what), flush=True)
    if not cond:
        failures.append(what)
    return cond


def wait_for(fn, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            v = fn()
            if v:
                return v
        except (OSError, ValueError, KeyError, IndexError):
            pass
        time.sleep(0.2)
    check(False, "timed out: " + what)
    return None


def openssl(*args):
    subprocess.run(["openssl"] + list(args), check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def certs(d):
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "/ca.key", "-out",
            d + "/ca.pem", "-days", "2", "-subj", "/CN=vtepd leak-test CA")
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "/srv.key", "-out",
            d + "/srv.csr", "-subj", "/CN=127.0.0.1")
    open(d + "/san.ext", "w").write("subjectAltName=IP:127.0.0.1,IP:127.0.0.2,IP:127.0.0.3\n")
    openssl("x509", "-req", "-in", d + "/srv.csr", "-CA", d + "/ca.pem", "-CAkey", d + "/ca.key",
            "-CAcreateserial", "-out", d + "/srv.pem", "-days", "2", "-extfile", d + "/san.ext")


def post(url, body):
    req = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.load(r)


class Fakes:
    def __init__(self, src, d):
        self.procs = []
        for name in ("vc.secret", "xapi.secret"):
            open(os.path.join(d, name), "w").write("leak-test-secret\n")
            os.chmod(os.path.join(d, name), 0o600)
        vc_ready, xa_ready = d + "/vc.ready", d + "/xapi.ready"
        self.start([src + "/tests/fixtures/vcenter/fake_vcenter.py", "--address", "127.0.0.1",
                    "--port", "0", "--control-port", "0", "--cert", d + "/srv.pem", "--key",
                    d + "/srv.key", "--user", "svc", "--password", "leak-test-secret",
                    "--vms", "40", "--hosts", "4", "--clusters", "2", "--ready-file", vc_ready],
                   d + "/vcenter.log")
        self.start([src + "/tests/fixtures/xenapi/fake_xapi.py", "--base-ip", "127.0.0.2",
                    "--port", "0", "--ctl-port", "0", "--cert", d + "/srv.pem", "--key",
                    d + "/srv.key", "--hosts", "2", "--vms", "20", "--user", "root",
                    "--password", "leak-test-secret", "--pool-name", "leakpool",
                    "--ready-file", xa_ready], d + "/xapi.log")
        vc = wait_for(lambda: open(vc_ready).read().split(), 30, "fake vCenter up")
        xa = wait_for(lambda: json.load(open(xa_ready)), 30, "fake XAPI up")
        self.vc_port, self.vc_ctl = int(vc[0]), int(vc[1])
        self.xa = xa

    def start(self, argv, log):
        self.procs.append(subprocess.Popen(["/usr/bin/python3"] + argv, stdout=open(log, "w"),
                                           stderr=subprocess.STDOUT))

    def vcenter(self, verb, **body):
        return post("http://127.0.0.1:%d/control/%s" % (self.vc_ctl, verb), body)

    def xapi(self, op, **body):
        body["op"] = op
        return post("http://127.0.0.1:%d/ctl" % self.xa["ctl_port"], body)

    def stop(self):
        for p in self.procs:
            p.terminate()
            p.wait(10)


def config(d, fakes, extra_segment=False, wait_s=20, xapi_url=None, xapi_ca=None):
    segs = [{"name": "web", "vni": 5001, "port": "access0", "vlan": 100,
             "networks": ["VM Network", "dvportgroup-10", "dvportgroup-11"],
             "flood": ["192.0.2.2"]}]
    if extra_segment:
        segs.append({"name": "db", "vni": 5002, "port": "access0", "vlan": 200,
                     "networks": ["dvportgroup-12", "dvportgroup-13"]})
    return {
        "gateway": {"name": "leak-gw", "vtep_ip": "192.0.2.1", "site": "dc1"},
        "ports": [{"name": "access0", "role": "access", "device": "net_ring0"},
                  {"name": "underlay0", "role": "underlay", "device": "net_ring1",
                   "ip": "192.0.2.1/24", "mac": "02:00:00:00:01:01",
                   "neighbors": [{"ip": "192.0.2.2", "mac": "02:00:00:00:02:02"}]}],
        "tenants": [{"name": "t", "segments": segs}],
        "sites": [{"name": "dc1", "vtep": "192.0.2.1", "hosts": ["nothing-here-*"]},
                  {"name": "dc2", "vtep": "192.0.2.2", "hosts": ["*"]}],
        "managers": [
            {"type": "vcenter", "name": "vc1", "url": "https://127.0.0.1:%d/sdk" % fakes.vc_port,
             "username": "svc", "password_file": d + "/vc.secret", "ca_file": d + "/ca.pem",
             "wait_s": wait_s, "backoff_min_ms": 200, "backoff_max_ms": 1000},
            {"type": "xenapi", "name": "pool1",
             "url": xapi_url or "https://%s:%d" % (fakes.xa["hosts"][0]["address"],
                                                   fakes.xa["port"]),
             "username": "root", "password_file": d + "/xapi.secret",
             "ca_file": xapi_ca or d + "/ca.pem",
             "wait_s": wait_s, "backoff_min_ms": 200, "backoff_max_ms": 1000}],
        "dataplane": {"idle_backoff": True},
        "limits": {"fdb_max": 65536, "vteps_max": 64, "segments_max": 64},
    }


def Mgmt(sock):
    return vtepd_mgmt.Session(sock, timeout=60)


def ask(sock, command, **args):
    """One request on a connection of its own. vtepd drops a client after
    5 s without a request (control/mgmt.c MGMT_TIMEOUT_MS), and under
    valgrind the waits between these requests take longer than that."""
    m = Mgmt(sock)
    try:
        return m.ask(command, **args)
    finally:
        m.close()


def managers(sock):
    return {x["name"]: x for x in ask(sock, "show managers")["result"]}


def wait_resync(sock, name, before, what):
    ok = wait_for(lambda: (lambda m: m["resyncs"] > before and m["state"] == "streaming")(
        managers(sock)[name]), 60, what)
    check(ok is not None, what)


def valgrind_run(build, args, log):
    return subprocess.run(["valgrind", "--leak-check=full", "--errors-for-leak-kinds=definite",
                           "--error-exitcode=1", "--log-file=" + log,
                           os.path.join(build, "control", "vtepd")] + args,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode


def leak_summary(log):
    text = open(log).read()
    lost = re.search(r"definitely lost: ([\d,]+) bytes", text)
    errors = re.search(r"ERROR SUMMARY: (\d+) errors", text)
    return (int(lost.group(1).replace(",", "")) if lost else -1,
            int(errors.group(1)) if errors else -1)


def check_config_runs(build, d):
    good, bad = d + "/good.json", d + "/bad.json"
    json.dump({"gateway": {"name": "x", "vtep_ip": "192.0.2.1"},
               "ports": [{"name": "a", "role": "access", "device": "net_ring0"},
                         {"name": "u", "role": "underlay", "device": "net_ring1",
                          "ip": "192.0.2.1/24"}]}, open(good, "w"))
    open(bad, "w").write('{"gateway": {"name": "x", "vtep_ip": "300.0.0.1", "colour": 1},'
                         ' "ports": [{"name": "a", "role": "sideways"}]')
    for path, want, what in ((good, 0, "valid"), (bad, 1, "invalid")):
        log = d + "/vg-check-%s.log" % what
        rc = valgrind_run(build, ["--check-config", path], log)
        lost, errors = leak_summary(log)
        check(rc == want and lost == 0 and errors == 0,
              "--check-config of an %s file under valgrind: exit %d, %d bytes lost, %d errors" %
              (what, rc, lost, errors))


def faults(fakes, sock):
    for mode in ("http500", "http503", "garbage", "close_mid_response", "huge"):
        before = managers(sock)["vc1"]["resyncs"]
        fakes.vcenter("fail", mode=mode, count=1)
        wait_resync(sock, "vc1", before, "vCenter %s: retried and resynced" % mode)
    before = managers(sock)["vc1"]["resyncs"]
    fakes.vcenter("expire_sessions")
    wait_resync(sock, "vc1", before, "vCenter sessions expired: logged in again, resynced")
    before = managers(sock)["vc1"]["resyncs"]
    fakes.vcenter("restart", down_s=2)
    wait_resync(sock, "vc1", before, "vCenter restarted (2 s down): resynced")
    before = managers(sock)["pool1"]["resyncs"]
    fakes.xapi("expire_sessions")
    wait_resync(sock, "pool1", before, "XenAPI sessions expired: logged in again, resynced")
    before = managers(sock)["pool1"]["resyncs"]
    fakes.xapi("fail", method="event.from", error=["INTERNAL_ERROR", "leak test"], count=2)
    wait_resync(sock, "pool1", before, "XenAPI event.from error twice: located the master again, resynced")


def reloads(d, fakes, sock, cfg):
    check(ask(sock, "reload")["ok"], "reload, unchanged")
    json.dump(config(d, fakes, extra_segment=True, wait_s=25), open(cfg, "w"))
    r = ask(sock, "reload")
    check(r["ok"], "reload: a new segment, both managers changed (restarted) %s" % r)
    open(cfg, "w").write("{ not json")
    r = ask(sock, "reload")
    check(not r["ok"], "reload of a broken file refused: %s" % r.get("error", "")[:60])
    json.dump(config(d, fakes), open(cfg, "w"))
    check(ask(sock, "reload")["ok"], "reload back to the first configuration")
    wait_for(lambda: all(x["state"] == "streaming" for x in managers(sock).values()), 60,
             "both managers streaming after the reloads")


class Huge(http.server.BaseHTTPRequestHandler):
    """Any POST: 200 and 100 MB of chunked body (no Content-Length, so the
    limit must hold while reading, not from the header)."""
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *a):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = b" " * (1 << 20)
        try:
            for _ in range(100):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
        except OSError:
            pass
        self.close_connection = True


def huge_server(d):
    srv = http.server.ThreadingHTTPServer(("127.0.0.3", 0), Huge)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(d + "/srv.pem", d + "/srv.key")
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def log_after(path, off, words, timeout):
    def found():
        text = open(path, errors="replace").read()[off:]
        return all(w in text for w in words) and text
    return wait_for(found, timeout, "log lines %s" % words)


def xenapi_refusals(d, fakes, sock, cfg):
    """A XenAPI pool whose certificate does not verify against ca_file, and
    one that answers 100 MB (chunked) over HTTPS: both refused, logged."""
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d + "/other.key", "-out",
            d + "/other.pem", "-days", "2", "-subj", "/CN=some other CA")
    log = d + "/vtepd.log"
    off = len(open(log, errors="replace").read())
    # The pool's candidate errors are rate-limited (10 a minute): after the
    # failures above the line may wait for the next minute.
    json.dump(config(d, fakes, xapi_ca=d + "/other.pem"), open(cfg, "w"))
    check(ask(sock, "reload")["ok"], "reload: pool1's ca_file is a CA that did not sign its certificate")
    text = log_after(log, off, ["xenapi pool1", "TLS", "certificate"], 90)
    line = [x for x in (text or "").splitlines() if "TLS" in x][:1]
    check(bool(line) and managers(sock)["pool1"]["state"] != "streaming",
          "pool1 refused, the log says why: %s" % (line[0].strip() if line else "(none)"))
    srv = huge_server(d)
    off = len(open(log, errors="replace").read())
    json.dump(config(d, fakes, xapi_url="https://127.0.0.3:%d" % srv.server_address[1]),
              open(cfg, "w"))
    check(ask(sock, "reload")["ok"], "reload: pool1 at a server answering 100 MB, chunked, over HTTPS")
    text = log_after(log, off, ["xenapi pool1", "larger than 67108864 bytes refused"], 60)
    check(text is not None, "the 100 MB response refused while reading, logged")
    json.dump(config(d, fakes), open(cfg, "w"))
    check(ask(sock, "reload")["ok"], "reload: pool1 back to the fake pool")
    srv.shutdown()
    wait_for(lambda: managers(sock)["pool1"]["state"] == "streaming", 60, "pool1 streaming again")


def churn(sock, n=2000):
    m = Mgmt(sock)
    good = 0
    for i in range(n):
        mac = "02:dd:00:00:%02x:%02x" % (i // 2 >> 8 & 255, i // 2 & 255)
        if i % 2 == 0:
            r = m.ask("fdb add", vni=5001, mac=mac, vtep="192.0.2.3")
        else:
            r = m.ask("fdb del", vni=5001, mac=mac)
        good += r["ok"]
    shows = ["show segments", "show ports", "show fdb", "show vteps", "show neighbors",
             "show counters", "show lcores", "show drops", "show managers", "show bindings",
             "version"]
    good_shows = sum(m.ask(s)["ok"] for s in shows)
    check(good == n and good_shows == len(shows),
          "%d fdb add/del and %d shows on one connection" % (n, len(shows)))


def main():
    build, src = sys.argv[1], sys.argv[2]
    if shutil.which("valgrind") is None:
        print("SKIP: valgrind is not installed")
        return 77
    d = tempfile.mkdtemp(prefix="vtepd-leak.")
    certs(d)
    check_config_runs(build, d)
    fakes = Fakes(src, d)
    cfg, sock, log = d + "/gw.json", d + "/gw.sock", d + "/vg-vtepd.log"
    json.dump(config(d, fakes), open(cfg, "w"))
    eal = ["-l", "0,1", "--no-huge", "-m", "256", "--no-pci", "--no-shconf", "--file-prefix",
           "leak%d" % os.getpid(), "--log-level=lib.eal:warning"]
    vg = subprocess.Popen(["valgrind", "--leak-check=full", "--errors-for-leak-kinds=definite",
                           "--error-exitcode=1", "--log-file=" + log,
                           os.path.join(build, "control", "vtepd")] + eal +
                          ["--", "--config", cfg, "--socket", sock],
                          stdout=open(d + "/vtepd.log", "w"), stderr=subprocess.STDOUT)
    t0 = time.monotonic()
    try:
        up = wait_for(lambda: len(managers(sock)) == 2 and all(
            x["state"] == "streaming" for x in managers(sock).values()), 120,
            "vtepd under valgrind up, both managers streaming")
        if up:
            check(True, "vtepd under valgrind up, both managers synced (%.0f s)" %
                  (time.monotonic() - t0))
            faults(fakes, sock)
            reloads(d, fakes, sock, cfg)
            xenapi_refusals(d, fakes, sock, cfg)
            churn(sock)
    finally:
        vg.send_signal(signal.SIGTERM)
        try:
            rc = vg.wait(120)
        except subprocess.TimeoutExpired:
            vg.kill()
            rc = vg.wait()
        fakes.stop()
    text = open(d + "/vtepd.log", errors="replace").read()
    check("leak-test-secret" not in text, "no password anywhere in vtepd's log (%d lines)" %
          text.count("\n"))
    lost, errors = leak_summary(log)
    check(rc == 0 and lost == 0 and errors == 0,
          "vtepd under valgrind: exit %d, definitely lost %d bytes, %d memory errors (%.0f s)" %
          (rc, lost, errors, time.monotonic() - t0))
    if failures:
        for f in ("vg-vtepd.log", "vtepd.log"):
            print("---- %s (tail)" % f)
            print("".join(open(os.path.join(d, f)).readlines()[-60:]))
        print("kept " + d)
    else:
        shutil.rmtree(d)
    print("    %d failed" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
