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


/* The hook's ovs-appctl commands (see flowlog-unixctl.h). */

#include <config.h>
#include "ofproto-flowlog/flowlog-unixctl.h"

#include "ofproto-flowlog/flowlog-channel.h"
#include "ofproto-flowlog/flowlog-ovsdb.h"
#include "ofproto-flowlog/flowlog-ports.h"
#include "ofproto-flowlog/flowlog-rotation.h"
#include "ofproto-flowlog/flowlog-snapshot.h"
#include "ofproto-flowlog/flowlog-table.h"
#include "openvswitch/dynamic-string.h"
#include "unixctl.h"
#include "util.h"

/* A flowlog/flush command waiting for its intervals to close. */
struct flush_wait {
    struct fl_close_waiter up;
    struct unixctl_conn *conn;
    struct ds reply;
};

static int
compare_bindings(const void *a_, const void *b_)
{
    const struct fl_binding *const *a = a_;
    const struct fl_binding *const *b = b_;
    return strcmp((*a)->id.port_name, (*b)->id.port_name);
}

static void
show_logger(struct ds *s, const struct fl_logger *l)
{
    const struct fl_opts *o = fl_logger_opts(l);

    ds_put_format(s, "logger %s: ", l->name);
    if (l->error) {
        ds_put_format(s, "CONFIG_ERROR (%s)%s\n", l->error,
                      l->has_valid ? "; last valid configuration in force"
                                   : "");
    } else {
        /* What the exporter reported, never a guess. */
        const char *reason;
        const char *state = fl_channel_logger_state(l->name, &reason);
        if (!fl_channel_is_connected()) {
            ds_put_format(s, "PENDING (exporter not connected%s%s)\n",
                          state ? "; last reported: " : "",
                          state ? state : "");
        } else if (!state) {
            ds_put_cstr(s, "PENDING (target not yet checked)\n");
        } else if (strcmp(state, "ACTIVE")) {
            ds_put_format(s, "%s (%s)\n", state, reason ? reason : "");
        } else {
            ds_put_cstr(s, "ACTIVE\n");
        }
    }
    if (!o) {
        return;
    }
    ds_put_cstr(s, "  configuration: ");
    flowlog_logger_opts_format(&o->o, s);
    ds_put_char(s, '\n');

    size_t n = 0;
    struct fl_binding **v = xmalloc(MAX(hmap_count(&l->bindings), 1)
                                    * sizeof *v);
    struct fl_binding *b;
    HMAP_FOR_EACH (b, node, &l->bindings) {
        if (b->attached) {
            v[n++] = b;
        }
    }
    qsort(v, n, sizeof *v, compare_bindings);
    ds_put_format(s, "  ports: %"PRIuSIZE"\n", n);
    for (size_t i = 0; i < n; i++) {
        b = v[i];
        ds_put_format(s, "    %s: ofport=%d iface-id=%s attached=%s\n",
                      b->id.port_name, b->id.ofport,
                      b->id.iface_id ? b->id.iface_id : "", b->how);
    }
    free(v);

    struct fl_interval *cur = fl_logger_current(l);
    if (cur) {
        uint64_t packets, bytes, skipped;
        fl_interval_totals(cur, &packets, &bytes, &skipped);
        ds_put_cstr(s, "  current interval: ");
        fl_format_time(s, cur->start);
        ds_put_cstr(s, " to ");
        fl_format_time(s, cur->end);
        ds_put_format(s, "\n  keys: %"PRIuSIZE"  packets: %"PRIu64
                      "  bytes: %"PRIu64"  skipped packets: %"PRIu64"\n",
                      cmap_count(&cur->records), packets, bytes, skipped);
    }
    ds_put_format(s, "  closing intervals: %"PRIuSIZE"\n",
                  ovs_list_size(&l->closing));
    ds_put_cstr(s, "  excluded packets:");
    for (int i = FL_EXCL_NONE + 1; i < FL_N_EXCL; i++) {
        uint64_t x;
        atomic_read_relaxed(&CONST_CAST(struct fl_logger *, l)->excluded[i],
                            &x);
        ds_put_format(s, " %s=%"PRIu64, fl_exclusion_name(i), x);
    }
    ds_put_format(s, "\n  closed intervals: packets: %"PRIu64"  bytes: "
                  "%"PRIu64"  skipped packets: %"PRIu64"\n",
                  l->total_packets, l->total_bytes, l->total_skipped);
    uint64_t sent, acked, dropped;
    fl_channel_logger_counters(l->name, &sent, &acked, &dropped);
    ds_put_format(s, "  snapshots: closed=%"PRIu64" sent=%"PRIu64
                  " acknowledged=%"PRIu64" dropped=%"PRIu64"\n",
                  l->n_snapshots, sent, acked, dropped);

    uint64_t d_records, d_seq, d_n_records;
    long long int d_start, d_end;
    if (fl_channel_logger_last_drop(l->name, &d_records, &d_seq, &d_start,
                                    &d_end, &d_n_records)) {
        ds_put_format(s, "  dropped past flowlog-queue-max-bytes: %"PRIu64
                      " snapshots, %"PRIu64" records\n", dropped,
                      d_records);
        ds_put_format(s, "  last dropped: snapshot %"PRIu64", ", d_seq);
        fl_format_time(s, d_start);
        ds_put_cstr(s, " to ");
        fl_format_time(s, d_end);
        ds_put_format(s, ", %"PRIu64" records\n", d_n_records);
    }

    uint64_t x_dropped, x_records;
    fl_channel_logger_exporter_drops(l->name, &x_dropped, &x_records);
    if (x_dropped) {
        ds_put_format(s, "  dropped by the exporter past the logger's share "
                      "of its spool: %"PRIu64" snapshots, %"PRIu64
                      " records\n", x_dropped, x_records);
    }
}

/* For commands whose optional first argument names a logger: returns it,
 * or NULL after replying with an error if there is no such logger.  Sets
 * '*all' if no logger was named. */
static struct fl_logger *
logger_arg(struct unixctl_conn *conn, int argc, const char *argv[],
           bool *all)
{
    *all = argc < 2;
    if (*all) {
        return NULL;
    }
    struct fl_logger *l = fl_logger_find(argv[1]);
    if (!l) {
        char *error = xasprintf("no such logger \"%s\"", argv[1]);
        unixctl_command_reply_error(conn, error);
        free(error);
    }
    return l;
}

/* Formats into 's', with 'format', the logger that the optional first
 * argument names (passing the second argument as 'port') or, without one,
 * every logger in name order (with a NULL 'port' and 'all' set).  Returns
 * false after replying with an error if there is no such logger. */
static bool
format_loggers(struct unixctl_conn *conn, int argc, const char *argv[],
               void (*format)(struct ds *, const struct fl_logger *,
                              const char *port, bool all),
               struct ds *s)
{
    bool all;
    struct fl_logger *l = logger_arg(conn, argc, argv, &all);

    if (l) {
        format(s, l, argc > 2 ? argv[2] : NULL, false);
    } else if (all) {
        size_t n;
        struct fl_logger **v = fl_loggers_sorted(&n);
        for (size_t i = 0; i < n; i++) {
            format(s, v[i], NULL, true);
        }
        free(v);
    }
    return l || all;
}

static void
show_logger_cb(struct ds *s, const struct fl_logger *l,
               const char *port OVS_UNUSED, bool all OVS_UNUSED)
{
    show_logger(s, l);
}

static void
flowlog_unixctl_show(struct unixctl_conn *conn, int argc,
                     const char *argv[], void *aux OVS_UNUSED)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    if (!format_loggers(conn, argc, argv, show_logger_cb, &s)) {
        return;
    }
    if (argc < 2) {
        struct fl_host *h = fl_host_get();
        if (h) {
            ds_put_format(&s, "host: system-id=%s region=%s verdict=%s "
                          "neutron-tables=%d,%d,%d\n", h->system_id,
                          h->region,
                          h->mode == FL_MODE_NEUTRON ? "neutron"
                                                     : "pipeline",
                          h->table_accept_egress, h->table_accept_ingress,
                          h->table_drop);
            ds_put_format(&s, "records: %"PRIu64" of %u (%"PRIuSIZE" bytes "
                          "each)\n", fl_records_total(), h->max_records,
                          fl_record_memory());
            fl_channel_show(&s, h->queue_max_bytes);
        }
        fl_ovsdb_format_errors(&s);
    }
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static void
dump_logger(struct ds *s, const struct fl_logger *l, const char *port)
{
    const struct fl_opts *o = fl_logger_opts(l);
    struct fl_interval *cur = fl_logger_current(l);
    struct fl_host *h = fl_host_get();

    if (!o) {
        return;
    }
    flowlog_csv_header(s, o->o.fields, o->o.n_fields);
    if (!cur) {
        return;
    }

    struct flowlog_record *recs;
    size_t n = fl_interval_records(cur, l, false, &recs);
    struct flowlog_context ctx = {
        .region = h ? h->region : NULL,
        .host = h ? h->system_id : NULL,
        .logger = l->name,
        .interval_start_ms = cur->start,
        .interval_end_ms = cur->end,
    };
    for (size_t i = 0; i < n; i++) {
        if (!port || !strcmp(recs[i].id->port_name, port)) {
            flowlog_csv_record(s, o->o.fields, o->o.n_fields, &recs[i],
                               &ctx);
        }
    }
    free(recs);
}

/* True if 'port' is a port of logger 'l' now or in its open intervals. */
static bool
logger_has_port(const struct fl_logger *l, const char *port)
{
    const struct fl_binding *b;

    HMAP_FOR_EACH (b, node, &l->bindings) {
        if (!strcmp(b->id.port_name, port)) {
            return true;
        }
    }
    return false;
}

static void
dump_logger_cb(struct ds *s, const struct fl_logger *l, const char *port,
               bool all)
{
    if (all) {
        ds_put_format(s, "# logger %s\n", l->name);
    }
    dump_logger(s, l, port);
}

static void
flowlog_unixctl_dump(struct unixctl_conn *conn, int argc,
                     const char *argv[], void *aux OVS_UNUSED)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    if (argc > 2) {
        const struct fl_logger *l = fl_logger_find(argv[1]);
        if (l && !logger_has_port(l, argv[2])) {
            char *error = xasprintf("logger %s has no port \"%s\"",
                                    argv[1], argv[2]);
            unixctl_command_reply_error(conn, error);
            free(error);
            return;
        }
    }
    if (format_loggers(conn, argc, argv, dump_logger_cb, &s)) {
        unixctl_command_reply(conn, ds_cstr(&s));
    }
    ds_destroy(&s);
}

static void
flush_closed(struct fl_close_waiter *w_, const struct fl_logger *l,
             const struct fl_snapshot *s)
{
    struct flush_wait *w = CONTAINER_OF(w_, struct flush_wait, up);

    ds_put_format(&w->reply, "%s: snapshot %"PRIu64" ", l->name, s->seq);
    fl_format_time(&w->reply, s->start);
    ds_put_cstr(&w->reply, " to ");
    fl_format_time(&w->reply, s->end);
    ds_put_format(&w->reply, " (%"PRIuSIZE" records)\n", s->n_records);
    if (!w->up.n_pending) {
        unixctl_command_reply(w->conn, ds_cstr(&w->reply));
        ds_destroy(&w->reply);
        free(w);
    }
}

static void
flowlog_unixctl_flush(struct unixctl_conn *conn, int argc,
                      const char *argv[], void *aux OVS_UNUSED)
{
    bool all;
    struct fl_logger *l = logger_arg(conn, argc, argv, &all);

    if (!all && !l) {
        return;
    }

    struct flush_wait *w = xzalloc(sizeof *w);
    w->up.closed = flush_closed;
    w->conn = conn;
    ds_init(&w->reply);
    if (l) {
        fl_logger_flush(l, &w->up);
    } else {
        HMAP_FOR_EACH (l, node, &fl_loggers) {
            fl_logger_flush(l, &w->up);
        }
    }
    if (!w->up.n_pending) {
        unixctl_command_reply(conn, "nothing to flush\n");
        free(w);
        return;
    }
    fl_revalidate_all();
    fl_rotation_wake();
}

/* Lists the snapshots waiting for the exporter, or prints one of them as the
 * exporter would write it (CSV, the logger's fields). */
static void
flowlog_unixctl_queue(struct unixctl_conn *conn, int argc,
                      const char *argv[], void *aux OVS_UNUSED)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    unsigned long long int seq = 0;

    if (argc > 1 && !str_to_ullong(argv[1], 10, &seq)) {
        unixctl_command_reply_error(conn, "SEQ must be a snapshot number");
        return;
    }
    if (!fl_channel_queue_format(&s, argc > 1, seq)) {
        unixctl_command_reply_error(conn, "no such snapshot in the queue");
        ds_destroy(&s);
        return;
    }
    if (!s.length) {
        ds_put_cstr(&s, "queue empty\n");
    }
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

/* One line per logger: name, state, ports, keys of the current interval,
 * snapshots closed and acknowledged. */
static void
flowlog_unixctl_list(struct unixctl_conn *conn, int argc OVS_UNUSED,
                     const char *argv[] OVS_UNUSED, void *aux OVS_UNUSED)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    size_t n;
    struct fl_logger **v = fl_loggers_sorted(&n);

    for (size_t i = 0; i < n; i++) {
        const struct fl_logger *l = v[i];
        const struct fl_binding *b;
        const char *reason;
        const char *state = fl_channel_logger_state(l->name, &reason);
        struct fl_interval *cur = fl_logger_current(l);
        size_t n_ports = 0;
        uint64_t sent, acked, dropped;

        HMAP_FOR_EACH (b, node, &l->bindings) {
            n_ports += b->attached;
        }
        fl_channel_logger_counters(l->name, &sent, &acked, &dropped);
        ds_put_format(&s, "%s %s ports=%"PRIuSIZE" keys=%"PRIuSIZE
                      " closed=%"PRIu64" acknowledged=%"PRIu64
                      " dropped=%"PRIu64"\n", l->name,
                      (l->error ? "CONFIG_ERROR"
                       : !fl_channel_is_connected() || !state ? "PENDING"
                       : state),
                      n_ports, cur ? cmap_count(&cur->records) : 0,
                      l->n_snapshots, acked, dropped);
    }
    free(v);
    if (!n) {
        ds_put_cstr(&s, "no loggers\n");
    }
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

void
fl_unixctl_register(void)
{
    unixctl_command_register("flowlog/list", "", 0, 0,
                             flowlog_unixctl_list, NULL);
    unixctl_command_register("flowlog/show", "[LOGGER]", 0, 1,
                             flowlog_unixctl_show, NULL);
    unixctl_command_register("flowlog/dump", "[LOGGER [PORT]]", 0, 2,
                             flowlog_unixctl_dump, NULL);
    unixctl_command_register("flowlog/flush", "[LOGGER]", 0, 1,
                             flowlog_unixctl_flush, NULL);
    unixctl_command_register("flowlog/queue", "[SEQ]", 0, 1,
                             flowlog_unixctl_queue, NULL);
}
