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

#ifndef OFPROTO_FLOWLOG_CT_H
#define OFPROTO_FLOWLOG_CT_H 1

/* The conntrack merge: security groups enforced by the host's netfilter
 * (ovs-flowlog(7), "HOST-NETFILTER SECURITY GROUPS").
 *
 * A thread of its own reads the kernel's conntrack table (lib/flowlog-nfct)
 * and decides the verdict of the statistics that flowlog-table queued for
 * ports with other_config:flowlog-ct-zone (struct fl_pending), once every
 * conntrack event from before their packets has been read. */

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

struct ds;
struct fl_binding;
struct fl_interval;
struct json;

/* A zone of some logging port, with the port's blocked mark. */
struct fl_ct_zone {
    uint16_t zone;
    bool has_mark;
    uint32_t mark, mask;
};

/* The default receive buffer of the event socket, in bytes. */
#define FL_CT_EVENT_BUFFER_DEFAULT (4 * 1024 * 1024)

void fl_ct_init(void);
void fl_ct_configure(const struct fl_ct_zone *, size_t n, int event_buffer);
bool fl_ct_settled(struct fl_interval *);
void fl_ct_exit(void);
void fl_ct_format_port(struct ds *, const struct fl_binding *);
struct json *fl_ct_port_json(const struct fl_binding *);
void fl_ct_format_host(struct ds *);

#endif /* flowlog-ct.h */
