#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Seeds for fuzz_mgmt: the request lines vtepctl really sends.

    /usr/bin/python3 tests/fuzz/seeds_mgmt.py BUILD_DIR

runs BUILD_DIR/control/vtepctl against a socket that records each request
line (and answers {"ok": true, "result": []}), once per command and option
of `vtepctl --help`, and writes tests/fuzz/corpus/mgmt/:
  vtepctl-*   one recorded request each;
  session-*   several of them in one input, as a client that keeps its
              connection (one request per line);
  bad-*       the malformed requests tests/netns/fdb_learning.sh sends.
"""
import os
import socket
import subprocess
import sys
import tempfile
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "tests", "fuzz", "corpus", "mgmt")

COMMANDS = {
    "show-segments": ["show", "segments"],
    "show-ports": ["show", "ports"],
    "show-fdb": ["show", "fdb"],
    "show-fdb-filters": ["show", "fdb", "--vni", "5001", "--mac", "02:bb:00:00:00:01",
                         "--source", "static", "--limit", "10"],
    "show-fdb-manager": ["show", "fdb", "--source", "vcenter:vc1"],
    "show-fdb-learned": ["show", "fdb", "--source", "learned"],
    "show-vteps": ["show", "vteps"],
    "show-neighbors": ["show", "neighbors"],
    "show-counters": ["show", "counters"],
    "show-lcores": ["show", "lcores"],
    "show-drops": ["show", "drops"],
    "show-drops-all": ["show", "drops", "--all"],
    "show-managers": ["show", "managers"],
    "show-bindings": ["show", "bindings"],
    "show-bindings-source": ["show", "bindings", "--source", "xenapi:pool1"],
    "fdb-add": ["fdb", "add", "--vni", "5001", "--mac", "02:bb:00:00:00:09",
                "--vtep", "192.0.2.3"],
    "fdb-add-untagged": ["fdb", "add", "--vni", "5002", "--mac", "02:bb:00:00:00:0a",
                         "--vtep", "198.51.100.7"],
    "fdb-del": ["fdb", "del", "--vni", "5001", "--mac", "02:bb:00:00:00:01"],
    "fdb-flush": ["fdb", "flush"],
    "fdb-flush-vni": ["fdb", "flush", "--vni", "5001", "--source", "learned"],
    "reload": ["reload"],
    "version": ["version"],
}

BAD = [b"not json", b"[1,2]", b'{"command": 5}', b'{"command": "show nothing"}',
       b'{"command": "show fdb", "args": {"vni": "x"}}',
       b'{"command": "show fdb", "args": {"colour": 1}}',
       b'{"command": "fdb del", "args": {"vni": 5001, "mac": "zz"}}',
       b'{"command": "show fdb", "args": [1]}', b"\xff\xfe\x00garbage",
       b'{"command": "fdb add", "args": {"vni": 5001, "mac": "01:00:5e:00:00:01", "vtep": "192.0.2.3"}}',
       b'{"command": "fdb add", "args": {"vni": 4242, "mac": "02:00:00:00:00:01", "vtep": "192.0.2.3"}}',
       b'{"command": "version", "command": "reload"}']


def record(vtepctl, args, sock_path):
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(sock_path)
    srv.listen(1)
    got = []

    def serve():
        conn, _ = srv.accept()
        data = b""
        while not data.endswith(b"\n"):
            chunk = conn.recv(65536)
            if not chunk:
                break
            data += chunk
        got.append(data.rstrip(b"\n"))
        conn.sendall(b'{"ok": true, "result": []}\n')
        conn.close()

    t = threading.Thread(target=serve)
    t.start()
    subprocess.run([vtepctl, "--socket", sock_path, "--json"] + args,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=10)
    t.join(10)
    srv.close()
    os.unlink(sock_path)
    return got[0]


def main():
    vtepctl = os.path.join(sys.argv[1], "control", "vtepctl")
    os.makedirs(OUT, exist_ok=True)
    reqs = {}
    with tempfile.TemporaryDirectory() as d:
        for name, args in COMMANDS.items():
            reqs[name] = record(vtepctl, args, os.path.join(d, "s.sock"))
    for name, r in reqs.items():
        open(os.path.join(OUT, "vtepctl-" + name), "wb").write(r)
    sessions = {
        "add-show-del": ["fdb-add", "show-fdb-filters", "fdb-del", "show-fdb"],
        "flush-reload-show": ["fdb-flush", "reload", "show-counters", "show-segments"],
        "every-show": [n for n in reqs if n.startswith("show-")],
    }
    for name, seq in sessions.items():
        open(os.path.join(OUT, "session-" + name), "wb").write(b"\n".join(reqs[n] for n in seq))
    for i, b in enumerate(BAD):
        open(os.path.join(OUT, "bad-%02d" % i), "wb").write(b)
    print("%s: %d seeds" % (OUT, len(os.listdir(OUT))))


if __name__ == "__main__":
    main()
