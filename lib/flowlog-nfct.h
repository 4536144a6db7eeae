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

#ifndef FLOWLOG_NFCT_H
#define FLOWLOG_NFCT_H 1

/* The kernel's conntrack table, as far as some zones go: a copy kept up to
 * date from conntrack events (NEW, UPDATE, DESTROY) and full dumps, through
 * libnetfilter_conntrack, of the conntrack table of the calling thread's
 * network namespace.
 *
 * libnetfilter_conntrack 1.0.9 can filter neither events nor dumps by zone,
 * so every IPv4 TCP, UDP and ICMP entry is received and those of other zones
 * are dropped here.
 *
 * Entries that the kernel destroyed stay for a while with the time they
 * were destroyed, so that a question about a packet that came before that
 * time still finds them.
 *
 * Not thread-safe: one thread owns a struct flowlog_nfct.  Times are
 * monotonic milliseconds (time_msec()) of when this module learned of an
 * event, which is shortly after the kernel made it. */

#include <stdbool.h>
#include <stdint.h>
#include "openvswitch/types.h"

struct flowlog_nfct;

/* An IPv4 5-tuple as a flow log record has it: ports in host byte order,
 * both 0 for ICMP. */
struct flowlog_nfct_tuple {
    ovs_be32 src, dst;
    uint16_t src_port, dst_port;
    uint8_t protocol;
};

int flowlog_nfct_open(int rcvbuf, struct flowlog_nfct **);
void flowlog_nfct_close(struct flowlog_nfct *);
int flowlog_nfct_fd(const struct flowlog_nfct *);
int flowlog_nfct_rcvbuf(const struct flowlog_nfct *);

/* The zones whose entries are kept.  Entries of zones no longer listed are
 * forgotten; a zone newly listed needs a dump. */
void flowlog_nfct_set_zones(struct flowlog_nfct *, const uint16_t *zones,
                            size_t n);

int flowlog_nfct_receive(struct flowlog_nfct *, long long int now);
int flowlog_nfct_dump(struct flowlog_nfct *, long long int now);
void flowlog_nfct_expire(struct flowlog_nfct *, long long int before);

/* What the copy says about a packet of 'tuple' (either direction of a
 * connection) in 'zone' at time 'when'. */
enum flowlog_nfct_answer {
    FLOWLOG_NFCT_CONFIRMED,     /* An entry existed then. */
    FLOWLOG_NFCT_BLOCKED,       /* ...carrying the blocked mark. */
    FLOWLOG_NFCT_DELETED,       /* Entries existed, all destroyed before. */
    FLOWLOG_NFCT_NONE,          /* No entry, ever (or only a later one). */
};

enum flowlog_nfct_answer flowlog_nfct_lookup(
    const struct flowlog_nfct *, uint16_t zone,
    const struct flowlog_nfct_tuple *, long long int when,
    long long int slack, bool has_mark, uint32_t mark, uint32_t mark_mask);

void flowlog_nfct_verify(struct flowlog_nfct *, uint16_t zone,
                         const struct flowlog_nfct_tuple *,
                         long long int now);

/* ICMP errors toward 'dst' from 'src': an entry in 'zone' that 'dst'
 * opened toward 'src' (the connection an error from that peer refers to),
 * or any that 'dst' opened, for an error from a router on the path. */
enum flowlog_nfct_answer flowlog_nfct_lookup_related(
    const struct flowlog_nfct *, uint16_t zone, ovs_be32 src, ovs_be32 dst,
    long long int when, long long int slack);

/* Per-zone and overall counters. */
struct flowlog_nfct_stats {
    uint64_t events;            /* Events of the kept zones. */
    uint64_t all_events;        /* Events of every zone. */
    uint64_t dumps;
    uint64_t overflows;         /* Times the event socket overflowed. */
    uint64_t gets;              /* Entries asked for one by one. */
    size_t entries;             /* Entries kept, destroyed ones too. */
};
void flowlog_nfct_stats(const struct flowlog_nfct *, struct flowlog_nfct_stats *);
uint64_t flowlog_nfct_zone_events(const struct flowlog_nfct *, uint16_t zone);

/* Whether net.netfilter.nf_conntrack_acct is on in the calling thread's
 * network namespace: 1, 0, or -1 if it cannot be read. */
int flowlog_nfct_acct(void);

#endif /* flowlog-nfct.h */
