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

/* The logger string of Flow_Log rows and logger options of OVSDB (see
 * ovs-flowlog(7)), as ovs-vswitchd and the exporter parse it:
 * flowlog_logger_opts_parse() and flowlog_fields_parse().  Input: the
 * string.  A string that parses must format to one that parses to the same
 * options. */

#include <config.h>
#include "tests/fuzz/fuzz.h"

#include <string.h>

#include "lib/flowlog-config.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/json.h"
#include "util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct flowlog_logger_opts opts, again, copy;
    char *s = xmemdup0((const char *) data, size);
    char *error;

    fuzz_init();
    flowlog_logger_name_valid(s);

    enum flowlog_field fields[FL_N_FIELDS];
    size_t n_fields;
    free(flowlog_fields_parse(s, fields, &n_fields));

    error = flowlog_logger_opts_parse(s, &opts);
    if (!error) {
        struct ds out = DS_EMPTY_INITIALIZER;

        flowlog_logger_opts_format(&opts, &out);
        error = flowlog_logger_opts_parse(ds_cstr(&out), &again);
        if (error) {
            ovs_abort(0, "\"%s\" formats as \"%s\", which does not parse: "
                      "%s", s, ds_cstr(&out), error);
        }
        if (!flowlog_logger_opts_equal(&opts, &again)) {
            ovs_abort(0, "\"%s\" formats as \"%s\", which parses "
                      "differently", s, ds_cstr(&out));
        }
        flowlog_logger_opts_clone(&copy, &opts);
        ovs_assert(flowlog_logger_opts_equal(&opts, &copy));
        json_destroy(flowlog_logger_opts_to_json(&copy));

        flowlog_logger_opts_destroy(&again);
        flowlog_logger_opts_destroy(&copy);
        flowlog_logger_opts_destroy(&opts);
        ds_destroy(&out);
    }
    free(error);
    free(s);
    return 0;
}
