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

/* The exporter's spool loader (utilities/exporter/exporter-spool.c): what
 * it finds in its spool directory when it starts after a crash.  Input: a
 * spool file.  It is named after the snapshot its first frame announces,
 * when that frame decodes, so that the loader takes it for a snapshot of
 * an earlier run; then the spool is opened, and every snapshot it indexed
 * is read back frame by frame as delivery would, and removed. */

#include <config.h>
#include "tests/fuzz/fuzz.h"

#include <string.h>

#include "lib/flowlog-msg.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "utilities/exporter/exporter-spool.h"
#include "util.h"

/* The spool's own file name for the snapshot 'data' announces (as
 * exporter-spool.c names them), or NULL. */
static char *
snapshot_file_name(const uint8_t *data, size_t size)
{
    const size_t magic_len = 8;     /* "OVSFLSP1". */
    struct flowlog_rx rx;
    Flowlog__Message *msg;
    char *error;
    char *name = NULL;

    if (size < magic_len) {
        return NULL;
    }
    flowlog_rx_init(&rx);
    ofpbuf_put(&rx.buf, data + magic_len, size - magic_len);
    if (!flowlog_rx_parse(&rx, &msg, &error)) {
        if (msg->body_case == FLOWLOG__MESSAGE__BODY_SNAPSHOT_BEGIN) {
            const Flowlog__SnapshotBegin *b = msg->snapshot_begin;
            name = xasprintf("%s_%s-%020"PRIu64".snap", b->logger->name,
                             b->boot_uuid, b->seq);
            if (strchr(name, '/') || strlen(name) > 200) {
                free(name);
                name = NULL;
            }
        }
        flowlog_msg_free(msg);
    } else {
        free(error);
    }
    flowlog_rx_destroy(&rx);
    return name;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char *dir;

    fuzz_init();
    if (!dir) {
        dir = xasprintf("%s/spool", fuzz_tmpdir());
    }
    fuzz_empty_dir(dir);

    struct exporter_spool *spool;
    char *error = exporter_spool_open(dir, 1 << 30, 0, &spool);
    if (error) {
        ovs_fatal(0, "%s", error);
    }
    exporter_spool_close(spool);

    char *base = snapshot_file_name(data, size);
    char *name = xasprintf("%s/%s", dir, base ? base : "x_y-1.snap");
    fuzz_write_file(name, data, size, 0600);
    free(name);
    free(base);

    error = exporter_spool_open(dir, 1 << 30, 0, &spool);
    if (error) {
        ovs_fatal(0, "%s", error);
    }
    const struct exporter_spool_entry *e;
    while ((e = exporter_spool_oldest(spool, NULL, NULL)) != NULL) {
        struct exporter_spool_reader *r;
        const Flowlog__SnapshotBegin *begin;

        exporter_spool_hold(spool, e, true);
        if (!exporter_spool_reader_open(spool, e, &r, &begin, &error)) {
            for (;;) {
                const struct flowlog_record *recs;
                size_t n;

                if (exporter_spool_reader_next(r, &recs, &n, &error)) {
                    free(error);
                    break;
                }
                if (!n) {
                    break;
                }
                for (size_t i = 0; i < n; i++) {
                    ovs_assert(recs[i].id);
                }
            }
            exporter_spool_reader_close(r);
        } else {
            free(error);
        }
        exporter_spool_hold(spool, e, false);

        struct ds s = DS_EMPTY_INITIALIZER;
        exporter_spool_format(spool, &s);
        json_destroy(exporter_spool_to_json(spool));
        ds_destroy(&s);
        exporter_spool_remove(spool, e);
    }
    exporter_spool_close(spool);
    return 0;
}
