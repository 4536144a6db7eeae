/*
 * Copyright (c) 2026 The ovs-flowlog authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at:
 *
 *     http://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

/* test-flowlog-channel: plays ovs-vswitchd's side of the flowlog channel
 * for the exporter's tests.
 *
 *   test-flowlog-channel [--timeout=SECS] unix:PATH < SCRIPT
 *
 * SCRIPT has one command a line ('#' starts a comment):
 *
 *   hello BOOT SYSTEM-ID [VERSION]   Hello
 *   config NAME OPTIONS [REGION]     LoggerConfig ("-" for empty OPTIONS)
 *   delete NAME                      LoggerConfig with deleted=true
 *   snapshot SEQ NAME START END [chunk=N] [n=N] [boot=UUID]
 *            [dropped=N] [drop=SEQ:START:END:RECORDS[:REPEAT]]...
 *            [unlisted=N:RECORDS]
 *                                    begin a snapshot of logger NAME (its
 *                                    last config's options and region),
 *                                    START and END in UNIX ms; 'dropped'
 *                                    sets logger_dropped, 'drop' adds
 *                                    REPEAT (default 1) DroppedSnapshots,
 *                                    the next ones with the next SEQ and
 *                                    interval, 'unlisted' sets
 *                                    dropped_unlisted(_records)
 *   rec KEY=VALUE... [repeat=N]      a record of that snapshot
 *   end                              send SnapshotBegin, SnapshotRecords
 *                                    of 'chunk' records (default 4096),
 *                                    SnapshotEnd; 'n' overrides the count
 *                                    that SnapshotBegin announces
 *   frame HEX                        one frame with HEX as its payload
 *   empty-records SEQ N              one SnapshotRecords frame of N empty
 *                                    Records (2 bytes each), built byte by
 *                                    byte: a frame that is small on the
 *                                    wire and large once unpacked
 *   raw HEX                          bytes as they are
 *   wait ack SEQ | wait close        receive until that arrives
 *   wait state NAME... | wait state *
 *                                    receive until each logger NAME (or
 *                                    every logger) configured on this
 *                                    connection has had a LoggerState
 *                                    since its last config: probes run in
 *                                    parallel, so states come in any order
 *   listen MS                        receive for MS milliseconds
 *   close                            close the connection
 *   connect                          connect again
 *
 * Everything received is printed, one line each: "ack BOOT SEQ",
 * "state NAME STATE[: REASON]" (followed by "[exporter dropped N snapshots,
 * M records]" if N is not 0), "closed".  Record keys: first last (ms),
 * port ofport iface vm subnet vpc proto src dst sport dport flags packets
 * bytes dir (ingress egress unknown) verdict (accept drop none) status
 * (ok skipdata nodata) icmp_type icmp_code rule (TABLE:COOKIE) zone. */

#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "byte-order.h"
#include "command-line.h"
#include "fatal-signal.h"
#include "lib/flowlog-msg.h"
#include "lib/flowlog-record.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "packets.h"
#include "sset.h"
#include "stream.h"
#include "timeval.h"
#include "util.h"

static const char *target;
static int timeout_ms = 10000;
static struct stream *stream;
static struct flowlog_rx rx;
static bool peer_closed;
static struct sset awaiting = SSET_INITIALIZER(&awaiting);  /* States. */
static int line_number;

static char *boot_uuid;
static char *system_id;

/* Logger configurations sent so far: name -> struct config. */
struct config {
    char *options;
    char *region;
};
static struct shash configs = SHASH_INITIALIZER(&configs);

/* The snapshot being written. */
static struct {
    bool active;
    uint64_t seq;
    char *name;
    char *boot;
    long long int start, end;
    size_t chunk;
    long long int n;            /* -1: the real count. */
    long long int dropped;      /* logger_dropped, -1: none. */
    Flowlog__DroppedSnapshot **drops;
    size_t n_drops;
    long long int unlisted;     /* -1: none. */
    uint64_t unlisted_records;
    Flowlog__Record **records;
    size_t n_records, allocated;
} snap;

OVS_NO_RETURN static void OVS_PRINTF_FORMAT(1, 2)
fail(const char *format, ...)
{
    va_list args;

    fprintf(stderr, "test-flowlog-channel: line %d: ", line_number);
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    putc('\n', stderr);
    exit(1);
}

static void
do_connect(void)
{
    int error = stream_open_block(stream_open(target, &stream, DSCP_DEFAULT),
                                  timeout_ms, &stream);
    if (error) {
        fail("%s: connect failed (%s)", target, ovs_strerror(error));
    }
    flowlog_rx_destroy(&rx);
    flowlog_rx_init(&rx);
    peer_closed = false;
}

static void
do_close(void)
{
    stream_close(stream);
    stream = NULL;
}

static void
send_bytes(const void *data, size_t size)
{
    const uint8_t *p = data;
    long long int deadline = time_msec() + timeout_ms;

    if (!stream) {
        fail("not connected");
    }
    while (size > 0) {
        int n = stream_send(stream, p, size);
        if (n > 0) {
            p += n;
            size -= n;
        } else if (n == -EAGAIN) {
            if (time_msec() >= deadline) {
                fail("timeout sending");
            }
            stream_send_wait(stream);
            poll_timer_wait_until(deadline);
            poll_block();
        } else {
            /* The exporter closed the connection (e.g. after a bad
             * frame): the next receive reports it. */
            return;
        }
    }
}

static void
send_msg(const Flowlog__Message *msg)
{
    struct ofpbuf buf;

    ofpbuf_init(&buf, 0);
    flowlog_msg_put(&buf, msg);
    send_bytes(buf.data, buf.size);
    ofpbuf_uninit(&buf);
}

static void
print_msg(const Flowlog__Message *msg)
{
    if (msg->body_case == FLOWLOG__MESSAGE__BODY_ACK) {
        printf("ack %s %"PRIu64"\n", msg->ack->boot_uuid, msg->ack->seq);
    } else if (msg->body_case == FLOWLOG__MESSAGE__BODY_LOGGER_STATE) {
        const Flowlog__LoggerState *s = msg->logger_state;
        sset_find_and_delete(&awaiting, s->name);
        printf("state %s %s%s%s", s->name, s->state,
               s->reason ? ": " : "", s->reason ? s->reason : "");
        if (s->spool_dropped) {
            printf(" [exporter dropped %"PRIu64" snapshots, %"PRIu64
                   " records]", s->spool_dropped, s->spool_dropped_records);
        }
        putchar('\n');
    } else {
        printf("unexpected message type %d\n", (int) msg->body_case);
    }
    fflush(stdout);
}

/* Receives and prints messages until 'done' returns true for one of them
 * (or, with 'done' NULL, until 'ms' milliseconds passed). */
static void
receive(bool (*done)(const Flowlog__Message *, const void *),
        const void *aux, int ms, const char *what)
{
    long long int deadline = time_msec() + ms;

    for (;;) {
        if (peer_closed || !stream) {
            if (done) {
                fail("connection closed while waiting for %s", what);
            }
            return;
        }

        Flowlog__Message *msg;
        char *error = NULL;
        int retval = flowlog_rx_recv(&rx, stream, &msg, &error);
        if (!retval) {
            print_msg(msg);
            bool finished = done && done(msg, aux);
            flowlog_msg_free(msg);
            if (finished) {
                return;
            }
            continue;
        } else if (retval == EAGAIN) {
            if (time_msec() >= deadline) {
                if (done) {
                    fail("timeout waiting for %s", what);
                }
                return;
            }
            stream_run(stream);
            stream_run_wait(stream);
            stream_recv_wait(stream);
            poll_timer_wait_until(deadline);
            poll_block();
        } else {
            printf("closed\n");
            fflush(stdout);
            free(error);
            peer_closed = true;
            if (done && !strcmp(what, "close")) {
                return;
            }
        }
    }
}

static bool
is_ack(const Flowlog__Message *msg, const void *seq_)
{
    const uint64_t *seq = seq_;
    return (msg->body_case == FLOWLOG__MESSAGE__BODY_ACK
            && msg->ack->seq == *seq);
}

static bool
any_msg(const Flowlog__Message *msg OVS_UNUSED, const void *aux OVS_UNUSED)
{
    return true;
}

/* True if one of the loggers in 'names' ("*" for all) still awaits its
 * LoggerState. */
static bool
awaiting_state(char **names)
{
    for (; *names; names++) {
        if (!strcmp(*names, "*")
            ? !sset_is_empty(&awaiting)
            : sset_contains(&awaiting, *names)) {
            return true;
        }
    }
    return false;
}

static uint64_t
parse_u64(const char *s)
{
    unsigned long long int x;
    if (!s || !str_to_ullong(s, 10, &x)) {
        fail("\"%s\": expected a number", s ? s : "");
    }
    return x;
}

static long long int
parse_ll(const char *s)
{
    long long int x;
    if (!s || !str_to_llong(s, 10, &x)) {
        fail("\"%s\": expected a number", s ? s : "");
    }
    return x;
}

static void
parse_hex(const char *s, struct ofpbuf *out)
{
    for (; s[0] && s[1]; s += 2) {
        bool ok;
        uint8_t b = hexits_value(s, 2, &ok);
        if (!ok) {
            fail("%s: expected hex digits", s);
        }
        ofpbuf_put(out, &b, 1);
    }
}

static void
cmd_hello(char **args)
{
    if (!args[0] || !args[1]) {
        fail("usage: hello BOOT SYSTEM-ID [VERSION]");
    }
    Flowlog__Hello hello = FLOWLOG__HELLO__INIT;
    Flowlog__Message msg = FLOWLOG__MESSAGE__INIT;

    free(boot_uuid);
    free(system_id);
    boot_uuid = xstrdup(args[0]);
    system_id = xstrdup(args[1]);
    hello.boot_uuid = boot_uuid;
    hello.system_id = system_id;
    hello.has_version = true;
    hello.version = args[2] ? parse_u64(args[2]) : 1;
    msg.body_case = FLOWLOG__MESSAGE__BODY_HELLO;
    msg.hello = &hello;
    send_msg(&msg);
}

static void
cmd_config(char **args, bool deleted)
{
    if (!args[0] || (!deleted && !args[1])) {
        fail("usage: config NAME OPTIONS [REGION] | delete NAME");
    }

    Flowlog__LoggerConfig lc = FLOWLOG__LOGGER_CONFIG__INIT;
    Flowlog__Message msg = FLOWLOG__MESSAGE__INIT;
    const char *options = deleted ? "" : args[1];
    if (!strcmp(options, "-")) {
        options = "";
    }

    lc.name = args[0];
    lc.options = CONST_CAST(char *, options);
    lc.region = deleted ? NULL : args[2];
    lc.system_id = system_id;
    if (deleted) {
        lc.has_deleted = lc.deleted = true;
        sset_find_and_delete(&awaiting, args[0]);
    } else {
        sset_add(&awaiting, args[0]);
        struct config *c = shash_find_data(&configs, args[0]);
        if (!c) {
            c = xzalloc(sizeof *c);
            shash_add(&configs, args[0], c);
        }
        free(c->options);
        free(c->region);
        c->options = xstrdup(options);
        c->region = nullable_xstrdup(args[2]);
    }
    msg.body_case = FLOWLOG__MESSAGE__BODY_LOGGER_CONFIG;
    msg.logger_config = &lc;
    send_msg(&msg);
}

static void
cmd_snapshot(char **args)
{
    if (!args[0] || !args[1] || !args[2] || !args[3]) {
        fail("usage: snapshot SEQ NAME START END [chunk=N] [n=N] "
             "[boot=UUID] [dropped=N] [drop=SEQ:START:END:RECORDS[:N]] "
             "[unlisted=N:RECORDS]");
    }
    if (snap.active) {
        fail("snapshot inside snapshot");
    }
    snap.active = true;
    snap.seq = parse_u64(args[0]);
    free(snap.name);
    snap.name = xstrdup(args[1]);
    snap.start = parse_ll(args[2]);
    snap.end = parse_ll(args[3]);
    snap.chunk = FLOWLOG_RECORDS_PER_FRAME;
    snap.n = -1;
    snap.dropped = snap.unlisted = -1;
    free(snap.boot);
    snap.boot = nullable_xstrdup(boot_uuid);
    for (char **a = &args[4]; *a; a++) {
        if (!strncmp(*a, "chunk=", 6)) {
            snap.chunk = parse_u64(*a + 6);
        } else if (!strncmp(*a, "n=", 2)) {
            snap.n = parse_ll(*a + 2);
        } else if (!strncmp(*a, "boot=", 5)) {
            free(snap.boot);
            snap.boot = xstrdup(*a + 5);
        } else if (!strncmp(*a, "dropped=", 8)) {
            snap.dropped = parse_ll(*a + 8);
        } else if (!strncmp(*a, "drop=", 5)) {
            unsigned long long int seq, n_records, repeat = 1;
            long long int start, end;

            if (sscanf(*a + 5, "%llu:%lld:%lld:%llu:%llu", &seq, &start,
                       &end, &n_records, &repeat) < 4) {
                fail("%s: expected drop=SEQ:START:END:RECORDS[:N]", *a);
            }
            for (unsigned long long int i = 0; i < repeat; i++) {
                Flowlog__DroppedSnapshot *d = xmalloc(sizeof *d);

                flowlog__dropped_snapshot__init(d);
                d->seq = seq + i;
                d->start_ms = start + i * (end - start);
                d->end_ms = end + i * (end - start);
                d->n_records = n_records;
                snap.drops = xrealloc(snap.drops, (snap.n_drops + 1)
                                      * sizeof *snap.drops);
                snap.drops[snap.n_drops++] = d;
            }
        } else if (!strncmp(*a, "unlisted=", 9)) {
            unsigned long long int n, records;

            if (sscanf(*a + 9, "%llu:%llu", &n, &records) != 2) {
                fail("%s: expected unlisted=N:RECORDS", *a);
            }
            snap.unlisted = n;
            snap.unlisted_records = records;
        } else {
            fail("%s: unknown snapshot option", *a);
        }
    }
}

static char *
nonempty_copy(const char *s)
{
    return s[0] ? xstrdup(s) : NULL;
}

static void
cmd_rec(char **args)
{
    Flowlog__Record *r = xmalloc(sizeof *r);
    int repeat = 1;

    if (!snap.active) {
        fail("rec outside of a snapshot");
    }
    flowlog__record__init(r);
#define SET(FIELD, VALUE) r->has_##FIELD = true, r->FIELD = (VALUE)
    SET(first_ms, snap.start);
    SET(last_ms, snap.start);
    SET(direction, FL_DIR_EGRESS);
    SET(verdict, FL_VERDICT_ACCEPT);
    SET(status, FL_STATUS_OK);
    for (char **a = args; *a; a++) {
        char *key = *a;
        char *value = strchr(key, '=');
        if (!value) {
            fail("%s: expected KEY=VALUE", key);
        }
        *value++ = '\0';
        if (!strcmp(key, "first")) {
            SET(first_ms, parse_ll(value));
        } else if (!strcmp(key, "last")) {
            SET(last_ms, parse_ll(value));
        } else if (!strcmp(key, "port")) {
            r->port_name = nonempty_copy(value);
        } else if (!strcmp(key, "ofport")) {
            SET(ofport, parse_ll(value));
        } else if (!strcmp(key, "iface")) {
            r->iface_id = nonempty_copy(value);
        } else if (!strcmp(key, "vm")) {
            r->vm_id = nonempty_copy(value);
        } else if (!strcmp(key, "subnet")) {
            r->subnet_id = nonempty_copy(value);
        } else if (!strcmp(key, "vpc")) {
            r->vpc_id = nonempty_copy(value);
        } else if (!strcmp(key, "proto")) {
            SET(protocol, parse_u64(value));
        } else if (!strcmp(key, "src") || !strcmp(key, "dst")) {
            ovs_be32 ip;
            if (!ip_parse(value, &ip)) {
                fail("%s: expected an IPv4 address", value);
            }
            if (key[0] == 's') {
                SET(src_addr, ip);
            } else {
                SET(dst_addr, ip);
            }
        } else if (!strcmp(key, "sport")) {
            SET(src_port, parse_u64(value));
        } else if (!strcmp(key, "dport")) {
            SET(dst_port, parse_u64(value));
        } else if (!strcmp(key, "flags")) {
            SET(tcp_flags, parse_u64(value));
        } else if (!strcmp(key, "packets")) {
            SET(packets, parse_u64(value));
        } else if (!strcmp(key, "bytes")) {
            SET(bytes, parse_u64(value));
        } else if (!strcmp(key, "dir")) {
            SET(direction, (!strcmp(value, "ingress") ? FL_DIR_INGRESS
                            : !strcmp(value, "egress") ? FL_DIR_EGRESS
                            : FL_DIR_UNKNOWN));
        } else if (!strcmp(key, "verdict")) {
            SET(verdict, (!strcmp(value, "accept") ? FL_VERDICT_ACCEPT
                          : !strcmp(value, "drop") ? FL_VERDICT_DROP
                          : FL_VERDICT_NONE));
        } else if (!strcmp(key, "status")) {
            SET(status, (!strcmp(value, "ok") ? FL_STATUS_OK
                         : !strcmp(value, "skipdata") ? FL_STATUS_SKIPDATA
                         : FL_STATUS_NODATA));
        } else if (!strcmp(key, "icmp_type")) {
            SET(icmp_type, parse_u64(value));
        } else if (!strcmp(key, "icmp_code")) {
            SET(icmp_code, parse_u64(value));
        } else if (!strcmp(key, "rule")) {
            unsigned int table;
            unsigned long long int cookie;
            if (sscanf(value, "%u:%llx", &table, &cookie) != 2) {
                fail("%s: expected TABLE:COOKIE", value);
            }
            SET(rule_table, table);
            SET(rule_cookie, htonll(cookie));
        } else if (!strcmp(key, "zone")) {
            SET(ct_zone, parse_u64(value));
        } else if (!strcmp(key, "repeat")) {
            repeat = parse_u64(value);
        } else {
            fail("%s: unknown record key", key);
        }
    }
#undef SET

    for (int i = 0; i < repeat; i++) {
        if (snap.n_records >= snap.allocated) {
            snap.records = x2nrealloc(snap.records, &snap.allocated,
                                      sizeof *snap.records);
        }
        if (i) {
            Flowlog__Record *copy = xmemdup(r, sizeof *r);
            copy->port_name = nullable_xstrdup(r->port_name);
            copy->iface_id = nullable_xstrdup(r->iface_id);
            copy->vm_id = nullable_xstrdup(r->vm_id);
            copy->subnet_id = nullable_xstrdup(r->subnet_id);
            copy->vpc_id = nullable_xstrdup(r->vpc_id);
            snap.records[snap.n_records++] = copy;
        } else {
            snap.records[snap.n_records++] = r;
        }
    }
}

static void
record_free(Flowlog__Record *r)
{
    free(r->port_name);
    free(r->iface_id);
    free(r->vm_id);
    free(r->subnet_id);
    free(r->vpc_id);
    free(r);
}

static void
cmd_end(void)
{
    if (!snap.active) {
        fail("end outside of a snapshot");
    }

    struct config *c = shash_find_data(&configs, snap.name);
    Flowlog__LoggerConfig lc = FLOWLOG__LOGGER_CONFIG__INIT;
    lc.name = snap.name;
    lc.options = c ? c->options : "";
    lc.region = c ? c->region : NULL;
    lc.system_id = system_id;

    Flowlog__SnapshotBegin begin = FLOWLOG__SNAPSHOT_BEGIN__INIT;
    begin.boot_uuid = snap.boot ? snap.boot : "";
    begin.seq = snap.seq;
    begin.logger = &lc;
    begin.start_ms = snap.start;
    begin.end_ms = snap.end;
    begin.n_records = snap.n >= 0 ? snap.n : snap.n_records;
    begin.has_logger_dropped = snap.dropped >= 0;
    begin.logger_dropped = MAX(snap.dropped, 0);
    begin.dropped_snapshots = snap.drops;
    begin.n_dropped_snapshots = snap.n_drops;
    begin.has_dropped_unlisted = snap.unlisted >= 0;
    begin.dropped_unlisted = MAX(snap.unlisted, 0);
    begin.has_dropped_unlisted_records = snap.unlisted >= 0;
    begin.dropped_unlisted_records = snap.unlisted_records;

    Flowlog__Message msg = FLOWLOG__MESSAGE__INIT;
    msg.body_case = FLOWLOG__MESSAGE__BODY_SNAPSHOT_BEGIN;
    msg.snapshot_begin = &begin;
    send_msg(&msg);

    for (size_t i = 0; i < snap.n_records; i += snap.chunk) {
        Flowlog__SnapshotRecords recs = FLOWLOG__SNAPSHOT_RECORDS__INIT;
        recs.seq = snap.seq;
        recs.records = &snap.records[i];
        recs.n_records = MIN(snap.chunk, snap.n_records - i);
        msg.body_case = FLOWLOG__MESSAGE__BODY_SNAPSHOT_RECORDS;
        msg.snapshot_records = &recs;
        send_msg(&msg);
    }

    Flowlog__SnapshotEnd end = FLOWLOG__SNAPSHOT_END__INIT;
    end.seq = snap.seq;
    msg.body_case = FLOWLOG__MESSAGE__BODY_SNAPSHOT_END;
    msg.snapshot_end = &end;
    send_msg(&msg);

    for (size_t i = 0; i < snap.n_records; i++) {
        record_free(snap.records[i]);
    }
    snap.n_records = 0;
    for (size_t i = 0; i < snap.n_drops; i++) {
        free(snap.drops[i]);
    }
    free(snap.drops);
    snap.drops = NULL;
    snap.n_drops = 0;
    snap.active = false;
}

static void
put_varint(struct ofpbuf *buf, uint64_t v)
{
    while (v >= 0x80) {
        ofpbuf_put(buf, &(uint8_t) { (v & 0x7f) | 0x80 }, 1);
        v >>= 7;
    }
    ofpbuf_put(buf, &(uint8_t) { v }, 1);
}

/* Sends a SnapshotRecords frame of 'n' empty Records: Message field 4
 * (snapshot_records), SnapshotRecords field 1 (seq) and 'n' times field 2
 * (records) with length 0. */
static void
cmd_empty_records(char **args)
{
    if (!args[0] || !args[1]) {
        fail("empty-records: expected SEQ N");
    }
    uint64_t seq = parse_u64(args[0]);
    uint64_t n = parse_u64(args[1]);
    struct ofpbuf inner, frame;

    /* Allocated at once: grown 64 bytes at a time, as ofpbuf_put() would,
     * it takes minutes under AddressSanitizer, whose realloc() copies. */
    ofpbuf_init(&inner, 2 * n + 32);
    put_varint(&inner, (1 << 3) | 0);
    put_varint(&inner, seq);
    for (uint64_t i = 0; i < n; i++) {
        ofpbuf_put(&inner, "\x12\x00", 2);
    }

    ofpbuf_init(&frame, 0);
    ofpbuf_put_zeros(&frame, 4);
    put_varint(&frame, (4 << 3) | 2);
    put_varint(&frame, inner.size);
    ofpbuf_put(&frame, inner.data, inner.size);
    ovs_be32 len = htonl(frame.size - 4);
    memcpy(frame.data, &len, sizeof len);
    send_bytes(frame.data, frame.size);
    ofpbuf_uninit(&frame);
    ofpbuf_uninit(&inner);
}

static void
run_line(char *line)
{
    char *args[64];
    size_t n = 0;
    char *save = NULL;

    char *hash = strchr(line, '#');
    if (hash) {
        *hash = '\0';
    }
    for (char *tok = strtok_r(line, " \t\r\n", &save); tok;
         tok = strtok_r(NULL, " \t\r\n", &save)) {
        if (n >= ARRAY_SIZE(args) - 1) {
            fail("too many words");
        }
        args[n++] = tok;
    }
    args[n] = NULL;
    if (!n) {
        return;
    }

    const char *cmd = args[0];
    if (!strcmp(cmd, "hello")) {
        cmd_hello(&args[1]);
    } else if (!strcmp(cmd, "config")) {
        cmd_config(&args[1], false);
    } else if (!strcmp(cmd, "delete")) {
        cmd_config(&args[1], true);
    } else if (!strcmp(cmd, "snapshot")) {
        cmd_snapshot(&args[1]);
    } else if (!strcmp(cmd, "rec")) {
        cmd_rec(&args[1]);
    } else if (!strcmp(cmd, "end")) {
        cmd_end();
    } else if (!strcmp(cmd, "empty-records")) {
        cmd_empty_records(&args[1]);
    } else if (!strcmp(cmd, "frame") || !strcmp(cmd, "raw")) {
        struct ofpbuf buf;
        ofpbuf_init(&buf, 0);
        if (cmd[0] == 'f') {
            ovs_be32 len = htonl(args[1] ? strlen(args[1]) / 2 : 0);
            ofpbuf_put(&buf, &len, sizeof len);
        }
        if (args[1]) {
            parse_hex(args[1], &buf);
        }
        send_bytes(buf.data, buf.size);
        ofpbuf_uninit(&buf);
    } else if (!strcmp(cmd, "wait") && args[1] && !strcmp(args[1], "ack")
               && args[2]) {
        uint64_t seq = parse_u64(args[2]);
        char *what = xasprintf("ack %"PRIu64, seq);
        receive(is_ack, &seq, timeout_ms, what);
        free(what);
    } else if (!strcmp(cmd, "wait") && args[1] && !strcmp(args[1], "state")
               && args[2]) {
        char *what = xasprintf("state of %s", args[2]);
        while (awaiting_state(&args[2])) {
            receive(any_msg, NULL, timeout_ms, what);
        }
        free(what);
    } else if (!strcmp(cmd, "wait") && args[1]
               && !strcmp(args[1], "close")) {
        if (!peer_closed) {
            receive(NULL, NULL, timeout_ms, "close");
            if (!peer_closed) {
                fail("timeout waiting for the exporter to close");
            }
        }
    } else if (!strcmp(cmd, "listen") && args[1]) {
        receive(NULL, NULL, parse_u64(args[1]), "listen");
    } else if (!strcmp(cmd, "close")) {
        do_close();
    } else if (!strcmp(cmd, "connect")) {
        if (stream) {
            do_close();
        }
        do_connect();
    } else {
        fail("%s: unknown command", cmd);
    }
}

int
main(int argc, char *argv[])
{
    static const struct option long_options[] = {
        {"timeout", required_argument, NULL, 't'},
        {NULL, 0, NULL, 0},
    };

    set_program_name(argv[0]);
    fatal_ignore_sigpipe();
    vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_OFF);
    for (;;) {
        int c = getopt_long(argc, argv, "t:", long_options, NULL);
        if (c == -1) {
            break;
        } else if (c == 't') {
            timeout_ms = atoi(optarg) * 1000;
        } else {
            exit(2);
        }
    }
    if (optind + 1 != argc) {
        ovs_fatal(0, "usage: %s [--timeout=SECS] unix:PATH < SCRIPT",
                  program_name);
    }
    target = argv[optind];

    flowlog_rx_init(&rx);
    do_connect();

    struct ds line = DS_EMPTY_INITIALIZER;
    while (!ds_get_line(&line, stdin)) {
        line_number++;
        run_line(ds_cstr(&line));
    }
    ds_destroy(&line);
    if (stream) {
        do_close();
    }
    return 0;
}
