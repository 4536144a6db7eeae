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


/* The flowlog hook's face to ovs-vswitchd's main loop (flowlog.h):
 * configuration, rotation, the channel and the commands, each in a file of
 * its own (see flowlog-ports.h for the layout). */

#include <config.h>
#include "ofproto-flowlog/flowlog.h"

#include "ofproto-flowlog/flowlog-channel.h"
#include "ofproto-flowlog/flowlog-ct.h"
#include "ofproto-flowlog/flowlog-frag.h"
#include "ofproto-flowlog/flowlog-ovsdb.h"
#include "ofproto-flowlog/flowlog-ports.h"
#include "ofproto-flowlog/flowlog-rotation.h"
#include "ofproto-flowlog/flowlog-unixctl.h"
#include "ofproto-flowlog/flowlog-xlate.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "timeval.h"

VLOG_DEFINE_THIS_MODULE(flowlog);

static bool initialized;

/* Initializes the hook; it reads the external_ids it needs from the
 * database at 'remote' (see flowlog-ovsdb.c).  Called from bridge_init(). */
void
flowlog_init(const char *remote)
{
    if (initialized) {
        return;
    }
    initialized = true;
    fl_clock_init();
    fl_rotation_init();
    fl_ct_init();
    fl_unixctl_register();
    fl_ovsdb_init(remote);
}

/* Applies the flow log configuration in 'cfg' (Open_vSwitch row and its
 * bridges, ports, interfaces and mirrors).  Called at the end of every
 * bridge reconfiguration, when all ofprotos and ports exist. */
void
flowlog_reconfigure(const struct ovsrec_open_vswitch *cfg)
{
    flowlog_init(NULL);
    if (!cfg) {
        return;
    }
    fl_ovsdb_configure(cfg);
    fl_rotation_wake();
}

void
flowlog_run(void)
{
    static long long int next_gc;
    struct fl_logger *l;

    if (!initialized) {
        return;
    }
    if (fl_ovsdb_run()) {
        fl_rotation_wake();
    }
    HMAP_FOR_EACH (l, node, &fl_loggers) {
        fl_logger_rotate(l);
    }
    fl_channel_run();
    if (time_msec() >= next_gc) {
        next_gc = time_msec() + 1000;
        fl_rid_run();
        fl_frag_run();
        HMAP_FOR_EACH (l, node, &fl_loggers) {
            fl_logger_gc_bindings(l);
        }
    }
}

void
flowlog_wait(void)
{
    if (!initialized) {
        return;
    }
    fl_ovsdb_wait();
    fl_rotation_wait();
    fl_channel_wait();
}

/* Graceful exit: every logger's partial interval becomes a snapshot. */
void
flowlog_exit(void)
{
    struct fl_logger *l;

    if (!initialized) {
        return;
    }
    fl_ct_exit();
    HMAP_FOR_EACH (l, node, &fl_loggers) {
        fl_logger_close_all(l);
    }

    /* Give a connected exporter up to 5 s (wall time: tests stop the
     * monotonic clock) to acknowledge what is queued. */
    long long int deadline = time_wall_msec() + 5000;
    while (!fl_channel_queue_empty() && fl_channel_is_connected()
           && time_wall_msec() < deadline) {
        fl_channel_run();
        if (fl_channel_queue_empty()) {
            break;
        }
        fl_channel_wait();
        poll_timer_wait(100);
        poll_block();
    }
    if (!fl_channel_queue_empty()) {
        struct fl_host *host = fl_host_get();

        fl_channel_log_unacknowledged(host ? host->queue_max_bytes
                                      : FLOWLOG_QUEUE_MAX_BYTES_DEFAULT);
    }
    fl_ovsdb_exit();
}
