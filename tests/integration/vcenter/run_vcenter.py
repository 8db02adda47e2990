#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""run_vcenter.py HARNESS FAKE - the vCenter source against the strict fake
vCenter over loopback HTTPS (suite 'integration', no root).

Each case starts fake_vcenter.py (free ports, a throwaway CA and server
certificate made with the openssl CLI) and vc_harness (the source, printing
every update as a JSON line), drives the fake through its control port and
checks the updates, the source's status and its log lines. The control
thread's mark-and-sweep is modelled here (Table) so that what the source
reported can be compared with what the fake says should be there.

Measured figures are printed as "FIGURE name value" and written to
<build>/meson-logs/vcenter-figures.json. Every process started is killed by
pid at the end, and the temporary directory removed.
"""
import http.client
import json
import os
import queue
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.request

HARNESS, FAKE = sys.argv[1], sys.argv[2]
PY = "/usr/bin/python3"
TMP = tempfile.mkdtemp(prefix="vtepd-vc-")
PROCS = []
FIGURES = {}


def cleanup(*_):
    for p in PROCS:
        if p.poll() is None:
            try:
                os.kill(p.pid, signal.SIGKILL)
                p.wait(5)
            except (OSError, subprocess.TimeoutExpired):
                pass
    if not os.environ.get("VC_KEEP"):
        shutil.rmtree(TMP, ignore_errors=True)


def on_signal(signum, _frame):
    cleanup()
    sys.exit(128 + signum)


signal.signal(signal.SIGTERM, on_signal)
signal.signal(signal.SIGINT, on_signal)


def sh(*args):
    subprocess.run(args, check=True, cwd=TMP, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)


def make_certs():
    """A CA, a server certificate for 127.0.0.1 signed by it, another CA."""
    for ca in ("ca", "other"):
        sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
           "-keyout", ca + ".key", "-out", ca + ".pem", "-subj", "/CN=vtepd test " + ca)
    sh("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "srv.key", "-out",
       "srv.csr", "-subj", "/CN=127.0.0.1")
    with open(os.path.join(TMP, "ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    sh("openssl", "x509", "-req", "-in", "srv.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
       "-CAcreateserial", "-out", "srv.pem", "-days", "2", "-extfile", "ext")
    out = subprocess.run(["openssl", "x509", "-in", "srv.pem", "-noout", "-fingerprint",
                          "-sha256"], check=True, capture_output=True, text=True, cwd=TMP)
    return out.stdout.strip().split("=", 1)[1]


class Fake:
    def __init__(self, *args):
        ready = os.path.join(TMP, "ready-%d" % len(PROCS))
        self.log = os.path.join(TMP, "fake-%d.log" % len(PROCS))
        self.proc = subprocess.Popen(
            [PY, FAKE, "--cert", os.path.join(TMP, "srv.pem"), "--key",
             os.path.join(TMP, "srv.key"), "--ready-file", ready] + list(args),
            stdout=subprocess.DEVNULL, stderr=open(self.log, "w"))
        PROCS.append(self.proc)
        for _ in range(300):
            if os.path.exists(ready):
                break
            if self.proc.poll() is not None:
                raise RuntimeError("fake_vcenter exited: " + open(self.log).read())
            time.sleep(0.02)
        self.port, self.cport = map(int, open(ready).read().split())
        self.url = "https://127.0.0.1:%d/sdk" % self.port

    def control(self, verb, **kw):
        req = urllib.request.Request("http://127.0.0.1:%d/control/%s" % (self.cport, verb),
                                     data=json.dumps(kw).encode(), method="POST")
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.load(r)

    def calls(self, since=0):
        return self.control("stats", since=since)["calls"]

    def nb_calls(self):
        return self.control("stats")["nb_calls"]

    def expected(self):
        return {(b["network"], b["mac"]): b for b in self.control("expected")["bindings"]}

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(10)


class Table:
    """The control thread's view: (network, mac) -> binding, mark and sweep."""

    def __init__(self):
        self.rows, self.marked = {}, None

    def apply(self, ev):
        op = ev["op"]
        if op == "SYNC_BEGIN":
            self.marked = set()
        elif op == "SYNC_END":
            for k in [k for k in self.rows if k not in self.marked]:
                del self.rows[k]
            self.marked = None
        elif op == "FLUSH":
            self.rows.clear()
        elif op == "UPSERT":
            k = (ev["network"], ev["mac"])
            self.rows[k] = {f: ev[f] for f in ("mac", "vm", "host", "cluster", "network",
                                               "network_alt")}
            if self.marked is not None:
                self.marked.add(k)
        elif op == "WITHDRAW":
            self.rows.pop((ev["network"], ev["mac"]), None)


class Harness:
    def __init__(self, url, *extra, password="pass", ca=True):
        self.log = os.path.join(TMP, "harness-%d.log" % len(PROCS))
        env = dict(os.environ, VC_PASSWORD=password)
        args = [HARNESS, "--url", url, "--user", "user", "--password-env", "VC_PASSWORD",
                "--wait-s", "5", "--backoff-min-ms", "200", "--backoff-max-ms", "1000"]
        if ca:
            args += ["--ca-file", os.path.join(TMP, "ca.pem")]
        self.t_start = time.monotonic_ns()
        self.proc = subprocess.Popen(args + list(extra), stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=open(self.log, "w"),
                                     env=env, text=True, bufsize=1)
        PROCS.append(self.proc)
        self.events = queue.Queue()
        self.seen = []
        self.table = Table()
        threading.Thread(target=self.reader, daemon=True).start()

    def reader(self):
        for line in self.proc.stdout:
            self.events.put(json.loads(line))
        self.events.put(None)

    def next(self, timeout):
        ev = self.events.get(timeout=timeout)
        if ev is None:
            raise RuntimeError("harness exited:\n" + self.logtext())
        if ev["ev"] == "update":
            self.table.apply(ev)
        self.seen.append(ev)
        return ev

    def wait(self, pred, timeout=10.0, what="event"):
        """Consume events until pred(ev); return it and the ones before."""
        end, before = time.monotonic() + timeout, []
        while True:
            left = end - time.monotonic()
            try:
                ev = self.next(max(left, 0.001))
            except queue.Empty:
                raise AssertionError("timed out waiting for %s; got %s\nlog:\n%s"
                                     % (what, before[-5:], self.logtext()[-3000:]))
            if pred(ev):
                return ev, before
            before.append(ev)

    def wait_op(self, op, timeout=10.0, **match):
        return self.wait(lambda e: e.get("op") == op and all(e.get(k) == v
                                                             for k, v in match.items()),
                         timeout, "%s %s" % (op, match))

    def drain(self, quiet_s=0.3):
        """Apply whatever arrives until quiet_s of silence; return it."""
        got = []
        while True:
            try:
                got.append(self.next(quiet_s))
            except queue.Empty:
                return got

    def status(self):
        self.proc.stdin.write("status\n")
        self.proc.stdin.flush()
        return self.wait(lambda e: e["ev"] == "status", 5, "status")[0]

    def wait_state(self, state, timeout=10.0):
        end = time.monotonic() + timeout
        while True:
            st = self.status()
            if st["state"] == state:
                return st
            if time.monotonic() > end:
                raise AssertionError("state %s, want %s (%s)" % (st["state"], state,
                                                                 st["last_error"]))
            time.sleep(0.1)

    def stop(self):
        self.proc.stdin.write("stop\n")
        self.proc.stdin.flush()
        ev, _ = self.wait(lambda e: e["ev"] == "stopped", 10, "stopped")
        self.proc.wait(10)
        assert self.proc.returncode == 0, "harness exit %d" % self.proc.returncode
        return ev["stop_ms"]

    def logtext(self):
        return open(self.log).read()


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def same_table(h, fake):
    want = fake.expected()
    check(h.table.rows == want, "bindings differ:\n got %s\nwant %s"
          % (sorted(h.table.rows.values(), key=str), sorted(want.values(), key=str)))


def initial_sync(h, fake, timeout=10.0):
    h.wait_op("SYNC_BEGIN", timeout)
    end, _ = h.wait_op("SYNC_END", timeout)
    same_table(h, fake)
    return end


# ---- cases ----------------------------------------------------------------------

def case_sync_and_events():
    fake = Fake("--api-version", "8.0.2.0")
    h = Harness(fake.url)
    initial_sync(h, fake)
    check(len(h.table.rows) == 4, "4 bindings after the initial sync")
    calls = fake.calls()
    check(calls[0]["method"] == "RetrieveServiceContent" and calls[0]["action"] ==
          '"urn:vim25/6.5"', "bootstrap SOAPAction")
    check(all(c["action"] == '"urn:vim25/8.0.2.0"' for c in calls[1:]),
          "SOAPAction follows about.apiVersion")
    check([c["method"] for c in calls[:4]] == ["RetrieveServiceContent", "Login",
                                               "CreateContainerView", "CreateFilter"], "order")

    # vMotion, back and forth: one UPSERT with the new host each time.
    lat = []
    for i, dst in enumerate(["DC0_C0_H2", "DC0_C0_H1"] * 3):
        t0 = time.monotonic_ns()
        fake.control("migrate", vm="DC0_C0_RP0_VM0", host=dst)
        ev, before = h.wait_op("UPSERT", 2, mac="00:0c:29:33:34:38", host=dst)
        check(not [e for e in before if e.get("op") == "WITHDRAW"], "no withdraw on vMotion")
        lat.append((ev["post_ns"] - t0) / 1e6)
    check(max(lat) < 1000, "migration posted within 1 s: %s" % lat)
    FIGURES["migration_ms_median"] = sorted(lat)[len(lat) // 2]
    FIGURES["migration_ms_max"] = max(lat)

    fake.control("nic_add", vm="DC0_C0_RP0_VM1", mac="00:0c:29:3a:30:38", network="VM Network")
    ev, _ = h.wait_op("UPSERT", 2, mac="00:0c:29:3a:30:38")
    check(ev["network"] == "VM Network" and ev["network_alt"] == "", "standard portgroup")
    fake.control("nic_remove", vm="DC0_C0_RP0_VM1", mac="00:0c:29:3a:30:38")
    h.wait_op("WITHDRAW", 2, mac="00:0c:29:3a:30:38", network="VM Network")
    fake.control("nic_connect", vm="DC0_H0_VM0", mac="00:0c:29:36:63:62", connected=False)
    h.wait_op("WITHDRAW", 2, mac="00:0c:29:36:63:62")
    fake.control("nic_connect", vm="DC0_H0_VM0", mac="00:0c:29:36:63:62", connected=True)
    h.wait_op("UPSERT", 2, mac="00:0c:29:36:63:62")
    fake.control("power", vm="DC0_H0_VM1", on=False)
    h.wait_op("WITHDRAW", 2, mac="00:0c:29:61:61:64", network="dvportgroup-13")
    fake.control("power", vm="DC0_H0_VM1", on=True)
    ev, _ = h.wait_op("UPSERT", 2, mac="00:0c:29:61:61:64")
    check(ev["host"] == "DC0_H0" and ev["cluster"] == "", "standalone host: no cluster")
    fake.control("destroy", vm="DC0_C0_RP0_VM1")
    h.wait_op("WITHDRAW", 2, mac="00:0c:29:39:30:38")
    fake.control("create", name="walk-vm", host="DC0_C0_H0",
                 nics=[{"mac": "00:0c:29:65:31:66", "network": "VM Network"}])
    ev, _ = h.wait_op("UPSERT", 2, mac="00:0c:29:65:31:66")
    check(ev["vm"] == "walk-vm" and ev["cluster"] == "DC0_C0", "created VM")
    fake.control("rename_host", host="DC0_C0_H0", name="esx-renamed")
    h.wait_op("UPSERT", 2, mac="00:0c:29:65:31:66", host="esx-renamed")
    h.drain()
    same_table(h, fake)
    st = h.status()
    check(st["state"] == "streaming" and st["api_version"] == "8.0.2.0", "streaming %s" % st)
    check(st["nb_vms"] == 4 and st["nb_hosts"] == 4 and st["nb_macs"] == 4, "counts %s" % st)
    check(st["updates"] >= 14 and st["resyncs"] == 1 and st["errors"] == 0, "counters %s" % st)

    # Stop in the middle of a long poll: prompt, and the goodbye calls go out.
    n = fake.nb_calls()
    time.sleep(0.5)
    stop_ms = h.stop()
    check(stop_ms < 1500, "stop took %.0f ms" % stop_ms)
    FIGURES["stop_mid_long_poll_ms"] = stop_ms
    # (the aborted long poll is logged by the fake when its wait ends)
    methods = [c["method"] for c in fake.calls(n) if c["method"] != "WaitForUpdatesEx"]
    check(methods == ["DestroyPropertyFilter", "DestroyView", "Logout"],
          "cleanup calls %s" % methods)
    check("password" not in h.logtext() and "pass\n" not in h.logtext(), "no secret in logs")
    fake.stop()


def case_simulator_dialect():
    """Unquoted cookie without Path, XMLSchema-instance: prefix."""
    fake = Fake("--cookie-style", "simulator", "--xsi", "XMLSchema-instance")
    h = Harness(fake.url)
    initial_sync(h, fake)
    fake.control("migrate", vm="DC0_C0_RP0_VM0", host="DC0_C0_H2")
    h.wait_op("UPSERT", 2, mac="00:0c:29:33:34:38", host="DC0_C0_H2")
    check(all(c["cookie"] for c in fake.calls()[2:]), "cookie echoed on every call")
    h.stop()
    fake.stop()


def case_long_poll():
    """maxWaitSeconds honoured: empty answers keep the version; a slow
    server still delivers."""
    fake = Fake()
    h = Harness(fake.url, "--wait-s", "1")
    initial_sync(h, fake)
    n = fake.nb_calls()
    time.sleep(2.6)
    waits = [c for c in fake.calls(n) if c["method"] == "WaitForUpdatesEx"]
    check(len(waits) >= 2, "timed-out waits: %s" % waits)
    check(len(set(c["version"] for c in waits)) == 1 and waits[0]["version"] != "",
          "version kept across empty answers: %s" % [c["version"] for c in waits])
    check(all(c["status"] == 200 and not c["fault"] for c in waits), "no fault")
    fake.control("slow", delay_ms=300)
    t0 = time.monotonic_ns()
    fake.control("migrate", vm="DC0_C0_RP0_VM0", host="DC0_C0_H2")
    ev, _ = h.wait_op("UPSERT", 3, mac="00:0c:29:33:34:38", host="DC0_C0_H2")
    check((ev["post_ns"] - t0) / 1e6 >= 300, "delayed by the slow server")
    fake.control("slow", bytes_per_s=20000)
    fake.control("migrate", vm="DC0_C0_RP0_VM0", host="DC0_C0_H1")
    h.wait_op("UPSERT", 5, mac="00:0c:29:33:34:38", host="DC0_C0_H1")
    st = h.status()
    check(st["state"] == "streaming" and st["errors"] == 0, "status %s" % st)
    h.stop()
    fake.stop()


def case_session_expiry():
    fake = Fake()
    h = Harness(fake.url)
    initial_sync(h, fake)
    n = fake.nb_calls()
    fake.control("expire_sessions")
    _, before = h.wait_op("SYNC_BEGIN", 5)
    _, during = h.wait_op("SYNC_END", 5)
    check(not [e for e in before + during if e.get("op") == "WITHDRAW"], "nothing withdrawn")
    same_table(h, fake)
    calls = fake.calls(n)
    methods = [c["method"] for c in calls]
    check(calls[0]["fault"] == "NotAuthenticated", "the wait saw NotAuthenticated")
    for m in ("Login", "CreateContainerView", "CreateFilter"):
        check(m in methods, "%s after expiry: %s" % (m, methods))
    check([c["version"] for c in calls if c["method"] == "WaitForUpdatesEx"][1] == "",
          "new filter waited from version \"\"")
    check("NotAuthenticated" in h.logtext(), "logged")
    st = h.status()
    check(st["resyncs"] == 2 and st["reconnects"] == 1, "counters %s" % st)
    h.stop()
    fake.stop()


def case_restart_down():
    """vpxd restarts and is away 3 s; a VM is destroyed meanwhile."""
    fake = Fake()
    h = Harness(fake.url)
    initial_sync(h, fake)
    t0 = time.monotonic()
    fake.control("restart", down_s=3)
    st = h.wait_state("stale", 5)
    check(st["nb_macs"] == 4, "mappings kept while stale")
    fake.control("destroy", vm="DC0_H0_VM0")
    h.wait_op("SYNC_BEGIN", 10)
    h.wait_op("SYNC_END", 5)
    check(time.monotonic() - t0 >= 3, "came back after the server")
    check(("dvportgroup-13", "00:0c:29:36:63:62") not in h.table.rows, "swept at SYNC_END")
    same_table(h, fake)
    log = h.logtext()
    check("retrying in" in log, "backoff logged")
    st = h.status()
    check(st["state"] == "streaming" and st["reconnects"] >= 1, "after restart %s" % st)
    # And a restart without downtime.
    fake.control("restart")
    h.wait_op("SYNC_BEGIN", 5)
    h.wait_op("SYNC_END", 5)
    same_table(h, fake)
    h.stop()
    fake.stop()


def case_failures():
    fake = Fake()
    h = Harness(fake.url)
    initial_sync(h, fake)
    for mode, words in [("http500", "WaitForUpdatesEx: HTTP 500 without a SOAP fault"),
                        ("http503", "HTTP 503"),
                        ("garbage", "HTTP 200: not well-formed XML"),
                        ("close_mid_response", "WaitForUpdatesEx: "),
                        ("huge", "response larger than")]:
        before_log = len(h.logtext())
        t0 = time.monotonic()
        fake.control("fail", mode=mode, count=1)
        h.wait_op("SYNC_BEGIN", 10)
        h.wait_op("SYNC_END", 10)
        took = time.monotonic() - t0
        log = h.logtext()[before_log:]
        check(words in log, "%s: log says %r:\n%s" % (mode, words, log))
        check("retrying in" in log, "%s: retry logged" % mode)
        check(took >= 0.2, "%s: backed off (%.3f s)" % (mode, took))
        same_table(h, fake)
    st = h.status()
    check(st["errors"] >= 5 and st["state"] == "streaming", "after failures %s" % st)
    h.stop()
    fake.stop()


def case_flush():
    fake = Fake()
    h = Harness(fake.url, "--flush-after-s", "2")
    initial_sync(h, fake)
    fake.control("restart", down_s=4)
    t0 = time.monotonic()
    h.wait_op("FLUSH", 6)
    took = time.monotonic() - t0
    check(1.5 <= took <= 4, "flushed after %.1f s" % took)
    check(not h.table.rows, "flushed")
    st = h.wait_state("down", 2)
    check(st["nb_macs"] == 0, "down %s" % st)
    h.wait_op("SYNC_END", 10)
    same_table(h, fake)
    h.stop()
    fake.stop()


def expect_refused(h, words, what):
    end = time.monotonic() + 10
    while not all(w in h.logtext() for w in words) and time.monotonic() < end:
        time.sleep(0.05)
    log = h.logtext()
    check(all(w in log for w in words), "%s: log lacks %s:\n%s" % (what, words, log))
    st = h.wait_state("down", 10)
    check(not [e for e in h.seen if e["ev"] == "update"], "%s: nothing posted" % what)
    h.stop()
    return st


def case_tls(fingerprint):
    fake = Fake()
    other = os.path.join(TMP, "other.pem")
    expect_refused(Harness(fake.url, "--ca-file", other, ca=False),
                   ["vcenter vc1: RetrieveServiceContent", "TLS: ", "certificate"], "wrong CA")
    expect_refused(Harness(fake.url, ca=False), ["vcenter vc1", "TLS: ", "certificate"],
                   "system store")
    h = Harness(fake.url, "--fingerprint", fingerprint, ca=False)
    initial_sync(h, fake)
    h.stop()
    bad = "00" + fingerprint.replace(":", "")[2:]
    expect_refused(Harness(fake.url, "--fingerprint", bad, ca=False),
                   ["vcenter vc1", "does not match the pinned fingerprint"], "pin mismatch")
    h = Harness(fake.url, "--insecure", ca=False)
    initial_sync(h, fake)
    h.stop()
    check("WITHOUT certificate verification" in h.logtext(), "insecure connection logged")
    expect_refused(Harness(fake.url, password="wrong<&\">"),
                   ["Login: SOAP fault InvalidLogin"], "bad password")
    fake.stop()


def case_10k():
    fake = Fake("--vms", "10000", "--hosts", "100", "--clusters", "4")
    h = Harness(fake.url, "--wait-s", "30")
    t0 = h.t_start
    end = initial_sync(h, fake, 30)
    sync_s = (end["post_ns"] - t0) / 1e9
    nb = sum(1 for e in h.seen if e.get("op") == "UPSERT")
    check(nb == 10000, "10000 UPSERTs, got %d" % nb)
    pages = sum(1 for c in fake.calls() if c["method"] == "WaitForUpdatesEx")
    check(pages >= 10, "paged with maxObjectUpdates (%d calls)" % pages)
    check(sync_s < 5, "10k sync took %.2f s" % sync_s)
    FIGURES["sync_10k_vms_s"] = round(sync_s, 3)
    FIGURES["sync_10k_pages"] = pages
    st = h.status()
    FIGURES["sync_10k_source_ms"] = st["last_sync_ms"]
    apply, e2e = [], []
    for i in range(5):
        t1 = time.monotonic_ns()
        fake.control("migrate", vm="vm-%05d" % (1234 + i), host="esx-0042")
        ev, _ = h.wait_op("UPSERT", 2, vm="vm-%05d" % (1234 + i), host="esx-0042")
        apply.append((ev["post_ns"] - ev["recv_ns"]) / 1e6)
        e2e.append((ev["post_ns"] - t1) / 1e6)
    check(max(apply) < 50, "apply %s ms" % apply)
    FIGURES["apply_10k_ms_max"] = round(max(apply), 3)
    FIGURES["migration_10k_ms_max"] = round(max(e2e), 1)
    h.stop()
    fake.stop()


CAPTURES = os.path.join(os.path.dirname(os.path.abspath(FAKE)), "captures", "vcenter")


def capture(name):
    with open(os.path.join(CAPTURES, name), "rb") as f:
        return f.read()


def soap(fake, body, action='"urn:vim25/6.5"', cookie=None):
    ctx = ssl.create_default_context(cafile=os.path.join(TMP, "ca.pem"))
    c = http.client.HTTPSConnection("127.0.0.1", fake.port, context=ctx, timeout=10)
    hdrs = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": action}
    if cookie:
        hdrs["Cookie"] = cookie
    c.request("POST", "/sdk", body, hdrs)
    r = c.getresponse()
    out = (r.status, r.read(), r.getheader("Set-Cookie"))
    c.close()
    return out


def case_fake_is_strict():
    """The fake answers the captured requests with the captured bytes, and
    refuses what a real vCenter refuses."""
    fake = Fake()
    st, body, _ = soap(fake, capture("01-RetrieveServiceContent.req.xml"))
    check(st == 200 and body == capture("01-RetrieveServiceContent.resp.xml"), "capture 01")
    st, body, _ = soap(fake, capture("02-NotAuthenticatedFault.req.xml"))
    check(st == 500 and body == capture("02-NotAuthenticatedFault.resp.xml"), "capture 02")
    st, body, cookie = soap(fake, capture("03-Login.req.xml"))
    check(st == 200 and cookie.startswith('vmware_soap_session="') and
          cookie.endswith('"; Path=/; HttpOnly; Secure;'), "vCenter cookie %s" % cookie)
    jar = cookie.split(";")[0]
    st, body, _ = soap(fake, capture("04-CreateContainerView.req.xml"), cookie=jar)
    check(st == 200 and b"<returnval type=\"ContainerView\">session[" in body, "view")
    view = body.split(b'"ContainerView">')[1].split(b"<")[0]
    cf = capture("05-CreateFilter.req.xml").replace(
        b"session[4f91f4be-c9ff-4625-bf3f-9a9896803a21]65415df1-7f2d-4b7e-8178-5ac25bee1ba7", view)
    st, body, _ = soap(fake, cf, cookie=jar)
    check(st == 200 and b"PropertyFilter" in body, "filter %s" % body)
    # Out of order, unknown element, no xsi:type, cookie without its quotes,
    # wrong SOAPAction, unknown method.
    swapped = cf.replace(b"<all>false</all><pathSet>name</pathSet>",
                         b"<pathSet>name</pathSet><all>false</all>", 1)
    bad = [(swapped, jar, '"urn:vim25/6.5"', b"InvalidRequest"),
           (cf.replace(b"<skip>true</skip>", b"<skip>true</skip><bogus/>"), jar,
            '"urn:vim25/6.5"', b"InvalidRequest"),
           (cf.replace(b' xsi:type="TraversalSpec"', b""), jar, '"urn:vim25/6.5"',
            b"InvalidArgument"),
           (cf, jar.replace('"', ""), '"urn:vim25/6.5"', b"NotAuthenticated"),
           (cf, jar, "urn:vim25/6.5", b"InvalidRequest"),
           (cf.replace(b"CreateFilter", b"DestroyEverything"), jar, '"urn:vim25/6.5"',
            b"MethodNotFound")]
    for req, ck, action, fault in bad:
        st, body, _ = soap(fake, req, action=action, cookie=ck)
        check(st == 500 and b'xsi:type="' + fault + b'"' in body, "want %s: %s" % (fault, body))
    fake.stop()


def main():
    fp = make_certs()
    cases = [("fake_is_strict", case_fake_is_strict),
             ("sync_and_events", case_sync_and_events),
             ("simulator_dialect", case_simulator_dialect),
             ("long_poll", case_long_poll),
             ("session_expiry", case_session_expiry),
             ("restart_down", case_restart_down),
             ("failures", case_failures),
             ("flush", case_flush),
             ("tls", lambda: case_tls(fp)),
             ("sync_10k", case_10k)]
    only = os.environ.get("VC_CASES", "").split(",") if os.environ.get("VC_CASES") else None
    failed = 0
    for name, fn in cases:
        if only and name not in only:
            continue
        t0 = time.monotonic()
        try:
            fn()
            print("ok - %s (%.1f s)" % (name, time.monotonic() - t0), flush=True)
        except Exception:
            failed += 1
            print("not ok - %s\n%s" % (name, traceback.format_exc()), flush=True)
        finally:
            for p in PROCS:
                if p.poll() is None:
                    os.kill(p.pid, signal.SIGKILL)
                    p.wait(5)
    for k, v in FIGURES.items():
        print("FIGURE %s %s" % (k, v))
    out = os.path.join(os.environ.get("VTEPD_BUILDDIR", TMP), "meson-logs",
                       "vcenter-figures.json")
    if os.path.isdir(os.path.dirname(out)):
        with open(out, "w") as f:
            json.dump(FIGURES, f, indent=1)
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        rc = main()
    finally:
        cleanup()
    sys.exit(rc)
