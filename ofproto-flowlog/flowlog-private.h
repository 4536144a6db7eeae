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

#ifndef OFPROTO_FLOWLOG_PRIVATE_H
#define OFPROTO_FLOWLOG_PRIVATE_H 1

/* Internals shared by the flowlog hook's files:
 *
 *   flowlog.c        configuration from OVSDB, main loop, ovs-appctl.
 *   flowlog-xlate.c  what translation learns, per pass and across passes.
 *   flowlog-table.c  per-interval record tables, accounting, snapshots.
 *
 * Threads: configuration, rotation and snapshots run in the main thread;
 * translation and accounting run in handler and revalidator threads, which
 * read configuration through RCU and update records with atomics, taking a
 * per-interval mutex only to insert a new record key. */

#include "cmap.h"
#include "ofproto-flowlog/flowlog.h"
#include "lib/flowlog-config.h"
#include "lib/flowlog-record.h"
#include "openvswitch/hmap.h"
#include "openvswitch/list.h"
#include "openvswitch/thread.h"
#include "ovs-atomic.h"
#include "ovs-rcu.h"
#include "ovs-thread.h"
#include "packets.h"

struct ofproto;
struct flowlog_unixctl_wait;
struct ds;

/* Why a packet on a logging port was not logged. */
enum fl_exclusion {
    FL_EXCL_NONE,
    FL_EXCL_IPV6,
    FL_EXCL_NON_IPV4,
    FL_EXCL_NON_ETHERNET,
    FL_EXCL_PROTOCOL,
    FL_EXCL_MULTICAST,
    FL_EXCL_BROADCAST,
    FL_EXCL_METADATA,           /* 169.254.169.0/24. */
    FL_EXCL_MIRROR,             /* Copies made by port mirroring. */
    FL_N_EXCL
};
const char *fl_exclusion_name(enum fl_exclusion);

enum fl_verdict_mode { FL_MODE_PIPELINE, FL_MODE_NEUTRON };

/* Host-wide settings, replaced as a whole (RCU). */
struct fl_host {
    enum fl_verdict_mode mode;
    uint8_t table_accept_egress;
    uint8_t table_accept_ingress;
    uint8_t table_drop;
    unsigned int max_records;
    uint64_t queue_max_bytes;
    char *region;
    char *system_id;
    char *exporter;
};
struct fl_host *fl_host_get(void);

/* A logger's options as handler threads see them (RCU). */
struct fl_opts {
    struct flowlog_logger_opts o;
    bool key_icmp, key_rule, key_ct_zone;   /* Extended fields in key. */
};

struct fl_logger {
    char *name;
    struct ovs_refcount ref;
    OVSRCU_TYPE(struct fl_opts *) opts;

    /* Open intervals, newest last (RCU; replaced by the main thread). */
    OVSRCU_TYPE(struct fl_ivset *) ivset;

    /* Main thread only. */
    struct hmap_node node;      /* In 'fl_loggers'. */
    char *config;               /* Last string seen in OVSDB. */
    char *error;                /* CONFIG_ERROR reason, or NULL. */
    bool has_valid;             /* Some configuration was ever valid. */
    bool deleted;
    struct hmap bindings;       /* struct fl_binding, by port name. */
    struct ovs_list closing;    /* struct fl_interval waiting to close. */
    uint64_t n_snapshots, n_dropped;
    uint64_t total_packets, total_bytes, total_skipped;

    atomic_uint64_t excluded[FL_N_EXCL];
};

/* A logging port of a logger: identity as it was when attached. */
struct fl_binding {
    struct ovs_refcount ref;
    struct fl_logger *logger;   /* Holds a reference. */
    struct flowlog_identity id;
    const char *how;            /* "explicit", "vpc", "subnet". */

    /* Main thread only. */
    struct hmap_node node;      /* In logger->bindings, by port name. */
    bool attached;
    long long int detached_ms;  /* Wall time when detached. */
};

/* A port the datapath sees, with its bindings (RCU, immutable). */
struct fl_port {
    struct cmap_node node;      /* In 'fl_ports'. */
    struct cmap_node mac_node;  /* In 'fl_macs', if 'has_mac'. */
    struct hmap_node hnode;     /* While being built (main thread). */
    const struct ofproto *ofproto;
    ofp_port_t ofp_port;
    bool has_mac;
    struct eth_addr mac;        /* external_ids:attached-mac. */
    size_t n_bindings;
    struct fl_binding **bindings;
};
extern struct cmap fl_ports;
extern struct cmap fl_macs;
extern atomic_bool fl_enabled;

uint32_t fl_port_hash(const struct ofproto *, ofp_port_t);
const struct fl_port *fl_port_lookup(const struct ofproto *, ofp_port_t);
const struct fl_port *fl_port_lookup_mac(struct eth_addr);

/* The record key of one target of a datapath flow. */
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
    ovs_be64 rule_cookie;
};

/* Everything a datapath flow's statistics are credited to: the xlate cache
 * entry XC_FLOWLOG (refcounted, immutable). */
struct flowlog_flow {
    struct ovs_refcount ref;
    struct fl_key key;          /* Direction and verdict per target. */
    uint8_t flags;              /* tcp_flags class of this datapath flow. */
    uint8_t exclusion;          /* enum fl_exclusion. */
    bool ct_tracked, ct_new;
    uint16_t n_mirror_copies;
    size_t n_targets;
    struct fl_target {
        struct fl_binding *binding;   /* Holds a reference. */
        uint8_t direction;
        uint8_t verdict;
    } targets[];
};

void fl_flow_account(const struct flowlog_flow *, uint64_t n_packets,
                     uint64_t n_bytes, long long int used_msec);

/* Per-logger open interval. */
struct fl_interval {
    long long int start;        /* Wall ms, inclusive. */
    long long int end;          /* Wall ms, exclusive (main thread). */
    struct cmap records;        /* struct fl_record. */
    struct cmap ports;          /* struct fl_ivport. */
    struct ovs_mutex mutex;     /* Serializes insertions. */

    /* Main thread only. */
    struct ovs_list node;       /* In logger->closing. */
    uint64_t dump_started[4];   /* Dump counts when it started closing. */
    const void *dump_udpif[4];
    size_t n_dump;
    atomic_bool quiesced;       /* No thread can still update it. */
    bool unpublished;
    struct flowlog_unixctl_wait *flush;   /* Whom to answer, if flushed. */
};

struct fl_ivset {
    size_t n;
    struct fl_interval *iv[];
};

long long int fl_wall_msec(void);
long long int fl_mono_to_wall(long long int mono_msec);

struct fl_interval *fl_interval_create(long long int start,
                                       long long int end);
void fl_interval_destroy(struct fl_interval *);
void fl_interval_totals(const struct fl_interval *, uint64_t *packets,
                        uint64_t *bytes, uint64_t *skipped);
size_t fl_interval_records(const struct fl_interval *,
                           const struct fl_logger *, bool with_nodata,
                           struct flowlog_record **);

/* Snapshots: closed intervals waiting for the exporter. */
struct fl_snapshot {
    struct ovs_list node;
    uint64_t seq;
    char *logger;
    char *region;
    char *host;
    struct flowlog_logger_opts opts;
    long long int start, end;   /* Wall ms. */
    size_t n_records;
    struct flowlog_record *records;
    size_t n_bindings;
    struct fl_binding **bindings;   /* References for 'records[i].id'. */
    size_t bytes;
};

void fl_snapshot_free(struct fl_snapshot *);
void fl_snapshot_format_line(struct ds *, const struct fl_snapshot *);
void fl_snapshot_format_csv(struct ds *, const struct fl_snapshot *);

/* flowlog-channel.c: the queue of snapshots and the exporter connection. */
void fl_channel_set_target(const char *target, const char *system_id);
void fl_channel_run(void);
void fl_channel_wait(void);
void fl_channel_push(struct fl_snapshot *, uint64_t max_bytes);
void fl_channel_logger_config(const char *name, const char *options,
                              const char *region, const char *system_id);
void fl_channel_logger_deleted(const char *name);
const char *fl_channel_logger_state(const char *name, const char **reason);
void fl_channel_logger_counters(const char *name, uint64_t *sent,
                                uint64_t *acked, uint64_t *dropped);
bool fl_channel_queue_empty(void);
bool fl_channel_is_connected(void);
void fl_channel_show(struct ds *, uint64_t max_bytes);
bool fl_channel_queue_format(struct ds *, bool one, uint64_t seq);
const char *fl_channel_boot_uuid(void);

void fl_binding_unref(struct fl_binding *);
struct fl_binding *fl_binding_ref(struct fl_binding *);
void fl_logger_unref(struct fl_logger *);

/* Recirculation: facts of a pass carried to the pass that resumes it. */
void fl_rid_store(uint32_t recirc_id, const struct flowlog_xlate *);
bool fl_rid_load(uint32_t recirc_id, struct flowlog_xlate *);
void fl_rid_run(void);
size_t fl_rid_count(void);

#endif /* flowlog-private.h */
