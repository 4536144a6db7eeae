#!/usr/bin/env python3
# Copyright (c) 2026 The ovs-flowlog authors.
# Licensed under the Apache License, Version 2.0.
"""Short TCP connections: connect, a few bytes each way, close.

  tcp-conns.py server PORT MAX       accept at most MAX connections (stops
                                     after 10 s without one); reads the
                                     request, answers, closes
  tcp-conns.py client HOST PORT RATE SECS FIRST-PORT
                                     one connection after the other, paced
                                     to RATE per second (0: as fast as they
                                     complete), for at most SECS (<= 600) s;
                                     connection i binds source port
                                     FIRST-PORT + i, so every one is a new
                                     5-tuple (at most 65535 - FIRST-PORT);
                                     prints "completed seconds"
"""
import socket
import sys
import time


def server(port, max_conns):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", port))
    ls.listen(1024)
    ls.settimeout(10)
    for _ in range(max_conns):
        try:
            c, _ = ls.accept()
        except socket.timeout:
            break
        c.settimeout(5)
        try:
            c.recv(64)
            c.sendall(b"ok\n")
        except OSError:
            pass
        c.close()


def client(host, port, rate, secs, first_port):
    secs = min(float(secs), 600)
    rate = float(rate)
    n_max = 65535 - first_port
    done = 0
    t0 = time.monotonic()
    for i in range(n_max):
        now = time.monotonic()
        if now - t0 >= secs:
            break
        if rate > 0:
            due = t0 + i / rate
            if due > now:
                time.sleep(due - now)
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.settimeout(5)
        try:
            s.bind(("0.0.0.0", first_port + i))
            s.connect((host, port))
            s.sendall(b"hello\n")
            if s.recv(64):
                done += 1
        except OSError:
            pass
        s.close()
    print(done, "%.3f" % (time.monotonic() - t0))


if __name__ == "__main__":
    if sys.argv[1] == "server":
        server(int(sys.argv[2]), int(sys.argv[3]))
    else:
        client(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5],
               int(sys.argv[6]))
