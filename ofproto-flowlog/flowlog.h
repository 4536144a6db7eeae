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

#ifndef OFPROTO_FLOWLOG_H
#define OFPROTO_FLOWLOG_H 1

/* Flow Log for the VM interfaces of an OVS host (see ovs-flowlog(7)).
 *
 * The hook is host-wide and lives beside ofproto-dpif the way NetFlow does:
 * bridge.c feeds it configuration and runs it from the main loop, the
 * translation code reports what each pass did, the xlate cache carries its
 * per-datapath-flow entries, and the revalidators push statistics and tell
 * it when a dump of all datapath flows begins and ends. */

#include <stdbool.h>
#include <stdint.h>
#include "openvswitch/types.h"

struct dpif_flow_stats;
struct flow;
struct flow_wildcards;
struct flowlog_flow;
struct ofproto;
struct ovsrec_open_vswitch;
struct udpif;
struct xlate_cache;

/* Main thread. */
void flowlog_init(const char *remote);
void flowlog_reconfigure(const struct ovsrec_open_vswitch *);
void flowlog_run(void);
void flowlog_wait(void);
void flowlog_exit(void);

/* Revalidator leader: one call at the start and end of every dump. */
void flowlog_dump_begin(const struct udpif *);
void flowlog_dump_end(const struct udpif *);
void flowlog_dump_forget(const struct udpif *);

/* Translation: what one pass (one datapath flow) learns. */
#define FLOWLOG_MAX_OUTPUTS 8
#define FLOWLOG_MAX_VERDICTS 4

struct flowlog_xport {
    const struct ofproto *ofproto;
    ofp_port_t ofp_port;
};

struct flowlog_xlate {
    bool active;                /* Flow logging configured at begin. */
    bool frozen;                /* This pass recirculates. */
    uint8_t mirror_depth;       /* Inside mirror_packet(). */
    uint8_t n_outputs;          /* Entries in 'outputs'. */
    uint8_t n_verdicts;         /* Entries in 'verdicts'. */
    uint8_t rule_table;         /* Table of the last rule matched. */
    uint16_t n_real_outputs;    /* Outputs that are not mirror copies. */
    ovs_be64 rule_cookie;       /* Cookie of the last rule matched. */
    struct flowlog_xport in;    /* Input port of the packet. */
    struct flowlog_xport outputs[FLOWLOG_MAX_OUTPUTS];
    struct {                    /* Neutron verdict tables visited. */
        uint32_t ofport;        /* reg5. */
        uint8_t kind;
    } verdicts[FLOWLOG_MAX_VERDICTS];
    uint16_t n_mirror_copies;   /* Mirror outputs made in this pass. */
    bool frag_wire;             /* Freezes an IPv4 fragment after ct() on the
                                 * kernel datapath, which reassembles it. */
    bool frag_datagram;         /* Resumes such a freeze: sees the
                                 * reassembled datagram. */

    /* The packet as this pass received it (actions may rewrite 'flow'). */
    struct {
        ovs_be32 packet_type;
        ovs_be16 dl_type;
        struct eth_addr dl_dst;
        ovs_be32 nw_src, nw_dst;
        uint8_t nw_proto, nw_frag;
        ovs_be16 tp_src, tp_dst;
        ovs_be16 tcp_flags;
        uint8_t ct_state;
        uint16_t ct_zone;
    } pkt;
};

void flowlog_xlate_begin(struct flowlog_xlate *, const struct ofproto *,
                         const struct flow *);
void flowlog_xlate_table(struct flowlog_xlate *, uint8_t table_id,
                         ovs_be64 cookie, const struct flow *);
void flowlog_xlate_output(struct flowlog_xlate *, const struct ofproto *,
                          ofp_port_t);
void flowlog_xlate_mirror(struct flowlog_xlate *, bool entering);
uint8_t flowlog_xlate_freeze_tag(struct flowlog_xlate *, bool conntracked);
void flowlog_xlate_freeze(struct flowlog_xlate *, uint32_t recirc_id);
void flowlog_xlate_finish(struct flowlog_xlate *, struct flow_wildcards *,
                          const struct dpif_flow_stats *,
                          struct xlate_cache *);

/* Xlate cache entries (XC_FLOWLOG). */
void flowlog_flow_update(struct flowlog_flow *,
                         const struct dpif_flow_stats *);
void flowlog_flow_unref(struct flowlog_flow *);

/* Revalidator: a datapath flow's actions are about to be replaced in place;
 * credits 'stats', not yet pushed, to the flowlog entries of its old cache
 * (the packets were forwarded under the old actions' verdict), and keeps the
 * rebuilt cache's flowlog entry from counting them again. */
void flowlog_xcache_push(struct xlate_cache *, const struct dpif_flow_stats *);

#endif /* flowlog.h */
