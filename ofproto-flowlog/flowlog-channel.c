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

/* The channel to ovs-flowlog-exporter, ovs-vswitchd's side.
 *
 * Closed snapshots wait in a queue bounded by flowlog-queue-max-bytes until
 * the exporter acknowledges them (it does so only once they are durable in
 * its spool).  The connection is non-blocking and reconnects with backoff;
 * after every (re)connection it announces each logger's configuration and
 * sends the queue again from its oldest snapshot, in order.  Frames are
 * built only when the previous ones have left, so the memory this takes
 * beyond the queue is one frame. */

#include <config.h>
#include "ofproto-flowlog/flowlog-channel.h"

#include <errno.h>

#include "lib/flowlog-msg.h"
#include "lib/flowlog-record.h"
#include "ofproto-flowlog/flowlog-ports.h"
#include "ofproto-flowlog/flowlog-snapshot.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "reconnect.h"
#include "stream.h"
#include "timeval.h"
#include "util.h"
#include "uuid.h"

VLOG_DEFINE_THIS_MODULE(flowlog_channel);

/* A snapshot dropped past flowlog-queue-max-bytes. */
struct chan_drop {
    uint64_t no;                /* Its logger's drop number, from 1. */
    uint64_t seq;
    long long int start, end;   /* Wall ms. */
    uint64_t n_records;
};

/* A logger's drops that no acknowledged snapshot of it reported yet are
 * listed in the next ones, at most this many (the latest). */
#define DROPS_LISTED_MAX 64

/* What the channel knows of a logger. */
struct chan_logger {
    char *options;              /* Effective logger string. */
    char *region;
    char *system_id;
    bool announced;             /* LoggerConfig sent on this connection. */
    char *state;                /* From the exporter, or NULL. */
    char *reason;
    uint64_t n_sent, n_acked, n_dropped;

    /* Dropped past flowlog-queue-max-bytes: records in all, the last drop,
     * and those not yet reported in an acknowledged snapshot of the logger
     * (listed, oldest first, and the earlier ones counted). */
    uint64_t n_dropped_records;
    struct chan_drop last_drop;
    struct chan_drop drops[DROPS_LISTED_MAX];
    size_t n_drops;
    uint64_t unlisted, unlisted_records, unlisted_last_no;

    /* What the exporter dropped past the logger's share of its spool,
     * since it started, as its last LoggerState said. */
    uint64_t exporter_dropped, exporter_dropped_records;
};

static struct shash loggers = SHASH_INITIALIZER(&loggers);
static struct shash deleted = SHASH_INITIALIZER(&deleted);

static char *target;
static struct reconnect *rc;
static struct stream *stream;
static struct flowlog_rx rx;
static struct ofpbuf tx;
static bool connected;
static char boot_uuid[UUID_LEN + 1];
static char *hello_system_id;

/* The queue of closed snapshots, oldest first. */
static struct ovs_list queue = OVS_LIST_INITIALIZER(&queue);
static size_t queue_bytes;
static size_t queue_len;
static uint64_t n_dropped;

/* Sending: the snapshot being framed and its next record, and the sequence
 * number below which everything queued has been sent on this connection. */
static struct fl_snapshot *sending;
static size_t sending_next;
static bool sending_begun;
static uint64_t sent_below;

static struct chan_logger *
logger_get(const char *name)
{
    struct chan_logger *cl = shash_find_data(&loggers, name);

    if (!cl) {
        cl = xzalloc(sizeof *cl);
        shash_add(&loggers, name, cl);
    }
    return cl;
}

static void
chan_logger_free(struct chan_logger *cl)
{
    if (cl) {
        free(cl->options);
        free(cl->region);
        free(cl->system_id);
        free(cl->state);
        free(cl->reason);
        free(cl);
    }
}

static void
channel_init(void)
{
    if (!rc) {
        struct uuid u;

        uuid_generate(&u);
        snprintf(boot_uuid, sizeof boot_uuid, UUID_FMT, UUID_ARGS(&u));
        rc = reconnect_create(time_msec());
        reconnect_set_backoff(rc, 1000, 8000);
        reconnect_set_probe_interval(rc, 0);
        reconnect_set_quiet(rc, false);
        flowlog_rx_init(&rx);
        ofpbuf_init(&tx, 0);
    }
}

const char *
fl_channel_boot_uuid(void)
{
    channel_init();
    return boot_uuid;
}

/* Sets the exporter's address ("unix:PATH") and the host's system-id. */
void
fl_channel_set_target(const char *new_target, const char *system_id)
{
    channel_init();
    if (!hello_system_id || strcmp(hello_system_id, system_id)) {
        free(hello_system_id);
        hello_system_id = xstrdup(system_id);
    }
    if (target && !strcmp(target, new_target)) {
        return;
    }
    free(target);
    target = xstrdup(new_target);
    reconnect_set_name(rc, target);
    reconnect_enable(rc, time_msec());
    reconnect_force_reconnect(rc, time_msec());
}

static void
put_msg(const Flowlog__Message *msg)
{
    flowlog_msg_put(&tx, msg);
}

static void
put_logger_config(const char *name, const struct chan_logger *cl,
                  bool is_deleted)
{
    Flowlog__LoggerConfig lc = FLOWLOG__LOGGER_CONFIG__INIT;
    Flowlog__Message msg = FLOWLOG__MESSAGE__INIT;

    lc.name = CONST_CAST(char *, name);
    lc.options = cl && cl->options ? cl->options : "";
    lc.region = cl ? cl->region : NULL;
    lc.system_id = cl ? cl->system_id : NULL;
    lc.has_deleted = is_deleted;
    lc.deleted = is_deleted;
    msg.body_case = FLOWLOG__MESSAGE__BODY_LOGGER_CONFIG;
    msg.logger_config = &lc;
    put_msg(&msg);
}

/* Records (or updates) what logger 'name' announces to the exporter. */
void
fl_channel_logger_config(const char *name, const char *options,
                         const char *region, const char *system_id)
{
    struct chan_logger *cl = logger_get(name);

    if (cl->options && !strcmp(cl->options, options)
        && cl->region && !strcmp(cl->region, region)
        && cl->system_id && !strcmp(cl->system_id, system_id)) {
        return;
    }
    free(cl->options);
    free(cl->region);
    free(cl->system_id);
    cl->options = xstrdup(options);
    cl->region = xstrdup(region);
    cl->system_id = xstrdup(system_id);
    cl->announced = false;
    shash_find_and_delete(&deleted, name);
}

void
fl_channel_logger_deleted(const char *name)
{
    chan_logger_free(shash_find_and_delete(&loggers, name));
    if (!shash_find(&deleted, name)) {
        shash_add(&deleted, name, NULL);
    }
}

const char *
fl_channel_logger_state(const char *name, const char **reason)
{
    struct chan_logger *cl = shash_find_data(&loggers, name);

    *reason = cl ? cl->reason : NULL;
    return cl ? cl->state : NULL;
}

void
fl_channel_logger_counters(const char *name, uint64_t *sent,
                           uint64_t *acked, uint64_t *dropped)
{
    struct chan_logger *cl = shash_find_data(&loggers, name);

    *sent = cl ? cl->n_sent : 0;
    *acked = cl ? cl->n_acked : 0;
    *dropped = cl ? cl->n_dropped : 0;
}

/* Snapshots of logger 'name' (and their records) that the exporter reports
 * it dropped past the logger's share of its spool. */
void
fl_channel_logger_exporter_drops(const char *name, uint64_t *dropped,
                                 uint64_t *records)
{
    struct chan_logger *cl = shash_find_data(&loggers, name);

    *dropped = cl ? cl->exporter_dropped : 0;
    *records = cl ? cl->exporter_dropped_records : 0;
}

/* Logger 'name''s snapshots dropped past flowlog-queue-max-bytes: stores
 * their records in '*records' and returns true if there is one, with the
 * last one's sequence number, interval and records in the others. */
bool
fl_channel_logger_last_drop(const char *name, uint64_t *records,
                            uint64_t *seq, long long int *start,
                            long long int *end, uint64_t *n_records)
{
    struct chan_logger *cl = shash_find_data(&loggers, name);

    if (!cl || !cl->n_dropped) {
        *records = 0;
        return false;
    }
    *records = cl->n_dropped_records;
    *seq = cl->last_drop.seq;
    *start = cl->last_drop.start;
    *end = cl->last_drop.end;
    *n_records = cl->last_drop.n_records;
    return true;
}

/* Remembers that snapshot 'old' was dropped, for its logger's counters and
 * its next snapshots' SnapshotBegin. */
static void
record_drop(const struct fl_snapshot *old)
{
    struct chan_logger *cl = shash_find_data(&loggers, old->logger);

    if (!cl) {
        return;                 /* Deleted: there will be no next one. */
    }
    cl->n_dropped++;
    cl->n_dropped_records += old->n_records;
    cl->last_drop = (struct chan_drop) {
        .no = cl->n_dropped,
        .seq = old->seq,
        .start = old->start,
        .end = old->end,
        .n_records = old->n_records,
    };
    if (cl->n_drops == DROPS_LISTED_MAX) {
        cl->unlisted++;
        cl->unlisted_records += cl->drops[0].n_records;
        cl->unlisted_last_no = cl->drops[0].no;
        memmove(&cl->drops[0], &cl->drops[1],
                (DROPS_LISTED_MAX - 1) * sizeof cl->drops[0]);
        cl->n_drops--;
    }
    cl->drops[cl->n_drops++] = cl->last_drop;
}

/* Snapshot 's' was acknowledged: the drops its SnapshotBegin reported
 * need not be reported again. */
static void
forget_reported_drops(const struct fl_snapshot *s)
{
    struct chan_logger *cl = shash_find_data(&loggers, s->logger);
    size_t n = 0;

    if (!cl) {
        return;
    }
    if (cl->unlisted && cl->unlisted_last_no <= s->drops_reported) {
        cl->unlisted = cl->unlisted_records = 0;
    }
    while (n < cl->n_drops && cl->drops[n].no <= s->drops_reported) {
        n++;
    }
    memmove(&cl->drops[0], &cl->drops[n],
            (cl->n_drops - n) * sizeof cl->drops[0]);
    cl->n_drops -= n;
}

static void
snapshot_count(const char *logger, int which)
{
    struct chan_logger *cl = shash_find_data(&loggers, logger);
    if (cl) {
        uint64_t *c[] = { &cl->n_sent, &cl->n_acked, &cl->n_dropped };
        (*c[which])++;
    }
}

/* "START to END", UTC with milliseconds. */
static void
format_interval(struct ds *s, long long int start, long long int end)
{
    fl_format_time(s, start);
    ds_put_cstr(s, " to ");
    fl_format_time(s, end);
}

/* The oldest snapshot that the bound may drop to make room for 'newest':
 * not the one being sent, and only one of an interval that ended before
 * the newest's (loggers close at the same aligned times, so the snapshots
 * of one close never push each other out).  NULL if there is none. */
static struct fl_snapshot *
droppable(const struct fl_snapshot *newest)
{
    struct fl_snapshot *s;

    LIST_FOR_EACH (s, node, &queue) {
        if (s != sending && s != newest && s->end < newest->end) {
            return s;
        }
    }
    return NULL;
}

/* Takes ownership of 's' and queues it for the exporter.  Past
 * flowlog-queue-max-bytes the oldest snapshot of an earlier close (see
 * droppable()) is dropped, counted, logged and reported in the next
 * snapshot. */
void
fl_channel_push(struct fl_snapshot *s, uint64_t max_bytes)
{
    channel_init();
    ovs_list_push_back(&queue, &s->node);
    queue_bytes += s->bytes;
    queue_len++;

    struct fl_snapshot *old;
    while (queue_bytes > max_bytes && (old = droppable(s))) {
        struct ds iv = DS_EMPTY_INITIALIZER;
        format_interval(&iv, old->start, old->end);
        VLOG_WARN("snapshot queue over flowlog-queue-max-bytes=%"PRIu64": "
                  "dropped snapshot %"PRIu64" of logger %s (%"PRIuSIZE
                  " records, interval %s, not acknowledged by the "
                  "exporter)", max_bytes, old->seq, old->logger,
                  old->n_records, ds_cstr(&iv));
        ds_destroy(&iv);
        ovs_list_remove(&old->node);
        queue_bytes -= old->bytes;
        queue_len--;
        n_dropped++;
        record_drop(old);
        fl_snapshot_free(old);
    }
}

static void
disconnect(const char *why)
{
    if (stream) {
        if (why) {
            VLOG_WARN("%s: disconnecting: %s", target, why);
        }
        stream_close(stream);
        stream = NULL;
    }
    connected = false;
    ofpbuf_clear(&tx);
    flowlog_rx_destroy(&rx);
    flowlog_rx_init(&rx);
    sending = NULL;
    sending_begun = false;
    sent_below = 0;
    reconnect_disconnected(rc, time_msec(), 0);
}

static void
on_connected(void)
{
    Flowlog__Hello hello = FLOWLOG__HELLO__INIT;
    Flowlog__Message msg = FLOWLOG__MESSAGE__INIT;
    struct shash_node *node;

    connected = true;
    reconnect_connected(rc, time_msec());
    /* reconnect already logs the connection at INFO. */
    VLOG_DBG("%s: connected to the exporter; %"PRIuSIZE" snapshots to "
             "send", target, queue_len);

    hello.boot_uuid = boot_uuid;
    hello.system_id = hello_system_id ? hello_system_id : "";
    hello.has_version = true;
    hello.version = 1;
    msg.body_case = FLOWLOG__MESSAGE__BODY_HELLO;
    msg.hello = &hello;
    put_msg(&msg);

    SHASH_FOR_EACH (node, &loggers) {
        struct chan_logger *cl = node->data;
        cl->announced = false;
    }
    sent_below = 0;
}

static void
handle_ack(const Flowlog__Ack *ack)
{
    struct fl_snapshot *s;

    if (strcmp(ack->boot_uuid, boot_uuid)) {
        return;                 /* For an earlier run of ovs-vswitchd. */
    }
    LIST_FOR_EACH (s, node, &queue) {
        if (s->seq == ack->seq) {
            if (s == sending) {
                /* Acknowledged before we finished sending it again. */
                return;
            }
            VLOG_DBG("snapshot %"PRIu64" acknowledged", s->seq);
            ovs_list_remove(&s->node);
            queue_bytes -= s->bytes;
            queue_len--;
            snapshot_count(s->logger, 1);
            forget_reported_drops(s);
            fl_snapshot_free(s);
            return;
        }
    }
}

static void
handle_logger_state(const Flowlog__LoggerState *ls)
{
    struct chan_logger *cl = shash_find_data(&loggers, ls->name);

    if (!cl) {
        return;
    }
    if (!cl->state || strcmp(cl->state, ls->state)
        || !nullable_string_is_equal(cl->reason, ls->reason)) {
        VLOG_INFO("logger %s: exporter reports %s%s%s", ls->name, ls->state,
                  ls->reason ? ": " : "", ls->reason ? ls->reason : "");
    }
    if (ls->has_spool_dropped && ls->spool_dropped > cl->exporter_dropped) {
        VLOG_WARN("logger %s: the exporter dropped %"PRIu64" snapshots "
                  "(%"PRIu64" records in all) past the logger's share of "
                  "its spool", ls->name, ls->spool_dropped,
                  ls->spool_dropped_records);
    }
    free(cl->state);
    free(cl->reason);
    cl->state = xstrdup(ls->state);
    cl->reason = nullable_xstrdup(ls->reason);
    if (ls->has_spool_dropped) {
        cl->exporter_dropped = ls->spool_dropped;
        cl->exporter_dropped_records = ls->spool_dropped_records;
    }
}

static void
receive(void)
{
    for (int i = 0; i < 50 && stream; i++) {
        Flowlog__Message *msg;
        char *error;
        int retval = flowlog_rx_recv(&rx, stream, &msg, &error);

        if (retval == EAGAIN) {
            return;
        } else if (retval == EOF) {
            disconnect("connection closed by the exporter");
            return;
        } else if (retval == EPROTO) {
            disconnect(error);
            free(error);
            return;
        } else if (retval) {
            disconnect(ovs_strerror(retval));
            return;
        }

        switch (msg->body_case) {
        case FLOWLOG__MESSAGE__BODY_ACK:
            handle_ack(msg->ack);
            break;
        case FLOWLOG__MESSAGE__BODY_LOGGER_STATE:
            handle_logger_state(msg->logger_state);
            break;
        case FLOWLOG__MESSAGE__BODY__NOT_SET:
        case FLOWLOG__MESSAGE__BODY_HELLO:
        case FLOWLOG__MESSAGE__BODY_LOGGER_CONFIG:
        case FLOWLOG__MESSAGE__BODY_SNAPSHOT_BEGIN:
        case FLOWLOG__MESSAGE__BODY_SNAPSHOT_RECORDS:
        case FLOWLOG__MESSAGE__BODY_SNAPSHOT_END:
        case _FLOWLOG__MESSAGE__BODY__CASE_IS_INT_SIZE:
        default:
            flowlog_msg_free(msg);
            disconnect("unexpected message from the exporter");
            return;
        }
        flowlog_msg_free(msg);
    }
}

static struct fl_snapshot *
next_to_send(void)
{
    struct fl_snapshot *s;

    LIST_FOR_EACH (s, node, &queue) {
        if (s->seq >= sent_below) {
            return s;
        }
    }
    return NULL;
}

/* Appends the next frame of snapshot 'sending' to 'tx'. */
static void
frame_snapshot(void)
{
    struct fl_snapshot *s = sending;
    Flowlog__Message msg = FLOWLOG__MESSAGE__INIT;

    if (!sending_begun) {
        Flowlog__SnapshotBegin b = FLOWLOG__SNAPSHOT_BEGIN__INIT;
        Flowlog__LoggerConfig lc = FLOWLOG__LOGGER_CONFIG__INIT;
        struct ds options = DS_EMPTY_INITIALIZER;

        flowlog_logger_opts_format(&s->opts, &options);
        lc.name = s->logger;
        lc.options = ds_cstr(&options);
        lc.region = s->region;
        lc.system_id = s->host;
        b.boot_uuid = boot_uuid;
        b.seq = s->seq;
        b.logger = &lc;
        b.start_ms = s->start;
        b.end_ms = s->end;
        b.n_records = s->n_records;
        b.has_dropped = true;
        b.dropped = n_dropped;

        /* This logger's drops that no acknowledged snapshot reported. */
        struct chan_logger *cl = shash_find_data(&loggers, s->logger);
        Flowlog__DroppedSnapshot drops[DROPS_LISTED_MAX];
        Flowlog__DroppedSnapshot *dropsp[DROPS_LISTED_MAX];
        if (cl) {
            b.has_logger_dropped = true;
            b.logger_dropped = cl->n_dropped;
            for (size_t i = 0; i < cl->n_drops; i++) {
                const struct chan_drop *d = &cl->drops[i];

                flowlog__dropped_snapshot__init(&drops[i]);
                drops[i].seq = d->seq;
                drops[i].start_ms = d->start;
                drops[i].end_ms = d->end;
                drops[i].n_records = d->n_records;
                dropsp[i] = &drops[i];
            }
            b.n_dropped_snapshots = cl->n_drops;
            b.dropped_snapshots = dropsp;
            b.has_dropped_unlisted = b.has_dropped_unlisted_records
                = cl->unlisted > 0;
            b.dropped_unlisted = cl->unlisted;
            b.dropped_unlisted_records = cl->unlisted_records;
            s->drops_reported = cl->n_dropped;
        }
        msg.body_case = FLOWLOG__MESSAGE__BODY_SNAPSHOT_BEGIN;
        msg.snapshot_begin = &b;
        put_msg(&msg);
        ds_destroy(&options);
        sending_begun = true;
        sending_next = 0;
    } else if (sending_next < s->n_records) {
        /* As many records as fit a quarter of the frame limit. */
        size_t max = MIN(s->n_records - sending_next,
                         FLOWLOG_RECORDS_PER_FRAME);
        Flowlog__SnapshotRecords r = FLOWLOG__SNAPSHOT_RECORDS__INIT;
        Flowlog__Record *recs = xmalloc(max * sizeof *recs);
        Flowlog__Record **ptrs = xmalloc(max * sizeof *ptrs);
        size_t n = 0, bytes = 0;

        while (n < max) {
            struct flowlog_record rec;

            fl_snapshot_record(s, sending_next + n, &rec);
            flowlog_record_to_pb(&rec, &recs[n]);
            bytes += flowlog__record__get_packed_size(&recs[n]) + 8;
            if (n && bytes > FLOWLOG_MAX_FRAME / 4) {
                break;
            }
            ptrs[n] = &recs[n];
            n++;
        }
        r.seq = s->seq;
        r.n_records = n;
        r.records = ptrs;
        msg.body_case = FLOWLOG__MESSAGE__BODY_SNAPSHOT_RECORDS;
        msg.snapshot_records = &r;
        put_msg(&msg);
        free(ptrs);
        free(recs);
        sending_next += n;
    } else {
        Flowlog__SnapshotEnd e = FLOWLOG__SNAPSHOT_END__INIT;

        e.seq = s->seq;
        msg.body_case = FLOWLOG__MESSAGE__BODY_SNAPSHOT_END;
        msg.snapshot_end = &e;
        put_msg(&msg);
        snapshot_count(s->logger, 0);
        sent_below = s->seq + 1;
        sending = NULL;
        sending_begun = false;
    }
}

/* Refills 'tx' when it is empty: logger announcements first, then the next
 * frame of the queue. */
static void
refill(void)
{
    struct shash_node *node;

    if (tx.size) {
        return;
    }
    SHASH_FOR_EACH_SAFE (node, &deleted) {
        put_logger_config(node->name, NULL, true);
        shash_delete(&deleted, node);
    }
    SHASH_FOR_EACH (node, &loggers) {
        struct chan_logger *cl = node->data;
        if (!cl->announced && cl->options) {
            put_logger_config(node->name, cl, false);
            cl->announced = true;
        }
    }
    if (!tx.size) {
        if (!sending) {
            sending = next_to_send();
            sending_begun = false;
        }
        if (sending) {
            frame_snapshot();
        }
    }
}

static void
transmit(void)
{
    for (int i = 0; i < 64 && stream && connected; i++) {
        refill();
        if (!tx.size) {
            return;
        }
        int n = stream_send(stream, tx.data, tx.size);
        if (n > 0) {
            ofpbuf_pull(&tx, n);
            if (!tx.size) {
                ofpbuf_clear(&tx);
            }
        } else if (n == -EAGAIN) {
            return;
        } else {
            disconnect(ovs_strerror(-n));
            return;
        }
    }
}

void
fl_channel_run(void)
{
    if (!rc || !target) {
        return;
    }

    if (stream) {
        stream_run(stream);
    }
    switch (reconnect_run(rc, time_msec())) {
    case RECONNECT_CONNECT: {
        if (stream) {
            disconnect(NULL);
        }
        int error = stream_open(target, &stream, DSCP_DEFAULT);
        if (error) {
            reconnect_connect_failed(rc, time_msec(), error);
            stream = NULL;
        } else {
            reconnect_connecting(rc, time_msec());
        }
        break;
    }
    case RECONNECT_DISCONNECT:
        disconnect(NULL);
        break;
    case RECONNECT_PROBE:
    default:
        break;
    }

    if (stream && !connected) {
        int error = stream_connect(stream);
        if (!error) {
            on_connected();
        } else if (error != EAGAIN) {
            reconnect_connect_failed(rc, time_msec(), error);
            stream_close(stream);
            stream = NULL;
        }
    }
    if (stream && connected) {
        receive();
    }
    if (stream && connected) {
        transmit();
    }
}

void
fl_channel_wait(void)
{
    if (!rc || !target) {
        return;
    }
    if (stream) {
        stream_run_wait(stream);
        if (!connected) {
            stream_connect_wait(stream);
        } else {
            stream_recv_wait(stream);
            if (tx.size) {
                stream_send_wait(stream);
            } else if (next_to_send() || sending) {
                poll_immediate_wake();
            }
        }
    }
    reconnect_wait(rc, time_msec());
}

bool
fl_channel_is_connected(void)
{
    return connected;
}

bool
fl_channel_queue_empty(void)
{
    return !queue_len;
}

void
fl_channel_show(struct ds *s, uint64_t max_bytes)
{
    ds_put_format(s, "queue: %"PRIuSIZE" snapshots, %"PRIuSIZE" bytes of "
                  "%"PRIu64", dropped %"PRIu64"\n", queue_len, queue_bytes,
                  max_bytes, n_dropped);
    ds_put_format(s, "exporter: %s (%s)\n", target ? target : "none",
                  connected ? "connected"
                  : stream ? "connecting" : "not connected");
    ds_put_format(s, "boot: %s\n", boot_uuid);
}

/* Adds to 'obj' what fl_channel_show() prints: members "queue" (snapshots,
 * bytes, max_bytes, dropped), "exporter" (target, state) and "boot". */
void
fl_channel_show_json(struct json *obj, uint64_t max_bytes)
{
    struct json *q = json_object_create();
    json_object_put(q, "snapshots", json_integer_create(queue_len));
    json_object_put(q, "bytes", json_integer_create(queue_bytes));
    json_object_put(q, "max_bytes", json_integer_create(max_bytes));
    json_object_put(q, "dropped", json_integer_create(n_dropped));
    json_object_put(obj, "queue", q);

    struct json *x = json_object_create();
    json_object_put(x, "target",
                    target ? json_string_create(target) : json_null_create());
    json_object_put_string(x, "state",
                           connected ? "connected"
                           : stream ? "connecting" : "not connected");
    json_object_put(obj, "exporter", x);
    json_object_put_string(obj, "boot", boot_uuid);
}

/* What a graceful exit loses of one logger. */
struct lost_logger {
    size_t n;                   /* Snapshots. */
    uint64_t n_records;
    long long int end;          /* End of the last one. */
    struct ds intervals;        /* "START to END, ..." but the last END. */
};

/* Logs what is still queued, at a graceful exit that loses it: one line per
 * logger, naming its snapshots' intervals (contiguous ones as one) and
 * records, and the queue's size against its bound 'max_bytes'. */
void
fl_channel_log_unacknowledged(uint64_t max_bytes)
{
    struct shash lost = SHASH_INITIALIZER(&lost);
    struct fl_snapshot *s;

    LIST_FOR_EACH (s, node, &queue) {
        struct lost_logger *ll = shash_find_data(&lost, s->logger);

        if (!ll) {
            ll = xzalloc(sizeof *ll);
            ds_init(&ll->intervals);
            shash_add(&lost, s->logger, ll);
        }
        if (!ll->n || s->start != ll->end) {
            if (ll->n) {
                ds_put_cstr(&ll->intervals, " to ");
                fl_format_time(&ll->intervals, ll->end);
                ds_put_cstr(&ll->intervals, ", ");
            }
            fl_format_time(&ll->intervals, s->start);
        }
        ll->n++;
        ll->n_records += s->n_records;
        ll->end = s->end;
    }

    const struct shash_node **nodes = shash_sort(&lost);
    for (size_t i = 0; i < shash_count(&lost); i++) {
        struct lost_logger *ll = nodes[i]->data;

        ds_put_cstr(&ll->intervals, " to ");
        fl_format_time(&ll->intervals, ll->end);
        VLOG_WARN("exiting with snapshots not acknowledged by an exporter; "
                  "they are lost: logger %s: %"PRIuSIZE" snapshots, %"PRIu64
                  " records, intervals %s (queue %"PRIuSIZE" bytes of "
                  "flowlog-queue-max-bytes=%"PRIu64", %"PRIu64" snapshots "
                  "dropped before)", nodes[i]->name, ll->n, ll->n_records,
                  ds_cstr(&ll->intervals), queue_bytes, max_bytes,
                  n_dropped);
        ds_destroy(&ll->intervals);
    }
    free(nodes);
    shash_destroy_free_data(&lost);
}

/* ovs-appctl flowlog/queue: lists the queue, or prints one snapshot. */
bool
fl_channel_queue_format(struct ds *s, bool one, uint64_t seq)
{
    struct fl_snapshot *snap;

    LIST_FOR_EACH (snap, node, &queue) {
        if (!one) {
            fl_snapshot_format_line(s, snap);
        } else if (snap->seq == seq) {
            fl_snapshot_format_csv(s, snap);
            return true;
        }
    }
    return !one;
}

/* flowlog/queue --format json: returns {"queue": [SNAPSHOT...]} with the
 * queue's snapshots, or, if 'one', snapshot 'seq' with its records as
 * {"snapshot": SNAPSHOT}, or NULL if it is not in the queue. */
struct json *
fl_channel_queue_to_json(bool one, uint64_t seq)
{
    struct json *array = json_array_create_empty();
    struct json *obj = json_object_create();
    struct fl_snapshot *snap;

    LIST_FOR_EACH (snap, node, &queue) {
        if (!one) {
            json_array_add(array, fl_snapshot_to_json(snap, false));
        } else if (snap->seq == seq) {
            json_destroy(array);
            json_object_put(obj, "snapshot", fl_snapshot_to_json(snap, true));
            return obj;
        }
    }
    if (one) {
        json_destroy(array);
        json_destroy(obj);
        return NULL;
    }
    json_object_put(obj, "queue", array);
    return obj;
}
