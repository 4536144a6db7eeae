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

/* The conntrack merge.
 *
 * Where netfilter enforces a port's security group between the VM and OVS
 * (Neutron's iptables_hybrid driver), OVS delivers packets toward the VM
 * that netfilter may then drop.  A packet that netfilter lets through has a
 * confirmed conntrack entry in the port's zone; the first packet of one it
 * drops never gets one.  So:
 *
 *   - the statistics of what OVS delivered to such a port with verdict
 *     ACCEPT wait (flowlog-table's struct fl_pending) until this thread has
 *     read every conntrack event from before their last packet plus
 *     FL_CT_SLACK_MS (the time the kernel may take between OVS's send and
 *     its conntrack decision);
 *   - then they stay ACCEPT if an entry of their 5-tuple (either direction)
 *     existed at that time, and become DROP if none did (netfilter dropped
 *     them), if the only ones were destroyed before (as Neutron does after
 *     a security-group change), or if the entry carries the blocked mark;
 *     a DROP for lack of an entry waits FL_CT_REPLY_WAIT_MS more, for what
 *     the port sent meanwhile to show whether its traffic is untracked;
 *   - ICMP errors toward the VM carry no entry of their own: they stay
 *     ACCEPT if the VM has an entry toward their sender (or any entry, for
 *     an error from a router on the path);
 *   - while events may have been lost (the event socket overflowed, until a
 *     dump has been merged) a tuple without an entry stays ACCEPT and is
 *     counted as unverified: never guessed as DROP;
 *   - what such a port sent (egress) passed netfilter before OVS saw it: its
 *     verdict stays.  If it has no entry, the port's traffic is untracked
 *     (CT --notrack, stateless security groups): from then on, until a
 *     packet it sends has one, the port's ingress verdicts stay too.
 *
 * The interval close waits for this (fl_ct_settled()), at most one
 * revalidator cycle; what is still waiting then is counted ACCEPT and
 * unverified. */

#include <config.h>
#include "ofproto-flowlog/flowlog-ct.h"

#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>

#include "lib/flowlog-nfct.h"
#include "ofproto/ofproto-provider.h"
#include "ofproto-flowlog/flowlog-ports.h"
#include "ofproto-flowlog/flowlog-table.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "ovs-thread.h"
#include "seq.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(flowlog_ct);

/* How long the kernel may take, after OVS sent a packet, to confirm its
 * conntrack entry and queue the event. */
#define FL_CT_SLACK_MS 100

/* How long a DROP for lack of an entry waits for what the port sends (a
 * reply) to show that its traffic is untracked.  With FL_CT_SLACK_MS and
 * the thread's polling, within the default revalidator cycle (500 ms). */
#define FL_CT_REPLY_WAIT_MS 250

/* Destroyed entries are kept this long, for statistics pushed late. */
#define FL_CT_KEEP_MS (120 * 1000)

/* A failed conntrack socket is retried this often. */
#define FL_CT_RETRY_MS 5000

/* A stretch of time in which events may have been lost. */
struct gap {
    long long int start, end;   /* end is LLONG_MAX while open. */
};
#define N_GAPS 8

/* A zone as the thread sees it: configuration and status. */
struct zone_state {
    struct fl_ct_zone cfg;
    uint64_t events;
    bool untracked;             /* Last egress evidence: no entries. */
};

static struct ovs_mutex ct_mutex = OVS_MUTEX_INITIALIZER;

/* Configuration (main thread writes, under 'ct_mutex'). */
static struct fl_ct_zone *cfg_zones OVS_GUARDED_BY(ct_mutex);
static size_t cfg_n_zones OVS_GUARDED_BY(ct_mutex);
static int cfg_event_buffer OVS_GUARDED_BY(ct_mutex);
static uint64_t cfg_gen OVS_GUARDED_BY(ct_mutex);
static struct seq *cfg_seq;

/* Status (thread writes, under 'ct_mutex'). */
static struct zone_state *st_zones OVS_GUARDED_BY(ct_mutex);
static size_t st_n_zones OVS_GUARDED_BY(ct_mutex);
static char *st_error OVS_GUARDED_BY(ct_mutex);
static struct flowlog_nfct_stats st_stats OVS_GUARDED_BY(ct_mutex);
static int st_acct OVS_GUARDED_BY(ct_mutex) = -1;
static int st_rcvbuf OVS_GUARDED_BY(ct_mutex);
static bool st_reading OVS_GUARDED_BY(ct_mutex);

static bool thread_started;

/* The thread's own state. */
struct ct_thread {
    struct flowlog_nfct *nf;
    struct zone_state *zones;
    size_t n_zones;
    int event_buffer;
    uint64_t gen;
    long long int drained;      /* Events from before were all read. */
    long long int retry_at;
    bool need_dump;
    struct gap gaps[N_GAPS];
    size_t n_gaps;              /* Total ever opened. */
    char *error;
    int acct;
    long long int next_expire;
    struct ovs_list deferred;   /* struct fl_pending, waiting for a reply. */
};

static struct zone_state *
zone_find(struct zone_state *zones, size_t n, uint16_t zone)
{
    for (size_t i = 0; i < n; i++) {
        if (zones[i].cfg.zone == zone) {
            return &zones[i];
        }
    }
    return NULL;
}

static void
gap_open(struct ct_thread *t, long long int start)
{
    if (t->n_gaps && t->gaps[(t->n_gaps - 1) % N_GAPS].end == LLONG_MAX) {
        return;
    }
    t->gaps[t->n_gaps++ % N_GAPS] = (struct gap) { start, LLONG_MAX };
}

static void
gap_close(struct ct_thread *t, long long int end)
{
    if (t->n_gaps && t->gaps[(t->n_gaps - 1) % N_GAPS].end == LLONG_MAX) {
        t->gaps[(t->n_gaps - 1) % N_GAPS].end = end;
    }
}

static bool
in_gap(const struct ct_thread *t, long long int when)
{
    size_t n = MIN(t->n_gaps, N_GAPS);

    for (size_t i = 0; i < n; i++) {
        const struct gap *g = &t->gaps[i];
        long long int lo = (g->start == LLONG_MIN ? LLONG_MIN
                            : g->start - FL_CT_SLACK_MS);
        if (when >= lo
            && (g->end == LLONG_MAX || when <= g->end + FL_CT_SLACK_MS)) {
            return true;
        }
    }
    return false;
}

/* Sets the reason the conntrack table cannot be read, or clears it. */
static void
set_error(struct ct_thread *t, const char *what, int error)
{
    char *msg = what ? xasprintf("%s: %s", what, ovs_strerror(error)) : NULL;

    if (msg && (!t->error || strcmp(msg, t->error))) {
        VLOG_ERR("conntrack merge: %s; ports with flowlog-ct-zone keep "
                 "their pipeline verdicts", msg);
    } else if (!msg && t->error) {
        VLOG_INFO("conntrack merge: reading the conntrack table again");
    }
    free(t->error);
    t->error = msg;
}

static void
nf_close(struct ct_thread *t)
{
    flowlog_nfct_close(t->nf);
    t->nf = NULL;
}

static void
set_zones(struct ct_thread *t)
{
    uint16_t *zones = xmalloc((t->n_zones + 1) * sizeof *zones);

    for (size_t i = 0; i < t->n_zones; i++) {
        zones[i] = t->zones[i].cfg.zone;
    }
    flowlog_nfct_set_zones(t->nf, zones, t->n_zones);
    free(zones);
}

/* Takes a new configuration, if there is one. */
static void
take_config(struct ct_thread *t, long long int now)
{
    ovs_mutex_lock(&ct_mutex);
    if (cfg_gen == t->gen) {
        ovs_mutex_unlock(&ct_mutex);
        return;
    }
    t->gen = cfg_gen;

    struct zone_state *zones = xcalloc(cfg_n_zones + 1, sizeof *zones);
    bool new_zone = false;
    for (size_t i = 0; i < cfg_n_zones; i++) {
        struct zone_state *old = zone_find(t->zones, t->n_zones,
                                           cfg_zones[i].zone);
        if (old) {
            zones[i] = *old;
        } else {
            new_zone = true;
        }
        zones[i].cfg = cfg_zones[i];
    }
    bool rebuffer = cfg_event_buffer != t->event_buffer;
    t->event_buffer = cfg_event_buffer;
    free(t->zones);
    t->zones = zones;
    t->n_zones = cfg_n_zones;
    ovs_mutex_unlock(&ct_mutex);

    if (t->nf && (!t->n_zones || rebuffer)) {
        nf_close(t);
        t->retry_at = now;
    }
    if (!t->n_zones) {
        set_error(t, NULL, 0);
    } else if (t->nf) {
        set_zones(t);
        if (new_zone) {
            /* The entries of the new zones come with a dump. */
            gap_open(t, t->drained);
            t->need_dump = true;
        }
    }
}

static void
nf_open(struct ct_thread *t, long long int now)
{
    int error = flowlog_nfct_open(t->event_buffer, &t->nf);

    t->acct = flowlog_nfct_acct();
    if (error) {
        set_error(t, "cannot open a conntrack event socket", error);
        t->retry_at = now + FL_CT_RETRY_MS;
        return;
    }
    set_zones(t);
    gap_open(t, LLONG_MIN);
    t->need_dump = true;
    VLOG_INFO("conntrack merge: reading conntrack events, receive buffer "
              "%d bytes", flowlog_nfct_rcvbuf(t->nf));
}

/* Reads the events waiting and, if needed, the whole table. */
static void
nf_read(struct ct_thread *t, long long int now)
{
    int error = flowlog_nfct_receive(t->nf, now);

    if (!error) {
        t->drained = now;
    } else if (error == EAGAIN) {
        poll_immediate_wake();
    } else if (error == ENOBUFS) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);
        VLOG_WARN_RL(&rl, "conntrack merge: the event socket overflowed "
                     "(receive buffer %d bytes, Open_vSwitch other_config:"
                     "flowlog-ct-event-buffer): re-reading the table; "
                     "tuples without an entry meanwhile count as "
                     "unverified", flowlog_nfct_rcvbuf(t->nf));
        gap_open(t, t->drained);
        t->need_dump = true;
    } else {
        set_error(t, "reading conntrack events failed", error);
        gap_open(t, t->drained);
        nf_close(t);
        t->retry_at = now + FL_CT_RETRY_MS;
        return;
    }

    if (t->need_dump) {
        error = flowlog_nfct_dump(t->nf, now);
        if (error) {
            set_error(t, "dumping the conntrack table failed", error);
            nf_close(t);
            t->retry_at = now + FL_CT_RETRY_MS;
            return;
        }
        t->need_dump = false;
        gap_close(t, time_msec());
        t->acct = flowlog_nfct_acct();
        set_error(t, NULL, 0);
        /* Events that came during the dump. */
        poll_immediate_wake();
    }
}

static bool
icmp_error(uint8_t type)
{
    return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

/* Counts the packets of 'p' as 'c'. */
static void
count(const struct fl_pending *p, enum fl_ct_count c)
{
    atomic_add_relaxed(&p->binding->ct_counts[c], p->packets,
                       &(uint64_t) {0});
}

/* Decides the verdict of 'p' and credits it. */
static void
decide(struct ct_thread *t, struct fl_pending *p)
{
    struct zone_state *z = zone_find(t->zones, t->n_zones, p->ct_zone);

    if (!z || !t->nf || t->error) {
        count(p, FL_CT_UNVERIFIED);
        fl_pending_account(p, FL_VERDICT_ACCEPT);
        return;
    }

    const struct fl_key *k = &p->flow_key;
    bool gap = in_gap(t, p->mono);
    bool ingress = p->key.direction == FL_DIR_INGRESS;
    enum flowlog_nfct_answer a;

    if (k->protocol == IPPROTO_ICMP && icmp_error(k->icmp_type)) {
        a = flowlog_nfct_lookup_related(t->nf, z->cfg.zone, k->src_addr,
                                        k->dst_addr, p->mono,
                                        FL_CT_SLACK_MS);
        if (!ingress) {
            /* Says nothing about whether the port is tracked. */
            fl_pending_account(p, FL_VERDICT_ACCEPT);
            return;
        }
    } else {
        struct flowlog_nfct_tuple tuple = {
            .src = k->src_addr, .dst = k->dst_addr,
            .src_port = k->src_port, .dst_port = k->dst_port,
            .protocol = k->protocol,
        };
        flowlog_nfct_verify(t->nf, z->cfg.zone, &tuple, time_msec());
        a = flowlog_nfct_lookup(t->nf, z->cfg.zone, &tuple, p->mono,
                                FL_CT_SLACK_MS, z->cfg.has_mark,
                                z->cfg.mark, z->cfg.mask);
    }

    if (!ingress) {
        /* It passed netfilter: its verdict stays.  Without an entry, the
         * port's traffic is untracked. */
        if (a == FLOWLOG_NFCT_CONFIRMED || a == FLOWLOG_NFCT_BLOCKED) {
            z->untracked = false;
            count(p, FL_CT_CONFIRMED);
        } else if (gap) {
            count(p, FL_CT_UNVERIFIED);
        } else {
            z->untracked = true;
            count(p, FL_CT_UNTRACKED);
        }
        fl_pending_account(p, FL_VERDICT_ACCEPT);
        return;
    }

    if (a == FLOWLOG_NFCT_CONFIRMED) {
        count(p, FL_CT_CONFIRMED);
        fl_pending_account(p, FL_VERDICT_ACCEPT);
    } else if (z->untracked) {
        count(p, FL_CT_UNTRACKED);
        fl_pending_account(p, FL_VERDICT_ACCEPT);
    } else if (a == FLOWLOG_NFCT_BLOCKED) {
        count(p, FL_CT_DROPPED);
        fl_pending_account(p, FL_VERDICT_DROP);
    } else if (!gap) {
        ovs_list_push_back(&t->deferred, &p->node);
    } else {
        count(p, FL_CT_UNVERIFIED);
        fl_pending_account(p, FL_VERDICT_ACCEPT);
    }
}

/* Decides the deferred DROPs that waited long enough: DROP, unless what the
 * port sent meanwhile showed that its traffic is untracked. */
static void
decide_deferred(struct ct_thread *t, long long int due)
{
    struct fl_pending *p;

    LIST_FOR_EACH_SAFE (p, node, &t->deferred) {
        if (p->mono + FL_CT_REPLY_WAIT_MS > due) {
            break;
        }
        ovs_list_remove(&p->node);

        struct zone_state *z = zone_find(t->zones, t->n_zones, p->ct_zone);
        if (!z || !t->nf || t->error) {
            count(p, FL_CT_UNVERIFIED);
            fl_pending_account(p, FL_VERDICT_ACCEPT);
        } else if (z->untracked) {
            count(p, FL_CT_UNTRACKED);
            fl_pending_account(p, FL_VERDICT_ACCEPT);
        } else {
            count(p, FL_CT_DROPPED);
            fl_pending_account(p, FL_VERDICT_DROP);
        }
    }
}

static void
publish_status(struct ct_thread *t)
{
    ovs_mutex_lock(&ct_mutex);
    free(st_zones);
    st_zones = xmemdup(t->zones, (t->n_zones + 1) * sizeof *t->zones);
    st_n_zones = t->n_zones;
    for (size_t i = 0; t->nf && i < t->n_zones; i++) {
        st_zones[i].events = flowlog_nfct_zone_events(t->nf,
                                                      t->zones[i].cfg.zone);
    }
    free(st_error);
    st_error = nullable_xstrdup(t->error);
    if (t->nf) {
        flowlog_nfct_stats(t->nf, &st_stats);
        st_rcvbuf = flowlog_nfct_rcvbuf(t->nf);
    }
    st_acct = t->acct;
    st_reading = t->nf != NULL;
    ovs_mutex_unlock(&ct_mutex);
}

static void *
ct_thread_main(void *arg OVS_UNUSED)
{
    struct ct_thread t = {
        .drained = LLONG_MIN,
        .acct = -1,
    };

    ovs_list_init(&t.deferred);

    for (;;) {
        uint64_t pending_seqno = seq_read(fl_pending_seq);
        uint64_t cfg_seqno = seq_read(cfg_seq);
        long long int now = time_msec();

        take_config(&t, now);
        if (!t.nf && t.n_zones && now >= t.retry_at) {
            nf_open(&t, now);
        }
        if (t.nf) {
            nf_read(&t, now);
        }

        /* Decide what waited long enough; without a table to read, decide
         * everything at once. */
        long long int due = (t.nf ? t.drained - FL_CT_SLACK_MS : LLONG_MAX);
        struct fl_pending *p;
        while ((p = fl_pending_pop(due))) {
            decide(&t, p);
        }
        decide_deferred(&t, due);

        if (t.nf && now >= t.next_expire) {
            flowlog_nfct_expire(t.nf, now - FL_CT_KEEP_MS);
            t.next_expire = now + 10 * 1000;
        }
        publish_status(&t);

        if (t.nf) {
            poll_fd_wait(flowlog_nfct_fd(t.nf), POLLIN);
            poll_timer_wait_until(t.next_expire);
        } else if (t.n_zones) {
            poll_timer_wait_until(t.retry_at);
        }
        if (fl_pending_count() || !ovs_list_is_empty(&t.deferred)) {
            poll_timer_wait(FL_CT_SLACK_MS / 4);
        } else {
            seq_wait(fl_pending_seq, pending_seqno);
        }
        seq_wait(cfg_seq, cfg_seqno);
        poll_block();
    }
    return NULL;
}

void
fl_ct_init(void)
{
    fl_pending_seq = seq_create();
    cfg_seq = seq_create();
}

/* Sets the zones to read (main thread). */
void
fl_ct_configure(const struct fl_ct_zone *zones, size_t n, int event_buffer)
{
    ovs_mutex_lock(&ct_mutex);
    bool same = (n == cfg_n_zones && event_buffer == cfg_event_buffer
                 && (!n || !memcmp(zones, cfg_zones, n * sizeof *zones)));
    if (!same) {
        free(cfg_zones);
        cfg_zones = n ? xmemdup(zones, n * sizeof *zones) : NULL;
        cfg_n_zones = n;
        cfg_event_buffer = event_buffer;
        cfg_gen++;
    }
    ovs_mutex_unlock(&ct_mutex);

    if (!same) {
        seq_change(cfg_seq);
        if (n && !thread_started) {
            thread_started = true;
            ovs_thread_create("flowlog_ct", ct_thread_main, NULL);
        }
    }
}

/* True once the conntrack merge has decided the statistics queued before
 * interval 'iv' began closing (its dumps are done), or it waited one
 * revalidator cycle for them, after which it counts the rest ACCEPT and
 * unverified. */
bool
fl_ct_settled(struct fl_interval *iv)
{
    long long int now = time_msec();

    if (!iv->ct_armed) {
        iv->ct_armed = true;
        iv->ct_target = fl_pending_pushed();
        iv->ct_deadline = now + MAX(ofproto_max_revalidator,
                                    2 * FL_CT_SLACK_MS + FL_CT_REPLY_WAIT_MS);
    }
    if (fl_pending_done() >= iv->ct_target) {
        return true;
    }
    if (now < iv->ct_deadline) {
        return false;
    }

    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);
    uint64_t n = 0;
    struct fl_pending *p;
    while (fl_pending_done() < iv->ct_target
           && (p = fl_pending_pop(LLONG_MAX))) {
        count(p, FL_CT_UNVERIFIED);
        fl_pending_account(p, FL_VERDICT_ACCEPT);
        n++;
    }
    VLOG_WARN_RL(&rl, "conntrack merge: %"PRIu64" flow statistics not "
                 "decided within a revalidator cycle of the interval's end, "
                 "counted ACCEPT and unverified", n);
    return true;
}

/* At exit: gives the merge the time it needs to decide what waits, then
 * counts the rest ACCEPT and unverified. */
void
fl_ct_exit(void)
{
    if (!thread_started) {
        return;
    }

    /* Wall time: tests may stop the monotonic clock. */
    uint64_t target = fl_pending_pushed();
    long long int deadline = (time_wall_msec() + 2 * FL_CT_SLACK_MS
                              + FL_CT_REPLY_WAIT_MS + 100);
    while (fl_pending_done() < target && time_wall_msec() < deadline) {
        xnanosleep(10 * 1000 * 1000);
    }

    struct fl_pending *p;
    while ((p = fl_pending_pop(LLONG_MAX))) {
        count(p, FL_CT_UNVERIFIED);
        fl_pending_account(p, FL_VERDICT_ACCEPT);
    }
}

static const char *
acct_string(int acct)
{
    return acct < 0 ? "unknown" : acct ? "on" : "off";
}

/* Appends the conntrack line of binding 'b' to 's', if its port has a
 * zone. */
void
fl_ct_format_port(struct ds *s, const struct fl_binding *b)
{
    if (b->ct_zone < 0) {
        return;
    }

    uint64_t c[FL_CT_N_COUNTS];
    for (int i = 0; i < FL_CT_N_COUNTS; i++) {
        atomic_read_relaxed(&CONST_CAST(struct fl_binding *, b)->ct_counts[i],
                            &c[i]);
    }

    ovs_mutex_lock(&ct_mutex);
    const struct zone_state *z = zone_find(st_zones, st_n_zones, b->ct_zone);
    ds_put_format(s, "      conntrack: zone %d, events %"PRIu64", dumps "
                  "%"PRIu64", overflows %"PRIu64", confirmed %"PRIu64
                  ", dropped %"PRIu64", unverified %"PRIu64", untracked "
                  "%"PRIu64", acct %s", b->ct_zone, z ? z->events : 0,
                  st_stats.dumps, st_stats.overflows, c[FL_CT_CONFIRMED],
                  c[FL_CT_DROPPED], c[FL_CT_UNVERIFIED], c[FL_CT_UNTRACKED],
                  acct_string(st_acct));
    if (st_error) {
        ds_put_format(s, ", unreadable: %s (pipeline verdicts kept)",
                      st_error);
    } else if (!z || !st_reading) {
        ds_put_cstr(s, ", starting");
    } else if (z->untracked) {
        ds_put_cstr(s, ", traffic untracked (pipeline verdicts kept)");
    }
    ds_put_char(s, '\n');
    ovs_mutex_unlock(&ct_mutex);
}

struct json *
fl_ct_port_json(const struct fl_binding *b)
{
    if (b->ct_zone < 0) {
        return json_null_create();
    }

    static const char *const names[FL_CT_N_COUNTS] = {
        "confirmed", "dropped", "unverified", "untracked",
    };
    struct json *obj = json_object_create();
    json_object_put(obj, "zone", json_integer_create(b->ct_zone));
    for (int i = 0; i < FL_CT_N_COUNTS; i++) {
        uint64_t x;
        atomic_read_relaxed(&CONST_CAST(struct fl_binding *, b)->ct_counts[i],
                            &x);
        json_object_put(obj, names[i], json_integer_create(x));
    }

    ovs_mutex_lock(&ct_mutex);
    const struct zone_state *z = zone_find(st_zones, st_n_zones, b->ct_zone);
    json_object_put(obj, "events", json_integer_create(z ? z->events : 0));
    json_object_put(obj, "dumps", json_integer_create(st_stats.dumps));
    json_object_put(obj, "overflows",
                    json_integer_create(st_stats.overflows));
    json_object_put(obj, "acct", (st_acct < 0 ? json_null_create()
                                  : json_boolean_create(st_acct)));
    json_object_put(obj, "unreadable", (st_error
                                        ? json_string_create(st_error)
                                        : json_null_create()));
    json_object_put(obj, "untracked", json_boolean_create(z && z->untracked));
    ovs_mutex_unlock(&ct_mutex);
    return obj;
}

/* Appends the host-wide conntrack line to 's', if any port has a zone. */
void
fl_ct_format_host(struct ds *s)
{
    ovs_mutex_lock(&ct_mutex);
    if (cfg_n_zones) {
        ds_put_format(s, "conntrack merge: %"PRIuSIZE" zones, %s, entries "
                      "%"PRIuSIZE", events %"PRIu64" (all zones %"PRIu64
                      "), receive buffer %d bytes, waiting statistics "
                      "%"PRIuSIZE"\n", cfg_n_zones,
                      st_error ? "unreadable" : st_reading ? "reading"
                      : "starting", st_stats.entries, st_stats.events,
                      st_stats.all_events, st_rcvbuf, fl_pending_count());
    }
    ovs_mutex_unlock(&ct_mutex);
}
