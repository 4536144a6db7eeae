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

/* The Swift sink's handling of replies (lib/flowlog-sink-swift.c):
 * TempAuth headers, Keystone v3 and v2 token bodies and their service
 * catalogs, container listings (JSON) and objects read.  Input: a first
 * line whose length picks the authentication (and whether the
 * configuration names a region or a storage URL), then the replies to the
 * requests of fuzz_sink_exercise() (see fuzz.c), authentication
 * included, in order. */

#include <config.h>
#include "tests/fuzz/fuzz.h"

#include "lib/flowlog-sink.h"
#include "lib/flowlog-sink-config.h"
#include "openvswitch/dynamic-string.h"
#include "smap.h"
#include "util.h"

#define N_CFGS 9

static struct sink_config *
make_cfg(int i)
{
    static const char *const types[] = {
        "swift-tempauth", "swift-keystone-v3", "swift-keystone-v2",
    };
    struct smap keys = SMAP_INITIALIZER(&keys);
    const char *type = types[i % 3];
    struct sink_config *cfg;

    if (i % 3 == 0) {
        smap_add(&keys, "auth-url", "http://192.0.2.1:8080/auth/v1.0");
        smap_add(&keys, "user", "test:tester");
        smap_add(&keys, "key", "testing");
    } else {
        smap_add(&keys, "auth-url", i % 3 == 1 ? "http://192.0.2.1:5000/v3"
                                               : "http://192.0.2.1:5000/v2.0");
        smap_add(&keys, "username", "flowlog");
        smap_add(&keys, "password", "secret");
        smap_add(&keys, i % 3 == 1 ? "project-name" : "tenant-name",
                 "flowlog");
        if (i / 3 == 1) {
            smap_add(&keys, "region", "KR1");
        }
    }
    if (i / 3 == 2) {
        smap_add(&keys, "storage-url", "http://192.0.2.1:8080/v1/AUTH_t");
    }
    char *error = sink_config_create("fuzz", "swift", type, &keys, &cfg);
    if (error) {
        ovs_fatal(0, "%s", error);
    }
    smap_destroy(&keys);
    return cfg;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct sink_config *cfgs[N_CFGS];

    fuzz_init();
    if (!cfgs[0]) {
        for (int i = 0; i < N_CFGS; i++) {
            cfgs[i] = make_cfg(i);
        }
    }

    struct ds line = DS_EMPTY_INITIALIZER;
    fuzz_split(&data, &size, "\n", &line);
    const struct sink_config *cfg = cfgs[line.length % N_CFGS];

    struct sink *sink;
    char *reason = NULL;
    fuzz_http_start(data, size);
    if (sink_open("swift://container/prefix", "swift", cfg, &sink, &reason)
        == SINK_OK) {
        fuzz_sink_exercise(sink, "host-1");
        sink_close(sink);
    }
    fuzz_http_finish();
    free(reason);
    ds_destroy(&line);
    return 0;
}
