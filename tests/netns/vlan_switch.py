#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""A learning 802.1Q switch for tests and the demo: access ports and one trunk.

    vlan_switch.py --trunk IF [--port IF:VLAN ...] [--control SOCKET]

Frames from an access port belong to that port's VLAN; they go to the port
or trunk where their destination MAC was learned, or - broadcast, multicast,
unknown - to every other port of the VLAN and to the trunk, tagged. Frames
from the trunk carry their VLAN in the 802.1Q tag and leave access ports
untagged. MACs are learned per (VLAN, MAC) and forgotten with their port.

Ports can be added and removed while it runs (a VM's link moving from one
site's switch to another's), over a unix stream socket, one command a line:
    add IF VLAN      ->  ok | error ...
    del IF           ->  ok | error ...
    macs             ->  VLAN MAC PORT lines, then "."

Why this exists: the test machines' kernel has no 8021q (no vlan devices,
no bridge VLAN filtering, no tc vlan action), yet the VMs of the tests and
the demo sit on VLAN 100 behind vtepd's access port. The kernel still moves
a received tag into packet metadata: it is read from PACKET_AUXDATA.
Runs in a namespace of the caller's; stops on SIGTERM.
"""
import argparse
import os
import select
import signal
import socket
import struct
import sys

ETH_P_ALL = 3
SOL_PACKET = 263
PACKET_AUXDATA = 8
TP_STATUS_VLAN_VALID = 1 << 4
TRUNK = None  # the trunk's key in the port table


def open_raw(ifname):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind((ifname, 0))
    return s


def receive(s):
    """One frame and its VLAN (None = untagged); None for our own output."""
    data, anc, _flags, addr = s.recvmsg(65536, socket.CMSG_SPACE(32))
    if addr[2] == socket.PACKET_OUTGOING:
        return None, None
    for level, typ, cdata in anc:
        if level == SOL_PACKET and typ == PACKET_AUXDATA and len(cdata) >= 20:
            status, _l, _s, _m, _n, tci, _tpid = struct.unpack("IIIHHHH", cdata[:20])
            if status & TP_STATUS_VLAN_VALID:
                return data, tci & 0xfff
    if len(data) >= 18 and data[12:14] == b"\x81\x00":
        return data[:12] + data[16:], struct.unpack("!H", data[14:16])[0] & 0xfff
    return data, None


class Switch:
    def __init__(self, trunk):
        self.trunk = open_raw(trunk)
        self.ports = {}   # ifname -> (socket, vlan)
        self.by_sock = {self.trunk: TRUNK}
        self.fdb = {}     # (vlan, mac) -> ifname or TRUNK

    def add(self, ifname, vlan):
        if ifname in self.ports:
            raise ValueError(f"{ifname} is already a port")
        s = open_raw(ifname)
        self.ports[ifname] = (s, vlan)
        self.by_sock[s] = ifname

    def delete(self, ifname):
        s, _ = self.ports.pop(ifname)
        del self.by_sock[s]
        s.close()
        self.fdb = {k: v for k, v in self.fdb.items() if v != ifname}

    def send(self, dest, vlan, data):
        try:
            if dest is TRUNK:
                self.trunk.send(data[:12] + struct.pack("!HH", 0x8100, vlan) + data[12:])
            else:
                self.ports[dest][0].send(data)
        except OSError:
            pass  # a port that just went away: the frame is lost, like on a wire

    def forward(self, src, vlan, data):
        if len(data) < 14:
            return
        dst_mac, src_mac = data[0:6], data[6:12]
        if not src_mac[0] & 1:
            self.fdb[(vlan, src_mac)] = src
        dest = self.fdb.get((vlan, dst_mac)) if not dst_mac[0] & 1 else None
        if dest is not None:
            if dest != src:
                self.send(dest, vlan, data)
            return
        for name, (_s, v) in list(self.ports.items()):
            if v == vlan and name != src:
                self.send(name, vlan, data)
        if src is not TRUNK:
            self.send(TRUNK, vlan, data)

    def on_frame(self, s):
        src = self.by_sock.get(s, "?")
        data, vlan = receive(s)
        if data is None:
            return
        if src is TRUNK:
            if vlan is not None:
                self.forward(TRUNK, vlan, data)
        elif vlan is None:
            self.forward(src, self.ports[src][1], data)


def control(sw, conn):
    f = conn.makefile("rw")
    for line in f:
        words = line.split()
        try:
            if words[:1] == ["add"] and len(words) == 3:
                sw.add(words[1], int(words[2]))
            elif words[:1] == ["del"] and len(words) == 2:
                sw.delete(words[1])
            elif words == ["macs"]:
                for (vlan, mac), port in sorted(sw.fdb.items(), key=str):
                    f.write(f"{vlan} {mac.hex(':')} {port or 'trunk'}\n")
                f.write(".\n")
                f.flush()
                continue
            else:
                raise ValueError("unknown command")
            f.write("ok\n")
        except (ValueError, KeyError, OSError) as e:
            f.write(f"error {e}\n")
        f.flush()
    conn.close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--trunk", required=True)
    ap.add_argument("--port", action="append", default=[], help="IF:VLAN")
    ap.add_argument("--control", help="unix socket for add / del / macs")
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    sw = Switch(a.trunk)
    for p in a.port:
        ifname, vlan = p.rsplit(":", 1)
        sw.add(ifname, int(vlan))
    ctl = None
    if a.control:
        if os.path.exists(a.control):
            os.unlink(a.control)
        ctl = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        ctl.bind(a.control)
        ctl.listen(4)
    while True:
        socks = list(sw.by_sock) + ([ctl] if ctl else [])
        ready, _, _ = select.select(socks, [], [])
        for s in ready:
            if s is ctl:
                conn, _ = ctl.accept()
                control(sw, conn)
            elif s in sw.by_sock:
                sw.on_frame(s)


if __name__ == "__main__":
    sys.exit(main())
