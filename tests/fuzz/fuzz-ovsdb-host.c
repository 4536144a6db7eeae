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

/* The hook's keys of the Open_vSwitch table (ofproto-flowlog/
 * flowlog-ovsdb.c): host settings (flowlog-region, -verdict,
 * -neutron-tables, -max-records, ...) and loggers (flowlog-logger-NAME),
 * as flowlog_reconfigure() applies them from other_config, with the
 * problems it reports; then the keys of an Interface (flowlog-loggers,
 * flowlog-ct-zone, flowlog-ct-blocked-mark, unknown flowlog-* keys, and the
 * identities of its external_ids) as a configuration parses those of a
 * logging port with these loggers (fl_ovsdb_check_interface(): the row
 * has no bridges, so attaching the port itself is not reached).  Input:
 * lines "KEY=VALUE" of the Open_vSwitch row's other_config,
 * "iface:KEY=VALUE" of the Interface's other_config and "ext:KEY=VALUE" of
 * its external_ids. */

#include <config.h>
#include "tests/fuzz/fuzz.h"

#include <string.h>

#include "ofproto-flowlog/flowlog.h"
#include "ofproto-flowlog/flowlog-ovsdb.h"
#include "openvswitch/dynamic-string.h"
#include "ovs-rcu.h"
#include "smap.h"
#include "svec.h"
#include "util.h"
#include "vswitch-idl.h"

static void
configure(const struct smap *other_config)
{
    struct ovsrec_open_vswitch row;

    memset(&row, 0, sizeof row);
    smap_clone(&row.other_config, other_config);
    smap_init(&row.external_ids);
    flowlog_reconfigure(&row);      /* As bridge.c calls it. */
    smap_destroy(&row.other_config);
    smap_destroy(&row.external_ids);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct smap oc = SMAP_INITIALIZER(&oc);
    struct ovsrec_interface iface;
    struct smap ext = SMAP_INITIALIZER(&ext);
    bool has_ext = false;
    struct ds line = DS_EMPTY_INITIALIZER;

    fuzz_init();
    memset(&iface, 0, sizeof iface);
    iface.name = CONST_CAST(char *, "vm1-tap");
    smap_init(&iface.other_config);
    while (fuzz_split(&data, &size, "\n", &line)) {
        char *key = ds_cstr(&line);
        struct smap *map = &oc;

        if (!strncmp(key, "iface:", 6)) {
            map = &iface.other_config;
            key += 6;
        } else if (!strncmp(key, "ext:", 4)) {
            map = &ext;
            has_ext = true;
            key += 4;
        }

        char *eq = strchr(key, '=');
        if (eq) {
            *eq = '\0';
            smap_replace(map, key, eq + 1);
        }
    }
    ds_destroy(&line);

    configure(&oc);

    struct svec errors = SVEC_EMPTY_INITIALIZER;
    struct svec warnings = SVEC_EMPTY_INITIALIZER;
    struct ds s = DS_EMPTY_INITIALIZER;
    fl_ovsdb_problems(&errors, &warnings);
    fl_ovsdb_format_errors(&s);

    fl_ovsdb_check_interface(&iface, has_ext ? &ext : NULL,
                             &errors, &warnings);
    smap_destroy(&iface.other_config);
    smap_destroy(&ext);

    svec_destroy(&errors);
    svec_destroy(&warnings);
    ds_destroy(&s);

    /* Back to no configuration, so that inputs do not depend on each
     * other. */
    smap_clear(&oc);
    configure(&oc);
    smap_destroy(&oc);
    ovsrcu_quiesce();
    return 0;
}
