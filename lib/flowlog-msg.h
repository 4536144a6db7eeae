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

/* At most this many records per SnapshotRecords frame: ovs-vswitchd sends
 * no more (and stops filling a frame at a quarter of FLOWLOG_MAX_FRAME by
 * packed size: identities are at most FLOWLOG_ID_MAX bytes, so one record
 * is small), and flowlog_rx_parse() refuses a frame with more. */
#define FLOWLOG_RECORDS_PER_FRAME 4096

/* The memory that unpacking one frame may take (see flowlog_rx_parse()).
 * Measured with protobuf-c 1.4.1 (requested bytes plus 16 per allocation):
 * FLOWLOG_RECORDS_PER_FRAME records with every field set and 36-byte
 * identities (1.1 MB packed, about what ovs-vswitchd puts in its largest
 * frames) need 6.7 MB, about 1.4 kB per record plus the strings; with
 * 190-byte strings (4.4 MB packed, more than FLOWLOG_MAX_FRAME) 9.9 MB.
 * So a frame of such records within both limits fits with room to spare,
 * while a 4 MiB frame of empty Records would need 627 MB. */
#define FLOWLOG_UNPACK_MAX_BYTES (16 * 1024 * 1024)

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
