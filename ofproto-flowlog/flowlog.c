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

/* The flowlog hook's main-thread side: configuration from OVSDB, interval
 * rotation and closing, the snapshot queue and ovs-appctl commands. */

#include <config.h>
#include "ofproto-flowlog/flowlog-private.h"

#include <errno.h>
#include <unistd.h>

#include "dirs.h"
#include "hash.h"
#include "hmapx.h"
#include "ofproto/ofproto-dpif-upcall.h"
#include "ofproto/ofproto-provider.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "openvswitch/poll-loop.h"
#include "seq.h"
#include "smap.h"
#include "socket-util.h"
#include "sset.h"
#include "timeval.h"
#include "unixctl.h"
#include "util.h"
#include "uuid.h"
#include "vswitch-idl.h"

VLOG_DEFINE_THIS_MODULE(flowlog);

static OVSRCU_TYPE(struct fl_host *) fl_host;
struct cmap fl_ports = CMAP_INITIALIZER;
struct cmap fl_macs = CMAP_INITIALIZER;
atomic_bool fl_enabled = ATOMIC_VAR_INIT(false);

uint64_t fl_records_total(void);
size_t fl_record_size(void);

static bool initialized;
static long long int wall_base, mono_base;
static struct hmap fl_loggers = HMAP_INITIALIZER(&fl_loggers);
static struct seq *fl_seq;

/* Host-wide configuration errors, by OVSDB key, shown by flowlog/show. */
static struct smap host_errors = SMAP_INITIALIZER(&host_errors);
/* Interface configuration errors, by interface name. */
static struct smap iface_errors = SMAP_INITIALIZER(&iface_errors);

/* Sequence number of the next snapshot of this ovs-vswitchd run. */
static uint64_t fl_next_seq = 1;

/* Revalidator dumps, per udpif. */
struct dump_tracker {
    const struct udpif *udpif;
    uint64_t started;
    uint64_t completed;
};
#define MAX_TRACKERS 4
static struct ovs_mutex dump_mutex = OVS_MUTEX_INITIALIZER;
static struct dump_tracker trackers[MAX_TRACKERS] OVS_GUARDED_BY(dump_mutex);
static size_t n_trackers OVS_GUARDED_BY(dump_mutex);

struct flowlog_unixctl_wait {
    struct unixctl_conn *conn;
    size_t n_pending;
    struct ds reply;
};

static void flowlog_unixctl_show(struct unixctl_conn *, int argc,
                                 const char *argv[], void *aux);
static void flowlog_unixctl_dump(struct unixctl_conn *, int argc,
                                 const char *argv[], void *aux);
static void flowlog_unixctl_flush(struct unixctl_conn *, int argc,
                                  const char *argv[], void *aux);
static void flowlog_unixctl_queue(struct unixctl_conn *, int argc,
                                  const char *argv[], void *aux);

struct fl_host *
fl_host_get(void)
{
    return ovsrcu_get(struct fl_host *, &fl_host);
}

const char *
fl_exclusion_name(enum fl_exclusion e)
{
    static const char *names[FL_N_EXCL] = {
        [FL_EXCL_NONE] = "none",
        [FL_EXCL_IPV6] = "ipv6",
        [FL_EXCL_NON_IPV4] = "non-ipv4",
        [FL_EXCL_NON_ETHERNET] = "non-ethernet",
        [FL_EXCL_PROTOCOL] = "protocol",
        [FL_EXCL_MULTICAST] = "multicast",
        [FL_EXCL_BROADCAST] = "broadcast",
        [FL_EXCL_METADATA] = "metadata",
        [FL_EXCL_MIRROR] = "mirror",
    };
    return e < FL_N_EXCL ? names[e] : "?";
}

/* The hook's wall clock: wall time at start plus elapsed monotonic time, so
 * that time/stop and time/warp drive it. */
long long int
fl_wall_msec(void)
{
    return wall_base + (time_msec() - mono_base);
}

long long int
fl_mono_to_wall(long long int mono_msec)
{
    return wall_base + (mono_msec - mono_base);
}

static void
format_time(struct ds *s, long long int wall_ms)
{
    struct tm_msec tm;
    char buf[64];

    gmtime_msec(wall_ms, &tm);
    strftime_msec(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.###Z", &tm);
    ds_put_cstr(s, buf);
}

static void
flowlog_init(void)
{
    if (initialized) {
        return;
    }
    initialized = true;
    mono_base = time_msec();
    wall_base = time_wall_msec();
    fl_seq = seq_create();
    unixctl_command_register("flowlog/show", "[LOGGER]", 0, 1,
                             flowlog_unixctl_show, NULL);
    unixctl_command_register("flowlog/dump", "[LOGGER [PORT]]", 0, 2,
                             flowlog_unixctl_dump, NULL);
    unixctl_command_register("flowlog/flush", "[LOGGER]", 0, 1,
                             flowlog_unixctl_flush, NULL);
    unixctl_command_register("flowlog/queue", "[SEQ]", 0, 1,
                             flowlog_unixctl_queue, NULL);
}

/* Bindings and loggers. */

struct fl_binding *
fl_binding_ref(struct fl_binding *b)
{
    ovs_refcount_ref(&b->ref);
    return b;
}

void
fl_binding_unref(struct fl_binding *b)
{
    if (b && ovs_refcount_unref(&b->ref) == 1) {
        free(b->id.port_name);
        free(b->id.iface_id);
        free(b->id.vm_id);
        free(b->id.subnet_id);
        free(b->id.vpc_id);
        fl_logger_unref(b->logger);
        free(b);
    }
}

static void
fl_opts_free(struct fl_opts *o)
{
    if (o) {
        flowlog_logger_opts_destroy(&o->o);
        free(o);
    }
}

static void
fl_ivset_free(struct fl_ivset *set)
{
    free(set);
}

void
fl_logger_unref(struct fl_logger *l)
{
    if (l && ovs_refcount_unref(&l->ref) == 1) {
        fl_opts_free(ovsrcu_get_protected(struct fl_opts *, &l->opts));
        fl_ivset_free(ovsrcu_get_protected(struct fl_ivset *, &l->ivset));
        hmap_destroy(&l->bindings);
        free(l->name);
        free(l->config);
        free(l->error);
        free(l);
    }
}

static struct fl_logger *
logger_find(const char *name)
{
    struct fl_logger *l;

    HMAP_FOR_EACH_WITH_HASH (l, node, hash_string(name, 0), &fl_loggers) {
        if (!strcmp(l->name, name)) {
            return l;
        }
    }
    return NULL;
}

static const struct fl_opts *
logger_opts(const struct fl_logger *l)
{
    return ovsrcu_get(struct fl_opts *, &l->opts);
}

static long long int
aligned_end(long long int t, int interval_s)
{
    long long int span = interval_s * 1000LL;
    return (t / span + 1) * span;
}

static struct fl_ivset *
logger_ivset(const struct fl_logger *l)
{
    return ovsrcu_get_protected(struct fl_ivset *, &l->ivset);
}

static struct fl_interval *
logger_current(const struct fl_logger *l)
{
    struct fl_ivset *set = logger_ivset(l);
    return set && set->n ? set->iv[set->n - 1] : NULL;
}

/* Publishes the open intervals of 'l': those on its closing list that are
 * still published, then 'cur'. */
static void
logger_publish(struct fl_logger *l, struct fl_interval *cur)
{
    size_t n = ovs_list_size(&l->closing) + 1;
    struct fl_ivset *set = xmalloc(sizeof *set + n * sizeof set->iv[0]);
    struct fl_interval *iv;

    set->n = 0;
    LIST_FOR_EACH (iv, node, &l->closing) {
        if (!iv->unpublished) {
            set->iv[set->n++] = iv;
        }
    }
    if (cur) {
        set->iv[set->n++] = cur;
    }
    struct fl_ivset *old = logger_ivset(l);
    ovsrcu_set(&l->ivset, set);
    if (old) {
        ovsrcu_postpone(fl_ivset_free, old);
    }
}

static void
interval_mark_quiesced(struct fl_interval *iv)
{
    atomic_store(&iv->quiesced, true);
    seq_change(fl_seq);
}

/* Moves 'iv' to the closing list: it closes once a revalidator dump that
 * began after now has completed. */
static void
interval_start_closing(struct fl_logger *l, struct fl_interval *iv)
{
    ovs_mutex_lock(&dump_mutex);
    iv->n_dump = n_trackers;
    for (size_t i = 0; i < n_trackers; i++) {
        iv->dump_udpif[i] = trackers[i].udpif;
        iv->dump_started[i] = trackers[i].started;
    }
    ovs_mutex_unlock(&dump_mutex);
    ovs_list_push_back(&l->closing, &iv->node);
}

static bool
interval_dumps_done(const struct fl_interval *iv)
{
    bool done = true;

    ovs_mutex_lock(&dump_mutex);
    for (size_t i = 0; i < iv->n_dump; i++) {
        for (size_t j = 0; j < n_trackers; j++) {
            if (trackers[j].udpif == iv->dump_udpif[i]
                && trackers[j].completed <= iv->dump_started[i]) {
                done = false;
            }
        }
    }
    ovs_mutex_unlock(&dump_mutex);
    return done;
}

static void
force_revalidation(void)
{
    ovs_mutex_lock(&dump_mutex);
    for (size_t i = 0; i < n_trackers; i++) {
        udpif_revalidate(CONST_CAST(struct udpif *, trackers[i].udpif));
    }
    ovs_mutex_unlock(&dump_mutex);
}

void
fl_snapshot_free(struct fl_snapshot *s)
{
    for (size_t i = 0; i < s->n_bindings; i++) {
        fl_binding_unref(s->bindings[i]);
    }
    free(s->bindings);
    free(s->records);
    free(s->logger);
    free(s->region);
    free(s->host);
    flowlog_logger_opts_destroy(&s->opts);
    free(s);
}

static void
queue_push(struct fl_snapshot *s)
{
    struct fl_host *host = fl_host_get();

    fl_channel_push(s, host ? host->queue_max_bytes
                            : FLOWLOG_QUEUE_MAX_BYTES_DEFAULT);
}

/* Turns closed interval 'iv' of 'l' into a snapshot on the queue. */
static struct fl_snapshot *
snapshot_create(struct fl_logger *l, struct fl_interval *iv)
{
    struct fl_snapshot *s = xzalloc(sizeof *s);
    const struct fl_opts *opts = logger_opts(l);

    struct fl_host *h = fl_host_get();

    s->seq = fl_next_seq++;
    s->logger = xstrdup(l->name);
    s->region = xstrdup(h && h->region ? h->region : "");
    s->host = xstrdup(h && h->system_id ? h->system_id : "");
    if (opts) {
        flowlog_logger_opts_clone(&s->opts, &opts->o);
    }
    s->start = iv->start;
    s->end = iv->end;
    s->n_records = fl_interval_records(iv, l, true, &s->records);

    /* The records point to binding identities: keep those alive. */
    s->bindings = xmalloc(MAX(s->n_records, 1) * sizeof *s->bindings);
    for (size_t i = 0; i < s->n_records; i++) {
        struct fl_binding *b = CONTAINER_OF(s->records[i].id,
                                            struct fl_binding, id);
        if (!s->n_bindings || s->bindings[s->n_bindings - 1] != b) {
            s->bindings[s->n_bindings++] = fl_binding_ref(b);
        }
    }

    /* A rough serialized size: what the queue bound counts. */
    s->bytes = 256 + s->n_records * 160;

    uint64_t packets, bytes, skipped;
    fl_interval_totals(iv, &packets, &bytes, &skipped);
    l->total_packets += packets;
    l->total_bytes += bytes;
    l->total_skipped += skipped;
    l->n_snapshots++;

    struct ds d = DS_EMPTY_INITIALIZER;
    format_time(&d, s->start);
    ds_put_cstr(&d, " to ");
    format_time(&d, s->end);
    VLOG_INFO("logger %s: closed interval %s: snapshot %"PRIu64", "
              "%"PRIuSIZE" records, %"PRIu64" packets",
              l->name, ds_cstr(&d), s->seq, s->n_records, packets);
    if (iv->flush) {
        struct flowlog_unixctl_wait *w = iv->flush;
        ds_put_format(&w->reply, "%s: snapshot %"PRIu64" %s (%"PRIuSIZE
                      " records)\n", l->name, s->seq, ds_cstr(&d),
                      s->n_records);
        if (!--w->n_pending) {
            unixctl_command_reply(w->conn, ds_cstr(&w->reply));
            ds_destroy(&w->reply);
            free(w);
        }
        iv->flush = NULL;
    }
    ds_destroy(&d);

    queue_push(s);
    return s;
}

/* Closes every open interval of 'l' now, without waiting for a dump (logger
 * deleted, ovs-vswitchd exiting). */
static void
logger_close_all(struct fl_logger *l)
{
    struct fl_interval *cur = logger_current(l);
    struct fl_interval *iv;

    if (cur) {
        long long int now = fl_wall_msec();
        cur->end = MAX(MIN(cur->end, now), cur->start + 1);
        ovs_list_push_back(&l->closing, &cur->node);
    }
    LIST_FOR_EACH_POP (iv, node, &l->closing) {
        snapshot_create(l, iv);
        ovsrcu_postpone(fl_interval_destroy, iv);
    }
    struct fl_ivset *old = logger_ivset(l);
    ovsrcu_set(&l->ivset, NULL);
    if (old) {
        ovsrcu_postpone(fl_ivset_free, old);
    }
}

/* Rotation and closing, from the main loop. */
static void
logger_run(struct fl_logger *l)
{
    const struct fl_opts *opts = logger_opts(l);
    if (!opts) {
        return;
    }

    int interval = opts->o.interval;
    long long int now = fl_wall_msec();
    struct fl_interval *cur = logger_current(l);
    bool republish = false;

    if (!cur) {
        long long int end = aligned_end(now, interval);
        cur = fl_interval_create(end - interval * 1000LL, end);
        /* After a (re)start, the first interval starts now. */
        cur->start = now;
        republish = true;
    } else if (now >= cur->end) {
        long long int next = cur->end;
        int n_gap = 0;

        interval_start_closing(l, cur);
        while (aligned_end(next, interval) <= now && n_gap < 16) {
            /* No packet was seen in these, but every port still gets its
             * NODATA record for each of them. */
            struct fl_interval *gap
                = fl_interval_create(next, aligned_end(next, interval));
            interval_start_closing(l, gap);
            next = gap->end;
            n_gap++;
        }
        if (aligned_end(next, interval) <= now) {
            struct ds d = DS_EMPTY_INITIALIZER;
            format_time(&d, next);
            VLOG_WARN("logger %s: clock jumped; no files for the intervals "
                      "from %s to the current one", l->name, ds_cstr(&d));
            ds_destroy(&d);
            next = aligned_end(now, interval) - interval * 1000LL;
        }
        cur = fl_interval_create(next, aligned_end(next, interval));
        republish = true;
    }

    /* Close in order: unpublish once the dump is done, snapshot once no
     * thread can still be updating it. */
    struct fl_interval *iv;
    LIST_FOR_EACH_SAFE (iv, node, &l->closing) {
        if (!iv->unpublished) {
            if (!interval_dumps_done(iv)) {
                break;
            }
            iv->unpublished = true;
            republish = true;
            ovsrcu_postpone(interval_mark_quiesced, iv);
            continue;
        }
        bool quiesced;
        atomic_read(&iv->quiesced, &quiesced);
        if (!quiesced) {
            break;
        }
        ovs_list_remove(&iv->node);
        snapshot_create(l, iv);
        fl_interval_destroy(iv);
    }
    if (republish) {
        logger_publish(l, cur);
    }
}

/* Forgets detached bindings that no open interval can still need. */
static void
logger_gc_bindings(struct fl_logger *l)
{
    struct fl_ivset *set = logger_ivset(l);
    long long int oldest = LLONG_MAX;
    struct fl_interval *iv;
    struct fl_binding *b;

    LIST_FOR_EACH (iv, node, &l->closing) {
        oldest = MIN(oldest, iv->start);
    }
    if (set) {
        for (size_t i = 0; i < set->n; i++) {
            oldest = MIN(oldest, set->iv[i]->start);
        }
    }
    HMAP_FOR_EACH_SAFE (b, node, &l->bindings) {
        if (!b->attached && b->detached_ms < oldest) {
            hmap_remove(&l->bindings, &b->node);
            fl_binding_unref(b);
        }
    }
}

/* Configuration. */

static void
host_error(const char *key, const char *value, const char *reason)
{
    const char *old = smap_get(&host_errors, key);
    char *msg = xasprintf("Open_vSwitch other_config:%s=%s: %s", key, value,
                          reason);

    if (!old || strcmp(old, msg)) {
        VLOG_ERR("%s (keeping the previous value)", msg);
    }
    smap_replace(&host_errors, key, msg);
    free(msg);
}

static void
host_configure(const struct ovsrec_open_vswitch *cfg)
{
    struct fl_host *old = ovsrcu_get_protected(struct fl_host *, &fl_host);
    struct fl_host *h = xzalloc(sizeof *h);
    const struct smap *oc = &cfg->other_config;
    const char *v;

    if (old) {
        *h = *old;
        h->region = nullable_xstrdup(old->region);
        h->exporter = nullable_xstrdup(old->exporter);
    } else {
        h->mode = FL_MODE_PIPELINE;
        h->table_accept_egress = 91;
        h->table_accept_ingress = 92;
        h->table_drop = 93;
        h->max_records = FLOWLOG_MAX_RECORDS_DEFAULT;
        h->queue_max_bytes = FLOWLOG_QUEUE_MAX_BYTES_DEFAULT;
    }
    smap_clear(&host_errors);

    v = smap_get_def(oc, "flowlog-region", "");
    if (strlen(v) > 64 || v[strcspn(v, ",\"\n\r")]) {
        host_error("flowlog-region", v, "at most 64 characters, without "
                   "commas, quotes or line breaks");
    } else {
        free(h->region);
        h->region = xstrdup(v);
    }

    v = smap_get_def(oc, "flowlog-verdict", "pipeline");
    if (!strcmp(v, "pipeline")) {
        h->mode = FL_MODE_PIPELINE;
    } else if (!strcmp(v, "neutron")) {
        h->mode = FL_MODE_NEUTRON;
    } else {
        host_error("flowlog-verdict", v, "expected pipeline or neutron");
    }

    v = smap_get_def(oc, "flowlog-neutron-tables", "91,92,93");
    unsigned int a, b, c;
    int n;
    if (sscanf(v, "%u,%u,%u%n", &a, &b, &c, &n) == 3 && !v[n]
        && a < 255 && b < 255 && c < 255 && a != b && b != c && a != c) {
        h->table_accept_egress = a;
        h->table_accept_ingress = b;
        h->table_drop = c;
    } else {
        host_error("flowlog-neutron-tables", v, "expected three different "
                   "table ids (0-254): accepted-egress,accepted-ingress,"
                   "dropped");
    }

    v = smap_get(oc, "flowlog-max-records");
    unsigned int u;
    if (!v) {
        h->max_records = FLOWLOG_MAX_RECORDS_DEFAULT;
    } else if (str_to_uint(v, 10, &u) && u >= 1 && u <= 100000000) {
        h->max_records = u;
    } else {
        host_error("flowlog-max-records", v,
                   "expected an integer between 1 and 100000000");
    }

    v = smap_get(oc, "flowlog-queue-max-bytes");
    long long int ll;
    if (!v) {
        h->queue_max_bytes = FLOWLOG_QUEUE_MAX_BYTES_DEFAULT;
    } else if (str_to_llong(v, 10, &ll) && ll >= 4096
               && ll <= (1LL << 40)) {
        h->queue_max_bytes = ll;
    } else {
        host_error("flowlog-queue-max-bytes", v,
                   "expected an integer between 4096 and 1099511627776");
    }

    v = smap_get(oc, "flowlog-exporter");
    if (v && strncmp(v, "unix:", 5)) {
        host_error("flowlog-exporter", v, "expected unix:PATH");
    } else {
        free(h->exporter);
        h->exporter = v ? xstrdup(v) : xasprintf("unix:%s/flowlog-exporter"
                                                 ".sock", ovs_rundir());
    }

    v = smap_get(&cfg->external_ids, "system-id");
    if (v && *v) {
        h->system_id = xstrdup(v);
    } else {
        char name[256];
        h->system_id = xstrdup(gethostname(name, sizeof name) ? "localhost"
                                                               : name);
    }

    ovsrcu_set(&fl_host, h);
    fl_channel_set_target(h->exporter, h->system_id);
    if (old) {
        ovsrcu_postpone(free, old->region);
        ovsrcu_postpone(free, old->exporter);
        ovsrcu_postpone(free, old->system_id);
        ovsrcu_postpone(free, old);
    }
}

static struct fl_opts *
opts_create(const struct flowlog_logger_opts *o)
{
    struct fl_opts *fo = xzalloc(sizeof *fo);

    fo->o = *o;
    for (size_t i = 0; i < o->n_fields; i++) {
        enum flowlog_field f = o->fields[i];

        fo->key_icmp |= f == FL_ICMP_TYPE || f == FL_ICMP_CODE;
        fo->key_rule |= f == FL_RULE;
        fo->key_ct_zone |= f == FL_CT_ZONE;
    }
    return fo;
}

static void
logger_delete(struct fl_logger *l)
{
    struct fl_binding *b;

    VLOG_INFO("logger %s: deleted", l->name);
    l->deleted = true;
    fl_channel_logger_deleted(l->name);
    logger_close_all(l);
    struct fl_opts *o = ovsrcu_get_protected(struct fl_opts *, &l->opts);
    ovsrcu_set(&l->opts, NULL);
    ovsrcu_postpone(fl_opts_free, o);
    HMAP_FOR_EACH_POP (b, node, &l->bindings) {
        fl_binding_unref(b);
    }
    hmap_remove(&fl_loggers, &l->node);
    fl_logger_unref(l);
}

static void
loggers_configure(const struct ovsrec_open_vswitch *cfg)
{
    struct sset seen = SSET_INITIALIZER(&seen);
    struct smap_node *node;

    SMAP_FOR_EACH (node, &cfg->other_config) {
        if (strncmp(node->key, "flowlog-logger-", 15)) {
            continue;
        }
        const char *name = node->key + 15;
        if (!flowlog_logger_name_valid(name)) {
            host_error(node->key, node->value, "logger names are 1 to 32 "
                       "characters of a-z, 0-9 and '-'");
            continue;
        }
        sset_add(&seen, name);

        struct fl_logger *l = logger_find(name);
        if (l && l->config && !strcmp(l->config, node->value)) {
            continue;
        }
        if (!l) {
            l = xzalloc(sizeof *l);
            l->name = xstrdup(name);
            ovs_refcount_init(&l->ref);
            hmap_init(&l->bindings);
            ovs_list_init(&l->closing);
            for (int i = 0; i < FL_N_EXCL; i++) {
                atomic_init(&l->excluded[i], 0);
            }
            hmap_insert(&fl_loggers, &l->node, hash_string(name, 0));
        }
        free(l->config);
        l->config = xstrdup(node->value);

        struct flowlog_logger_opts o;
        char *error = flowlog_logger_opts_parse(node->value, &o);
        free(l->error);
        l->error = NULL;
        if (error) {
            VLOG_ERR("Open_vSwitch other_config:%s=%s: %s (%s)",
                     node->key, node->value, error,
                     l->has_valid ? "keeping the last valid configuration"
                                  : "logger inactive");
            l->error = error;
            continue;
        }

        struct fl_opts *old = ovsrcu_get_protected(struct fl_opts *,
                                                   &l->opts);
        ovsrcu_set(&l->opts, opts_create(&o));
        if (old) {
            ovsrcu_postpone(fl_opts_free, old);
        }
        struct ds d = DS_EMPTY_INITIALIZER;
        flowlog_logger_opts_format(&o, &d);
        VLOG_INFO("logger %s: %s %s", name,
                  l->has_valid ? "reconfigured:" : "configured:",
                  ds_cstr(&d));
        ds_destroy(&d);
        l->has_valid = true;
    }

    struct fl_logger *l;
    HMAP_FOR_EACH_SAFE (l, node, &fl_loggers) {
        if (!sset_contains(&seen, l->name)) {
            logger_delete(l);
        }
    }
    sset_destroy(&seen);
}

static bool
nullable_streq(const char *a, const char *b)
{
    return a == b || (a && b && !strcmp(a, b));
}

/* Identity values longer than this are cut (and logged): they are UUIDs in
 * practice, and they bound a record's size on the channel. */
#define FL_ID_MAX 255

static char *
ext_id(const struct ovsrec_interface *iface, const char *key)
{
    const char *v = smap_get(&iface->external_ids, key);

    if (!v || !*v) {
        return NULL;
    }
    if (strlen(v) > FL_ID_MAX) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);
        VLOG_WARN_RL(&rl, "Interface %s external_ids:%s is %"PRIuSIZE
                     " bytes long: flow log records keep its first %d",
                     iface->name, key, strlen(v), FL_ID_MAX);
        return xmemdup0(v, FL_ID_MAX);
    }
    return xstrdup(v);
}

/* Returns the binding of 'l' to interface 'iface' (ofport 'ofport'), reusing
 * the existing one if the identity did not change. */
static struct fl_binding *
binding_get(struct fl_logger *l, const struct ovsrec_interface *iface,
            int ofport, const char *how)
{
    struct flowlog_identity id = {
        .port_name = xstrdup(iface->name),
        .ofport = ofport,
        .iface_id = ext_id(iface, "iface-id"),
        .vm_id = ext_id(iface, "vm-uuid"),
        .subnet_id = ext_id(iface, "subnet-id"),
        .vpc_id = ext_id(iface, "vpc-id"),
    };
    uint32_t hash = hash_string(iface->name, 0);
    struct fl_binding *b;

    HMAP_FOR_EACH_WITH_HASH (b, node, hash, &l->bindings) {
        if (!strcmp(b->id.port_name, iface->name)) {
            if (b->id.ofport == ofport && !strcmp(b->how, how)
                && nullable_streq(b->id.iface_id, id.iface_id)
                && nullable_streq(b->id.vm_id, id.vm_id)
                && nullable_streq(b->id.subnet_id, id.subnet_id)
                && nullable_streq(b->id.vpc_id, id.vpc_id)) {
                free(id.port_name);
                free(id.iface_id);
                free(id.vm_id);
                free(id.subnet_id);
                free(id.vpc_id);
                return b;
            }
        }
    }

    b = xzalloc(sizeof *b);
    ovs_refcount_init(&b->ref);
    ovs_refcount_ref(&l->ref);
    b->logger = l;
    b->id = id;
    b->how = how;
    hmap_insert(&l->bindings, &b->node, hash);
    return b;
}

uint32_t
fl_port_hash(const struct ofproto *ofproto, ofp_port_t ofp_port)
{
    return hash_int(ofp_to_u16(ofp_port), hash_pointer(ofproto, 0));
}

const struct fl_port *
fl_port_lookup(const struct ofproto *ofproto, ofp_port_t ofp_port)
{
    const struct fl_port *p;

    CMAP_FOR_EACH_WITH_HASH (p, node, fl_port_hash(ofproto, ofp_port),
                             &fl_ports) {
        if (p->ofproto == ofproto && p->ofp_port == ofp_port) {
            return p;
        }
    }
    return NULL;
}

const struct fl_port *
fl_port_lookup_mac(struct eth_addr mac)
{
    const struct fl_port *p;

    CMAP_FOR_EACH_WITH_HASH (p, mac_node, hash_bytes(&mac, sizeof mac, 0),
                             &fl_macs) {
        if (eth_addr_equals(p->mac, mac)) {
            return p;
        }
    }
    return NULL;
}

static void
fl_port_free(struct fl_port *p)
{
    for (size_t i = 0; i < p->n_bindings; i++) {
        fl_binding_unref(p->bindings[i]);
    }
    free(p->bindings);
    free(p);
}

static bool
fl_port_equal(const struct fl_port *a, const struct fl_port *b)
{
    return (a->has_mac == b->has_mac
            && eth_addr_equals(a->mac, b->mac)
            && a->n_bindings == b->n_bindings
            && !memcmp(a->bindings, b->bindings,
                       a->n_bindings * sizeof a->bindings[0]));
}

static void
iface_error(const struct ovsrec_interface *iface, const char *msg)
{
    const char *old = smap_get(&iface_errors, iface->name);
    if (!old || strcmp(old, msg)) {
        VLOG_ERR("%s", msg);
    }
    smap_replace(&iface_errors, iface->name, msg);
}

/* Collects the logging port of 'iface' into 'ports', if any. */
static void
iface_configure(const struct ovsrec_interface *iface,
                const struct ofproto *ofproto, bool mirror_out,
                struct hmap *ports)
{
    struct fl_binding **bindings = NULL;
    size_t n = 0;

    const char *names = smap_get(&iface->other_config, "flowlog-loggers");
    struct sset attach = SSET_INITIALIZER(&attach);
    if (names) {
        char *copy = xstrdup(names);
        char *save = NULL;
        for (char *name = strtok_r(copy, ", ", &save); name;
             name = strtok_r(NULL, ", ", &save)) {
            struct fl_logger *l = logger_find(name);
            if (!l) {
                char *msg = xasprintf("Interface %s other_config:"
                                      "flowlog-loggers=%s: unknown logger "
                                      "\"%s\"", iface->name, names, name);
                iface_error(iface, msg);
                free(msg);
                continue;
            }
            sset_add(&attach, name);
        }
        free(copy);
    }

    struct uuid vpc, subnet;
    const char *s;
    bool has_vpc = ((s = smap_get(&iface->external_ids, "vpc-id"))
                    && uuid_from_string(&vpc, s));
    bool has_subnet = ((s = smap_get(&iface->external_ids, "subnet-id"))
                       && uuid_from_string(&subnet, s));

    struct ofproto_port op;
    if (ofproto_port_query_by_name(ofproto, iface->name, &op)) {
        sset_destroy(&attach);
        return;
    }
    ofp_port_t ofp_port = op.ofp_port;
    int ofport = ofp_to_u16(ofp_port);
    ofproto_port_destroy(&op);

    struct fl_logger *l;
    HMAP_FOR_EACH (l, node, &fl_loggers) {
        const struct fl_opts *o = logger_opts(l);
        const char *how = NULL;

        if (!o) {
            continue;
        }
        if (sset_contains(&attach, l->name)) {
            how = "explicit";
        } else if (o->o.has_vpc && has_vpc && uuid_equals(&o->o.vpc, &vpc)) {
            how = "vpc";
        } else if (o->o.has_subnet && has_subnet
                   && uuid_equals(&o->o.subnet, &subnet)) {
            how = "subnet";
        }
        if (!how) {
            continue;
        }
        if (mirror_out) {
            char *msg = xasprintf("Interface %s: a mirror output port is "
                                  "never a logging port (logger %s)",
                                  iface->name, l->name);
            iface_error(iface, msg);
            free(msg);
            continue;
        }

        bindings = xrealloc(bindings, (n + 1) * sizeof *bindings);
        bindings[n++] = fl_binding_ref(binding_get(l, iface, ofport, how));
    }
    sset_destroy(&attach);

    if (!n) {
        return;
    }

    struct fl_port *p = xzalloc(sizeof *p);
    p->ofproto = ofproto;
    p->ofp_port = ofp_port;
    p->n_bindings = n;
    p->bindings = bindings;
    const char *mac = smap_get(&iface->external_ids, "attached-mac");
    if (mac && eth_addr_from_string(mac, &p->mac)) {
        p->has_mac = true;
    }
    hmap_insert(ports, &p->hnode, fl_port_hash(ofproto, p->ofp_port));
}

/* Publishes the logging ports in 'new' (an hmap of struct fl_port).  Returns true if anything changed. */
static bool
ports_publish(struct hmap *new)
{
    bool changed = false;
    struct fl_port *old, *p;

    CMAP_FOR_EACH (old, node, &fl_ports) {
        uint32_t hash = fl_port_hash(old->ofproto, old->ofp_port);
        struct fl_port *found = NULL;

        HMAP_FOR_EACH_WITH_HASH (p, hnode, hash, new) {
            if (p->ofproto == old->ofproto && p->ofp_port == old->ofp_port) {
                found = p;
                break;
            }
        }
        if (found && fl_port_equal(found, old)) {
            hmap_remove(new, &found->hnode);
            fl_port_free(found);
            continue;
        }
        changed = true;
        if (old->has_mac) {
            cmap_remove(&fl_macs, &old->mac_node,
                        hash_bytes(&old->mac, sizeof old->mac, 0));
        }
        if (found) {
            hmap_remove(new, &found->hnode);
            cmap_replace(&fl_ports, &old->node, &found->node, hash);
            if (found->has_mac) {
                cmap_insert(&fl_macs, &found->mac_node,
                            hash_bytes(&found->mac, sizeof found->mac, 0));
            }
        } else {
            cmap_remove(&fl_ports, &old->node, hash);
        }
        ovsrcu_postpone(fl_port_free, old);
    }

    HMAP_FOR_EACH_POP (p, hnode, new) {
        changed = true;
        cmap_insert(&fl_ports, &p->node,
                    fl_port_hash(p->ofproto, p->ofp_port));
        if (p->has_mac) {
            cmap_insert(&fl_macs, &p->mac_node,
                        hash_bytes(&p->mac, sizeof p->mac, 0));
        }
    }
    return changed;
}

static void
ports_configure(const struct ovsrec_open_vswitch *cfg)
{
    struct hmap new = HMAP_INITIALIZER(&new);

    smap_clear(&iface_errors);
    for (size_t i = 0; i < cfg->n_bridges; i++) {
        const struct ovsrec_bridge *br = cfg->bridges[i];
        const struct ofproto *ofproto = ofproto_lookup(br->name);
        struct sset mirror_out = SSET_INITIALIZER(&mirror_out);

        if (!ofproto) {
            continue;
        }
        for (size_t j = 0; j < br->n_mirrors; j++) {
            const struct ovsrec_port *out = br->mirrors[j]->output_port;
            for (size_t k = 0; out && k < out->n_interfaces; k++) {
                sset_add(&mirror_out, out->interfaces[k]->name);
            }
        }
        for (size_t j = 0; j < br->n_ports; j++) {
            const struct ovsrec_port *port = br->ports[j];
            for (size_t k = 0; k < port->n_interfaces; k++) {
                const struct ovsrec_interface *iface = port->interfaces[k];
                iface_configure(iface, ofproto,
                                sset_contains(&mirror_out, iface->name),
                                &new);
            }
        }
        sset_destroy(&mirror_out);
    }

    /* Mark bindings attached or detached. */
    long long int now = fl_wall_msec();
    struct hmapx attached = HMAPX_INITIALIZER(&attached);
    struct fl_port *p;
    HMAP_FOR_EACH (p, hnode, &new) {
        for (size_t i = 0; i < p->n_bindings; i++) {
            p->bindings[i]->attached = true;
            hmapx_add(&attached, p->bindings[i]);
        }
    }
    struct fl_logger *l;
    HMAP_FOR_EACH (l, node, &fl_loggers) {
        struct fl_binding *b;
        HMAP_FOR_EACH (b, node, &l->bindings) {
            if (b->attached && !hmapx_contains(&attached, b)) {
                b->attached = false;
                b->detached_ms = now;
                VLOG_INFO("logger %s: port %s detached", l->name,
                          b->id.port_name);
            }
        }
    }
    hmapx_destroy(&attached);

    bool changed = ports_publish(&new);
    hmap_destroy(&new);
    atomic_store_relaxed(&fl_enabled, !cmap_is_empty(&fl_ports));
    if (changed) {
        /* Megaflows made before may be too wide for the new logging ports,
         * or carry entries for ports no longer logged. */
        force_revalidation();
    }
}

/* Tells the channel each logger's effective configuration; it sends what
 * changed to the exporter. */
static void
loggers_announce(void)
{
    struct fl_host *h = fl_host_get();
    struct fl_logger *l;

    HMAP_FOR_EACH (l, node, &fl_loggers) {
        const struct fl_opts *o = logger_opts(l);
        if (o) {
            struct ds d = DS_EMPTY_INITIALIZER;
            flowlog_logger_opts_format(&o->o, &d);
            fl_channel_logger_config(l->name, ds_cstr(&d),
                                     h && h->region ? h->region : "",
                                     h && h->system_id ? h->system_id : "");
            ds_destroy(&d);
        }
    }
}

/* Applies the flow log configuration in 'cfg' (Open_vSwitch row and its
 * bridges, ports, interfaces and mirrors).  Called at the end of every
 * bridge reconfiguration, when all ofprotos and ports exist. */
void
flowlog_reconfigure(const struct ovsrec_open_vswitch *cfg)
{
    flowlog_init();
    if (!cfg) {
        return;
    }
    host_configure(cfg);
    loggers_configure(cfg);
    ports_configure(cfg);
    loggers_announce();
    seq_change(fl_seq);
}

void
flowlog_run(void)
{
    static long long int next_gc;
    struct fl_logger *l;

    if (!initialized) {
        return;
    }
    HMAP_FOR_EACH (l, node, &fl_loggers) {
        logger_run(l);
    }
    fl_channel_run();
    if (time_msec() >= next_gc) {
        next_gc = time_msec() + 1000;
        fl_rid_run();
        HMAP_FOR_EACH (l, node, &fl_loggers) {
            logger_gc_bindings(l);
        }
    }
}

void
flowlog_wait(void)
{
    struct fl_logger *l;

    if (!initialized) {
        return;
    }
    seq_wait(fl_seq, seq_read(fl_seq));
    fl_channel_wait();
    HMAP_FOR_EACH (l, node, &fl_loggers) {
        struct fl_interval *cur = logger_current(l);
        if (!ovs_list_is_empty(&l->closing)) {
            poll_timer_wait(100);
        }
        if (cur) {
            poll_timer_wait_until(cur->end - wall_base + mono_base);
        } else if (logger_opts(l)) {
            poll_immediate_wake();
        }
    }
}

/* Graceful exit: every logger's partial interval becomes a snapshot. */
void
flowlog_exit(void)
{
    struct fl_logger *l;

    if (!initialized) {
        return;
    }
    HMAP_FOR_EACH (l, node, &fl_loggers) {
        logger_close_all(l);
    }

    /* Give a connected exporter up to 5 s (wall time: tests stop the
     * monotonic clock) to acknowledge what is queued. */
    long long int deadline = time_wall_msec() + 5000;
    while (!fl_channel_queue_empty() && fl_channel_is_connected()
           && time_wall_msec() < deadline) {
        fl_channel_run();
        if (fl_channel_queue_empty()) {
            break;
        }
        fl_channel_wait();
        poll_timer_wait(100);
        poll_block();
    }
    if (!fl_channel_queue_empty()) {
        struct ds d = DS_EMPTY_INITIALIZER;
        fl_channel_show(&d, 0);
        VLOG_WARN("exiting with snapshots not acknowledged by an exporter; "
                  "they are lost: %s", ds_cstr(&d));
        ds_destroy(&d);
    }
}

void
flowlog_dump_begin(const struct udpif *udpif)
{
    ovs_mutex_lock(&dump_mutex);
    for (size_t i = 0; i < n_trackers; i++) {
        if (trackers[i].udpif == udpif) {
            trackers[i].started++;
            ovs_mutex_unlock(&dump_mutex);
            return;
        }
    }
    if (n_trackers < MAX_TRACKERS) {
        trackers[n_trackers++] = (struct dump_tracker) {
            .udpif = udpif, .started = 1, .completed = 0,
        };
    }
    ovs_mutex_unlock(&dump_mutex);
}

void
flowlog_dump_end(const struct udpif *udpif)
{
    ovs_mutex_lock(&dump_mutex);
    for (size_t i = 0; i < n_trackers; i++) {
        if (trackers[i].udpif == udpif) {
            trackers[i].completed = trackers[i].started;
        }
    }
    ovs_mutex_unlock(&dump_mutex);
    if (fl_seq) {
        seq_change(fl_seq);
    }
}

void
flowlog_dump_forget(const struct udpif *udpif)
{
    ovs_mutex_lock(&dump_mutex);
    for (size_t i = 0; i < n_trackers; i++) {
        if (trackers[i].udpif == udpif) {
            trackers[i] = trackers[--n_trackers];
            break;
        }
    }
    ovs_mutex_unlock(&dump_mutex);
}

/* ovs-appctl. */

static int
compare_loggers(const void *a_, const void *b_)
{
    const struct fl_logger *const *a = a_;
    const struct fl_logger *const *b = b_;
    return strcmp((*a)->name, (*b)->name);
}

static struct fl_logger **
sorted_loggers(size_t *n)
{
    struct fl_logger **v = xmalloc(MAX(hmap_count(&fl_loggers), 1)
                                   * sizeof *v);
    struct fl_logger *l;

    *n = 0;
    HMAP_FOR_EACH (l, node, &fl_loggers) {
        v[(*n)++] = l;
    }
    qsort(v, *n, sizeof *v, compare_loggers);
    return v;
}

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
    const struct fl_opts *o = logger_opts(l);

    ds_put_format(s, "logger %s: ", l->name);
    if (l->error) {
        ds_put_format(s, "CONFIG_ERROR (%s)%s\n", l->error,
                      l->has_valid ? "; last valid configuration in force"
                                   : "");
    } else {
        const char *reason;
        const char *state = fl_channel_logger_state(l->name, &reason);
        if (state && strcmp(state, "ACTIVE")) {
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

    struct fl_interval *cur = logger_current(l);
    if (cur) {
        uint64_t packets, bytes, skipped;
        fl_interval_totals(cur, &packets, &bytes, &skipped);
        ds_put_cstr(s, "  current interval: ");
        format_time(s, cur->start);
        ds_put_cstr(s, " to ");
        format_time(s, cur->end);
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
    struct fl_logger *l = logger_find(argv[1]);
    if (!l) {
        char *error = xasprintf("no such logger \"%s\"", argv[1]);
        unixctl_command_reply_error(conn, error);
        free(error);
    }
    return l;
}

static void
flowlog_unixctl_show(struct unixctl_conn *conn, int argc,
                     const char *argv[], void *aux OVS_UNUSED)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    bool all;
    struct fl_logger *l = logger_arg(conn, argc, argv, &all);

    if (!all && !l) {
        return;
    } else if (l) {
        show_logger(&s, l);
    } else {
        size_t n;
        struct fl_logger **v = sorted_loggers(&n);
        for (size_t i = 0; i < n; i++) {
            show_logger(&s, v[i]);
        }
        free(v);

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
                          fl_record_size());
            fl_channel_show(&s, h->queue_max_bytes);
        }
        struct smap_node *node;
        SMAP_FOR_EACH (node, &host_errors) {
            ds_put_format(&s, "error: %s\n", node->value);
        }
        SMAP_FOR_EACH (node, &iface_errors) {
            ds_put_format(&s, "error: %s\n", node->value);
        }
    }
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

static void
dump_logger(struct ds *s, const struct fl_logger *l, const char *port)
{
    const struct fl_opts *o = logger_opts(l);
    struct fl_interval *cur = logger_current(l);
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

static void
flowlog_unixctl_dump(struct unixctl_conn *conn, int argc,
                     const char *argv[], void *aux OVS_UNUSED)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    bool all;
    struct fl_logger *l = logger_arg(conn, argc, argv, &all);

    if (!all && !l) {
        return;
    } else if (l) {
        dump_logger(&s, l, argc > 2 ? argv[2] : NULL);
    } else {
        size_t n;
        struct fl_logger **v = sorted_loggers(&n);
        for (size_t i = 0; i < n; i++) {
            ds_put_format(&s, "# logger %s\n", v[i]->name);
            dump_logger(&s, v[i], NULL);
        }
        free(v);
    }
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}

/* Closes the current interval of 'l' now; the reply goes out once a
 * revalidator dump that began after now has pushed every datapath flow's
 * statistics. */
static void
logger_flush(struct fl_logger *l, struct flowlog_unixctl_wait *w)
{
    struct fl_interval *cur = logger_current(l);
    const struct fl_opts *o = logger_opts(l);

    if (!cur || !o) {
        return;
    }
    long long int now = MAX(fl_wall_msec(), cur->start + 1);
    long long int end = cur->end;

    cur->end = MIN(now, end);
    cur->flush = w;
    w->n_pending++;
    interval_start_closing(l, cur);
    logger_publish(l, fl_interval_create(cur->end,
                                         aligned_end(cur->end,
                                                     o->o.interval)));
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

    struct flowlog_unixctl_wait *w = xzalloc(sizeof *w);
    w->conn = conn;
    ds_init(&w->reply);
    if (l) {
        logger_flush(l, w);
    } else {
        HMAP_FOR_EACH (l, node, &fl_loggers) {
            logger_flush(l, w);
        }
    }
    if (!w->n_pending) {
        unixctl_command_reply(conn, "nothing to flush\n");
        free(w);
        return;
    }
    force_revalidation();
    seq_change(fl_seq);
}

/* One line describing 's', for flowlog/queue. */
void
fl_snapshot_format_line(struct ds *s, const struct fl_snapshot *snap)
{
    ds_put_format(s, "snapshot %"PRIu64": logger %s ", snap->seq,
                  snap->logger);
    format_time(s, snap->start);
    ds_put_cstr(s, " to ");
    format_time(s, snap->end);
    ds_put_format(s, " records %"PRIuSIZE" bytes %"PRIuSIZE"\n",
                  snap->n_records, snap->bytes);
}

/* 's' as CSV, as the exporter would write it. */
void
fl_snapshot_format_csv(struct ds *s, const struct fl_snapshot *snap)
{
    struct flowlog_context ctx = {
        .region = snap->region,
        .host = snap->host,
        .logger = snap->logger,
        .interval_start_ms = snap->start,
        .interval_end_ms = snap->end,
    };
    flowlog_csv_header(s, snap->opts.fields, snap->opts.n_fields);
    for (size_t i = 0; i < snap->n_records; i++) {
        flowlog_csv_record(s, snap->opts.fields, snap->opts.n_fields,
                           &snap->records[i], &ctx);
    }
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
    unixctl_command_reply(conn, ds_cstr(&s));
    ds_destroy(&s);
}
