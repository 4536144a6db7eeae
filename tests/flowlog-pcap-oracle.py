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

"""Flow log records computed from packet captures: the test oracle.

Usage: flowlog-pcap-oracle.py [--neutron] [--reassemble] IFACE_ID:IN_PCAP:OUT_PCAP[:VM_PCAP]...
       flowlog-pcap-oracle.py --sum CSV

The second form reads records in the same columns and merges those of one
key (split across intervals): packets and bytes add up, tcp_flags OR.

For each logging port, IN_PCAP holds what the switch received from the VM
(tcpdump -Q in on the switch side of its veth: the VM's egress) and OUT_PCAP
what the switch delivered to it (-Q out: the VM's ingress).  Prints one CSV
line per record, in the columns

  interface_id,protocol,src_addr,dst_addr,src_port,dst_port,tcp_flags,
  packets,bytes,direction,filter,status

following ovs-flowlog(7): IPv4 ICMP/TCP/UDP only, no multicast, limited
broadcast or 169.254.169.0/24; bytes are frame lengths; tcp_flags keeps
FIN, SYN, RST, and ACK only with SYN.  An egress packet is ACCEPT when the
same packet (5-tuple and length) was delivered to another logging port or
left through a port outside the capture (not applicable here: every output
port is captured), otherwise DROP; ingress packets are ACCEPT.  This script
is independent of the switch code: it reads the raw pcap files itself.

With --neutron (flowlog-verdict=neutron, where each port's own rules give
its verdicts, and the senders' egress rules in the test accept): a packet
that was not delivered, sent to the address of another captured port (the
source address of most of what that port sent), is an egress ACCEPT
record of the sender and an ingress DROP record of that port, whose
ingress rules dropped it.

With --reassemble, the IPv4 fragments of each datagram in a capture count
as one packet, the datagram reassembled (its frame length, its ports): what
the kernel datapath counts after ct(), which reassembles fragments.

A port with VM_PCAP sits behind a host netfilter bridge (OpenStack's
iptables_hybrid: OVS port qvoN, veth to qvbN in bridge qbrN, tapN to the
VM).  IN_PCAP and OUT_PCAP are then captured on qvoN, VM_PCAP on the
bridge's side of tapN with -Q out: what netfilter let through to the VM.
Its ingress packets are ACCEPT when the same packet (5-tuple and length)
reached the VM, DROP when netfilter dropped it (the verdicts of ovs-flowlog's
conntrack merge, SPEC section 9).  Without VM_PCAP, or for ports without
one, ingress is ACCEPT: the pipeline verdict.
"""

import collections
import struct
import sys


def read_pcap(path):
    """Yields the frames (bytes) of a classic pcap file with Ethernet
    link type, microsecond or nanosecond timestamps."""
    with open(path, 'rb') as f:
        data = f.read()
    if len(data) < 24:
        return
    magic = data[:4]
    if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1'):
        endian = '<'
    elif magic in (b'\xa1\xb2\xc3\xd4', b'\xa1\xb2\x3c\x4d'):
        endian = '>'
    else:
        raise SystemExit('%s: not a pcap file' % path)
    linktype = struct.unpack(endian + 'I', data[20:24])[0]
    if linktype != 1:
        raise SystemExit('%s: link type %d, expected Ethernet'
                         % (path, linktype))
    off = 24
    while off + 16 <= len(data):
        _, _, caplen, origlen = struct.unpack(endian + 'IIII',
                                              data[off:off + 16])
        off += 16
        frame = data[off:off + caplen]
        off += caplen
        if caplen != origlen:
            raise SystemExit('%s: truncated capture (use -s 0)' % path)
        yield frame


def reassembled(frames):
    """Yields FRAMES with the IPv4 fragments of each datagram replaced by
    the whole datagram (at its last fragment)."""
    pending = {}
    for frame in frames:
        if (len(frame) < 34 or struct.unpack('!H', frame[12:14])[0] != 0x0800):
            yield frame
            continue
        ip = frame[14:]
        ihl = (ip[0] & 0x0f) * 4
        fl = struct.unpack('!H', ip[6:8])[0]
        more, offset = fl & 0x2000, (fl & 0x1fff) * 8
        if not more and not offset:
            yield frame
            continue
        total = struct.unpack('!H', ip[2:4])[0]
        key = (ip[12:20], ip[9], ip[4:6])
        parts = pending.setdefault(key, {})
        if offset == 0:
            parts['head'] = frame[:14 + ihl]
        parts[offset] = ip[ihl:total]
        if not more:
            parts['end'] = offset + total - ihl
        if 'head' in parts and 'end' in parts:
            payload = b''
            while len(payload) < parts['end'] and len(payload) in parts:
                payload += parts[len(payload)]
            if len(payload) != parts['end']:
                continue
            del pending[key]
            head = bytearray(parts['head'])
            ip_len = len(head) - 14 + len(payload)
            head[16:18] = struct.pack('!H', ip_len)
            head[20:22] = struct.pack('!H', fl & 0x4000)
            yield bytes(head) + payload


def parse(frame):
    """Returns (proto, src, dst, sport, dport, flags) for a loggable frame,
    else None."""
    if len(frame) < 14:
        return None
    ethertype = struct.unpack('!H', frame[12:14])[0]
    if ethertype != 0x0800:
        return None
    ip = frame[14:]
    if len(ip) < 20:
        return None
    ihl = (ip[0] & 0x0f) * 4
    proto = ip[9]
    frag = struct.unpack('!H', ip[6:8])[0] & 0x1fff
    src = '.'.join(str(b) for b in ip[12:16])
    dst = '.'.join(str(b) for b in ip[16:20])
    if proto not in (1, 6, 17):
        return None
    if 224 <= ip[16] <= 239 or dst == '255.255.255.255':
        return None
    if src.startswith('169.254.169.') or dst.startswith('169.254.169.'):
        return None
    l4 = ip[ihl:]
    sport = dport = flags = 0
    if frag == 0 and proto in (6, 17) and len(l4) >= 4:
        sport, dport = struct.unpack('!HH', l4[:4])
    if frag == 0 and proto == 6 and len(l4) >= 14:
        f = l4[13]
        flags = f & 0x07
        if f & 0x02:
            flags |= f & 0x10
    return (proto, src, dst, sport, dport, flags)


def print_records(records):
    for key in sorted(records):
        iface, proto, src, dst, sport, dport, direction, verdict = key
        flags, packets, nbytes = records[key]
        print('%s,%d,%s,%s,%d,%d,%d,%d,%d,%s,%s,OK'
              % (iface, proto, src, dst, sport, dport, flags, packets,
                 nbytes, direction, verdict))


def sum_records(path):
    records = collections.defaultdict(lambda: [0, 0, 0])
    with open(path) as f:
        for line in f:
            c = line.rstrip('\n').split(',')
            if len(c) != 12 or c[11] != 'OK':
                raise SystemExit('%s: not a record: %r' % (path, line))
            key = (c[0], int(c[1]), c[2], c[3], int(c[4]), int(c[5]),
                   c[9], c[10])
            r = records[key]
            r[0] |= int(c[6])
            r[1] += int(c[7])
            r[2] += int(c[8])
    print_records(records)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == '--sum':
        sum_records(sys.argv[2])
        return
    ports = []
    vm_pcaps = {}
    args = sys.argv[1:]
    neutron = reassemble = False
    while args and args[0] in ('--neutron', '--reassemble'):
        neutron |= args[0] == '--neutron'
        reassemble |= args[0] == '--reassemble'
        args = args[1:]
    read = read_pcap
    if reassemble:
        read = lambda path: reassembled(read_pcap(path))
    for arg in args:
        parts = arg.split(':')
        if len(parts) not in (3, 4):
            raise SystemExit('%s: not IFACE_ID:IN_PCAP:OUT_PCAP[:VM_PCAP]'
                             % arg)
        iface, in_pcap, out_pcap = parts[:3]
        ports.append((iface, in_pcap, out_pcap))
        if len(parts) == 4:
            vm_pcaps[iface] = parts[3]

    # (5-tuple, length) -> count of deliveries, per port.
    delivered = {}
    frames = {}
    for iface, in_pcap, out_pcap in ports:
        frames[iface] = ([f for f in read(in_pcap)],
                         [f for f in read(out_pcap)])
        counter = collections.Counter()
        for fr in frames[iface][1]:
            p = parse(fr)
            if p:
                counter[(p[:5], len(fr))] += 1
        delivered[iface] = counter

    # (5-tuple, length) -> count of packets netfilter let through to the
    # VM, per port behind a netfilter bridge.
    reached = {}
    for iface, vm_pcap in vm_pcaps.items():
        counter = collections.Counter()
        for fr in read(vm_pcap):
            p = parse(fr)
            if p:
                counter[(p[:5], len(fr))] += 1
        reached[iface] = counter

    # A port's own address: the commonest source of what it sent.
    owner = {}
    for iface, _, _ in ports:
        sources = collections.Counter()
        for fr in frames[iface][0]:
            p = parse(fr)
            if p:
                sources[p[1]] += 1
        if sources:
            owner[sources.most_common(1)[0][0]] = iface

    records = collections.defaultdict(lambda: [0, 0, 0])
    for iface, _, _ in ports:
        egress, ingress = frames[iface]
        # What others got, consumed as egress packets are matched.
        others = collections.Counter()
        for other, counter in delivered.items():
            if other != iface:
                others.update(counter)
        for direction, frs in (('egress', egress), ('ingress', ingress)):
            for fr in frs:
                p = parse(fr)
                if not p:
                    continue
                verdict = 'ACCEPT'
                if direction == 'egress':
                    k = (p[:5], len(fr))
                    if others[k] > 0:
                        others[k] -= 1
                    elif neutron and owner.get(p[2], iface) != iface:
                        r = records[(owner[p[2]], p[0], p[1], p[2], p[3],
                                     p[4], 'ingress', 'DROP')]
                        r[0] |= p[5]
                        r[1] += 1
                        r[2] += len(fr)
                    else:
                        verdict = 'DROP'
                elif iface in reached:
                    k = (p[:5], len(fr))
                    if reached[iface][k] > 0:
                        reached[iface][k] -= 1
                    else:
                        verdict = 'DROP'
                r = records[(iface, p[0], p[1], p[2], p[3], p[4], direction,
                             verdict)]
                r[0] |= p[5]
                r[1] += 1
                r[2] += len(fr)

    print_records(records)


if __name__ == '__main__':
    main()
