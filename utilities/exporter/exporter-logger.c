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
#include "utilities/exporter/exporter-logger.h"

#include <string.h>

#include "lib/flowlog-config.h"
#include "lib/flowlog-msg.h"
#include "lib/flowlog-sink-config.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "svec.h"
#include "timeval.h"
#include "util.h"
#include "utilities/exporter/exporter-worker.h"

VLOG_DEFINE_THIS_MODULE(exporter_logger);

struct logger {
    char *name;
    char *options;              /* The logger string, as received. */
    char *target;               /* NULL if 'options' do not parse. */
    char *credentials;
    char *system_id;            /* The host, for probes. */
    enum sink_status status;
    char *reason;               /* NULL when 'status' is SINK_OK. */
    uint64_t probe_id;          /* Probe whose outcome sets the state. */
    bool probing;               /* That probe is in progress. */
};

/* A probe of a target, in a worker thread (exporter-worker.h). */
struct probe_job {
    char *name;                 /* Logger. */
    uint64_t id;
    struct sink_config *cfg;    /* A reference: a reload may replace it. */
    char *target, *credentials, *system_id;
    enum sink_status status;
    char *reason;
};

/* What ovs-vswitchd reported of a logger's snapshots that it dropped past
 * its flowlog-queue-max-bytes (SnapshotBegin), since the exporter started.
 * Kept apart from 'loggers': snapshots may arrive before the logger's
 * LoggerConfig or after its deletion. */
struct vswitchd_drops {
    char *boot_uuid;            /* The run that 'counted' is of. */
    uint64_t counted;           /* Its logger_dropped, counted already. */
    uint64_t n, n_records;      /* Counted in all, of every run. */
    char *last_boot_uuid;       /* The last one named, if 'last_seq'. */
    uint64_t last_seq, last_n_records;
    long long int last_start, last_end;
};

static struct shash loggers = SHASH_INITIALIZER(&loggers);
static struct shash drops = SHASH_INITIALIZER(&drops);
static struct sink_config *config;      /* A reference. */
static exporter_logger_notify_func *notify;
static uint64_t next_probe_id = 1;

void
exporter_loggers_init(const struct sink_config *cfg,
                      exporter_logger_notify_func *notify_cb)
{
    config = sink_config_ref(cfg);
    notify = notify_cb;
}

static void
logger_destroy(struct logger *l)
{
    if (l) {
        free(l->name);
        free(l->options);
        free(l->target);
        free(l->credentials);
        free(l->system_id);
        free(l->reason);
        free(l);
    }
}

static void
vswitchd_drops_destroy(struct vswitchd_drops *d)
{
    if (d) {
        free(d->boot_uuid);
        free(d->last_boot_uuid);
        free(d);
    }
}

void
exporter_loggers_destroy(void)
{
    struct shash_node *node;

    SHASH_FOR_EACH_SAFE (node, &drops) {
        vswitchd_drops_destroy(node->data);
        shash_delete(&drops, node);
    }

    SHASH_FOR_EACH_SAFE (node, &loggers) {
        logger_destroy(node->data);
        shash_delete(&loggers, node);
    }
    sink_config_unref(config);
    config = NULL;
}

/* Reasons quote what ovs-vswitchd sent (a logger string, a target), which
 * may be long; they go into logs and LoggerState messages, so keep them
 * short. */
#define MAX_REASON 1024

/* Sets 'l''s state.  Returns true if it changed. */
static bool
logger_set_state(struct logger *l, enum sink_status status,
                 const char *reason_)
{
    char *reason = NULL;

    if (status != SINK_OK && reason_) {
        reason = (strlen(reason_) > MAX_REASON
                  ? xasprintf("%.*s...", MAX_REASON, reason_)
                  : xstrdup(reason_));
    }
    bool changed = (l->status != status
                    || !nullable_string_is_equal(l->reason, reason));
    if (changed) {
        l->status = status;
        free(l->reason);
        l->reason = reason;
    } else {
        free(reason);
    }
    return changed;
}

static bool
nullable_equal(const char *a, const char *b)
{
    return nullable_string_is_equal(a, b);
}

static void
probe_work(void *p_)
{
    struct probe_job *p = p_;
    struct sink *sink;

    p->status = sink_open(p->target, p->credentials, p->cfg, &sink,
                          &p->reason);
    if (p->status == SINK_OK) {
        p->status = sink_probe(sink, p->system_id, &p->reason);
        sink_close(sink);
    }
}

static void
probe_done(void *p_)
{
    struct probe_job *p = p_;
    struct logger *l = shash_find_data(&loggers, p->name);

    if (l && l->probe_id == p->id && !exporter_workers_stopping()) {
        l->probing = false;
        if (logger_set_state(l, p->status, p->reason)
            || p->status == SINK_OK) {
            if (p->status == SINK_OK) {
                VLOG_INFO("logger %s: target %s is writable: ACTIVE",
                          l->name, p->target);
            } else {
                VLOG_WARN("logger %s: %s: %s", l->name,
                          sink_status_name(l->status), l->reason);
            }
        }
        /* Always: whoever sent the LoggerConfig waits for this. */
        if (notify) {
            notify(l->name, l->status, l->reason);
        }
    }
    free(p->name);
    sink_config_unref(p->cfg);
    free(p->target);
    free(p->credentials);
    free(p->system_id);
    free(p->reason);
    free(p);
}

/* Starts probing 'l''s target from host 'l->system_id'. */
static void
logger_probe(struct logger *l)
{
    struct probe_job *p = xzalloc(sizeof *p);

    p->name = xstrdup(l->name);
    p->id = l->probe_id = next_probe_id++;
    p->cfg = sink_config_ref(config);
    p->target = xstrdup(l->target);
    p->credentials = xstrdup(l->credentials);
    p->system_id = nullable_xstrdup(l->system_id);
    l->probing = true;

    char *what = xasprintf("logger %s: probe of %s", l->name, l->target);
    exporter_job_submit(what, probe_work, probe_done, p);
    free(what);
}

/* Applies LoggerConfig 'name' with logger string 'options' from the host
 * 'system_id'.  Probes the target when the logger is new, when its target,
 * credentials or host changed (the probe object is named after the host),
 * or when it is in an error state.
 *
 * Returns true if the logger's state is known now, and then stores it in
 * '*status' and the reason (owned by the logger) in '*reason'.  Returns
 * false while a probe is in progress: its outcome goes to the notify
 * function given to exporter_loggers_init(). */
bool
exporter_logger_configure(const char *name, const char *options,
                          const char *system_id,
                          enum sink_status *status, const char **reason)
{
    struct logger *l = shash_find_data(&loggers, name);
    bool is_new = !l;

    if (is_new) {
        l = xzalloc(sizeof *l);
        l->name = xstrdup(name);
        shash_add(&loggers, name, l);
    }
    bool new_host = !nullable_equal(l->system_id, system_id);
    if (new_host) {
        free(l->system_id);
        l->system_id = nullable_xstrdup(system_id);
    }

    struct flowlog_logger_opts opts;
    char *error = flowlog_logger_opts_parse(options, &opts);
    if (error) {
        char *why = xasprintf("options \"%s\": %s", options, error);
        if (logger_set_state(l, SINK_CONFIG_ERROR, why)) {
            VLOG_WARN("logger %s: %s: %s", name,
                      sink_status_name(l->status), l->reason);
        }
        free(why);
        free(error);
        free(l->options);
        l->options = xstrdup(options);
        free(l->target);
        free(l->credentials);
        l->target = l->credentials = NULL;
        l->probe_id = 0;        /* An outcome in progress is moot. */
        l->probing = false;
    } else {
        bool changed = (is_new || new_host || l->status != SINK_OK
                        || !nullable_equal(l->target, opts.target)
                        || !nullable_equal(l->credentials, opts.credentials));

        free(l->options);
        l->options = xstrdup(options);
        free(l->target);
        l->target = xstrdup(opts.target);
        free(l->credentials);
        l->credentials = xstrdup(opts.credentials);
        flowlog_logger_opts_destroy(&opts);

        if (changed) {
            logger_probe(l);
        }
        if (l->probing) {
            return false;
        }
    }

    *status = l->status;
    *reason = l->reason;
    return true;
}

/* Makes 'cfg' the configuration of sinks that probes open from now on,
 * and probes again the target of every logger whose sink it changes (its
 * credentials section, or file-root for a file:// target).  Adds the names
 * of those loggers to 'probed'. */
void
exporter_loggers_set_config(const struct sink_config *cfg,
                            struct svec *probed)
{
    struct sink_config *old = config;
    const struct shash_node **nodes = shash_sort(&loggers);

    config = sink_config_ref(cfg);
    for (size_t i = 0; i < shash_count(&loggers); i++) {
        struct logger *l = nodes[i]->data;

        if (l->target
            && sink_config_changed(old, config, l->target, l->credentials)) {
            VLOG_INFO("logger %s: the configuration of target %s "
                      "(credentials %s) changed; probing it again",
                      l->name, l->target, l->credentials);
            logger_probe(l);
            svec_add(probed, l->name);
        }
    }
    free(nodes);
    sink_config_unref(old);
}

/* Forgets logger 'name' (ovs-vswitchd deleted it).  Its snapshots in the
 * spool are still delivered. */
void
exporter_logger_delete(const char *name)
{
    struct logger *l = shash_find_and_delete(&loggers, name);

    if (l) {
        VLOG_INFO("logger %s: deleted", name);
        logger_destroy(l);
    }
    vswitchd_drops_destroy(shash_find_and_delete(&drops, name));
}

/* Logs and counts the snapshots of 'b''s logger that ovs-vswitchd says
 * 'b' it dropped past its flowlog-queue-max-bytes, except those counted
 * already (ovs-vswitchd reports them until a snapshot that reported them
 * is acknowledged, so a resent snapshot reports them again). */
void
exporter_logger_vswitchd_drops(const Flowlog__SnapshotBegin *b)
{
    const char *name = b->logger->name;

    if (!b->has_logger_dropped) {
        return;                 /* An ovs-vswitchd that does not say. */
    }

    struct vswitchd_drops *d = shash_find_data(&drops, name);
    if (!d) {
        d = xzalloc(sizeof *d);
        shash_add(&drops, name, d);
    }
    if (!nullable_string_is_equal(d->boot_uuid, b->boot_uuid)) {
        free(d->boot_uuid);
        d->boot_uuid = xstrdup(b->boot_uuid);
        d->counted = 0;
    }
    if (b->logger_dropped <= d->counted) {
        return;
    }

    /* The last 'n_new' of those reported are new to us: listed ones, and
     * before them, maybe, some of those not listed. */
    uint64_t n_listed = b->n_dropped_snapshots;
    uint64_t n_unlisted = b->has_dropped_unlisted ? b->dropped_unlisted : 0;
    uint64_t n_new = MIN(b->logger_dropped - d->counted,
                         n_listed + n_unlisted);
    d->counted = b->logger_dropped;
    if (!n_new) {
        return;
    }

    size_t first = n_listed - MIN(n_new, n_listed);
    uint64_t unlisted_new = n_new - (n_listed - first);
    uint64_t records = 0;
    if (unlisted_new && unlisted_new == n_unlisted) {
        records = b->dropped_unlisted_records;
    }
    for (size_t i = first; i < n_listed; i++) {
        records += b->dropped_snapshots[i]->n_records;
    }
    d->n += n_new;
    d->n_records += records;

    VLOG_WARN("logger %s: ovs-vswitchd (boot %s) dropped %"PRIu64
              " snapshots (%"PRIu64" records) before snapshot %"PRIu64
              ", past its flowlog-queue-max-bytes", name, b->boot_uuid,
              n_new, records, b->seq);
    if (unlisted_new) {
        VLOG_WARN("logger %s: ovs-vswitchd (boot %s) dropped %"PRIu64
                  " earlier snapshots that it no longer names", name,
                  b->boot_uuid, unlisted_new);
    }
    for (size_t i = first; i < n_listed; i++) {
        const Flowlog__DroppedSnapshot *dr = b->dropped_snapshots[i];
        char *start = flowlog_xastrftime_ms(dr->start_ms);
        char *end = flowlog_xastrftime_ms(dr->end_ms);

        VLOG_WARN("logger %s: ovs-vswitchd (boot %s) dropped snapshot "
                  "%"PRIu64": %s to %s, %"PRIu64" records", name,
                  b->boot_uuid, dr->seq, start, end, dr->n_records);
        free(start);
        free(end);

        free(d->last_boot_uuid);
        d->last_boot_uuid = xstrdup(b->boot_uuid);
        d->last_seq = dr->seq;
        d->last_start = dr->start_ms;
        d->last_end = dr->end_ms;
        d->last_n_records = dr->n_records;
    }
}

/* Sends logger 'name''s state again (its spool counters changed). */
void
exporter_logger_renotify(const char *name)
{
    const struct logger *l = shash_find_data(&loggers, name);

    if (l && notify) {
        notify(l->name, l->status, l->reason);
    }
}

/* Reports the outcome of delivering one of logger 'name''s files to
 * 'target' with 'credentials'.  Only a delivery to the logger's current
 * target changes its state; a snapshot taken before the target changed
 * still goes where it was configured to go. */
void
exporter_logger_delivered(const char *name, const char *target,
                          const char *credentials,
                          enum sink_status status, const char *reason)
{
    struct logger *l = shash_find_data(&loggers, name);

    if (l && nullable_equal(l->target, target)
        && nullable_equal(l->credentials, credentials)
        && logger_set_state(l, status, reason) && notify) {
        notify(l->name, l->status, l->reason);
    }
}

void
exporter_loggers_format(struct ds *s)
{
    const struct shash_node **nodes = shash_sort(&loggers);

    ds_put_format(s, "loggers: %"PRIuSIZE"\n", shash_count(&loggers));
    for (size_t i = 0; i < shash_count(&loggers); i++) {
        const struct logger *l = nodes[i]->data;

        ds_put_format(s, "  %s: %s", l->name,
                      (l->probing
                       ? "probing"
                       : sink_status_name(l->status)));
        if (l->target) {
            ds_put_format(s, ", target %s, credentials %s", l->target,
                          l->credentials);
        }
        if (l->reason) {
            ds_put_format(s, "\n    reason: %s", l->reason);
        }
        ds_put_char(s, '\n');

        const struct vswitchd_drops *d = shash_find_data(&drops, l->name);
        if (d && d->n) {
            ds_put_format(s, "    dropped by ovs-vswitchd: %"PRIu64
                          " snapshots, %"PRIu64" records\n", d->n,
                          d->n_records);
        }
        if (d && d->last_boot_uuid) {
            char *start = flowlog_xastrftime_ms(d->last_start);
            char *end = flowlog_xastrftime_ms(d->last_end);

            ds_put_format(s, "    last dropped: snapshot %s/%"PRIu64", %s "
                          "to %s, %"PRIu64" records\n", d->last_boot_uuid,
                          d->last_seq, start, end, d->last_n_records);
            free(start);
            free(end);
        }
    }
    free(nodes);
}

/* Returns what exporter_loggers_format() prints as a JSON object, by logger
 * name: "state", "target", "credentials", "reason" and
 * "dropped_by_vswitchd" ("snapshots", "records", "last"). */
struct json *
exporter_loggers_to_json(void)
{
    struct json *obj = json_object_create();
    struct shash_node *node;

    SHASH_FOR_EACH (node, &loggers) {
        const struct logger *l = node->data;
        const struct vswitchd_drops *d = shash_find_data(&drops, l->name);
        struct json *lj = json_object_create();

        json_object_put_string(lj, "state",
                               (l->probing ? "probing"
                                : sink_status_name(l->status)));
        json_object_put(lj, "target",
                        (l->target ? json_string_create(l->target)
                         : json_null_create()));
        json_object_put(lj, "credentials",
                        (l->target ? json_string_create(l->credentials)
                         : json_null_create()));
        json_object_put(lj, "reason",
                        (l->reason ? json_string_create(l->reason)
                         : json_null_create()));

        struct json *dj = json_object_create();
        struct json *last = json_null_create();
        json_object_put(dj, "snapshots", json_integer_create(d ? d->n : 0));
        json_object_put(dj, "records",
                        json_integer_create(d ? d->n_records : 0));
        if (d && d->last_boot_uuid) {
            json_destroy(last);
            last = json_object_create();
            json_object_put_string(last, "boot", d->last_boot_uuid);
            json_object_put(last, "seq", json_integer_create(d->last_seq));
            json_object_put(last, "start",
                            json_string_create_nocopy(
                                flowlog_xastrftime_ms(d->last_start)));
            json_object_put(last, "end",
                            json_string_create_nocopy(
                                flowlog_xastrftime_ms(d->last_end)));
            json_object_put(last, "records",
                            json_integer_create(d->last_n_records));
        }
        json_object_put(dj, "last", last);
        json_object_put(lj, "dropped_by_vswitchd", dj);
        json_object_put(obj, l->name, lj);
    }
    return obj;
}
