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

/* The exporter's configuration file (lib/flowlog-sink-config.c: libinih
 * and the checks of every section's credentials) as sink_config_load()
 * reads it, and what the exporter does with a loaded one: format it,
 * compare it with the sample configuration for a reload, and open a sink
 * of each kind with each section.  Input: the file; its first byte picks
 * the file's mode (the exporter refuses a file readable by others). */

#include <config.h>
#include "tests/fuzz/fuzz.h"

#include <string.h>

#include "lib/flowlog-sink.h"
#include "lib/flowlog-sink-config.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "openvswitch/shash.h"
#include "util.h"

static const char sample[] =
    "[default]\n"
    "file-root = /var/log/openvswitch/flowlog\n"
    "[swift]\n"
    "type = swift-keystone-v3\n"
    "auth-url = http://192.0.2.1:5000/v3\n"
    "username = flowlog\n"
    "password = secret\n"
    "project-name = flowlog\n"
    "[s3]\n"
    "type = s3\n"
    "endpoint = http://192.0.2.2:8080\n"
    "access-key = AKIA\n"
    "secret-key = secret\n";

static void
try_sinks(const struct sink_config *cfg, const char *section)
{
    static const char *const targets[] = {
        "s3://bucket/prefix", "swift://container/prefix", "file:///",
        "file:///var/log/openvswitch/flowlog/x",
    };

    for (size_t i = 0; i < ARRAY_SIZE(targets); i++) {
        struct sink *sink;
        char *reason = NULL;

        if (sink_open(targets[i], section, cfg, &sink, &reason) == SINK_OK) {
            sink_close(sink);
        }
        free(reason);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct sink_config *sample_cfg;
    static char *name, *sample_name;

    fuzz_init();
    if (!name) {
        name = xasprintf("%s/exporter.conf", fuzz_tmpdir());
        sample_name = xasprintf("%s/sample.conf", fuzz_tmpdir());
        fuzz_write_file(sample_name, sample, strlen(sample), 0600);
        char *error = sink_config_load(sample_name, &sample_cfg);
        if (error) {
            ovs_fatal(0, "the sample configuration does not load: %s",
                      error);
        }
        /* Nothing may reach the network. */
        fuzz_http_start(NULL, 0);
    }
    if (!size) {
        return 0;
    }

    int mode = data[0] & 1 ? 0640 : 0600;
    fuzz_write_file(name, data + 1, size - 1, mode);

    struct sink_config *cfg;
    char *error = sink_config_load(name, &cfg);
    if (!error) {
        struct ds s = DS_EMPTY_INITIALIZER;

        sink_config_format(cfg, &s);
        json_destroy(sink_config_to_json(cfg));
        sink_config_format_changes(sample_cfg, cfg, &s);
        sink_config_format_changes(cfg, sample_cfg, &s);
        sink_config_file_roots_equal(cfg, sample_cfg);

        size_t n;
        const char *const *roots = sink_config_file_roots(cfg, &n);
        for (size_t i = 0; i < n; i++) {
            ovs_assert(roots[i]);
        }
        static const char *const sections[] = {
            "default", "swift", "s3", "x", "",
        };
        for (size_t i = 0; i < ARRAY_SIZE(sections); i++) {
            sink_config_credentials_equal(cfg, sample_cfg, sections[i]);
            sink_config_credentials(cfg, sections[i]);
            try_sinks(cfg, sections[i]);
        }
        ds_destroy(&s);
        sink_config_unref(cfg);
    }
    free(error);
    return 0;
}
