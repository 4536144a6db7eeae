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

/* What translation learns about a packet, pass by pass.
 *
 * A datapath flow is one pass of the OpenFlow pipeline.  With a ct() firewall
 * a packet takes several passes chained by recirculation; only the last one
 * (the terminal pass, which outputs or drops) knows the verdict, so only it
 * gets a flowlog entry and a per-5-tuple megaflow.  Facts an earlier pass
 * learned (Neutron verdict tables visited, outputs) are kept here keyed by the
 * recirculation id it allocated, because the frozen state carries only
 * registers, metadata and in_port. */

#include <config.h>
#include "ofproto-flowlog/flowlog-xlate.h"

#include "dpif.h"
#include "flow.h"
#include "hash.h"
#include "ofproto-flowlog/flowlog.h"
#include "ofproto-flowlog/flowlog-frag.h"
#include "ofproto-flowlog/flowlog-ports.h"
#include "ofproto-flowlog/flowlog-table.h"
#include "ofproto/ofproto-dpif-rid.h"
#include "ofproto/ofproto-dpif-xlate-cache.h"
#include "ofproto/ofproto-provider.h"
#include "ovs-thread.h"
#include "openvswitch/vlog.h"
#include "timeval.h"
#include "unaligned.h"

VLOG_DEFINE_THIS_MODULE(flowlog_xlate);

enum fl_verdict_kind {
    FL_VK_ACCEPT_EGRESS,
    FL_VK_ACCEPT_INGRESS,
    FL_VK_DROP,
};

/* Called after thawing, before the first table lookup of a pass. */
void
flowlog_xlate_begin(struct flowlog_xlate *x, const struct ofproto *ofproto,
                    const struct flow *flow)
{
    bool enabled;

    atomic_read_relaxed(&fl_enabled, &enabled);
    x->active = enabled;
    if (!enabled) {
        return;
    }

    x->in.ofproto = ofproto;
    x->in.ofp_port = flow->in_port.ofp_port;
    x->rule_cookie = OVS_BE64_MAX;
    x->pkt.packet_type = flow->packet_type;
    x->pkt.dl_type = flow->dl_type;
    x->pkt.dl_dst = flow->dl_dst;
    x->pkt.nw_src = flow->nw_src;
    x->pkt.nw_dst = flow->nw_dst;
    x->pkt.nw_proto = flow->nw_proto;
    x->pkt.nw_frag = flow->nw_frag;
    x->pkt.tp_src = flow->tp_src;
    x->pkt.tp_dst = flow->tp_dst;
    x->pkt.tcp_flags = flow->tcp_flags;
    x->pkt.ct_state = flow->ct_state;
    x->pkt.ct_zone = flow->ct_zone;
    x->frag_wire = x->frag_datagram = false;

    if (flow->recirc_id) {
        fl_rid_load(flow->recirc_id, x);
    }
}

/* Called after each table lookup: remembers the deciding rule and, in
 * "neutron" mode, visits to the verdict tables with reg5 = the port. */
void
flowlog_xlate_table(struct flowlog_xlate *x, uint8_t table_id,
                    ovs_be64 cookie, const struct flow *flow)
{
    if (!x->active) {
        return;
    }
    x->rule_table = table_id;
    x->rule_cookie = cookie;

    struct fl_host *host = fl_host_get();
    if (!host || host->mode != FL_MODE_NEUTRON) {
        return;
    }

    int kind = (table_id == host->table_accept_egress ? FL_VK_ACCEPT_EGRESS
                : table_id == host->table_accept_ingress ? FL_VK_ACCEPT_INGRESS
                : table_id == host->table_drop ? FL_VK_DROP
                : -1);
    if (kind < 0) {
        return;
    }
    uint32_t ofport = flow->regs[5];
    for (size_t i = 0; i < x->n_verdicts; i++) {
        if (x->verdicts[i].ofport == ofport) {
            /* A later verdict table for the same port wins, except that an
             * accept never overrides a drop. */
            if (x->verdicts[i].kind != FL_VK_DROP) {
                x->verdicts[i].kind = kind;
            }
            return;
        }
    }
    if (x->n_verdicts < FLOWLOG_MAX_VERDICTS) {
        x->verdicts[x->n_verdicts].ofport = ofport;
        x->verdicts[x->n_verdicts].kind = kind;
        x->n_verdicts++;
    }
}

/* Called for every datapath output.  Mirror copies are not outputs. */
void
flowlog_xlate_output(struct flowlog_xlate *x, const struct ofproto *ofproto,
                     ofp_port_t ofp_port)
{
    if (!x->active) {
        return;
    }
    if (x->mirror_depth) {
        x->n_mirror_copies++;
        return;
    }
    x->n_real_outputs++;
    if (!fl_port_lookup(ofproto, ofp_port)) {
        return;
    }
    for (size_t i = 0; i < x->n_outputs; i++) {
        if (x->outputs[i].ofproto == ofproto
            && x->outputs[i].ofp_port == ofp_port) {
            return;
        }
    }
    if (x->n_outputs < FLOWLOG_MAX_OUTPUTS) {
        x->outputs[x->n_outputs].ofproto = ofproto;
        x->outputs[x->n_outputs].ofp_port = ofp_port;
        x->n_outputs++;
    } else {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);
        VLOG_WARN_RL(&rl, "packet output to more than %d logging ports; "
                     "ingress records of the others are not kept",
                     FLOWLOG_MAX_OUTPUTS);
    }
}

void
flowlog_xlate_mirror(struct flowlog_xlate *x, bool entering)
{
    if (entering) {
        x->mirror_depth++;
    } else if (x->mirror_depth) {
        x->mirror_depth--;
    }
}

/* Called as a pass freezes, before its recirculation id is chosen: the
 * tag returned goes into the frozen state.  On the kernel datapath, ct()
 * reassembles IPv4 fragments, and the passes after it see one packet per
 * datagram, with the same flow key as an unfragmented packet.  A nonzero
 * tag gives the recirculations of such datagrams ids of their own, so that
 * the passes after them are datapath flows of reassembled datagrams only
 * (flowlog-frag.h).  'conntracked': ct() ran in this pass. */
uint8_t
flowlog_xlate_freeze_tag(struct flowlog_xlate *x, bool conntracked)
{
    if (!x->active) {
        return 0;
    }
    if (!x->frag_datagram && conntracked
        && x->pkt.packet_type == htonl(PT_ETH)
        && x->pkt.dl_type == htons(ETH_TYPE_IP)
        && x->pkt.nw_frag & FLOW_NW_FRAG_ANY
        && x->in.ofproto && !strcmp(x->in.ofproto->type, "system")) {
        x->frag_wire = true;
    }
    return x->frag_wire || x->frag_datagram;
}

/* Called when a pass freezes (ct(table=N), recirculate, ...) under
 * 'recirc_id': its facts must reach the pass that resumes it. */
void
flowlog_xlate_freeze(struct flowlog_xlate *x, uint32_t recirc_id)
{
    if (!x->active) {
        return;
    }
    x->frozen = true;
    if (x->n_verdicts || x->n_outputs || x->n_real_outputs
        || x->frag_wire || x->frag_datagram) {
        fl_rid_store(recirc_id, x);
    }
}

static enum fl_exclusion
classify(const struct flowlog_xlate *x)
{
    if (x->pkt.packet_type != htonl(PT_ETH)) {
        return FL_EXCL_NON_ETHERNET;
    }
    if (x->pkt.dl_type == htons(ETH_TYPE_IPV6)) {
        return FL_EXCL_IPV6;
    }
    if (x->pkt.dl_type != htons(ETH_TYPE_IP)) {
        return FL_EXCL_NON_IPV4;
    }
    if (x->pkt.nw_proto != IPPROTO_ICMP && x->pkt.nw_proto != IPPROTO_TCP
        && x->pkt.nw_proto != IPPROTO_UDP) {
        return FL_EXCL_PROTOCOL;
    }
    if (ip_is_multicast(x->pkt.nw_dst)) {
        return FL_EXCL_MULTICAST;
    }
    if (x->pkt.nw_dst == htonl(0xffffffff)) {
        return FL_EXCL_BROADCAST;
    }
    ovs_be32 meta = htonl(0xa9fea900), mask = htonl(0xffffff00);
    if ((x->pkt.nw_src & mask) == meta || (x->pkt.nw_dst & mask) == meta) {
        return FL_EXCL_METADATA;
    }
    return FL_EXCL_NONE;
}

/* Un-wildcards exactly the fields the record key and the exclusion decision
 * depend on, so that every packet of the resulting megaflow gets the same
 * record and the same tcp_flags class. */
static void
mask_wc(const struct flowlog_xlate *x, struct flow_wildcards *wc,
        bool ct_bits)
{
    WC_MASK_FIELD(wc, packet_type);
    WC_MASK_FIELD(wc, dl_type);
    if (x->pkt.packet_type != htonl(PT_ETH)
        || x->pkt.dl_type != htons(ETH_TYPE_IP)) {
        return;
    }
    WC_MASK_FIELD(wc, nw_src);
    WC_MASK_FIELD(wc, nw_dst);
    WC_MASK_FIELD(wc, nw_proto);
    wc->masks.nw_frag |= FLOW_NW_FRAG_MASK;
    if (x->pkt.nw_frag & FLOW_NW_FRAG_LATER) {
        return;
    }
    if (x->pkt.nw_proto == IPPROTO_TCP || x->pkt.nw_proto == IPPROTO_UDP
        || x->pkt.nw_proto == IPPROTO_ICMP) {
        WC_MASK_FIELD(wc, tp_src);
        WC_MASK_FIELD(wc, tp_dst);
    }
    if (x->pkt.nw_proto == IPPROTO_TCP) {
        /* One tcp_flags class per megaflow: SYN, FIN and RST always; ACK
         * only where SYN is set (SYN-ACK is the only ACK we report). */
        ovs_be16 bits = htons(TCP_SYN | TCP_FIN | TCP_RST);
        if (x->pkt.tcp_flags & htons(TCP_SYN)) {
            bits |= htons(TCP_ACK);
        }
        wc->masks.tcp_flags |= bits;
    }
    if (ct_bits) {
        wc->masks.ct_state |= CS_TRACKED | CS_NEW;
    }
}

static uint8_t
flags_class(const struct flowlog_xlate *x)
{
    if (x->pkt.nw_proto != IPPROTO_TCP
        || (x->pkt.nw_frag & FLOW_NW_FRAG_LATER)) {
        return 0;
    }
    uint16_t f = ntohs(x->pkt.tcp_flags);
    uint8_t class = f & (TCP_FIN | TCP_SYN | TCP_RST);
    if (f & TCP_SYN) {
        class |= f & TCP_ACK;
    }
    return class;
}

static int
find_verdict(const struct flowlog_xlate *x, ofp_port_t ofp_port)
{
    for (size_t i = 0; i < x->n_verdicts; i++) {
        if (x->verdicts[i].ofport == ofp_to_u16(ofp_port)) {
            return x->verdicts[i].kind;
        }
    }
    return -1;
}

static void
add_targets(struct flowlog_flow **fp, size_t *allocated,
            const struct fl_port *port, uint8_t direction, uint8_t verdict)
{
    struct flowlog_flow *f = *fp;

    for (size_t i = 0; i < port->n_bindings; i++) {
        if (f->n_targets >= *allocated) {
            *allocated = *allocated * 2 + 2;
            f = xrealloc(f, sizeof *f + *allocated * sizeof f->targets[0]);
            *fp = f;
        }
        struct fl_target *t = &f->targets[f->n_targets++];
        t->binding = fl_binding_ref(port->bindings[i]);
        t->direction = direction;
        t->verdict = verdict;
        t->ct_zone = port->ct_zone;
        atomic_init(&t->key_hash, 0);   /* (Growth leaves it unset.) */
    }
}

/* Builds the targets of a terminal pass: which logging ports see this packet,
 * in which direction, with which verdict (ovs-flowlog(7), "direction and
 * verdict"). */
static struct flowlog_flow *
build_flow(const struct flowlog_xlate *x, const struct fl_host *host,
           struct flow_wildcards *wc)
{
    const struct fl_port *in = fl_port_lookup(x->in.ofproto, x->in.ofp_port);
    bool neutron = host && host->mode == FL_MODE_NEUTRON;
    size_t allocated = 2;
    struct flowlog_flow *f = xzalloc(sizeof *f
                                     + allocated * sizeof f->targets[0]);

    ovs_refcount_init(&f->ref);

    if (in) {
        bool hairpin = false;
        for (size_t i = 0; i < x->n_outputs; i++) {
            if (x->outputs[i].ofproto == x->in.ofproto
                && x->outputs[i].ofp_port == x->in.ofp_port) {
                hairpin = true;
            }
        }
        uint8_t verdict = x->n_real_outputs ? FL_VERDICT_ACCEPT
                                            : FL_VERDICT_DROP;
        if (neutron) {
            int kind = find_verdict(x, x->in.ofp_port);
            if (kind == FL_VK_DROP) {
                verdict = FL_VERDICT_DROP;
            } else if (kind == FL_VK_ACCEPT_EGRESS) {
                verdict = FL_VERDICT_ACCEPT;
            }
        }
        add_targets(&f, &allocated, in,
                    hairpin ? FL_DIR_UNKNOWN : FL_DIR_EGRESS, verdict);
    }

    for (size_t i = 0; i < x->n_outputs; i++) {
        const struct flowlog_xport *o = &x->outputs[i];
        if (o->ofproto == x->in.ofproto && o->ofp_port == x->in.ofp_port) {
            continue;
        }
        const struct fl_port *out = fl_port_lookup(o->ofproto, o->ofp_port);
        if (out) {
            uint8_t verdict = FL_VERDICT_ACCEPT;
            if (neutron && find_verdict(x, o->ofp_port) == FL_VK_DROP) {
                verdict = FL_VERDICT_DROP;
            }
            add_targets(&f, &allocated, out, FL_DIR_INGRESS, verdict);
        }
    }

    if (neutron) {
        /* The receiver's ingress rules dropped it: a drop-table visit for a
         * logging port that is neither the sender nor an output. */
        for (size_t i = 0; i < x->n_verdicts; i++) {
            if (x->verdicts[i].kind != FL_VK_DROP
                || x->verdicts[i].ofport == ofp_to_u16(x->in.ofp_port)) {
                continue;
            }
            ofp_port_t ofp = u16_to_ofp(x->verdicts[i].ofport);
            bool output = false;
            for (size_t j = 0; j < x->n_outputs; j++) {
                output |= (x->outputs[j].ofproto == x->in.ofproto
                           && x->outputs[j].ofp_port == ofp);
            }
            const struct fl_port *p = fl_port_lookup(x->in.ofproto, ofp);
            if (p && !output) {
                add_targets(&f, &allocated, p, FL_DIR_INGRESS,
                            FL_VERDICT_DROP);
            }
        }
    } else if (!in && !x->n_real_outputs && !x->n_outputs) {
        /* Dropped on its way in from a tunnel, patch or physical port:
         * charge it to the logging port that owns the destination MAC. */
        WC_MASK_FIELD(wc, dl_dst);
        const struct fl_port *p = fl_port_lookup_mac(x->pkt.dl_dst);
        if (p) {
            add_targets(&f, &allocated, p, FL_DIR_INGRESS, FL_VERDICT_DROP);
        }
    }

    if (!f->n_targets) {
        free(f);
        return NULL;
    }
    return f;
}

/* When revalidation replaces a datapath flow's actions in place, it rebuilds
 * the flow's xlate cache and then pushes the statistics not yet pushed to
 * the new cache, as OVS always does for its own entries (rules, learning,
 * NetFlow...).  For the flow log those packets belong to the old actions
 * and their verdict, so flowlog_xcache_push() credits them to the old
 * cache's flowlog entries first, and the rebuilt cache's flowlog entry,
 * made by the translation in between, leaves them out of its first push.
 * This carries them from that push to that translation, in the
 * revalidator's own thread, for the cache being rebuilt only. */
struct fl_credited {
    const struct xlate_cache *xcache;
    uint64_t n_packets;
    uint64_t n_bytes;
};
DEFINE_STATIC_PER_THREAD_DATA(struct fl_credited, fl_credited,
                              { NULL, 0, 0 });

void
flowlog_xcache_push(struct xlate_cache *xcache,
                    const struct dpif_flow_stats *stats)
{
    struct fl_credited *c = fl_credited_get();
    struct ofpbuf entries = xcache->entries;
    struct xc_entry *entry;
    bool credited = false;

    XC_ENTRY_FOR_EACH (entry, &entries) {
        if (entry->type == XC_FLOWLOG) {
            flowlog_flow_update(entry->flowlog, stats);
            credited = true;
        }
    }
    c->xcache = credited && stats->n_packets ? xcache : NULL;
    c->n_packets = stats->n_packets;
    c->n_bytes = stats->n_bytes;
}

/* The fragment ledger's key of the packet of pass 'x': a fragment (its
 * ports, unless it is a later fragment) or a reassembled datagram. */
static struct fl_frag_key *
frag_key_new(const struct flowlog_xlate *x)
{
    struct fl_frag_key *k = xzalloc(sizeof *k);

    k->ofproto = x->in.ofproto;
    k->in_port = x->in.ofp_port;
    k->src = x->pkt.nw_src;
    k->dst = x->pkt.nw_dst;
    k->proto = x->pkt.nw_proto;
    if (x->pkt.nw_frag & FLOW_NW_FRAG_LATER) {
        k->later = true;
    } else {
        k->tp_src = x->pkt.tp_src;
        k->tp_dst = x->pkt.tp_dst;
    }
    return k;
}

/* Adds 'f' to 'xcache' (taking over the reference), whose statistics it
 * credits from the next push on, less the 'skip_packets' and 'skip_bytes'
 * already credited at translation. */
static void
cache_flow(struct xlate_cache *xcache, struct flowlog_flow *f,
           uint64_t skip_packets, uint64_t skip_bytes)
{
    atomic_store_relaxed(&f->skip_packets, skip_packets);
    atomic_store_relaxed(&f->skip_bytes, skip_bytes);

    struct xc_entry *entry = xlate_cache_add_entry(xcache, XC_FLOWLOG);
    entry->flowlog = f;
}

/* The end of a pass that freezes an IPv4 fragment after ct() on the kernel
 * datapath: the last pass that sees it as on the wire.  Its datapath flow
 * holds one fragment key (flowlog-frag.h) and credits the fragment ledger. */
static void
frag_wire_finish(const struct flowlog_xlate *x, struct flow_wildcards *wc,
                 const struct dpif_flow_stats *resubmit_stats,
                 struct xlate_cache *xcache,
                 uint64_t skip_packets, uint64_t skip_bytes)
{
    struct fl_frag_key *k = frag_key_new(x);

    mask_wc(x, wc, false);
    if (resubmit_stats && resubmit_stats->n_packets) {
        fl_frag_credit(k, resubmit_stats->n_packets, resubmit_stats->n_bytes,
                       resubmit_stats->used);
    }
    if (xcache) {
        struct flowlog_flow *f = xzalloc(sizeof *f);

        ovs_refcount_init(&f->ref);
        f->frag = FL_FRAG_WIRE;
        f->frag_key = k;
        cache_flow(xcache, f, skip_packets, skip_bytes);
    } else {
        free(k);
    }
}

/* Called at the end of a pass.  A terminal pass that touches a logging port
 * gets a flowlog entry: credited now with the upcall packet
 * ('resubmit_stats'), later through the xlate cache with datapath stats. */
void
flowlog_xlate_finish(struct flowlog_xlate *x, struct flow_wildcards *wc,
                     const struct dpif_flow_stats *resubmit_stats,
                     struct xlate_cache *xcache)
{
    struct fl_credited *c = fl_credited_get();
    uint64_t skip_packets = 0, skip_bytes = 0;

    if (OVS_UNLIKELY(c->xcache)) {
        if (c->xcache == xcache) {
            skip_packets = c->n_packets;
            skip_bytes = c->n_bytes;
        }
        c->xcache = NULL;
    }

    if (!x->active) {
        return;
    }
    if (x->frozen) {
        if (x->frag_wire) {
            frag_wire_finish(x, wc, resubmit_stats, xcache, skip_packets,
                             skip_bytes);
        }
        return;
    }

    struct fl_host *host = fl_host_get();
    struct flowlog_flow *f = build_flow(x, host, wc);
    if (!f) {
        if (!x->frag_datagram) {
            return;
        }
        /* Nothing to log, but the fragments must know it. */
        f = xzalloc(sizeof *f);
        ovs_refcount_init(&f->ref);
    }

    bool ct_bits = false;
    for (size_t i = 0; i < f->n_targets; i++) {
        struct fl_opts *o = ovsrcu_get(struct fl_opts *,
                                       &f->targets[i].binding->logger->opts);
        if (o && o->o.setup_only) {
            ct_bits = true;
        }
    }
    mask_wc(x, wc, ct_bits);

    f->exclusion = classify(x);
    f->flags = flags_class(x);
    f->ct_tracked = (x->pkt.ct_state & CS_TRACKED) != 0;
    f->ct_new = (x->pkt.ct_state & CS_NEW) != 0;
    f->n_mirror_copies = x->n_mirror_copies;

    struct fl_key *k = &f->key;
    k->protocol = x->pkt.nw_proto;
    k->src_addr = x->pkt.nw_src;
    k->dst_addr = x->pkt.nw_dst;
    if (!(x->pkt.nw_frag & FLOW_NW_FRAG_LATER)) {
        if (k->protocol == IPPROTO_ICMP) {
            k->icmp_type = ntohs(x->pkt.tp_src);
            k->icmp_code = ntohs(x->pkt.tp_dst);
        } else {
            k->src_port = ntohs(x->pkt.tp_src);
            k->dst_port = ntohs(x->pkt.tp_dst);
        }
    }
    k->ct_zone = x->pkt.ct_zone;
    k->rule_table = x->rule_table;
    put_32aligned_be64(&k->rule_cookie, x->rule_cookie);

    if (OVS_UNLIKELY(VLOG_IS_DBG_ENABLED())) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(100, 100);
        struct ds d = DS_EMPTY_INITIALIZER;

        ds_put_format(&d, "proto %u "IP_FMT":%u -> "IP_FMT":%u flags %#x%s:",
                      k->protocol, IP_ARGS(k->src_addr), k->src_port,
                      IP_ARGS(k->dst_addr), k->dst_port, f->flags,
                      f->exclusion != FL_EXCL_NONE ? " excluded" : "");
        for (size_t i = 0; i < f->n_targets; i++) {
            const struct fl_target *t = &f->targets[i];
            ds_put_format(&d, " %s/%s %s %s", t->binding->logger->name,
                          t->binding->id.port_name,
                          flowlog_direction_name(t->direction),
                          flowlog_verdict_name(t->verdict));
        }
        if (f->exclusion != FL_EXCL_NONE) {
            ds_put_format(&d, " (%s)", fl_exclusion_name(f->exclusion));
        }
        VLOG_DBG_RL(&rl, "%s", ds_cstr(&d));
        ds_destroy(&d);
    }

    if (x->frag_datagram) {
        /* The fragments of these datagrams are credited as they were on
         * the wire, by the pass with ct() (frag_wire_finish()); the
         * reassembled datagrams themselves are not. */
        f->frag = FL_FRAG_DATAGRAM;
        f->frag_key = frag_key_new(x);
        fl_frag_register(f->frag_key, f);
    } else if (resubmit_stats && resubmit_stats->n_packets) {
        fl_flow_account(f, resubmit_stats->n_packets,
                        resubmit_stats->n_bytes, resubmit_stats->used);
    }
    if (xcache) {
        cache_flow(xcache, f, skip_packets, skip_bytes);
    } else {
        flowlog_flow_unref(f);
    }
}

void
flowlog_flow_update(struct flowlog_flow *f,
                    const struct dpif_flow_stats *stats)
{
    if (!f || !stats->n_packets) {
        return;
    }

    uint64_t n_packets = stats->n_packets;
    uint64_t n_bytes = stats->n_bytes;
    uint64_t skip;

    /* Pushes to one datapath flow's cache are serialized by its ukey's
     * mutex, so a plain read and store suffice. */
    atomic_read_relaxed(&f->skip_packets, &skip);
    if (OVS_UNLIKELY(skip)) {
        uint64_t skip_bytes;

        atomic_read_relaxed(&f->skip_bytes, &skip_bytes);
        atomic_store_relaxed(&f->skip_packets, 0);
        atomic_store_relaxed(&f->skip_bytes, 0);
        n_packets -= MIN(skip, n_packets);
        n_bytes -= MIN(skip_bytes, n_bytes);
        if (!n_packets) {
            return;
        }
    }
    if (OVS_UNLIKELY(f->frag != FL_FRAG_NONE)) {
        if (f->frag == FL_FRAG_WIRE) {
            fl_frag_credit(f->frag_key, n_packets, n_bytes, stats->used);
        } else {
            fl_frag_register(f->frag_key, f);
        }
        return;
    }
    fl_flow_account(f, n_packets, n_bytes, stats->used);
}

void
flowlog_flow_unref(struct flowlog_flow *f)
{
    if (f && ovs_refcount_unref_relaxed(&f->ref) == 1) {
        for (size_t i = 0; i < f->n_targets; i++) {
            fl_binding_unref(f->targets[i].binding);
        }
        free(f->frag_key);
        free(f);
    }
}

/* Recirculation facts. */

struct fl_rid {
    struct cmap_node node;
    uint32_t id;
    uint8_t n_outputs, n_verdicts;
    uint16_t n_real_outputs;
    bool frag;                  /* Resumes a reassembled datagram. */
    struct flowlog_xport outputs[FLOWLOG_MAX_OUTPUTS];
    struct {
        uint32_t ofport;
        uint8_t kind;
    } verdicts[FLOWLOG_MAX_VERDICTS];
};

static struct cmap fl_rids = CMAP_INITIALIZER;
static struct ovs_mutex fl_rid_mutex = OVS_MUTEX_INITIALIZER;

static struct fl_rid *
rid_find(uint32_t id)
{
    struct fl_rid *r;

    CMAP_FOR_EACH_WITH_HASH (r, node, hash_int(id, 0), &fl_rids) {
        if (r->id == id) {
            return r;
        }
    }
    return NULL;
}

void
fl_rid_store(uint32_t id, const struct flowlog_xlate *x)
{
    struct fl_rid *r = xzalloc(sizeof *r);

    r->id = id;
    r->n_outputs = x->n_outputs;
    r->n_verdicts = x->n_verdicts;
    r->n_real_outputs = x->n_real_outputs;
    r->frag = x->frag_wire || x->frag_datagram;
    memcpy(r->outputs, x->outputs, sizeof r->outputs);
    memcpy(r->verdicts, x->verdicts, sizeof r->verdicts);

    struct fl_rid *old = rid_find(id);
    if (old && old->n_outputs == r->n_outputs
        && old->n_verdicts == r->n_verdicts
        && old->n_real_outputs == r->n_real_outputs
        && old->frag == r->frag
        && !memcmp(old->outputs, r->outputs, sizeof r->outputs)
        && !memcmp(old->verdicts, r->verdicts, sizeof r->verdicts)) {
        free(r);
        return;
    }

    ovs_mutex_lock(&fl_rid_mutex);
    old = rid_find(id);
    if (old) {
        cmap_replace(&fl_rids, &old->node, &r->node, hash_int(id, 0));
        ovsrcu_postpone(free, old);
    } else {
        cmap_insert(&fl_rids, &r->node, hash_int(id, 0));
    }
    ovs_mutex_unlock(&fl_rid_mutex);
}

/* Merges the facts stored for 'id' into 'x'.  */
bool
fl_rid_load(uint32_t id, struct flowlog_xlate *x)
{
    const struct fl_rid *r = rid_find(id);

    if (!r) {
        return false;
    }
    x->n_real_outputs += r->n_real_outputs;
    x->frag_datagram |= r->frag;
    for (size_t i = 0; i < r->n_outputs && x->n_outputs < FLOWLOG_MAX_OUTPUTS;
         i++) {
        x->outputs[x->n_outputs++] = r->outputs[i];
    }
    for (size_t i = 0; i < r->n_verdicts; i++) {
        if (x->n_verdicts < FLOWLOG_MAX_VERDICTS) {
            x->verdicts[x->n_verdicts].ofport = r->verdicts[i].ofport;
            x->verdicts[x->n_verdicts].kind = r->verdicts[i].kind;
            x->n_verdicts++;
        }
    }
    return true;
}

/* Forgets the facts of recirculation ids that no longer exist. */
void
fl_rid_run(void)
{
    struct fl_rid *r;

    ovs_mutex_lock(&fl_rid_mutex);
    CMAP_FOR_EACH (r, node, &fl_rids) {
        if (!recirc_id_node_find(r->id)) {
            cmap_remove(&fl_rids, &r->node, hash_int(r->id, 0));
            ovsrcu_postpone(free, r);
        }
    }
    ovs_mutex_unlock(&fl_rid_mutex);
}

size_t
fl_rid_count(void)
{
    return cmap_count(&fl_rids);
}
