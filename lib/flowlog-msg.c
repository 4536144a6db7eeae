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

#include <config.h>
#include "lib/flowlog-msg.h"

#include <errno.h>
#include <string.h>

#include "byte-order.h"
#include "stream.h"
#include "util.h"

/* Appends 'msg' to 'out' as one frame.  The caller keeps messages small
 * enough (FLOWLOG_RECORDS_PER_FRAME) that the frame fits the limit. */
void
flowlog_msg_put(struct ofpbuf *out, const Flowlog__Message *msg)
{
    size_t len = flowlog__message__get_packed_size(msg);

    ovs_assert(len <= FLOWLOG_MAX_FRAME);
    ovs_be32 be_len = htonl(len);
    ofpbuf_put(out, &be_len, sizeof be_len);
    flowlog__message__pack(msg, ofpbuf_put_uninit(out, len));
}

void
flowlog_rx_init(struct flowlog_rx *rx)
{
    ofpbuf_init(&rx->buf, 0);
}

void
flowlog_rx_destroy(struct flowlog_rx *rx)
{
    ofpbuf_uninit(&rx->buf);
}

void
flowlog_msg_free(Flowlog__Message *msg)
{
    if (msg) {
        flowlog__message__free_unpacked(msg, NULL);
    }
}

/* protobuf-c allocates every submessage of a frame while it unpacks it,
 * before anything can count them: a 4 MiB frame of empty Records (2 bytes
 * each) would make it allocate 2 million structs and the arrays it scans
 * them into, hundreds of MB.  Each unpack therefore gets an allocator that
 * fails once the frame has asked for FLOWLOG_UNPACK_MAX_BYTES (requested
 * bytes plus 16 for malloc's own header per allocation). */
struct unpack_budget {
    size_t left;
    bool exceeded;
};

static void *
budget_alloc(void *budget_, size_t size)
{
    struct unpack_budget *budget = budget_;
    size_t cost = size + 16;

    if (size > budget->left || cost > budget->left) {
        budget->exceeded = true;
        return NULL;
    }
    budget->left -= cost;
    return malloc(size);     /* Not xmalloc(): protobuf-c copes with NULL. */
}

static void
budget_free(void *budget OVS_UNUSED, void *p)
{
    free(p);
}

/* Extracts the next complete message already buffered in 'rx'.  Returns 0
 * and stores it in '*msgp' (free it with flowlog_msg_free()), EAGAIN if no
 * complete frame is buffered, or EPROTO with a malloc()'d description in
 * '*errorp' for an oversized or malformed frame. */
int
flowlog_rx_parse(struct flowlog_rx *rx, Flowlog__Message **msgp,
                 char **errorp)
{
    *msgp = NULL;
    *errorp = NULL;
    if (rx->buf.size < 4) {
        return EAGAIN;
    }

    ovs_be32 be_len;
    memcpy(&be_len, rx->buf.data, sizeof be_len);
    uint32_t len = ntohl(be_len);
    if (len > FLOWLOG_MAX_FRAME) {
        *errorp = xasprintf("frame of %"PRIu32" bytes exceeds the %d-byte "
                            "limit", len, FLOWLOG_MAX_FRAME);
        return EPROTO;
    }
    if (rx->buf.size - 4 < len) {
        return EAGAIN;
    }

    /* What it allocates is freed with the default allocator (free()). */
    struct unpack_budget budget = { .left = FLOWLOG_UNPACK_MAX_BYTES };
    ProtobufCAllocator allocator = {
        .alloc = budget_alloc,
        .free = budget_free,
        .allocator_data = &budget,
    };
    Flowlog__Message *msg = flowlog__message__unpack(
        &allocator, len, (const uint8_t *) rx->buf.data + 4);
    ofpbuf_pull(&rx->buf, 4 + len);
    if (!msg) {
        *errorp = (budget.exceeded
                   ? xasprintf("%"PRIu32"-byte frame needs more than %d "
                               "bytes of memory to unpack", len,
                               FLOWLOG_UNPACK_MAX_BYTES)
                   : xasprintf("malformed message in a %"PRIu32"-byte "
                               "frame", len));
        return EPROTO;
    }
    if (msg->body_case == FLOWLOG__MESSAGE__BODY__NOT_SET) {
        flowlog_msg_free(msg);
        *errorp = xstrdup("message without a body (unknown type?)");
        return EPROTO;
    }
    if (msg->body_case == FLOWLOG__MESSAGE__BODY_SNAPSHOT_RECORDS
        && msg->snapshot_records->n_records > FLOWLOG_RECORDS_PER_FRAME) {
        *errorp = xasprintf("SnapshotRecords frame of %"PRIuSIZE" records "
                            "exceeds the limit of %d records per frame",
                            msg->snapshot_records->n_records,
                            FLOWLOG_RECORDS_PER_FRAME);
        flowlog_msg_free(msg);
        return EPROTO;
    }
    *msgp = msg;
    return 0;
}

/* Reads from 'stream' until a complete message is buffered.  Returns 0 with
 * '*msgp' set, EAGAIN if more bytes are needed, EOF if the peer closed the
 * connection between frames, EPROTO with '*errorp' set for an oversized,
 * malformed or truncated frame, or another positive errno value. */
int
flowlog_rx_recv(struct flowlog_rx *rx, struct stream *stream,
                Flowlog__Message **msgp, char **errorp)
{
    for (int i = 0; i < 64; i++) {
        int error = flowlog_rx_parse(rx, msgp, errorp);
        if (error != EAGAIN) {
            return error;
        }

        /* Keep the buffered bytes at the start of the buffer. */
        if (rx->buf.data != rx->buf.base) {
            ofpbuf_shift(&rx->buf, (char *) rx->buf.base
                         - (char *) rx->buf.data);
        }
        ofpbuf_prealloc_tailroom(&rx->buf, 65536);
        int n = stream_recv(stream, ofpbuf_tail(&rx->buf),
                            ofpbuf_tailroom(&rx->buf));
        if (n > 0) {
            rx->buf.size += n;
        } else if (!n) {
            if (rx->buf.size) {
                *errorp = xasprintf("connection closed inside a frame "
                                    "(%"PRIu32" bytes buffered)",
                                    rx->buf.size);
                return EPROTO;
            }
            return EOF;
        } else {
            return -n;
        }
    }
    return EAGAIN;
}

static char *
nonempty(const char *s)
{
    return CONST_CAST(char *, s && s[0] ? s : NULL);
}

/* Fills 'pb' from 'rec'.  Strings in 'pb' point into 'rec->id'. */
void
flowlog_record_to_pb(const struct flowlog_record *rec, Flowlog__Record *pb)
{
    flowlog__record__init(pb);
#define SET(FIELD, VALUE) pb->has_##FIELD = true, pb->FIELD = (VALUE)
    SET(first_ms, rec->first_ms);
    SET(last_ms, rec->last_ms);
    if (rec->id) {
        pb->port_name = nonempty(rec->id->port_name);
        SET(ofport, rec->id->ofport);
        pb->iface_id = nonempty(rec->id->iface_id);
        pb->vm_id = nonempty(rec->id->vm_id);
        pb->subnet_id = nonempty(rec->id->subnet_id);
        pb->vpc_id = nonempty(rec->id->vpc_id);
    }
    SET(protocol, rec->protocol);
    SET(src_addr, rec->src_addr);
    SET(dst_addr, rec->dst_addr);
    SET(src_port, rec->src_port);
    SET(dst_port, rec->dst_port);
    SET(tcp_flags, rec->tcp_flags);
    SET(packets, rec->packets);
    SET(bytes, rec->bytes);
    SET(direction, rec->direction);
    SET(verdict, rec->verdict);
    SET(status, rec->status);
    SET(icmp_type, rec->icmp_type);
    SET(icmp_code, rec->icmp_code);
    SET(rule_table, rec->rule_table);
    SET(rule_cookie, rec->rule_cookie);
    SET(ct_zone, rec->ct_zone);
#undef SET
}

static char *
nullable_utf8_xstrdup(const char *s)
{
    return s ? flowlog_utf8_xstrdup(s) : NULL;
}

/* Fills 'rec' and 'id' from 'pb'; 'rec->id' points to 'id', whose strings
 * are malloc()'d (see flowlog_identity_destroy()).  Out-of-range values are
 * clamped to their field's type; bytes of the strings that are not UTF-8
 * become U+FFFD (protobuf-c does not check). */
void
flowlog_record_from_pb(const Flowlog__Record *pb, struct flowlog_record *rec,
                       struct flowlog_identity *id)
{
    memset(rec, 0, sizeof *rec);
    id->port_name = nullable_utf8_xstrdup(pb->port_name);
    id->ofport = pb->has_ofport ? pb->ofport : -1;
    id->iface_id = nullable_utf8_xstrdup(pb->iface_id);
    id->vm_id = nullable_utf8_xstrdup(pb->vm_id);
    id->subnet_id = nullable_utf8_xstrdup(pb->subnet_id);
    id->vpc_id = nullable_utf8_xstrdup(pb->vpc_id);

    rec->id = id;
    rec->first_ms = pb->first_ms;
    rec->last_ms = pb->last_ms;
    rec->protocol = pb->protocol;
    rec->src_addr = pb->src_addr;
    rec->dst_addr = pb->dst_addr;
    rec->src_port = pb->src_port;
    rec->dst_port = pb->dst_port;
    rec->tcp_flags = pb->tcp_flags;
    rec->packets = pb->packets;
    rec->bytes = pb->bytes;
    rec->direction = MIN(pb->direction, FL_DIR_UNKNOWN);
    rec->verdict = MIN(pb->verdict, FL_VERDICT_NONE);
    rec->status = MIN(pb->status, FL_STATUS_NODATA);
    rec->icmp_type = pb->icmp_type;
    rec->icmp_code = pb->icmp_code;
    rec->rule_table = pb->rule_table;
    rec->rule_cookie = pb->rule_cookie;
    rec->ct_zone = pb->ct_zone;
}

void
flowlog_identity_destroy(struct flowlog_identity *id)
{
    if (id) {
        free(id->port_name);
        free(id->iface_id);
        free(id->vm_id);
        free(id->subnet_id);
        free(id->vpc_id);
    }
}
