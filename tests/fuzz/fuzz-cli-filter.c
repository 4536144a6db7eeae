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

/* The record filters of ovs-flowlog(1) (utilities/flowlog-filter.c) and
 * its --since/--until times.  Input: lines "OPTION=VALUE" as on the
 * command line ("--OPTION VALUE"), "since=TIME" and "until=TIME" for the
 * times.  The filter is then matched against every row of a small CSV
 * file read back with lib/flowlog-reader.c, as the CLI does. */

#include <config.h>
#include "tests/fuzz/fuzz.h"

#include <string.h>

#include "lib/flowlog-reader.h"
#include "lib/flowlog-record.h"
#include "openvswitch/dynamic-string.h"
#include "utilities/flowlog-filter.h"
#include "util.h"

/* A few records of every kind, as CSV with every field. */
static struct ds csv = DS_EMPTY_INITIALIZER;

static void
make_csv(void)
{
    static const struct flowlog_identity ids[] = {
        { "tap1", 1, "iface-1", "vm-1", "subnet-1", "vpc-1" },
        { "tap2", 2, "iface-2", NULL, NULL, NULL },
    };
    static const struct flowlog_context ctx = {
        .region = "kr1", .host = "host1", .logger = "lg",
        .interval_start_ms = 1700000000000LL,
        .interval_end_ms = 1700000600000LL,
    };
    enum flowlog_field fields[FL_N_FIELDS];

    for (int i = 0; i < FL_N_FIELDS; i++) {
        fields[i] = i;
    }
    flowlog_csv_header(&csv, fields, FL_N_FIELDS);
    for (int i = 0; i < 12; i++) {
        struct flowlog_record r = {
            .first_ms = 1700000000000LL + i * 1000,
            .last_ms = 1700000000000LL + i * 2000,
            .id = &ids[i % 2],
            .protocol = i % 3 == 0 ? 6 : i % 3 == 1 ? 17 : 1,
            .tcp_flags = i * 7,
            .direction = i % 3,
            .verdict = i % 3,
            .status = i % 3,
            .icmp_type = 8,
            .src_addr = htonl(0x0a000001 + i),
            .dst_addr = htonl(0xc0a80001 + i * 256),
            .src_port = 1000 + i,
            .dst_port = 22 + i,
            .ct_zone = i,
            .packets = i,
            .bytes = i * 100,
        };
        flowlog_csv_record(&csv, fields, FL_N_FIELDS, &r, &ctx);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const long long int now = 1700000300;

    fuzz_init();
    if (!csv.length) {
        make_csv();
    }

    struct cli_filter *filter = cli_filter_create();
    long long int since = LLONG_MIN, until = LLONG_MAX;
    struct ds line = DS_EMPTY_INITIALIZER;
    while (fuzz_split(&data, &size, "\n", &line)) {
        char *s = ds_steal_cstr(&line);
        char *eq = strchr(s, '=');
        if (eq) {
            *eq = '\0';
            const char *value = eq + 1;
            char *error = NULL;
            uint32_t addr;

            cli_parse_ipv4(value, &addr);
            if (!strcmp(s, "since")) {
                error = cli_parse_time(value, now, &since);
            } else if (!strcmp(s, "until")) {
                error = cli_parse_time(value, now, &until);
            } else if (cli_filter_is_option(s)) {
                error = cli_filter_add(filter, s, value);
            }
            free(error);
        }
        free(s);
    }
    ds_destroy(&line);

    cli_filter_set_time(filter, since, until);
    if (!cli_filter_has_status(filter)) {
        cli_filter_default_status_ok(filter);
    }

    char *error = NULL;
    struct flowlog_reader *r = flowlog_reader_open(
        "filter.csv", csv.string, csv.length,
        cli_filter_fields(filter) | FLOWLOG_FIELD_BIT(FL_BYTES), &error);
    ovs_assert(r);
    const struct flowlog_row *row;
    while (!flowlog_reader_next(r, &row, &error) && row) {
        cli_filter_match(filter, row);
    }
    free(error);
    flowlog_reader_close(r);
    cli_filter_destroy(filter);
    return 0;
}
