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
#include "lib/flowlog-nfct.h"

#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "bitmap.h"
#include "hash.h"
#include "openvswitch/hmap.h"
#include "openvswitch/list.h"
#include "socket-util.h"
#include "util.h"

/* The pair of a direction of a connection, as a record's 5-tuple sees it:
 * ICMP without its identifier. */
struct pair_key {
    ovs_be32 src, dst;
    uint16_t src_port, dst_port;
    uint8_t protocol;
    uint16_t zone;
};

/* What tells one conntrack entry from another at one time. */
struct entry_key {
    struct pair_key orig;
    uint16_t icmp_id;
    uint8_t icmp_type, icmp_code;
};

struct entry;

/* An entry in an index, for one direction of it. */
struct index_node {
    struct hmap_node node;
    struct entry *e;
    int dir;                        /* 0: original, 1: reply. */
};

struct entry {
    struct ovs_list list_node;      /* In 'all'. */
    struct hmap_node node;          /* In 'by_key' while alive. */
    struct index_node pair[2];      /* In 'by_pair': orig, reply. */
    struct index_node addr[2];      /* In 'by_addr': orig src, reply src. */
    struct entry_key key;
    struct pair_key reply;
    long long int created;          /* LLONG_MIN: existed before we knew. */
    long long int destroyed;        /* LLONG_MAX while alive. */
    uint32_t mark;
    uint64_t dump_gen;              /* Last dump that listed it. */

    /* Known from a dump only: the kernel may have made it before anyone
     * listened, and then it never reports its destruction (events are
     * attached to an entry when it is made, only if someone listens; with
     * net.netfilter.nf_conntrack_events=2, the default).  Asked for again
     * when a packet needs it (flowlog_nfct_verify()). */
    bool silent;
    long long int verified;         /* When last seen alive. */
};

struct flowlog_nfct {
    struct nfct_handle *events;
    struct nfct_handle *query;      /* For dumps and gets. */
    int rcvbuf;
    unsigned long *zones;           /* Bitmap of the kept zones. */
    uint64_t *zone_events;          /* Per zone, allocated lazily. */
    struct ovs_list all;            /* Every entry. */
    struct hmap by_key;             /* Alive entries. */
    struct hmap by_pair;            /* Every entry, both directions. */
    struct hmap by_addr;
    size_t n_entries;
    uint64_t dump_gen;
    struct flowlog_nfct_stats stats;
    long long int now;              /* Of the batch being handled. */
    uint64_t buf[65536 / 8];        /* Aligned for struct nlmsghdr. */
};

#define N_ZONES 65536

static uint32_t
pair_hash(const struct pair_key *k)
{
    uint32_t h = hash_add(0, (OVS_FORCE uint32_t) k->src);
    h = hash_add(h, (OVS_FORCE uint32_t) k->dst);
    h = hash_add(h, ((uint32_t) k->src_port << 16) | k->dst_port);
    h = hash_add(h, ((uint32_t) k->protocol << 16) | k->zone);
    return hash_finish(h, 12);
}

static bool
pair_equal(const struct pair_key *a, const struct pair_key *b)
{
    return (a->src == b->src && a->dst == b->dst
            && a->src_port == b->src_port && a->dst_port == b->dst_port
            && a->protocol == b->protocol && a->zone == b->zone);
}

static uint32_t
addr_hash(uint16_t zone, ovs_be32 addr)
{
    return hash_2words(zone, (OVS_FORCE uint32_t) addr);
}

static uint32_t
entry_key_hash(const struct entry_key *k)
{
    return hash_add(pair_hash(&k->orig),
                    ((uint32_t) k->icmp_id << 16) | (k->icmp_type << 8)
                    | k->icmp_code);
}

static bool
entry_key_equal(const struct entry_key *a, const struct entry_key *b)
{
    return (pair_equal(&a->orig, &b->orig) && a->icmp_id == b->icmp_id
            && a->icmp_type == b->icmp_type && a->icmp_code == b->icmp_code);
}

int
flowlog_nfct_open(int rcvbuf, struct flowlog_nfct **nfp)
{
    struct nfct_handle *h = nfct_open(CONNTRACK,
                                      NF_NETLINK_CONNTRACK_NEW
                                      | NF_NETLINK_CONNTRACK_UPDATE
                                      | NF_NETLINK_CONNTRACK_DESTROY);
    *nfp = NULL;
    if (!h) {
        return errno ? errno : EPROTO;
    }

    int fd = nfct_fd(h);
    if (rcvbuf > 0
        && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf)
        && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf)) {
        int error = errno;
        nfct_close(h);
        return error;
    }
    int actual = 0;
    socklen_t len = sizeof actual;
    getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &actual, &len);
    set_nonblocking(fd);

    struct nfct_handle *query = nfct_open(CONNTRACK, 0);
    if (!query) {
        int error = errno ? errno : EPROTO;
        nfct_close(h);
        return error;
    }

    struct flowlog_nfct *nf = xzalloc(sizeof *nf);
    nf->events = h;
    nf->query = query;
    nf->rcvbuf = actual;
    nf->zones = bitmap_allocate(N_ZONES);
    ovs_list_init(&nf->all);
    hmap_init(&nf->by_key);
    hmap_init(&nf->by_pair);
    hmap_init(&nf->by_addr);
    *nfp = nf;
    return 0;
}

static void
entry_remove(struct flowlog_nfct *nf, struct entry *e)
{
    if (e->destroyed == LLONG_MAX) {
        hmap_remove(&nf->by_key, &e->node);
    }
    for (int i = 0; i < 2; i++) {
        hmap_remove(&nf->by_pair, &e->pair[i].node);
        hmap_remove(&nf->by_addr, &e->addr[i].node);
    }
    ovs_list_remove(&e->list_node);
    nf->n_entries--;
    free(e);
}

void
flowlog_nfct_close(struct flowlog_nfct *nf)
{
    if (nf) {
        struct entry *e;
        LIST_FOR_EACH_SAFE (e, list_node, &nf->all) {
            entry_remove(nf, e);
        }
        hmap_destroy(&nf->by_key);
        hmap_destroy(&nf->by_pair);
        hmap_destroy(&nf->by_addr);
        nfct_close(nf->events);
        nfct_close(nf->query);
        bitmap_free(nf->zones);
        free(nf->zone_events);
        free(nf);
    }
}

int
flowlog_nfct_fd(const struct flowlog_nfct *nf)
{
    return nfct_fd(nf->events);
}

int
flowlog_nfct_rcvbuf(const struct flowlog_nfct *nf)
{
    return nf->rcvbuf;
}

void
flowlog_nfct_set_zones(struct flowlog_nfct *nf, const uint16_t *zones,
                       size_t n)
{
    bitmap_set_multiple(nf->zones, 0, N_ZONES, false);
    for (size_t i = 0; i < n; i++) {
        bitmap_set1(nf->zones, zones[i]);
    }

    struct entry *e;
    LIST_FOR_EACH_SAFE (e, list_node, &nf->all) {
        if (!bitmap_is_set(nf->zones, e->key.orig.zone)) {
            entry_remove(nf, e);
        }
    }
}

/* Reads the tuples of 'ct' into 'key' and 'reply'.  Returns false for
 * what no record can be about (not IPv4 TCP, UDP or ICMP). */
static bool
entry_from_ct(const struct nf_conntrack *ct, struct entry_key *key,
              struct pair_key *reply)
{
    memset(key, 0, sizeof *key);
    memset(reply, 0, sizeof *reply);
    if (!nfct_attr_is_set(ct, ATTR_ORIG_L3PROTO)
        || nfct_get_attr_u8(ct, ATTR_ORIG_L3PROTO) != AF_INET
        || !nfct_attr_is_set(ct, ATTR_ORIG_L4PROTO)) {
        return false;
    }
    uint8_t proto = nfct_get_attr_u8(ct, ATTR_ORIG_L4PROTO);
    if (proto != IPPROTO_TCP && proto != IPPROTO_UDP
        && proto != IPPROTO_ICMP) {
        return false;
    }
    uint16_t zone = (nfct_attr_is_set(ct, ATTR_ZONE)
                     ? nfct_get_attr_u16(ct, ATTR_ZONE) : 0);

    key->orig.protocol = reply->protocol = proto;
    key->orig.zone = reply->zone = zone;
    key->orig.src = nfct_get_attr_u32(ct, ATTR_ORIG_IPV4_SRC);
    key->orig.dst = nfct_get_attr_u32(ct, ATTR_ORIG_IPV4_DST);
    reply->src = nfct_get_attr_u32(ct, ATTR_REPL_IPV4_SRC);
    reply->dst = nfct_get_attr_u32(ct, ATTR_REPL_IPV4_DST);
    if (proto == IPPROTO_ICMP) {
        key->icmp_id = nfct_get_attr_u16(ct, ATTR_ICMP_ID);
        key->icmp_type = nfct_get_attr_u8(ct, ATTR_ICMP_TYPE);
        key->icmp_code = nfct_get_attr_u8(ct, ATTR_ICMP_CODE);
    } else {
        key->orig.src_port = ntohs(nfct_get_attr_u16(ct, ATTR_ORIG_PORT_SRC));
        key->orig.dst_port = ntohs(nfct_get_attr_u16(ct, ATTR_ORIG_PORT_DST));
        reply->src_port = ntohs(nfct_get_attr_u16(ct, ATTR_REPL_PORT_SRC));
        reply->dst_port = ntohs(nfct_get_attr_u16(ct, ATTR_REPL_PORT_DST));
    }
    return true;
}

static struct entry *
entry_find_alive(const struct flowlog_nfct *nf, const struct entry_key *key)
{
    struct entry *e;

    HMAP_FOR_EACH_WITH_HASH (e, node, entry_key_hash(key), &nf->by_key) {
        if (entry_key_equal(&e->key, key)) {
            return e;
        }
    }
    return NULL;
}

static struct entry *
entry_insert(struct flowlog_nfct *nf, const struct entry_key *key,
             const struct pair_key *reply, long long int created)
{
    struct entry *e = xzalloc(sizeof *e);

    e->key = *key;
    e->reply = *reply;
    e->created = created;
    e->destroyed = LLONG_MAX;
    hmap_insert(&nf->by_key, &e->node, entry_key_hash(key));
    for (int i = 0; i < 2; i++) {
        const struct pair_key *p = i ? reply : &key->orig;
        e->pair[i].e = e->addr[i].e = e;
        e->pair[i].dir = e->addr[i].dir = i;
        hmap_insert(&nf->by_pair, &e->pair[i].node, pair_hash(p));
        hmap_insert(&nf->by_addr, &e->addr[i].node,
                    addr_hash(key->orig.zone, p->src));
    }
    ovs_list_push_back(&nf->all, &e->list_node);
    nf->n_entries++;
    return e;
}

static void
entry_destroy(struct flowlog_nfct *nf, struct entry *e, long long int when)
{
    hmap_remove(&nf->by_key, &e->node);
    e->destroyed = when;
}

enum ct_event { EV_NEW, EV_UPDATE, EV_DESTROY, EV_DUMP };

static void
handle_ct(struct flowlog_nfct *nf, enum ct_event ev,
          const struct nf_conntrack *ct)
{
    struct entry_key key;
    struct pair_key reply;

    if (!entry_from_ct(ct, &key, &reply)) {
        return;
    }
    if (ev != EV_DUMP) {
        nf->stats.all_events++;
    }
    if (!bitmap_is_set(nf->zones, key.orig.zone)) {
        return;
    }
    if (ev != EV_DUMP) {
        nf->stats.events++;
        if (!nf->zone_events) {
            nf->zone_events = xcalloc(N_ZONES, sizeof *nf->zone_events);
        }
        nf->zone_events[key.orig.zone]++;
    }

    struct entry *e = entry_find_alive(nf, &key);
    if (e && ev != EV_DUMP) {
        e->silent = false;
    }
    if (ev == EV_DESTROY) {
        if (e) {
            entry_destroy(nf, e, nf->now);
        }
        return;
    }
    if (!e) {
        /* An UPDATE or a dump of an entry we had not heard of: it was made
         * before we knew, when is not known. */
        e = entry_insert(nf, &key, &reply,
                         ev == EV_NEW ? nf->now : LLONG_MIN);
        e->silent = ev == EV_DUMP;
    }
    e->verified = nf->now;
    if (nfct_attr_is_set(ct, ATTR_MARK)) {
        e->mark = nfct_get_attr_u32(ct, ATTR_MARK);
    }
    if (ev == EV_DUMP) {
        e->dump_gen = nf->dump_gen;
    }
}

/* Handles the events waiting on the event socket.  Returns 0 once the socket
 * is empty, ENOBUFS if events were lost (the socket overflowed: a dump is
 * needed), or another errno value. */
int
flowlog_nfct_receive(struct flowlog_nfct *nf, long long int now)
{
    int fd = nfct_fd(nf->events);

    nf->now = now;
    for (int batch = 0; batch < 256; batch++) {
        ssize_t n = recv(fd, nf->buf, sizeof nf->buf, MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            if (errno == EAGAIN) {
                return 0;
            }
            if (errno == ENOBUFS) {
                nf->stats.overflows++;
            }
            return errno;
        }

        const struct nlmsghdr *nlh = ALIGNED_CAST(const struct nlmsghdr *,
                                                  nf->buf);
        int len = n;
        for (; NLMSG_OK(nlh, len); nlh = NLMSG_NEXT(nlh, len)) {
            if (NFNL_SUBSYS_ID(nlh->nlmsg_type) != NFNL_SUBSYS_CTNETLINK) {
                continue;
            }
            int type = NFNL_MSG_TYPE(nlh->nlmsg_type);
            enum ct_event ev;
            if (type == IPCTNL_MSG_CT_DELETE) {
                ev = EV_DESTROY;
            } else if (type == IPCTNL_MSG_CT_NEW) {
                ev = (nlh->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL)
                      ? EV_NEW : EV_UPDATE);
            } else {
                continue;
            }

            struct nf_conntrack *ct = nfct_new();
            if (!ct) {
                return ENOMEM;
            }
            if (nfct_nlmsg_parse(nlh, ct) >= 0) {
                handle_ct(nf, ev, ct);
            }
            nfct_destroy(ct);
        }
    }
    /* Still more: let the caller do other work and come back. */
    return EAGAIN;
}

static int
dump_cb(enum nf_conntrack_msg_type type OVS_UNUSED, struct nf_conntrack *ct,
        void *nf_)
{
    handle_ct(nf_, EV_DUMP, ct);
    return NFCT_CB_CONTINUE;
}

/* Lists the kernel's table.  Entries of the kept zones that the copy has
 * alive but the dump does not list were destroyed while events were lost:
 * they count as destroyed now. */
int
flowlog_nfct_dump(struct flowlog_nfct *nf, long long int now)
{
    nf->now = now;
    nf->dump_gen++;
    nfct_callback_unregister(nf->query);
    nfct_callback_register(nf->query, NFCT_T_ALL, dump_cb, nf);
    uint32_t family = AF_INET;
    int error = nfct_query(nf->query, NFCT_Q_DUMP, &family) ? errno : 0;
    if (error) {
        return error;
    }

    nf->stats.dumps++;
    struct entry *e;
    HMAP_FOR_EACH_SAFE (e, node, &nf->by_key) {
        if (e->dump_gen != nf->dump_gen
            && (e->created == LLONG_MIN || e->created < now)) {
            entry_destroy(nf, e, now);
        }
    }
    return 0;
}

/* Forgets the entries destroyed before 'before'. */
void
flowlog_nfct_expire(struct flowlog_nfct *nf, long long int before)
{
    struct entry *e;

    LIST_FOR_EACH_SAFE (e, list_node, &nf->all) {
        if (e->destroyed < before) {
            entry_remove(nf, e);
        }
    }
}

/* An entry made this long after a packet says nothing about it.  Generous:
 * 'created' is when this module read the event, which on a busy machine can
 * be well after the kernel made the entry. */
#define CREATED_SLACK_MS 2000

/* Classifies entry 'e' for a packet at 'when': 'slack' is how long after an
 * entry's destruction (as this module learned of it) a packet still counts
 * as before it. */
static enum flowlog_nfct_answer
entry_answer(const struct entry *e, long long int when, long long int slack,
             bool has_mark, uint32_t mark, uint32_t mask)
{
    if (e->created != LLONG_MIN && e->created > when + CREATED_SLACK_MS) {
        /* Made after the packet: says nothing about it. */
        return FLOWLOG_NFCT_NONE;
    }
    if (e->destroyed != LLONG_MAX && e->destroyed + slack < when) {
        return FLOWLOG_NFCT_DELETED;
    }
    if (has_mark && (e->mark & mask) == (mark & mask)) {
        return FLOWLOG_NFCT_BLOCKED;
    }
    return FLOWLOG_NFCT_CONFIRMED;
}

/* Combines answers: a confirmation wins, then a block, then a deletion. */
static enum flowlog_nfct_answer
answer_merge(enum flowlog_nfct_answer a, enum flowlog_nfct_answer b)
{
    return MIN(a, b);
}

struct get_reply {
    bool found;
    uint32_t mark;
};

static int
get_cb(enum nf_conntrack_msg_type type OVS_UNUSED, struct nf_conntrack *ct,
       void *reply_)
{
    struct get_reply *reply = reply_;

    reply->found = true;
    if (nfct_attr_is_set(ct, ATTR_MARK)) {
        reply->mark = nfct_get_attr_u32(ct, ATTR_MARK);
    }
    return NFCT_CB_CONTINUE;
}

/* Asks the kernel whether silent entry 'e' still exists, and for its mark
 * (of which no event tells either).  Returns 0 or ENOENT, or another errno
 * value if it cannot tell. */
static int
entry_get(struct flowlog_nfct *nf, struct entry *e)
{
    struct nf_conntrack *ct = nfct_new();
    const struct entry_key *k = &e->key;
    struct get_reply reply = { .found = false, .mark = e->mark };

    if (!ct) {
        return ENOMEM;
    }
    nfct_set_attr_u8(ct, ATTR_ORIG_L3PROTO, AF_INET);
    nfct_set_attr_u32(ct, ATTR_ORIG_IPV4_SRC, k->orig.src);
    nfct_set_attr_u32(ct, ATTR_ORIG_IPV4_DST, k->orig.dst);
    nfct_set_attr_u8(ct, ATTR_ORIG_L4PROTO, k->orig.protocol);
    if (k->orig.protocol == IPPROTO_ICMP) {
        nfct_set_attr_u16(ct, ATTR_ICMP_ID, k->icmp_id);
        nfct_set_attr_u8(ct, ATTR_ICMP_TYPE, k->icmp_type);
        nfct_set_attr_u8(ct, ATTR_ICMP_CODE, k->icmp_code);
    } else {
        nfct_set_attr_u16(ct, ATTR_ORIG_PORT_SRC, htons(k->orig.src_port));
        nfct_set_attr_u16(ct, ATTR_ORIG_PORT_DST, htons(k->orig.dst_port));
    }
    nfct_set_attr_u16(ct, ATTR_ZONE, k->orig.zone);

    nfct_callback_unregister(nf->query);
    nfct_callback_register(nf->query, NFCT_T_ALL, get_cb, &reply);
    int error = nfct_query(nf->query, NFCT_Q_GET, ct) ? errno : 0;
    nfct_destroy(ct);
    if (!error && reply.found) {
        e->mark = reply.mark;
    }
    return error ? error : reply.found ? 0 : ENOENT;
}

/* Asks the kernel about the silent entries that a packet of 'tuple' in
 * 'zone' would find: one that is gone was destroyed after it was last seen
 * alive (when exactly is not known). */
void
flowlog_nfct_verify(struct flowlog_nfct *nf, uint16_t zone,
                    const struct flowlog_nfct_tuple *t, long long int now)
{
    struct pair_key k = {
        .src = t->src, .dst = t->dst,
        .src_port = t->protocol == IPPROTO_ICMP ? 0 : t->src_port,
        .dst_port = t->protocol == IPPROTO_ICMP ? 0 : t->dst_port,
        .protocol = t->protocol, .zone = zone,
    };
    struct index_node *in;

    HMAP_FOR_EACH_WITH_HASH (in, node, pair_hash(&k), &nf->by_pair) {
        struct entry *e = in->e;
        if (!e->silent || e->destroyed != LLONG_MAX
            || !pair_equal(in->dir ? &e->reply : &e->key.orig, &k)) {
            continue;
        }
        int error = entry_get(nf, e);
        nf->stats.gets++;
        if (!error) {
            e->verified = now;
        } else if (error == ENOENT) {
            entry_destroy(nf, e, e->verified);
        }
    }
}

enum flowlog_nfct_answer
flowlog_nfct_lookup(const struct flowlog_nfct *nf, uint16_t zone,
                    const struct flowlog_nfct_tuple *t, long long int when,
                    long long int slack, bool has_mark, uint32_t mark,
                    uint32_t mark_mask)
{
    struct pair_key k = {
        .src = t->src, .dst = t->dst,
        .src_port = t->protocol == IPPROTO_ICMP ? 0 : t->src_port,
        .dst_port = t->protocol == IPPROTO_ICMP ? 0 : t->dst_port,
        .protocol = t->protocol, .zone = zone,
    };
    enum flowlog_nfct_answer answer = FLOWLOG_NFCT_NONE;

    const struct index_node *in;
    HMAP_FOR_EACH_WITH_HASH (in, node, pair_hash(&k), &nf->by_pair) {
        const struct entry *e = in->e;
        if (pair_equal(in->dir ? &e->reply : &e->key.orig, &k)) {
            answer = answer_merge(answer,
                                  entry_answer(e, when, slack, has_mark,
                                               mark, mark_mask));
        }
    }
    return answer;
}

enum flowlog_nfct_answer
flowlog_nfct_lookup_related(const struct flowlog_nfct *nf, uint16_t zone,
                            ovs_be32 src, ovs_be32 dst, long long int when,
                            long long int slack)
{
    enum flowlog_nfct_answer peer = FLOWLOG_NFCT_NONE;
    enum flowlog_nfct_answer any = FLOWLOG_NFCT_NONE;

    const struct index_node *in;
    HMAP_FOR_EACH_WITH_HASH (in, node, addr_hash(zone, dst), &nf->by_addr) {
        const struct entry *e = in->e;
        /* 'dst' sent in direction 'in->dir' of 'e', toward 'to'. */
        const struct pair_key *p = in->dir ? &e->reply : &e->key.orig;
        if (e->key.orig.zone != zone || p->src != dst) {
            continue;
        }
        enum flowlog_nfct_answer a = entry_answer(e, when, slack, false,
                                                  0, 0);
        any = answer_merge(any, a);
        if (p->dst == src) {
            peer = answer_merge(peer, a);
        }
    }
    return peer == FLOWLOG_NFCT_CONFIRMED ? peer : any;
}

void
flowlog_nfct_stats(const struct flowlog_nfct *nf,
                   struct flowlog_nfct_stats *stats)
{
    *stats = nf->stats;
    stats->entries = nf->n_entries;
}

uint64_t
flowlog_nfct_zone_events(const struct flowlog_nfct *nf, uint16_t zone)
{
    return nf->zone_events ? nf->zone_events[zone] : 0;
}

int
flowlog_nfct_acct(void)
{
    FILE *f = fopen("/proc/sys/net/netfilter/nf_conntrack_acct", "r");
    int value = -1;

    if (f) {
        if (fscanf(f, "%d", &value) != 1) {
            value = -1;
        }
        fclose(f);
    }
    return value < 0 ? -1 : value != 0;
}
