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

/* flowlog-bench-render: renders one snapshot that resembles a busy host in
 * every format through lib/flowlog-file.c and prints records/s and bytes
 * per record.
 *
 *   flowlog-bench-render [--write=DIR] N [ROUNDS [FORMAT]]
 *
 * The snapshot (the same for a given N, from a fixed seed): 200 ports of
 * one logger, each with four UUID identities (20 subnets, 4 VPCs), VM
 * addresses 10.0.0-3.x, peers in eight /24s (10.1-4.x.y and 192.168.0-3.y),
 * 70% TCP / 25% UDP / 5% ICMP, server ports from 12 common ones, client
 * ports ephemeral, packets 1 to ~10^4 (bytes ~ 60 to 1500 each), flags as
 * client and server sides give them, timestamps within a 600 s interval,
 * 2% DROP, one NODATA port; records in the order the hook sends them
 * (flowlog_record_compare()).  Rendering goes to a sink that only counts
 * bytes (or to DIR/N.SUFFIX with --write), one core, median of ROUNDS
 * (default 3), every format or only FORMAT (e.g. "parquet (none)"). */

#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/flowlog-config.h"
#include "lib/flowlog-file.h"
#include "lib/flowlog-record.h"
#include "openvswitch/util.h"
#include "packets.h"
#include "util.h"

#define N_PORTS 200

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint32_t
rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng >> 16;
}

static char *
uuid(void)
{
    return xasprintf("%08x-%04x-4%03x-8%03x-%08x%04x", rnd(), rnd() & 0xffff,
                     rnd() & 0xfff, rnd() & 0xfff, rnd(), rnd() & 0xffff);
}

static int
compare_records(const void *a, const void *b)
{
    return flowlog_record_compare(a, b);
}

static struct flowlog_record *
make_snapshot(size_t n, struct flowlog_identity ids[N_PORTS])
{
    static const uint16_t servers[] = {
        443, 80, 22, 53, 3306, 5432, 6379, 8080, 123, 8443, 9092, 11211,
    };
    char *subnets[20], *vpcs[4];

    for (int i = 0; i < 20; i++) {
        subnets[i] = uuid();
    }
    for (int i = 0; i < 4; i++) {
        vpcs[i] = uuid();
    }
    for (int i = 0; i < N_PORTS; i++) {
        ids[i] = (struct flowlog_identity) {
            .port_name = xasprintf("tap%03d", i),
            .ofport = i + 1,
            .iface_id = uuid(),
            .vm_id = uuid(),
            .subnet_id = subnets[i % 20],
            .vpc_id = vpcs[i % 4],
        };
    }

    long long int start = 1700000000000LL;
    struct flowlog_record *recs = xcalloc(n, sizeof *recs);
    for (size_t i = 0; i < n; i++) {
        struct flowlog_record *r = &recs[i];
        int port = rnd() % N_PORTS;
        uint32_t x = rnd();

        r->id = &ids[port];
        r->status = FL_STATUS_OK;
        r->protocol = (x % 20 < 14 ? IPPROTO_TCP
                       : x % 20 < 19 ? IPPROTO_UDP : IPPROTO_ICMP);
        r->direction = rnd() % 2 ? FL_DIR_EGRESS : FL_DIR_INGRESS;
        r->verdict = rnd() % 50 ? FL_VERDICT_ACCEPT : FL_VERDICT_DROP;
        r->rule_cookie = OVS_BE64_MAX;

        ovs_be32 vm = htonl((10u << 24) | ((port % 4) << 8) | (port + 10));
        uint32_t peer = rnd() % 8;
        ovs_be32 other = htonl(peer < 4
                               ? (10u << 24) | ((peer + 1) << 16)
                                 | ((rnd() % 4) << 8) | (rnd() % 250 + 1)
                               : (192u << 24) | (168 << 16)
                                 | ((peer - 4) << 8) | (rnd() % 250 + 1));
        uint16_t server = servers[rnd() % ARRAY_SIZE(servers)];
        uint16_t client = 32768 + rnd() % 28232;
        bool vm_is_client = rnd() % 3;

        r->src_addr = r->direction == FL_DIR_EGRESS ? vm : other;
        r->dst_addr = r->direction == FL_DIR_EGRESS ? other : vm;
        bool src_is_client = (r->direction == FL_DIR_EGRESS) == vm_is_client;
        r->src_port = src_is_client ? client : server;
        r->dst_port = src_is_client ? server : client;
        if (r->protocol == IPPROTO_TCP) {
            r->tcp_flags = src_is_client ? 3 : 19;
        } else if (r->protocol == IPPROTO_ICMP) {
            r->icmp_type = src_is_client ? 8 : 0;
        }

        int shift = rnd() % 14;
        r->packets = 1 + (rnd() & ((1u << shift) - 1));
        r->bytes = r->packets * (60 + rnd() % 1441);
        r->first_ms = start + (rnd() % 600) * 1000;
        r->last_ms = MIN(r->first_ms + (rnd() % 600) * 1000, start + 599999);
    }
    /* One port without traffic. */
    recs[n - 1] = (struct flowlog_record) {
        .id = &ids[N_PORTS - 1], .status = FL_STATUS_NODATA,
        .direction = FL_DIR_UNKNOWN, .verdict = FL_VERDICT_NONE,
        .first_ms = start, .last_ms = start + 600000,
        .rule_cookie = OVS_BE64_MAX,
    };
    qsort(recs, n, sizeof *recs, compare_records);
    return recs;
}

static int
count_bytes(void *aux OVS_UNUSED, const void *data OVS_UNUSED,
            size_t size OVS_UNUSED)
{
    return 0;
}

static int
write_file(void *f, const void *data, size_t size)
{
    return fwrite(data, 1, size, f) == size ? 0 : -1;
}

/* Wall time, or with FLOWLOG_BENCH_CLOCK=cpu this process's CPU time (it
 * renders on one thread), which other load on the machine moves less. */
static double
now(void)
{
    static int clock_id = -1;
    struct timespec ts;

    if (clock_id < 0) {
        const char *c = getenv("FLOWLOG_BENCH_CLOCK");
        clock_id = (c && !strcmp(c, "cpu") ? CLOCK_PROCESS_CPUTIME_ID
                    : CLOCK_MONOTONIC);
    }
    clock_gettime(clock_id, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
compare_doubles(const void *a_, const void *b_)
{
    const double *a = a_, *b = b_;

    return *a < *b ? -1 : *a > *b;
}

int
main(int argc, char *argv[])
{
    const char *dir = NULL;

    set_program_name(argv[0]);
    if (argc > 1 && !strncmp(argv[1], "--write=", 8)) {
        dir = argv[1] + 8;
        argc--;
        argv++;
    }
    if (argc < 2) {
        ovs_fatal(0, "usage: %s [--write=DIR] N [ROUNDS [FORMAT]]", argv[0]);
    }
    size_t n = atol(argv[1]);
    int rounds = argc > 2 ? atoi(argv[2]) : 3;
    const char *only = argc > 3 ? argv[3] : NULL;
    struct flowlog_identity ids[N_PORTS];
    struct flowlog_record *recs = make_snapshot(n, ids);

    static const struct {
        const char *name;
        const char *options;
    } formats[] = {
        { "csv", "format=csv,compression=none" },
        { "csv.gz", "format=csv,compression=gzip" },
        { "jsonl.gz", "format=jsonl,compression=gzip" },
        { "parquet (gzip)", "format=parquet,compression=gzip" },
        { "parquet (none)", "format=parquet,compression=none" },
    };
    struct flowlog_context ctx = {
        .region = "KR1", .host = "compute-01", .logger = "vpc1",
        .interval_start_ms = 1700000000000LL,
        .interval_end_ms = 1700000600000LL,
    };

    for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
        if (only && strcmp(only, formats[i].name)) {
            continue;
        }

        struct flowlog_logger_opts opts;
        char *error = flowlog_logger_opts_parse(formats[i].options, &opts);
        if (error) {
            ovs_fatal(0, "%s", error);
        }

        double *secs = xcalloc(rounds, sizeof *secs);
        uint64_t size = 0;
        for (int r = 0; r < rounds; r++) {
            FILE *f = NULL;
            if (dir && r == 0) {
                char *name = xasprintf("%s/%zu.%s", dir, n,
                                       flowlog_file_suffix(&opts) + 1);
                f = fopen(name, "wb");
                if (!f) {
                    ovs_fatal(errno, "%s", name);
                }
                free(name);
            }

            double t0 = now();
            struct flowlog_file_writer *w = flowlog_file_writer_create(
                &opts, &ctx, f ? write_file : count_bytes, f);
            for (size_t j = 0; j < n; j += 4096) {
                flowlog_file_writer_put(w, &recs[j], MIN(4096, n - j));
            }
            flowlog_file_writer_finish(w, &size);
            secs[r] = now() - t0;
            if (f) {
                fclose(f);
            }
        }
        qsort(secs, rounds, sizeof *secs, compare_doubles);
        printf("%-15s %9zu records  %12.0f records/s  %7.2f bytes/record"
               "  %11"PRIu64" bytes\n", formats[i].name, n,
               n / secs[rounds / 2], (double) size / n, size);
        fflush(stdout);
        free(secs);
        flowlog_logger_opts_destroy(&opts);
    }
    return 0;
}
