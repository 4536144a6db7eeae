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

#ifndef FLOWLOG_CONFIG_H
#define FLOWLOG_CONFIG_H 1

/* Parsing of the flow log configuration strings kept in OVSDB (see
 * ovs-flowlog(7)).  Shared by ovs-vswitchd and the exporter. */

#include <stdbool.h>
#include <stddef.h>
#include "lib/flowlog-record.h"
#include "openvswitch/uuid.h"

struct ds;
struct json;

#define FLOWLOG_INTERVAL_DEFAULT 600
#define FLOWLOG_INTERVAL_MIN 10
#define FLOWLOG_INTERVAL_MAX 3600
#define FLOWLOG_CAPACITY_DEFAULT 100000
#define FLOWLOG_CAPACITY_MAX 1000000
#define FLOWLOG_MAX_RECORDS_DEFAULT 2000000
#define FLOWLOG_QUEUE_MAX_BYTES_DEFAULT 67108864
#define FLOWLOG_TARGET_DEFAULT "file:///var/log/openvswitch/flowlog"

enum flowlog_filter { FL_FILTER_ALL, FL_FILTER_ACCEPT, FL_FILTER_DROP };
enum flowlog_format { FL_FORMAT_CSV, FL_FORMAT_JSONL, FL_FORMAT_PARQUET };
enum flowlog_compression { FL_COMPRESSION_GZIP, FL_COMPRESSION_NONE };
enum flowlog_partition { FL_PARTITION_HOUR, FL_PARTITION_DAY,
                         FL_PARTITION_HIVE };

/* One logger's effective configuration: every option has a value. */
struct flowlog_logger_opts {
    int interval;                   /* Seconds. */
    enum flowlog_filter filter;
    bool setup_only;
    int capacity;
    bool has_vpc, has_subnet;
    struct uuid vpc, subnet;
    char *target;
    char *credentials;
    enum flowlog_format format;
    enum flowlog_compression compression;
    enum flowlog_partition partition;
    size_t n_fields;
    enum flowlog_field fields[FL_N_FIELDS];
};

bool flowlog_logger_name_valid(const char *);
char *flowlog_logger_opts_parse(const char *, struct flowlog_logger_opts *)
    OVS_WARN_UNUSED_RESULT;
void flowlog_logger_opts_destroy(struct flowlog_logger_opts *);
void flowlog_logger_opts_clone(struct flowlog_logger_opts *dst,
                               const struct flowlog_logger_opts *src);
bool flowlog_logger_opts_equal(const struct flowlog_logger_opts *,
                               const struct flowlog_logger_opts *);
void flowlog_logger_opts_format(const struct flowlog_logger_opts *,
                                struct ds *);
struct json *flowlog_logger_opts_to_json(const struct flowlog_logger_opts *);
char *flowlog_fields_parse(const char *, enum flowlog_field *fields,
                           size_t *n) OVS_WARN_UNUSED_RESULT;

const char *flowlog_filter_name(enum flowlog_filter);

#endif /* flowlog-config.h */
