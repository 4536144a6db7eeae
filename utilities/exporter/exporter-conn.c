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

#include <config.h>
#include "utilities/exporter/exporter-conn.h"

#include <errno.h>
#include <string.h>

#include "lib/flowlog-config.h"
#include "lib/flowlog-msg.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/ofpbuf.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "stream.h"
#include "timeval.h"
#include "util.h"
#include "utilities/exporter/exporter-logger.h"
#include "utilities/exporter/exporter-spool.h"
#include "uuid.h"

VLOG_DEFINE_THIS_MODULE(exporter_conn);

/* Bad frames and protocol errors: one line per closed connection, and not
 * too many of them. */
static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

/* After the spool failed to write a snapshot, how long to wait before
 * closing the connection, so that ovs-vswitchd reconnects and resends. */
#define SPOOL_ERROR_RETRY_MS 10000

/* Messages handled per exporter_conn_run() at most. */
#define MESSAGES_PER_RUN 64

/* Why a connection no longer acknowledges snapshots.
 *
 * ovs-vswitchd resends unacknowledged snapshots, in order, only after it
 * reconnects.  So once one snapshot could not be spooled, later ones on the
 * same connection are not acknowledged either (that would leave a hole in
 * its queue until the next reconnect); instead, once the spool can take
 * them again, the exporter closes the connection, and ovs-vswitchd
 * reconnects and resends them all, oldest first. */
enum stall {
    STALL_NONE,
    STALL_FULL,                 /* No room: a full file system, or a
                                 * working logger past its share. */
    STALL_ERROR,                /* Writing to the spool failed. */
};

struct exporter_conn {
    struct stream *stream;
    char *name;                 /* For log messages. */
    struct exporter_spool *spool;
    struct flowlog_rx rx;
    struct ofpbuf tx;           /* Output not yet sent. */
    bool more;                  /* Stopped at MESSAGES_PER_RUN. */

    /* From Hello. */
    char *boot_uuid;
    char *system_id;

    /* The snapshot being received, if 'begin' is nonnull. */
    Flowlog__Message *begin;
    uint64_t n_received;        /* Records received so far. */
    bool known;                 /* Already in the spool or delivered. */
    bool refused;               /* Not spooled: stalled connection. */
    struct exporter_spool_writer *writer;   /* Receives it into the spool. */
    uint64_t size;              /* Its frames' size so far. */

    enum stall stall;
    uint64_t stall_size;        /* Size of the snapshot that did not fit. */
    char *stall_logger;         /* Its logger. */
    long long int stall_until;  /* STALL_ERROR: when to close. */

    uint64_t n_acked, n_duplicates, n_refused, n_dropped;
};

struct exporter_conn *
exporter_conn_create(struct stream *stream, struct exporter_spool *spool)
{
    struct exporter_conn *c = xzalloc(sizeof *c);

    c->stream = stream;
    c->name = xstrdup(stream_get_name(stream));
    c->spool = spool;
    flowlog_rx_init(&c->rx);
    ofpbuf_init(&c->tx, 0);
    VLOG_DBG("%s: new connection", c->name);
    return c;
}

void
exporter_conn_destroy(struct exporter_conn *c)
{
    if (c) {
        stream_close(c->stream);
        flowlog_rx_destroy(&c->rx);
        ofpbuf_uninit(&c->tx);
        exporter_spool_abort(c->spool, c->writer);
        flowlog_msg_free(c->begin);
        free(c->boot_uuid);
        free(c->system_id);
        free(c->stall_logger);
        free(c->name);
        free(c);
    }
}

/* "unix#3 (system-id host-1)" into a static buffer. */
static const char *
conn_desc(const struct exporter_conn *c)
{
    static char buf[256];

    if (c->system_id) {
        snprintf(buf, sizeof buf, "%s (system-id %s)", c->name,
                 c->system_id);
    } else {
        snprintf(buf, sizeof buf, "%s", c->name);
    }
    return buf;
}

static void
send_msg(struct exporter_conn *c, const Flowlog__Message *msg)
{
    flowlog_msg_put(&c->tx, msg);
}

static void
send_ack(struct exporter_conn *c, const char *boot_uuid, uint64_t seq)
{
    Flowlog__Ack ack = FLOWLOG__ACK__INIT;
    Flowlog__Message msg = FLOWLOG__MESSAGE__INIT;

    ack.boot_uuid = CONST_CAST(char *, boot_uuid);
    ack.seq = seq;
    msg.body_case = FLOWLOG__MESSAGE__BODY_ACK;
    msg.ack = &ack;
    send_msg(c, &msg);
}

/* Sends LoggerState for 'logger' on 'c', if its peer said Hello. */
void
exporter_conn_send_state(struct exporter_conn *c, const char *logger,
                         enum sink_status status, const char *reason)
{
    Flowlog__LoggerState state = FLOWLOG__LOGGER_STATE__INIT;
    Flowlog__Message msg = FLOWLOG__MESSAGE__INIT;

    if (!c->boot_uuid) {
        return;
    }
    state.name = CONST_CAST(char *, logger);
    state.state = CONST_CAST(char *, sink_status_name(status));
    state.reason = CONST_CAST(char *, reason);
    exporter_spool_logger_counters(c->spool, logger, &state.spool_dropped,
                                   &state.spool_dropped_records);
    state.has_spool_dropped = state.has_spool_dropped_records = true;
    msg.body_case = FLOWLOG__MESSAGE__BODY_LOGGER_STATE;
    msg.logger_state = &state;
    send_msg(c, &msg);
}

/* Stops acknowledging snapshots on 'c' after the spool could not take
 * one: ovs-vswitchd keeps them and sends them again after the connection is
 * closed.  This happens for errors of the spool's file system (out of
 * space, I/O errors) and while a logger whose deliveries work is past its
 * share of the spool, never because of a logger whose target fails: the
 * spool's bound is kept by dropping that logger's snapshots. */
static void
stall(struct exporter_conn *c, int retval, uint64_t size,
      const Flowlog__SnapshotBegin *b, const char *error)
{
    enum stall why = (retval == ENOSPC || retval == EDQUOT
                      || retval == ENOBUFS ? STALL_FULL : STALL_ERROR);

    if (c->stall == STALL_NONE) {
        if (retval == ENOBUFS) {
            VLOG_INFO("%s: not acknowledging snapshot %s/%"PRIu64" yet: %s; "
                      "ovs-vswitchd keeps it and sends it again once they "
                      "are", conn_desc(c), b->boot_uuid, b->seq, error);
        } else if (why == STALL_FULL) {
            VLOG_WARN("%s: spool's file system full: not acknowledging "
                      "snapshot %s/%"PRIu64" of logger %s: %s (free space "
                      "on the spool's file system); ovs-vswitchd keeps it "
                      "and sends it again once there is room", conn_desc(c),
                      b->boot_uuid, b->seq, b->logger->name, error);
        } else {
            VLOG_ERR("%s: not acknowledging snapshot %s/%"PRIu64" of logger "
                     "%s: %s; ovs-vswitchd keeps it and sends it again in "
                     "%d s", conn_desc(c), b->boot_uuid, b->seq,
                     b->logger->name, error, SPOOL_ERROR_RETRY_MS / 1000);
        }
        c->stall = why;
        c->stall_size = size;
        free(c->stall_logger);
        c->stall_logger = xstrdup(b->logger->name);
        c->stall_until = time_msec() + SPOOL_ERROR_RETRY_MS;
    }
}

/* The spool failed to write the snapshot being received. */
static void
spool_failed(struct exporter_conn *c, int retval, char *error)
{
    const Flowlog__SnapshotBegin *b = c->begin->snapshot_begin;

    /* Out of space is retried as soon as there is room; other errors
     * after a while. */
    /* The whole snapshot's size, estimated from the records so far. */
    uint64_t size = c->size;
    if (c->n_received && b->n_records > c->n_received) {
        size = (b->n_records > UINT64_MAX / c->size
                ? UINT64_MAX : c->size * b->n_records / c->n_received);
    }
    stall(c, retval, size, b, error);
    free(error);
    exporter_spool_abort(c->spool, c->writer);
    c->writer = NULL;
    c->refused = true;
}

static char *
handle_hello(struct exporter_conn *c, const Flowlog__Hello *hello)
{
    struct uuid uuid;

    if (c->boot_uuid) {
        return xstrdup("second Hello");
    }
    if (!uuid_from_string(&uuid, hello->boot_uuid)) {
        return xasprintf("Hello: boot_uuid \"%s\" is not a UUID",
                         hello->boot_uuid);
    }
    if (hello->has_version && hello->version != 1) {
        return xasprintf("Hello: protocol version %"PRIu32", but this "
                         "exporter speaks version 1", hello->version);
    }
    c->boot_uuid = xstrdup(hello->boot_uuid);
    c->system_id = xstrdup(hello->system_id);
    VLOG_INFO("%s: ovs-vswitchd connected (boot %s)", conn_desc(c),
              c->boot_uuid);
    exporter_spool_peer_hello(c->spool);
    return NULL;
}

static char *
handle_logger_config(struct exporter_conn *c, const Flowlog__LoggerConfig *lc)
{
    if (!flowlog_logger_name_valid(lc->name)) {
        return xasprintf("LoggerConfig: invalid logger name \"%s\"",
                         lc->name);
    }
    if (lc->has_deleted && lc->deleted) {
        exporter_logger_delete(lc->name);
        exporter_spool_logger_configured(c->spool, lc->name, false);
        return NULL;
    }
    exporter_spool_logger_configured(c->spool, lc->name, true);

    /* ovs-vswitchd announces a new system-id (external_ids:system-id
     * changed) by sending every LoggerConfig again, on the same
     * connection: its Hello is out of date from then on. */
    if (lc->system_id && lc->system_id[0]
        && strcmp(lc->system_id, c->system_id)) {
        VLOG_INFO("%s: system-id is now %s", conn_desc(c), lc->system_id);
        free(c->system_id);
        c->system_id = xstrdup(lc->system_id);
    }

    enum sink_status status;
    const char *reason;
    if (exporter_logger_configure(lc->name, lc->options, c->system_id,
                                  &status, &reason)) {
        exporter_conn_send_state(c, lc->name, status, reason);
    }
    return NULL;
}

static char *
handle_begin(struct exporter_conn *c, Flowlog__Message *msg)
{
    const Flowlog__SnapshotBegin *b = msg->snapshot_begin;
    struct uuid uuid;

    if (c->begin) {
        return xasprintf("SnapshotBegin of snapshot %"PRIu64" inside "
                         "snapshot %"PRIu64, b->seq,
                         c->begin->snapshot_begin->seq);
    }
    if (!uuid_from_string(&uuid, b->boot_uuid)) {
        return xasprintf("SnapshotBegin: boot_uuid \"%s\" is not a UUID",
                         b->boot_uuid);
    }
    if (!flowlog_logger_name_valid(b->logger->name)) {
        return xasprintf("SnapshotBegin: invalid logger name \"%s\"",
                         b->logger->name);
    }

    exporter_logger_vswitchd_drops(b);

    c->begin = msg;
    c->n_received = 0;
    c->size = 0;
    c->known = exporter_spool_knows(c->spool, b->boot_uuid, b->seq);
    c->refused = !c->known && c->stall != STALL_NONE;
    if (!c->known && !c->refused) {
        /* The spool file must be complete by itself: fill in the host from
         * Hello if the snapshot's LoggerConfig lacks it. */
        Flowlog__LoggerConfig lc = *b->logger;
        Flowlog__SnapshotBegin copy = *b;
        Flowlog__Message m = FLOWLOG__MESSAGE__INIT;

        if (!lc.system_id || !lc.system_id[0]) {
            lc.system_id = c->system_id;
        }
        copy.logger = &lc;
        m.body_case = FLOWLOG__MESSAGE__BODY_SNAPSHOT_BEGIN;
        m.snapshot_begin = &copy;
        c->size = flowlog__message__get_packed_size(&m);
        if (c->size > FLOWLOG_MAX_FRAME) {
            c->begin = NULL;
            return xasprintf("SnapshotBegin of snapshot %"PRIu64" is too "
                             "large", b->seq);
        }

        char *error;
        int retval = exporter_spool_begin(c->spool, &m, &c->writer, &error);
        if (retval) {
            spool_failed(c, retval, error);
        }
    }
    return NULL;
}

static char *
handle_records(struct exporter_conn *c, const Flowlog__Message *msg)
{
    const Flowlog__SnapshotRecords *r = msg->snapshot_records;

    if (!c->begin) {
        return xasprintf("SnapshotRecords of snapshot %"PRIu64" without "
                         "SnapshotBegin", r->seq);
    }

    const Flowlog__SnapshotBegin *b = c->begin->snapshot_begin;
    if (r->seq != b->seq) {
        return xasprintf("SnapshotRecords of snapshot %"PRIu64" inside "
                         "snapshot %"PRIu64, r->seq, b->seq);
    }
    if (r->n_records > b->n_records - c->n_received) {
        return xasprintf("snapshot %"PRIu64": more records than the "
                         "%"PRIu64" that SnapshotBegin announced", b->seq,
                         b->n_records);
    }
    c->n_received += r->n_records;

    if (c->writer) {
        char *error;
        c->size += flowlog__message__get_packed_size(msg);
        int retval = exporter_spool_write(c->spool, c->writer, msg, &error);
        if (retval) {
            spool_failed(c, retval, error);
        }
    }
    return NULL;
}

static char *
handle_end(struct exporter_conn *c, const Flowlog__Message *msg)
{
    const Flowlog__SnapshotEnd *end = msg->snapshot_end;

    if (!c->begin) {
        return xasprintf("SnapshotEnd of snapshot %"PRIu64" without "
                         "SnapshotBegin", end->seq);
    }

    const Flowlog__SnapshotBegin *b = c->begin->snapshot_begin;
    if (end->seq != b->seq) {
        return xasprintf("SnapshotEnd of snapshot %"PRIu64" inside "
                         "snapshot %"PRIu64, end->seq, b->seq);
    }
    if (c->n_received != b->n_records) {
        return xasprintf("snapshot %"PRIu64": SnapshotEnd after %"PRIu64
                         " of the %"PRIu64" records that SnapshotBegin "
                         "announced", b->seq, c->n_received, b->n_records);
    }

    if (c->known || exporter_spool_knows(c->spool, b->boot_uuid, b->seq)) {
        /* Already durable (a resend after a lost Ack): ack it again. */
        VLOG_DBG("%s: snapshot %s/%"PRIu64" again: already spooled or "
                 "delivered", conn_desc(c), b->boot_uuid, b->seq);
        exporter_spool_abort(c->spool, c->writer);
        c->writer = NULL;
        send_ack(c, b->boot_uuid, b->seq);
        c->n_duplicates++;
    } else if (c->refused) {
        c->n_refused++;
    } else {
        bool dropped;
        char *error;
        int retval = exporter_spool_commit(c->spool, c->writer, msg,
                                           &dropped, &error);
        c->writer = NULL;
        if (retval) {
            c->size += flowlog__message__get_packed_size(msg);
            stall(c, retval, c->size, b, error);
            free(error);
            c->n_refused++;
        } else {
            /* Spooled, or dropped past its logger's share of the spool
             * (counted and logged by the spool): either way ovs-vswitchd
             * need not keep it. */
            send_ack(c, b->boot_uuid, b->seq);
            c->n_acked++;
            c->n_dropped += dropped;
        }
    }

    flowlog_msg_free(c->begin);
    c->begin = NULL;
    return NULL;
}

static const char *
body_name(Flowlog__Message__BodyCase body)
{
    /* int: protobuf-c adds an enumerator that no message uses. */
    switch ((int) body) {
    case FLOWLOG__MESSAGE__BODY_HELLO: return "Hello";
    case FLOWLOG__MESSAGE__BODY_LOGGER_CONFIG: return "LoggerConfig";
    case FLOWLOG__MESSAGE__BODY_SNAPSHOT_BEGIN: return "SnapshotBegin";
    case FLOWLOG__MESSAGE__BODY_SNAPSHOT_RECORDS: return "SnapshotRecords";
    case FLOWLOG__MESSAGE__BODY_SNAPSHOT_END: return "SnapshotEnd";
    case FLOWLOG__MESSAGE__BODY_ACK: return "Ack";
    case FLOWLOG__MESSAGE__BODY_LOGGER_STATE: return "LoggerState";
    case FLOWLOG__MESSAGE__BODY__NOT_SET:
    default:
        return "<unknown>";
    }
}

/* Handles 'msg' and frees it (or keeps it).  Returns a protocol error, if
 * any, that closes the connection. */
static char *
handle_msg(struct exporter_conn *c, Flowlog__Message *msg)
{
    char *error = NULL;

    if (!c->boot_uuid && msg->body_case != FLOWLOG__MESSAGE__BODY_HELLO) {
        error = xasprintf("%s before Hello", body_name(msg->body_case));
    } else {
        switch ((int) msg->body_case) {
        case FLOWLOG__MESSAGE__BODY_HELLO:
            error = handle_hello(c, msg->hello);
            break;
        case FLOWLOG__MESSAGE__BODY_LOGGER_CONFIG:
            error = handle_logger_config(c, msg->logger_config);
            break;
        case FLOWLOG__MESSAGE__BODY_SNAPSHOT_BEGIN:
            error = handle_begin(c, msg);
            if (!error) {
                return NULL;    /* Kept in c->begin. */
            }
            break;
        case FLOWLOG__MESSAGE__BODY_SNAPSHOT_RECORDS:
            error = handle_records(c, msg);
            break;
        case FLOWLOG__MESSAGE__BODY_SNAPSHOT_END:
            error = handle_end(c, msg);
            break;
        case FLOWLOG__MESSAGE__BODY_ACK:
        case FLOWLOG__MESSAGE__BODY_LOGGER_STATE:
        case FLOWLOG__MESSAGE__BODY__NOT_SET:
        default:
            error = xasprintf("unexpected %s (only the exporter sends it)",
                              body_name(msg->body_case));
            break;
        }
    }
    flowlog_msg_free(msg);
    return error;
}

static bool
flush(struct exporter_conn *c)
{
    while (c->tx.size) {
        int n = stream_send(c->stream, c->tx.data, c->tx.size);
        if (n > 0) {
            ofpbuf_pull(&c->tx, n);
        } else if (n == -EAGAIN) {
            return true;
        } else {
            VLOG_INFO_RL(&rl, "%s: send failed (%s); closing the connection",
                         conn_desc(c), ovs_strerror(-n));
            return false;
        }
    }
    ofpbuf_clear(&c->tx);
    return true;
}

/* Receives and handles messages, sends replies.  Returns false if the
 * connection is closed and should be destroyed. */
bool
exporter_conn_run(struct exporter_conn *c)
{
    stream_run(c->stream);

    c->more = false;
    for (int i = 0; ; i++) {
        if (i >= MESSAGES_PER_RUN) {
            c->more = true;
            break;
        }

        Flowlog__Message *msg;
        char *error = NULL;
        int retval = flowlog_rx_recv(&c->rx, c->stream, &msg, &error);
        if (retval == EAGAIN) {
            break;
        } else if (retval == EOF) {
            VLOG_INFO("%s: connection closed by peer%s", conn_desc(c),
                      c->begin ? " inside a snapshot" : "");
            return false;
        } else if (retval == EPROTO) {
            VLOG_WARN_RL(&rl, "%s: %s; closing the connection", conn_desc(c),
                         error);
            free(error);
            return false;
        } else if (retval) {
            VLOG_WARN_RL(&rl, "%s: receive failed (%s); closing the "
                         "connection", conn_desc(c), ovs_strerror(retval));
            return false;
        }

        error = handle_msg(c, msg);
        if (error) {
            VLOG_WARN_RL(&rl, "%s: protocol error: %s; closing the "
                         "connection", conn_desc(c), error);
            free(error);
            return false;
        }
    }

    if (!flush(c)) {
        return false;
    }

    if ((c->stall == STALL_FULL && !c->begin
         && exporter_spool_has_room(c->spool, c->stall_logger,
                                    c->stall_size))
        || (c->stall == STALL_ERROR && time_msec() >= c->stall_until)) {
        VLOG_INFO("%s: %s; closing the connection so that ovs-vswitchd "
                  "sends the %"PRIu64" unacknowledged snapshots again",
                  conn_desc(c),
                  c->stall == STALL_FULL ? "the spool has room again"
                                         : "retrying the spool",
                  c->n_refused);
        return false;
    }
    return true;
}

void
exporter_conn_wait(struct exporter_conn *c)
{
    stream_run_wait(c->stream);
    stream_recv_wait(c->stream);
    if (c->tx.size) {
        stream_send_wait(c->stream);
    }
    if (c->more) {
        poll_immediate_wake();
    }
    if (c->stall == STALL_FULL) {
        poll_timer_wait(1000);
    } else if (c->stall == STALL_ERROR) {
        poll_timer_wait_until(c->stall_until);
    }
}

void
exporter_conn_format(const struct exporter_conn *c, struct ds *s)
{
    ds_put_format(s, "  %s: ", c->name);
    if (c->boot_uuid) {
        ds_put_format(s, "system-id %s, boot %s", c->system_id,
                      c->boot_uuid);
    } else {
        ds_put_cstr(s, "no Hello yet");
    }
    ds_put_format(s, ", %"PRIu64" acked, %"PRIu64" acked again, %"PRIu64
                  " refused", c->n_acked, c->n_duplicates, c->n_refused);
    if (c->n_dropped) {
        ds_put_format(s, ", %"PRIu64" of the acked dropped past their "
                      "logger's share of the spool", c->n_dropped);
    }
    if (c->stall == STALL_FULL) {
        ds_put_cstr(s, ", not acknowledging: no room in the spool");
    } else if (c->stall == STALL_ERROR) {
        ds_put_cstr(s, ", not acknowledging: spool write failed");
    }
    ds_put_char(s, '\n');
}

/* Returns what exporter_conn_format() prints of 'c' as a JSON object. */
struct json *
exporter_conn_to_json(const struct exporter_conn *c)
{
    struct json *obj = json_object_create();

    json_object_put_string(obj, "name", c->name);
    json_object_put(obj, "system_id",
                    (c->boot_uuid ? json_string_create(c->system_id)
                     : json_null_create()));
    json_object_put(obj, "boot",
                    (c->boot_uuid ? json_string_create(c->boot_uuid)
                     : json_null_create()));
    json_object_put(obj, "acked", json_integer_create(c->n_acked));
    json_object_put(obj, "acked_again", json_integer_create(c->n_duplicates));
    json_object_put(obj, "refused", json_integer_create(c->n_refused));
    json_object_put(obj, "dropped", json_integer_create(c->n_dropped));
    json_object_put(obj, "not_acknowledging",
                    (c->stall == STALL_FULL
                     ? json_string_create("no room in the spool")
                     : c->stall == STALL_ERROR
                     ? json_string_create("spool write failed")
                     : json_null_create()));
    return obj;
}
