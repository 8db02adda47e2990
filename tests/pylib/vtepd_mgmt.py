# SPDX-License-Identifier: BSD-3-Clause
"""A client of vtepd's management socket that keeps its connection: one
JSON request per line, replies read back in order (control/mgmt.c).
Shared by the Python tests (unit/control, leak, soak)."""
import json
import socket


class Session:
    def __init__(self, path, timeout=10):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(timeout)
        self.s.connect(path)
        self.buf = b""

    def send(self, raw):
        self.s.sendall(raw)

    def reply(self):
        while b"\n" not in self.buf:
            chunk = self.s.recv(1 << 20)
            if not chunk:
                raise EOFError("vtepd closed the connection")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def ask(self, command, **args):
        self.send(json.dumps({"command": command, "args": args}).encode() + b"\n")
        return self.reply()

    def close(self):
        self.s.close()
