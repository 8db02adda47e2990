#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""An 802.1Q access switch for tests: one access port, one trunk port.

    vlan_switch.py ACCESS_IF TRUNK_IF VLAN [ACCESS_IF VLAN ...]

Frames arriving untagged on an access port leave the trunk tagged with that
port's VLAN; frames arriving on the trunk tagged with a port's VLAN leave
that access port untagged; anything else is dropped, as a switch would.

Why this exists: the test machines' kernel has no 8021q support (no vlan
devices, no bridge VLAN filtering, no tc vlan action), and the tests must
put a "VM" on VLAN 100 behind vtepd's access port. The kernel still moves
a received tag into packet metadata, so it is read from PACKET_AUXDATA.
Runs in a namespace of the test's own; stops on SIGTERM.
"""
import select
import signal
import socket
import struct
import sys

ETH_P_ALL = 3
SOL_PACKET = 263
PACKET_AUXDATA = 8
TP_STATUS_VLAN_VALID = 1 << 4


def open_port(ifname):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind((ifname, 0))
    return s


def receive(s):
    """One frame and its VLAN (None = untagged), skipping our own output."""
    data, anc, _flags, addr = s.recvmsg(65536, socket.CMSG_SPACE(32))
    if addr[2] == socket.PACKET_OUTGOING:
        return None, None
    for level, typ, cdata in anc:
        if level == SOL_PACKET and typ == PACKET_AUXDATA and len(cdata) >= 20:
            status, _len, _snap, _mac, _net, tci, _tpid = struct.unpack("IIIHHHH", cdata[:20])
            if status & TP_STATUS_VLAN_VALID:
                return data, tci & 0xfff
    if len(data) >= 18 and data[12:14] == b"\x81\x00":
        return data[:12] + data[16:], struct.unpack("!H", data[14:16])[0] & 0xfff
    return data, None


def main():
    if len(sys.argv) < 4 or len(sys.argv) % 2 != 0:
        print(__doc__)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    trunk = open_port(sys.argv[2])
    access = {}  # vlan -> socket
    ports = [(sys.argv[1], int(sys.argv[3]))]
    for i in range(4, len(sys.argv), 2):
        ports.append((sys.argv[i], int(sys.argv[i + 1])))
    for ifname, vlan in ports:
        access[vlan] = open_port(ifname)
    vlan_of = {s: v for v, s in access.items()}
    socks = [trunk] + list(access.values())
    while True:
        ready, _, _ = select.select(socks, [], [])
        for s in ready:
            data, vlan = receive(s)
            if data is None:
                continue
            if s is trunk:
                if vlan in access:
                    access[vlan].send(data)
            elif vlan is None:
                v = vlan_of[s]
                trunk.send(data[:12] + struct.pack("!HH", 0x8100, v) + data[12:])


if __name__ == "__main__":
    sys.exit(main())
