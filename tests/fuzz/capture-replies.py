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

"""capture-replies.py SWIFTDIR KSDIR V2-URL OUTDIR

Makes the seed inputs of the fuzz-s3 and fuzz-swift harnesses from real
replies: with the test Swift of tests/swift-sandbox.sh in SWIFTDIR, the
Keystone of tests/keystone-sandbox.sh in KSDIR and the v2.0 token server
tests/keystone-token-server.py at V2-URL (http://127.0.0.1:PORT), it makes
the requests that fuzz_sink_exercise() (tests/fuzz/fuzz-sink.c) makes, in
its order and with the same bodies, and writes the replies as the harness
reads them (a first line that selects the configuration, then each reply
as "curl -i" shows it, separated by lines "===="), into
OUTDIR/fuzz-s3/ and OUTDIR/fuzz-swift/."""

import http.client
import json
import os
import sys
import urllib.parse

ZEROS = bytes(2 * 5 * 1024 * 1024 + 1)
KEYS = ["2026/12/07/lg/a.csv", "2026/12/07/lg/b.csv"]


def env(path):
    out = {}
    for line in open(path):
        k, _, v = line.strip().partition("=")
        out[k] = v.strip('"')
    return out


def request(url, method, headers={}, body=None):
    u = urllib.parse.urlsplit(url)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    path = u.path + ("?" + u.query if u.query else "")
    c.request(method, path, body=body, headers=headers)
    r = c.getresponse()
    data = r.read()
    text = "HTTP/1.1 %d %s\r\n" % (r.status, r.reason)
    for k, v in r.getheaders():
        text += "%s: %s\r\n" % (k, v)
    c.close()
    return r, text.encode() + b"\r\n" + data


def swift_ops(storage, token, out):
    h = {"X-Auth-Token": token}
    base = storage + "/container/prefix/"
    request(storage + "/container", "PUT", h)
    request(base + "2026/12/07/lg/c.csv", "PUT", h, b"c")
    probe = base + ".ovs-flowlog-probe-host-1"
    out.append(request(probe, "PUT", h, b"")[1])
    out.append(request(probe, "DELETE", h)[1])
    out.append(request(base + KEYS[0], "PUT", h, b"flow log\n")[1])
    out.append(request(base + KEYS[1], "PUT", h, ZEROS)[1])
    marker = ""
    while True:
        q = "format=json&limit=2&prefix=prefix/2026/" + marker
        r, text = request(storage + "/container?" + q, "GET", h)
        out.append(text)
        page = json.loads(text.split(b"\r\n\r\n", 1)[1] or b"[]")
        if len(page) < 2:
            break
        marker = "&marker=" + urllib.parse.quote(page[-1]["name"])
    out.append(request(base + KEYS[0], "GET", h)[1])
    out.append(request(base + KEYS[0], "DELETE", h)[1])


def write(outdir, harness, name, first_line, replies):
    d = os.path.join(outdir, harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(first_line.encode() + b"\n" + b"\n====\n".join(replies))


def swift(swiftdir, ksdir, v2_url, outdir):
    s = env(os.path.join(swiftdir, "env"))
    k = env(os.path.join(ksdir, "env"))

    # TempAuth (first line of length 0).
    out = []
    r, text = request(s["SWIFT_AUTH_URL"], "GET",
                      {"X-Auth-User": "test:tester", "X-Auth-Key": "testing"})
    out.append(text)
    swift_ops(r.getheader("X-Storage-Url"), r.getheader("X-Auth-Token"), out)
    write(outdir, "fuzz-swift", "real-tempauth", "", out)

    # Keystone v3 (length 1), as keystone_body() asks.
    out = []
    body = {"auth": {"identity": {"methods": ["password"], "password": {
        "user": {"name": k["KEYSTONE_USER"],
                 "password": k["KEYSTONE_PASSWORD"],
                 "domain": {"name": "Default"}}}},
        "scope": {"project": {"name": k["KEYSTONE_PROJECT"],
                              "domain": {"name": "Default"}}}}}
    r, text = request(k["KEYSTONE_URL"] + "/auth/tokens", "POST",
                      {"Content-Type": "application/json"},
                      json.dumps(body).encode())
    out.append(text)
    swift_ops(k["KEYSTONE_STORAGE_URL"], r.getheader("X-Subject-Token"), out)
    write(outdir, "fuzz-swift", "real-keystone-v3", "x", out)

    # The same with a bad password: 401.
    body["auth"]["identity"]["password"]["user"]["password"] = "wrong"
    r, text = request(k["KEYSTONE_URL"] + "/auth/tokens", "POST",
                      {"Content-Type": "application/json"},
                      json.dumps(body).encode())
    write(outdir, "fuzz-swift", "real-keystone-v3-401", "x", [text])

    # Keystone v2.0 (length 2).
    out = []
    body = {"auth": {"passwordCredentials": {"username": "flowlog",
                                             "password": "keystonepass"},
                     "tenantId": "t1"}}
    r, text = request(v2_url + "/v2.0/tokens", "POST",
                      {"Content-Type": "application/json"},
                      json.dumps(body).encode())
    out.append(text)
    token = json.loads(text.split(b"\r\n\r\n", 1)[1])["access"]["token"]["id"]
    swift_ops(s["SWIFT_STORAGE_URL"], token, out)
    write(outdir, "fuzz-swift", "real-keystone-v2", "xx", out)


def s3(swiftdir, outdir):
    import boto3
    import botocore.config

    s = env(os.path.join(swiftdir, "env"))
    c = boto3.client(
        "s3", endpoint_url="http://127.0.0.1:%s" % s["SWIFT_PORT"],
        aws_access_key_id="test:tester", aws_secret_access_key="testing",
        region_name="kr1",
        config=botocore.config.Config(s3={"addressing_style": "path"}))
    replies = []

    def hook(http_response, **kwargs):
        text = "HTTP/1.1 %d X\r\n" % http_response.status_code
        for k, v in http_response.headers.items():
            text += "%s: %s\r\n" % (k, v)
        replies.append(text.encode() + b"\r\n" + http_response.content)
    try:
        c.create_bucket(Bucket="bucket")
    except c.exceptions.BucketAlreadyOwnedByYou:
        pass
    c.put_object(Bucket="bucket", Key="prefix/2026/12/07/lg/c.csv", Body=b"c")
    c.meta.events.register("after-call.s3", hook)

    probe = "prefix/.ovs-flowlog-probe-unknown"
    c.put_object(Bucket="bucket", Key=probe, Body=b"")
    c.delete_object(Bucket="bucket", Key=probe)
    c.put_object(Bucket="bucket", Key="prefix/" + KEYS[0], Body=b"flow log\n")
    u = c.create_multipart_upload(Bucket="bucket", Key="prefix/" + KEYS[1])
    parts = []
    part = 5 * 1024 * 1024
    for i, (start, end) in enumerate(((0, part), (part, 2 * part),
                                      (2 * part, len(ZEROS)))):
        r = c.upload_part(Bucket="bucket", Key="prefix/" + KEYS[1],
                          UploadId=u["UploadId"], PartNumber=i + 1,
                          Body=ZEROS[start:end])
        parts.append({"PartNumber": i + 1, "ETag": r["ETag"]})
    c.complete_multipart_upload(Bucket="bucket", Key="prefix/" + KEYS[1],
                                UploadId=u["UploadId"],
                                MultipartUpload={"Parts": parts})
    kw = {}
    while True:
        r = c.list_objects_v2(Bucket="bucket", Prefix="prefix/2026/",
                              MaxKeys=2, **kw)
        if not r.get("IsTruncated"):
            break
        kw = {"ContinuationToken": r["NextContinuationToken"]}
    c.get_object(Bucket="bucket", Key="prefix/" + KEYS[0])
    c.delete_object(Bucket="bucket", Key="prefix/" + KEYS[0])
    write(outdir, "fuzz-s3", "real-sequence", "", replies)

    # Errors: a bucket that does not exist, and a wrong secret.
    replies.clear()
    for bucket in ("nosuchbucket",):
        try:
            c.put_object(Bucket=bucket, Key="k", Body=b"")
        except Exception:
            pass
    bad = boto3.client(
        "s3", endpoint_url="http://127.0.0.1:%s" % s["SWIFT_PORT"],
        aws_access_key_id="test:tester", aws_secret_access_key="wrong",
        region_name="kr1",
        config=botocore.config.Config(s3={"addressing_style": "path"},
                                      retries={"max_attempts": 1}))
    bad.meta.events.register("after-call.s3", hook)
    try:
        bad.put_object(Bucket="bucket", Key="k", Body=b"")
    except Exception:
        pass
    write(outdir, "fuzz-s3", "real-errors", "", replies)


def main():
    swiftdir, ksdir, v2_url, outdir = sys.argv[1:5]
    s3(swiftdir, outdir)
    swift(swiftdir, ksdir, v2_url, outdir)


if __name__ == "__main__":
    main()
