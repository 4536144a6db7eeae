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


#ifndef OFPROTO_FLOWLOG_PORTS_H
#define OFPROTO_FLOWLOG_PORTS_H 1

/* The hook's registry: host-wide settings, loggers, their bindings to
 * logging ports, the ports the datapath sees, and the hook's clock.
 *
 * Layout of the hook, one way from bottom to top (each file includes only
 * the headers below it):
 *
 *   flowlog-ports     registry and clock (this file).
 *   flowlog-table     per-interval record tables, accounting.
 *   flowlog-xlate     what translation learns, per pass and across passes.
 *   flowlog-snapshot  closed intervals as snapshots, and their formats.
 *   flowlog-channel   the snapshot queue and the exporter connection.
 *   flowlog-rotation  interval rotation, revalidator dumps, closing.
 *   flowlog-ovsdb     configuration from OVSDB.
 *   flowlog-unixctl   ovs-appctl commands.
 *   flowlog.c         the module's face (flowlog.h): reconfigure, run,
 *                     wait, exit.
 *
 * Threads: configuration, rotation and snapshots run in the main thread;
 * translation and accounting run in handler and revalidator threads, which
 * read configuration through RCU and update records with atomics, taking a
 * per-interval mutex only to insert a new record key. */

#include "cmap.h"
#include "lib/flowlog-config.h"
#include "lib/flowlog-record.h"
#include "openvswitch/hmap.h"
#include "openvswitch/list.h"
#include "ovs-atomic.h"
#include "ovs-rcu.h"
#include "ovs-thread.h"
#include "packets.h"

struct ds;
struct json;
struct fl_ivset;
struct ofproto;

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

/* What the conntrack merge (flowlog-ct.c) decided, counted per binding. */
enum fl_ct_count {
    FL_CT_CONFIRMED,            /* The kernel confirmed it: ACCEPT. */
    FL_CT_DROPPED,              /* Never confirmed, deleted or blocked. */
    FL_CT_UNVERIFIED,           /* Not known (events lost): ACCEPT. */
    FL_CT_UNTRACKED,            /* The port's traffic is untracked. */
    FL_CT_N_COUNTS
};

/* Host-wide settings, replaced as a whole (RCU). */
struct fl_host {
    enum fl_verdict_mode mode;
    uint8_t table_accept_egress;
    uint8_t table_accept_ingress;
    uint8_t table_drop;
    unsigned int max_records;
    uint64_t queue_max_bytes;
    int ct_event_buffer;        /* flowlog-ct-event-buffer, bytes. */
    char *region;
    char *system_id;
    char *exporter;
};
struct fl_host *fl_host_get(void);
void fl_host_set(struct fl_host *);

/* A logger's options as handler threads see them (RCU). */
struct fl_opts {
    struct flowlog_logger_opts o;
    bool key_icmp, key_rule, key_ct_zone;   /* Extended fields in key. */
};
struct fl_opts *fl_opts_create(const struct flowlog_logger_opts *);
void fl_opts_free(struct fl_opts *);

struct fl_logger {
    char *name;
    struct ovs_refcount ref;
    OVSRCU_TYPE(struct fl_opts *) opts;

    /* Open intervals, newest last (RCU; replaced by flowlog-rotation). */
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

/* Every logger, by name (main thread only). */
extern struct hmap fl_loggers;

struct fl_logger *fl_logger_create(const char *name);
struct fl_logger *fl_logger_find(const char *name);
struct fl_logger **fl_loggers_sorted(size_t *n);
const struct fl_opts *fl_logger_opts(const struct fl_logger *);
void fl_logger_unref(struct fl_logger *);

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
    uint32_t sort_port;         /* Ranks in file order of its port name and */
    uint32_t sort_id;           /* then its identity, set when an interval
                                 * is frozen (flowlog-table.c). */
    int32_t ct_zone;            /* other_config:flowlog-ct-zone, or -1. */

    /* The conntrack merge's verdicts on this binding's packets (see
     * flowlog-ct.c), in deltas of datapath statistics. */
    atomic_uint64_t ct_counts[FL_CT_N_COUNTS];
};

struct fl_binding *fl_binding_ref(struct fl_binding *);
void fl_binding_unref(struct fl_binding *);

/* A port the datapath sees, with its bindings (RCU, immutable). */
struct fl_port {
    struct cmap_node node;      /* In 'fl_ports'. */
    struct cmap_node mac_node;  /* In 'fl_macs', if 'has_mac'. */
    struct hmap_node hnode;     /* While being built (main thread). */
    const struct ofproto *ofproto;
    ofp_port_t ofp_port;
    bool has_mac;
    struct eth_addr mac;        /* external_ids:attached-mac. */
    int32_t ct_zone;            /* other_config:flowlog-ct-zone, or -1. */
    size_t n_bindings;
    struct fl_binding **bindings;
};
extern struct cmap fl_ports;
extern struct cmap fl_macs;
extern atomic_bool fl_enabled;

uint32_t fl_port_hash(const struct ofproto *, ofp_port_t);
const struct fl_port *fl_port_lookup(const struct ofproto *, ofp_port_t);
const struct fl_port *fl_port_lookup_mac(struct eth_addr);
bool fl_ports_publish(struct hmap *new_ports);

/* The hook's clock. */
void fl_clock_init(void);
long long int fl_wall_msec(void);
long long int fl_mono_to_wall(long long int mono_msec);
long long int fl_wall_to_mono(long long int wall_msec);
void fl_format_time(struct ds *, long long int wall_msec);
struct json *fl_time_to_json(long long int wall_msec);

#endif /* flowlog-ports.h */
