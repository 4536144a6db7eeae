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

#ifndef FLOWLOG_MSG_H
#define FLOWLOG_MSG_H 1

/* Framing of the channel between ovs-vswitchd and ovs-flowlog-exporter
 * (schema: lib/flowlog.proto): a 4-byte big-endian length, then one
 * Flowlog__Message of at most FLOWLOG_MAX_FRAME bytes. */

#include <stddef.h>
#include "lib/flowlog.pb-c.h"
#include "lib/flowlog-record.h"
#include "openvswitch/ofpbuf.h"

struct stream;

#define FLOWLOG_MAX_FRAME (4 * 1024 * 1024)

/* At most this many records per SnapshotRecords frame; ovs-vswitchd also
 * stops filling a frame at a quarter of FLOWLOG_MAX_FRAME by packed size
 * (it cuts identity strings at 255 bytes, so one record is small). */
#define FLOWLOG_RECORDS_PER_FRAME 4096

void flowlog_msg_put(struct ofpbuf *, const Flowlog__Message *);

/* Reassembles messages from a byte stream. */
struct flowlog_rx {
    struct ofpbuf buf;
};

void flowlog_rx_init(struct flowlog_rx *);
void flowlog_rx_destroy(struct flowlog_rx *);
int flowlog_rx_recv(struct flowlog_rx *, struct stream *,
                    Flowlog__Message **msgp, char **errorp);
int flowlog_rx_parse(struct flowlog_rx *, Flowlog__Message **msgp,
                     char **errorp);
void flowlog_msg_free(Flowlog__Message *);

void flowlog_record_to_pb(const struct flowlog_record *, Flowlog__Record *);
void flowlog_record_from_pb(const Flowlog__Record *, struct flowlog_record *,
                            struct flowlog_identity *);
void flowlog_identity_destroy(struct flowlog_identity *);

#endif /* flowlog-msg.h */
