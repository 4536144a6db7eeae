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

/* The fragment ledger (see flowlog-frag.h).
 *
 * One entry per first-fragment key (with the datagram's ports) and one per
 * later-fragment key (ports 0).  A terminal pass of reassembled datagrams
 * registers its flowlog flow on both: the first entry credits it as it is,
 * the later entry a copy with ports (ICMP type and code) and TCP flags 0.
 * The IP id is in no flow key, so the later fragments of two datagrams of
 * one address pair and protocol cannot be told apart: when terminal passes
 * of that pair with different targets or verdicts register, the later
 * entry credits the last one and counts its packets as ambiguous
 * (coverage counter flowlog_frag_ambiguous).  So does a first entry whose
 * terminal passes (e.g. one per ct_state) disagree: a fragment is credited
 * before its own datagram's verdict is known.
 *
 * Terminal passes register when they are translated and again with every
 * statistics push, so an entry that expired while both datapath flows
 * lived is made again.  Fragments whose datagram never reached a terminal
 * pass (a fragment lost on the way, a reassembly timeout) wait until the
 * entry expires and are counted as flowlog_frag_unattributed: no record
 * gets them, as no pass after ct() ever saw them. */

#include <config.h>
#include "ofproto-flowlog/flowlog-frag.h"

#include "coverage.h"
#include "hash.h"
#include "openvswitch/hmap.h"
#include "openvswitch/thread.h"
#include "openvswitch/vlog.h"
#include "ovs-rcu.h"
#include "ofproto-flowlog/flowlog.h"
#include "ofproto-flowlog/flowlog-table.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(flowlog_frag);

COVERAGE_DEFINE(flowlog_frag_ambiguous);
COVERAGE_DEFINE(flowlog_frag_unattributed);
COVERAGE_DEFINE(flowlog_frag_overflow);

/* An entry not credited nor registered for this long is forgotten. */
#define FL_FRAG_IDLE_MSEC 30000

/* At most this many entries; fragments of further keys are not logged and
 * counted as flowlog_frag_overflow. */
#define FL_FRAG_MAX 65536

struct fl_frag_entry {
    struct hmap_node node;
    struct fl_frag_key key;
    struct flowlog_flow *source;    /* The terminal pass registered, */
    struct flowlog_flow *flow;      /* ...and what this entry credits. */
    bool ambiguous;                 /* Terminal passes of different records
                                     * registered. */
    uint64_t packets, bytes;        /* Waiting for a terminal pass. */
    long long int used;             /* Last packet waiting. */
    long long int touched;          /* time_msec() of the last use. */
};

static struct ovs_mutex fl_frag_mutex = OVS_MUTEX_INITIALIZER;
static struct hmap fl_frags OVS_GUARDED_BY(fl_frag_mutex)
    = HMAP_INITIALIZER(&fl_frags);

/* Keys are hashed and compared as bytes: every key is made zeroed and
 * copied with memcpy(), so that its padding is zero. */
static uint32_t
key_hash(const struct fl_frag_key *k)
{
    return hash_bytes(k, sizeof *k, 0);
}

static struct fl_frag_entry *
entry_find(const struct fl_frag_key *k, uint32_t hash)
    OVS_REQUIRES(fl_frag_mutex)
{
    struct fl_frag_entry *e;

    HMAP_FOR_EACH_WITH_HASH (e, node, hash, &fl_frags) {
        if (!memcmp(&e->key, k, sizeof *k)) {
            return e;
        }
    }
    return NULL;
}

static struct fl_frag_entry *
entry_get(const struct fl_frag_key *k) OVS_REQUIRES(fl_frag_mutex)
{
    uint32_t hash = key_hash(k);
    struct fl_frag_entry *e = entry_find(k, hash);

    if (!e) {
        if (hmap_count(&fl_frags) >= FL_FRAG_MAX) {
            return NULL;
        }
        e = xzalloc(sizeof *e);
        memcpy(&e->key, k, sizeof e->key);  /* Padding too: see key_hash(). */
        hmap_insert(&fl_frags, &e->node, hash);
    }
    e->touched = time_msec();
    return e;
}

static struct flowlog_flow *
flow_ref(struct flowlog_flow *f)
{
    if (f) {
        ovs_refcount_ref(&f->ref);
    }
    return f;
}

/* Credits 'n_packets' and 'n_bytes' of fragments of key 'k' seen on the
 * wire, the last at 'used'. */
void
fl_frag_credit(const struct fl_frag_key *k, uint64_t n_packets,
               uint64_t n_bytes, long long int used)
{
    struct flowlog_flow *f = NULL;
    bool ambiguous = false;

    if (!n_packets) {
        return;
    }

    ovs_mutex_lock(&fl_frag_mutex);
    struct fl_frag_entry *e = entry_get(k);
    if (!e) {
        ovs_mutex_unlock(&fl_frag_mutex);
        COVERAGE_ADD(flowlog_frag_overflow, n_packets);
        return;
    }
    if (e->source) {
        f = flow_ref(e->flow);
        ambiguous = e->ambiguous;
    } else {
        e->packets += n_packets;
        e->bytes += n_bytes;
        e->used = MAX(e->used, used);
    }
    ovs_mutex_unlock(&fl_frag_mutex);

    if (f) {
        fl_flow_account(f, n_packets, n_bytes, used);
        flowlog_flow_unref(f);
        if (ambiguous) {
            COVERAGE_ADD(flowlog_frag_ambiguous, n_packets);
        }
    }
}

/* Whether fragments credited to 'a' or to 'b' (terminal flows, or copies of
 * them, of one address pair and protocol) would go to the same records:
 * the same targets, and the same values of what their loggers' records
 * depend on beyond ports and ICMP type and code. */
static bool
same_records(const struct flowlog_flow *a, const struct flowlog_flow *b)
{
    if (a->n_targets != b->n_targets || a->exclusion != b->exclusion) {
        return false;
    }
    for (size_t i = 0; i < a->n_targets; i++) {
        const struct fl_target *x = &a->targets[i], *y = &b->targets[i];

        if (x->binding != y->binding || x->direction != y->direction
            || x->verdict != y->verdict || x->ct_zone != y->ct_zone) {
            return false;
        }

        const struct fl_opts *o = ovsrcu_get(struct fl_opts *,
                                             &x->binding->logger->opts);
        if (!o) {
            continue;
        }
        if (o->key_rule && (a->key.rule_table != b->key.rule_table
                            || (get_32aligned_be64(&a->key.rule_cookie)
                                != get_32aligned_be64(&b->key.rule_cookie)))) {
            return false;
        }
        if (o->key_ct_zone && a->key.ct_zone != b->key.ct_zone) {
            return false;
        }
        if (o->o.setup_only && (a->ct_tracked != b->ct_tracked
                                || a->ct_new != b->ct_new)) {
            return false;
        }
    }
    return true;
}

/* A copy of terminal flow 'f' for later fragments: no ports, no ICMP type
 * or code, no TCP flags. */
static struct flowlog_flow *
later_copy(const struct flowlog_flow *f)
{
    size_t size = sizeof *f + f->n_targets * sizeof f->targets[0];
    struct flowlog_flow *c = xmemdup(f, size);

    ovs_refcount_init(&c->ref);
    atomic_init(&c->skip_packets, 0);
    atomic_init(&c->skip_bytes, 0);
    c->key.src_port = c->key.dst_port = 0;
    c->key.icmp_type = c->key.icmp_code = 0;
    c->flags = 0;
    c->frag = FL_FRAG_NONE;
    c->frag_key = NULL;
    for (size_t i = 0; i < c->n_targets; i++) {
        fl_binding_ref(c->targets[i].binding);
        /* The hash kept for 'f''s key is not that of this one's. */
        atomic_init(&c->targets[i].key_hash, 0);
    }
    return c;
}

/* Statistics that waited for a terminal pass, and the flow to credit them
 * to (a reference). */
struct fl_frag_wait {
    struct flowlog_flow *flow;
    uint64_t packets, bytes;
    long long int used;
};

/* Makes 'e' credit 'flow' (taking over the reference) on behalf of terminal
 * flow 'source'.  What 'e' credited before goes to 'drop' for the caller to
 * unref, what waited to 'wait'. */
static void
entry_set(struct fl_frag_entry *e, struct flowlog_flow *source,
          struct flowlog_flow *flow, struct flowlog_flow *drop[2],
          struct fl_frag_wait *wait) OVS_REQUIRES(fl_frag_mutex)
{
    drop[0] = e->source;
    drop[1] = e->flow;
    e->source = flow_ref(source);
    e->flow = flow;
    if (e->packets) {
        wait->flow = flow_ref(flow);
        wait->packets = e->packets;
        wait->bytes = e->bytes;
        wait->used = e->used;
        e->packets = e->bytes = 0;
        e->used = 0;
    }
}

/* Terminal pass 'f' of the reassembled datagrams of key 'k' (with their
 * ports) tells where their fragments go.  'f' may have no targets: nothing
 * to log. */
void
fl_frag_register(const struct fl_frag_key *k, struct flowlog_flow *f)
{
    struct flowlog_flow *drop[4] = { NULL, NULL, NULL, NULL };
    struct fl_frag_wait wait[2];
    struct fl_frag_key later;
    bool ambiguous = false;

    memset(wait, 0, sizeof wait);
    memcpy(&later, k, sizeof later);
    later.tp_src = later.tp_dst = htons(0);
    later.later = true;

    ovs_mutex_lock(&fl_frag_mutex);
    struct fl_frag_entry *e = entry_get(k);
    if (e && e->source != f) {
        if (e->flow && !same_records(e->flow, f)) {
            e->ambiguous = ambiguous = true;
        }
        entry_set(e, f, flow_ref(f), &drop[0], &wait[0]);
    }
    e = entry_get(&later);
    if (e && e->source != f) {
        if (e->flow && !same_records(e->flow, f)) {
            e->ambiguous = ambiguous = true;
        }
        entry_set(e, f, later_copy(f), &drop[2], &wait[1]);
    }
    ovs_mutex_unlock(&fl_frag_mutex);

    if (ambiguous) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);
        VLOG_INFO_RL(&rl, "fragments "IP_FMT" -> "IP_FMT" protocol %u "
                     "belong to datagrams of different records; they are "
                     "credited to the last one registered",
                     IP_ARGS(k->src), IP_ARGS(k->dst), k->proto);
    }
    for (size_t i = 0; i < ARRAY_SIZE(wait); i++) {
        if (wait[i].flow) {
            fl_flow_account(wait[i].flow, wait[i].packets, wait[i].bytes,
                            wait[i].used);
            flowlog_flow_unref(wait[i].flow);
        }
    }
    for (size_t i = 0; i < ARRAY_SIZE(drop); i++) {
        flowlog_flow_unref(drop[i]);
    }
}

/* Forgets idle entries.  Main thread, about once a second. */
void
fl_frag_run(void)
{
    long long int now = time_msec();
    struct fl_frag_entry *e;
    uint64_t lost = 0;

    ovs_mutex_lock(&fl_frag_mutex);
    HMAP_FOR_EACH_SAFE (e, node, &fl_frags) {
        if (now - e->touched >= FL_FRAG_IDLE_MSEC) {
            lost += e->packets;
            flowlog_flow_unref(e->source);
            flowlog_flow_unref(e->flow);
            hmap_remove(&fl_frags, &e->node);
            free(e);
        }
    }
    ovs_mutex_unlock(&fl_frag_mutex);

    if (lost) {
        COVERAGE_ADD(flowlog_frag_unattributed, lost);
    }
}
