#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""A numbered UDP stream for the soak test.

    udp_flow.py send DST_IP PORT PPS SECONDS OUT.json
    udp_flow.py recv PORT SECONDS OUT.json

send paces PPS datagrams a second (in 10 ms batches) for SECONDS, each
carrying its sequence number; recv counts them until SECONDS pass with
nothing new... or SECONDS in total, and writes {"received", "max_seq",
"gaps"} (gaps: sequence numbers never seen, up to the highest seen).
"""
import json
import socket
import struct
import sys
import time


def send(dst, port, pps, seconds, out):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    pad = b"s" * 100
    seq, t0 = 0, time.monotonic()
    end = t0 + seconds
    while True:
        now = time.monotonic()
        if now >= end:
            break
        due = int((now - t0) * pps)
        while seq < due:
            seq += 1
            s.sendto(struct.pack("!Q", seq) + pad, (dst, port))
        time.sleep(0.01)
    json.dump({"sent": seq, "seconds": time.monotonic() - t0}, open(out, "w"))


def recv(port, seconds, out):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    s.bind(("0.0.0.0", port))
    s.settimeout(0.5)
    seen = bytearray()
    received, end = 0, time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            data = s.recv(2048)
        except socket.timeout:
            continue
        seq = struct.unpack("!Q", data[:8])[0]
        if seq >= len(seen):
            seen.extend(b"\0" * (seq + 1 - len(seen) + 65536))
        if not seen[seq]:
            seen[seq] = 1
            received += 1
    top = max((i for i in range(len(seen) - 1, -1, -1) if seen[i]), default=0) if received else 0
    gaps = [i for i in range(1, top + 1) if not seen[i]]
    json.dump({"received": received, "max_seq": top, "gaps": len(gaps),
               "first_gaps": gaps[:10]}, open(out, "w"))


if __name__ == "__main__":
    if sys.argv[1] == "send":
        send(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), sys.argv[6])
    else:
        recv(int(sys.argv[2]), float(sys.argv[3]), sys.argv[4])
