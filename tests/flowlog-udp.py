#! /usr/bin/env python3
# Copyright (c) 2026 The ovs-flowlog authors.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at:
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.

"""UDP traffic of a known shape for the system tests (netcat cannot fix a
flow's source port across runs, count datagrams or echo them).

Usage: flowlog-udp.py echo PORT LIFETIME
         Echoes every datagram received on PORT back to its sender, for
         at most LIFETIME seconds.
       flowlog-udp.py send ADDR PORT SPORT COUNT INTERVAL
         Sends COUNT datagrams of 100 bytes from source port SPORT to
         ADDR:PORT, INTERVAL seconds apart (one 5-tuple, a long-lived
         flow), and prints how many echoes came back.
       flowlog-udp.py burst ADDR PORT COUNT
         Sends one datagram from each of COUNT fresh sockets (COUNT new
         5-tuples, as fast as the host goes), and prints the count.

Every mode ends on its own: the tests bound them in time.
"""

import select
import socket
import sys
import time


def echo(port, lifetime):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(('0.0.0.0', port))
    end = time.monotonic() + lifetime
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return
        r, _, _ = select.select([s], [], [], left)
        if r:
            data, peer = s.recvfrom(65535)
            s.sendto(data, peer)


def send(addr, port, sport, count, interval):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('0.0.0.0', sport))
    s.setblocking(False)
    echoes = 0
    for i in range(count):
        s.sendto(b'x' * 100, (addr, port))
        end = time.monotonic() + interval
        while True:
            left = end - time.monotonic()
            if left <= 0:
                break
            r, _, _ = select.select([s], [], [], left)
            if r:
                try:
                    s.recv(65535)
                    echoes += 1
                except OSError:
                    pass        # An ICMP error reported on the socket.
    print('%d sent, %d echoed' % (count, echoes))


def burst(addr, port, count):
    # All open until the end: distinct source ports.
    socks = []
    for i in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.sendto(b'y' * 64, (addr, port))
        socks.append(s)
    for s in socks:
        s.close()
    print('%d sent' % count)


def main():
    a = sys.argv[1:]
    if len(a) == 3 and a[0] == 'echo':
        echo(int(a[1]), float(a[2]))
    elif len(a) == 6 and a[0] == 'send':
        send(a[1], int(a[2]), int(a[3]), int(a[4]), float(a[5]))
    elif len(a) == 4 and a[0] == 'burst':
        burst(a[1], int(a[2]), int(a[3]))
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
