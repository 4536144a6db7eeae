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

"""Writes a spool file that holds only a SnapshotBegin, for the tests of
corrupt spool files:

  spool-file.py FILE LOGGER BOOT-UUID SEQ N-RECORDS OPTIONS

The frame is encoded here by hand from lib/flowlog.proto (Message field 3,
SnapshotBegin: boot_uuid 1, seq 2, logger 3 {name 1, options 2},
start_ms 4, end_ms 5, n_records 6), independently of the exporter's
protobuf-c code."""

import struct
import sys


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7f
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def field(num, wire, payload):
    key = varint(num << 3 | wire)
    if wire == 2:
        return key + varint(len(payload)) + payload
    return key + payload


def main():
    path, logger, boot, seq, n_records, options = sys.argv[1:7]
    lc = (field(1, 2, logger.encode()) + field(2, 2, options.encode()))
    begin = (field(1, 2, boot.encode())
             + field(2, 0, varint(int(seq)))
             + field(3, 2, lc)
             + field(4, 0, varint(1700000000000))
             + field(5, 0, varint(1700000060000))
             + field(6, 0, varint(int(n_records))))
    msg = field(3, 2, begin)
    with open(path, "wb") as f:
        f.write(b"OVSFLSP1" + struct.pack(">I", len(msg)) + msg)


if __name__ == "__main__":
    main()
