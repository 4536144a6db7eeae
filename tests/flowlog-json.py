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

"""Prints the JSON output of a flowlog/ command (on stdin) the way the
command prints it as text, so that a test can compare the two outputs: both
then carry the same information.

usage: flowlog-json.py show|list|dump|dump-all|queue|queue-one
       flowlog-json.py get PATH...

"dump-all" is flowlog/dump without a logger (a "# logger" line before each
logger), "queue-one" flowlog/queue SEQ.  "get" prints, one a line as JSON,
the values at each PATH, member names and array indexes separated by "."
(e.g. loggers.web.ports.0.name)."""

import csv
import io
import json
import sys

# The order in which flowlog/show prints the exclusion reasons.
EXCLUSIONS = ["ipv6", "non-ipv4", "non-ethernet", "protocol", "multicast",
              "broadcast", "metadata", "mirror"]


def text(value):
    return "" if value is None else str(value)


def show_logger(name, lg):
    state = "logger %s: %s" % (name, lg["state"])
    if lg["state"] != "ACTIVE":
        state += " (%s)" % lg["reason"]
    if lg["last_valid_configuration_in_force"]:
        state += "; last valid configuration in force"
    print(state)
    if "configuration" not in lg:
        return
    print("  configuration: %s" % lg["configuration"])
    print("  ports: %d" % len(lg["ports"]))
    for p in lg["ports"]:
        print("    %s: ofport=%d iface-id=%s attached=%s"
              % (p["name"], p["ofport"], text(p["iface_id"]), p["attached"]))
    cur = lg["current_interval"]
    if cur is not None:
        print("  current interval: %s to %s" % (cur["start"], cur["end"]))
        print("  keys: %d  packets: %d  bytes: %d  skipped packets: %d"
              % (cur["keys"], cur["packets"], cur["bytes"],
                 cur["skipped_packets"]))
    print("  closing intervals: %d" % lg["closing_intervals"])
    print("  excluded packets: " + " ".join(
        "%s=%d" % (x, lg["excluded_packets"][x]) for x in EXCLUSIONS))
    c = lg["closed_intervals"]
    print("  closed intervals: packets: %d  bytes: %d  skipped packets: %d"
          % (c["packets"], c["bytes"], c["skipped_packets"]))
    s = lg["snapshots"]
    print("  snapshots: closed=%d sent=%d acknowledged=%d dropped=%d"
          % (s["closed"], s["sent"], s["acknowledged"], s["dropped"]))
    d = lg["dropped_past_queue_max_bytes"]
    if d["last"] is not None:
        print("  dropped past flowlog-queue-max-bytes: %d snapshots, "
              "%d records" % (d["snapshots"], d["records"]))
        print("  last dropped: snapshot %d, %s to %s, %d records"
              % (d["last"]["seq"], d["last"]["start"], d["last"]["end"],
                 d["last"]["records"]))
    x = lg["dropped_by_exporter"]
    if x["snapshots"]:
        print("  dropped by the exporter past the logger's share of its "
              "spool: %d snapshots, %d records"
              % (x["snapshots"], x["records"]))


def show(d):
    for name in sorted(d["loggers"]):
        show_logger(name, d["loggers"][name])
    if "host" in d:
        h = d["host"]
        print("host: system-id=%s region=%s verdict=%s neutron-tables=%s"
              % (text(h["system_id"]), text(h["region"]), h["verdict"],
                 ",".join(str(t) for t in h["neutron_tables"])))
        r = d["records"]
        print("records: %d of %d (%d bytes each)"
              % (r["total"], r["max"], r["bytes_each"]))
        q = d["queue"]
        print("queue: %d snapshots, %d bytes of %d, dropped %d"
              % (q["snapshots"], q["bytes"], q["max_bytes"], q["dropped"]))
        print("exporter: %s (%s)" % (text(d["exporter"]["target"]),
                                     d["exporter"]["state"]))
        print("boot: %s" % d["boot"])
    for e in d.get("errors", []):
        print("error: %s" % e)
    for w in d.get("warnings", []):
        print("warning: %s" % w)


def csv_records(fields, records):
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(fields)
    for r in records:
        assert list(r) and set(r) == set(fields), r
        w.writerow([text(r[f]) for f in fields])
    sys.stdout.write(out.getvalue())


def dump(d, all_loggers):
    for name in sorted(d["loggers"]):
        lg = d["loggers"][name]
        if all_loggers:
            print("# logger %s" % name)
        if lg["fields"]:
            csv_records(lg["fields"], lg["records"])


def main():
    what = sys.argv[1]
    d = json.load(sys.stdin)
    if what == "get":
        for path in sys.argv[2:]:
            v = d
            for key in path.split("."):
                v = v[int(key)] if isinstance(v, list) else v[key]
            print(json.dumps(v, sort_keys=True))
    elif what == "show":
        show(d)
    elif what == "list":
        for name in sorted(d["loggers"]):
            lg = d["loggers"][name]
            print("%s %s ports=%d keys=%d closed=%d acknowledged=%d "
                  "dropped=%d" % (name, lg["state"], lg["ports"], lg["keys"],
                                  lg["closed"], lg["acknowledged"],
                                  lg["dropped"]))
        if not d["loggers"]:
            print("no loggers")
    elif what in ("dump", "dump-all"):
        dump(d, what == "dump-all")
    elif what == "queue":
        for s in d["queue"]:
            print("snapshot %d: logger %s %s to %s records %d bytes %d"
                  % (s["seq"], s["logger"], s["start"], s["end"],
                     s["n_records"], s["bytes"]))
        if not d["queue"]:
            print("queue empty")
    elif what == "queue-one":
        s = d["snapshot"]
        assert len(s["records"]) == s["n_records"]
        csv_records(s["fields"], s["records"])
    else:
        sys.exit("unknown command %s" % what)


if __name__ == "__main__":
    main()
