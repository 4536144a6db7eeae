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

/* Micro-benchmark of the flowlog hook's per-interval record table.
 *
 * A measurement, not a test.  It links the hook exactly as ovs-vswitchd
 * does (_build/flowlog-hook.o plus OVS's libraries) and drives the path the
 * datapath drives: fl_flow_account() with a struct flowlog_flow whose
 * single target binds to a logger that has one open interval.
 *
 *   flowlog-bench-table mem N...
 *       Heap bytes per tracked record: mallinfo2() (arena + mmap) before
 *       and after inserting N distinct UDP 5-tuples into one interval.
 *
 *   flowlog-bench-table update [UPDATES [ROUNDS [RECORDS]]]
 *       Updates per second of existing records (the revalidator push
 *       path) with 1 and 2 threads, lock-free as the hook does it, and with
 *       one global ovs_mutex taken around every update (the NetFlow
 *       pattern); rounds alternate, medians are printed.
 *
 *   flowlog-bench-table callgrind lockfree|mutex|flows [UPDATES]
 *       Run under `valgrind --tool=callgrind
 *       --toggle-collect=bench_update_loop`: one thread, UPDATES updates of
 *       existing records, lock-free or under the global mutex; the
 *       instruction count / UPDATES is instructions per update.  These
 *       rewrite one flow's 5-tuple before each update, so each update is
 *       a new flow's; "flows" gives each record a flow of its own, as
 *       repeated statistics pushes of datapath flows do (lock-free).
 *
 * The bench builds the logger, binding and interval by hand (the
 * configuration path needs OVSDB); it never touches fl_host, so the
 * built-in defaults apply (flowlog-max-records 2000000). */

#include <config.h>
#include "ofproto-flowlog/flowlog-ports.h"
#include "ofproto-flowlog/flowlog-snapshot.h"
#include "ofproto-flowlog/flowlog-table.h"
#include "lib/flowlog-record.h"

#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "openvswitch/vlog.h"
#include "ovs-rcu.h"
#include "hash.h"
#include "util.h"


/* Interval: [0, 600 s) in the hook's wall clock.  This program never calls
 * flowlog_init(), so the hook's wall clock equals the monotonic times we
 * pass as 'used'. */
#define IV_START 0LL
#define IV_END 600000LL

struct bench_setup {
    struct fl_logger *logger;
    struct fl_binding *binding;
    struct fl_interval *iv;
};

static void
setup_create(struct bench_setup *s)
{
    struct fl_logger *l = xzalloc(sizeof *l);
    l->name = xstrdup("bench");
    ovs_refcount_init(&l->ref);
    hmap_init(&l->bindings);
    ovs_list_init(&l->closing);
    for (int i = 0; i < FL_N_EXCL; i++) {
        atomic_init(&l->excluded[i], 0);
    }

    struct fl_opts *o = xzalloc(sizeof *o);
    o->o.interval = IV_END / 1000;
    o->o.filter = FL_FILTER_ALL;
    o->o.setup_only = false;
    o->o.capacity = INT32_MAX;     /* Above FLOWLOG_CAPACITY_MAX: the bench
                                    * measures the table, not the bound. */
    ovsrcu_set(&l->opts, o);

    struct fl_interval *iv = fl_interval_create(IV_START, IV_END);
    struct fl_ivset *set = xzalloc(sizeof *set + sizeof set->iv[0]);
    set->n = 1;
    set->iv[0] = iv;
    ovsrcu_set(&l->ivset, set);

    struct fl_binding *b = xzalloc(sizeof *b);
    ovs_refcount_init(&b->ref);
    ovs_refcount_ref(&l->ref);
    b->logger = l;
    b->id.port_name = xstrdup("vnet0");
    b->id.iface_id = xstrdup("vif-0");
    b->how = "explicit";
    b->attached = true;

    s->logger = l;
    s->binding = b;
    s->iv = iv;
}

static void
setup_destroy(struct bench_setup *s)
{
    fl_interval_destroy(s->iv);
    fl_binding_unref(s->binding);       /* Drops its logger reference. */
    fl_logger_unref(s->logger);         /* Frees opts and ivset. */
    ovsrcu_quiesce();                   /* Single-threaded: frees now. */
    ovsrcu_quiesce();                   /* What those postponed. */
}

/* A datapath flow's XC_FLOWLOG entry with one target: egress/ACCEPT on the
 * binding.  Each bench thread owns one and rewrites its 5-tuple between
 * calls; fl_flow_account() copies the key into the record. */
static struct flowlog_flow *
flow_create(struct fl_binding *b)
{
    /* Cache-line aligned and padded: each bench thread writes its own
     * flow's key, and two flows must not share a line. */
    size_t size = ROUND_UP(sizeof(struct flowlog_flow)
                           + sizeof(struct fl_target), 2 * CACHE_LINE_SIZE);
    struct flowlog_flow *f = xmalloc_cacheline(size);
    memset(f, 0, size);
    ovs_refcount_init(&f->ref);
    f->key.protocol = 17;
    f->key.src_addr = htonl(0x0a000001);
    f->key.dst_addr = htonl(0x0a000002);
    f->key.direction = FL_DIR_EGRESS;
    f->key.verdict = FL_VERDICT_ACCEPT;
    f->exclusion = FL_EXCL_NONE;
    f->n_targets = 1;
    f->targets[0].binding = b;          /* Reference owned by the setup. */
    f->targets[0].direction = FL_DIR_EGRESS;
    f->targets[0].verdict = FL_VERDICT_ACCEPT;
    f->targets[0].ct_zone = -1;         /* No conntrack merge. */
    return f;
}

/* The i'th distinct 5-tuple of thread 't': source address, source port and
 * destination port vary, as many short UDP flows from one VM would. */
static void
flow_set_tuple(struct flowlog_flow *f, unsigned int t, uint32_t i)
{
    f->key.src_addr = htonl(0x0a000000 | (t << 16) | ((i >> 16) & 0xffff));
    f->key.src_port = htons(1024 + (i & 0x7fff));
    f->key.dst_port = htons(53 + ((i >> 15) & 1));
    /* Now another flow's key: forget the hash kept for the old one. */
    atomic_store_relaxed(&f->targets[0].key_hash, 0);
}

static size_t
heap_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();
    return mi.uordblks + mi.hblkhd;
}

static double
now_sec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Buckets of a cmap holding n entries after growth by doubling (cmap.c:
 * CMAP_K = 5 entries per 64-byte bucket, expanded at 85% load). */
static size_t
cmap_buckets_for(size_t n)
{
    size_t nb = 1;
    while ((size_t) (((uint64_t) nb * 5 * (uint32_t) (UINT32_MAX * .85))
                     >> 32) < n) {
        nb *= 2;
    }
    return nb;
}

static int
cmd_mem(int argc, char *argv[])
{
    /* Records are allocated in blocks of many: a record takes its size. */
    size_t rec_size = fl_record_size();
    size_t chunk = rec_size;

    printf("# sizeof(struct fl_record) = %zu bytes, allocated in blocks of "
           "records (no malloc chunk per record)\n", rec_size);
    printf("# close/rec: heap taken by closing the interval into a snapshot "
           "(a copy of the records would take sizeof(struct "
           "flowlog_record) = %zu)\n", sizeof(struct flowlog_record));
    printf("# %-9s %14s %10s %10s %10s %10s %9s %9s %9s\n", "N",
           "heap_delta", "B/record", "record", "cmap/rec", "cmap_model",
           "ns/insert", "close/rec", "ns/close");

    for (int a = 0; a < argc; a++) {
        size_t n = strtoul(argv[a], NULL, 10);
        struct bench_setup s;

        setup_create(&s);
        struct flowlog_flow *f = flow_create(s.binding);
        ovsrcu_quiesce();

        size_t before = heap_in_use();
        double t0 = now_sec();
        for (size_t i = 0; i < n; i++) {
            flow_set_tuple(f, 0, i);
            fl_flow_account(f, 1, 64, (long long int) (i % IV_END));
        }
        double t1 = now_sec();
        ovsrcu_quiesce();   /* Frees the cmap arrays replaced by growth. */
        size_t after = heap_in_use();

        size_t got = cmap_count(&s.iv->records);
        if (got != n) {
            fprintf(stderr, "expected %zu records, table holds %zu\n",
                    n, got);
            return 1;
        }
        double delta = (double) after - before;
        double per = delta / n;
        size_t nb = cmap_buckets_for(n);

        /* The close: the snapshot takes the interval over. */
        double t2 = now_sec();
        struct fl_snapshot *snap = fl_snapshot_create(s.logger, s.iv, 1);
        double t3 = now_sec();
        size_t closed = heap_in_use();
        if (snap->n_records != n) {
            fprintf(stderr, "expected %zu records in the snapshot, got "
                    "%zu\n", n, snap->n_records);
            return 1;
        }
        /* The snapshot's order is the files' (self-check of the sort). */
        struct flowlog_record prev, cur;
        for (size_t i = 0; i < snap->n_records; i++) {
            fl_snapshot_record(snap, i, &cur);
            if (i && flowlog_record_compare(&prev, &cur) > 0) {
                fprintf(stderr, "snapshot records %zu and %zu are out of "
                        "order\n", i - 1, i);
                return 1;
            }
            prev = cur;
        }

        printf("  %-9zu %14.0f %10.1f %10zu %10.1f %10.1f %9.0f %9.1f "
               "%9.0f\n", n, delta, per, chunk, per - chunk,
               (64.0 * nb + 64) / n, (t1 - t0) * 1e9 / n,
               ((double) closed - after) / n, (t3 - t2) * 1e9 / n);

        free_cacheline(f);
        fl_snapshot_free(snap);     /* Destroys the interval. */
        s.iv = NULL;
        setup_destroy(&s);
        size_t end = heap_in_use();
        if (end > before + 4096) {
            printf("# note: %zu bytes not returned after destroying the "
                   "interval\n", end - before);
        }
    }
    return 0;
}

/* Update path. */

static struct ovs_mutex global_mutex = OVS_MUTEX_INITIALIZER;

/* Control workload: every fl_flow_account() also adds to the interval's
 * totals (iv->packets, iv->bytes), one cache line that all threads write.
 * This does only that, to show what that line alone allows. */
static struct {
    atomic_uint64_t packets, bytes;
} OVS_ALIGNED_VAR(CACHE_LINE_SIZE) shared_totals, private_totals[2];

struct worker {
    pthread_t thread;
    unsigned int id;
    int cpu;
    bool use_mutex;
    bool shared;                /* All threads update the same records. */
    int control;                /* 1: only the 2 shared atomic adds;
                                 * 2: the same on a per-thread line;
                                 * 3: only the record lookup (no writes);
                                 * 4: record-sized private memory: read a
                                 *    key, 2 atomic adds, no hook code. */
    struct fl_interval *iv;
    uint32_t n_records;
    uint64_t n_updates;
    struct flowlog_flow *flow;
    struct flowlog_flow **flows;    /* If nonnull, one per record. */
    pthread_barrier_t *barrier;
    double start, end;
};

static void __attribute__((noinline))
bench_update_loop(struct worker *w)
{
    struct flowlog_flow *f = w->flow;
    unsigned int t = w->shared ? 0 : w->id;
    uint32_t r = 0;

    if (w->control == 3) {
        /* What record_find() in flowlog-table.c does: the same hash and
         * cmap walk, but read-only. */
        const struct fl_target *tg = &f->targets[0];
        uint64_t found = 0;
        for (uint64_t i = 0; i < w->n_updates; i++) {
            flow_set_tuple(f, t, r);
            if (++r >= w->n_records) {
                r = 0;
            }
            struct fl_key k = f->key;
            k.direction = tg->direction;
            k.verdict = tg->verdict;
            uint32_t hash = hash_words((const uint32_t *) &k, sizeof k / 4,
                                       hash_pointer(tg->binding, 0));
            const struct cmap_node *node = cmap_find(&w->iv->records, hash);
            found += node != NULL;
        }
        if (found != w->n_updates) {
            fprintf(stderr, "lookup control: found %"PRIu64" of %"PRIu64
                    "\n", found, w->n_updates);
            exit(1);
        }
        return;
    }
    if (w->control == 4) {
        struct fake_record {
            uint8_t key[48];
            atomic_uint64_t packets, bytes;
            uint8_t pad[32];
        } *recs = xmalloc_cacheline(w->n_records * sizeof *recs);
        BUILD_ASSERT_DECL(sizeof(struct fake_record) == 96);
        memset(recs, 0, w->n_records * sizeof *recs);
        uint64_t sum = 0;
        for (uint64_t i = 0; i < w->n_updates; i++) {
            /* Scattered, as records are reached through the cmap. */
            struct fake_record *fr = &recs[(r * 2654435761u) % w->n_records];
            if (++r >= w->n_records) {
                r = 0;
            }
            sum += fr->key[i & 31];
            atomic_add_relaxed(&fr->packets, 1, &(uint64_t) {0});
            atomic_add_relaxed(&fr->bytes, 100, &(uint64_t) {0});
        }
        free_cacheline(recs);
        if (sum) {
            abort();
        }
        return;
    }
    if (w->control) {
        typeof(&shared_totals) c = (w->control == 1 ? &shared_totals
                                    : &private_totals[w->id]);
        for (uint64_t i = 0; i < w->n_updates; i++) {
            atomic_add_relaxed(&c->packets, 1, &(uint64_t) {0});
            atomic_add_relaxed(&c->bytes, 100, &(uint64_t) {0});
        }
        return;
    }
    for (uint64_t i = 0; i < w->n_updates; i++) {
        if (w->flows) {
            f = w->flows[r];
        } else {
            flow_set_tuple(f, t, r);
        }
        if (++r >= w->n_records) {
            r = 0;
        }
        if (w->use_mutex) {
            ovs_mutex_lock(&global_mutex);
            fl_flow_account(f, 1, 100, 1000);
            ovs_mutex_unlock(&global_mutex);
        } else {
            fl_flow_account(f, 1, 100, 1000);
        }
    }
}

static void *
worker_main(void *w_)
{
    struct worker *w = w_;

    if (w->cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(w->cpu, &set);
        pthread_setaffinity_np(pthread_self(), sizeof set, &set);
    }
    pthread_barrier_wait(w->barrier);
    w->start = now_sec();
    bench_update_loop(w);
    w->end = now_sec();
    return NULL;
}

static int
compare_doubles(const void *a_, const void *b_)
{
    const double *a = a_, *b = b_;
    return *a < *b ? -1 : *a > *b;
}

static double
median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, compare_doubles);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Runs 'n_updates' updates split over 'n_threads' threads; returns
 * updates per second (all threads, first start to last end). */
static double
run_updates(struct bench_setup *s, struct flowlog_flow **flows,
            int n_threads, bool use_mutex, bool shared, int control,
            uint32_t n_records,
            uint64_t n_updates, int n_cpus)
{
    struct worker w[2];
    pthread_barrier_t barrier;

    pthread_barrier_init(&barrier, NULL, n_threads);
    for (int i = 0; i < n_threads; i++) {
        w[i] = (struct worker) {
            .id = i,
            .cpu = n_cpus >= n_threads ? i : -1,
            .use_mutex = use_mutex,
            .shared = shared,
            .control = control,
            .iv = s->iv,
            .n_records = n_records,
            .n_updates = n_updates / n_threads,
            .flow = flows[i],
            .barrier = &barrier,
        };
        int error = pthread_create(&w[i].thread, NULL, worker_main, &w[i]);
        if (error) {
            fprintf(stderr, "pthread_create: %s\n", strerror(error));
            exit(1);
        }
    }
    double start = 1e300, end = 0;
    for (int i = 0; i < n_threads; i++) {
        pthread_join(w[i].thread, NULL);
        start = MIN(start, w[i].start);
        end = MAX(end, w[i].end);
    }
    pthread_barrier_destroy(&barrier);
    return (n_updates / n_threads) * n_threads / (end - start);
}

/* Inserts the records both workloads update: 'n_records' per thread id,
 * so that "distinct" runs never share a record and "shared" runs use those
 * of thread 0. */
static void
populate(struct bench_setup *s, struct flowlog_flow *f, uint32_t n_records)
{
    for (unsigned int t = 0; t < 2; t++) {
        for (uint32_t i = 0; i < n_records; i++) {
            flow_set_tuple(f, t, i);
            fl_flow_account(f, 1, 100, 1000);
        }
    }
    ovsrcu_quiesce();
}

static int
cmd_update(int argc, char *argv[])
{
    uint64_t n_updates = argc > 0 ? strtoull(argv[0], NULL, 10) : 4000000;
    int rounds = argc > 1 ? atoi(argv[1]) : 5;
    uint32_t n_records = argc > 2 ? strtoul(argv[2], NULL, 10) : 4096;
    int n_cpus = sysconf(_SC_NPROCESSORS_ONLN);
    struct bench_setup s;

    setup_create(&s);
    struct flowlog_flow *flows[2] = { flow_create(s.binding),
                                      flow_create(s.binding) };
    populate(&s, flows[0], n_records);

    static const struct {
        const char *name;
        bool use_mutex, shared;
        int control;
    } variants[] = {
        { "lock-free (hook), distinct records", false, false, 0 },
        { "global mutex (NetFlow pattern), distinct records",
          true, false, 0 },
        { "lock-free (hook), same records", false, true, 0 },
        { "global mutex (NetFlow pattern), same records", true, true, 0 },
        { "control: only 2 atomic adds to one shared line",
          false, false, 1 },
        { "control: only 2 atomic adds to a per-thread line",
          false, false, 2 },
        { "control: only the record lookup (hash + cmap_find)",
          false, false, 3 },
        { "control: scattered private 96-byte records, 2 adds",
          false, false, 4 },
    };
    enum { N_VARIANTS = ARRAY_SIZE(variants) };
    double *rate[N_VARIANTS][2];
    for (int v = 0; v < N_VARIANTS; v++) {
        for (int t = 0; t < 2; t++) {
            rate[v][t] = xcalloc(rounds, sizeof(double));
        }
    }

    printf("# %"PRIu64" updates per run, %u records per thread, %d rounds "
           "(alternating), %d CPUs, threads pinned: %s\n", n_updates,
           n_records, rounds, n_cpus, n_cpus >= 2 ? "yes" : "no");
    for (int r = 0; r < rounds; r++) {
        for (int v = 0; v < N_VARIANTS; v++) {
            for (int t = 0; t < 2; t++) {
                rate[v][t][r] = run_updates(&s, flows, t + 1,
                                            variants[v].use_mutex,
                                            variants[v].shared,
                                            variants[v].control, n_records,
                                            n_updates, n_cpus);
            }
        }
    }

    printf("# %-50s %12s %12s %8s\n", "variant", "1 thread/s", "2 threads/s",
           "2T/1T");
    for (int v = 0; v < N_VARIANTS; v++) {
        double one = median(rate[v][0], rounds);
        double two = median(rate[v][1], rounds);
        printf("  %-50s %12.0f %12.0f %8.2f\n", variants[v].name, one, two,
               two / one);
    }

    /* Sanity: every update landed (nothing skipped, nothing lost). */
    uint64_t packets, bytes, skipped;
    fl_interval_totals(s.iv, &packets, &bytes, &skipped);
    uint64_t expected = 2ULL * n_records;
    for (int v = 0; v < N_VARIANTS; v++) {
        for (int t = 0; t < 2 && !variants[v].control; t++) {
            expected += (uint64_t) rounds * (n_updates / (t + 1)) * (t + 1);
        }
    }
    printf("# interval packets %"PRIu64", expected %"PRIu64" (%s)\n",
           packets, expected, packets == expected ? "ok" : "MISMATCH");

    free_cacheline(flows[0]);
    free_cacheline(flows[1]);
    setup_destroy(&s);
    return packets == expected ? 0 : 1;
}

static int
cmd_callgrind(int argc, char *argv[])
{
    bool use_mutex = argc > 0 && !strcmp(argv[0], "mutex");
    bool per_flow = argc > 0 && !strcmp(argv[0], "flows");
    uint64_t n_updates = argc > 1 ? strtoull(argv[1], NULL, 10) : 200000;
    uint32_t n_records = 4096;
    struct bench_setup s;

    setup_create(&s);
    struct flowlog_flow *f = flow_create(s.binding);
    populate(&s, f, n_records);

    /* "flows": one flow per record, as datapath flows whose statistics
     * are pushed again and again, instead of one flow rewritten. */
    struct flowlog_flow **flows = NULL;
    if (per_flow) {
        flows = xmalloc(n_records * sizeof *flows);
        for (uint32_t i = 0; i < n_records; i++) {
            flows[i] = flow_create(s.binding);
            flow_set_tuple(flows[i], 0, i);
        }
    }

    struct worker w = {
        .n_records = n_records, .n_updates = n_updates, .flow = f,
        .flows = flows, .use_mutex = use_mutex, .iv = s.iv,
    };
    bench_update_loop(&w);  /* Not inlined: callgrind's toggle. */
    printf("# %s: %"PRIu64" updates over %u records\n",
           use_mutex ? "mutex" : per_flow ? "lockfree, a flow per record"
           : "lockfree", n_updates, n_records);
    for (uint32_t i = 0; per_flow && i < n_records; i++) {
        free_cacheline(flows[i]);
    }
    free(flows);
    free_cacheline(f);
    setup_destroy(&s);
    return 0;
}

int
main(int argc, char *argv[])
{
    set_program_name(argv[0]);
    vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_WARN);

    if (argc >= 2 && !strcmp(argv[1], "mem")) {
        return cmd_mem(argc - 2, argv + 2);
    } else if (argc >= 2 && !strcmp(argv[1], "update")) {
        return cmd_update(argc - 2, argv + 2);
    } else if (argc >= 2 && !strcmp(argv[1], "callgrind")) {
        return cmd_callgrind(argc - 2, argv + 2);
    }
    fprintf(stderr, "usage: %s mem N... | update [UPDATES [ROUNDS "
            "[RECORDS]]] | callgrind lockfree|mutex|flows [UPDATES]\n",
            argv[0]);
    return 2;
}
