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

/* The object-storage sinks' side of tests/fuzz/fuzz.h: replies from the
 * input instead of the network, and a sequence of sink operations. */

#include <config.h>
#include "tests/fuzz/fuzz.h"

#include <stdlib.h>
#include <string.h>

#include "lib/flowlog-sink.h"
#include "lib/flowlog-sink-config.h"
#include "lib/flowlog-sink-http.h"
#include "openvswitch/dynamic-string.h"
#include "util.h"

/* The replies, separated by a line "====": each a status line ("200" or
 * "HTTP/1.1 200 OK"; no status for a request that failed), header lines
 * up to an empty line, then the body, as "curl -i" shows a reply. */
static const uint8_t *http_data;
static size_t http_size;

static long
fuzz_http_transport(const struct sink_http_request *req OVS_UNUSED,
                    struct ds *headers, struct ds *body, char **error)
{
    struct ds reply = DS_EMPTY_INITIALIZER;
    long status = 0;

    if (fuzz_split(&http_data, &http_size, "\n====\n", &reply)) {
        const char *p = ds_cstr(&reply);
        const char *nl = strchr(p, '\n');
        if (!strncmp(p, "HTTP/", 5)) {
            p += strcspn(p, " \n");
        }
        status = strtol(p, NULL, 10);
        if (status > 0 && status < 1000 && nl) {
            const char *head = nl + 1;
            const char *end = reply.string + reply.length;
            const char *crlf = strstr(head, "\r\n\r\n");
            const char *lf = strstr(head, "\n\n");
            const char *blank = (*head == '\n' || !strncmp(head, "\r\n", 2)
                                 ? head
                                 : crlf && (!lf || crlf < lf) ? crlf + 2
                                 : lf ? lf + 1 : NULL);
            const char *bstart = blank ? blank + (*blank == '\r' ? 2 : 1)
                                       : end;

            ds_put_buffer(headers, head, (blank ? blank : end) - head);
            ds_put_buffer(body, bstart, end - bstart);
        } else {
            status = 0;
        }
    }
    if (!status) {
        *error = xstrdup("fuzz: request failed");
    }
    ds_destroy(&reply);
    return status;
}

void
fuzz_http_start(const uint8_t *data, size_t size)
{
    http_data = data;
    http_size = size;
    sink_http_set_transport(fuzz_http_transport);
}

void
fuzz_http_finish(void)
{
    http_data = NULL;
    http_size = 0;
}

static void
list_cb(void *aux, const char *key, uint64_t size OVS_UNUSED)
{
    size_t *n = aux;

    ovs_assert(key);
    (*n)++;
}

/* Everything the exporter and the CLI ask of a sink, in one sequence,
 * each step answered by the next replies of the input: the probe, a
 * small upload and one of several parts (S3's multipart upload), a
 * listing in pages of 2, a read and a delete. */
void
fuzz_sink_exercise(struct sink *sink, const char *system_id)
{
    static uint8_t *big;
    const size_t big_size = 2 * SINK_S3_MIN_PART_SIZE + 1;
    char *reason = NULL;

    if (!big) {
        big = xzalloc(big_size);
    }

    sink_probe(sink, system_id, &reason);
    free(reason);

    struct sink_body small = SINK_BODY_MEM("flow log\n", 9);
    reason = NULL;
    sink_put(sink, "2026/12/07/lg/a.csv", &small, &reason);
    free(reason);

    struct sink_body large = SINK_BODY_MEM(big, big_size);
    reason = NULL;
    sink_put(sink, "2026/12/07/lg/b.csv", &large, &reason);
    free(reason);

    size_t n = 0;
    reason = NULL;
    sink_list(sink, "2026/", 2, list_cb, &n, &reason);
    free(reason);

    struct ds body = DS_EMPTY_INITIALIZER;
    reason = NULL;
    sink_get(sink, "2026/12/07/lg/a.csv", &body, &reason);
    free(reason);
    ds_destroy(&body);

    reason = NULL;
    sink->class->delete(sink, "2026/12/07/lg/a.csv", &reason);
    free(reason);
}
