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


/* Configuration from OVSDB (see flowlog-ovsdb.h). */

#include <config.h>
#include "ofproto-flowlog/flowlog-ovsdb.h"

#include <errno.h>
#include <stdarg.h>
#include <strings.h>
#include <unistd.h>

#include "coverage.h"
#include "dirs.h"
#include "hash.h"
#include "hmapx.h"
#include "ofproto/ofproto-provider.h"
#include "openvswitch/poll-loop.h"
#include "ovsdb-idl-provider.h"
#include "ofproto-flowlog/flowlog-channel.h"
#include "ofproto-flowlog/flowlog-ct.h"
#include "ofproto-flowlog/flowlog-ports.h"
#include "ofproto-flowlog/flowlog-rotation.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "smap.h"
#include "sset.h"
#include "svec.h"
#include "timeval.h"
#include "util.h"
#include "uuid.h"
#include "vswitch-idl.h"

VLOG_DEFINE_THIS_MODULE(flowlog_ovsdb);

COVERAGE_DEFINE(flowlog_external_ids_reconfigure);

/* ovs-vswitchd does not replicate Interface and Open_vSwitch external_ids
 * (vswitchd/bridge.c omits them), so that the writes other agents make
 * there (ovn-controller's ovn-installed on every port it binds, os-vif's
 * keys...) never wake it up.  The hook reads the few of those values it
 * needs, the identities of its logging ports and the host's system-id,
 * through an IDL of its own on the same database ('idl'), which monitors
 * only:
 *
 *   - Open_vSwitch external_ids (one row, rarely written);
 *
 *   - Interface name and external_ids of the logging ports' rows, chosen by
 *     a condition on "name" (monitor_cond): none while no port has
 *     other_config:flowlog-loggers, so that the server sends nothing;
 *     every Interface while a logger selects ports by vpc or subnet, since
 *     any row may then become a logging port.
 *
 * When the bridge reconfigures, fl_ovsdb_configure() sets the condition for
 * the new configuration and waits, at most FL_IDL_SYNC_MS, until the
 * server has acknowledged it (idl_sync()): the server answers a condition
 * change only after it has sent this session every update committed
 * before (ovsdb_jsonrpc_monitor_cond_change()), so the identities then
 * read are at least as new as the main IDL's configuration.  A port whose
 * row has not arrived by then is not attached until it does.  Between
 * reconfigurations, fl_ovsdb_run() reconfigures the hook alone when a
 * watched value changes.  The watched values are those of the logging
 * ports' rows and, while a logger selects ports by vpc or subnet, of every
 * Interface.
 *
 * Most writes to those rows change nothing the hook uses (ovn-installed
 * again), yet each would wake the main loop, which costs about 1 ms with
 * 500 userspace-datapath ports.  So after taking in an update, the hook
 * does not wake the main loop for its connection for FL_IDL_HOLDOFF_MS
 * (it still reads it whenever the loop runs for another reason): a lone
 * change takes effect in the iteration that receives it, a stream of
 * writes costs at most one wake-up per FL_IDL_HOLDOFF_MS, and a change is
 * in force at most FL_IDL_HOLDOFF_MS after ovsdb-server sent it. */
#define FL_IDL_SYNC_MS 1000
#define FL_IDL_HOLDOFF_MS 500

static struct ovsdb_idl *idl;
static char *idl_remote;
static unsigned int idl_seqno;
static long long int idl_holdoff_until;     /* Wall clock, in ms. */
static bool barrier_flip;       /* Which of two equivalent conditions. */

static const char *const watched_keys[] = {
    "iface-id", "vm-uuid", "subnet-id", "vpc-id", "attached-mac",
};
#define N_WATCHED_KEYS ARRAY_SIZE(watched_keys)

struct watched_iface {
    struct hmap_node node;      /* In 'watched', by UUID. */
    struct uuid uuid;
    bool present;               /* Row in 'idl' when configured? */
    char *values[N_WATCHED_KEYS];   /* As in external_ids, NULL if absent. */
};

/* The main IDL, that of the last configuration's rows. */
static const struct ovsdb_idl *main_idl;
static struct hmap watched = HMAP_INITIALIZER(&watched);
static char *watched_host_keys;     /* system-id and flowlog-* keys. */

/* Returns the Open_vSwitch row's external_ids as 'idl' has them (empty
 * until it has the row). */
static const struct smap *
host_ext_ids(void)
{
    static struct smap empty = SMAP_INITIALIZER(&empty);
    const struct ovsrec_open_vswitch *row
        = idl ? ovsrec_open_vswitch_first(idl) : NULL;

    return row ? &row->external_ids : &empty;
}

/* Returns the external_ids of 'iface' (a row of the main IDL) as 'idl' has
 * them, or NULL if 'idl' does not have the row (yet). */
static const struct smap *
iface_ext_ids(const struct ovsrec_interface *iface)
{
    const struct ovsrec_interface *row
        = idl ? ovsrec_interface_get_for_uuid(idl, &iface->header_.uuid)
              : NULL;

    return row ? &row->external_ids : NULL;
}

/* Configuration problems (message -> "error" or "warning"), shown by
 * flowlog/show while they last.  Each configuration collects them anew in
 * 'new_problems'; problems_commit() logs those that appeared and those that
 * are gone, once each, so that unrelated database changes log nothing. */
static struct smap problems = SMAP_INITIALIZER(&problems);
static struct smap new_problems = SMAP_INITIALIZER(&new_problems);

static void OVS_PRINTF_FORMAT(2, 3)
problem(const char *level, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    char *msg = xvasprintf(format, args);
    va_end(args);
    smap_replace(&new_problems, msg, level);
    free(msg);
}

static void
problems_commit(void)
{
    struct smap_node *node;

    SMAP_FOR_EACH (node, &new_problems) {
        if (!smap_get(&problems, node->key)) {
            if (!strcmp(node->value, "error")) {
                VLOG_ERR("%s", node->key);
            } else {
                VLOG_WARN("%s", node->key);
            }
        }
    }
    SMAP_FOR_EACH (node, &problems) {
        if (!smap_get(&new_problems, node->key)) {
            VLOG_INFO("resolved: %s", node->key);
        }
    }
    hmap_swap(&problems.map, &new_problems.map);
    smap_clear(&new_problems);
}

/* Appends the messages of 'map' (message -> "error" or "warning") to
 * 'errors' and 'warnings', sorted. */
static void
problems_split(const struct smap *map, struct svec *errors,
               struct svec *warnings)
{
    const struct smap_node **nodes = smap_sort(map);
    size_t n = smap_count(map);

    for (size_t i = 0; i < n; i++) {
        svec_add(!strcmp(nodes[i]->value, "error") ? errors : warnings,
                 nodes[i]->key);
    }
    free(nodes);
}

/* A bad host-wide value: 'in_force' is the value used instead. */
static void
host_error(const char *key, const char *value, const char *reason,
           const char *in_force)
{
    problem("error", "Open_vSwitch other_config:%s=%s: %s (in force: %s)",
            key, value, reason, in_force);
}

/* The keys of this version, for "did you mean". */
static const char *const host_keys[] = {
    "flowlog-region", "flowlog-verdict", "flowlog-neutron-tables",
    "flowlog-max-records", "flowlog-queue-max-bytes", "flowlog-exporter",
    "flowlog-ct-event-buffer",
};
static const char *const iface_keys[] = {
    "flowlog-loggers", "flowlog-ct-zone", "flowlog-ct-blocked-mark",
};

/* Levenshtein distance between 'a' and 'b', for "did you mean". */
static size_t
edit_distance(const char *a, const char *b)
{
    size_t n = strlen(b);
    size_t *row = xmalloc((n + 1) * sizeof *row);

    for (size_t j = 0; j <= n; j++) {
        row[j] = j;
    }
    for (size_t i = 1; a[i - 1]; i++) {
        size_t diag = row[0];

        row[0] = i;
        for (size_t j = 1; j <= n; j++) {
            size_t up = row[j];
            size_t cost = a[i - 1] != b[j - 1];

            row[j] = MIN(MIN(row[j] + 1, row[j - 1] + 1), diag + cost);
            diag = up;
        }
    }
    size_t d = row[n];
    free(row);
    return d;
}

/* Returns the key of 'keys' (or "flowlog-logger-NAME", with 'loggers') that
 * 'key' is a likely typo of, or NULL.  The result is valid until the next
 * call. */
static const char *
did_you_mean(const char *key, const char *const *keys, size_t n_keys,
             bool loggers)
{
    static char *best;
    size_t best_d = 4;              /* Suggest only what is this close. */

    free(best);
    best = NULL;
    for (size_t i = 0; i < n_keys; i++) {
        size_t d = edit_distance(key, keys[i]);
        if (d < best_d) {
            best_d = d;
            free(best);
            best = xstrdup(keys[i]);
        }
    }
    /* "flowlog-loger-web": the logger prefix mistyped, the name kept. */
    const char *dash = strchr(key + strlen("flowlog-"), '-');
    if (loggers && dash) {
        char *prefix = xmemdup0(key, dash + 1 - key);
        size_t d = edit_distance(prefix, "flowlog-logger-");
        if (d && d < best_d) {
            free(best);
            best = xasprintf("flowlog-logger-%s", dash + 1);
        }
        free(prefix);
    }
    return best;
}

static bool
key_in(const char *key, const char *const *keys, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!strcmp(key, keys[i])) {
            return true;
        }
    }
    return false;
}

/* Reports flowlog keys of the Open_vSwitch row that this version does not
 * know, and those in external_ids, where they have no effect. */
static void
host_check_keys(const struct ovsrec_open_vswitch *cfg)
{
    struct smap_node *node;

    SMAP_FOR_EACH (node, &cfg->other_config) {
        if (!strncmp(node->key, "flowlog-", 8)
            && strncmp(node->key, "flowlog-logger-", 15)
            && !key_in(node->key, host_keys, ARRAY_SIZE(host_keys))) {
            const char *alt = did_you_mean(node->key, host_keys,
                                           ARRAY_SIZE(host_keys), true);
            problem("warning", "Open_vSwitch other_config:%s: unknown key, "
                    "ignored%s%s%s", node->key, alt ? " (did you mean " : "",
                    alt ? alt : "", alt ? "?)" : "");
        }
    }
    SMAP_FOR_EACH (node, host_ext_ids()) {
        if (!strncmp(node->key, "flowlog-", 8)) {
            problem("warning", "Open_vSwitch external_ids:%s: flow log keys "
                    "belong in other_config, ignored", node->key);
        }
    }
}

/* The same for an Interface row, whose external_ids are 'ext' (NULL if
 * unknown: only those of the rows that 'idl' monitors are known). */
static void
iface_check_keys(const struct ovsrec_interface *iface,
                 const struct smap *ext)
{
    struct smap_node *node;

    SMAP_FOR_EACH (node, &iface->other_config) {
        if (strncmp(node->key, "flowlog-", 8)
            || key_in(node->key, iface_keys, ARRAY_SIZE(iface_keys))) {
            continue;
        }
        const char *alt = did_you_mean(node->key, iface_keys,
                                       ARRAY_SIZE(iface_keys), false);
        problem("warning", "Interface %s other_config:%s: unknown key, "
                "ignored%s%s%s", iface->name, node->key,
                alt ? " (did you mean " : "", alt ? alt : "",
                alt ? "?)" : "");
    }
    if (!ext) {
        return;
    }
    SMAP_FOR_EACH (node, ext) {
        if (!strncmp(node->key, "flowlog-", 8)) {
            problem("warning", "Interface %s external_ids:%s: flow log keys "
                    "belong in other_config, ignored", iface->name,
                    node->key);
        }
    }
}

static void
host_configure(const struct ovsrec_open_vswitch *cfg)
{
    struct fl_host *old = fl_host_get();
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
    host_check_keys(cfg);

    char buf[64];
    v = smap_get_def(oc, "flowlog-region", "");
    if (strlen(v) > 64 || v[strcspn(v, ",\"\n\r")]) {
        char *in_force = xasprintf("\"%s\"", h->region ? h->region : "");
        host_error("flowlog-region", v, "at most 64 characters, without "
                   "commas, quotes or line breaks", in_force);
        free(in_force);
    } else {
        free(h->region);
        h->region = xstrdup(v);
    }

    v = smap_get_def(oc, "flowlog-verdict", "pipeline");
    if (!strcasecmp(v, "pipeline")) {
        h->mode = FL_MODE_PIPELINE;
    } else if (!strcasecmp(v, "neutron")) {
        h->mode = FL_MODE_NEUTRON;
    } else {
        host_error("flowlog-verdict", v, "expected pipeline or neutron",
                   h->mode == FL_MODE_NEUTRON ? "neutron" : "pipeline");
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
        snprintf(buf, sizeof buf, "%d,%d,%d", h->table_accept_egress,
                 h->table_accept_ingress, h->table_drop);
        host_error("flowlog-neutron-tables", v, "expected three different "
                   "table ids (0-254): accepted-egress,accepted-ingress,"
                   "dropped", buf);
    }

    v = smap_get(oc, "flowlog-max-records");
    unsigned int u;
    if (!v) {
        h->max_records = FLOWLOG_MAX_RECORDS_DEFAULT;
    } else if (str_to_uint(v, 10, &u) && u >= 1 && u <= 100000000) {
        h->max_records = u;
    } else {
        snprintf(buf, sizeof buf, "%u", h->max_records);
        host_error("flowlog-max-records", v,
                   "expected an integer between 1 and 100000000", buf);
    }

    v = smap_get(oc, "flowlog-queue-max-bytes");
    long long int ll;
    if (!v) {
        h->queue_max_bytes = FLOWLOG_QUEUE_MAX_BYTES_DEFAULT;
    } else if (str_to_llong(v, 10, &ll) && ll >= 4096
               && ll <= (1LL << 40)) {
        h->queue_max_bytes = ll;
    } else {
        snprintf(buf, sizeof buf, "%"PRIu64, h->queue_max_bytes);
        host_error("flowlog-queue-max-bytes", v,
                   "expected an integer between 4096 and 1099511627776",
                   buf);
    }

    v = smap_get(oc, "flowlog-ct-event-buffer");
    if (!v) {
        h->ct_event_buffer = FL_CT_EVENT_BUFFER_DEFAULT;
    } else if (str_to_llong(v, 10, &ll) && ll >= 4096
               && ll <= (1LL << 30)) {
        h->ct_event_buffer = ll;
    } else {
        snprintf(buf, sizeof buf, "%d", h->ct_event_buffer);
        host_error("flowlog-ct-event-buffer", v,
                   "expected an integer between 4096 and 1073741824", buf);
    }

    v = smap_get(oc, "flowlog-exporter");
    if (v && strncmp(v, "unix:", 5)) {
        if (!h->exporter) {
            h->exporter = xasprintf("unix:%s/flowlog-exporter.sock",
                                    ovs_rundir());
        }
        host_error("flowlog-exporter", v, "expected unix:PATH", h->exporter);
    } else {
        free(h->exporter);
        h->exporter = v ? xstrdup(v) : xasprintf("unix:%s/flowlog-exporter"
                                                 ".sock", ovs_rundir());
    }

    v = smap_get(host_ext_ids(), "system-id");
    if (v && *v) {
        h->system_id = xstrdup(v);
    } else {
        char name[256];
        h->system_id = xstrdup(gethostname(name, sizeof name) ? "localhost"
                                                               : name);
    }

    fl_host_set(h);
    fl_channel_set_target(h->exporter, h->system_id);
}

static void
logger_delete(struct fl_logger *l)
{
    struct fl_binding *b;

    VLOG_INFO("logger %s: deleted", l->name);
    l->deleted = true;
    fl_channel_logger_deleted(l->name);
    fl_logger_close_all(l);
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
            problem("error", "Open_vSwitch other_config:%s=%s: logger names "
                    "are 1 to 32 characters of a-z, 0-9 and '-'", node->key,
                    node->value);
            continue;
        }
        sset_add(&seen, name);

        struct fl_logger *l = fl_logger_find(name);
        if (l && l->config && !strcmp(l->config, node->value)) {
            continue;
        }
        if (!l) {
            l = fl_logger_create(name);
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
        ovsrcu_set(&l->opts, fl_opts_create(&o));
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

/* Returns a copy of external_ids:'key' of 'iface' (from 'ext'), or NULL if
 * unset or empty.  A value longer than FLOWLOG_ID_MAX bytes is cut (and logged) at
 * the last UTF-8 character boundary within the limit, so that the records'
 * files stay valid UTF-8. */
static char *
ext_id(const struct ovsrec_interface *iface, const struct smap *ext,
       const char *key)
{
    const char *v = smap_get(ext, key);

    if (!v || !*v) {
        return NULL;
    }

    size_t len = strlen(v);
    if (len > FLOWLOG_ID_MAX) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);
        size_t cut = flowlog_utf8_cut(v, FLOWLOG_ID_MAX);

        VLOG_WARN_RL(&rl, "Interface %s external_ids:%s is %"PRIuSIZE
                     " bytes long: flow log records keep its first %"
                     PRIuSIZE" (at most %d, not splitting a UTF-8 "
                     "character)", iface->name, key, len, cut,
                     FLOWLOG_ID_MAX);
        return xmemdup0(v, cut);
    }
    return xstrdup(v);
}

/* Returns the binding of 'l' to interface 'iface' (ofport 'ofport',
 * external_ids 'ext'), reusing the existing one if the identity did not
 * change. */
static struct fl_binding *
binding_get(struct fl_logger *l, const struct ovsrec_interface *iface,
            const struct smap *ext, int ofport, const char *how)
{
    struct flowlog_identity id = {
        .port_name = xstrdup(iface->name),
        .ofport = ofport,
        .iface_id = ext_id(iface, ext, "iface-id"),
        .vm_id = ext_id(iface, ext, "vm-uuid"),
        .subnet_id = ext_id(iface, ext, "subnet-id"),
        .vpc_id = ext_id(iface, ext, "vpc-id"),
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
    b->ct_zone = -1;
    hmap_insert(&l->bindings, &b->node, hash);
    return b;
}

static void
iface_error(const struct ovsrec_interface *iface OVS_UNUSED, const char *msg)
{
    problem("error", "%s", msg);
}

/* The zones of the logging ports being configured, for flowlog-ct. */
static struct fl_ct_zone *ct_zones;
static size_t n_ct_zones, allocated_ct_zones;

/* Parses "MARK" or "MARK/MASK" (each decimal or 0x hexadecimal, 32 bits)
 * into 'z'. */
static bool
parse_mark(const char *s, struct fl_ct_zone *z)
{
    unsigned long long mark, mask = UINT32_MAX;
    char *end;

    errno = 0;
    mark = strtoull(s, &end, 0);
    if (errno || end == s || mark > UINT32_MAX || *s == '-') {
        return false;
    }
    if (*end == '/') {
        const char *m = end + 1;
        mask = strtoull(m, &end, 0);
        if (errno || end == m || mask > UINT32_MAX || !mask || *m == '-') {
            return false;
        }
    }
    if (*end) {
        return false;
    }
    z->has_mark = true;
    z->mark = mark;
    z->mask = mask;
    return true;
}

/* Returns the conntrack zone of logging port 'iface' (-1 if none), and
 * collects it, with its blocked mark, into 'ct_zones'. */
static int32_t
iface_ct_zone(const struct ovsrec_interface *iface)
{
    const char *v = smap_get(&iface->other_config, "flowlog-ct-zone");
    const char *m = smap_get(&iface->other_config, "flowlog-ct-blocked-mark");
    unsigned int zone;

    if (!v) {
        if (m) {
            problem("warning", "Interface %s other_config:"
                    "flowlog-ct-blocked-mark=%s: ignored without "
                    "flowlog-ct-zone", iface->name, m);
        }
        return -1;
    }
    if (!str_to_uint(v, 10, &zone) || zone > UINT16_MAX) {
        problem("error", "Interface %s other_config:flowlog-ct-zone=%s: "
                "expected a conntrack zone between 0 and 65535 (no "
                "conntrack merge on this port: pipeline verdicts kept)",
                iface->name, v);
        return -1;
    }

    struct fl_ct_zone z;
    memset(&z, 0, sizeof z);
    z.zone = zone;
    if (m && !parse_mark(m, &z)) {
        problem("error", "Interface %s other_config:flowlog-ct-blocked-mark"
                "=%s: expected MARK or MARK/MASK, 32-bit integers (no "
                "blocked mark in force)", iface->name, m);
    }
    for (size_t i = 0; i < n_ct_zones; i++) {
        if (ct_zones[i].zone == zone) {
            if (ct_zones[i].has_mark != z.has_mark
                || ct_zones[i].mark != z.mark
                || ct_zones[i].mask != z.mask) {
                problem("warning", "Interface %s other_config:"
                        "flowlog-ct-blocked-mark: zone %u is shared with "
                        "another port whose blocked mark differs; the "
                        "first one is in force", iface->name, zone);
            }
            return zone;
        }
    }
    if (n_ct_zones >= allocated_ct_zones) {
        ct_zones = x2nrealloc(ct_zones, &allocated_ct_zones,
                              sizeof *ct_zones);
    }
    ct_zones[n_ct_zones++] = z;
    return zone;
}

/* Adds to 'attach' the loggers that other_config:flowlog-loggers of 'iface'
 * names (separated by commas or spaces), and reports those that are not
 * configured. */
static void
iface_named_loggers(const struct ovsrec_interface *iface, struct sset *attach)
{
    const char *names = smap_get(&iface->other_config, "flowlog-loggers");

    if (!names) {
        return;
    }

    char *copy = xstrdup(names);
    char *save = NULL;
    for (char *name = strtok_r(copy, ", ", &save); name;
         name = strtok_r(NULL, ", ", &save)) {
        if (!fl_logger_find(name)) {
            char *msg = xasprintf("Interface %s other_config:"
                                  "flowlog-loggers=%s: unknown logger "
                                  "\"%s\"", iface->name, names, name);
            iface_error(iface, msg);
            free(msg);
            continue;
        }
        sset_add(attach, name);
    }
    free(copy);
}

/* Collects the logging port of 'iface', whose external_ids are 'ext', into
 * 'ports', if any, and returns true if there is one. */
static bool
iface_configure(const struct ovsrec_interface *iface,
                const struct smap *ext, const struct ofproto *ofproto,
                bool mirror_out, struct hmap *ports)
{
    struct fl_binding **bindings = NULL;
    size_t n = 0;

    struct sset attach = SSET_INITIALIZER(&attach);
    iface_named_loggers(iface, &attach);

    struct uuid vpc, subnet;
    const char *s;
    bool has_vpc = ((s = smap_get(ext, "vpc-id"))
                    && uuid_from_string(&vpc, s));
    bool has_subnet = ((s = smap_get(ext, "subnet-id"))
                       && uuid_from_string(&subnet, s));

    struct ofproto_port op;
    if (ofproto_port_query_by_name(ofproto, iface->name, &op)) {
        sset_destroy(&attach);
        return false;
    }
    ofp_port_t ofp_port = op.ofp_port;
    int ofport = ofp_to_u16(ofp_port);
    ofproto_port_destroy(&op);

    struct fl_logger *l;
    HMAP_FOR_EACH (l, node, &fl_loggers) {
        const struct fl_opts *o = fl_logger_opts(l);
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
        bindings[n++] = fl_binding_ref(binding_get(l, iface, ext, ofport, how));
    }
    sset_destroy(&attach);

    if (!n) {
        return false;
    }
    if (!smap_get(ext, "iface-id")) {
        struct ds loggers = DS_EMPTY_INITIALIZER;
        for (size_t i = 0; i < n; i++) {
            ds_put_format(&loggers, "%s%s", i ? "," : "",
                          bindings[i]->logger->name);
        }
        problem("warning", "Interface %s: logging port (loggers %s) without "
                "external_ids:iface-id: its records have an empty "
                "interface_id", iface->name, ds_cstr(&loggers));
        ds_destroy(&loggers);
    }

    struct fl_port *p = xzalloc(sizeof *p);
    p->ofproto = ofproto;
    p->ofp_port = ofp_port;
    p->n_bindings = n;
    p->bindings = bindings;
    p->ct_zone = iface_ct_zone(iface);
    for (size_t i = 0; i < n; i++) {
        bindings[i]->ct_zone = p->ct_zone;
    }
    const char *mac = smap_get(ext, "attached-mac");
    if (mac && eth_addr_from_string(mac, &p->mac)) {
        p->has_mac = true;
    }
    hmap_insert(ports, &p->hnode, fl_port_hash(ofproto, p->ofp_port));
    return true;
}

static void
watch_clear(void)
{
    struct watched_iface *w;

    HMAP_FOR_EACH_POP (w, node, &watched) {
        for (size_t i = 0; i < N_WATCHED_KEYS; i++) {
            free(w->values[i]);
        }
        free(w);
    }
    free(watched_host_keys);
    watched_host_keys = NULL;
}

/* Watches 'iface', whose external_ids are 'ext' (NULL if 'idl' does not
 * have its row yet). */
static void
watch_iface(const struct ovsrec_interface *iface, const struct smap *ext)
{
    struct watched_iface *w = xzalloc(sizeof *w);

    w->uuid = iface->header_.uuid;
    w->present = ext != NULL;
    for (size_t i = 0; ext && i < N_WATCHED_KEYS; i++) {
        w->values[i] = nullable_xstrdup(smap_get(ext, watched_keys[i]));
    }
    hmap_insert(&watched, &w->node, uuid_hash(&w->uuid));
}

static const struct watched_iface *
watched_find(const struct uuid *uuid)
{
    const struct watched_iface *w;

    HMAP_FOR_EACH_WITH_HASH (w, node, uuid_hash(uuid), &watched) {
        if (uuid_equals(&w->uuid, uuid)) {
            return w;
        }
    }
    return NULL;
}

/* Returns what the hook's configuration depends on in Open_vSwitch
 * external_ids: system-id, and the flowlog-* keys that it warns about. */
static char *
host_keys_string(void)
{
    const struct smap *ext = host_ext_ids();
    const struct smap_node **nodes = smap_sort(ext);
    size_t n = smap_count(ext);
    struct ds s = DS_EMPTY_INITIALIZER;

    ds_put_format(&s, "system-id=%s", smap_get_def(ext, "system-id", ""));
    for (size_t i = 0; i < n; i++) {
        if (!strncmp(nodes[i]->key, "flowlog-", 8)) {
            ds_put_format(&s, " %s", nodes[i]->key);
        }
    }
    free(nodes);
    return ds_steal_cstr(&s);
}

/* True if an external_ids value the hook's configuration was made from has
 * changed since, or a watched row arrived: looks at the rows that changed
 * in 'idl' since the last call. */
static bool
watched_changed(void)
{
    char *host = host_keys_string();
    bool changed = !nullable_streq(host, watched_host_keys);
    free(host);

    const struct ovsrec_interface *row;
    OVSREC_INTERFACE_FOR_EACH_TRACKED (row, idl) {
        const struct watched_iface *w = watched_find(&row->header_.uuid);

        /* A deleted Interface alerts the main IDL: the bridge, and so the
         * hook, reconfigures anyway. */
        if (changed || !w || ovsrec_interface_is_deleted(row)) {
            continue;
        }
        if (!w->present) {
            changed = true;
            continue;
        }
        for (size_t i = 0; i < N_WATCHED_KEYS; i++) {
            if (!nullable_streq(smap_get(&row->external_ids,
                                         watched_keys[i]),
                                w->values[i])) {
                changed = true;
                break;
            }
        }
    }
    ovsdb_idl_track_clear(idl);
    return changed;
}

static bool
loggers_select_by_network(void)
{
    const struct fl_logger *l;

    HMAP_FOR_EACH (l, node, &fl_loggers) {
        const struct fl_opts *o = fl_logger_opts(l);
        if (o && (o->o.has_vpc || o->o.has_subnet)) {
            return true;
        }
    }
    return false;
}

static void
ports_configure(const struct ovsrec_open_vswitch *cfg)
{
    struct hmap new = HMAP_INITIALIZER(&new);
    bool watch_all = loggers_select_by_network();

    size_t n_waiting = 0;

    watch_clear();
    watched_host_keys = host_keys_string();
    n_ct_zones = 0;
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
                const struct smap *ext = iface_ext_ids(iface);

                iface_check_keys(iface, ext);
                if (!ext) {
                    /* Not attached until its identity is known. */
                    if (watch_all || smap_get(&iface->other_config,
                                              "flowlog-loggers")) {
                        watch_iface(iface, NULL);
                        n_waiting++;
                    }
                } else if (iface_configure(iface, ext, ofproto,
                                           sset_contains(&mirror_out,
                                                         iface->name),
                                           &new)
                           || watch_all) {
                    watch_iface(iface, ext);
                }
            }
        }
        sset_destroy(&mirror_out);
    }
    if (n_waiting) {
        VLOG_DBG("%"PRIuSIZE" possible logging ports wait for their "
                 "external_ids from the database", n_waiting);
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

    bool changed = fl_ports_publish(&new);
    hmap_destroy(&new);
    struct fl_host *host = fl_host_get();
    fl_ct_configure(ct_zones, n_ct_zones,
                    host ? host->ct_event_buffer : FL_CT_EVENT_BUFFER_DEFAULT);
    atomic_store_relaxed(&fl_enabled, !cmap_is_empty(&fl_ports));
    if (changed) {
        /* Megaflows made before may be too wide for the new logging ports,
         * or carry entries for ports no longer logged. */
        fl_revalidate_all();
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
        const struct fl_opts *o = fl_logger_opts(l);
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

/* Sets the condition of 'idl''s Interface table for 'cfg': every row if
 * 'all', else the rows of the interfaces with other_config:flowlog-loggers
 * (none if there is none). */
static void
idl_set_iface_condition(const struct ovsrec_open_vswitch *cfg, bool all)
{
    struct ovsdb_idl_condition cond = OVSDB_IDL_CONDITION_INIT(&cond);

    if (all) {
        ovsdb_idl_condition_add_clause_true(&cond);
    }
    for (size_t i = 0; !all && i < cfg->n_bridges; i++) {
        const struct ovsrec_bridge *br = cfg->bridges[i];
        for (size_t j = 0; j < br->n_ports; j++) {
            const struct ovsrec_port *port = br->ports[j];
            for (size_t k = 0; k < port->n_interfaces; k++) {
                const struct ovsrec_interface *iface = port->interfaces[k];
                if (smap_get(&iface->other_config, "flowlog-loggers")) {
                    ovsrec_interface_add_clause_name(&cond, OVSDB_F_EQ,
                                                     iface->name);
                }
            }
        }
    }
    ovsrec_interface_set_condition(idl, &cond);
    ovsdb_idl_condition_destroy(&cond);
}

/* Replaces the condition of 'idl''s Open_vSwitch table by the other of two
 * that both match every row, and returns the condition sequence number
 * that says the server has answered.  OVSDB has no "sync" request; a
 * condition change serves as one, see the comment at the top. */
static unsigned int
idl_request_barrier(void)
{
    struct ovsdb_idl_condition cond = OVSDB_IDL_CONDITION_INIT(&cond);

    barrier_flip = !barrier_flip;
    if (barrier_flip) {
        struct smap none = SMAP_INITIALIZER(&none);

        /* "Has none of no key-value pairs": true of every row. */
        ovsrec_open_vswitch_add_clause_external_ids(&cond, OVSDB_F_EXCLUDES,
                                                    &none);
    } else {
        ovsdb_idl_condition_add_clause_true(&cond);
    }
    unsigned int seqno = ovsrec_open_vswitch_set_condition(idl, &cond);
    ovsdb_idl_condition_destroy(&cond);
    return seqno;
}

/* Waits until 'idl' holds what the database held when this function was
 * called, with the conditions set before (at most FL_IDL_SYNC_MS of wall
 * time: tests stop the monotonic clock).  Blocks the main loop meanwhile,
 * normally for one round trip to the server. */
static void
idl_sync(void)
{
    long long int deadline = time_wall_msec() + FL_IDL_SYNC_MS;
    bool requested = false;
    unsigned int expected = 0;

    for (;;) {
        ovsdb_idl_run(idl);
        if (!ovsdb_idl_is_connected(idl)
            || !ovsdb_idl_has_ever_connected(idl)) {
            /* (Re)connecting acknowledges conditions without counting. */
            requested = false;
        } else if (!requested) {
            expected = idl_request_barrier();
            requested = true;
        } else if (ovsdb_idl_get_condition_seqno(idl) == expected) {
            break;
        }
        if (time_wall_msec() >= deadline) {
            static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);
            VLOG_WARN_RL(&rl, "%s: no answer within %d ms; logging ports "
                         "whose external_ids have not arrived are attached "
                         "when they do", idl_remote,
                         FL_IDL_SYNC_MS);
            break;
        }
        ovsdb_idl_wait(idl);
        poll_timer_wait(10);
        poll_block();
    }
    /* poll_block() took whatever the main loop had asked to wait for in
     * this iteration: run it once more. */
    poll_immediate_wake();
}

/* Starts the hook's own connection to the database at 'remote' (see the
 * comment at the top). */
void
fl_ovsdb_init(const char *remote)
{
    if (idl || !remote) {
        return;
    }
    idl_remote = xstrdup(remote);
    idl = ovsdb_idl_create(remote, &ovsrec_idl_class, false, true);
    ovsdb_idl_add_table(idl, &ovsrec_table_open_vswitch);
    ovsdb_idl_add_column(idl, &ovsrec_open_vswitch_col_external_ids);
    ovsdb_idl_add_table(idl, &ovsrec_table_interface);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_name);
    ovsdb_idl_add_column(idl, &ovsrec_interface_col_external_ids);
    ovsdb_idl_track_add_column(idl, &ovsrec_interface_col_external_ids);

    /* No Interface row until a port logs (the default is every row). */
    struct ovsdb_idl_condition none = OVSDB_IDL_CONDITION_INIT(&none);
    ovsrec_interface_set_condition(idl, &none);
    ovsdb_idl_condition_destroy(&none);
    idl_seqno = ovsdb_idl_get_seqno(idl);
}

void
fl_ovsdb_exit(void)
{
    ovsdb_idl_destroy(idl);
    idl = NULL;
    free(idl_remote);
    idl_remote = NULL;
}

void
fl_ovsdb_wait(void)
{
    if (idl) {
        /* Wall clock: tests stop the monotonic one. */
        long long int now = time_wall_msec();

        if (now >= idl_holdoff_until) {
            ovsdb_idl_wait(idl);
        } else {
            poll_timer_wait(idl_holdoff_until - now);
        }
    }
}

/* Applies the flow log configuration in 'cfg' (Open_vSwitch row and its
 * bridges, ports, interfaces and mirrors, from the main IDL; external_ids
 * from 'idl'). */
void
fl_ovsdb_configure(const struct ovsrec_open_vswitch *cfg)
{
    main_idl = cfg->header_.table ? cfg->header_.table->idl : NULL;
    loggers_configure(cfg);
    if (idl) {
        idl_set_iface_condition(cfg, loggers_select_by_network());
        /* Without loggers nothing depends on external_ids but system-id,
         * which fl_ovsdb_run() follows. */
        if (!hmap_is_empty(&fl_loggers)
            || !ovsdb_idl_has_ever_connected(idl)) {
            idl_sync();
        }
    }
    host_configure(cfg);
    ports_configure(cfg);
    loggers_announce();
    problems_commit();
}

/* Takes in the database's updates to the hook's IDL and reconfigures the
 * hook if a watched external_ids value changed since the last
 * configuration: called every main-loop iteration.  Returns true if it
 * reconfigured. */
bool
fl_ovsdb_run(void)
{
    const struct ovsrec_open_vswitch *cfg;

    if (!idl) {
        return false;
    }
    ovsdb_idl_run(idl);
    unsigned int seqno = ovsdb_idl_get_seqno(idl);
    if (seqno == idl_seqno) {
        return false;
    }
    idl_seqno = seqno;
    idl_holdoff_until = time_wall_msec() + FL_IDL_HOLDOFF_MS;
    if (!watched_changed() || !main_idl
        || !(cfg = ovsrec_open_vswitch_first(main_idl))) {
        return false;
    }
    VLOG_DBG("external_ids of a logging port or the host changed: "
             "reconfiguring");
    COVERAGE_INC(flowlog_external_ids_reconfigure);
    fl_ovsdb_configure(cfg);
    return true;
}

/* Appends to 'errors' and 'warnings' the configuration problems in force
 * (their messages, sorted). */
void
fl_ovsdb_problems(struct svec *errors, struct svec *warnings)
{
    problems_split(&problems, errors, warnings);
}

/* Parses the flow log keys of Interface 'iface', whose external_ids are 'ext'
 * (NULL if unknown), as a configuration parses those of a logging port, with
 * the loggers configured now, and appends the problems found to 'errors' and
 * 'warnings' (sorted), without changing the configuration in force or the
 * problems that flowlog/show reports.  The part of the configuration that
 * needs no bridge, for the fuzz harness of these keys. */
void
fl_ovsdb_check_interface(const struct ovsrec_interface *iface,
                         const struct smap *ext,
                         struct svec *errors, struct svec *warnings)
{
    struct sset attach = SSET_INITIALIZER(&attach);
    size_t saved_n_ct_zones = n_ct_zones;

    ovs_assert(smap_is_empty(&new_problems));
    iface_check_keys(iface, ext);
    iface_named_loggers(iface, &attach);
    sset_destroy(&attach);
    iface_ct_zone(iface);
    n_ct_zones = saved_n_ct_zones;
    if (ext) {
        static const char *const id_keys[] = {
            "iface-id", "vm-uuid", "subnet-id", "vpc-id",
        };
        for (size_t i = 0; i < ARRAY_SIZE(id_keys); i++) {
            free(ext_id(iface, ext, id_keys[i]));
        }
    }

    problems_split(&new_problems, errors, warnings);
    smap_clear(&new_problems);
}

/* Appends an "error: ..." or "warning: ..." line for each configuration
 * problem in force, errors first. */
void
fl_ovsdb_format_errors(struct ds *s)
{
    struct svec errors = SVEC_EMPTY_INITIALIZER;
    struct svec warnings = SVEC_EMPTY_INITIALIZER;
    const char *msg;
    size_t i;

    fl_ovsdb_problems(&errors, &warnings);
    SVEC_FOR_EACH (i, msg, &errors) {
        ds_put_format(s, "error: %s\n", msg);
    }
    SVEC_FOR_EACH (i, msg, &warnings) {
        ds_put_format(s, "warning: %s\n", msg);
    }
    svec_destroy(&errors);
    svec_destroy(&warnings);
}
