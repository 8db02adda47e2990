#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""FDB churn for the soak test: fdb add / fdb del of a rotating set of MACs
at RATE requests a second on one management connection (pipelined,
replies read back in order), for SECONDS; writes {"requests", "ok",
"seconds", "rate"} to OUT.json.

    fdb_churn.py SOCKET VNI VTEP RATE SECONDS OUT.json
"""
import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
import vtepd_mgmt  # noqa: E402

BATCH_S = 0.01  # requests go out every 10 ms


def request(i, vni, vtep):
    n = (i // 2) % 4096  # 4,096 MACs in rotation, each added then deleted
    mac = "02:5c:00:00:%02x:%02x" % (n >> 8, n & 255)
    if i % 2 == 0:
        req = {"command": "fdb add", "args": {"vni": vni, "mac": mac, "vtep": vtep}}
    else:
        req = {"command": "fdb del", "args": {"vni": vni, "mac": mac}}
    return json.dumps(req, separators=(",", ":")).encode() + b"\n"


def main():
    sock, vni, vtep = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    rate, seconds, out = int(sys.argv[4]), float(sys.argv[5]), sys.argv[6]
    s = vtepd_mgmt.Session(sock, timeout=30)
    state = {"replies": 0, "ok": 0}

    def reader():
        try:
            while True:
                r = s.reply()
                state["replies"] += 1
                state["ok"] += 1 if r.get("ok") else 0
        except (EOFError, OSError):
            pass

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    sent, t0 = 0, time.monotonic()
    while time.monotonic() - t0 < seconds:
        due = int((time.monotonic() - t0) * rate)
        if due - state["replies"] > 4 * rate:  # vtepd fell behind: do not queue forever
            due = sent
        burst = b"".join(request(i, vni, vtep) for i in range(sent, due))
        if burst:
            s.send(burst)
        sent = max(sent, due)
        time.sleep(BATCH_S)
    while state["replies"] < sent and time.monotonic() - t0 < seconds + 30:
        time.sleep(0.05)
    dt = time.monotonic() - t0
    s.close()
    json.dump({"requests": sent, "replies": state["replies"], "ok": state["ok"], "seconds": dt,
               "rate": state["replies"] / dt}, open(out, "w"))


if __name__ == "__main__":
    main()
