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

/* Per-interval record tables.
 *
 * Each logger has open intervals (the current one and those waiting for a
 * revalidator dump before they close).  A record is found lock-free in a
 * cmap and updated with relaxed atomics; only inserting a new key takes the
 * interval's mutex, which is also where capacity and the host-wide bound
 * are enforced.  A record costs sizeof(struct fl_record), in blocks of
 * records that the interval frees with itself (no malloc() header or
 * rounding per record), plus its cmap slot. */

#include <config.h>
#include "ofproto-flowlog/flowlog-table.h"

#include <stdlib.h>

#include "hash.h"
#include "seq.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/vlog.h"
#include "timeval.h"
#include "unaligned.h"

VLOG_DEFINE_THIS_MODULE(flowlog_table);

struct fl_record {
    struct cmap_node node;
    struct fl_binding *binding; /* Reference held by the interval's ivport. */
    struct fl_key key;

    /* The OR of the tcp_flags classes counted here (bits 0-7) and, for
     * flowlog/dump --fields when the logger does not key by them, the
     * extended attributes of the most recent flow counted here (bits 8-31,
     * an attrs_intern() id). */
    atomic_uint32_t flags_attrs;

    atomic_uint64_t packets;
    atomic_uint64_t bytes;
    atomic_uint32_t first;      /* ms since interval start. */
    atomic_uint32_t last;
};
BUILD_ASSERT_DECL(sizeof(struct fl_key) == 28);
BUILD_ASSERT_DECL(sizeof(struct fl_record) <= 72);

/* An interval's records live in blocks that it frees with itself, newest
 * first.  Blocks double from FL_BLOCK_MIN records up to FL_BLOCK_MAX, so
 * that an interval with few records stays small; the largest fills 64
 * pages that malloc() takes from mmap() (with its 16 bytes of header). */
struct fl_record_block {
    struct fl_record_block *next;
    size_t n;                   /* Records in use. */
    size_t size;                /* Records allocated. */
    struct fl_record records[];
};
#define FL_BLOCK_MIN 16
#define FL_BLOCK_MAX ((256 * 1024 - 16 - sizeof(struct fl_record_block)) \
                      / sizeof(struct fl_record))

/* Returns room for a new record of 'iv'. */
static struct fl_record *
record_alloc(struct fl_interval *iv)
    OVS_REQUIRES(iv->mutex)
{
    struct fl_record_block *blk = iv->blocks;

    if (!blk || blk->n >= blk->size) {
        size_t size = blk ? MIN(blk->size * 2, FL_BLOCK_MAX) : FL_BLOCK_MIN;

        blk = xmalloc(sizeof *blk + size * sizeof blk->records[0]);
        blk->next = iv->blocks;
        blk->n = 0;
        blk->size = size;
        iv->blocks = blk;
    }
    return &blk->records[blk->n++];
}

/* The extended attributes of a flow that a record key may leave out (rule,
 * ICMP type and code, conntrack zone), interned host-wide: a record keeps
 * those of its most recent flow as a 24-bit id beside its tcp_flags, not
 * in 13 bytes of its own.  Distinct sets are few in practice (rules times
 * zones); they are never freed, and past FL_ATTRS_MAX of them a record
 * keeps none (id 0: flowlog/dump --fields then shows no rule). */
struct fl_attrs {
    struct cmap_node node;
    uint32_t id;
    uint8_t rule_table;
    uint8_t icmp_type;
    uint8_t icmp_code;
    uint16_t ct_zone;
    ovs_be64 rule_cookie;
};

#define FL_ATTRS_PAGE 1024
#define FL_ATTRS_MAX (1u << 20)     /* Fits in 24 bits. */
struct fl_attrs_page {
    OVSRCU_TYPE(struct fl_attrs *) attrs[FL_ATTRS_PAGE];
};

static struct cmap attrs_map = CMAP_INITIALIZER;
static struct ovs_mutex attrs_mutex = OVS_MUTEX_INITIALIZER;
static uint32_t n_attrs OVS_GUARDED_BY(attrs_mutex);
static OVSRCU_TYPE(struct fl_attrs_page *)
    attrs_pages[FL_ATTRS_MAX / FL_ATTRS_PAGE];

static uint32_t
attrs_hash(const struct fl_key *k)
{
    uint32_t hash = hash_add(0, (k->rule_table | k->icmp_type << 8
                                 | k->icmp_code << 16));
    hash = hash_add(hash, k->ct_zone);
    hash = hash_add(hash, (OVS_FORCE uint32_t) k->rule_cookie.hi);
    hash = hash_add(hash, (OVS_FORCE uint32_t) k->rule_cookie.lo);
    return hash_finish(hash, 16);
}

static bool
attrs_equal(const struct fl_attrs *a, const struct fl_key *k)
{
    return (a->rule_table == k->rule_table
            && a->icmp_type == k->icmp_type
            && a->icmp_code == k->icmp_code
            && a->ct_zone == k->ct_zone
            && a->rule_cookie == get_32aligned_be64(&k->rule_cookie));
}

static struct fl_attrs *
attrs_find(const struct fl_key *k, uint32_t hash)
{
    struct fl_attrs *a;

    CMAP_FOR_EACH_WITH_HASH (a, node, hash, &attrs_map) {
        if (attrs_equal(a, k)) {
            return a;
        }
    }
    return NULL;
}

/* Returns the id of the extended attributes in flow key 'k', or 0 if there
 * are FL_ATTRS_MAX - 1 others already. */
static uint32_t
attrs_intern(const struct fl_key *k)
{
    uint32_t hash = attrs_hash(k);
    struct fl_attrs *a = attrs_find(k, hash);

    if (a) {
        return a->id;
    }

    ovs_mutex_lock(&attrs_mutex);
    a = attrs_find(k, hash);
    if (!a && n_attrs < FL_ATTRS_MAX - 1) {
        uint32_t id = ++n_attrs;
        struct fl_attrs_page *page = ovsrcu_get_protected(
            struct fl_attrs_page *, &attrs_pages[id / FL_ATTRS_PAGE]);

        if (!page) {
            page = xzalloc(sizeof *page);
            ovsrcu_set(&attrs_pages[id / FL_ATTRS_PAGE], page);
        }
        a = xmalloc(sizeof *a);
        a->id = id;
        a->rule_table = k->rule_table;
        a->icmp_type = k->icmp_type;
        a->icmp_code = k->icmp_code;
        a->ct_zone = k->ct_zone;
        a->rule_cookie = get_32aligned_be64(&k->rule_cookie);
        ovsrcu_set(&page->attrs[id % FL_ATTRS_PAGE], a);
        cmap_insert(&attrs_map, &a->node, hash);
    } else if (!a) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 1);
        VLOG_WARN_RL(&rl, "%u distinct sets of rule, ICMP type and code "
                     "and conntrack zone: flowlog/dump --fields shows none "
                     "for records of further ones", FL_ATTRS_MAX - 1);
    }
    ovs_mutex_unlock(&attrs_mutex);
    return a ? a->id : 0;
}

/* Returns the extended attributes with 'id', or NULL. */
static const struct fl_attrs *
attrs_get(uint32_t id)
{
    struct fl_attrs_page *page;

    if (!id || id >= FL_ATTRS_MAX) {
        return NULL;
    }
    page = ovsrcu_get(struct fl_attrs_page *,
                      &attrs_pages[id / FL_ATTRS_PAGE]);
    return page ? ovsrcu_get(struct fl_attrs *,
                             &page->attrs[id % FL_ATTRS_PAGE]) : NULL;
}

/* Returns the id of the extended attributes of 'f', interning them the
 * first time. */
static uint32_t
flow_attrs(const struct flowlog_flow *f_)
{
    struct flowlog_flow *f = CONST_CAST(struct flowlog_flow *, f_);
    uint32_t id;

    atomic_read_relaxed(&f->attrs, &id);
    if (OVS_UNLIKELY(!id)) {
        id = attrs_intern(&f->key);
        atomic_store_relaxed(&f->attrs, id);
    }
    return id;
}

/* Per (interval, logging port) state. */
struct fl_ivport {
    struct cmap_node node;
    struct fl_binding *binding; /* Holds a reference. */
    unsigned int n_keys;        /* Protected by interval mutex. */
    bool skip_logged;           /* Protected by interval mutex. */
    atomic_uint64_t skip_packets;
    atomic_uint64_t skip_bytes;
    atomic_uint32_t skip_first;
    atomic_uint32_t skip_last;
};

/* Records on this host, all loggers and open intervals together. */
static atomic_uint64_t fl_n_records = ATOMIC_VAR_INIT(0);

uint64_t
fl_records_total(void)
{
    uint64_t n;
    atomic_read_relaxed(&fl_n_records, &n);
    return n;
}

size_t
fl_record_size(void)
{
    return sizeof(struct fl_record);
}

/* The memory a record takes in ovs-vswitchd: its place in a block of
 * records and its share of the interval's cmap (buckets of 64 bytes for 5
 * entries, between 42% and 85% full: 24 bytes in the middle). */
size_t
fl_record_memory(void)
{
    return sizeof(struct fl_record) + 24;
}

static uint32_t
key_hash(const struct fl_binding *b, const struct fl_key *k)
{
    BUILD_ASSERT_DECL(sizeof *k % 4 == 0);
    return hash_words((const uint32_t *) k, sizeof *k / 4,
                      hash_pointer(b, 0));
}

/* Returns key_hash() of 'key', the record key of target 't' under 'opts'.
 * That key depends only on the flow and the target, which do not change,
 * and on which extended fields 'opts' key by: the hash is kept in 't'
 * tagged with those, so that a datapath flow's later statistics pushes
 * need not hash its key again. */
static uint32_t
target_hash(const struct fl_target *t_, const struct fl_key *key,
            const struct fl_opts *opts)
{
    struct fl_target *t = CONST_CAST(struct fl_target *, t_);
    uint64_t tag = (1ULL << 35 | (uint64_t) opts->key_icmp << 34
                    | (uint64_t) opts->key_rule << 33
                    | (uint64_t) opts->key_ct_zone << 32);
    uint64_t cached;

    atomic_read_relaxed(&t->key_hash, &cached);
    if (OVS_LIKELY((cached & ~(uint64_t) UINT32_MAX) == tag)) {
        return cached;
    }

    uint32_t hash = key_hash(t->binding, key);
    atomic_store_relaxed(&t->key_hash, tag | hash);
    return hash;
}

static void
atomic_min_u32(atomic_uint32_t *a, uint32_t v)
{
    uint32_t cur;
    atomic_read_relaxed(a, &cur);
    while (v < cur
           && !atomic_compare_exchange_weak_relaxed(a, &cur, v)) {
        continue;
    }
}

static void
atomic_max_u32(atomic_uint32_t *a, uint32_t v)
{
    uint32_t cur;
    atomic_read_relaxed(a, &cur);
    while (v > cur
           && !atomic_compare_exchange_weak_relaxed(a, &cur, v)) {
        continue;
    }
}

struct fl_interval *
fl_interval_create(long long int start, long long int end)
{
    struct fl_interval *iv = xzalloc(sizeof *iv);

    iv->start = start;
    iv->end = end;
    cmap_init(&iv->records);
    cmap_init(&iv->ports);
    ovs_mutex_init(&iv->mutex);
    atomic_init(&iv->quiesced, false);
    return iv;
}

void
fl_interval_destroy(struct fl_interval *iv)
{
    if (!iv) {
        return;
    }

    size_t n = cmap_count(&iv->records);
    struct fl_record_block *blk, *next;
    for (blk = iv->blocks; blk; blk = next) {
        next = blk->next;
        free(blk);
    }
    atomic_sub_relaxed(&fl_n_records, n - iv->n_released, &(uint64_t) {0});

    struct fl_ivport *p;
    CMAP_FOR_EACH (p, node, &iv->ports) {
        fl_binding_unref(p->binding);
        free(p);
    }
    cmap_destroy(&iv->records);
    cmap_destroy(&iv->ports);
    ovs_mutex_destroy(&iv->mutex);
    free(iv);
}

static struct fl_ivport *
ivport_find(const struct fl_interval *iv, const struct fl_binding *b)
{
    struct fl_ivport *p;

    CMAP_FOR_EACH_WITH_HASH (p, node, hash_pointer(b, 0), &iv->ports) {
        if (p->binding == b) {
            return p;
        }
    }
    return NULL;
}

static struct fl_ivport *
ivport_get(struct fl_interval *iv, struct fl_binding *b)
    OVS_REQUIRES(iv->mutex)
{
    struct fl_ivport *p = ivport_find(iv, b);

    if (!p) {
        p = xzalloc(sizeof *p);
        p->binding = fl_binding_ref(b);
        atomic_init(&p->skip_first, UINT32_MAX);
        cmap_insert(&iv->ports, &p->node, hash_pointer(b, 0));
    }
    return p;
}

static struct fl_record *
record_find(const struct fl_interval *iv, const struct fl_binding *b,
            const struct fl_key *k, uint32_t hash)
{
    struct fl_record *r;

    CMAP_FOR_EACH_WITH_HASH (r, node, hash, &iv->records) {
        if (r->binding == b && !memcmp(&r->key, k, sizeof *k)) {
            return r;
        }
    }
    return NULL;
}

/* Picks the open interval that holds wall time 'wall': the newest one that
 * starts at or before it, or the oldest one for an older time. */
static struct fl_interval *
pick_interval(const struct fl_ivset *set, long long int wall)
{
    if (!set || !set->n) {
        return NULL;
    }
    for (size_t i = set->n; i-- > 0;) {
        if (set->iv[i]->start <= wall) {
            return set->iv[i];
        }
    }
    return set->iv[0];
}

static uint32_t
offset_in(const struct fl_interval *iv, long long int wall)
{
    long long int span = iv->end - iv->start;
    long long int off = wall - iv->start;

    return off < 0 ? 0 : off >= span ? MAX(span - 1, 0) : off;
}

/* Adds 'n_packets' and 'n_bytes' of a record key to interval 'iv'.  Returns
 * false if 'first_only' and the key already exists (setup-only: only the
 * first packet of a 5-tuple without conntrack). */
static void
interval_add(struct fl_interval *iv, const struct fl_opts *opts,
             struct fl_binding *b, const struct fl_key *k, uint32_t hash,
             uint32_t attrs, uint8_t flags,
             uint64_t n_packets, uint64_t n_bytes, long long int wall,
             bool first_only)
{
    uint32_t off = offset_in(iv, wall);
    struct fl_record *r = record_find(iv, b, k, hash);

    if (r && first_only) {
        return;
    }
    if (!r) {
        struct fl_host *host = fl_host_get();
        unsigned int max_records = host ? host->max_records
                                        : FLOWLOG_MAX_RECORDS_DEFAULT;
        bool skip = false;
        const char *bound = NULL;   /* Reached for the first time. */
        unsigned int limit = 0;

        ovs_mutex_lock(&iv->mutex);
        r = record_find(iv, b, k, hash);
        if (!r) {
            struct fl_ivport *p = ivport_get(iv, b);
            uint64_t total;

            atomic_read_relaxed(&fl_n_records, &total);
            if (p->n_keys >= opts->o.capacity || total >= max_records) {
                atomic_add_relaxed(&p->skip_packets, n_packets,
                                   &(uint64_t) {0});
                atomic_add_relaxed(&p->skip_bytes, n_bytes, &(uint64_t) {0});
                atomic_min_u32(&p->skip_first, off);
                atomic_max_u32(&p->skip_last, off);
                skip = true;
                if (!p->skip_logged) {
                    p->skip_logged = true;
                    bound = (p->n_keys >= opts->o.capacity ? "capacity"
                             : "flowlog-max-records");
                    limit = (p->n_keys >= opts->o.capacity
                             ? opts->o.capacity : max_records);
                }
            } else {
                r = record_alloc(iv);
                r->binding = b;
                r->key = *k;
                atomic_init(&r->flags_attrs, attrs << 8);
                atomic_init(&r->packets, 0);
                atomic_init(&r->bytes, 0);
                atomic_init(&r->first, off);
                atomic_init(&r->last, off);
                cmap_insert(&iv->records, &r->node, hash);
                p->n_keys++;
                atomic_add_relaxed(&fl_n_records, 1, &(uint64_t) {0});
            }
        } else if (first_only) {
            skip = true;
        }
        ovs_mutex_unlock(&iv->mutex);
        if (bound) {
            struct ds start = DS_EMPTY_INITIALIZER;

            fl_format_time(&start, iv->start);
            VLOG_WARN("logger %s: port %s reached %s=%u in the interval "
                      "from %s: new 5-tuples go to its SKIPDATA record",
                      b->logger->name, b->id.port_name, bound, limit,
                      ds_cstr(&start));
            ds_destroy(&start);
        }
        if (skip) {
            return;
        }
    }

    atomic_add_relaxed(&r->packets, n_packets, &(uint64_t) {0});
    atomic_add_relaxed(&r->bytes, n_bytes, &(uint64_t) {0});
    atomic_min_u32(&r->first, off);
    atomic_max_u32(&r->last, off);

    /* Usually neither the flags nor the attributes change: one read. */
    uint32_t cur, new;
    atomic_read_relaxed(&r->flags_attrs, &cur);
    while ((new = attrs << 8 | (cur & 0xff) | flags) != cur
           && !atomic_compare_exchange_weak_relaxed(&r->flags_attrs, &cur,
                                                    new)) {
        continue;
    }
}

static bool
filter_keeps(const struct fl_opts *opts, uint8_t verdict)
{
    return !((opts->o.filter == FL_FILTER_ACCEPT
              && verdict != FL_VERDICT_ACCEPT)
             || (opts->o.filter == FL_FILTER_DROP
                 && verdict != FL_VERDICT_DROP));
}

/* Credits a record key of binding 'b' in the open interval of its logger
 * that 'wall' falls in. */
static void
account(struct fl_binding *b, const struct fl_opts *opts,
        const struct fl_key *key, uint32_t hash, uint32_t attrs,
        uint8_t flags,
        uint64_t packets, uint64_t bytes, long long int wall,
        bool first_only)
{
    struct fl_ivset *set = ovsrcu_get(struct fl_ivset *, &b->logger->ivset);
    struct fl_interval *iv = pick_interval(set, wall);

    if (iv) {
        interval_add(iv, opts, b, key, hash, attrs, flags, packets, bytes,
                     wall,
                     first_only);
    }
}

static bool pending_push(const struct fl_target *, const struct fl_key *,
                         const struct flowlog_flow *, uint64_t packets,
                         uint64_t bytes, long long int wall,
                         long long int mono, bool first_only);

/* Credits 'n_packets' and 'n_bytes', last seen at monotonic 'used_msec', to
 * every target of 'f'. */
void
fl_flow_account(const struct flowlog_flow *f, uint64_t n_packets,
                uint64_t n_bytes, long long int used_msec)
{
    long long int wall = fl_mono_to_wall(used_msec);

    if (f->exclusion != FL_EXCL_NONE || f->n_mirror_copies) {
        /* Counted once per logger, however many of its ports saw it. */
        for (size_t i = 0; i < f->n_targets; i++) {
            struct fl_logger *logger = f->targets[i].binding->logger;
            bool dup = false;

            for (size_t j = 0; j < i; j++) {
                dup |= f->targets[j].binding->logger == logger;
            }
            if (dup) {
                continue;
            }
            if (f->n_mirror_copies) {
                atomic_add_relaxed(&logger->excluded[FL_EXCL_MIRROR],
                                   n_packets * f->n_mirror_copies,
                                   &(uint64_t) {0});
            }
            if (f->exclusion != FL_EXCL_NONE) {
                atomic_add_relaxed(&logger->excluded[f->exclusion],
                                   n_packets, &(uint64_t) {0});
            }
        }
        if (f->exclusion != FL_EXCL_NONE) {
            return;
        }
    }

    for (size_t i = 0; i < f->n_targets; i++) {
        const struct fl_target *t = &f->targets[i];
        struct fl_binding *b = t->binding;
        struct fl_logger *logger = b->logger;

        const struct fl_opts *opts = ovsrcu_get(struct fl_opts *,
                                                &logger->opts);
        /* The conntrack merge decides the verdict of what a port with a
         * conntrack zone was sent or sent with verdict ACCEPT. */
        bool merge = (t->ct_zone >= 0 && t->verdict == FL_VERDICT_ACCEPT
                      && t->direction != FL_DIR_UNKNOWN);
        if (!opts || (!merge && !filter_keeps(opts, t->verdict))) {
            continue;
        }

        uint64_t packets = n_packets, bytes = n_bytes;
        bool first_only = false;
        if (opts->o.setup_only) {
            if (f->key.protocol == IPPROTO_TCP) {
                if (!(f->flags & (TCP_SYN | TCP_RST))) {
                    continue;
                }
            } else if (f->ct_tracked) {
                if (!f->ct_new) {
                    continue;
                }
            } else {
                /* Without conntrack, the first packet of the 5-tuple in the
                 * interval; a delta of several packets cannot be split, so
                 * its average size stands for the first one's. */
                first_only = true;
                packets = 1;
                bytes = n_bytes / n_packets;
            }
        }

        struct fl_key key = f->key;
        key.direction = t->direction;
        key.verdict = t->verdict;
        if (!opts->key_icmp) {
            key.icmp_type = key.icmp_code = 0;
        }
        if (!opts->key_rule) {
            key.rule_table = 0;
            key.rule_cookie.hi = key.rule_cookie.lo = 0;
        }
        if (!opts->key_ct_zone) {
            key.ct_zone = 0;
        }

        if (merge && pending_push(t, &key, f, packets, bytes, wall, used_msec,
                                  first_only)) {
            continue;
        }
        account(b, opts, &key, target_hash(t, &key, opts), flow_attrs(f),
                f->flags, packets, bytes, wall, first_only);
    }
}

/* The statistics waiting for the conntrack merge. */
static struct ovs_mutex pending_mutex = OVS_MUTEX_INITIALIZER;
static struct ovs_list pending OVS_GUARDED_BY(pending_mutex)
    = OVS_LIST_INITIALIZER(&pending);
static size_t n_pending OVS_GUARDED_BY(pending_mutex);
static atomic_uint64_t pending_pushed;
static atomic_uint64_t pending_done;
struct seq *fl_pending_seq;

/* Queues the statistics of target 't' of 'f' for the conntrack merge.
 * Returns false if the queue is full. */
static bool
pending_push(const struct fl_target *t, const struct fl_key *key,
             const struct flowlog_flow *f, uint64_t packets, uint64_t bytes,
             long long int wall, long long int mono, bool first_only)
{
    struct fl_pending *p = xmalloc(sizeof *p);
    bool was_empty;

    p->binding = fl_binding_ref(t->binding);
    p->key = *key;
    p->flow_key = f->key;
    p->attrs = flow_attrs(f);
    p->flags = f->flags;
    p->first_only = first_only;
    p->ct_zone = t->ct_zone;
    p->packets = packets;
    p->bytes = bytes;
    p->wall = wall;
    p->mono = mono;

    ovs_mutex_lock(&pending_mutex);
    if (n_pending >= FL_PENDING_MAX) {
        ovs_mutex_unlock(&pending_mutex);
        atomic_add_relaxed(&t->binding->ct_counts[FL_CT_UNVERIFIED], packets,
                           &(uint64_t) {0});
        fl_binding_unref(p->binding);
        free(p);
        return false;
    }
    was_empty = !n_pending++;
    ovs_list_push_back(&pending, &p->node);
    atomic_add_relaxed(&pending_pushed, 1, &(uint64_t) {0});
    ovs_mutex_unlock(&pending_mutex);

    if (was_empty) {
        seq_change(fl_pending_seq);
    }
    return true;
}

/* Takes the oldest waiting statistics, if their packets were seen at or
 * before 'due' (time_msec()); LLONG_MAX takes any.  The caller passes them
 * to fl_pending_account(). */
struct fl_pending *
fl_pending_pop(long long int due)
{
    struct fl_pending *p = NULL;

    ovs_mutex_lock(&pending_mutex);
    if (!ovs_list_is_empty(&pending)) {
        p = CONTAINER_OF(ovs_list_front(&pending), struct fl_pending, node);
        if (p->mono <= due) {
            ovs_list_remove(&p->node);
            n_pending--;
        } else {
            p = NULL;
        }
    }
    ovs_mutex_unlock(&pending_mutex);
    return p;
}

/* Credits 'p' with 'verdict' and frees it. */
void
fl_pending_account(struct fl_pending *p, uint8_t verdict)
{
    struct fl_binding *b = p->binding;
    const struct fl_opts *opts = ovsrcu_get(struct fl_opts *,
                                            &b->logger->opts);

    if (opts && filter_keeps(opts, verdict)) {
        p->key.verdict = verdict;
        account(b, opts, &p->key, key_hash(b, &p->key), p->attrs, p->flags,
                p->packets,
                p->bytes, p->wall, p->first_only);
    }
    fl_binding_unref(b);
    free(p);
    atomic_add_relaxed(&pending_done, 1, &(uint64_t) {0});
}

uint64_t
fl_pending_pushed(void)
{
    uint64_t x;
    atomic_read_relaxed(&pending_pushed, &x);
    return x;
}

uint64_t
fl_pending_done(void)
{
    uint64_t x;
    atomic_read_relaxed(&pending_done, &x);
    return x;
}

size_t
fl_pending_count(void)
{
    size_t n;

    ovs_mutex_lock(&pending_mutex);
    n = n_pending;
    ovs_mutex_unlock(&pending_mutex);
    return n;
}

/* Sums the packets and bytes of the records of 'iv' and its skipped
 * packets.  (No interval-wide counters on the update path: one cache line
 * that every thread writes would serialize them.) */
void
fl_interval_totals(const struct fl_interval *iv, uint64_t *packets,
                   uint64_t *bytes, uint64_t *skipped)
{
    const struct fl_record *r;
    const struct fl_ivport *p;

    *packets = *bytes = *skipped = 0;
    CMAP_FOR_EACH (r, node, &iv->records) {
        uint64_t x;
        atomic_read_relaxed(&CONST_CAST(struct fl_record *, r)->packets, &x);
        *packets += x;
        atomic_read_relaxed(&CONST_CAST(struct fl_record *, r)->bytes, &x);
        *bytes += x;
    }
    CMAP_FOR_EACH (p, node, &iv->ports) {
        uint64_t x;
        atomic_read_relaxed(&CONST_CAST(struct fl_ivport *, p)->skip_packets,
                            &x);
        *skipped += x;
    }
}

static void
record_from_key(struct flowlog_record *out, const struct fl_key *k)
{
    out->protocol = k->protocol;
    out->src_addr = k->src_addr;
    out->dst_addr = k->dst_addr;
    out->src_port = k->src_port;
    out->dst_port = k->dst_port;
    out->direction = k->direction;
    out->verdict = k->verdict;
    out->icmp_type = k->icmp_type;
    out->icmp_code = k->icmp_code;
    out->rule_table = k->rule_table;
    out->rule_cookie = get_32aligned_be64(&k->rule_cookie);
    out->ct_zone = k->ct_zone;
}

/* True if another binding of 'logger' to the port of detached 'b' is
 * attached (the port was re-created): that one stands for the port. */
static bool
port_reattached(const struct fl_logger *logger, const struct fl_binding *b)
{
    const struct fl_binding *o;

    HMAP_FOR_EACH_WITH_HASH (o, node, b->node.hash, &logger->bindings) {
        if (o != b && o->attached
            && !strcmp(o->id.port_name, b->id.port_name)) {
            return true;
        }
    }
    return false;
}

/* Converts record 'r' of interval 'iv' into 'out'. */
static void
record_get(const struct fl_interval *iv, const struct fl_record *r,
           struct flowlog_record *out)
{
    uint32_t first, last, flags;

    memset(out, 0, sizeof *out);
    record_from_key(out, &r->key);
    out->id = &r->binding->id;
    out->status = FL_STATUS_OK;
    atomic_read_relaxed(&CONST_CAST(struct fl_record *, r)->packets,
                        &out->packets);
    atomic_read_relaxed(&CONST_CAST(struct fl_record *, r)->bytes,
                        &out->bytes);
    atomic_read_relaxed(&CONST_CAST(struct fl_record *, r)->first, &first);
    atomic_read_relaxed(&CONST_CAST(struct fl_record *, r)->last, &last);
    atomic_read_relaxed(&CONST_CAST(struct fl_record *, r)->flags_attrs,
                        &flags);
    out->tcp_flags = flags & 0xff;
    out->first_ms = iv->start + first;
    out->last_ms = iv->start + last;
}

/* 'out' is record 'r' as record_get() made it: replaces the extended
 * attributes that 'opts' leave out of the key (zero there) by those of the
 * most recent flow counted in 'r'. */
static void
record_get_seen(const struct fl_record *r, const struct fl_opts *opts,
                struct flowlog_record *out)
{
    struct fl_record *rw = CONST_CAST(struct fl_record *, r);
    const struct fl_attrs *a;
    uint32_t flags_attrs;

    atomic_read_relaxed(&rw->flags_attrs, &flags_attrs);
    a = attrs_get(flags_attrs >> 8);
    if (!opts->key_rule) {
        out->rule_table = a ? a->rule_table : 0;
        out->rule_cookie = a ? a->rule_cookie : OVS_BE64_MAX;
    }
    if (!opts->key_icmp && a) {
        out->icmp_type = a->icmp_type;
        out->icmp_code = a->icmp_code;
    }
    if (!opts->key_ct_zone && a) {
        out->ct_zone = a->ct_zone;
    }
}

/* Appends to '*out' (with '*n' used of '*allocated') a SKIPDATA record for
 * each port of 'iv' with skipped packets and, with 'with_nodata', a NODATA
 * record for each binding of 'logger' that was attached during the
 * interval and has no record. */
static void
interval_extra_records(const struct fl_interval *iv,
                       const struct fl_logger *logger, bool with_nodata,
                       struct flowlog_record **out, size_t *n,
                       size_t *allocated)
{
    struct fl_ivport *p;
    CMAP_FOR_EACH (p, node, &iv->ports) {
        uint64_t packets;

        atomic_read_relaxed(&p->skip_packets, &packets);
        if (!packets) {
            continue;
        }
        if (*n >= *allocated) {
            *out = x2nrealloc(*out, allocated, sizeof **out);
        }
        struct flowlog_record *rec = &(*out)[(*n)++];
        uint32_t first, last;

        memset(rec, 0, sizeof *rec);
        rec->id = &p->binding->id;
        rec->status = FL_STATUS_SKIPDATA;
        rec->direction = FL_DIR_UNKNOWN;
        rec->verdict = FL_VERDICT_NONE;
        rec->packets = packets;
        atomic_read_relaxed(&p->skip_bytes, &rec->bytes);
        atomic_read_relaxed(&p->skip_first, &first);
        atomic_read_relaxed(&p->skip_last, &last);
        rec->first_ms = iv->start + first;
        rec->last_ms = iv->start + last;
    }

    if (with_nodata && logger) {
        struct fl_binding *b;

        HMAP_FOR_EACH (b, node, &logger->bindings) {
            if (!b->attached && (b->detached_ms < iv->start
                                 || port_reattached(logger, b))) {
                continue;
            }
            if (ivport_find(iv, b)) {
                continue;
            }
            if (*n >= *allocated) {
                *out = x2nrealloc(*out, allocated, sizeof **out);
            }
            struct flowlog_record *rec = &(*out)[(*n)++];
            memset(rec, 0, sizeof *rec);
            rec->id = &b->id;
            rec->status = FL_STATUS_NODATA;
            rec->direction = FL_DIR_UNKNOWN;
            rec->verdict = FL_VERDICT_NONE;
            rec->first_ms = iv->start;
            rec->last_ms = iv->end;
        }
    }
}

/* The record that 'ref' of a frozen interval 'iv' stands for, into 'out'. */
void
fl_frozen_get(const struct fl_interval *iv, const struct fl_frozen_ref *ref,
              struct flowlog_record *out)
{
    if (ref->r) {
        record_get(iv, ref->r, out);
    } else {
        *out = *ref->x;
    }
}

/* Orders bindings as flowlog_record_compare() orders the records of their
 * ports that are otherwise the same: by port name, then identity. */
static int
compare_bindings(const void *a_, const void *b_)
{
    const struct fl_binding *const *a = a_, *const *b = b_;
    struct flowlog_record ra, rb;

    memset(&ra, 0, sizeof ra);
    memset(&rb, 0, sizeof rb);
    ra.id = &(*a)->id;
    rb.id = &(*b)->id;
    return flowlog_record_compare(&ra, &rb);
}

/* Sets the sort ranks of the bindings of the records of 'iv' and of
 * 'extra', so that compare_refs() compares two records of 'iv' without
 * comparing strings: equal port names get equal 'sort_port', equal port
 * names and identities equal 'sort_id'. */
static void
rank_bindings(const struct fl_interval *iv, const struct flowlog_record *extra,
              size_t n_extra)
{
    size_t n = 0, max = cmap_count(&iv->ports) + n_extra;
    struct fl_binding **v = xmalloc(MAX(max, 1) * sizeof *v);
    const struct fl_ivport *p;

    CMAP_FOR_EACH (p, node, &iv->ports) {
        if (n < max - n_extra) {
            v[n++] = p->binding;
        }
    }
    for (size_t i = 0; i < n_extra; i++) {
        v[n++] = CONTAINER_OF(extra[i].id, struct fl_binding, id);
    }
    qsort(v, n, sizeof *v, compare_bindings);
    for (size_t i = 0; i < n; i++) {
        struct fl_binding *b = v[i], *prev = i ? v[i - 1] : NULL;

        if (prev && !compare_bindings(&prev, &b)) {
            b->sort_port = prev->sort_port;
            b->sort_id = prev->sort_id;
        } else {
            b->sort_id = i;
            b->sort_port = (prev && !strcmp(prev->id.port_name
                                            ? prev->id.port_name : "",
                                            b->id.port_name
                                            ? b->id.port_name : "")
                            ? prev->sort_port : i);
        }
    }
    free(v);
}

#define CMP(A, B) if ((A) != (B)) { return (A) < (B) ? -1 : 1; }

/* The order of records in files (flowlog_record_compare()), for
 * references.  Two records of the interval, the common case, are compared
 * by their bindings' ranks (see rank_bindings()) and their keys. */
static int
compare_refs(const void *a_, const void *b_)
{
    const struct fl_frozen_ref *a = a_, *b = b_;

    if (a->r && b->r) {
        const struct fl_binding *ba = a->r->binding, *bb = b->r->binding;
        const struct fl_key *ka = &a->r->key, *kb = &b->r->key;

        CMP(ba->sort_port, bb->sort_port);
        CMP(ka->direction, kb->direction);
        CMP(ka->protocol, kb->protocol);
        CMP(ntohl(ka->src_addr), ntohl(kb->src_addr));
        CMP(ntohl(ka->dst_addr), ntohl(kb->dst_addr));
        CMP(ka->src_port, kb->src_port);
        CMP(ka->dst_port, kb->dst_port);
        CMP(ka->verdict, kb->verdict);
        CMP(ka->icmp_type, kb->icmp_type);
        CMP(ka->icmp_code, kb->icmp_code);
        CMP(ka->ct_zone, kb->ct_zone);
        CMP(ka->rule_table, kb->rule_table);
        CMP(ntohll(get_32aligned_be64(&ka->rule_cookie)),
            ntohll(get_32aligned_be64(&kb->rule_cookie)));
        CMP(ba->sort_id, bb->sort_id);
        return 0;
    }

    struct flowlog_record ra, rb;
    if (a->r) {
        memset(&ra, 0, sizeof ra);
        record_from_key(&ra, &a->r->key);
        ra.id = &a->r->binding->id;
    }
    if (b->r) {
        memset(&rb, 0, sizeof rb);
        record_from_key(&rb, &b->r->key);
        rb.id = &b->r->binding->id;
    }
    return flowlog_record_compare(a->r ? &ra : a->x, b->r ? &rb : b->x);
}

/* A reference with the start of its record's file order (compare_refs())
 * packed into two integers, so that sorting mostly compares integers next
 * to each other in memory instead of following pointers to records and
 * bindings: 'k1' holds the port's rank, direction, protocol and the top of
 * the source address, 'k2' the rest of it, the destination address and the
 * source port.  Both are 0 for a SKIPDATA or NODATA record. */
struct sort_item {
    uint64_t k1, k2;
    struct fl_frozen_ref ref;
};

static int
compare_sort_items(const struct sort_item *a, const struct sort_item *b)
{
    if (a->ref.r && b->ref.r) {
        CMP(a->k1, b->k1);
        CMP(a->k2, b->k2);
    }
    return compare_refs(&a->ref, &b->ref);
}

static void
swap_sort_items(struct sort_item *a, struct sort_item *b)
{
    struct sort_item tmp = *a;

    *a = *b;
    *b = tmp;
}

static void
sift_down(struct sort_item *v, size_t i, size_t n)
{
    for (;;) {
        size_t child = 2 * i + 1;

        if (child >= n) {
            return;
        }
        if (child + 1 < n && compare_sort_items(&v[child], &v[child + 1]) < 0) {
            child++;
        }
        if (compare_sort_items(&v[i], &v[child]) >= 0) {
            return;
        }
        swap_sort_items(&v[i], &v[child]);
        i = child;
    }
}

/* Sorts the 'n' items of 'v' in place (introsort: quicksort with a median
 * of three, insertion sort for short ranges, heapsort past 'depth' levels,
 * so that no input, whatever 5-tuples the traffic holds, takes quadratic
 * time).  In place, because a close of millions of records should not
 * need a second array of them. */
static void
sort_items(struct sort_item *v, size_t n, int depth)
{
    while (n > 16) {
        if (!depth--) {
            for (size_t i = n / 2; i-- > 0; ) {
                sift_down(v, i, n);
            }
            for (size_t i = n - 1; i > 0; i--) {
                swap_sort_items(&v[0], &v[i]);
                sift_down(v, 0, i);
            }
            return;
        }

        /* Median of the first, middle and last into v[0], as the pivot. */
        size_t mid = n / 2;
        if (compare_sort_items(&v[mid], &v[0]) < 0) {
            swap_sort_items(&v[mid], &v[0]);
        }
        if (compare_sort_items(&v[n - 1], &v[mid]) < 0) {
            swap_sort_items(&v[n - 1], &v[mid]);
            if (compare_sort_items(&v[mid], &v[0]) < 0) {
                swap_sort_items(&v[mid], &v[0]);
            }
        }
        swap_sort_items(&v[0], &v[mid]);

        /* Hoare partition around v[0]. */
        size_t i = 0, j = n;
        for (;;) {
            do {
                i++;
            } while (i < n && compare_sort_items(&v[i], &v[0]) < 0);
            do {
                j--;
            } while (compare_sort_items(&v[j], &v[0]) > 0);
            if (i >= j) {
                break;
            }
            swap_sort_items(&v[i], &v[j]);
        }
        swap_sort_items(&v[0], &v[j]);

        /* Recurse into the smaller side, loop on the larger. */
        size_t left = j, right = n - j - 1;
        if (left < right) {
            sort_items(v, left, depth);
            v += j + 1;
            n = right;
        } else {
            sort_items(v + j + 1, right, depth);
            n = left;
        }
    }

    for (size_t i = 1; i < n; i++) {
        for (size_t k = i; k > 0
                 && compare_sort_items(&v[k], &v[k - 1]) < 0; k--) {
            swap_sort_items(&v[k], &v[k - 1]);
        }
    }
}

/* Sorts the 'n' references in '*vp' (a malloc()'d array, which this
 * replaces) into file order (compare_refs()).  The items take twice the
 * references' memory while they are sorted, and the references are freed
 * meanwhile, so the peak is what a merge sort of the references with its
 * temporary array would take. */
static void
sort_refs(struct fl_frozen_ref **vp, size_t n)
{
    struct sort_item *items = xmalloc(MAX(n, 1) * sizeof *items);
    struct fl_frozen_ref *v = *vp;

    for (size_t i = 0; i < n; i++) {
        struct sort_item *it = &items[i];

        it->ref = v[i];
        if (v[i].r) {
            const struct fl_key *k = &v[i].r->key;
            uint32_t src = ntohl(k->src_addr);

            it->k1 = ((uint64_t) v[i].r->binding->sort_port << 32
                      | (uint64_t) k->direction << 24
                      | (uint64_t) k->protocol << 16
                      | src >> 16);
            it->k2 = ((uint64_t) (src & 0xffff) << 48
                      | (uint64_t) ntohl(k->dst_addr) << 16
                      | k->src_port);
        } else {
            it->k1 = it->k2 = 0;
        }
    }
    free(v);

    int depth = 0;
    for (size_t m = n; m > 1; m >>= 1) {
        depth += 2;
    }
    sort_items(items, n, depth);

    /* The references, in order, into the items' own memory: reference 'i'
     * goes where item 'i / 2' was, which has been read. */
    v = (struct fl_frozen_ref *) items;
    for (size_t i = 0; i < n; i++) {
        struct fl_frozen_ref ref = items[i].ref;
        v[i] = ref;
    }
    *vp = xrealloc(v, MAX(n, 1) * sizeof *v);
}

/* Lists the records of 'iv' in file order, without copying them: returns
 * how many and sets '*refs' to a malloc()'d array of references, which
 * point into 'iv' or into the malloc()'d array '*extra' of its SKIPDATA and
 * (with 'with_nodata') NODATA records.  A record is read with
 * fl_frozen_get(), so its counters are the ones at that time.  Records
 * inserted into 'iv' later are not listed.  Identities point into bindings
 * that 'iv' or 'logger' reference. */
size_t
fl_interval_freeze(const struct fl_interval *iv,
                   const struct fl_logger *logger, bool with_nodata,
                   struct fl_frozen_ref **refs,
                   struct flowlog_record **extra)
{
    size_t n_extra = 0, allocated = 8;
    *extra = xmalloc(allocated * sizeof **extra);
    interval_extra_records(iv, logger, with_nodata, extra, &n_extra,
                           &allocated);

    size_t n = 0, max = cmap_count(&iv->records) + n_extra;
    struct fl_frozen_ref *v = xmalloc(MAX(max, 1) * sizeof *v);
    struct fl_record *r;
    CMAP_FOR_EACH (r, node, &iv->records) {
        if (n >= max - n_extra) {
            break;              /* Inserted since we counted. */
        }
        v[n++] = (struct fl_frozen_ref) { .r = r };
    }
    for (size_t i = 0; i < n_extra; i++) {
        v[n++] = (struct fl_frozen_ref) { .x = &(*extra)[i] };
    }
    rank_bindings(iv, *extra, n_extra);
    sort_refs(&v, n);
    *refs = v;
    return n;
}

/* Collects the records of 'iv' as fl_interval_freeze() lists them into a
 * malloc()'d array '*recs' and returns how many.  The extended attributes
 * that 'logger' does not key by (rule, ICMP type and code, conntrack zone)
 * are those of the most recent flow counted in each record, for
 * flowlog/dump --fields; snapshots keep them out. */
size_t
fl_interval_records(const struct fl_interval *iv,
                    const struct fl_logger *logger, bool with_nodata,
                    struct flowlog_record **recs)
{
    const struct fl_opts *opts = logger ? fl_logger_opts(logger) : NULL;
    struct fl_frozen_ref *refs;
    struct flowlog_record *extra;
    size_t n = fl_interval_freeze(iv, logger, with_nodata, &refs, &extra);
    struct flowlog_record *out = xmalloc(MAX(n, 1) * sizeof *out);

    for (size_t i = 0; i < n; i++) {
        fl_frozen_get(iv, &refs[i], &out[i]);
        if (refs[i].r && opts) {
            record_get_seen(refs[i].r, opts, &out[i]);
        }
    }
    free(refs);
    free(extra);
    *recs = out;
    return n;
}

/* Interval 'iv' became a snapshot's: its records no longer count against
 * flowlog-max-records. */
void
fl_interval_release(struct fl_interval *iv)
{
    size_t n = cmap_count(&iv->records) - iv->n_released;

    iv->n_released += n;
    atomic_sub_relaxed(&fl_n_records, n, &(uint64_t) {0});
}
