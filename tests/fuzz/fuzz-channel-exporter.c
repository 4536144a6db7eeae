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

/* The exporter's end of the channel (utilities/exporter/exporter-conn.c):
 * a connection from ovs-vswitchd whose bytes are the input, handled by
 * exporter_conn_run() with a real spool and loggers (file targets under a
 * private directory; object-storage targets get no answer) until the
 * connection closes.  Whatever the exporter sends back is read and
 * dropped.  Snapshots that reach the spool are removed afterwards. */

#include <config.h>
#include "tests/fuzz/fuzz.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/flowlog-sink.h"
#include "lib/flowlog-sink-config.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "socket-util.h"
#include "stream-fd.h"
#include "utilities/exporter/exporter-conn.h"
#include "utilities/exporter/exporter-logger.h"
#include "utilities/exporter/exporter-spool.h"
#include "utilities/exporter/exporter-worker.h"
#include "util.h"

static struct exporter_spool *spool;

static void
notify(const char *name OVS_UNUSED, enum sink_status status OVS_UNUSED,
       const char *reason OVS_UNUSED)
{
}

static void
init(void)
{
    const char *tmp = fuzz_tmpdir();
    char *root = xasprintf("%s/files", tmp);
    char *conf = xasprintf("%s/exporter.conf", tmp);
    char *text = xasprintf(
        "[default]\n"
        "file-root = %s\n"
        "[swift]\n"
        "type = swift-tempauth\n"
        "auth-url = http://192.0.2.1:8080/auth/v1.0\n"
        "user = test:tester\n"
        "key = testing\n"
        "[s3]\n"
        "type = s3\n"
        "endpoint = http://192.0.2.2:8080\n"
        "access-key = AKIA\n"
        "secret-key = secret\n", root);
    struct sink_config *cfg;
    char *error;

    fuzz_write_file(conf, text, strlen(text), 0600);
    error = sink_config_load(conf, &cfg);
    if (!error) {
        char *dir = xasprintf("%s/spool", tmp);
        error = exporter_spool_open(dir, 64 * 1024 * 1024, 0, &spool);
        free(dir);
    }
    if (error) {
        ovs_fatal(0, "%s", error);
    }
    fuzz_http_start(NULL, 0);       /* No network. */
    exporter_loggers_init(cfg, notify);
    exporter_workers_start(1);
    sink_config_unref(cfg);
    free(text);
    free(conf);
    free(root);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int fds[2];

    fuzz_init();
    if (!spool) {
        init();
    }
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds)) {
        ovs_fatal(errno, "socketpair failed");
    }
    set_nonblocking(fds[0]);
    set_nonblocking(fds[1]);

    struct stream *stream;
    new_fd_stream(xstrdup("unix:fuzz"), fds[0], 0, AF_UNIX, &stream);
    struct exporter_conn *conn = exporter_conn_create(stream, spool);

    size_t ofs = 0;
    bool shut = false;
    for (int i = 0; i < 100000; i++) {
        if (ofs < size) {
            ssize_t n = write(fds[1], data + ofs, size - ofs);
            if (n > 0) {
                ofs += n;
            }
        } else if (!shut) {
            shutdown(fds[1], SHUT_WR);
            shut = true;
        }
        char buf[65536];
        while (read(fds[1], buf, sizeof buf) > 0) {
            continue;
        }
        if (!exporter_conn_run(conn)) {
            break;
        }
        if (shut && i > 1000) {
            /* Stalled (e.g. waiting for room in the spool). */
            break;
        }
    }

    struct ds s = DS_EMPTY_INITIALIZER;
    exporter_conn_format(conn, &s);
    json_destroy(exporter_conn_to_json(conn));
    exporter_loggers_format(&s);
    ds_destroy(&s);
    exporter_conn_destroy(conn);
    close(fds[1]);

    exporter_workers_run();
    exporter_spool_run(spool);
    const struct exporter_spool_entry *e;
    while ((e = exporter_spool_oldest(spool, NULL, NULL)) != NULL) {
        exporter_spool_remove(spool, e);
    }
    return 0;
}
