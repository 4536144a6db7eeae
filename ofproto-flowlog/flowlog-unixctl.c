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

#include "lib/flowlog-command.h"
#include "ofproto-flowlog/flowlog-channel.h"
#include "ofproto-flowlog/flowlog-ct.h"
#include "ofproto-flowlog/flowlog-ovsdb.h"
#include "ofproto-flowlog/flowlog-ports.h"
#include "ofproto-flowlog/flowlog-rotation.h"
#include "ofproto-flowlog/flowlog-snapshot.h"
#include "ofproto-flowlog/flowlog-table.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "svec.h"
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

/* Returns the state of logger 'l' as flowlog/show and flowlog/list name it:
 * what is known, never a guess.  Unless it is "ACTIVE", appends why to
 * 'reason' (for CONFIG_ERROR: the configuration error). */
static const char *
logger_state(const struct fl_logger *l, struct ds *reason)
{
    if (l->error) {
        ds_put_cstr(reason, l->error);
        return "CONFIG_ERROR";
    }

    /* What the exporter reported. */
    const char *why;
    const char *state = fl_channel_logger_state(l->name, &why);
    if (!fl_channel_is_connected()) {
        ds_put_format(reason, "exporter not connected%s%s",
                      state ? "; last reported: " : "", state ? state : "");
        return "PENDING";
    } else if (!state) {
        ds_put_cstr(reason, "target not yet checked");
        return "PENDING";
    } else if (strcmp(state, "ACTIVE")) {
        ds_put_cstr(reason, why ? why : "");
    }
    return state;
}

/* Returns the attached bindings of 'l' sorted by port name in a malloc()'d
 * array, and their number in '*n'. */
static struct fl_binding **
attached_bindings(const struct fl_logger *l, size_t *n)
{
    struct fl_binding **v = xmalloc(MAX(hmap_count(&l->bindings), 1)
                                    * sizeof *v);
    struct fl_binding *b;

    *n = 0;
    HMAP_FOR_EACH (b, node, &l->bindings) {
        if (b->attached) {
            v[(*n)++] = b;
        }
    }
    qsort(v, *n, sizeof *v, compare_bindings);
    return v;
}

static void
show_logger(struct ds *s, const struct fl_logger *l)
{
    const struct fl_opts *o = fl_logger_opts(l);
    struct ds reason = DS_EMPTY_INITIALIZER;
    const char *state = logger_state(l, &reason);

    ds_put_format(s, "logger %s: %s", l->name, state);
    if (strcmp(state, "ACTIVE")) {
        ds_put_format(s, " (%s)", ds_cstr(&reason));
    }
    if (l->error && l->has_valid) {
        ds_put_cstr(s, "; last valid configuration in force");
    }
    ds_put_char(s, '\n');
    ds_destroy(&reason);
    if (!o) {
        return;
    }
    ds_put_cstr(s, "  configuration: ");
    flowlog_logger_opts_format(&o->o, s);
    ds_put_char(s, '\n');

    size_t n;
    struct fl_binding **v = attached_bindings(l, &n);
    ds_put_format(s, "  ports: %"PRIuSIZE"\n", n);
    for (size_t i = 0; i < n; i++) {
        const struct fl_binding *b = v[i];
        ds_put_format(s, "    %s: ofport=%d iface-id=%s attached=%s\n",
                      b->id.port_name, b->id.ofport,
                      b->id.iface_id ? b->id.iface_id : "", b->how);
        fl_ct_format_port(s, b);
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

static bool
fields_contain(const enum flowlog_field *fields, size_t n,
               enum flowlog_field f)
{
    for (size_t i = 0; i < n; i++) {
        if (fields[i] == f) {
            return true;
        }
    }
    return false;
}

/* Returns the bounds of 'iv' as a JSON object. */
static struct json *
interval_json(const struct fl_interval *iv)
{
    struct json *obj = json_object_create();

    json_object_put(obj, "start", fl_time_to_json(iv->start));
    json_object_put(obj, "end", fl_time_to_json(iv->end));
    return obj;
}

/* Returns logger 'l' as flowlog/show shows it, as a JSON object. */
static struct json *
show_logger_json(const struct fl_logger *l)
{
    const struct fl_opts *o = fl_logger_opts(l);
    struct json *obj = json_object_create();
    struct ds reason = DS_EMPTY_INITIALIZER;
    const char *state = logger_state(l, &reason);

    json_object_put_string(obj, "state", state);
    json_object_put(obj, "reason",
                    (strcmp(state, "ACTIVE")
                     ? json_string_create(ds_cstr(&reason))
                     : json_null_create()));
    json_object_put(obj, "last_valid_configuration_in_force",
                    json_boolean_create(l->error && l->has_valid));
    ds_destroy(&reason);
    if (!o) {
        return obj;
    }

    struct ds config = DS_EMPTY_INITIALIZER;
    flowlog_logger_opts_format(&o->o, &config);
    json_object_put(obj, "configuration",
                    json_string_create_nocopy(ds_steal_cstr(&config)));
    json_object_put(obj, "options", flowlog_logger_opts_to_json(&o->o));

    size_t n;
    struct fl_binding **v = attached_bindings(l, &n);
    struct json *ports = json_array_create_empty();
    for (size_t i = 0; i < n; i++) {
        const struct fl_binding *b = v[i];
        struct json *port = json_object_create();

        json_object_put_string(port, "name", b->id.port_name);
        json_object_put(port, "ofport", json_integer_create(b->id.ofport));
        json_object_put(port, "iface_id",
                        (b->id.iface_id
                         ? json_string_create(b->id.iface_id)
                         : json_null_create()));
        json_object_put_string(port, "attached", b->how);
        json_object_put(port, "conntrack", fl_ct_port_json(b));
        json_array_add(ports, port);
    }
    free(v);
    json_object_put(obj, "ports", ports);

    struct fl_interval *cur = fl_logger_current(l);
    struct json *current = json_null_create();
    if (cur) {
        uint64_t packets, bytes, skipped;

        fl_interval_totals(cur, &packets, &bytes, &skipped);
        json_destroy(current);
        current = json_object_create();
        json_object_put(current, "start", fl_time_to_json(cur->start));
        json_object_put(current, "end", fl_time_to_json(cur->end));
        json_object_put(current, "keys",
                        json_integer_create(cmap_count(&cur->records)));
        json_object_put(current, "packets", json_integer_create(packets));
        json_object_put(current, "bytes", json_integer_create(bytes));
        json_object_put(current, "skipped_packets",
                        json_integer_create(skipped));
    }
    json_object_put(obj, "current_interval", current);
    json_object_put(obj, "closing_intervals",
                    json_integer_create(ovs_list_size(&l->closing)));

    struct json *excluded = json_object_create();
    for (int i = FL_EXCL_NONE + 1; i < FL_N_EXCL; i++) {
        uint64_t x;
        atomic_read_relaxed(&CONST_CAST(struct fl_logger *, l)->excluded[i],
                            &x);
        json_object_put(excluded, fl_exclusion_name(i),
                        json_integer_create(x));
    }
    json_object_put(obj, "excluded_packets", excluded);

    struct json *closed = json_object_create();
    json_object_put(closed, "packets", json_integer_create(l->total_packets));
    json_object_put(closed, "bytes", json_integer_create(l->total_bytes));
    json_object_put(closed, "skipped_packets",
                    json_integer_create(l->total_skipped));
    json_object_put(obj, "closed_intervals", closed);

    uint64_t sent, acked, dropped;
    fl_channel_logger_counters(l->name, &sent, &acked, &dropped);
    struct json *snapshots = json_object_create();
    json_object_put(snapshots, "closed", json_integer_create(l->n_snapshots));
    json_object_put(snapshots, "sent", json_integer_create(sent));
    json_object_put(snapshots, "acknowledged", json_integer_create(acked));
    json_object_put(snapshots, "dropped", json_integer_create(dropped));
    json_object_put(obj, "snapshots", snapshots);

    uint64_t d_records, d_seq, d_n_records;
    long long int d_start, d_end;
    struct json *drops = json_object_create();
    struct json *last = json_null_create();
    if (fl_channel_logger_last_drop(l->name, &d_records, &d_seq, &d_start,
                                    &d_end, &d_n_records)) {
        json_destroy(last);
        last = json_object_create();
        json_object_put(last, "seq", json_integer_create(d_seq));
        json_object_put(last, "start", fl_time_to_json(d_start));
        json_object_put(last, "end", fl_time_to_json(d_end));
        json_object_put(last, "records", json_integer_create(d_n_records));
    }
    json_object_put(drops, "snapshots", json_integer_create(dropped));
    json_object_put(drops, "records", json_integer_create(d_records));
    json_object_put(drops, "last", last);
    json_object_put(obj, "dropped_past_queue_max_bytes", drops);

    uint64_t x_dropped, x_records;
    fl_channel_logger_exporter_drops(l->name, &x_dropped, &x_records);
    struct json *x_drops = json_object_create();
    json_object_put(x_drops, "snapshots", json_integer_create(x_dropped));
    json_object_put(x_drops, "records", json_integer_create(x_records));
    json_object_put(obj, "dropped_by_exporter", x_drops);
    return obj;
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

/* Calls 'cb' for the logger that the first of the arguments in 'a' names
 * (passing the second one as 'port') or, without one, for every logger in
 * name order (with a NULL 'port' and 'all' set).  Returns false after
 * replying with an error if there is no such logger. */
static bool
for_each_logger(struct unixctl_conn *conn, struct flowlog_cmd_args *a,
                void (*cb)(const struct fl_logger *, const char *port,
                           bool all, void *aux),
                void *aux)
{
    bool all;
    struct fl_logger *l = logger_arg(conn, a->argc, a->argv, &all);

    if (l) {
        cb(l, a->argc > 2 ? a->argv[2] : NULL, false, aux);
    } else if (all) {
        size_t n;
        struct fl_logger **v = fl_loggers_sorted(&n);
        for (size_t i = 0; i < n; i++) {
            cb(v[i], NULL, true, aux);
        }
        free(v);
    }
    return l || all;
}

static void
show_logger_cb(const struct fl_logger *l, const char *port OVS_UNUSED,
               bool all OVS_UNUSED, void *s)
{
    show_logger(s, l);
}

static void
show_logger_json_cb(const struct fl_logger *l, const char *port OVS_UNUSED,
                    bool all OVS_UNUSED, void *loggers)
{
    json_object_put(loggers, l->name, show_logger_json(l));
}

/* Adds the host-wide part of flowlog/show to 'obj'. */
static void
show_host_json(struct json *obj)
{
    struct fl_host *h = fl_host_get();

    if (h) {
        struct json *host = json_object_create();
        json_object_put(host, "system_id",
                        (h->system_id ? json_string_create(h->system_id)
                         : json_null_create()));
        json_object_put(host, "region",
                        (h->region ? json_string_create(h->region)
                         : json_null_create()));
        json_object_put_string(host, "verdict",
                               (h->mode == FL_MODE_NEUTRON ? "neutron"
                                : "pipeline"));
        json_object_put(host, "neutron_tables",
                        json_array_create_3(
                            json_integer_create(h->table_accept_egress),
                            json_integer_create(h->table_accept_ingress),
                            json_integer_create(h->table_drop)));
        json_object_put(obj, "host", host);

        struct json *records = json_object_create();
        json_object_put(records, "total",
                        json_integer_create(fl_records_total()));
        json_object_put(records, "max", json_integer_create(h->max_records));
        json_object_put(records, "bytes_each",
                        json_integer_create(fl_record_memory()));
        json_object_put(obj, "records", records);
        fl_channel_show_json(obj, h->queue_max_bytes);
    }

    struct svec errors = SVEC_EMPTY_INITIALIZER;
    struct svec warnings = SVEC_EMPTY_INITIALIZER;
    struct svec *lists[] = { &errors, &warnings };
    const char *names[] = { "errors", "warnings" };

    fl_ovsdb_problems(&errors, &warnings);
    for (size_t i = 0; i < ARRAY_SIZE(lists); i++) {
        struct json *array = json_array_create_empty();
        const char *msg;
        size_t j;

        SVEC_FOR_EACH (j, msg, lists[i]) {
            json_array_add(array, json_string_create(msg));
        }
        json_object_put(obj, names[i], array);
        svec_destroy(lists[i]);
    }
}

static void
flowlog_unixctl_show(struct unixctl_conn *conn, int argc,
                     const char *argv[], void *aux OVS_UNUSED)
{
    struct flowlog_cmd_args a;

    if (!flowlog_cmd_args_parse(conn, argc, argv, false, 1, &a)) {
        return;
    }
    if (a.json) {
        struct json *loggers = json_object_create();

        if (!for_each_logger(conn, &a, show_logger_json_cb, loggers)) {
            json_destroy(loggers);
            return;
        }
        struct json *obj = json_object_create();
        json_object_put(obj, "loggers", loggers);
        if (a.argc < 2) {
            show_host_json(obj);
        }
        flowlog_cmd_reply_json(conn, obj);
        return;
    }

    struct ds s = DS_EMPTY_INITIALIZER;

    if (!for_each_logger(conn, &a, show_logger_cb, &s)) {
        ds_destroy(&s);
        return;
    }
    if (a.argc < 2) {
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
            fl_ct_format_host(&s);
        }
        fl_ovsdb_format_errors(&s);
    }
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

/* What flowlog/dump prints of each logger. */
struct dump_ctx {
    const struct flowlog_cmd_args *args;   /* Options: --fields. */
    struct ds *s;                          /* Text: CSV... */
    struct json *loggers;                  /* ...or JSON. */
};

/* Dumps the current interval of logger 'l' (only the records of 'port' if
 * nonnull) with the logger's fields followed by those of --fields it does
 * not have. */
static void
dump_logger(struct dump_ctx *d, const struct fl_logger *l, const char *port)
{
    const struct fl_opts *o = fl_logger_opts(l);
    struct fl_interval *cur = fl_logger_current(l);
    struct fl_host *h = fl_host_get();
    enum flowlog_field fields[FL_N_FIELDS];
    size_t n_fields = 0;
    struct json *records = NULL;

    if (o) {
        memcpy(fields, o->o.fields, o->o.n_fields * sizeof *fields);
        n_fields = o->o.n_fields;
        for (size_t i = 0; i < d->args->n_fields; i++) {
            enum flowlog_field f = d->args->fields[i];
            if (!fields_contain(o->o.fields, o->o.n_fields, f)) {
                fields[n_fields++] = f;
            }
        }
    }
    if (d->loggers) {
        struct json *obj = json_object_create();

        records = json_array_create_empty();
        json_object_put(obj, "fields",
                        flowlog_json_field_names(fields, n_fields));
        json_object_put(obj, "interval",
                        (cur && o ? interval_json(cur) : json_null_create()));
        json_object_put(obj, "records", records);
        json_object_put(d->loggers, l->name, obj);
    } else if (o) {
        flowlog_csv_header(d->s, fields, n_fields);
    }
    if (!o || !cur) {
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
        if (port && strcmp(recs[i].id->port_name, port)) {
            continue;
        }
        if (records) {
            json_array_add(records, flowlog_json_record_create(
                               fields, n_fields, &recs[i], &ctx));
        } else {
            flowlog_csv_record(d->s, fields, n_fields, &recs[i], &ctx);
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
dump_logger_cb(const struct fl_logger *l, const char *port, bool all,
               void *d_)
{
    struct dump_ctx *d = d_;

    if (all && !d->loggers) {
        ds_put_format(d->s, "# logger %s\n", l->name);
    }
    dump_logger(d, l, port);
}

static void
flowlog_unixctl_dump(struct unixctl_conn *conn, int argc,
                     const char *argv[], void *aux OVS_UNUSED)
{
    struct flowlog_cmd_args a;

    if (!flowlog_cmd_args_parse(conn, argc, argv, true, 2, &a)) {
        return;
    }
    if (a.argc > 2) {
        const struct fl_logger *l = fl_logger_find(a.argv[1]);
        if (l && !logger_has_port(l, a.argv[2])) {
            char *error = xasprintf("logger %s has no port \"%s\"",
                                    a.argv[1], a.argv[2]);
            unixctl_command_reply_error(conn, error);
            free(error);
            return;
        }
    }

    struct ds s = DS_EMPTY_INITIALIZER;
    struct dump_ctx d = {
        .args = &a,
        .s = &s,
        .loggers = a.json ? json_object_create() : NULL,
    };
    if (!for_each_logger(conn, &a, dump_logger_cb, &d)) {
        json_destroy(d.loggers);
    } else if (d.loggers) {
        struct json *obj = json_object_create();
        json_object_put(obj, "loggers", d.loggers);
        flowlog_cmd_reply_json(conn, obj);
    } else {
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
 * exporter would write it (CSV, the logger's fields), or as JSON. */
static void
flowlog_unixctl_queue(struct unixctl_conn *conn, int argc,
                      const char *argv[], void *aux OVS_UNUSED)
{
    unsigned long long int seq = 0;
    struct flowlog_cmd_args a;

    if (!flowlog_cmd_args_parse(conn, argc, argv, false, 1, &a)) {
        return;
    }
    if (a.argc > 1 && !str_to_ullong(a.argv[1], 10, &seq)) {
        unixctl_command_reply_error(conn, "SEQ must be a snapshot number");
        return;
    }
    if (a.json) {
        struct json *json = fl_channel_queue_to_json(a.argc > 1, seq);
        if (!json) {
            unixctl_command_reply_error(conn,
                                        "no such snapshot in the queue");
            return;
        }
        flowlog_cmd_reply_json(conn, json);
        return;
    }

    struct ds s = DS_EMPTY_INITIALIZER;
    if (!fl_channel_queue_format(&s, a.argc > 1, seq)) {
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
 * snapshots closed, acknowledged and dropped; or the same as JSON. */
static void
flowlog_unixctl_list(struct unixctl_conn *conn, int argc,
                     const char *argv[], void *aux OVS_UNUSED)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    struct json *loggers = json_object_create();
    struct flowlog_cmd_args a;
    size_t n;

    if (!flowlog_cmd_args_parse(conn, argc, argv, false, 0, &a)) {
        json_destroy(loggers);
        return;
    }

    struct fl_logger **v = fl_loggers_sorted(&n);
    for (size_t i = 0; i < n; i++) {
        const struct fl_logger *l = v[i];
        const struct fl_binding *b;
        struct ds reason = DS_EMPTY_INITIALIZER;
        const char *state = logger_state(l, &reason);
        struct fl_interval *cur = fl_logger_current(l);
        size_t n_ports = 0, n_keys = cur ? cmap_count(&cur->records) : 0;
        uint64_t sent, acked, dropped;

        HMAP_FOR_EACH (b, node, &l->bindings) {
            n_ports += b->attached;
        }
        fl_channel_logger_counters(l->name, &sent, &acked, &dropped);
        if (a.json) {
            struct json *obj = json_object_create();

            json_object_put_string(obj, "state", state);
            json_object_put(obj, "ports", json_integer_create(n_ports));
            json_object_put(obj, "keys", json_integer_create(n_keys));
            json_object_put(obj, "closed",
                            json_integer_create(l->n_snapshots));
            json_object_put(obj, "acknowledged", json_integer_create(acked));
            json_object_put(obj, "dropped", json_integer_create(dropped));
            json_object_put(loggers, l->name, obj);
        } else {
            ds_put_format(&s, "%s %s ports=%"PRIuSIZE" keys=%"PRIuSIZE
                          " closed=%"PRIu64" acknowledged=%"PRIu64
                          " dropped=%"PRIu64"\n", l->name, state, n_ports,
                          n_keys, l->n_snapshots, acked, dropped);
        }
        ds_destroy(&reason);
    }
    free(v);

    if (a.json) {
        struct json *obj = json_object_create();
        json_object_put(obj, "loggers", loggers);
        flowlog_cmd_reply_json(conn, obj);
    } else {
        json_destroy(loggers);
        if (!n) {
            ds_put_cstr(&s, "no loggers\n");
        }
        unixctl_command_reply(conn, ds_cstr(&s));
    }
    ds_destroy(&s);
}

void
fl_unixctl_register(void)
{
    unixctl_command_register("flowlog/list", "[--format json]", 0, 2,
                             flowlog_unixctl_list, NULL);
    unixctl_command_register("flowlog/show", "[--format json] [LOGGER]",
                             0, 4, flowlog_unixctl_show, NULL);
    unixctl_command_register("flowlog/dump",
                             "[--format json] [--fields F1+F2...] "
                             "[LOGGER [PORT]]", 0, 7,
                             flowlog_unixctl_dump, NULL);
    unixctl_command_register("flowlog/flush", "[LOGGER]", 0, 1,
                             flowlog_unixctl_flush, NULL);
    unixctl_command_register("flowlog/queue", "[--format json] [SEQ]", 0, 4,
                             flowlog_unixctl_queue, NULL);
}
