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

#ifndef OFPROTO_FLOWLOG_FRAG_H
#define OFPROTO_FLOWLOG_FRAG_H 1

/* IPv4 fragments under ct() on the kernel datapath: the fragment ledger.
 *
 * The kernel's ct() action reassembles a datagram's fragments, so the passes
 * after it see one packet per datagram.  The pass with ct() still sees every
 * fragment as on the wire: its datapath flows (one per first-fragment
 * 5-tuple, one per address pair and protocol for later fragments) carry
 * fragment entries whose statistics are credited here, to the record keys
 * and targets that the terminal pass of the reassembled datagram registers
 * (first fragments with the datagram's ports, later ones with ports 0).
 * The terminal pass's own statistics, of the reassembled datagrams, are not
 * credited.  Fragments seen before their terminal pass registers wait. */

#include <stdbool.h>
#include <stdint.h>
#include "openvswitch/types.h"

struct flowlog_flow;
struct ofproto;

/* What a fragment entry or a terminal pass of reassembled datagrams is
 * about: the port the fragments came in on, the addresses, the protocol
 * and, for a first fragment or a datagram, its ports (ICMP type and
 * code).  'later' is for non-first fragments, which carry no ports. */
struct fl_frag_key {
    const struct ofproto *ofproto;
    ofp_port_t in_port;
    ovs_be32 src, dst;
    ovs_be16 tp_src, tp_dst;
    uint8_t proto;
    bool later;
};

/* Roles of a struct flowlog_flow (its 'frag' member). */
enum fl_frag_role {
    FL_FRAG_NONE,       /* An ordinary terminal pass. */
    FL_FRAG_WIRE,       /* The ct() pass of a fragment: credits the ledger. */
    FL_FRAG_DATAGRAM,   /* Terminal pass of reassembled datagrams. */
};

void fl_frag_credit(const struct fl_frag_key *, uint64_t n_packets,
                    uint64_t n_bytes, long long int used);
void fl_frag_register(const struct fl_frag_key *, struct flowlog_flow *);
void fl_frag_run(void);

#endif /* flowlog-frag.h */
