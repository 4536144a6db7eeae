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

"""Per-interval sums of flow log records, for the object-storage fault
tests: what ovs-vswitchd had against what the store holds.

  objstore-sums.py dump FILE...
      FILE is the output of "ovs-appctl flowlog/dump LOGGER" (CSV with a
      header line).  Prints one line per FILE.

  objstore-sums.py objects AUTH-URL CONTAINER PREFIX
      Lists CONTAINER below PREFIX through the Swift API (TempAuth user
      test:tester, key testing, as tests/swift-sandbox.sh sets up),
      downloads every object, gunzips and parses it.  Prints one line per
      object, in name order (the names hold the snapshot's start, so this is
      interval order), as "NAME SUMS".

SUMS is "records=N packets=P bytes=B", where NODATA and SKIPDATA records
count as records with 0 packets and 0 bytes.  Only Python's urllib, gzip and
csv modules read the objects: nothing of ours."""

import csv
import gzip
import io
import json
import sys
import urllib.parse
import urllib.request


def sums(text, what):
    reader = csv.reader(io.StringIO(text, newline=''))
    try:
        header = next(reader)
    except StopIteration:
        return 'records=0 packets=0 bytes=0'
    for field in ('packets', 'bytes'):
        if field not in header:
            sys.exit('%s: no %s field in header %s' % (what, field, header))
    ip, ib = header.index('packets'), header.index('bytes')
    n = packets = nbytes = 0
    for cells in reader:
        if len(cells) != len(header):
            sys.exit('%s: %d cells under a %d-field header'
                     % (what, len(cells), len(header)))
        n += 1
        packets += int(cells[ip] or 0)
        nbytes += int(cells[ib] or 0)
    return 'records=%d packets=%d bytes=%d' % (n, packets, nbytes)


def swift_token(auth_url):
    req = urllib.request.Request(auth_url, headers={
        'X-Auth-User': 'test:tester', 'X-Auth-Key': 'testing'})
    with urllib.request.urlopen(req, timeout=10) as r:
        return r.headers['X-Auth-Token'], r.headers['X-Storage-Url']


def objects(auth_url, container, prefix):
    token, storage_url = swift_token(auth_url)
    hdrs = {'X-Auth-Token': token}
    base = '%s/%s' % (storage_url, urllib.parse.quote(container))
    query = urllib.parse.urlencode({'format': 'json', 'prefix': prefix})
    req = urllib.request.Request('%s?%s' % (base, query), headers=hdrs)
    with urllib.request.urlopen(req, timeout=10) as r:
        listing = json.load(r)
    for obj in sorted(o['name'] for o in listing):
        req = urllib.request.Request(
            '%s/%s' % (base, urllib.parse.quote(obj)), headers=hdrs)
        with urllib.request.urlopen(req, timeout=10) as r:
            data = r.read()
        if obj.endswith('.gz'):
            data = gzip.decompress(data)
        print('%s %s' % (obj, sums(data.decode('utf-8'), obj)))


def main(argv):
    if len(argv) >= 2 and argv[1] == 'dump':
        for path in argv[2:]:
            with open(path, encoding='utf-8', newline='') as f:
                print(sums(f.read(), path))
    elif len(argv) == 5 and argv[1] == 'objects':
        objects(argv[2], argv[3], argv[4])
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main(sys.argv)
