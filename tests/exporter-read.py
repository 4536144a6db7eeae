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

"""Reads flow log files as an independent reader would: Python's gzip,
csv and json modules, nothing of ours.  Prints each file's name, then its
records, one a line, as FIELD=VALUE with "-" for "not applicable" (an
empty CSV cell, a JSON null), so that a CSV file and a JSON lines file of
the same records print the same.  Checks on the way what the format
promises: a CSV header, LF line endings, gzip without a name and with
mtime 0."""

import csv
import gzip
import io
import json
import sys


def read(path):
    with open(path, 'rb') as f:
        data = f.read()
    name = path
    if path.endswith('.gz'):
        # RFC 1952 header: ID1 ID2 CM FLG MTIME(4) XFL OS.
        if data[:3] != b'\x1f\x8b\x08':
            sys.exit('%s: not gzip' % path)
        if data[3] != 0:
            sys.exit('%s: gzip flags %#x (name or comment stored)'
                     % (path, data[3]))
        if data[4:8] != b'\0\0\0\0':
            sys.exit('%s: gzip mtime is not 0' % path)
        data = gzip.decompress(data)
        name = path[:-3]
    text = data.decode('utf-8')
    if '\r' in text:
        sys.exit('%s: CR in the file' % path)
    if text and not text.endswith('\n'):
        sys.exit('%s: last line does not end with LF' % path)

    rows = []
    if name.endswith('.csv'):
        reader = csv.reader(io.StringIO(text, newline=''))
        header = next(reader)
        for cells in reader:
            if len(cells) != len(header):
                sys.exit('%s: %d cells under a %d-field header'
                         % (path, len(cells), len(header)))
            rows.append([(k, v if v != '' else None)
                         for k, v in zip(header, cells)])
        print('%s: csv, %d records' % (path, len(rows)))
    elif name.endswith('.jsonl'):
        for line in text.splitlines():
            obj = json.loads(line)
            rows.append([(k, None if v is None else str(v))
                         for k, v in obj.items()])
        print('%s: jsonl, %d records' % (path, len(rows)))
    else:
        sys.exit('%s: unknown extension' % path)

    for row in rows:
        print(' '.join('%s=%s' % (k, '-' if v is None else v)
                       for k, v in row))


for path in sys.argv[1:]:
    read(path)
