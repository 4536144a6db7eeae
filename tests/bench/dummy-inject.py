#!/usr/bin/env python3
# Copyright (c) 2026 The ovs-flowlog authors.
# Licensed under the Apache License, Version 2.0.
"""Injects N distinct UDP 5-tuples into a dummy port of ovs-vswitchd.

Speaks OVS's unixctl protocol (JSON-RPC on the daemon's .ctl socket) over
one connection, so that each netdev-dummy/receive call carries a batch of
packets and no ovs-appctl process is started per packet.  A dummy port
queues at most 100 received packets, so batches stay below that and the
script waits until the datapath has looked up every packet of a batch
(dpif-netdev's hit + missed counters) before it sends the next one.
"""

import argparse
import json
import socket
import struct
import sys
import time


class Unixctl:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.buf = b""
        self.id = 0
        self.dec = json.JSONDecoder()

    def call(self, method, *params):
        self.id += 1
        msg = {"method": method, "params": list(params), "id": self.id}
        self.sock.sendall(json.dumps(msg).encode())
        while True:
            text = self.buf.decode(errors="replace").lstrip()
            if text:
                try:
                    obj, end = self.dec.raw_decode(text)
                except ValueError:
                    obj = None
                if obj is not None:
                    self.buf = text[end:].encode()
                    if obj.get("id") != self.id:
                        continue
                    if obj.get("error"):
                        raise RuntimeError("%s: %s" % (method, obj["error"]))
                    return obj.get("result")
            data = self.sock.recv(65536)
            if not data:
                raise RuntimeError("connection closed")
            self.buf += data


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def frame(i, smac, dmac, src, dst, payload=18):
    """The i'th distinct UDP 5-tuple: source port, destination port and the
    low bits of the source address vary."""
    sport = 1024 + i % 60000
    dport = 5000 + (i // 60000) % 100
    sip = src + (i // 6000000)
    udp = struct.pack("!HHHH", sport, dport, 8 + payload, 0) + b"\0" * payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17,
                     0, struct.pack("!I", sip), struct.pack("!I", dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return dmac + smac + b"\x08\x00" + ip + udp


def lookups(ctl):
    """hit + missed + lost of the (only) datapath."""
    out = ctl.call("dpctl/show")
    for line in out.splitlines():
        line = line.strip()
        if line.startswith("lookups:"):
            f = dict(kv.split(":") for kv in line.split()[1:])
            return int(f["hit"]) + int(f["missed"]) + int(f["lost"])
    raise RuntimeError("no lookups in dpctl/show:\n" + out)


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def ip4(s):
    return struct.unpack("!I", socket.inet_aton(s))[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--ctl", required=True, help="ovs-vswitchd .ctl socket")
    ap.add_argument("--port", default="p1")
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--batch", type=int, default=60)
    ap.add_argument("--smac", default="50:54:00:00:00:01")
    ap.add_argument("--dmac", default="50:54:00:00:00:02")
    ap.add_argument("--src", default="10.0.0.1")
    ap.add_argument("--dst", default="10.0.0.2")
    ap.add_argument("--timeout", type=float, default=600)
    a = ap.parse_args()

    ctl = Unixctl(a.ctl)
    smac, dmac, src, dst = mac(a.smac), mac(a.dmac), ip4(a.src), ip4(a.dst)
    base = lookups(ctl)
    deadline = time.monotonic() + a.timeout
    sent = 0
    t0 = time.monotonic()
    while sent < a.count:
        n = min(a.batch, a.count - sent)
        pkts = [frame(a.start + sent + k, smac, dmac, src, dst).hex()
                for k in range(n)]
        ctl.call("netdev-dummy/receive", a.port, *pkts)
        sent += n
        while lookups(ctl) - base < sent:
            if time.monotonic() > deadline:
                sys.exit("timeout: %d of %d packets looked up"
                         % (lookups(ctl) - base, sent))
            time.sleep(0.0005)
    dt = time.monotonic() - t0
    print("injected %d packets (%d distinct 5-tuples) in %.1f s"
          % (sent, sent, dt), file=sys.stderr)


if __name__ == "__main__":
    main()
