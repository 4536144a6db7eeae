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

"""keystone-token-server.py PORT-FILE SWIFT-AUTH-URL SWIFT-STORAGE-URL

Answers Keystone's token requests for the exporter's tests, in Keystone
v3's shape (POST /v3/auth/tokens) and in Keystone v2.0's as NHN Cloud
documents it (POST /v2.0/tokens).  No Keystone v2.0 server ships in Debian
12, so this stands in for the token exchange only: the token it hands out
is a real TempAuth token of the test Swift (user test:tester), and the
catalog's object-store endpoint is that Swift's storage URL, so every
storage request still goes to the real Swift.

Accepts user "flowlog" with password "keystonepass" (v3: project "infra"
in domain "Default"; v2.0: tenant id "t1"); anything else gets 401.
Writes the port it listens on to PORT-FILE."""

import json
import os
import sys
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer

port_file, swift_auth_url, storage_url = sys.argv[1:4]


def swift_token():
    req = urllib.request.Request(swift_auth_url, headers={
        "X-Auth-User": "test:tester", "X-Auth-Key": "testing"})
    with urllib.request.urlopen(req, timeout=5) as r:
        return r.headers["X-Auth-Token"]


class Handler(BaseHTTPRequestHandler):
    def reply(self, status, body, headers={}):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        try:
            auth = json.loads(self.rfile.read(n))["auth"]
        except (ValueError, KeyError):
            return self.reply(400, {"error": "bad request"})
        unauthorized = {"error": {"code": 401, "title": "Unauthorized"}}
        if self.path == "/v3/auth/tokens":
            try:
                user = auth["identity"]["password"]["user"]
                project = auth["scope"]["project"]
                ok = (auth["identity"]["methods"] == ["password"]
                      and user["name"] == "flowlog"
                      and user["password"] == "keystonepass"
                      and user["domain"]["name"] == "Default"
                      and project["name"] == "infra"
                      and project["domain"]["name"] == "Default")
            except KeyError:
                ok = False
            if not ok:
                return self.reply(401, unauthorized)
            catalog = [
                {"type": "identity", "endpoints": [
                    {"interface": "public", "region": "KR1",
                     "url": "http://127.0.0.1:1/v3"}]},
                {"type": "object-store", "endpoints": [
                    {"interface": "internal", "region": "KR1",
                     "url": "http://127.0.0.1:1/v1/AUTH_test"},
                    {"interface": "public", "region": "KR2",
                     "url": "http://127.0.0.1:1/v1/AUTH_test"},
                    {"interface": "public", "region": "KR1",
                     "url": storage_url}]}]
            self.reply(201, {"token": {"methods": ["password"],
                                       "catalog": catalog}},
                       {"X-Subject-Token": swift_token()})
        elif self.path == "/v2.0/tokens":
            try:
                pc = auth["passwordCredentials"]
                ok = (pc["username"] == "flowlog"
                      and pc["password"] == "keystonepass"
                      and auth["tenantId"] == "t1")
            except KeyError:
                ok = False
            if not ok:
                return self.reply(401, unauthorized)
            catalog = [
                {"type": "object-store", "name": "swift", "endpoints": [
                    {"region": "KR2", "publicURL": "http://127.0.0.1:1/v1"},
                    {"region": "KR1", "publicURL": storage_url}]}]
            self.reply(200, {"access": {
                "token": {"id": swift_token(),
                          "expires": "2099-01-01T00:00:00Z",
                          "tenant": {"id": "t1", "name": "t1"}},
                "serviceCatalog": catalog,
                "user": {"id": "u1", "name": "flowlog"}}})
        else:
            self.reply(404, {"error": "not found"})

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.command, self.path))


server = HTTPServer(("127.0.0.1", 0), Handler)
with open(port_file + ".tmp", "w") as f:
    f.write("%d\n" % server.server_address[1])
os.rename(port_file + ".tmp", port_file)
server.serve_forever()
