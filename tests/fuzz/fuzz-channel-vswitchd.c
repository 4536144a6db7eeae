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

/* ovs-vswitchd's end of the channel (ofproto-flowlog/flowlog-channel.c):
 * the hook connects to an exporter whose replies (Ack, LoggerState, or
 * anything else) are the input, and fl_channel_run() handles them until
 * the connection closes.  Three loggers are known, so that LoggerState
 * messages for them are taken in. */

#include <config.h>
#include "tests/fuzz/fuzz.h"

#include <errno.h>
#include <string.h>

#include "ofproto-flowlog/flowlog-channel.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "stream.h"
#include "util.h"

/* The channel reconnects after a backoff of at least 1 s (reconnect.c),
 * which each input would wait for.  So the time that the channel and
 * reconnect.c see (this harness is linked with -Wl,--wrap=time_msec)
 * jumps 10 s ahead for each input. */
long long int __real_time_msec(void);
long long int __wrap_time_msec(void);
static long long int time_offset;

long long int
__wrap_time_msec(void)
{
    return __real_time_msec() + time_offset;
}

static struct pstream *listeners[2];
static char *targets[2];

static void
init(void)
{
    for (int i = 0; i < 2; i++) {
        char *name = xasprintf("punix:%s/exporter%d.sock", fuzz_tmpdir(), i);
        int error = pstream_open(name, &listeners[i], 0);
        if (error) {
            ovs_fatal(error, "%s: listen failed", name);
        }
        targets[i] = xstrdup(name + 1);     /* "unix:..." */
        free(name);
    }
    fl_channel_logger_config("lg0", "interval=60", "kr1", "host-1");
    fl_channel_logger_config("lg1", "interval=60,format=parquet", "kr1",
                             "host-1");
    fl_channel_logger_config("lg2", "", "", "");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int next;

    fuzz_init();
    if (!targets[0]) {
        init();
    }

    /* A target other than the last one, past the backoff. */
    time_offset += 10000;
    int idx = next++ % 2;
    fl_channel_set_target(targets[idx], "host-1");

    struct stream *peer = NULL;
    for (int i = 0; i < 1000 && !(peer && fl_channel_is_connected()); i++) {
        fl_channel_run();
        if (!peer) {
            int error = pstream_accept(listeners[idx], &peer);
            if (error && error != EAGAIN) {
                ovs_fatal(error, "accept failed");
            }
        }
    }
    if (!peer || !fl_channel_is_connected()) {
        ovs_fatal(0, "the channel did not connect");
    }

    size_t ofs = 0;
    for (int i = 0; i < 100000 && fl_channel_is_connected(); i++) {
        if (ofs < size) {
            int n = stream_send(peer, data + ofs, size - ofs);
            if (n > 0) {
                ofs += n;
            }
        } else if (peer) {
            stream_close(peer);
            peer = NULL;
        }
        if (peer) {
            char buf[65536];
            while (stream_recv(peer, buf, sizeof buf) > 0) {
                continue;
            }
        }
        fl_channel_run();
    }
    stream_close(peer);

    struct ds s = DS_EMPTY_INITIALIZER;
    fl_channel_show(&s, 1 << 20);
    struct json *obj = json_object_create();
    fl_channel_show_json(obj, 1 << 20);
    json_destroy(obj);
    ds_destroy(&s);
    return 0;
}
