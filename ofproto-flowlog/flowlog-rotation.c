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


/* Interval rotation and closing (see flowlog-rotation.h), and the tracking
 * of revalidator dumps that closing waits for. */

#include <config.h>
#include "ofproto-flowlog/flowlog-rotation.h"

#include "ofproto/ofproto-dpif-upcall.h"
#include "ofproto-flowlog/flowlog.h"
#include "ofproto-flowlog/flowlog-channel.h"
#include "ofproto-flowlog/flowlog-ct.h"
#include "ofproto-flowlog/flowlog-ports.h"
#include "ofproto-flowlog/flowlog-snapshot.h"
#include "ofproto-flowlog/flowlog-table.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "seq.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(flowlog_rotation);

/* Wakes the main loop when an interval may close. */
static struct seq *fl_seq;

/* Sequence number of the next snapshot of this ovs-vswitchd run. */
static uint64_t fl_next_seq = 1;

/* Revalidator dumps, per udpif. */
struct dump_tracker {
    const struct udpif *udpif;
    uint64_t started;
    uint64_t completed;
};
static struct ovs_mutex dump_mutex = OVS_MUTEX_INITIALIZER;
static struct dump_tracker trackers[FL_MAX_UDPIFS] OVS_GUARDED_BY(dump_mutex);
static size_t n_trackers OVS_GUARDED_BY(dump_mutex);

void
fl_rotation_init(void)
{
    fl_seq = seq_create();
}

void
fl_rotation_wake(void)
{
    seq_change(fl_seq);
}

static long long int
aligned_end(long long int t, int interval_s)
{
    long long int span = interval_s * 1000LL;
    return (t / span + 1) * span;
}

static struct fl_ivset *
logger_ivset(const struct fl_logger *l)
{
    return ovsrcu_get_protected(struct fl_ivset *, &l->ivset);
}

struct fl_interval *
fl_logger_current(const struct fl_logger *l)
{
    struct fl_ivset *set = logger_ivset(l);
    return set && set->n ? set->iv[set->n - 1] : NULL;
}

/* Publishes the open intervals of 'l': those on its closing list that are
 * still published, then 'cur'. */
static void
logger_publish(struct fl_logger *l, struct fl_interval *cur)
{
    size_t n = ovs_list_size(&l->closing) + 1;
    struct fl_ivset *set = xmalloc(sizeof *set + n * sizeof set->iv[0]);
    struct fl_interval *iv;

    set->n = 0;
    LIST_FOR_EACH (iv, node, &l->closing) {
        if (!iv->unpublished) {
            set->iv[set->n++] = iv;
        }
    }
    if (cur) {
        set->iv[set->n++] = cur;
    }
    struct fl_ivset *old = logger_ivset(l);
    ovsrcu_set(&l->ivset, set);
    if (old) {
        ovsrcu_postpone(free, old);
    }
}

static void
interval_mark_quiesced(struct fl_interval *iv)
{
    atomic_store(&iv->quiesced, true);
    seq_change(fl_seq);
}

/* Moves 'iv' to the closing list: it closes once a revalidator dump that
 * began after now has completed. */
static void
interval_start_closing(struct fl_logger *l, struct fl_interval *iv)
{
    ovs_mutex_lock(&dump_mutex);
    iv->n_dump = n_trackers;
    for (size_t i = 0; i < n_trackers; i++) {
        iv->dump_udpif[i] = trackers[i].udpif;
        iv->dump_started[i] = trackers[i].started;
    }
    ovs_mutex_unlock(&dump_mutex);
    ovs_list_push_back(&l->closing, &iv->node);
}

static bool
interval_dumps_done(const struct fl_interval *iv)
{
    bool done = true;

    ovs_mutex_lock(&dump_mutex);
    for (size_t i = 0; i < iv->n_dump; i++) {
        for (size_t j = 0; j < n_trackers; j++) {
            if (trackers[j].udpif == iv->dump_udpif[i]
                && trackers[j].completed <= iv->dump_started[i]) {
                done = false;
            }
        }
    }
    ovs_mutex_unlock(&dump_mutex);
    return done;
}

void
fl_revalidate_all(void)
{
    ovs_mutex_lock(&dump_mutex);
    for (size_t i = 0; i < n_trackers; i++) {
        udpif_revalidate(CONST_CAST(struct udpif *, trackers[i].udpif));
    }
    ovs_mutex_unlock(&dump_mutex);
}

static void
queue_push(struct fl_snapshot *s)
{
    struct fl_host *host = fl_host_get();

    fl_channel_push(s, host ? host->queue_max_bytes
                            : FLOWLOG_QUEUE_MAX_BYTES_DEFAULT);
}

/* Turns closed interval 'iv' of 'l' into a snapshot on the queue, which
 * takes it over. */
static void
snapshot_emit(struct fl_logger *l, struct fl_interval *iv)
{
    struct fl_snapshot *s = fl_snapshot_create(l, iv, fl_next_seq++);

    uint64_t packets, bytes, skipped;
    fl_interval_totals(iv, &packets, &bytes, &skipped);
    l->total_packets += packets;
    l->total_bytes += bytes;
    l->total_skipped += skipped;
    l->n_snapshots++;

    struct ds d = DS_EMPTY_INITIALIZER;
    fl_format_time(&d, s->start);
    ds_put_cstr(&d, " to ");
    fl_format_time(&d, s->end);
    VLOG_INFO("logger %s: closed interval %s: snapshot %"PRIu64", "
              "%"PRIuSIZE" records, %"PRIu64" packets",
              l->name, ds_cstr(&d), s->seq, s->n_records, packets);
    ds_destroy(&d);
    if (iv->waiter) {
        struct fl_close_waiter *w = iv->waiter;

        iv->waiter = NULL;
        w->n_pending--;
        w->closed(w, l, s);
    }

    queue_push(s);
}

/* Closes every open interval of 'l' now, without waiting for a dump (logger
 * deleted, ovs-vswitchd exiting). */
void
fl_logger_close_all(struct fl_logger *l)
{
    struct fl_interval *cur = fl_logger_current(l);
    struct fl_interval *iv;

    if (cur) {
        long long int now = fl_wall_msec();
        cur->end = MAX(MIN(cur->end, now), cur->start + 1);
        ovs_list_push_back(&l->closing, &cur->node);
    }
    LIST_FOR_EACH_POP (iv, node, &l->closing) {
        snapshot_emit(l, iv);
    }
    struct fl_ivset *old = logger_ivset(l);
    ovsrcu_set(&l->ivset, NULL);
    if (old) {
        ovsrcu_postpone(free, old);
    }
}

/* Rotation and closing, from the main loop. */
void
fl_logger_rotate(struct fl_logger *l)
{
    const struct fl_opts *opts = fl_logger_opts(l);
    if (!opts) {
        return;
    }

    int interval = opts->o.interval;
    long long int now = fl_wall_msec();
    struct fl_interval *cur = fl_logger_current(l);
    bool republish = false;

    if (!cur) {
        long long int end = aligned_end(now, interval);
        cur = fl_interval_create(end - interval * 1000LL, end);
        /* After a (re)start, the first interval starts now. */
        cur->start = now;
        republish = true;
    } else if (now >= cur->end) {
        long long int next = cur->end;
        int n_gap = 0;

        interval_start_closing(l, cur);
        while (aligned_end(next, interval) <= now && n_gap < 16) {
            /* No packet was seen in these, but every port still gets its
             * NODATA record for each of them. */
            struct fl_interval *gap
                = fl_interval_create(next, aligned_end(next, interval));
            interval_start_closing(l, gap);
            next = gap->end;
            n_gap++;
        }
        if (aligned_end(next, interval) <= now) {
            struct ds d = DS_EMPTY_INITIALIZER;
            fl_format_time(&d, next);
            VLOG_WARN("logger %s: clock jumped; no files for the intervals "
                      "from %s to the current one", l->name, ds_cstr(&d));
            ds_destroy(&d);
            next = aligned_end(now, interval) - interval * 1000LL;
        }
        cur = fl_interval_create(next, aligned_end(next, interval));
        republish = true;
    }

    /* Close in order: unpublish once the dump is done, snapshot once no
     * thread can still be updating it. */
    struct fl_interval *iv;
    LIST_FOR_EACH_SAFE (iv, node, &l->closing) {
        if (!iv->unpublished) {
            if (!interval_dumps_done(iv) || !fl_ct_settled(iv)) {
                break;
            }
            /* tests/bench/bench-close times a close from here. */
            VLOG_DBG("logger %s: closing dump done", l->name);
            iv->unpublished = true;
            republish = true;
            ovsrcu_postpone(interval_mark_quiesced, iv);
            continue;
        }
        bool quiesced;
        atomic_read(&iv->quiesced, &quiesced);
        if (!quiesced) {
            break;
        }
        ovs_list_remove(&iv->node);
        snapshot_emit(l, iv);
    }
    if (republish) {
        logger_publish(l, cur);
    }
}

/* Forgets detached bindings that no open interval can still need. */
void
fl_logger_gc_bindings(struct fl_logger *l)
{
    struct fl_ivset *set = logger_ivset(l);
    long long int oldest = LLONG_MAX;
    struct fl_interval *iv;
    struct fl_binding *b;

    LIST_FOR_EACH (iv, node, &l->closing) {
        oldest = MIN(oldest, iv->start);
    }
    if (set) {
        for (size_t i = 0; i < set->n; i++) {
            oldest = MIN(oldest, set->iv[i]->start);
        }
    }
    HMAP_FOR_EACH_SAFE (b, node, &l->bindings) {
        if (!b->attached && b->detached_ms < oldest) {
            hmap_remove(&l->bindings, &b->node);
            fl_binding_unref(b);
        }
    }
}

/* Closes the current interval of 'l' now, if it has one, and counts it in
 * 'w', which is told once a revalidator dump that began after now has pushed
 * every datapath flow's statistics and the snapshot is made. */
void
fl_logger_flush(struct fl_logger *l, struct fl_close_waiter *w)
{
    struct fl_interval *cur = fl_logger_current(l);
    const struct fl_opts *o = fl_logger_opts(l);

    if (!cur || !o) {
        return;
    }
    long long int now = MAX(fl_wall_msec(), cur->start + 1);
    long long int end = cur->end;

    cur->end = MIN(now, end);
    cur->waiter = w;
    w->n_pending++;
    interval_start_closing(l, cur);
    logger_publish(l, fl_interval_create(cur->end,
                                         aligned_end(cur->end,
                                                     o->o.interval)));
}

/* Waits for the next boundary of each logger's current interval, and polls
 * while intervals wait for a dump. */
void
fl_rotation_wait(void)
{
    bool closing = false;
    struct fl_logger *l;

    HMAP_FOR_EACH (l, node, &fl_loggers) {
        struct fl_interval *cur = fl_logger_current(l);
        if (!ovs_list_is_empty(&l->closing)) {
            closing = true;
        }
        if (cur) {
            poll_timer_wait_until(fl_wall_to_mono(cur->end));
        } else if (fl_logger_opts(l)) {
            poll_immediate_wake();
        }
    }

    /* Only a closing interval waits for other threads (a revalidator dump
     * that ends, an RCU grace period that passes): the main loop of a busy
     * switch runs for every few packets, and a seq_wait() costs it about as
     * much as the rest of this function. */
    if (closing) {
        seq_wait(fl_seq, seq_read(fl_seq));
        poll_timer_wait(100);
    }
}

void
flowlog_dump_begin(const struct udpif *udpif)
{
    ovs_mutex_lock(&dump_mutex);
    for (size_t i = 0; i < n_trackers; i++) {
        if (trackers[i].udpif == udpif) {
            trackers[i].started++;
            ovs_mutex_unlock(&dump_mutex);
            return;
        }
    }
    ovs_assert(n_trackers < FL_MAX_UDPIFS);
    trackers[n_trackers++] = (struct dump_tracker) {
        .udpif = udpif, .started = 1, .completed = 0,
    };
    ovs_mutex_unlock(&dump_mutex);
}

void
flowlog_dump_end(const struct udpif *udpif)
{
    ovs_mutex_lock(&dump_mutex);
    for (size_t i = 0; i < n_trackers; i++) {
        if (trackers[i].udpif == udpif) {
            trackers[i].completed = trackers[i].started;
        }
    }
    ovs_mutex_unlock(&dump_mutex);
    if (fl_seq) {
        seq_change(fl_seq);
    }
}

void
flowlog_dump_forget(const struct udpif *udpif)
{
    ovs_mutex_lock(&dump_mutex);
    for (size_t i = 0; i < n_trackers; i++) {
        if (trackers[i].udpif == udpif) {
            trackers[i] = trackers[--n_trackers];
            break;
        }
    }
    ovs_mutex_unlock(&dump_mutex);
}

