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


/* Snapshots of closed intervals (see flowlog-snapshot.h). */

#include <config.h>
#include "ofproto-flowlog/flowlog-snapshot.h"

#include "lib/flowlog-record.h"
#include "ofproto-flowlog/flowlog-ports.h"
#include "ofproto-flowlog/flowlog-table.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "ovs-rcu.h"
#include "util.h"

/* Returns a new snapshot, number 'seq', of the records of closed interval
 * 'iv' of logger 'l' (with a NODATA record for each of its ports without
 * one), with the logger's current options and the host's region and
 * system-id.  Takes ownership of 'iv': the snapshot reads its records
 * where they are, so that closing an interval does not copy them. */
struct fl_snapshot *
fl_snapshot_create(const struct fl_logger *l, struct fl_interval *iv,
                   uint64_t seq)
{
    struct fl_snapshot *s = xzalloc(sizeof *s);
    const struct fl_opts *opts = fl_logger_opts(l);
    struct fl_host *h = fl_host_get();

    s->seq = seq;
    s->logger = xstrdup(l->name);
    s->region = xstrdup(h && h->region ? h->region : "");
    s->host = xstrdup(h && h->system_id ? h->system_id : "");
    if (opts) {
        flowlog_logger_opts_clone(&s->opts, &opts->o);
    }
    s->start = iv->start;
    s->end = iv->end;
    s->iv = iv;
    s->n_records = fl_interval_freeze(iv, l, true, &s->refs, &s->extra);
    s->n_extra = 0;
    for (size_t i = 0; i < s->n_records; i++) {
        s->n_extra += !s->refs[i].r;
    }
    fl_interval_release(iv);

    /* The records of 'iv' hold their bindings through it; NODATA records
     * point to the logger's bindings: keep those alive. */
    s->bindings = xmalloc(MAX(s->n_extra, 1) * sizeof *s->bindings);
    for (size_t i = 0; i < s->n_extra; i++) {
        s->bindings[i] = fl_binding_ref(CONTAINER_OF(s->extra[i].id,
                                                     struct fl_binding, id));
    }

    s->bytes = (FL_SNAPSHOT_BASE_BYTES
                + (s->n_records - s->n_extra) * fl_snapshot_record_bytes()
                + s->n_extra * (sizeof *s->extra + sizeof *s->refs));
    return s;
}

/* The memory a record of a snapshot holds in ovs-vswitchd, as the queue
 * bound counts it. */
size_t
fl_snapshot_record_bytes(void)
{
    return fl_record_memory() + sizeof(struct fl_frozen_ref);
}

/* Record 'i' (in file order) of 's', into 'out'. */
void
fl_snapshot_record(const struct fl_snapshot *s, size_t i,
                   struct flowlog_record *out)
{
    fl_frozen_get(s->iv, &s->refs[i], out);
}

void
fl_snapshot_free(struct fl_snapshot *s)
{
    for (size_t i = 0; i < s->n_extra; i++) {
        fl_binding_unref(s->bindings[i]);
    }
    free(s->bindings);
    free(s->refs);
    free(s->extra);
    /* A snapshot of an interval closed without waiting (exit, deleted
     * logger) may still be read by a handler thread. */
    ovsrcu_postpone(fl_interval_destroy, s->iv);
    free(s->logger);
    free(s->region);
    free(s->host);
    flowlog_logger_opts_destroy(&s->opts);
    free(s);
}

/* One line describing 's', for flowlog/queue. */
void
fl_snapshot_format_line(struct ds *s, const struct fl_snapshot *snap)
{
    ds_put_format(s, "snapshot %"PRIu64": logger %s ", snap->seq,
                  snap->logger);
    fl_format_time(s, snap->start);
    ds_put_cstr(s, " to ");
    fl_format_time(s, snap->end);
    ds_put_format(s, " records %"PRIuSIZE" bytes %"PRIuSIZE"\n",
                  snap->n_records, snap->bytes);
}

/* What is the same for every record of 'snap'. */
static struct flowlog_context
snapshot_context(const struct fl_snapshot *snap)
{
    return (struct flowlog_context) {
        .region = snap->region,
        .host = snap->host,
        .logger = snap->logger,
        .interval_start_ms = snap->start,
        .interval_end_ms = snap->end,
    };
}

/* Returns 'snap' as a JSON object with the information of
 * fl_snapshot_format_line() and, if 'with_records', its fields and records
 * (as fl_snapshot_format_csv() has them). */
struct json *
fl_snapshot_to_json(const struct fl_snapshot *snap, bool with_records)
{
    struct json *obj = json_object_create();

    json_object_put(obj, "seq", json_integer_create(snap->seq));
    json_object_put_string(obj, "logger", snap->logger);
    json_object_put(obj, "start", fl_time_to_json(snap->start));
    json_object_put(obj, "end", fl_time_to_json(snap->end));
    json_object_put(obj, "n_records", json_integer_create(snap->n_records));
    json_object_put(obj, "bytes", json_integer_create(snap->bytes));
    if (with_records) {
        struct flowlog_context ctx = snapshot_context(snap);
        struct json *records = json_array_create_empty();

        for (size_t i = 0; i < snap->n_records; i++) {
            struct flowlog_record r;

            fl_snapshot_record(snap, i, &r);
            json_array_add(records, flowlog_json_record_create(
                               snap->opts.fields, snap->opts.n_fields, &r,
                               &ctx));
        }
        json_object_put(obj, "fields",
                        flowlog_json_field_names(snap->opts.fields,
                                                 snap->opts.n_fields));
        json_object_put(obj, "records", records);
    }
    return obj;
}

/* 's' as CSV, as the exporter would write it. */
void
fl_snapshot_format_csv(struct ds *s, const struct fl_snapshot *snap)
{
    struct flowlog_context ctx = snapshot_context(snap);

    flowlog_csv_header(s, snap->opts.fields, snap->opts.n_fields);
    for (size_t i = 0; i < snap->n_records; i++) {
        struct flowlog_record r;

        fl_snapshot_record(snap, i, &r);
        flowlog_csv_record(s, snap->opts.fields, snap->opts.n_fields, &r,
                           &ctx);
    }
}
