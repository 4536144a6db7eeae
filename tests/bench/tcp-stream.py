#!/usr/bin/env python3
# Copyright (c) 2026 The ovs-flowlog authors.
# Licensed under the Apache License, Version 2.0.
"""One TCP stream, for when iperf3 is not installed.

  tcp-stream.py server PORT             accept one connection, read to EOF
  tcp-stream.py client HOST PORT SECS   send for SECS (at most 600) seconds,
                                        print bits/s the server received
"""
import socket
import sys
import time


def server(port):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", port))
    ls.listen(1)
    ls.settimeout(60)
    c, _ = ls.accept()
    n = 0
    while True:
        d = c.recv(1 << 16)
        if not d:
            break
        n += len(d)
    c.sendall(str(n).encode())
    c.close()


def client(host, port, secs):
    secs = min(float(secs), 600)
    s = socket.create_connection((host, port), timeout=30)
    buf = b"\0" * (1 << 16)
    t0 = time.monotonic()
    while time.monotonic() - t0 < secs:
        s.sendall(buf)
    s.shutdown(socket.SHUT_WR)
    got = int(s.recv(64).decode() or 0)
    dt = time.monotonic() - t0
    print(got * 8 / dt)


if __name__ == "__main__":
    if sys.argv[1] == "server":
        server(int(sys.argv[2]))
    else:
        client(sys.argv[2], int(sys.argv[3]), sys.argv[4])
