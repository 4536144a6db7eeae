#! /usr/bin/env python3
#
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

"""Writes a tests/test-flowlog-channel script that configures one logger
per LOGGER=OPTIONS argument (with target file://OUT/LOGGER unless OPTIONS
has a target) and sends
every one of them the same snapshots, whose content the tests of
ovs-flowlog(1) know exactly:

  snapshots of 60 s from 1700000000000 ms (2023-11-14T22:13:20Z), number
  0 to 6 without 5 (a missing file);
  in each snapshot I: vif-1 egress ACCEPT TCP 10.0.0.1:4000I -> 10.0.0.2:80
  (10+I packets, 1000*(I+1) bytes), vif-2 ingress ACCEPT UDP
  10.0.0.3:5353 -> 10.0.0.4:53 (2 packets, 200+I bytes), vif-1 ingress
  DROP TCP 198.51.100.9:500I -> 10.0.0.1:22 (SYN, 1 packet, 60 bytes);
  snapshot 0: a NODATA record of vif-3;
  snapshot 2: 203.0.113.7 -> 10.0.0.1 ports 1 to 40, DROP (a port scan);
  snapshot 3: 203.0.113.8 -> 10.0.0.1 to 10.0.0.35 port 23, DROP (an
  address scan);
  snapshot 4: a SKIPDATA record of vif-2 (500 packets, 64000 bytes).

usage: cli-fixture.py OUT BOOT LOGGER=OPTIONS... > SCRIPT"""

import sys

out, boot = sys.argv[1], sys.argv[2]
loggers = [a.split('=', 1) for a in sys.argv[3:]]
BASE = 1700000000000

print(f"hello {boot} host-1")
for name, opts in loggers:
    if 'target=' not in opts:
        opts = f"target=file://{out}/{name},{opts}"
    print(f"config {name} {opts} KR1")
print("wait state *")


def ident(port):
    n = port[-1]
    return (f"port={port} iface=vif-{n} vm=vm-{n} subnet=sn-1 vpc=vpc-1")


def records(i):
    start = BASE + i * 60000
    t = lambda s: start + s * 1000
    recs = [
        f"rec {ident('p1')} proto=6 src=10.0.0.1 dst=10.0.0.2 "
        f"sport={40000 + i} dport=80 flags=19 packets={10 + i} "
        f"bytes={1000 * (i + 1)} dir=egress verdict=accept "
        f"first={t(1)} last={t(50)}",
        f"rec {ident('p2')} proto=17 src=10.0.0.3 dst=10.0.0.4 sport=5353 "
        f"dport=53 packets=2 bytes={200 + i} dir=ingress verdict=accept "
        f"first={t(2)} last={t(3)}",
        f"rec {ident('p1')} proto=6 src=198.51.100.9 dst=10.0.0.1 "
        f"sport={5000 + i} dport=22 flags=2 packets=1 bytes=60 dir=ingress "
        f"verdict=drop first={t(5)} last={t(5)}",
    ]
    if i == 0:
        recs.append(f"rec {ident('p3')} status=nodata first={start} "
                    f"last={start + 60000}")
    if i == 2:
        for port in range(1, 41):
            recs.append(f"rec {ident('p1')} proto=6 src=203.0.113.7 "
                        f"dst=10.0.0.1 sport=61000 dport={port} flags=2 "
                        f"packets=1 bytes=60 dir=ingress verdict=drop "
                        f"first={t(10)} last={t(10)}")
    if i == 3:
        for host in range(1, 36):
            recs.append(f"rec {ident('p1')} proto=6 src=203.0.113.8 "
                        f"dst=10.0.0.{host} sport=62000 dport=23 flags=2 "
                        f"packets=1 bytes=60 dir=ingress verdict=drop "
                        f"first={t(20)} last={t(21)}")
    if i == 4:
        recs.append(f"rec {ident('p2')} status=skipdata dir=unknown "
                    f"verdict=none packets=500 bytes=64000 "
                    f"first={t(30)} last={t(40)}")
    return recs


seq = 0
for i in (0, 1, 2, 3, 4, 6):
    start = BASE + i * 60000
    for name, _ in loggers:
        seq += 1
        print(f"snapshot {seq} {name} {start} {start + 60000}")
        for rec in records(i):
            print(rec)
        print("end")
        print(f"wait ack {seq}")
