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

/* The S3 sink's handling of replies (lib/flowlog-sink-s3.c): error
 * documents, multipart upload replies (UploadId, part ETags, the complete
 * reply, the listing of parts when it sweeps), ListObjectsV2 pages and
 * objects read.  Input: the replies to the requests that
 * fuzz_sink_exercise() makes, in order (see fuzz.c), after a first line
 * that selects the configuration. */

#include <config.h>
#include "tests/fuzz/fuzz.h"

#include "lib/flowlog-sink.h"
#include "lib/flowlog-sink-config.h"
#include "openvswitch/dynamic-string.h"
#include "smap.h"
#include "util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct sink_config *cfgs[2];

    fuzz_init();
    if (!cfgs[0]) {
        for (int i = 0; i < 2; i++) {
            struct smap keys = SMAP_INITIALIZER(&keys);
            smap_add(&keys, "endpoint", "http://192.0.2.2:8080");
            smap_add(&keys, "access-key", "AKIAFUZZ");
            smap_add(&keys, "secret-key", "secret");
            smap_add(&keys, "region", "kr1");
            smap_add(&keys, "multipart-threshold", "5242880");
            smap_add(&keys, "multipart-part-size", "5242880");
            smap_add(&keys, "path-style", i ? "false" : "true");
            char *error = sink_config_create("fuzz", "s3", "s3", &keys,
                                             &cfgs[i]);
            if (error) {
                ovs_fatal(0, "%s", error);
            }
            smap_destroy(&keys);
        }
    }

    struct ds line = DS_EMPTY_INITIALIZER;
    fuzz_split(&data, &size, "\n", &line);
    const struct sink_config *cfg = cfgs[line.length & 1];

    struct sink *sink;
    char *reason = NULL;
    fuzz_http_start(data, size);
    if (sink_open("s3://bucket/prefix", "s3", cfg, &sink, &reason)
        == SINK_OK) {
        fuzz_sink_exercise(sink, ds_cstr(&line));
        sink_close(sink);
    }
    fuzz_http_finish();
    free(reason);
    ds_destroy(&line);
    return 0;
}
