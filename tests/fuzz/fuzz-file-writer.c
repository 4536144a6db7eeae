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

/* Writing flow log files (lib/flowlog-file.c, lib/flowlog-parquet.c) from
 * what the exporter receives, and their object keys: hostile identities,
 * logger names, system-ids, regions and logger options.  Input: lines for
 * the logger string, the logger name, the system-id, the region and the
 * key prefix, then records, each 40 bytes of numbers followed by the port
 * name and the four identities, each a length byte and that many bytes.
 * The file must read back (lib/flowlog-reader.c) with as many rows. */

#include <config.h>
#include "tests/fuzz/fuzz.h"

#include <errno.h>
#include <string.h>

#include "lib/flowlog-config.h"
#include "byte-order.h"
#include "lib/flowlog-file.h"
#include "lib/flowlog-msg.h"
#include "lib/flowlog-reader.h"
#include "lib/flowlog-record.h"
#include "openvswitch/dynamic-string.h"
#include "util.h"

#define MAX_RECORDS 512

static int
write_cb(void *out_, const void *data, size_t size)
{
    struct ds *out = out_;

    ds_put_buffer(out, data, size);
    return 0;
}

static uint64_t
get_bits(const uint8_t **p, int n)
{
    uint64_t v = 0;

    for (int i = 0; i < n; i++) {
        v = (v << 8) | *(*p)++;
    }
    return v;
}

/* Takes a string of at most FLOWLOG_ID_MAX bytes, as the channel's
 * identities are, made valid UTF-8 as flowlog_record_from_pb() does. */
static char *
get_string(const uint8_t **data, size_t *size)
{
    if (!*size) {
        return NULL;
    }
    size_t len = MIN(**data, *size - 1);
    char *raw = xmemdup0((const char *) *data + 1, len);
    *data += len + 1;
    *size -= len + 1;
    char *s = flowlog_utf8_xstrdup(raw);
    free(raw);
    return s;
}

/* The key must be the prefix, the partition's directories and a file
 * name with the format's suffix: no identity adds a path level. */
static void
check_key(const struct flowlog_logger_opts *opts, const char *prefix,
          const char *logger, const char *system_id, long long int start)
{
    char *key = flowlog_file_key(opts, prefix, logger, system_id, start);
    const char *suffix = flowlog_file_suffix(opts);
    const char *rest = key;

    if (prefix && prefix[0]) {
        ovs_assert(!strncmp(key, prefix, strlen(prefix)));
        rest += strlen(prefix);
        ovs_assert(*rest++ == '/');
    }
    size_t n_slashes = 0;
    for (const char *p = rest; *p; p++) {
        n_slashes += *p == '/';
    }
    ovs_assert(n_slashes == (opts->partition == FL_PARTITION_DAY ? 3 : 4));
    ovs_assert(strlen(rest) > strlen(suffix));
    ovs_assert(!strcmp(rest + strlen(rest) - strlen(suffix), suffix));
    free(key);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ds lines[5];
    struct flowlog_logger_opts opts;

    fuzz_init();
    for (int i = 0; i < 5; i++) {
        ds_init(&lines[i]);
        fuzz_split(&data, &size, "\n", &lines[i]);
    }
    char *error = flowlog_logger_opts_parse(ds_cstr(&lines[0]), &opts);
    if (error) {
        free(error);
        goto out;
    }
    const char *logger = ds_cstr(&lines[1]);
    const char *system_id = ds_cstr(&lines[2]);
    if (!flowlog_logger_name_valid(logger)) {
        logger = "lg";
    }

    struct flowlog_identity ids[MAX_RECORDS];
    struct flowlog_record recs[MAX_RECORDS];
    size_t n = 0;
    while (size >= 40 && n < MAX_RECORDS) {
        struct flowlog_record *r = &recs[n];
        struct flowlog_identity *id = &ids[n];
        const uint8_t *p = data;

        memset(r, 0, sizeof *r);
        r->first_ms = get_bits(&p, 6);
        r->last_ms = r->first_ms + get_bits(&p, 3);
        r->protocol = get_bits(&p, 1);
        r->tcp_flags = get_bits(&p, 1);
        r->direction = get_bits(&p, 1) % 3;
        r->verdict = get_bits(&p, 1) % 3;
        r->status = get_bits(&p, 1) % 3;
        r->icmp_type = get_bits(&p, 1);
        r->icmp_code = get_bits(&p, 1);
        r->rule_table = get_bits(&p, 1);
        r->src_addr = htonl(get_bits(&p, 4));
        r->dst_addr = htonl(get_bits(&p, 4));
        r->src_port = get_bits(&p, 2);
        r->dst_port = get_bits(&p, 2);
        r->ct_zone = get_bits(&p, 2);
        r->rule_cookie = htonll(get_bits(&p, 2));
        r->packets = get_bits(&p, 3);
        r->bytes = get_bits(&p, 4);
        data += 40;
        size -= 40;

        id->ofport = r->src_port - 1;
        id->port_name = get_string(&data, &size);
        id->iface_id = get_string(&data, &size);
        id->vm_id = get_string(&data, &size);
        id->subnet_id = get_string(&data, &size);
        id->vpc_id = get_string(&data, &size);
        r->id = id;
        n++;
    }

    long long int start = n ? recs[0].first_ms : 0;
    struct flowlog_context ctx = {
        .region = ds_cstr(&lines[3]),
        .host = system_id,
        .logger = logger,
        .interval_start_ms = start,
        .interval_end_ms = start + opts.interval * 1000LL,
    };
    check_key(&opts, ds_cstr(&lines[4]), logger, system_id, start);
    check_key(&opts, NULL, logger, system_id, start);

    struct ds file = DS_EMPTY_INITIALIZER;
    struct flowlog_file_writer *w = flowlog_file_writer_create(
        &opts, &ctx, write_cb, &file);
    /* In two calls, as the exporter hands on records as it reads them. */
    int retval = flowlog_file_writer_put(w, recs, n / 2);
    if (!retval) {
        retval = flowlog_file_writer_put(w, recs + n / 2, n - n / 2);
    }
    uint64_t file_size;
    int retval2 = flowlog_file_writer_finish(w, &file_size);
    ovs_assert(!retval && !retval2);
    ovs_assert(file_size == file.length);

    /* Read it back. */
    char *name = xasprintf("written%s", flowlog_file_suffix(&opts));
    struct flowlog_reader *r = flowlog_reader_open(
        name, file.string, file.length, FLOWLOG_ALL_FIELDS, &error);
    free(name);
    if (!r) {
        ovs_abort(0, "a file written from %"PRIuSIZE" records does not "
                  "read back: %s", n, error);
    }
    size_t n_rows = 0;
    const struct flowlog_row *row;
    while (!(retval = flowlog_reader_next(r, &row, &error))) {
        n_rows++;
    }
    if (retval != EOF) {
        ovs_abort(0, "row %"PRIuSIZE" of a file written from %"PRIuSIZE
                  " records does not read back: %s", n_rows, n, error);
    }
    if (n_rows != n) {
        ovs_abort(0, "%"PRIuSIZE" records written, %"PRIuSIZE" read back",
                  n, n_rows);
    }
    flowlog_reader_close(r);
    ds_destroy(&file);
    for (size_t i = 0; i < n; i++) {
        flowlog_identity_destroy(&ids[i]);
    }
    flowlog_logger_opts_destroy(&opts);

out:
    for (int i = 0; i < 5; i++) {
        ds_destroy(&lines[i]);
    }
    return 0;
}
