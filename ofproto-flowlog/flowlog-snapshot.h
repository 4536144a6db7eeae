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


#ifndef OFPROTO_FLOWLOG_SNAPSHOT_H
#define OFPROTO_FLOWLOG_SNAPSHOT_H 1

/* Snapshots: the records of a closed interval, frozen for the exporter. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lib/flowlog-config.h"
#include "openvswitch/list.h"

struct ds;
struct json;
struct fl_binding;
struct fl_frozen_ref;
struct fl_interval;
struct fl_logger;
struct flowlog_record;

struct fl_snapshot {
    struct ovs_list node;       /* In the channel's queue. */
    uint64_t seq;
    char *logger;
    char *region;
    char *host;
    struct flowlog_logger_opts opts;
    long long int start, end;   /* Wall ms. */

    /* The records, in file order: the closed interval itself (not a copy)
     * and its SKIPDATA and NODATA records.  Read with fl_snapshot_record(). */
    struct fl_interval *iv;
    size_t n_records;
    struct fl_frozen_ref *refs;
    size_t n_extra;
    struct flowlog_record *extra;
    struct fl_binding **bindings;   /* References for 'extra[i].id'. */

    size_t bytes;               /* Memory it holds (see below). */
    uint64_t drops_reported;    /* Its logger's drops (counted from 1) up
                                 * to which its SnapshotBegin last
                                 * reported them. */
};

/* What the queue bound counts for a snapshot: the memory it holds in
 * ovs-vswitchd, a fixed part for the snapshot itself and, per record, the
 * record as the interval held it (fl_record_memory()) and its reference
 * in file order; a SKIPDATA or NODATA record is a struct flowlog_record and
 * its reference. */
#define FL_SNAPSHOT_BASE_BYTES 256

struct fl_snapshot *fl_snapshot_create(const struct fl_logger *,
                                       struct fl_interval *, uint64_t seq);
void fl_snapshot_free(struct fl_snapshot *);
void fl_snapshot_record(const struct fl_snapshot *, size_t i,
                        struct flowlog_record *);
size_t fl_snapshot_record_bytes(void);

void fl_snapshot_format_line(struct ds *, const struct fl_snapshot *);
void fl_snapshot_format_csv(struct ds *, const struct fl_snapshot *);
struct json *fl_snapshot_to_json(const struct fl_snapshot *,
                                 bool with_records);

#endif /* flowlog-snapshot.h */
