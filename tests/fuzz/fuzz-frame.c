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

/* The channel's frame decoder (lib/flowlog-msg.c), shared by both ends:
 * the input is the byte stream of a connection.  Every frame decoded is
 * handled as far as the decoder's users take it without a peer: records
 * are converted (flowlog_record_from_pb()) and rendered in CSV and JSON
 * with every field, then converted back. */

#include <config.h>
#include "tests/fuzz/fuzz.h"

#include <errno.h>
#include <string.h>

#include "lib/flowlog-msg.h"
#include "lib/flowlog-record.h"
#include "openvswitch/dynamic-string.h"
#include "util.h"

static void
handle_records(const Flowlog__SnapshotRecords *sr)
{
    static const struct flowlog_context ctx = {
        .region = "kr1", .host = "host1", .logger = "lg",
        .interval_start_ms = 1700000000000LL,
        .interval_end_ms = 1700000600000LL,
    };
    enum flowlog_field fields[FL_N_FIELDS];
    struct ds s = DS_EMPTY_INITIALIZER;

    for (int i = 0; i < FL_N_FIELDS; i++) {
        fields[i] = i;
    }
    for (size_t i = 0; i < sr->n_records; i++) {
        struct flowlog_identity id;
        struct flowlog_record rec;
        Flowlog__Record pb;

        flowlog_record_from_pb(sr->records[i], &rec, &id);
        flowlog_csv_record(&s, fields, FL_N_FIELDS, &rec, &ctx);
        flowlog_json_record(&s, fields, FL_N_FIELDS, &rec, &ctx);
        flowlog_record_to_pb(&rec, &pb);
        ds_clear(&s);
        flowlog_identity_destroy(&id);
    }
    ds_destroy(&s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct flowlog_rx rx;

    fuzz_init();
    flowlog_rx_init(&rx);

    /* Fed in pieces of up to 4 kB, as a stream might deliver them. */
    size_t ofs = 0;
    for (;;) {
        Flowlog__Message *msg;
        char *error;
        int retval = flowlog_rx_parse(&rx, &msg, &error);

        if (retval == EAGAIN) {
            if (ofs >= size) {
                break;
            }
            size_t n = MIN(size - ofs, 4096);
            ofpbuf_put(&rx.buf, data + ofs, n);
            ofs += n;
            continue;
        } else if (retval) {
            ovs_assert(retval == EPROTO && error);
            free(error);
            break;
        }
        ovs_assert(msg->body_case != FLOWLOG__MESSAGE__BODY__NOT_SET);
        if (msg->body_case == FLOWLOG__MESSAGE__BODY_SNAPSHOT_RECORDS) {
            handle_records(msg->snapshot_records);
        }
        flowlog_msg_free(msg);
    }
    flowlog_rx_destroy(&rx);
    return 0;
}
