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


#ifndef OFPROTO_FLOWLOG_TABLE_H
#define OFPROTO_FLOWLOG_TABLE_H 1

/* Per-interval record tables: the records of each logger's open intervals,
 * and the accounting of datapath flow statistics into them. */

#include "cmap.h"
#include "ofproto-flowlog/flowlog-ports.h"
#include "openvswitch/list.h"
#include "openvswitch/thread.h"
#include "ovs-atomic.h"

struct fl_close_waiter;
struct fl_frag_key;
struct fl_record;
struct fl_record_block;
struct flowlog_record;

/* The record key of one target of a datapath flow.  28 bytes: the cookie
 * in two 32-bit halves adds no 8-byte alignment padding. */
struct fl_key {
    ovs_be32 src_addr;
    ovs_be32 dst_addr;
    uint16_t src_port;
    uint16_t dst_port;
    uint8_t protocol;
    uint8_t direction;
    uint8_t verdict;
    uint8_t icmp_type;
    uint8_t icmp_code;
    uint8_t rule_table;
    uint16_t ct_zone;
    ovs_32aligned_be64 rule_cookie;
};

/* Everything a datapath flow's statistics are credited to: the xlate cache
 * entry XC_FLOWLOG (refcounted, immutable but for 'skip_*'). */
struct flowlog_flow {
    struct ovs_refcount ref;
    atomic_uint64_t skip_packets;   /* Left out of the first push: see */
    atomic_uint64_t skip_bytes;     /* flowlog_xcache_push(). */
    atomic_uint32_t attrs;          /* Id of the extended attributes of
                                     * 'key' (flowlog-table.c), 0 until
                                     * first needed. */
    struct fl_key key;          /* Direction and verdict per target. */
    uint8_t flags;              /* tcp_flags class of this datapath flow. */
    uint8_t exclusion;          /* enum fl_exclusion. */
    bool ct_tracked, ct_new;
    uint16_t n_mirror_copies;
    uint8_t frag;               /* enum fl_frag_role (flowlog-frag.h)... */
    struct fl_frag_key *frag_key;   /* ...and its key, unless FL_FRAG_NONE. */
    size_t n_targets;
    struct fl_target {
        struct fl_binding *binding;   /* Holds a reference. */
        uint8_t direction;
        uint8_t verdict;
        int32_t ct_zone;              /* The port's conntrack zone, or -1. */
        atomic_uint64_t key_hash;     /* Its record key's hash, tagged
                                       * (flowlog-table.c), or 0. */
    } targets[];
};

void fl_flow_account(const struct flowlog_flow *, uint64_t n_packets,
                     uint64_t n_bytes, long long int used_msec);

/* Statistics waiting for the conntrack merge (flowlog-ct.c) to decide
 * their verdict: those of packets that a port with a conntrack zone sent
 * (egress) or was sent (ingress) with verdict ACCEPT.  A FIFO. */
struct fl_pending {
    struct ovs_list node;
    struct fl_binding *binding;     /* Holds a reference. */
    struct fl_key key;              /* The record key, verdict ACCEPT. */
    struct fl_key flow_key;         /* The datapath flow's. */
    uint32_t attrs;                 /* Id of its extended attributes. */
    uint8_t flags;
    bool first_only;
    int32_t ct_zone;
    uint64_t packets, bytes;
    long long int wall;             /* Of the last packet, wall ms... */
    long long int mono;             /* ...and time_msec(). */
};

/* At most this many wait; past it, statistics are counted at once with
 * their pipeline verdict and as unverified. */
#define FL_PENDING_MAX 262144

struct fl_pending *fl_pending_pop(long long int due);
void fl_pending_account(struct fl_pending *, uint8_t verdict);
uint64_t fl_pending_pushed(void);
uint64_t fl_pending_done(void);
size_t fl_pending_count(void);
extern struct seq *fl_pending_seq;

/* At most one udpif per datapath type, and OVS registers at most three
 * types: "system", "netdev" and, in tests, "dummy" (lib/dpif.c,
 * dpif_dummy_register()). */
#define FL_MAX_UDPIFS 3

/* Per-logger open interval. */
struct fl_interval {
    long long int start;        /* Wall ms, inclusive. */
    long long int end;          /* Wall ms, exclusive (main thread). */
    struct cmap records;        /* struct fl_record. */
    struct cmap ports;          /* struct fl_ivport. */
    struct ovs_mutex mutex;     /* Serializes insertions. */
    struct fl_record_block *blocks; /* Memory of 'records' (mutex). */

    /* Main thread only (flowlog-rotation). */
    struct ovs_list node;       /* In logger->closing. */
    uint64_t dump_started[FL_MAX_UDPIFS];  /* Dumps when it began closing. */
    const void *dump_udpif[FL_MAX_UDPIFS];
    size_t n_dump;
    atomic_bool quiesced;       /* No thread can still update it. */
    bool unpublished;
    struct fl_close_waiter *waiter;   /* Whom to tell when closed, if any. */
    bool ct_armed;              /* Waiting for the conntrack merge: */
    uint64_t ct_target;         /* ...until fl_pending_done() reaches this, */
    long long int ct_deadline;  /* ...or until this time_msec(). */
    size_t n_released;          /* Records no longer counted against
                                 * flowlog-max-records. */
};

/* A logger's open intervals, oldest first (RCU, immutable). */
struct fl_ivset {
    size_t n;
    struct fl_interval *iv[];
};

struct fl_interval *fl_interval_create(long long int start,
                                       long long int end);
void fl_interval_destroy(struct fl_interval *);
void fl_interval_totals(const struct fl_interval *, uint64_t *packets,
                        uint64_t *bytes, uint64_t *skipped);
/* A record of a frozen interval: one of its records or, for SKIPDATA and
 * NODATA records, one made when it was frozen. */
struct fl_frozen_ref {
    const struct fl_record *r;          /* NULL for one of 'x'. */
    const struct flowlog_record *x;
};

size_t fl_interval_freeze(const struct fl_interval *,
                          const struct fl_logger *, bool with_nodata,
                          struct fl_frozen_ref **,
                          struct flowlog_record **extra);
void fl_frozen_get(const struct fl_interval *, const struct fl_frozen_ref *,
                   struct flowlog_record *);
void fl_interval_release(struct fl_interval *);
size_t fl_interval_records(const struct fl_interval *,
                           const struct fl_logger *, bool with_nodata,
                           struct flowlog_record **);

/* Records on this host, all loggers and open intervals together, and the
 * size of one. */
uint64_t fl_records_total(void);
size_t fl_record_size(void);
size_t fl_record_memory(void);

#endif /* flowlog-table.h */
