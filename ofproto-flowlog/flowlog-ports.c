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


/* The hook's registry and clock (see flowlog-ports.h). */

#include <config.h>
#include "ofproto-flowlog/flowlog-ports.h"

#include "flow.h"
#include "hash.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "timeval.h"
#include "util.h"

static OVSRCU_TYPE(struct fl_host *) fl_host;
struct hmap fl_loggers = HMAP_INITIALIZER(&fl_loggers);
struct cmap fl_ports = CMAP_INITIALIZER;
struct cmap fl_macs = CMAP_INITIALIZER;
atomic_bool fl_enabled = ATOMIC_VAR_INIT(false);

static long long int wall_base, mono_base;

struct fl_host *
fl_host_get(void)
{
    return ovsrcu_get(struct fl_host *, &fl_host);
}

/* Publishes 'h' as the host-wide settings; the previous ones are freed after
 * a grace period. */
void
fl_host_set(struct fl_host *h)
{
    struct fl_host *old = ovsrcu_get_protected(struct fl_host *, &fl_host);

    ovsrcu_set(&fl_host, h);
    if (old) {
        ovsrcu_postpone(free, old->region);
        ovsrcu_postpone(free, old->exporter);
        ovsrcu_postpone(free, old->system_id);
        ovsrcu_postpone(free, old);
    }
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

/* Starts the hook's clock at the current wall time. */
void
fl_clock_init(void)
{
    mono_base = time_msec();
    wall_base = time_wall_msec();
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

long long int
fl_wall_to_mono(long long int wall_msec)
{
    return wall_msec - wall_base + mono_base;
}

void
fl_format_time(struct ds *s, long long int wall_ms)
{
    struct tm_msec tm;
    char buf[64];

    gmtime_msec(wall_ms, &tm);
    strftime_msec(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S.###Z", &tm);
    ds_put_cstr(s, buf);
}

/* Returns 'wall_ms' as fl_format_time() formats it, as a JSON string. */
struct json *
fl_time_to_json(long long int wall_ms)
{
    struct ds s = DS_EMPTY_INITIALIZER;

    fl_format_time(&s, wall_ms);
    return json_string_create_nocopy(ds_steal_cstr(&s));
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

/* Options for handler threads from parsed options 'o' (taken over). */
struct fl_opts *
fl_opts_create(const struct flowlog_logger_opts *o)
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

void
fl_opts_free(struct fl_opts *o)
{
    if (o) {
        flowlog_logger_opts_destroy(&o->o);
        free(o);
    }
}

void
fl_logger_unref(struct fl_logger *l)
{
    if (l && ovs_refcount_unref(&l->ref) == 1) {
        fl_opts_free(ovsrcu_get_protected(struct fl_opts *, &l->opts));
        free(ovsrcu_get_protected(struct fl_ivset *, &l->ivset));
        hmap_destroy(&l->bindings);
        free(l->name);
        free(l->config);
        free(l->error);
        free(l);
    }
}

/* Creates logger 'name', without options, and adds it to 'fl_loggers'. */
struct fl_logger *
fl_logger_create(const char *name)
{
    struct fl_logger *l = xzalloc(sizeof *l);

    l->name = xstrdup(name);
    ovs_refcount_init(&l->ref);
    hmap_init(&l->bindings);
    ovs_list_init(&l->closing);
    for (int i = 0; i < FL_N_EXCL; i++) {
        atomic_init(&l->excluded[i], 0);
    }
    hmap_insert(&fl_loggers, &l->node, hash_string(name, 0));
    return l;
}

struct fl_logger *
fl_logger_find(const char *name)
{
    struct fl_logger *l;

    HMAP_FOR_EACH_WITH_HASH (l, node, hash_string(name, 0), &fl_loggers) {
        if (!strcmp(l->name, name)) {
            return l;
        }
    }
    return NULL;
}

static int
compare_loggers(const void *a_, const void *b_)
{
    const struct fl_logger *const *a = a_;
    const struct fl_logger *const *b = b_;
    return strcmp((*a)->name, (*b)->name);
}

/* Returns a malloc()'d array of every logger, sorted by name. */
struct fl_logger **
fl_loggers_sorted(size_t *n)
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

const struct fl_opts *
fl_logger_opts(const struct fl_logger *l)
{
    return ovsrcu_get(struct fl_opts *, &l->opts);
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
            && a->ct_zone == b->ct_zone
            && a->n_bindings == b->n_bindings
            && !memcmp(a->bindings, b->bindings,
                       a->n_bindings * sizeof a->bindings[0]));
}

/* Publishes the logging ports in 'new' (an hmap of struct fl_port, emptied)
 * to 'fl_ports' and 'fl_macs'.  Returns true if anything changed. */
bool
fl_ports_publish(struct hmap *new)
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
